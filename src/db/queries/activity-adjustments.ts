import { type SQL, sql } from "drizzle-orm";

/**
 * Part of the activity recorder (./activities.ts): score adjustments whose rows are only known
 * when the batch runs, as automation rules take them (./rule-runs.ts). A module of its own so that
 * what runs after recording can write through the recorder without an import cycle (the recorder
 * appends the seam of ./fact-changes.ts, which runs the rules).
 */

/** A form's or a rule's "adjust score" action: its points are the action's, not a scoring rule's. */
export const SCORE_ADJUSTED = "score_adjusted";

/**
 * `source` selects `prospect_id, dedupe_key, points, detail`. Each row becomes a `score_adjusted`
 * activity, inserted once by its dedupe key like every activity (a re-run adds nothing), and its
 * prospect is re-scored from its activities.
 */
export function recordScoreAdjustments(source: SQL, now: string): SQL[] {
  return [
    sql`INSERT INTO activities (id, prospect_id, webinar_id, type, dedupe_key, points, minutes, detail, occurred_at, created_at)
      SELECT 'act_' || lower(hex(randomblob(12))), s.prospect_id, NULL, ${SCORE_ADJUSTED}, s.dedupe_key, s.points,
        NULL, s.detail, ${now}, ${now}
      FROM (${source}) s WHERE true
      ON CONFLICT (prospect_id, dedupe_key) DO NOTHING`,
    sql`UPDATE prospects
        SET score = (SELECT COALESCE(SUM(points), 0) FROM activities WHERE activities.prospect_id = prospects.id),
            updated_at = ${now}
        WHERE id IN (SELECT s.prospect_id FROM (${source}) s)`,
  ];
}
