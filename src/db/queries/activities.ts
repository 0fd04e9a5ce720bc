import { eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { activities } from "../schema";

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
 * The dedupe key of a webinar activity (unique per prospect): `webinar:<id>:registered`, etc. The
 * form path writes its Registered activity with the same key, so a poll finding that registrant
 * later adds nothing.
 */
export function webinarActivityKey(webinarId: string, kind: WebinarActivityKind): string {
  return `webinar:${webinarId}:${kind}`;
}

export interface NewActivity {
  id: string;
  prospectId: string;
  webinarId: string | null;
  type: string;
  dedupeKey: string;
  points: number;
  minutes: number | null;
  detail: string | null;
  occurredAt: string;
}

/** The webinar's activities already written, as `prospectId dedupeKey` → minutes. */
export async function webinarActivityIndex(db: Db, webinarId: string): Promise<Map<string, number | null>> {
  const rows = await db
    .select({ prospectId: activities.prospectId, dedupeKey: activities.dedupeKey, minutes: activities.minutes })
    .from(activities)
    .where(eq(activities.webinarId, webinarId));
  return new Map(rows.map((r) => [`${r.prospectId} ${r.dedupeKey}`, r.minutes]));
}

/**
 * One statement for many activities: the rows travel as one JSON parameter (D1 allows 100 bound
 * parameters, not 100 rows). A row whose dedupe key exists keeps its points (scored once); only
 * its minutes follow GoTo (attendance grows as passes see more sessions).
 */
export function upsertActivities(rows: readonly NewActivity[]): SQL {
  return sql`
    INSERT INTO activities (id, prospect_id, webinar_id, type, dedupe_key, points, minutes, detail, occurred_at)
    SELECT value ->> 'id', value ->> 'prospectId', value ->> 'webinarId', value ->> 'type', value ->> 'dedupeKey',
           value ->> 'points', value ->> 'minutes', value ->> 'detail', value ->> 'occurredAt'
    FROM json_each(${JSON.stringify(rows)}) WHERE true
    ON CONFLICT (prospect_id, dedupe_key) DO UPDATE SET minutes = excluded.minutes
    WHERE excluded.minutes IS NOT activities.minutes`;
}

/** A prospect's score is the sum of its activities' points: recomputed, so re-runs cannot drift. */
export function recomputeScores(prospectIds: readonly string[], now: string): SQL {
  return sql`
    UPDATE prospects
    SET score = (SELECT COALESCE(SUM(points), 0) FROM activities WHERE activities.prospect_id = prospects.id),
        updated_at = ${now}
    WHERE id IN (SELECT value FROM json_each(${JSON.stringify(prospectIds)}))`;
}
