import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type WebinarPhase, webinarPhase } from "../../domain/webinars";
import type { Db } from "../client";
import {
  campaigns,
  connectors,
  prospects,
  registrations,
  registrationTallies,
  unmatchedRegistrants,
  webinars,
} from "../schema";
import { keysetPage } from "./keyset-page";
import { type PersonSummary, personColumns } from "./person-columns";

/**
 * Read queries of the webinar report and the JSON API. The admin pages and the
 * API call the same functions, so a count on the page is the count in the JSON.
 *
 * Count definitions, per webinar, over its `registrations` rows:
 * - registered: status registered, waiting or approved (GoTo holds the registration), or attended
 *   whatever the status says now. Pending (still in the outbox), error, denied and cancelled rows
 *   are not registered; the page shows pending and error on their own.
 * - accepted: status approved (GoTo's APPROVED).
 * - attended: attended, with GoTo's minutes.
 * - absent: registered and not attended, once every session has ended (the webinar's `ends_at`,
 *   the end of its last session, has passed); 0 before that and for a cancelled webinar. So for a
 *   finished webinar registered = attended + absent.
 * - cancelled, denied: the registrations in that status (cancelled by the registrant or in GoTo,
 *   refused by the organizer), attended or not.
 */

export type WebinarRow = typeof webinars.$inferSelect;
export type WebinarFilter = "upcoming" | "finished" | "all";
export const REGISTRANT_FILTERS = ["registered", "accepted", "attended", "absent", "cancelled", "denied"] as const;
export type RegistrantFilter = (typeof REGISTRANT_FILTERS)[number];

export type WebinarCounts = Record<RegistrantFilter, number>;

export interface WebinarWithCounts extends WebinarRow {
  phase: WebinarPhase;
  counts: WebinarCounts;
}

export const isRegistered = sql`(${registrations.status} IN ('registered', 'waiting', 'approved') OR ${registrations.attended} = 1)`;

function emptyCounts(): WebinarCounts {
  return { registered: 0, accepted: 0, attended: 0, absent: 0, cancelled: 0, denied: 0 };
}

/** Registered, as the count definitions above say, for the tallies' rows. */
export const tallyRegistered = sql`(${registrationTallies.status} IN ('registered', 'waiting', 'approved') OR ${registrationTallies.attended} = 1)`;

/**
 * Counts of many webinars in one grouped query over their tallies (kept by triggers with every
 * write to `registrations`): a few hundred rows per webinar whatever its number of registrants.
 */
export async function countsFor(db: Db, list: WebinarRow[], now: string): Promise<Map<string, WebinarCounts>> {
  const out = new Map<string, WebinarCounts>();
  const t = registrationTallies;
  for (let i = 0; i < list.length; i += 90) {
    const chunk = list.slice(i, i + 90);
    const rows = await db
      .select({
        webinarId: t.webinarId,
        registered: sql<number>`sum(CASE WHEN ${tallyRegistered} THEN ${t.n} ELSE 0 END)`,
        accepted: sql<number>`sum(CASE WHEN ${t.status} = 'approved' THEN ${t.n} ELSE 0 END)`,
        attended: sql<number>`sum(CASE WHEN ${t.attended} = 1 THEN ${t.n} ELSE 0 END)`,
        cancelled: sql<number>`sum(CASE WHEN ${t.status} = 'cancelled' THEN ${t.n} ELSE 0 END)`,
        denied: sql<number>`sum(CASE WHEN ${t.status} = 'denied' THEN ${t.n} ELSE 0 END)`,
      })
      .from(t)
      .where(
        inArray(
          t.webinarId,
          chunk.map((w) => w.id),
        ),
      )
      .groupBy(t.webinarId);
    for (const { webinarId, ...counts } of rows) {
      out.set(webinarId, { ...counts, absent: 0 });
    }
  }
  for (const w of list) {
    const counts = out.get(w.id) ?? emptyCounts();
    counts.absent = webinarPhase(w, now) === "finished" ? counts.registered - counts.attended : 0;
    out.set(w.id, counts);
  }
  return out;
}

