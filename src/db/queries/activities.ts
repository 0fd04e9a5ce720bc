import { eq, type SQL, sql } from "drizzle-orm";
import { type Fact, kindsReading } from "../../domain/criteria";
import {
  ENGAGEMENT_ACTIVITY_TYPES,
  type EngagementItem,
  engagementDetail,
  surveyActivityKey,
} from "../../domain/engagement";
import { type ActivityType, pointsFor } from "../../domain/scoring";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { activities } from "../schema";
import type { CriteriaInForce, ProspectScope } from "./criteria";
import { refreshMemberships } from "./memberships";
import { runRules } from "./rule-runs";

/**
 * The activity recorder: the one module that writes activities and scores. Every path (a poll, a
 * webhook event, the outbox's answer, a form submission) plans its activities here, pure, and
 * appends the recorder's statements to its own D1 batch. Each activity is inserted once by its
 * dedupe key (unique per prospect) and scored once, with the points the rules in force give it
 * when it is planned; a prospect's score is the sum of its activities' points, recomputed beside
 * them. The batch's results tell which activities were new. After the recorder's writes comes the
 * seam (`afterFactsChanged`): dynamic lists and automation rules follow the facts in the same
 * batch; the rules' score adjustments are written by this module too (`recordScoreAdjustments`).
 */

/** What happened to a prospect's registration for one webinar; each is one activity at most. */
export type WebinarActivityKind = "registered" | "accepted" | "attended" | "denied" | "cancelled";

export const WEBINAR_ACTIVITY_TYPES = {
  registered: "webinar_registered",
  accepted: "webinar_accepted",
  attended: "webinar_attended",
  denied: "webinar_registration_denied",
  cancelled: "webinar_registration_cancelled",
} as const satisfies Record<WebinarActivityKind, string>;

/**
 * Records engagement activities of known prospects after the caller's engagement rows in the same
 * batch. Each activity carries its engagement row's dedupe key, so a re-read adds nothing; its
 * detail is the question and the answers, as the timeline shows them.
 */
export function recordEngagementActivities(
  items: readonly {
    prospectId: string;
    webinarId: string;
    dedupeKey: string;
    item: EngagementItem;
  }[],
  rules: ReadonlyMap<string, number>,
  now: string,
): Recording {
  const rows: NewActivity[] = [];
  // A survey is completed once per session, however many of its questions came in: its answers
  // are kept per question in `engagements`, the activity (and its points) is one.
  const surveys = new Map<string, { prospectId: string; webinarId: string; items: EngagementItem[] }>();
  for (const { prospectId, webinarId, dedupeKey, item } of items) {
    if (item.kind === "survey") {
      const key = `${prospectId}\u0000${webinarId}\u0000${item.sessionKey}`;
      const survey = surveys.get(key) ?? { prospectId, webinarId, items: [] };
      survey.items.push(item);
      surveys.set(key, survey);
      continue;
    }
    rows.push(
      planActivity(
        {
          prospectId,
          webinarId,
          type: ENGAGEMENT_ACTIVITY_TYPES[item.kind],
          dedupeKey,
          detail: engagementDetail(item),
          occurredAt: item.occurredAt,
        },
        rules,
      ),
    );
  }
  for (const { prospectId, webinarId, items: answered } of surveys.values()) {
    const first = answered[0];
    if (!first) continue;
    rows.push(
      planActivity(
        {
          prospectId,
          webinarId,
          type: ENGAGEMENT_ACTIVITY_TYPES.survey,
          dedupeKey: surveyActivityKey(webinarId, first.sessionKey),
          detail: answered.map(engagementDetail).join(" "),
          occurredAt: first.occurredAt,
        },
        rules,
      ),
    );
  }
  return recordActivities(rows, now);
}

/** A form's or a rule's "adjust score" action: its points are the action's, not a scoring rule's. */
export const SCORE_ADJUSTED = "score_adjusted";

