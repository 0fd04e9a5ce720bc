import { createDb } from "../db/client";
import { auditStatement } from "../db/queries/audit";
import { findJob, type JobRow, queueJobStatements } from "../db/queries/jobs";
import { createStaticListStatement, findList, findListByName } from "../db/queries/lists";
import { isUniqueViolation, runBatch, type Statement } from "../db/queries/statements";
import {
  type BulkAction,
  type BulkActionInput,
  type BulkErrors,
  type BulkParams,
  type BulkSource,
  checkBulkForm,
} from "../domain/bulk";
import { newId } from "../lib/encoding";
import { BULK_ACTION } from "./bulk-action";
import { type Actor, wakeRunner } from "./lists";

export type BulkOutcome = { ok: true; job: JobRow } | { ok: false; errors: BulkErrors };

const NO_LIST = "There is no such list. Choose one from the menu.";
const DYNAMIC = "A dynamic list's members follow its criteria; choose a static list, or name a new one.";

/**
 * Queues a bulk action on the `count` prospects the source matches now, after checking what only
 * the database knows (the list exists and is static; a new list's name is free or names a static
 * list). A new list, the job and the audit entry are one batch: all of them, or nothing.
 */
export async function startBulkAction(
  env: Env,
  input: { source: BulkSource; form: BulkActionInput; count: number; describe: string; actor: Actor },
): Promise<BulkOutcome> {
  const errors = checkBulkForm(input.form, input.count);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const db = createDb(env.DB);
  const now = new Date().toISOString();
  const statements: Statement[] = [];
  let action: BulkAction;
  if (input.form.action === "add_to_list") {
    const { list_id: listId, new_list: newList } = input.form;
    const list = listId !== "" ? await findList(db, listId) : await findListByName(db, newList);
    if (listId !== "" && !list) return { ok: false, errors: { list_id: NO_LIST } };
    if (list && list.kind !== "static") {
      return {
        ok: false,
        errors:
          listId !== ""
            ? { list_id: DYNAMIC }
            : { new_list: "There is already a dynamic list with this name; choose another." },
      };
    }
    if (list) {
      action = { type: "add_to_list", listId: list.id, listName: list.name };
    } else {
      const id = newId("lst");
      action = { type: "add_to_list", listId: id, listName: newList };
      statements.push(
        createStaticListStatement(db, { id, name: newList, now }),
        auditStatement(db, {
          actorId: input.actor.id,
          action: "list.created",
          subject: id,
          detail: JSON.stringify({ name: newList, kind: "static" }),
          ip: input.actor.ip,
        }),
      );
    }
  } else {
    action = { type: "tag", tag: input.form.tag_name };
  }
  const jobId = newId("job");
  const params: BulkParams = { source: input.source, action, total: input.count };
  statements.push(
    ...queueJobStatements({
      id: jobId,
      kind: BULK_ACTION,
      subject: jobId,
      params: params as unknown as Record<string, unknown>,
      createdBy: input.actor.id,
      now,
    }),
    auditStatement(db, {
      actorId: input.actor.id,
      action: action.type === "add_to_list" ? "prospects.bulk_add_to_list" : "prospects.bulk_tag",
      subject: action.type === "add_to_list" ? action.listId : action.tag,
      detail: JSON.stringify({ jobId, of: input.describe, count: input.count, source: input.source }),
      ip: input.actor.ip,
    }),
  );
  try {
    await runBatch(db, statements);
  } catch (error) {
    // Two forms racing to create one list name: the unique index refuses this batch as a whole.
    if (isUniqueViolation(error, "lists.name")) {
      return { ok: false, errors: { new_list: "There is already a list with this name; choose it from the menu." } };
    }
    throw error;
  }
  await wakeRunner(env);
  const job = await findJob(db, jobId);
  if (!job) throw new Error(`job ${jobId} vanished after queueing`);
  return { ok: true, job };
}

/** A bulk job (its progress bar), telling the runner again while it is active. */
export async function bulkJob(env: Env, id: string): Promise<JobRow | null> {
  const job = await findJob(createDb(env.DB), id);
  if (!job || job.kind !== BULK_ACTION) return null;
  if (job.state === "queued" || job.state === "running") await wakeRunner(env);
  return job;
}
