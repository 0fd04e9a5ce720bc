import { createDb } from "../db/client";
import { type AuditActor, recordAudit } from "../db/queries/audit";
import { actionTargetErrors, type StoredHandler, saveForm, saveHandler } from "../db/queries/forms";
import type { BuilderInput } from "../domain/form-builder";
import { type FormAction, handlerSaveProblems, liveProblems, registerAction, saveProblems } from "../domain/forms";
import { readGoToForm } from "./goto-questions";

/**
 * Saving a form or a form handler from its editor: the rules of the definition, the completion
 * actions' targets in D1, GoTo's questions for the webinar to register for, then the save and the
 * audit entry.
 */

export type SaveOutcome<Saved> =
  | { kind: "invalid"; errors: Record<string, string>; problems: string[] }
  | ({ kind: "saved"; id: string } & Saved);

export interface SaveRequest<Input> {
  /** The row to update; null for a new one. */
  id: string | null;
  input: Input;
  /** What the editor's own parse found to fix, by control name. */
  errors: Record<string, string>;
  /** The marketer asked to read GoTo's questions again. */
  refreshGoTo: boolean;
}

/**
 * The actions with GoTo's questions on the registration action, read when it has none yet or the
 * marketer asked; `problem` says why they could not be read (the actions are then unchanged).
 */
async function withGoToQuestions(
  env: Env,
  actions: FormAction[],
  refresh: boolean,
): Promise<{ actions: FormAction[]; problem: string | null }> {
  const register = registerAction(actions);
  if (!register || (register.goto && !refresh)) return { actions, problem: null };
  const read = await readGoToForm(env, register.webinarId, new Date());
  if ("error" in read) return { actions, problem: read.error };
  return { actions: actions.map((a) => (a === register ? { ...register, goto: read } : a)), problem: null };
}

/**
 * Saves a form from the builder. A form that may not be saved comes back `invalid`. A form asked
 * to go live that cannot (GoTo's questions unreadable, or a rule of going live) is saved as a
 * draft, with `blockers` saying why; `form` is what was saved.
 */
export async function saveBuilderForm(
  env: Env,
  request: SaveRequest<BuilderInput>,
  actor: AuditActor,
): Promise<SaveOutcome<{ form: BuilderInput; blockers: string[] }>> {
  const db = createDb(env.DB);
  const problems = saveProblems(request.input);
  const errors = {
    ...request.errors,
    ...(await actionTargetErrors(db, request.input.actions, new Date().toISOString())),
  };
  if (Object.keys(errors).length > 0 || problems.length > 0) return { kind: "invalid", errors, problems };
  const goto = await withGoToQuestions(env, request.input.actions, request.refreshGoTo);
  const form = { ...request.input, actions: goto.actions };
  const blockers = [...(goto.problem ? [goto.problem] : []), ...liveProblems(form)];
  const status = form.status === "live" && blockers.length > 0 ? "draft" : form.status;
  const id = await saveForm(db, request.id, { ...form, status }, actor.actorId, new Date().toISOString());
  await recordAudit(db, { ...actor, action: request.id ? "form.updated" : "form.created", subject: id });
  return { kind: "saved", id, form, blockers: form.status === "live" ? blockers : [] };
}

/** Saves a form handler; GoTo's questions are read as for a form, and a handler saves without them. */
export async function saveFormHandler(
  env: Env,
  request: SaveRequest<Omit<StoredHandler, "id">>,
  actor: AuditActor,
): Promise<SaveOutcome<object>> {
  const db = createDb(env.DB);
  const errors = {
    ...request.errors,
    ...(await actionTargetErrors(db, request.input.actions, new Date().toISOString())),
  };
  const problems = handlerSaveProblems(request.input);
  if (Object.keys(errors).length > 0 || problems.length > 0) return { kind: "invalid", errors, problems };
  const goto = await withGoToQuestions(env, request.input.actions, request.refreshGoTo);
  const id = await saveHandler(db, request.id, { ...request.input, actions: goto.actions }, new Date().toISOString());
  await recordAudit(db, {
    ...actor,
    action: request.id ? "form_handler.updated" : "form_handler.created",
    subject: id,
  });
  return { kind: "saved", id };
}
