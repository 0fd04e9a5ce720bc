import { createDb, type Db } from "../db/client";
import { auditStatement } from "../db/queries/audit";
import { forgetCriteriaInForce } from "../db/queries/criteria";
import { type JobRow, latestJob, queueJobStatements } from "../db/queries/jobs";
import { criteriaTargets, previewCriteria } from "../db/queries/lists";
import {
  actionTargets,
  createRuleStatements,
  deleteRuleStatements,
  findRule,
  findRuleByName,
  type RuleSummary,
  setRuleStatusStatement,
  updateRuleStatements,
} from "../db/queries/rules";
import { runBatch, type Statement } from "../db/queries/statements";
import {
  type Criteria,
  type CriteriaErrors,
  checkReferences,
  criteriaSentence,
  describeCriteria,
  parseStoredCriteria,
} from "../domain/criteria";
import {
  actionReferences,
  checkActionReferences,
  describeAction,
  type RuleAction,
  type RuleInput,
} from "../domain/rules";
import { newId } from "../lib/encoding";
import type { Actor } from "./lists";
import { runCriteriaSave, wakeRunner } from "./lists";
import { type ApplyHow, RULE_APPLY } from "./rule-apply";

/**
 * Automation rules: saved with their criteria, actions, the job that applies them (to who
 * already matches, or noting who does so that only new matches act) and the audit entry in one
 * batch; paused, resumed and deleted the same way. Running them as facts are recorded is
 * src/db/queries/rule-runs.ts, from the recorder's seam.
 */

export type RuleSaveOutcome = { ok: true; rule: RuleSummary; jobId: string } | { ok: false; errors: CriteriaErrors };

const NAME_TAKEN = "There is already a rule with this name; choose another.";

/** The stored criteria of a rule; null when the JSON no longer validates (a kind removed since). */
export function ruleCriteria(rule: { criteria: string }): Criteria | null {
  return parseStoredCriteria(rule.criteria);
}

/** The lists and campaigns these actions point at, read in one go. */
function targetsOfActions(db: Db, actions: readonly RuleAction[]): ReturnType<typeof actionTargets> {
  const refs = actionReferences(actions);
  return actionTargets(db, {
    lists: refs.filter((r) => r.type === "list").map((r) => r.id),
    campaigns: refs.filter((r) => r.type === "campaign").map((r) => r.id),
  });
}

export interface RuleWords {
  criteria: { lead: string; lines: string[]; sentence: string } | null;
  actions: string[];
}

/** Rules in words: their criteria and actions, with the names of what they point at (two reads for all). */
export async function rulesWords(
  env: Env,
  rules: readonly { id: string; criteria: string; actions: readonly RuleAction[] }[],
): Promise<Map<string, RuleWords>> {
  const db = createDb(env.DB);
  const criteria = new Map(rules.map((r) => [r.id, ruleCriteria(r)]));
  const [targets, actions] = await Promise.all([
    criteriaTargets(
      db,
      [...criteria.values()].filter((c): c is Criteria => c !== null),
    ),
    targetsOfActions(
      db,
      rules.flatMap((r) => r.actions),
    ),
  ]);
  return new Map(
    rules.map((r) => {
      const c = criteria.get(r.id) ?? null;
      return [
        r.id,
        {
          criteria: c ? { ...describeCriteria(c, targets.names), sentence: criteriaSentence(c, targets.names) } : null,
          actions: r.actions.map((a) => describeAction(a, actions)),
        },
      ];
    }),
  );
}

/** One rule in words. */
export async function ruleWords(
  env: Env,
  rule: { id: string; criteria: string; actions: readonly RuleAction[] },
): Promise<RuleWords> {
  const words = (await rulesWords(env, [rule])).get(rule.id);
  if (!words) throw new Error("unreachable: every rule has its words");
  return words;
}

/**
 * Saves a new rule after checking what only the database knows: the name is free, every webinar,
 * campaign and list the criteria name exists, and every list an action names exists and is
 * static, every campaign exists. Nothing is written unless all of it holds.
 */
