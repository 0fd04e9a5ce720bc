import type { Db } from "../db/client";
import type { JobRow } from "../db/queries/jobs";
import { activeProspectIdsAfter, countActiveProspects, findList } from "../db/queries/lists";
import { refreshMemberships } from "../db/queries/memberships";
import type { JobKind, JobStep } from "./jobs";

/** A dynamic list's members found again after its criteria changed; the subject is the list's id. */
export const LIST_RECOMPUTE = "list_recompute";

/** Prospects per step: a few hundred keeps one step's statements well inside D1's limits. */
export const RECOMPUTE_STEP = 500;

/**
 * Walks the active prospects in id order, a range per step, and makes the list's membership of
 * each range what the list's stored criteria say (joining the ones that match, removing the ones
 * that do not). The range is by id, not by the ids read, so a prospect created meanwhile inside
 * it is judged too; one created behind the cursor was judged by the recorder as it was written.
 */
export const listRecompute: JobKind = {
  label: "Finding the list's members",
  async step(db: Db, job: JobRow, now: string): Promise<JobStep> {
    const list = await findList(db, job.subject);
    if (list?.kind !== "dynamic") {
      return { statements: [], cursor: job.cursor, done: job.done, total: job.total, finished: true };
    }
    const total = job.total ?? (await countActiveProspects(db));
    const ids = await activeProspectIdsAfter(db, job.cursor, RECOMPUTE_STEP);
    const last = ids.length === RECOMPUTE_STEP ? (ids.at(-1) ?? null) : null;
    const finished = last === null;
    return {
      statements: refreshMemberships({ after: job.cursor, upTo: last }, now, { listId: list.id }),
      cursor: last,
      done: finished ? Math.max(total, job.done + ids.length) : job.done + ids.length,
      total: finished ? Math.max(total, job.done + ids.length) : total,
      finished,
    };
  },
};
