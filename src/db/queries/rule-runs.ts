import { type SQL, sql } from "drizzle-orm";
import type { KindReading } from "../../domain/criteria";
import { criteriaMatches, type ProspectScope, scopeSql } from "./criteria";

/**
 * Automation rules as SQL for the batch that changed the facts they judge (the seam in
 * the activity recorder, ./activities.ts). For the prospects in scope:
 *
 * 1. each active rule's criteria are judged and `rule_matches` brought up to date; a prospect that
 *    newly matches moves to the next generation (a once rule only from 0 to 1);
 * 2. each action of each rule whose generation moved is written to `rule_actions_taken` (`done`,
 *    or `skipped` when its list or campaign is gone), unique per (rule, prospect, generation,
 *    action), so judging the same facts again, a re-poll, an alarm re-run, a duplicate webhook or
 *    an event out of order finds the row there and takes nothing twice;
 * 3. the actions this batch wrote (the rows after the mark set just before, `rule_run_marks`) are
 *    carried out: lists, tags, campaign, and score adjustments through the activity recorder,
 *    dedupe key `rule:<rule>:<generation>`.
 *
 * Everything is in the caller's batch, one transaction: an action is written done and carried out together.
 */

/**
 * How score adjustments are written: the activity recorder's (./activities.ts), handed in by the
 * caller so that this module writes no activity and imports no recorder. `source` selects
 * `prospect_id, dedupe_key, points, detail`.
 */
export type ScoreAdjustmentRecorder = (source: SQL, now: string) => SQL[];

export interface RuleRunOptions {
  /** One rule only (its job over who matches); every active rule when unset. */
  ruleId?: string;
  /**
   * `live` (the default): act on prospects who newly match, as their facts are recorded.
   * `apply`: a run over who matches now; it also acts on prospects noted as matching before the
   * rule started (generation 0), which `live` leaves alone until they match anew.
   * `note`: only note who matches now, without acting (a rule that starts "from now on").
   */
  how?: "live" | "apply" | "note";
  /**
   * The activities the batch records, in the order recorded: the last of a prospect's that is
   * new is what triggered its rules (ingestion records registered, accepted, then attended).
   */
  activityIds?: readonly string[];
  /** The batch brings a webinar's registrants up to date once its attendance was read after its end. */
  attendanceOf?: string;
  /** Only rules with a condition of these (kindsReading: the others cannot have changed). */
  reading?: readonly KindReading[];
}

function activeRule(alias: string, ruleId: string | undefined): SQL {
  const r = sql.raw(alias);
  const one = ruleId === undefined ? sql`` : sql` AND ${r}.id = ${ruleId}`;
  return sql`${r}.status = 'active' AND ${r}.deleted_at IS NULL${one}`;
}

/** Step 1: `rule_matches` as the criteria say now; the generation moves when a prospect newly matches. */
function judge(scope: ProspectScope, now: string, options: RuleRunOptions): SQL {
  const source = {
    ownerType: "rule" as const,
    ...(options.ruleId === undefined ? {} : { ownerId: options.ruleId }),
    ...(options.reading === undefined ? {} : { reading: options.reading }),
  };
  const how = options.how ?? "live";
  // A match is new when the prospect did not match before; for `apply`, also when it was only
  // noted (generation 0). A once rule moves from generation 0 to 1 and stays; a repeat rule moves
  // on each new match.
  const isNew =
    how === "apply" ? sql`(rule_matches.matching = 0 OR rule_matches.generation = 0)` : sql`rule_matches.matching = 0`;
  const generation =
    how === "note"
      ? sql`rule_matches.generation`
      : sql`CASE WHEN excluded.matching = 1 AND ${isNew}
            AND (rule_matches.generation = 0 OR (SELECT mode FROM rules WHERE id = excluded.rule_id) = 'repeat')
          THEN rule_matches.generation + 1 ELSE rule_matches.generation END`;
  const changed =
    how === "apply"
      ? sql`rule_matches.matching <> excluded.matching OR (excluded.matching = 1 AND rule_matches.generation = 0)`
      : sql`rule_matches.matching <> excluded.matching`;
  return sql`${criteriaMatches(source, scope, now)}
    INSERT INTO rule_matches (rule_id, prospect_id, matching, generation, changed_at)
    SELECT m.owner_id, m.prospect_id, m.ok, ${how === "note" ? sql`0` : sql`m.ok`}, ${now}
    FROM criteria_matches m JOIN rules r ON r.id = m.owner_id AND ${activeRule("r", options.ruleId)}
    WHERE m.ok = 1 OR EXISTS (SELECT 1 FROM rule_matches s
      WHERE s.rule_id = m.owner_id AND s.prospect_id = m.prospect_id AND s.matching = 1)
    ORDER BY m.prospect_id, m.owner_id
    ON CONFLICT (prospect_id, rule_id) DO UPDATE SET
      matching = excluded.matching, generation = ${generation}, changed_at = excluded.changed_at
    WHERE ${changed}`;
}

