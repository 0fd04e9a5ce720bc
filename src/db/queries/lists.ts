import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { type Criteria, criteriaReferences, type NameLookup, type ReferenceType } from "../../domain/criteria";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { campaigns, listMembers, lists, prospects, webinars } from "../schema";
import { afterFactsChanged } from "./activities";
import { criteriaMatches, saveCriteriaStatements } from "./criteria";
import { keysetPage } from "./keyset-page";
import { type PersonSummary, personColumns } from "./person-columns";
import { qualified } from "./qualified";
import type { Keyset } from "./reports";
import type { Statement } from "./statements";

export type ListRow = typeof lists.$inferSelect;
export type ListWithCount = ListRow & { members: number };

const memberCount = sql<number>`(SELECT count(*) FROM ${listMembers} WHERE ${listMembers.listId} = ${qualified(lists.id)})`;

export async function listLists(db: Db): Promise<ListWithCount[]> {
  const rows = await db.select({ list: lists, members: memberCount }).from(lists).orderBy(asc(lists.name));
  return rows.map((r) => ({ ...r.list, members: r.members }));
}

/** A page of lists for the API, newest first, keyset-paged on (created_at, id). */
export async function listPage(
  db: Db,
  opts: { limit: number; after: Keyset | null },
): Promise<{ rows: ListWithCount[]; next: Keyset | null }> {
  const found = await db
    .select({ list: lists, members: memberCount })
    .from(lists)
    .where(opts.after ? sql`(${lists.createdAt}, ${lists.id}) < (${opts.after.at}, ${opts.after.id})` : undefined)
    .orderBy(desc(lists.createdAt), desc(lists.id))
    .limit(opts.limit + 1);
  const { rows, next } = keysetPage(found, opts.limit, (r) => ({ at: r.list.createdAt, id: r.list.id }));
  return { rows: rows.map((r) => ({ ...r.list, members: r.members })), next };
}

export async function findList(db: Db, id: string): Promise<ListRow | null> {
  const [row] = await db.select().from(lists).where(eq(lists.id, id)).limit(1);
  return row ?? null;
}

export async function findListByName(db: Db, name: string): Promise<ListRow | null> {
  const [row] = await db.select().from(lists).where(eq(lists.name, name)).limit(1);
  return row ?? null;
}

/** The static list with this name, created if there is none (a dynamic one of that name is returned as it is). */
export async function findOrCreateList(db: Db, name: string): Promise<ListRow> {
  await db
    .insert(lists)
    .values({ id: newId("lst"), name })
    .onConflictDoNothing();
  const row = await findListByName(db, name);
  if (!row) throw new Error(`list ${name} vanished`);
  return row;
}

/** A list's member as its page and the API show it. */
export interface MemberRow extends PersonSummary {
  campaignName: string | null;
  prospectCreatedAt: string;
  addedAt: string;
}

/**
 * A page of a list's members, who joined last first, keyset-paged on (joined, prospect id).
 * `search` matches part of the email or name, as the prospect search does (instr, not LIKE).
 */
export async function memberPage(
  db: Db,
  opts: { listId: string; search?: string | undefined; limit: number; after: Keyset | null },
): Promise<{ rows: MemberRow[]; next: Keyset | null }> {
  const where: (SQL | undefined)[] = [eq(listMembers.listId, opts.listId)];
  if (opts.search) {
    const email = opts.search.toLowerCase();
    where.push(
      sql`(instr(${prospects.email}, ${email}) > 0
        OR instr(lower(coalesce(${prospects.firstName}, '') || ' ' || coalesce(${prospects.lastName}, '')), lower(${opts.search})) > 0)`,
    );
  }
  if (opts.after) {
    where.push(sql`(${listMembers.addedAt}, ${listMembers.prospectId}) < (${opts.after.at}, ${opts.after.id})`);
  }
  const found = await db
    .select({
      prospectId: prospects.id,
      ...personColumns,
      campaignName: campaigns.name,
      prospectCreatedAt: prospects.createdAt,
      addedAt: listMembers.addedAt,
    })
    .from(listMembers)
    .innerJoin(prospects, eq(prospects.id, listMembers.prospectId))
    .leftJoin(campaigns, eq(campaigns.id, prospects.campaignId))
    .where(and(...where))
    .orderBy(desc(listMembers.addedAt), desc(listMembers.prospectId))
    .limit(opts.limit + 1);
  return keysetPage(found, opts.limit, (r) => ({ at: r.addedAt, id: r.prospectId }));
}

