import { eq, inArray, type SQL, sql } from "drizzle-orm";
import {
  type Criteria,
  type KindReading,
  type Match,
  PARAM_NAMES,
  type ProspectFacts,
  storedConditionSql,
  storedConditions,
} from "../../domain/criteria";
import { isolateCache } from "../../lib/isolate-cache";
import type { Db } from "../client";
import {
  connectors,
  engagements,
  listMembers,
  prospects,
  prospectTags,
  registrations,
  sessionAttendance,
  webinarSessions,
  webinars,
} from "../schema";

/**
 * Criteria as SQL (src/domain/criteria): one evaluation for every use. A WITH clause defines
 * `criteria_matches(owner_id, prospect_id, ok)` (ok 1 or 0) for the prospects in a scope and the
 * criteria of a source: the stored sets of dynamic lists (later rules), or criteria not yet saved
 * (the builder's preview) passed as one JSON parameter. Bound parameters stay a handful whatever
 * the criteria hold, far below D1's 100.
 */

/** Which prospects (always active ones: merged-away prospects belong to their master) a statement covers. */
export type ProspectScope =
  | { ids: readonly string[] }
  /** The active prospect with this email, when `when` holds: a form submission's, before its id is known. */
  | { email: string; when: SQL }
  /** Ids after `after` (exclusive) up to `upTo` (inclusive; null: to the end), for bounded steps. */
  | { after: string | null; upTo: string | null }
  | { all: true };

export function scopeSql(scope: ProspectScope, alias = "p"): SQL {
  const a = sql.raw(alias);
  // The unary + keeps SQLite off the merged_into_id index: "IS NULL" there is every active
  // prospect, where the ids, the email or the id range find the few this statement is about.
  const active = sql`+${a}.merged_into_id IS NULL`;
  if ("ids" in scope) return sql`${active} AND ${a}.id IN (SELECT value FROM json_each(${JSON.stringify(scope.ids)}))`;
  if ("email" in scope) return sql`${active} AND ${a}.email = ${scope.email} AND ${scope.when}`;
  if ("after" in scope) {
    const after = scope.after === null ? sql`` : sql` AND ${a}.id > ${scope.after}`;
    const upTo = scope.upTo === null ? sql`` : sql` AND ${a}.id <= ${scope.upTo}`;
    return sql`${active}${after}${upTo}`;
  }
  return active;
}

/** Where the conditions come from; `reading` keeps only stored owners with a condition it names (kindsReading). */
export type CriteriaSource =
  | { ownerType: "list" | "rule"; ownerId?: string; reading?: readonly KindReading[] }
  | { criteria: Criteria; ownerId?: string };

function conditionRows(source: CriteriaSource): SQL {
  if ("criteria" in source) {
    return sql`SELECT ${source.ownerId ?? ""} AS owner_id, ${source.criteria.match} AS top_match,
        j.value ->> 'groupNo' AS group_no, j.value ->> 'groupMatch' AS group_match,
        j.value ->> 'kind' AS kind, j.value ->> 'params' AS params
      FROM json_each(${JSON.stringify(storedConditions(source.criteria))}) j`;
  }
  const owner = source.ownerId === undefined ? sql`` : sql` AND s.owner_id = ${source.ownerId}`;
  const reading =
    source.reading === undefined
      ? sql``
      : sql` AND s.owner_id IN (SELECT r.owner_id FROM criteria_conditions r
            JOIN json_each(${JSON.stringify(source.reading)}) k ON k.value ->> 'kind' = r.kind
            WHERE k.value ->> 'param' IS NULL
              OR json_extract(r.params, '$.' || (k.value ->> 'param')) IN (SELECT value FROM json_each(k.value -> 'values')))`;
  return sql`SELECT s.owner_id, s.match AS top_match, c.group_no, c.group_match, c.kind, c.params
    FROM criteria_sets s JOIN criteria_conditions c ON c.owner_id = s.owner_id
    WHERE s.owner_type = ${source.ownerType}${owner}${reading}`;
}

/** A parameter's column in `criteria_rows`: `param_<name>`. */
function paramColumn(name: string): string {
  return `param_${name}`;
}

/**
 * `all` (min) or `any` (max) of the 0/1 `ok` of a group's rows, as one aggregate: with
 * f = (match = 'all'), min(ok) = 1 - max(1 - ok), so the result is f XOR max(ok XOR f). SQLite
 * runs every aggregate of a select for every row, so `CASE match WHEN 'all' THEN min(ok) ELSE
 * max(ok) END` judges each condition twice.
 */
function anyOf(matchColumn: string, ok: SQL | string): SQL {
  const f = sql.raw(`(${matchColumn} = 'all')`);
  return sql`abs(max(abs((${typeof ok === "string" ? sql.raw(ok) : ok}) - ${f})) - ${f})`;
}