/** An action whose list (static) or campaign is gone is written as skipped; the others as done (carried out below). */
const OUTCOME = sql.raw(`CASE
    WHEN a.type IN ('add_to_list', 'remove_from_list')
      AND NOT EXISTS (SELECT 1 FROM lists l WHERE l.id = a.list_id AND l.kind = 'static') THEN 'skipped'
    WHEN a.type = 'assign_campaign' AND NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = a.campaign_id) THEN 'skipped'
    ELSE 'done' END`);

/** Before step 2: the last action taken so far, so step 3 reads exactly the rows step 2 writes. */
const MARK = sql.raw(`INSERT INTO rule_run_marks (id, last_taken_id)
    VALUES (1, (SELECT coalesce(max(id), 0) FROM rule_actions_taken))
    ON CONFLICT (id) DO UPDATE SET last_taken_id = excluded.last_taken_id`);

/** Step 2: the actions of every match this batch moved, at most once each. */
function take(scope: ProspectScope, now: string, options: RuleRunOptions): SQL {
  const ids = JSON.stringify(options.activityIds ?? []);
  const otherwise = options.how === "apply" ? "apply" : options.attendanceOf !== undefined ? "attendance" : "change";
  const webinar = otherwise === "attendance" ? (options.attendanceOf ?? null) : null;
  // Each prospect's trigger, found once for the batch: the last of its activities the batch inserted
  // (an activity that existed keeps its id, so a planned id found is one inserted). SQLite takes
  // the bare `id` from the row holding max(key).
  return sql`WITH batch_triggers AS (
      SELECT x.prospect_id, x.id, max(j.key) AS k
      FROM json_each(${ids}) j JOIN activities x ON x.id = j.value
      GROUP BY x.prospect_id
    )
    INSERT INTO rule_actions_taken (rule_id, prospect_id, subject_id, generation, position, type, list_id, tag,
      points, campaign_id, outcome, trigger, activity_id, webinar_id, taken_at)
    SELECT s.rule_id, s.prospect_id, s.prospect_id, s.generation, a.position, a.type, a.list_id, a.tag,
      a.points, a.campaign_id, ${OUTCOME}, CASE WHEN b.id IS NULL THEN ${otherwise} ELSE 'activity' END,
      b.id, CASE WHEN b.id IS NULL THEN ${webinar} END, ${now}
    FROM prospects p
    JOIN rule_matches s ON s.prospect_id = p.id AND s.changed_at = ${now} AND s.matching = 1 AND s.generation >= 1
    JOIN rules r ON r.id = s.rule_id AND ${activeRule("r", options.ruleId)}
    JOIN rule_actions a ON a.rule_id = s.rule_id
    LEFT JOIN batch_triggers b ON b.prospect_id = p.id
    WHERE ${scopeSql(scope)}
    ORDER BY p.id, r.rowid, a.position
    ON CONFLICT DO NOTHING`;
}

/** The actions step 2 wrote in this batch that are to be carried out (by id, a range of the table). */
const PENDING = sql.raw("t.id > (SELECT last_taken_id FROM rule_run_marks WHERE id = 1) AND t.outcome = 'done'");