export async function saveRule(env: Env, input: { rule: RuleInput; actor: Actor }): Promise<RuleSaveOutcome> {
  const db = createDb(env.DB);
  const { rule } = input;
  const [sameName, targets, actions] = await Promise.all([
    findRuleByName(db, rule.name),
    criteriaTargets(db, [rule.criteria]),
    targetsOfActions(db, rule.actions),
  ]);
  const errors: CriteriaErrors = {
    ...checkReferences(rule.criteria, targets.exists),
    ...checkActionReferences(rule.actions, actions),
  };
  if (sameName) errors.name = NAME_TAKEN;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const id = newId("rul");
  const jobId = newId("job");
  const now = new Date().toISOString();
  const how: ApplyHow = rule.start === "existing" ? "act" : "note";
  const statements: Statement[] = [
    ...createRuleStatements(db, { id, rule, createdBy: input.actor.id, now }),
    ...queueJobStatements({
      id: jobId,
      kind: RULE_APPLY,
      subject: id,
      params: { how },
      createdBy: input.actor.id,
      now,
    }),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "rule.created",
      subject: id,
      detail: JSON.stringify({
        name: rule.name,
        mode: rule.mode,
        start: rule.start,
        criteria: criteriaSentence(rule.criteria, targets.names),
        actions: rule.actions.map((a) => describeAction(a, actions)),
      }),
      ip: input.actor.ip,
    }),
  ];
  if (!(await runCriteriaSave(db, statements, "rules.name"))) return { ok: false, errors: { name: NAME_TAKEN } };
  await wakeRunner(env);
  const saved = await findRule(db, id);
  if (!saved) throw new Error(`rule ${id} vanished after saving`);
  return { ok: true, rule: saved, jobId };
}

export type RuleEditOutcome =
  | { ok: true; rule: RuleSummary; jobId: string | null }
  | { ok: false; gone: true }
  | { ok: false; gone?: false; errors: CriteriaErrors };

/**
 * Saves an edit of a rule: its name, criteria, actions and mode, checked as a new rule is, and
 * the audit entry with the rule before and after, in one batch. What it already did stays, and a
 * prospect it acted on is not acted on again for the same match. When the criteria changed, or the
 * marketer asked to apply it to who matches now, an active rule's job looks at every prospect
 * again: `existing` acts on who matches and was not acted on yet, `new` only notes who matches,
 * so the rule acts on matches from now on.
 */
export async function editRule(
  env: Env,
  input: { id: string; rule: RuleInput; actor: Actor },
): Promise<RuleEditOutcome> {
  const db = createDb(env.DB);
  const { rule } = input;
  const before = await findRule(db, input.id);
  if (!before) return { ok: false, gone: true };
  const oldCriteria = ruleCriteria(before);
  const [sameName, targets, actions] = await Promise.all([
    findRuleByName(db, rule.name),
    criteriaTargets(db, oldCriteria ? [rule.criteria, oldCriteria] : [rule.criteria]),
    targetsOfActions(db, [...rule.actions, ...before.actions]),
  ]);
  const errors: CriteriaErrors = {
    ...checkReferences(rule.criteria, targets.exists),
    ...checkActionReferences(rule.actions, actions),
  };
  if (sameName && sameName.id !== before.id) errors.name = NAME_TAKEN;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const now = new Date().toISOString();
  const criteriaChanged = JSON.stringify(rule.criteria) !== before.criteria;
  const rerun = before.status === "active" && (criteriaChanged || rule.start === "existing");
  const jobId = rerun ? newId("job") : null;
  const how: ApplyHow = rule.start === "existing" ? "act" : "note";
  const words = (r: { name: string; mode: string; criteria: Criteria | null; actions: readonly RuleAction[] }) => ({
    name: r.name,
    mode: r.mode,
    criteria: r.criteria ? criteriaSentence(r.criteria, targets.names) : null,
    actions: r.actions.map((a) => describeAction(a, actions)),
  });
  const statements: Statement[] = [
    ...updateRuleStatements(db, { id: before.id, rule, now }),
    ...(jobId
      ? queueJobStatements({
          id: jobId,
          kind: RULE_APPLY,
          subject: before.id,
          params: { how },
          createdBy: input.actor.id,
          now,
        })
      : []),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "rule.updated",
      subject: before.id,
      detail: JSON.stringify({
        before: words({ ...before, criteria: oldCriteria }),
        after: words(rule),
        ...(jobId ? { start: rule.start } : {}),
      }),
      ip: input.actor.ip,
    }),
  ];
  if (!(await runCriteriaSave(db, statements, "rules.name"))) return { ok: false, errors: { name: NAME_TAKEN } };
  if (jobId) await wakeRunner(env);
  const saved = await findRule(db, before.id);
  if (!saved) return { ok: false, gone: true };
  return { ok: true, rule: saved, jobId };
}