/**
 * `WITH ... criteria_matches AS (...)`: put a statement that reads `criteria_matches` after it.
 * `pairs`, given the SQL of an owner id and a prospect id, narrows which (owner, prospect) pairs
 * are judged at all (a list's statements judge its members and its non-members apart, so each
 * pair is judged once).
 */
export function criteriaMatches(
  source: CriteriaSource,
  scope: ProspectScope,
  now: string,
  pairs?: (owner: SQL, prospect: SQL) => SQL,
): SQL {
  // Each parameter is read from its condition's JSON once (the rows are materialized), not once
  // per prospect the condition is judged for. Each (owner, prospect) pair is judged by one
  // subquery over the owner's few condition rows, so no step sorts every pair's conditions, and
  // the matches are materialized so a statement reading `ok` twice judges it once.
  const params = sql.raw(PARAM_NAMES.map((n) => `json_extract(c.params, '$.${n}') AS ${paramColumn(n)}`).join(", "));
  const ok = storedConditionSql(
    { kind: sql.raw("criteria_row.kind"), param: (n) => sql.raw(`criteria_row.${paramColumn(n)}`) },
    sql`${now}`,
  );
  return sql`WITH criteria_rows AS MATERIALIZED (
      SELECT c.owner_id, c.top_match, c.group_no, c.group_match, c.kind, ${params} FROM (${conditionRows(source)}) c
    ),
    criteria_owners AS MATERIALIZED (
      SELECT owner_id, top_match FROM criteria_rows GROUP BY owner_id
    ),
    criteria_matches AS MATERIALIZED (
      SELECT o.owner_id, p.id AS prospect_id, (
          SELECT ${anyOf("o.top_match", "g.ok")} FROM (
            SELECT ${anyOf("criteria_row.group_match", ok)} AS ok FROM criteria_rows criteria_row
            WHERE criteria_row.owner_id = o.owner_id GROUP BY criteria_row.group_no
          ) g
        ) AS ok
      FROM criteria_owners o JOIN prospects p ON ${scopeSql(scope)}
      ${pairs ? sql`WHERE ${pairs(sql.raw("o.owner_id"), sql.raw("p.id"))}` : sql``}
    )`;
}

/** The statements that store criteria for an owner (replacing what it had): for a caller's batch. */
export function saveCriteriaStatements(
  owner: { id: string; type: "list" | "rule" },
  criteria: Criteria,
  now: string,
): SQL[] {
  const match: Match = criteria.match;
  return [
    sql`INSERT INTO criteria_sets (owner_id, owner_type, match, updated_at) VALUES (${owner.id}, ${owner.type}, ${match}, ${now})
        ON CONFLICT (owner_id) DO UPDATE SET match = excluded.match, updated_at = excluded.updated_at`,
    sql`DELETE FROM criteria_conditions WHERE owner_id = ${owner.id}`,
    sql`INSERT INTO criteria_conditions (owner_id, group_no, position, group_match, kind, params)
        SELECT ${owner.id}, j.value ->> 'groupNo', j.value ->> 'position', j.value ->> 'groupMatch',
               j.value ->> 'kind', j.value ->> 'params'
        FROM json_each(${JSON.stringify(storedConditions(criteria))}) j`,
  ];
}

/**
 * The facts the pure evaluation judges (src/domain/criteria/facts.ts), for some prospects: the
 * same columns the SQL reads. For tests of the SQL against the pure rules, and for callers that
 * judge one prospect in code.
 */