export async function findWebinar(db: Db, id: string): Promise<WebinarRow | null> {
  const [row] = await db.select().from(webinars).where(eq(webinars.id, id)).limit(1);
  return row ?? null;
}

export async function webinarWithCounts(db: Db, id: string, now: string): Promise<WebinarWithCounts | null> {
  const row = await findWebinar(db, id);
  if (!row) return null;
  const counts = await countsFor(db, [row], now);
  return { ...row, phase: webinarPhase(row, now), counts: counts.get(row.id) ?? emptyCounts() };
}

/** A keyset position: the sort value and the id that breaks ties. */
export interface Keyset {
  at: string;
  id: string;
}

/**
 * A page of webinars. Upcoming (including in progress) soonest first; finished and all newest
 * first. Cancelled webinars appear only under `all`.
 */
export async function webinarPage(
  db: Db,
  opts: { filter: WebinarFilter; limit: number; after: Keyset | null; now: string },
): Promise<{ rows: WebinarWithCounts[]; next: Keyset | null }> {
  const ascending = opts.filter === "upcoming";
  const where: SQL[] = [];
  if (opts.filter === "upcoming")
    where.push(sql`${webinars.status} = 'scheduled' AND ${webinars.endsAt} > ${opts.now}`);
  if (opts.filter === "finished") {
    where.push(sql`${webinars.status} = 'scheduled' AND ${webinars.endsAt} <= ${opts.now}`);
  }
  if (opts.after) {
    where.push(
      ascending
        ? sql`(${webinars.startsAt}, ${webinars.id}) > (${opts.after.at}, ${opts.after.id})`
        : sql`(${webinars.startsAt}, ${webinars.id}) < (${opts.after.at}, ${opts.after.id})`,
    );
  }
  const order = ascending ? [asc(webinars.startsAt), asc(webinars.id)] : [desc(webinars.startsAt), desc(webinars.id)];
  const found = await db
    .select()
    .from(webinars)
    .where(where.length ? and(...where) : undefined)
    .orderBy(...order)
    .limit(opts.limit + 1);
  const { rows, next } = keysetPage(found, opts.limit, (w) => ({ at: w.startsAt, id: w.id }));
  const counts = await countsFor(db, rows, opts.now);
  return {
    rows: rows.map((w) => ({ ...w, phase: webinarPhase(w, opts.now), counts: counts.get(w.id) ?? emptyCounts() })),
    next,
  };
}

export interface RegistrantRow extends PersonSummary {
  registrationId: string;
  campaignName: string | null;
  status: (typeof registrations.$inferSelect)["status"];
  attended: boolean;
  minutesAttended: number;
  registeredAt: string;
  source: "form" | "gotowebinar";
}

function registrantCondition(filter: RegistrantFilter): SQL {
  switch (filter) {
    case "registered":
      return isRegistered;
    case "accepted":
      return sql`${registrations.status} = 'approved'`;
    case "attended":
      return sql`${registrations.attended} = 1`;
    case "absent":
      return sql`${registrations.status} IN ('registered', 'waiting', 'approved') AND ${registrations.attended} = 0`;
    case "cancelled":
      return sql`${registrations.status} = 'cancelled'`;
    case "denied":
      return sql`${registrations.status} = 'denied'`;
  }
}