export type RuleChange = { ok: true; rule: RuleSummary } | { ok: false; error: string };

const GONE = "This rule does not exist any more.";

/** Pauses a rule: from now on it judges and acts on no one until it is resumed. */
export async function pauseRule(env: Env, input: { id: string; actor: Actor }): Promise<RuleChange> {
  const db = createDb(env.DB);
  const rule = await findRule(db, input.id);
  if (!rule) return { ok: false, error: GONE };
  if (rule.status === "paused") return { ok: true, rule };
  const now = new Date().toISOString();
  await runBatch(db, [
    setRuleStatusStatement(db, rule.id, "paused", now),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "rule.paused",
      subject: rule.id,
      detail: JSON.stringify({ name: rule.name }),
      ip: input.actor.ip,
    }),
  ]);
  forgetCriteriaInForce();
  const after = await findRule(db, rule.id);
  return after ? { ok: true, rule: after } : { ok: false, error: GONE };
}

/**
 * Resumes a rule. While it was paused nothing judged it, so a job looks at every prospect again:
 * `act` acts on the ones who newly match (a once rule never on one it acted on), `note` only notes
 * who matches, so the rule acts on matches from now on.
 */
export async function resumeRule(env: Env, input: { id: string; how: ApplyHow; actor: Actor }): Promise<RuleChange> {
  const db = createDb(env.DB);
  const rule = await findRule(db, input.id);
  if (!rule) return { ok: false, error: GONE };
  if (rule.status === "active") return { ok: true, rule };
  const now = new Date().toISOString();
  await runBatch(db, [
    setRuleStatusStatement(db, rule.id, "active", now),
    ...queueJobStatements({
      id: newId("job"),
      kind: RULE_APPLY,
      subject: rule.id,
      params: { how: input.how },
      createdBy: input.actor.id,
      now,
    }),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "rule.resumed",
      subject: rule.id,
      detail: JSON.stringify({ name: rule.name, how: input.how }),
      ip: input.actor.ip,
    }),
  ]);
  forgetCriteriaInForce();
  await wakeRunner(env);
  const after = await findRule(db, rule.id);
  return after ? { ok: true, rule: after } : { ok: false, error: GONE };
}

/** Runs an active rule over every prospect again, acting on who newly matches (the rule page's button). */
export async function applyRuleNow(env: Env, input: { id: string; actor: Actor }): Promise<RuleChange> {
  const db = createDb(env.DB);
  const rule = await findRule(db, input.id);
  if (!rule) return { ok: false, error: GONE };
  if (rule.status !== "active") return { ok: false, error: "Resume the rule first: a paused rule acts on no one." };
  const now = new Date().toISOString();
  await runBatch(db, [
    ...queueJobStatements({
      id: newId("job"),
      kind: RULE_APPLY,
      subject: rule.id,
      params: { how: "act" },
      createdBy: input.actor.id,
      now,
    }),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "rule.applied",
      subject: rule.id,
      detail: JSON.stringify({ name: rule.name }),
      ip: input.actor.ip,
    }),
  ]);
  await wakeRunner(env);
  return { ok: true, rule };
}

/** Deletes a rule: it stops at once; the actions it took stay on the prospects and in its history. */
export async function deleteRule(
  env: Env,
  input: { id: string; actor: Actor },
): Promise<{ ok: boolean; name: string | null }> {
  const db = createDb(env.DB);
  const rule = await findRule(db, input.id);
  if (!rule) return { ok: false, name: null };
  const now = new Date().toISOString();
  await runBatch(db, [
    ...deleteRuleStatements(db, rule.id, now),
    auditStatement(db, {
      actorId: input.actor.id,
      action: "rule.deleted",
      subject: rule.id,
      detail: JSON.stringify({ name: rule.name }),
      ip: input.actor.ip,
    }),
  ]);
  forgetCriteriaInForce();
  return { ok: true, name: rule.name };
}

/** The rule's latest apply job (its progress bar), telling the runner again while it is active. */
export async function ruleJobProgress(env: Env, ruleId: string): Promise<JobRow | null> {
  const job = await latestJob(createDb(env.DB), RULE_APPLY, ruleId);
  if (job && (job.state === "queued" || job.state === "running")) await wakeRunner(env);
  return job;
}

/** The preview of criteria being built: how many prospects would match now, and the newest few. */
export async function previewRule(env: Env, criteria: Criteria, sample: number) {
  return previewCriteria(createDb(env.DB), criteria, new Date().toISOString(), sample);
}