export async function countActiveProspects(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(prospects).where(isNull(prospects.mergedIntoId));
  return row?.n ?? 0;
}

/** Active prospect ids after `after` in id order: the ranges a recompute walks. */
export async function activeProspectIdsAfter(db: Db, after: string | null, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: prospects.id })
    .from(prospects)
    // By the primary key in order (the unary + keeps SQLite off the merged_into_id index, which would sort every active prospect).
    .where(and(sql`+${prospects.mergedIntoId} IS NULL`, after === null ? undefined : sql`${prospects.id} > ${after}`))
    .orderBy(asc(prospects.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** What a preview of unsaved criteria shows: how many active prospects match, and the newest few. */
export async function previewCriteria(
  db: Db,
  criteria: Criteria,
  now: string,
  sample: number,
): Promise<{
  count: number;
  prospects: { id: string; email: string; firstName: string | null; lastName: string | null; score: number }[];
}> {
  const matches = criteriaMatches({ criteria }, { all: true }, now);
  const [countRow, sampleRows] = await Promise.all([
    db.all<{ n: number }>(sql`${matches} SELECT count(*) AS n FROM criteria_matches WHERE ok = 1`),
    db.all<{ id: string; email: string; first_name: string | null; last_name: string | null; score: number }>(
      sql`${matches} SELECT p.id, p.email, p.first_name, p.last_name, p.score
          FROM criteria_matches m JOIN prospects p ON p.id = m.prospect_id
          WHERE m.ok = 1 ORDER BY p.created_at DESC, p.id DESC LIMIT ${sample}`,
    ),
  ]);
  return {
    count: countRow[0]?.n ?? 0,
    prospects: sampleRows.map((r) => ({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      score: r.score,
    })),
  };
}

/** Which of the rows criteria point at exist, with their names (for the words) and, for lists, their kind. */
export async function criteriaTargets(
  db: Db,
  criteria: readonly Criteria[],
): Promise<{
  names: NameLookup;
  exists: (type: ReferenceType, id: string) => boolean;
  listKind: (id: string) => ListRow["kind"] | null;
}> {
  const ids: Record<ReferenceType, Set<string>> = { webinar: new Set(), campaign: new Set(), list: new Set() };
  for (const c of criteria) for (const ref of criteriaReferences(c)) ids[ref.type].add(ref.id);
  const [w, cmp, l] = await Promise.all([
    ids.webinar.size
      ? db
          .select({ id: webinars.id, name: webinars.subject })
          .from(webinars)
          .where(inArray(webinars.id, [...ids.webinar]))
      : [],
    ids.campaign.size
      ? db
          .select({ id: campaigns.id, name: campaigns.name })
          .from(campaigns)
          .where(inArray(campaigns.id, [...ids.campaign]))
      : [],
    ids.list.size
      ? db
          .select({ id: lists.id, name: lists.name, kind: lists.kind })
          .from(lists)
          .where(inArray(lists.id, [...ids.list]))
      : [],
  ]);
  const maps = {
    webinar: new Map(w.map((r) => [r.id, r.name])),
    campaign: new Map(cmp.map((r) => [r.id, r.name])),
    list: new Map(l.map((r) => [r.id, r.name])),
  };
  const kinds = new Map(l.map((r) => [r.id, r.kind]));
  return {
    names: {
      webinar: (id) => maps.webinar.get(id) ?? null,
      campaign: (id) => maps.campaign.get(id) ?? null,
      list: (id) => maps.list.get(id) ?? null,
    },
    exists: (type, id) => maps[type].has(id),
    listKind: (id) => kinds.get(id) ?? null,
  };
}

/** The builder's choices: webinars (newest first), campaigns and static lists. */
export async function criteriaChoices(db: Db): Promise<{
  webinars: { id: string; name: string; startsAt: string }[];
  campaigns: { id: string; name: string }[];
  lists: { id: string; name: string }[];
}> {
  const [w, c, l] = await Promise.all([
    db
      .select({ id: webinars.id, name: webinars.subject, startsAt: webinars.startsAt })
      .from(webinars)
      .orderBy(desc(webinars.startsAt))
      .limit(500),
    db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).orderBy(asc(campaigns.name)),
    db.select({ id: lists.id, name: lists.name }).from(lists).where(eq(lists.kind, "static")).orderBy(asc(lists.name)),
  ]);
  return { webinars: w, campaigns: c, lists: l };
}

export function createStaticListStatement(db: Db, input: { id: string; name: string; now: string }): Statement {
  return db.insert(lists).values({ id: input.id, name: input.name, kind: "static", createdAt: input.now });
}

/** A new dynamic list with its criteria, and the job that finds its members: for one batch. */
export function createDynamicListStatements(
  db: Db,
  input: { id: string; name: string; criteria: Criteria; now: string },
): Statement[] {
  return [
    db.insert(lists).values({
      id: input.id,
      name: input.name,
      kind: "dynamic",
      criteria: JSON.stringify(input.criteria),
      createdAt: input.now,
      updatedAt: input.now,
    }),
    ...saveCriteriaStatements({ id: input.id, type: "list" }, input.criteria, input.now),
  ];
}

/** New criteria for a dynamic list (its members are found again by a job queued in the same batch). */
export function updateCriteriaStatements(
  db: Db,
  input: { id: string; name: string; criteria: Criteria; now: string },
): Statement[] {
  return [
    db
      .update(lists)
      .set({ name: input.name, criteria: JSON.stringify(input.criteria), updatedAt: input.now })
      .where(and(eq(lists.id, input.id), eq(lists.kind, "dynamic"))),
    ...saveCriteriaStatements({ id: input.id, type: "list" }, input.criteria, input.now),
  ];
}

/**
 * Adds active prospects to a static list by hand; members already there keep when they joined.
 * What depends on list membership (dynamic lists with "is in list") follows in the same batch.
 */
export function addMembersStatements(listId: string, prospectIds: readonly string[], now: string): Statement[] {
  return [
    sql`INSERT INTO list_members (list_id, prospect_id, created_at)
        SELECT l.id, p.id, ${now} FROM lists l JOIN prospects p
          ON p.id IN (SELECT value FROM json_each(${JSON.stringify(prospectIds)})) AND p.merged_into_id IS NULL
        WHERE l.id = ${listId} AND l.kind = 'static'
        ON CONFLICT DO NOTHING`,
    sql`UPDATE lists SET updated_at = ${now} WHERE id = ${listId}`,
    ...afterFactsChanged({ ids: prospectIds }, now),
  ];
}

export function removeMembersStatements(listId: string, prospectIds: readonly string[], now: string): Statement[] {
  return [
    sql`DELETE FROM list_members WHERE list_id = ${listId}
        AND EXISTS (SELECT 1 FROM lists l WHERE l.id = ${listId} AND l.kind = 'static')
        AND prospect_id IN (SELECT value FROM json_each(${JSON.stringify(prospectIds)}))`,
    sql`UPDATE lists SET updated_at = ${now} WHERE id = ${listId}`,
    ...afterFactsChanged({ ids: prospectIds }, now),
  ];
}

export async function isMember(db: Db, listId: string, prospectId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: listMembers.prospectId })
    .from(listMembers)
    .where(and(eq(listMembers.listId, listId), eq(listMembers.prospectId, prospectId)))
    .limit(1);
  return row !== undefined;
}
