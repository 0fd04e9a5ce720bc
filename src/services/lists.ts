import { createDb, type Db } from "../db/client";
import { auditStatement } from "../db/queries/audit";
import { forgetCriteriaInForce } from "../db/queries/criteria";
import { type JobRow, latestJob, queueJobStatements } from "../db/queries/jobs";
import { deleteListStatements, type ListUse, listMemberCount, listUses } from "../db/queries/list-delete";
import {
  addMembersStatements,
  createDynamicListStatements,
  createStaticListStatement,
  criteriaTargets,
  findList,
  findListByName,
  type ListRow,
  removeMembersStatements,
  updateCriteriaStatements,
} from "../db/queries/lists";
import { findActiveProspect } from "../db/queries/prospect-reports";
import { isUniqueViolation, runBatch, type Statement } from "../db/queries/statements";
import {
  type Criteria,
  type CriteriaErrors,
  checkReferences,
  criteriaSentence,
  describeCriteria,
  parseStoredCriteria,
} from "../domain/criteria";
import { newId } from "../lib/encoding";
import { errorFields, log } from "../lib/log";
import { wakeJobRunner } from "./jobs";
import { LIST_RECOMPUTE } from "./list-recompute";

/**
 * Lists: dynamic lists saved with their criteria and recompute job in one batch, and
 * static lists' members added and removed by hand. Each change is in the audit log, written in
 * the same batch as the change.
 */

export interface Actor {
  id: string;
  ip: string | null;
}

export type SaveOutcome = { ok: true; list: ListRow; jobId: string } | { ok: false; errors: CriteriaErrors };

const SELF = "A list cannot depend on its own members; pick another list.";
const DYNAMIC = "A dynamic list can only use static lists (a dynamic list's members change by themselves).";

/** The stored criteria of a dynamic list, or null (a static list, or JSON that no longer validates). */
export function listCriteria(list: ListRow): Criteria | null {
  if (list.kind !== "dynamic" || !list.criteria) return null;
  return parseStoredCriteria(list.criteria);
}

/** The criteria in words, with the names of the webinars, campaigns and lists they point at. */
export async function listCriteriaWords(
  env: Env,
  criteria: Criteria,
): Promise<{ lead: string; lines: string[]; sentence: string }> {
  const { names } = await criteriaTargets(createDb(env.DB), [criteria]);
  return { ...describeCriteria(criteria, names), sentence: criteriaSentence(criteria, names) };
}

/**
 * Saves a new dynamic list (`id` null) or new criteria for one, after checking what only the
 * database knows: the name is free, and every webinar, campaign and list named exists (and a list
 * used is static and not this one). The list, its stored criteria, the recompute job (which
 * cancels one still running) and the audit entry are one batch.
 */
export async function saveDynamicList(
  env: Env,
  input: { id: string | null; name: string; criteria: Criteria; actor: Actor },
): Promise<SaveOutcome> {
  const db = createDb(env.DB);
  const existing = input.id === null ? null : await findList(db, input.id);
  if (input.id !== null && existing?.kind !== "dynamic") {
    return { ok: false, errors: { _form: "This list does not exist any more, or is not a dynamic list." } };
  }
  const [sameName, targets] = await Promise.all([
    findListByName(db, input.name),
    criteriaTargets(db, [input.criteria]),
  ]);
  const errors: CriteriaErrors = {};
  if (sameName && sameName.id !== input.id) errors.name = "There is already a list with this name; choose another.";
  const id = input.id ?? newId("lst");
  Object.assign(
    errors,
    checkReferences(input.criteria, targets.exists, (listId) =>
      listId === id ? SELF : targets.listKind(listId) === "dynamic" ? DYNAMIC : null,
    ),
  );
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const now = new Date().toISOString();
  const jobId = newId("job");
  const statements: Statement[] = [
    ...(existing
      ? updateCriteriaStatements(db, { id, name: input.name, criteria: input.criteria, now })
      : createDynamicListStatements(db, { id, name: input.name, criteria: input.criteria, now })),
    ...queueJobStatements({ id: jobId, kind: LIST_RECOMPUTE, subject: id, createdBy: input.actor.id, now }),
    auditStatement(db, {
      actorId: input.actor.id,
      action: existing ? "list.criteria_changed" : "list.created",
      subject: id,
      detail: JSON.stringify({
        name: input.name,
        kind: "dynamic",
        criteria: criteriaSentence(input.criteria, targets.names),
        ...(existing && existing.name !== input.name ? { renamedFrom: existing.name } : {}),
      }),
      ip: input.actor.ip,
    }),
  ];
  if (!(await runCriteriaSave(db, statements, "lists.name"))) {
    return { ok: false, errors: { name: "There is already a list with this name; choose another." } };
  }
  await wakeRunner(env);
  const list = await findList(db, id);
  if (!list) throw new Error(`list ${id} vanished after saving`);
  return { ok: true, list, jobId };
}

/**
 * Runs the batch that saves a list's or a rule's criteria, then drops the criteria in force that
 * this isolate holds; false when the name's unique index refused the batch (two saves racing for
 * one name: the index refuses the second, and its batch as a whole).
 */
