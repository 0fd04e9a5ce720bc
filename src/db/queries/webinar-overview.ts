import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type WebinarPhase, webinarPhase } from "../../domain/webinars";
import type { Db } from "../client";
import { connectors, engagements, registrations, webinars } from "../schema";
import { keysetPage } from "./keyset-page";
import { countsFor, type Keyset, type WebinarCounts, type WebinarFilter, type WebinarRow } from "./reports";

/**
 * Reports > Webinars overview: webinars with their counts (from `countsFor`, the one definition
 * of each count), the number of registrants who engaged, and the attendance rate, filtered by
 * organizer, campaign and date and sorted by date or by a figure.
 *
 * - engaged: registered registrants (as `countsFor` counts them) with at least one `engagements`
 *   row for the webinar (a poll or survey answered, a question asked).
 * - attendance rate: attended / registered, once the webinar has ended and had registrants;
 *   null before that (nothing to rate yet).
 */

export const OVERVIEW_SORTS = ["date", "registered", "attended", "absent", "rate", "engaged"] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];
export type SortDirection = "asc" | "desc";

export interface OverviewFilter {
  show: WebinarFilter;
  connectorId: string | null;
  campaignId: string | null;
  /** ISO instants: webinars starting at or after `from` and before `to`. */
  from: string | null;
  to: string | null;
  sort: OverviewSort;
  dir: SortDirection;
}

export interface OverviewRow extends WebinarRow {
  phase: WebinarPhase;
  counts: WebinarCounts;
  engaged: number;
  attendanceRate: number | null;
}

/** Where a page starts: after a start time (date sort) or after a figure (the other sorts). */
export type OverviewPosition = { kind: "date"; at: Keyset } | { kind: "ranked"; value: number; id: string };

const CHUNK = 90;

const isRegistered = sql`(${registrations.status} IN ('registered', 'waiting', 'approved') OR ${registrations.attended} = 1)`;

/** Registered registrants with at least one engagement, per webinar, in one grouped query per chunk. */
export async function engagedFor(db: Db, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .select({ webinarId: engagements.webinarId, n: sql<number>`count(DISTINCT ${engagements.prospectId})` })
      .from(engagements)
      .innerJoin(
        registrations,
        and(eq(registrations.prospectId, engagements.prospectId), eq(registrations.webinarId, engagements.webinarId)),
      )
      .where(and(inArray(engagements.webinarId, ids.slice(i, i + CHUNK)), isRegistered))
      .groupBy(engagements.webinarId);
    for (const r of rows) out.set(r.webinarId, r.n);
  }
  return out;
}

export function attendanceRate(phase: WebinarPhase, counts: WebinarCounts): number | null {
  if (phase !== "finished" || counts.registered === 0) return null;
  return counts.attended / counts.registered;
}

/** The figure a row is sorted by; a rate not there yet sorts after every rate, either way round. */
export function sortValue(row: OverviewRow, sort: Exclude<OverviewSort, "date">, dir: SortDirection): number {
  if (sort === "rate") return row.attendanceRate ?? (dir === "asc" ? 2 : -1);
  if (sort === "engaged") return row.engaged;
  return row.counts[sort];
}

function filterWhere(f: OverviewFilter, now: string): SQL[] {
  const where: SQL[] = [];
  if (f.show === "upcoming") where.push(sql`${webinars.status} = 'scheduled' AND ${webinars.endsAt} > ${now}`);
  if (f.show === "finished") where.push(sql`${webinars.status} = 'scheduled' AND ${webinars.endsAt} <= ${now}`);
  if (f.connectorId) where.push(eq(webinars.connectorId, f.connectorId));
  if (f.campaignId) {
    where.push(
      sql`${webinars.connectorId} IN (SELECT ${connectors.id} FROM ${connectors} WHERE ${connectors.campaignId} = ${f.campaignId})`,
    );
  }
  if (f.from) where.push(sql`${webinars.startsAt} >= ${f.from}`);
  if (f.to) where.push(sql`${webinars.startsAt} < ${f.to}`);
  return where;
}