/** Step 3: the actions just taken carried out (their lists and campaigns were there when written). */
function carryOut(now: string, recordScoreAdjustments: ScoreAdjustmentRecorder): SQL[] {
  return [
    sql`INSERT INTO list_members (list_id, prospect_id, created_at)
        SELECT t.list_id, t.prospect_id, ${now} FROM rule_actions_taken t
        WHERE ${PENDING} AND t.type = 'add_to_list'
        ON CONFLICT DO NOTHING`,
    sql`DELETE FROM list_members WHERE (list_id, prospect_id) IN (
          SELECT t.list_id, t.prospect_id FROM rule_actions_taken t
          WHERE ${PENDING} AND t.type = 'remove_from_list')`,
    sql`INSERT INTO prospect_tags (prospect_id, tag, created_at)
        SELECT t.prospect_id, t.tag, ${now} FROM rule_actions_taken t
        WHERE ${PENDING} AND t.type = 'add_tag' AND t.tag IS NOT NULL
        ON CONFLICT DO NOTHING`,
    sql`DELETE FROM prospect_tags WHERE (prospect_id, tag) IN (
          SELECT t.prospect_id, t.tag FROM rule_actions_taken t WHERE ${PENDING} AND t.type = 'remove_tag')`,
    // Two rules assigning campaigns in one batch: the later action wins.
    sql`UPDATE prospects SET updated_at = ${now}, campaign_id = (
          SELECT t.campaign_id FROM rule_actions_taken t
          WHERE ${PENDING} AND t.type = 'assign_campaign' AND t.prospect_id = prospects.id
          ORDER BY t.id DESC LIMIT 1)
        WHERE id IN (SELECT t.prospect_id FROM rule_actions_taken t
          WHERE ${PENDING} AND t.type = 'assign_campaign')`,
    ...recordScoreAdjustments(
      sql`SELECT t.prospect_id, 'rule:' || t.rule_id || ':' || t.generation AS dedupe_key, t.points,
            (SELECT name FROM rules WHERE id = t.rule_id) AS detail
          FROM rule_actions_taken t WHERE ${PENDING} AND t.type = 'adjust_score' AND t.points IS NOT NULL`,
      now,
    ),
  ];
}

/**
 * The statements that run automation rules for the prospects in scope, for the caller's batch,
 * after the writes that changed their facts (and after dynamic lists, which rules may test).
 */
export function runRules(
  scope: ProspectScope,
  now: string,
  recordScoreAdjustments: ScoreAdjustmentRecorder,
  options: RuleRunOptions = {},
): SQL[] {
  if (options.how === "note") return [judge(scope, now, options)];
  return [judge(scope, now, options), MARK, take(scope, now, options), ...carryOut(now, recordScoreAdjustments)];
}

/**
 * A merge: the master keeps the union of both prospects' rule history. Its match state per rule
 * is the further of the two (the higher generation, matching if either matched), so a rule that
 * acted on either does not act again for the same match; the actions taken move to the master
 * (each keeps the prospect it was taken on as its subject). The rows keep the time they last
 * changed, so the master's rules judged after the merge in the same batch see no match as new
 * that was not new.
 */
export function mergeRuleHistory(masterId: string, otherId: string): SQL[] {
  return [
    sql`INSERT INTO rule_matches (rule_id, prospect_id, matching, generation, changed_at)
        SELECT rule_id, ${masterId}, matching, generation, changed_at FROM rule_matches WHERE prospect_id = ${otherId}
        ON CONFLICT (prospect_id, rule_id) DO UPDATE SET
          matching = max(rule_matches.matching, excluded.matching),
          generation = max(rule_matches.generation, excluded.generation)`,
    sql`DELETE FROM rule_matches WHERE prospect_id = ${otherId}`,
    sql`UPDATE rule_actions_taken SET prospect_id = ${masterId} WHERE prospect_id = ${otherId}`,
  ];
}