/**
 * The dedupe key of a webinar activity (unique per prospect): `webinar:<id>:registered`, etc. The
 * form path writes its Registered activity with the same key, so a poll finding that registrant
 * later adds nothing.
 */
export function webinarActivityKey(webinarId: string, kind: WebinarActivityKind): string {
  return `webinar:${webinarId}:${kind}`;
}

/** An activity before it is planned, without its prospect (see {@link ActivityEvent}). */
export type ActivityFields = {
  webinarId: string | null;
  dedupeKey: string;
  minutes?: number | null;
  detail: string | null;
  occurredAt: string;
  /** When unset, the database's time of the insert. */
  createdAt?: string;
} & ({ type: ActivityType } | { type: typeof SCORE_ADJUSTED; points: number });

/** An activity of a known prospect, before it is planned. */
export type ActivityEvent = ActivityFields & { prospectId: string };

/** A planned activity row: its id and its points are fixed here, once. */
export interface PlannedActivity {
  id: string;
  webinarId: string | null;
  type: string;
  dedupeKey: string;
  points: number;
  minutes: number | null;
  detail: string | null;
  occurredAt: string;
  createdAt: string | null;
}

export interface NewActivity extends PlannedActivity {
  prospectId: string;
}

/** An activity the batch inserted (its dedupe key was new for its prospect). */
export interface RecordedActivity {
  id: string;
  prospectId: string;
  webinarId: string | null;
  type: string;
  dedupeKey: string;
  points: number;
}

/** Gives an activity its id and its points under the scoring rules in force. Pure. */
export function planActivity(event: ActivityEvent, rules: ReadonlyMap<string, number>): NewActivity;
export function planActivity(event: ActivityFields, rules: ReadonlyMap<string, number>): PlannedActivity;
export function planActivity(
  event: ActivityFields & { prospectId?: string },
  rules: ReadonlyMap<string, number>,
): PlannedActivity & { prospectId?: string } {
  return {
    id: newId("act"),
    ...(event.prospectId === undefined ? {} : { prospectId: event.prospectId }),
    webinarId: event.webinarId,
    type: event.type,
    dedupeKey: event.dedupeKey,
    points: event.type === SCORE_ADJUSTED ? event.points : pointsFor(event.type, rules),
    minutes: event.minutes ?? null,
    detail: event.detail,
    occurredAt: event.occurredAt,
    createdAt: event.createdAt ?? null,
  };
}

/** What the recorder adds to a batch, and how to read the new activities from its results. */
export interface Recording {
  /** Append these, in this order, to the caller's D1 batch. */
  statements: SQL[];
  /** The activities that were new, from the results of exactly {@link statements} (in order). */
  newActivities(results: readonly D1Result[]): RecordedActivity[];
}

/** The webinar's activities already written, as `prospectId dedupeKey` → minutes. */
export async function webinarActivityIndex(db: Db, webinarId: string): Promise<Map<string, number | null>> {
  const rows = await db
    .select({ prospectId: activities.prospectId, dedupeKey: activities.dedupeKey, minutes: activities.minutes })
    .from(activities)
    .where(eq(activities.webinarId, webinarId));
  return new Map(rows.map((r) => [`${r.prospectId} ${r.dedupeKey}`, r.minutes]));
}

const COLUMNS = sql.raw(
  "INSERT INTO activities (id, prospect_id, webinar_id, type, dedupe_key, points, minutes, detail, occurred_at, created_at)",
);