export async function prospectFacts(db: Db, ids: readonly string[], now: string): Promise<Map<string, ProspectFacts>> {
  const out = new Map<string, ProspectFacts>();
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const [people, regs, tags, members, attended, engaged] = await Promise.all([
      db.select().from(prospects).where(inArray(prospects.id, chunk)),
      db
        .select({
          prospectId: registrations.prospectId,
          webinarId: registrations.webinarId,
          campaignId: connectors.campaignId,
          status: registrations.status,
          attended: registrations.attended,
          minutesAttended: registrations.minutesAttended,
          webinarEndsAt: webinars.endsAt,
          attendanceReadAt: webinars.attendanceReadAt,
          webinarStatus: webinars.status,
          webinarTimes: webinars.times,
        })
        .from(registrations)
        .innerJoin(webinars, eq(webinars.id, registrations.webinarId))
        .leftJoin(connectors, eq(connectors.id, webinars.connectorId))
        .where(inArray(registrations.prospectId, chunk)),
      db.select().from(prospectTags).where(inArray(prospectTags.prospectId, chunk)),
      db.select().from(listMembers).where(inArray(listMembers.prospectId, chunk)),
      db.select().from(sessionAttendance).where(inArray(sessionAttendance.prospectId, chunk)),
      db
        .select({
          prospectId: engagements.prospectId,
          webinarId: engagements.webinarId,
          campaignId: connectors.campaignId,
          kind: engagements.kind,
          question: engagements.question,
          answers: engagements.answers,
        })
        .from(engagements)
        .innerJoin(webinars, eq(webinars.id, engagements.webinarId))
        .leftJoin(connectors, eq(connectors.id, webinars.connectorId))
        .where(inArray(engagements.prospectId, chunk)),
    ]);
    const webinarIds = [...new Set(regs.map((r) => r.webinarId))];
    const read =
      webinarIds.length === 0
        ? []
        : await db.select().from(webinarSessions).where(inArray(webinarSessions.webinarId, webinarIds));
    for (const p of people) {
      out.set(p.id, {
        id: p.id,
        email: p.email,
        company: p.company,
        country: p.country,
        score: p.score,
        campaignId: p.campaignId,
        tags: new Set(tags.filter((t) => t.prospectId === p.id).map((t) => t.tag)),
        listIds: new Set(members.filter((m) => m.prospectId === p.id).map((m) => m.listId)),
        registrations: regs
          .filter((r) => r.prospectId === p.id)
          .map((r) => ({
            webinarId: r.webinarId,
            campaignId: r.campaignId,
            status: r.status,
            attended: r.attended,
            minutesAttended: r.minutesAttended,
            webinarEndsAt: r.webinarEndsAt,
            attendanceReadAt: r.attendanceReadAt,
            webinarCancelled: r.webinarStatus === "cancelled",
            sessionCount: Math.max(1, (JSON.parse(r.webinarTimes) as unknown[]).length),
            sessionsRead: read
              .filter((s) => s.webinarId === r.webinarId)
              .map((s) => ({ sessionKey: s.sessionKey, startsAt: s.startsAt })),
            sessions: attended
              .filter((s) => s.prospectId === p.id && s.webinarId === r.webinarId)
              .map((s) => ({ sessionKey: s.sessionKey, minutes: s.minutes, share: s.share })),
          })),
        engagements: engaged
          .filter((e) => e.prospectId === p.id)
          .map((e) => ({
            webinarId: e.webinarId,
            campaignId: e.campaignId,
            kind: e.kind,
            question: e.question,
            answers: textAnswers(e.answers),
          })),
        now,
      });
    }
  }
  return out;
}

/** The text answers of an engagement's JSON array, as the SQL reads them (anything else is none). */
function textAnswers(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === "string") : [];
  } catch {
    return [];
  }
}

/** The ids of the prospects in a scope that match criteria (stored or not), for tests and small sets. */
export async function matchingIds(
  db: Db,
  source: CriteriaSource,
  scope: ProspectScope,
  now: string,
): Promise<string[]> {
  const found = await db.all<{ prospect_id: string }>(
    sql`${criteriaMatches(source, scope, now)} SELECT prospect_id FROM criteria_matches WHERE ok = 1 ORDER BY prospect_id`,
  );
  return found.map((r) => r.prospect_id);
}

/** Whether any dynamic list or active automation rule exists: what the seam after a recorded change has to judge. */
export interface CriteriaInForce {
  lists: boolean;
  rules: boolean;
}

/** How long an isolate trusts its copy of {@link CriteriaInForce}; a save through the list and rule services clears it at once. */
export const CRITERIA_IN_FORCE_CACHE_MS = 10_000;

const inForce = isolateCache<"inForce", CriteriaInForce>({ ttlMs: CRITERIA_IN_FORCE_CACHE_MS });

/**
 * Whether dynamic lists and automation rules exist, as the public submission path reads it: from
 * the isolate's copy when under 10 s old, else from D1. With none of a kind, a submission's batch
 * leaves out that kind's statements. A list or rule created in another isolate is seen within
 * that time; one created through this isolate at once.
 */
export async function cachedCriteriaInForce(db: Db, now: number): Promise<CriteriaInForce> {
  return inForce.get("inForce", now, async () => {
    const row = await db.get<{ lists: number; rules: number }>(
      sql`SELECT EXISTS (SELECT 1 FROM lists WHERE kind = 'dynamic') AS lists,
                 EXISTS (SELECT 1 FROM rules WHERE status = 'active' AND deleted_at IS NULL) AS rules`,
    );
    return { lists: Boolean(row?.lists), rules: Boolean(row?.rules) };
  });
}

/** After a dynamic list or a rule was saved, resumed, paused or deleted: the next read goes to D1. */
export function forgetCriteriaInForce(): void {
  inForce.forget();
}