async function withFigures(db: Db, list: WebinarRow[], now: string): Promise<OverviewRow[]> {
  const counts = await countsFor(db, list, now);
  const engaged = await engagedFor(
    db,
    list.map((w) => w.id),
  );
  return list.map((w) => {
    const phase = webinarPhase(w, now);
    const c = counts.get(w.id) ?? { registered: 0, accepted: 0, attended: 0, absent: 0, cancelled: 0, denied: 0 };
    return { ...w, phase, counts: c, engaged: engaged.get(w.id) ?? 0, attendanceRate: attendanceRate(phase, c) };
  });
}

/**
 * One page of the overview. By date, the database pages by (starts_at, id). By a figure, the
 * figures of every webinar the filter keeps are needed to order them, so all of them are read
 * (their counts come in grouped queries of 90) and the page is cut after the cursor's (value, id).
 */
export async function overviewPage(
  db: Db,
  opts: { filter: OverviewFilter; limit: number; after: OverviewPosition | null; now: string },
): Promise<{ rows: OverviewRow[]; next: OverviewPosition | null }> {
  const { filter, limit, now } = opts;
  const ascending = filter.dir === "asc";
  const where = filterWhere(filter, now);
  if (filter.sort === "date") {
    const after = opts.after?.kind === "date" ? opts.after.at : null;
    if (after) {
      where.push(
        ascending
          ? sql`(${webinars.startsAt}, ${webinars.id}) > (${after.at}, ${after.id})`
          : sql`(${webinars.startsAt}, ${webinars.id}) < (${after.at}, ${after.id})`,
      );
    }
    const found = await db
      .select()
      .from(webinars)
      .where(where.length ? and(...where) : undefined)
      .orderBy(
        ...(ascending ? [asc(webinars.startsAt), asc(webinars.id)] : [desc(webinars.startsAt), desc(webinars.id)]),
      )
      .limit(limit + 1);
    const { rows, next } = keysetPage(
      found,
      limit,
      (w): OverviewPosition => ({ kind: "date", at: { at: w.startsAt, id: w.id } }),
    );
    return { rows: await withFigures(db, rows, now), next };
  }
  const sort = filter.sort;
  const all = await db
    .select()
    .from(webinars)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(webinars.startsAt));
  const rows = await withFigures(db, all, now);
  const sign = ascending ? 1 : -1;
  rows.sort((a, b) => {
    const d = sortValue(a, sort, filter.dir) - sortValue(b, sort, filter.dir);
    if (d !== 0) return sign * d;
    return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  const after = opts.after?.kind === "ranked" ? opts.after : null;
  const start = after
    ? rows.findIndex((r) => {
        const d = sortValue(r, sort, filter.dir) - after.value;
        return sign * d > 0 || (d === 0 && sign * (r.id < after.id ? -1 : r.id > after.id ? 1 : 0) > 0);
      })
    : 0;
  const page = start < 0 ? [] : rows.slice(start, start + limit);
  const last = page.at(-1);
  const more = start >= 0 && rows.length > start + limit;
  return {
    rows: page,
    next: more && last ? { kind: "ranked", value: sortValue(last, sort, filter.dir), id: last.id } : null,
  };
}

export interface OrganizerOption {
  id: string;
  organizerEmail: string;
  organizerName: string | null;
  campaignId: string | null;
  deleted: boolean;
}

/** Every connector that may have brought webinars, deleted ones too (their webinars stay). */
export async function organizerOptions(db: Db): Promise<OrganizerOption[]> {
  const rows = await db
    .select({
      id: connectors.id,
      organizerEmail: connectors.organizerEmail,
      organizerName: connectors.organizerName,
      campaignId: connectors.campaignId,
      deletedAt: connectors.deletedAt,
    })
    .from(connectors)
    .orderBy(asc(connectors.organizerEmail), asc(connectors.id));
  return rows.map(({ deletedAt, ...r }) => ({ ...r, deleted: deletedAt !== null }));
}
