import { BULK_ACTION, bulkAction } from "./bulk-action";
import type { JobKind } from "./job-kind";
import { LIST_RECOMPUTE, listRecompute } from "./list-recompute";
import { RULE_APPLY, ruleApply } from "./rule-apply";

/** The kinds of long work the JobRunner runs, by the `kind` stored on each job (see ./job-kind.ts). */
export const JOB_KINDS: Readonly<Record<string, JobKind>> = {
  [BULK_ACTION]: bulkAction,
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
