import type { Db } from "../db/client";
import { engagedPage } from "../db/queries/engagement-report";
import type { JobRow } from "../db/queries/jobs";
import { addMembersStatements } from "../db/queries/lists";
import { prospectPage } from "../db/queries/prospect-reports";
import { findWebinar, type Keyset, registrantPage } from "../db/queries/reports";
import type { Statement } from "../db/queries/statements";
import { addTagStatements } from "../db/queries/tags";
import { type BulkParams, parseBulkParams } from "../domain/bulk";
import type { JobKind, JobStep } from "./job-kind";

/**
 * A bulk action: every prospect of a webinar's count or of the prospect list's filters added to a
 * static list or tagged. The subject is the job's own id (bulk actions never cancel each other);
 * params are `BulkParams` (src/domain/bulk.ts).
 */
export const BULK_ACTION = "bulk_action";

/** Prospects per step: a page of the report's own query, far inside D1's limits. */
export const BULK_STEP = 200;

/** The next page of the source's prospect ids after `after`, by the same keyset its page uses; null if the webinar is gone. */
async function sourcePage(
  db: Db,
  params: BulkParams,
  after: Keyset | null,
  now: string,
): Promise<{ ids: string[]; next: Keyset | null } | null> {
  const { source } = params;
  if (source.type === "webinar") {
    const webinar = await findWebinar(db, source.webinarId);
    if (!webinar) return null;
    const page = await registrantPage(db, { webinar, filter: source.status, limit: BULK_STEP, after, now });
    return { ids: page.rows.map((r) => r.prospectId), next: page.next };
  }
  if (source.type === "engagement") {
    if (!(await findWebinar(db, source.webinarId))) return null;
    const page = await engagedPage(db, { webinarId: source.webinarId, drill: source.drill, limit: BULK_STEP, after });
    return { ids: page.rows.map((r) => r.prospectId), next: page.next };
  }
  const page = await prospectPage(db, { ...source.filters, limit: BULK_STEP, after });
  return { ids: page.rows.map((r) => r.id), next: page.next };
}

function keysetOf(cursor: string | null): Keyset | null {
  if (cursor === null) return null;
  const parsed = JSON.parse(cursor) as Keyset;
  return typeof parsed.at === "string" && typeof parsed.id === "string" ? parsed : null;
}

/**
 * Walks the source's query by its keyset, a page per step, and acts on that page's prospects
 * with statements that make it so (ON CONFLICT DO NOTHING), followed by the seam for them: a step
 * run twice changes nothing the second time. The progress counts the prospects walked.
 */
export const bulkAction: JobKind = {
  label: "Acting on the prospects",
  async step(db: Db, job: JobRow, now: string): Promise<JobStep> {
    const params = parseBulkParams(job.params);
    const page = params ? await sourcePage(db, params, keysetOf(job.cursor), now) : null;
    if (!params || !page) {
      return { statements: [], cursor: job.cursor, done: job.done, total: job.done, finished: true };
    }
    const ids = [...new Set(page.ids)];
    const statements: Statement[] =
      ids.length === 0
        ? []
        : params.action.type === "add_to_list"
          ? addMembersStatements(params.action.listId, ids, now)
          : addTagStatements(ids, params.action.tag, now);
    const finished = page.next === null;
    const done = job.done + ids.length;
    return {
      statements,
      cursor: page.next ? JSON.stringify(page.next) : job.cursor,
      done,
      total: finished ? done : Math.max(job.total ?? params.total, done),
      finished,
    };
  },
};
