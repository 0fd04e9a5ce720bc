import type { Db } from "../db/client";
import { recordScoreAdjustments } from "../db/queries/activities";
import type { JobRow } from "../db/queries/jobs";
import { activeProspectIdsAfter, countActiveProspects } from "../db/queries/lists";
import { runRules } from "../db/queries/rule-runs";
import { findRule } from "../db/queries/rules";
import type { JobKind, JobStep } from "./job-kind";

/**
 * A rule run over the prospects who exist when it starts or resumes; the subject is the rule's id,
 * params `{ how }`: `act` acts on every prospect who matches now and was not acted on for this
 * match (a once rule: never acted on), `note` only notes who matches, so that the rule acts on
 * prospects who match from now on.
 */
export const RULE_APPLY = "rule_apply";

export type ApplyHow = "act" | "note";

/** Prospects per step: one rule's criteria over a few hundred prospects, far inside D1's limits. */
export const RULE_APPLY_STEP = 500;

function howOf(job: JobRow): ApplyHow {
  try {
    const params: unknown = JSON.parse(job.params);
    return typeof params === "object" && params !== null && (params as { how?: unknown }).how === "note"
      ? "note"
      : "act";
  } catch {
    return "act";
  }
}

/**
 * Walks the active prospects in id order, a range per step, with the same statements that run
 * the rule as facts are recorded, so a step run twice, or a prospect judged by both this job and
 * the recorder, is acted on once. A rule paused or deleted meanwhile ends the job.
 */
export const ruleApply: JobKind = {
  label: "Applying the rule to prospects who already match",
  async step(db: Db, job: JobRow, now: string): Promise<JobStep> {
    const rule = await findRule(db, job.subject);
    if (rule?.status !== "active") {
      return { statements: [], cursor: job.cursor, done: job.done, total: job.total, finished: true };
    }
    const total = job.total ?? (await countActiveProspects(db));
    const ids = await activeProspectIdsAfter(db, job.cursor, RULE_APPLY_STEP);
    const last = ids.length === RULE_APPLY_STEP ? (ids.at(-1) ?? null) : null;
    const finished = last === null;
    const done = job.done + ids.length;
    return {
      statements: runRules({ after: job.cursor, upTo: last }, now, recordScoreAdjustments, {
        ruleId: rule.id,
        how: howOf(job) === "note" ? "note" : "apply",
      }),
      cursor: last,
      done: finished ? Math.max(total, done) : done,
      total: finished ? Math.max(total, done) : total,
      finished,
    };
  },
};