/** The prospects behind one count, oldest registration first; the same rows the count counts. */
export async function registrantPage(
  db: Db,
  opts: { webinar: WebinarRow; filter: RegistrantFilter; limit: number; after: Keyset | null; now: string },
): Promise<{ rows: RegistrantRow[]; next: Keyset | null }> {
  if (opts.filter === "absent" && webinarPhase(opts.webinar, opts.now) !== "finished") return { rows: [], next: null };
  const where = [eq(registrations.webinarId, opts.webinar.id), registrantCondition(opts.filter)];
  if (opts.after) {
    where.push(sql`(${registrations.registeredAt}, ${registrations.id}) > (${opts.after.at}, ${opts.after.id})`);
  }
  const found = await db
    .select({
      registrationId: registrations.id,
      prospectId: registrations.prospectId,
      ...personColumns,
      campaignName: campaigns.name,
      status: registrations.status,
      attended: registrations.attended,
      minutesAttended: registrations.minutesAttended,
      registeredAt: registrations.registeredAt,
      source: registrations.source,
    })
    .from(registrations)
    .innerJoin(prospects, eq(prospects.id, registrations.prospectId))
    .leftJoin(campaigns, eq(campaigns.id, prospects.campaignId))
    .where(and(...where))
    .orderBy(asc(registrations.registeredAt), asc(registrations.id))
    .limit(opts.limit + 1);
  return keysetPage(found, opts.limit, (r) => ({ at: r.registeredAt, id: r.registrationId }));
}

export interface OutboxRow {
  registrationId: string;
  prospectId: string;
  email: string;
  status: "pending" | "error";
  errorMessage: string | null;
  registeredAt: string;
}

/** Registrations waiting in the outbox (pending) and those GoTo refused (error, with its reason). */
export async function outboxRegistrations(
  db: Db,
  webinarId: string,
  limit = 100,
): Promise<{ pending: number; error: number; rows: OutboxRow[] }> {
  const [counts] = await db
    .select({
      pending: sql<number>`coalesce(sum(CASE WHEN ${registrations.status} = 'pending' THEN 1 ELSE 0 END), 0)`,
      error: sql<number>`coalesce(sum(CASE WHEN ${registrations.status} = 'error' THEN 1 ELSE 0 END), 0)`,
    })
    .from(registrations)
    .where(and(eq(registrations.webinarId, webinarId), inArray(registrations.status, ["pending", "error"])));
  const rows = await db
    .select({
      registrationId: registrations.id,
      prospectId: registrations.prospectId,
      email: prospects.email,
      status: sql<"pending" | "error">`${registrations.status}`,
      errorMessage: registrations.errorMessage,
      registeredAt: registrations.registeredAt,
    })
    .from(registrations)
    .innerJoin(prospects, eq(prospects.id, registrations.prospectId))
    .where(and(eq(registrations.webinarId, webinarId), inArray(registrations.status, ["pending", "error"])))
    .orderBy(desc(registrations.status), asc(registrations.registeredAt))
    .limit(limit);
  return { pending: counts?.pending ?? 0, error: counts?.error ?? 0, rows };
}

export type UnmatchedRow = typeof unmatchedRegistrants.$inferSelect;

export async function unmatchedFor(
  db: Db,
  webinarId: string,
  limit = 200,
): Promise<{ count: number; rows: UnmatchedRow[] }> {
  const [count] = await db
    .select({ n: sql<number>`count(*)` })
    .from(unmatchedRegistrants)
    .where(eq(unmatchedRegistrants.webinarId, webinarId));
  const rows = await db
    .select()
    .from(unmatchedRegistrants)
    .where(eq(unmatchedRegistrants.webinarId, webinarId))
    .orderBy(asc(unmatchedRegistrants.email))
    .limit(limit);
  return { count: count?.n ?? 0, rows };
}

/** The connector a webinar came from, for the webinar page's header and Sync now. */
export async function webinarConnector(
  db: Db,
  connectorId: string,
): Promise<{ id: string; organizerEmail: string; status: string; paused: boolean; deleted: boolean } | null> {
  const [row] = await db
    .select({
      id: connectors.id,
      organizerEmail: connectors.organizerEmail,
      status: connectors.status,
      paused: connectors.paused,
      deletedAt: connectors.deletedAt,
    })
    .from(connectors)
    .where(eq(connectors.id, connectorId))
    .limit(1);
  return row
    ? {
        id: row.id,
        organizerEmail: row.organizerEmail,
        status: row.status,
        paused: row.paused,
        deleted: row.deletedAt !== null,
      }
    : null;
}