/** The row's values from `a.value` (one element of the rows' JSON array), after its prospect id. */
const VALUES = sql.raw(
  `a.value ->> 'webinarId', a.value ->> 'type', a.value ->> 'dedupeKey', a.value ->> 'points',
   a.value ->> 'minutes', a.value ->> 'detail', a.value ->> 'occurredAt',
   coalesce(a.value ->> 'createdAt', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
);

/**
 * A row whose dedupe key exists keeps its points (scored once); only its minutes follow GoTo
 * (attendance grows as passes see more sessions). RETURNING gives back inserted and updated rows;
 * an updated row keeps its old id, which is how {@link newOf} tells them apart.
 */
const ON_CONFLICT = sql.raw(`ON CONFLICT (prospect_id, dedupe_key) DO UPDATE SET minutes = excluded.minutes
    WHERE excluded.minutes IS NOT activities.minutes
    RETURNING id, prospect_id, webinar_id, type, dedupe_key, points`);

/**
 * One statement for many activities: the rows travel as one JSON parameter (D1 allows 100 bound
 * parameters, not 100 rows).
 */
export function insertActivities(rows: readonly NewActivity[]): SQL {
  return sql`${COLUMNS}
    SELECT a.value ->> 'id', a.value ->> 'prospectId', ${VALUES}
    FROM json_each(${JSON.stringify(rows)}) a WHERE true
    ${ON_CONFLICT}`;
}

/** A prospect's score is the sum of its activities' points: recomputed, so re-runs cannot drift. */
export function recomputeScores(prospectIds: readonly string[], now: string): SQL {
  return sql`
    UPDATE prospects
    SET score = (SELECT COALESCE(SUM(points), 0) FROM activities WHERE activities.prospect_id = prospects.id),
        updated_at = ${now}
    WHERE id IN (SELECT value FROM json_each(${JSON.stringify(prospectIds)}))`;
}

function newOf(result: D1Result | undefined, planned: ReadonlySet<string>): RecordedActivity[] {
  const rows = (result?.results ?? []) as Record<string, unknown>[];
  return rows
    .filter((r) => planned.has(String(r.id)))
    .map((r) => ({
      id: String(r.id),
      prospectId: String(r.prospect_id),
      webinarId: r.webinar_id === null || r.webinar_id === undefined ? null : String(r.webinar_id),
      type: String(r.type),
      dedupeKey: String(r.dedupe_key),
      points: Number(r.points),
    }));
}

/**
 * Records planned activities of known prospects: inserted by dedupe key, their prospects re-scored,
 * then what depends on their facts brought up to date (afterFactsChanged below). `touched`
 * names prospects whose other facts the caller's batch changed (registrations), to be brought up
 * to date as well.
 */
export function recordActivities(
  rows: readonly NewActivity[],
  now: string,
  touched: readonly string[] = [],
): Recording {
  const prospectIds = [...new Set(rows.map((r) => r.prospectId))];
  const affected = [...new Set([...prospectIds, ...touched])];
  if (affected.length === 0) return { statements: [], newActivities: () => [] };
  const after = afterFactsChanged({ ids: affected }, now, { activityIds: rows.map((r) => r.id) });
  if (rows.length === 0) return { statements: after, newActivities: () => [] };
  const planned = new Set(rows.map((r) => r.id));
  return {
    statements: [insertActivities(rows), recomputeScores(prospectIds, now), ...after],
    newActivities: (results) => newOf(results[0], planned),
  };
}

/**
 * Records planned activities of the active prospect with this email, found when the batch runs
 * (a form submission creates or updates it earlier in the same batch), and only when `when` holds;
 * then what depends on the prospect's facts (its fields, tags and lists too) is brought up to date.
 * An activity of a webinar deleted meanwhile is left out rather than failing the batch.
 */
export function recordActivitiesOfActiveProspect(
  prospect: { email: string; when: SQL },
  rows: readonly PlannedActivity[],
  now: string,
  inForce?: CriteriaInForce,
): Recording {
  if (rows.length === 0) return { statements: [], newActivities: () => [] };
  const planned = new Set(rows.map((r) => r.id));
  return {
    statements: [
      sql`${COLUMNS}
        SELECT a.value ->> 'id', p.id, ${VALUES}
        FROM json_each(${JSON.stringify(rows)}) a
        JOIN prospects p ON p.email = ${prospect.email} AND p.merged_into_id IS NULL
        WHERE ${prospect.when}
          AND (a.value ->> 'webinarId' IS NULL OR EXISTS (SELECT 1 FROM webinars w WHERE w.id = a.value ->> 'webinarId'))
        ${ON_CONFLICT}`,
      sql`UPDATE prospects
          SET score = (SELECT COALESCE(SUM(points), 0) FROM activities WHERE activities.prospect_id = prospects.id),
              updated_at = ${now}
          WHERE email = ${prospect.email} AND merged_into_id IS NULL AND ${prospect.when}`,
      ...afterFactsChanged({ email: prospect.email, when: prospect.when }, now, {
        activityIds: rows.map((r) => r.id),
        ...(inForce ? { inForce } : {}),
      }),
    ],
    newActivities: (results) => newOf(results[0], planned),
  };
}

export interface FactChangeOptions {
  /** A merge: dynamic lists only add (the master keeps the union of both prospects' memberships). */
  merge?: boolean;
  /** The activities the batch records (their planned ids): what triggered the rules that act. */
  activityIds?: readonly string[];
  /** The webinar whose attendance, read after its end, the batch follows: what triggered the rules that act. */
  attendanceOf?: string;
  /** Only these facts changed: only lists and rules with a condition that reads one are judged. */
  only?: readonly Fact[];
  /** Which kinds exist (read just before, see cachedCriteriaInForce): a kind with none is left out. */
  inForce?: CriteriaInForce;
}

/**
 * The seam after a prospect's facts change. Whatever changes a prospect's facts (the activity
 * recorder's activities and scores, ingestion's registrations, a form's fields, tags and lists,
 * a list member added or removed by hand, a merge) appends these statements to its own D1 batch,
 * after its writes: what depends on the facts is brought up to date in the same unit of work, for
 * those prospects only, never by scanning everyone on a timer. Dynamic lists first, then
 * automation rules (a rule may test list membership). What the rules' actions change (tags, lists,
 * campaign, score) is judged by lists and rules at the prospect's next change, not in this batch,
 * so one change never sets off a chain.
 */
export function afterFactsChanged(scope: ProspectScope, now: string, options: FactChangeOptions = {}): SQL[] {
  const reading = options.only ? { reading: kindsReading(options.only) } : {};
  const { lists = true, rules = true } = options.inForce ?? {};
  return [
    ...(lists ? refreshMemberships(scope, now, { addOnly: options.merge === true, ...reading }) : []),
    ...(!rules
      ? []
      : runRules(scope, now, recordScoreAdjustments, {
          ...reading,
          ...(options.activityIds === undefined ? {} : { activityIds: options.activityIds }),
          ...(options.attendanceOf === undefined ? {} : { attendanceOf: options.attendanceOf }),
        })),
  ];
}

/** Prospects per batch when many are brought up to date at once. */

/**
 * `source` selects `prospect_id, dedupe_key, points, detail`. Each row becomes a `score_adjusted`
 * activity, inserted once by its dedupe key like every activity (a re-run adds nothing), and its
 * prospect is re-scored from its activities.
 */
export function recordScoreAdjustments(source: SQL, now: string): SQL[] {
  // The statement's ids share one random prefix and are numbered after it, so its rows sit side
  // by side in the id index (a fresh random id each would touch a page of that index per row).
  const prefix = `${newId("act")}_`;
  return [
    sql`INSERT INTO activities (id, prospect_id, webinar_id, type, dedupe_key, points, minutes, detail, occurred_at, created_at)
      SELECT ${prefix} || printf('%06d', row_number() OVER ()), s.prospect_id, NULL, ${SCORE_ADJUSTED}, s.dedupe_key,
        s.points, NULL, s.detail, ${now}, ${now}
      FROM (${source}) s WHERE true
      ON CONFLICT (prospect_id, dedupe_key) DO NOTHING`,
    sql`UPDATE prospects
        SET score = (SELECT COALESCE(SUM(points), 0) FROM activities WHERE activities.prospect_id = prospects.id),
            updated_at = ${now}
        WHERE id IN (SELECT s.prospect_id FROM (${source}) s)`,
  ];
}