export async function runCriteriaSave(
  db: Db,
  statements: readonly Statement[],
  nameIndex: "lists.name" | "rules.name",
): Promise<boolean> {
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (isUniqueViolation(error, nameIndex)) return false;
    throw error;
  }
  forgetCriteriaInForce();
  return true;
}

/** The runner is told after the batch; if it cannot be reached now, the list page's progress poll tells it again. */
export async function wakeRunner(env: Env): Promise<void> {
  try {
    await wakeJobRunner(env);
  } catch (error) {
    log("warn", "could not wake the job runner", errorFields(error));
  }
}

/** The list's latest recompute job (its progress bar), telling the runner again while it is active. */
export async function recomputeProgress(env: Env, listId: string): Promise<JobRow | null> {
  const job = await latestJob(createDb(env.DB), LIST_RECOMPUTE, listId);
  if (job && (job.state === "queued" || job.state === "running")) await wakeRunner(env);
  return job;
}

export type MemberOutcome = { ok: true; email: string } | { ok: false; error: string };

/** Adds a prospect (by email or id) to a static list by hand. Adding a member twice changes nothing. */
export async function addStaticMember(
  env: Env,
  input: { list: ListRow; who: string; actor: Actor },
): Promise<MemberOutcome> {
  if (input.list.kind !== "static") {
    return { ok: false, error: "A dynamic list's members follow its criteria; change the criteria instead." };
  }
  const db = createDb(env.DB);
  const prospect = await findActiveProspect(db, input.who);
  if (!prospect) return { ok: false, error: "No prospect has this email or id. Check it, or search Prospects." };
  const now = new Date().toISOString();
  await runBatch(db, [
    ...addMembersStatements(input.list.id, [prospect.id], now),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "list.member_added",
      subject: input.list.id,
      detail: JSON.stringify({ prospectId: prospect.id, email: prospect.email }),
      ip: input.actor.ip,
    }),
  ]);
  return { ok: true, email: prospect.email };
}

export async function removeStaticMember(
  env: Env,
  input: { list: ListRow; prospectId: string; actor: Actor },
): Promise<MemberOutcome> {
  if (input.list.kind !== "static") {
    return { ok: false, error: "A dynamic list's members follow its criteria; change the criteria instead." };
  }
  const db = createDb(env.DB);
  const prospect = await findActiveProspect(db, input.prospectId);
  const now = new Date().toISOString();
  await runBatch(db, [
    ...removeMembersStatements(input.list.id, [input.prospectId], now),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "list.member_removed",
      subject: input.list.id,
      detail: JSON.stringify({ prospectId: input.prospectId, email: prospect?.email ?? null }),
      ip: input.actor.ip,
    }),
  ]);
  return { ok: true, email: prospect?.email ?? input.prospectId };
}

/** A static list by name; created (and audited) if there is none. */
export async function createStaticList(
  env: Env,
  name: string,
  actor: Actor,
): Promise<{ list: ListRow; created: boolean }> {
  const db = createDb(env.DB);
  const existing = await findListByName(db, name);
  if (existing) return { list: existing, created: false };
  const id = newId("lst");
  const now = new Date().toISOString();
  try {
    await runBatch(db, [
      createStaticListStatement(db, { id, name, now }),
      auditStatement(db, {
        actorId: actor.id,
        action: "list.created",
        subject: id,
        detail: JSON.stringify({ name, kind: "static" }),
        ip: actor.ip,
      }),
    ]);
  } catch (error) {
    const raced = await findListByName(db, name);
    if (raced) return { list: raced, created: false };
    throw error;
  }
  const list = await findList(db, id);
  if (!list) throw new Error(`list ${id} vanished after saving`);
  return { list, created: true };
}

/** What deleting a list would do: how many members it has, and what uses it (which keeps it). */
export interface ListDeletion {
  list: ListRow;
  members: number;
  uses: ListUse[];
}

export async function listDeletion(env: Env, listId: string): Promise<ListDeletion | null> {
  const db = createDb(env.DB);
  const list = await findList(db, listId);
  if (!list) return null;
  const [members, uses] = await Promise.all([listMemberCount(db, list.id), listUses(db, list.id)]);
  return { list, members, uses };
}

export type ListDeleteOutcome =
  | { ok: true; name: string; members: number }
  | { ok: false; gone: true }
  | { ok: false; gone?: false; deletion: ListDeletion };

/**
 * Deletes a list nothing uses, with its memberships (the prospects stay), audited in the same
 * batch. A list a rule, a form, a form handler or criteria use is refused with what uses it, so
 * the marketer can change those first; the check is made again inside the batch.
 */
export async function deleteList(env: Env, input: { id: string; actor: Actor }): Promise<ListDeleteOutcome> {
  const db = createDb(env.DB);
  const deletion = await listDeletion(env, input.id);
  if (!deletion) return { ok: false, gone: true };
  if (deletion.uses.length > 0) return { ok: false, deletion };
  const { list, members } = deletion;
  await runBatch(
    db,
    deleteListStatements(list.id, {
      actorId: input.actor.id,
      detail: JSON.stringify({ name: list.name, kind: list.kind, members }),
      ip: input.actor.ip,
    }),
  );
  forgetCriteriaInForce();
  const after = await listDeletion(env, list.id);
  return after ? { ok: false, deletion: after } : { ok: true, name: list.name, members };
}
