import type { Db } from "../db/client";
import type { JobRow, StepProgress } from "../db/queries/jobs";
import type { Statement } from "../db/queries/statements";
import type { Env } from "../env";
import { LIST_RECOMPUTE, listRecompute } from "./list-recompute";
import { RULE_APPLY, ruleApply } from "./rule-apply";

/**
 * Kinds of long work the JobRunner runs (src/services/job-runner.ts), one bounded step at a
 * time. A kind reads what its next step needs and returns that step's writes with the progress
 * after it; the runner puts both in one D1 batch. So a step must be bounded (a few hundred rows,
 * well under D1's limits of 100 bound parameters per statement and 1,000 queries per run) and
 * idempotent (written as "make it so", not "add one"): an alarm re-run repeats it harmlessly.
 *
 * To add a kind (a rule's "apply to prospects who already match", a bulk add to a list): write
 * its `JobKind`, list it below, and queue it with `queueJobStatements` in the batch that calls
 * for it, then `wakeJobRunner`. Its progress is on `jobs` (done / total), for an htmx-polled bar.
 */
export interface JobKind {
  /** What the progress bar says the job does: "Finding the list's members". */
  label: string;
  step(db: Db, job: JobRow, now: string): Promise<JobStep>;
}

export interface JobStep extends StepProgress {
  /** The step's writes, run in one batch with the job's progress. */
  statements: Statement[];
}

export const JOB_KINDS: Readonly<Record<string, JobKind>> = {
  [LIST_RECOMPUTE]: listRecompute,
  [RULE_APPLY]: ruleApply,
};

/** The one JobRunner of the deployment. */
export function jobRunner(env: Env) {
  return env.JOB_RUNNER.getByName("jobs");
}

/** Tells the runner work is queued (after the batch that queued it). Idempotent. */
export async function wakeJobRunner(env: Env): Promise<void> {
  await jobRunner(env).wake();
}
