import { and, asc, desc, eq, gte, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  activities,
  campaigns,
  listMembers,
  prospectMerges,
  prospects,
  prospectTags,
  registrations,
  webinars,
} from "../schema";
import { keysetPage } from "./keyset-page";
import type { Keyset } from "./reports";
import { type ActionTaken, prospectRuleActions } from "./rules";

/** Read queries of the prospect pages and the prospect routes of the JSON API. */

export type ProspectRow = typeof prospects.$inferSelect;

export interface ProspectListItem extends ProspectRow {
  campaignName: string | null;
  mergedEmails: string[];
}

/** The emails merged into each of these prospects, oldest merge first: one query for a whole page (one JSON parameter). */
export async function mergedEmailsOf(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ masterId: prospectMerges.masterId, email: prospectMerges.email })
    .from(prospectMerges)
    .where(sql`${prospectMerges.masterId} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
    .orderBy(asc(prospectMerges.createdAt));
  for (const r of rows) out.set(r.masterId, [...(out.get(r.masterId) ?? []), r.email]);
  return out;
}

/**
 * What the prospect list can be narrowed to. `search` matches part of the email or the name
 * (case-insensitive); `email` matches one email exactly, or a merged-away email and then its
 * master; `listId`, `tag` and `campaignId` membership; `minScore` and `maxScore` inclusive.
 */
export interface ProspectFilters {
  search?: string | undefined;
  email?: string | undefined;
  listId?: string | undefined;
  tag?: string | undefined;
  campaignId?: string | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
}

/** The conditions of the filters over `prospects` (active prospects only). */
function filterConditions(opts: ProspectFilters): (SQL | undefined)[] {
  const where: (SQL | undefined)[] = [isNull(prospects.mergedIntoId)];
  if (opts.listId !== undefined) {
    where.push(
      sql`${prospects.id} IN (SELECT ${listMembers.prospectId} FROM ${listMembers} WHERE ${listMembers.listId} = ${opts.listId})`,
    );
  }
  if (opts.tag !== undefined) {
    where.push(
      sql`${prospects.id} IN (SELECT ${prospectTags.prospectId} FROM ${prospectTags} WHERE ${prospectTags.tag} = ${opts.tag})`,
    );
  }
  if (opts.campaignId !== undefined) where.push(eq(prospects.campaignId, opts.campaignId));
  if (opts.minScore !== undefined) where.push(gte(prospects.score, opts.minScore));
  if (opts.maxScore !== undefined) where.push(lte(prospects.score, opts.maxScore));
  if (opts.search) {
    // instr(), not LIKE: D1 refuses LIKE patterns over 50 bytes, and `%` and `_` stay literal.
    // Emails are stored lower-cased by JavaScript, so they are searched lower-cased the same way;
    // names through SQLite's lower(), which folds ASCII only (as LIKE did). An email merged away
    // finds the master it went into.
    const email = opts.search.toLowerCase();
    const text = opts.search;
    where.push(
      or(
        sql`instr(${prospects.email}, ${email}) > 0`,
        sql`instr(lower(${prospects.firstName}), lower(${text})) > 0`,
        sql`instr(lower(${prospects.lastName}), lower(${text})) > 0`,
        sql`instr(lower(coalesce(${prospects.firstName}, '') || ' ' || coalesce(${prospects.lastName}, '')), lower(${text})) > 0`,
        sql`${prospects.id} IN (SELECT ${prospectMerges.masterId} FROM ${prospectMerges} WHERE instr(${prospectMerges.email}, ${email}) > 0)`,
      ),
    );
  }
  if (opts.email !== undefined) {
    const email = opts.email.toLowerCase();
    where.push(
      or(
        eq(prospects.email, email),
        sql`${prospects.id} IN (SELECT ${prospectMerges.masterId} FROM ${prospectMerges} WHERE ${prospectMerges.email} = ${email})`,
      ),
    );
  }
  return where;
}

/** How many active prospects match the filters (what a bulk action on them will act on). */
export async function countProspects(db: Db, filters: ProspectFilters): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(prospects)
    .where(and(...filterConditions(filters)));
  return row?.n ?? 0;
}

/** A page of active prospects matching the filters, newest first. */
export async function prospectPage(
  db: Db,
  opts: ProspectFilters & { limit: number; after: Keyset | null },
): Promise<{ rows: ProspectListItem[]; next: Keyset | null }> {
  const where = filterConditions(opts);
  if (opts.after) {
    where.push(sql`(${prospects.createdAt}, ${prospects.id}) < (${opts.after.at}, ${opts.after.id})`);
  }
  const found = await db
    .select({ prospect: prospects, campaignName: campaigns.name })
    .from(prospects)
    .leftJoin(campaigns, eq(campaigns.id, prospects.campaignId))
    .where(and(...where))
    .orderBy(desc(prospects.createdAt), desc(prospects.id))
    .limit(opts.limit + 1);
  const { rows, next } = keysetPage(found, opts.limit, (r) => ({ at: r.prospect.createdAt, id: r.prospect.id }));
  const merged = await mergedEmailsOf(
    db,
    rows.map((r) => r.prospect.id),
  );
  return {
    rows: rows.map((r) => ({
      ...r.prospect,
      campaignName: r.campaignName,
      mergedEmails: merged.get(r.prospect.id) ?? [],
    })),
    next,
  };
}

export interface ActivityItem {
  id: string;
  type: string;
  dedupeKey: string;
  webinarId: string | null;
  webinarSubject: string | null;
  points: number;
  minutes: number | null;
  detail: string | null;
  occurredAt: string;
}

export interface RegistrationItem {
  id: string;
  webinarId: string;
  webinarSubject: string;
  webinarStartsAt: string;
  webinarEndsAt: string;
  webinarStatus: "scheduled" | "cancelled";
  status: (typeof registrations.$inferSelect)["status"];
  errorMessage: string | null;
  attended: boolean;
  minutesAttended: number;
  registeredAt: string;
  source: "form" | "gotowebinar";
}

export interface MergeHistoryItem {
  id: string;
  masterId: string;
  mergedId: string;
  email: string;
  createdAt: string;
}

export interface ProspectDetail {
  prospect: ProspectListItem;
  activities: ActivityItem[];
  /** What automation rules did to it (and to prospects merged into it), newest first. */
  ruleActions: ActionTaken[];
  registrations: RegistrationItem[];
  /** Merges into this prospect, oldest first. */
  merges: MergeHistoryItem[];
  /** For a merged-away prospect: the master it now lives on. */
  mergedInto: { id: string; email: string } | null;
}

/** Everything the prospect page shows; merged-away prospects too (they say where they went). */
export async function prospectDetail(db: Db, id: string, activityLimit = 500): Promise<ProspectDetail | null> {
  const [row] = await db
    .select({ prospect: prospects, campaignName: campaigns.name })
    .from(prospects)
    .leftJoin(campaigns, eq(campaigns.id, prospects.campaignId))
    .where(eq(prospects.id, id))
    .limit(1);
  if (!row) return null;
  const [acts, regs, merges, master, ruleActions] = await Promise.all([
    db
      .select({
        id: activities.id,
        type: activities.type,
        dedupeKey: activities.dedupeKey,
        webinarId: activities.webinarId,
        webinarSubject: webinars.subject,
        points: activities.points,
        minutes: activities.minutes,
        detail: activities.detail,
        occurredAt: activities.occurredAt,
      })
      .from(activities)
      .leftJoin(webinars, eq(webinars.id, activities.webinarId))
      .where(eq(activities.prospectId, id))
      .orderBy(desc(activities.occurredAt), desc(activities.id))
      .limit(activityLimit),
    db
      .select({
        id: registrations.id,
        webinarId: registrations.webinarId,
        webinarSubject: webinars.subject,
        webinarStartsAt: webinars.startsAt,
        webinarEndsAt: webinars.endsAt,
        webinarStatus: webinars.status,
        status: registrations.status,
        errorMessage: registrations.errorMessage,
        attended: registrations.attended,
        minutesAttended: registrations.minutesAttended,
        registeredAt: registrations.registeredAt,
        source: registrations.source,
      })
      .from(registrations)
      .innerJoin(webinars, eq(webinars.id, registrations.webinarId))
      .where(eq(registrations.prospectId, id))
      .orderBy(desc(webinars.startsAt)),
    db
      .select({
        id: prospectMerges.id,
        masterId: prospectMerges.masterId,
        mergedId: prospectMerges.mergedId,
        email: prospectMerges.email,
        createdAt: prospectMerges.createdAt,
      })
      .from(prospectMerges)
      .where(eq(prospectMerges.masterId, id))
      .orderBy(asc(prospectMerges.createdAt)),
    row.prospect.mergedIntoId
      ? db
          .select({ id: prospects.id, email: prospects.email })
          .from(prospects)
          .where(eq(prospects.id, row.prospect.mergedIntoId))
          .limit(1)
      : Promise.resolve([]),
    prospectRuleActions(db, id, activityLimit),
  ]);
  return {
    prospect: { ...row.prospect, campaignName: row.campaignName, mergedEmails: merges.map((m) => m.email) },
    activities: acts,
    ruleActions,
    registrations: regs,
    merges,
    mergedInto: master[0] ?? null,
  };
}

/** An active prospect by id or by email (for choosing prospects to merge). */
export async function findActiveProspect(db: Db, idOrEmail: string): Promise<ProspectRow | null> {
  const key = idOrEmail.trim();
  const [row] = await db
    .select()
    .from(prospects)
    .where(and(isNull(prospects.mergedIntoId), or(eq(prospects.id, key), eq(prospects.email, key.toLowerCase()))))
    .limit(1);
  return row ?? null;
}

/** How many activities and registrations a prospect has, for the merge confirmation. */
export async function prospectTotals(db: Db, id: string): Promise<{ activities: number; registrations: number }> {
  const [a] = await db.select({ n: sql<number>`count(*)` }).from(activities).where(eq(activities.prospectId, id));
  const [r] = await db.select({ n: sql<number>`count(*)` }).from(registrations).where(eq(registrations.prospectId, id));
  return { activities: a?.n ?? 0, registrations: r?.n ?? 0 };
}

/** The tags prospects carry, alphabetically (for the prospect list's tag filter). */
export async function tagsInUse(db: Db, limit = 200): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tag: prospectTags.tag })
    .from(prospectTags)
    .orderBy(asc(prospectTags.tag))
    .limit(limit);
  return rows.map((r) => r.tag);
}
