import { and, asc, desc, eq, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { actionOfRow, type RuleAction, type RuleInput } from "../../domain/rules";
import type { Db } from "../client";
import { activities, campaigns, lists, prospects, ruleActions, ruleActionsTaken, rules, webinars } from "../schema";
import { saveCriteriaStatements } from "./criteria";
import type { Statement } from "./statements";

/** Automation rules: their rows, the actions they took, and the statements that change them (for one batch each). */

export type RuleRow = typeof rules.$inferSelect;

export interface RuleSummary extends RuleRow {
  actions: RuleAction[];
  /** Prospects the rule has acted on (each once, however many matches). */
  actedOn: number;
  lastActedAt: string | null;
}

// Written out: drizzle leaves a one-table select's columns unqualified, and `id` inside the
// subquery would be the subquery's own.
const ACTED_ON = sql<number>`(SELECT count(DISTINCT t.subject_id) FROM rule_actions_taken t WHERE t.rule_id = "rules"."id")`;
const LAST_ACTED_AT = sql<
  string | null
>`(SELECT max(t.taken_at) FROM rule_actions_taken t WHERE t.rule_id = "rules"."id")`;

function actionRows(rows: (typeof ruleActions.$inferSelect)[]): Map<string, RuleAction[]> {
  const out = new Map<string, RuleAction[]>();
  for (const r of [...rows].sort((a, b) => a.position - b.position)) {
    const action = actionOfRow(r);
    if (action) out.set(r.ruleId, [...(out.get(r.ruleId) ?? []), action]);
  }
  return out;
}

async function actionsOf(db: Db, ruleIds: string[]): Promise<Map<string, RuleAction[]>> {
  if (ruleIds.length === 0) return new Map();
  const rows: (typeof ruleActions.$inferSelect)[] = [];
  for (let i = 0; i < ruleIds.length; i += 90) {
    rows.push(
      ...(await db
        .select()
        .from(ruleActions)
        .where(inArray(ruleActions.ruleId, ruleIds.slice(i, i + 90)))),
    );
  }
  return actionRows(rows);
}

/** The rules that are not deleted, by name, with their actions and how many prospects each acted on. */
export async function listRules(db: Db): Promise<RuleSummary[]> {
  const found = await db
    .select({
      rule: rules,
      actedOn: ACTED_ON,
      lastActedAt: LAST_ACTED_AT,
    })
    .from(rules)
    .where(isNull(rules.deletedAt))
    .orderBy(asc(rules.name), asc(rules.id));
  const actions = await actionsOf(
    db,
    found.map((r) => r.rule.id),
  );
  return found.map((r) => ({
    ...r.rule,
    actions: actions.get(r.rule.id) ?? [],
    actedOn: r.actedOn,
    lastActedAt: r.lastActedAt,
  }));
}

/** A rule that is not deleted, with its actions and counts; null when there is none. */
export async function findRule(db: Db, id: string): Promise<RuleSummary | null> {
  const [row] = await db
    .select({
      rule: rules,
      actedOn: ACTED_ON,
      lastActedAt: LAST_ACTED_AT,
    })
    .from(rules)
    .where(and(eq(rules.id, id), isNull(rules.deletedAt)))
    .limit(1);
  if (!row) return null;
  const actions = await actionsOf(db, [id]);
  return { ...row.rule, actions: actions.get(id) ?? [], actedOn: row.actedOn, lastActedAt: row.lastActedAt };
}

export async function findRuleByName(db: Db, name: string): Promise<RuleRow | null> {
  const [row] = await db
    .select()
    .from(rules)
    .where(and(eq(rules.name, name), isNull(rules.deletedAt)))
    .limit(1);
  return row ?? null;
}

/** Which of the lists and campaigns actions point at exist, and each list's kind and name. */
export async function actionTargets(
  db: Db,
  refs: { lists: readonly string[]; campaigns: readonly string[] },
): Promise<{
  listKind(id: string): "static" | "dynamic" | null;
  campaignExists(id: string): boolean;
  list(id: string): string | null;
  campaign(id: string): string | null;
}> {
  const chunks = (xs: readonly string[]): string[][] => {
    const unique = [...new Set(xs)];
    return Array.from({ length: Math.ceil(unique.length / 90) }, (_, i) => unique.slice(i * 90, i * 90 + 90));
  };
  const [l, c] = await Promise.all([
    Promise.all(
      chunks(refs.lists).map((ids) =>
        db.select({ id: lists.id, name: lists.name, kind: lists.kind }).from(lists).where(inArray(lists.id, ids)),
      ),
    ).then((parts) => parts.flat()),
    Promise.all(
      chunks(refs.campaigns).map((ids) =>
        db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(inArray(campaigns.id, ids)),
      ),
    ).then((parts) => parts.flat()),
  ]);
  const listById = new Map(l.map((r) => [r.id, r]));
  const campaignById = new Map(c.map((r) => [r.id, r.name]));
  return {
    listKind: (id) => listById.get(id)?.kind ?? null,
    campaignExists: (id) => campaignById.has(id),
    list: (id) => listById.get(id)?.name ?? null,
    campaign: (id) => campaignById.get(id) ?? null,
  };
}

function actionValues(ruleId: string, actions: readonly RuleAction[]) {
  return actions.map((a, position) => ({
    ruleId,
    position,
    type: a.type,
    listId: a.type === "add_to_list" || a.type === "remove_from_list" ? a.listId : null,
    tag: a.type === "add_tag" || a.type === "remove_tag" ? a.tag : null,
    points: a.type === "adjust_score" ? a.points : null,
    campaignId: a.type === "assign_campaign" ? a.campaignId : null,
  }));
}

/** A new rule: its row, its actions, its criteria for SQL. */
export function createRuleStatements(
  db: Db,
  input: { id: string; rule: RuleInput; createdBy: string | null; now: string },
): Statement[] {
  const { rule } = input;
  return [
    db.insert(rules).values({
      id: input.id,
      name: rule.name,
      mode: rule.mode,
      status: "active",
      criteria: JSON.stringify(rule.criteria),
      createdBy: input.createdBy,
      createdAt: input.now,
      updatedAt: input.now,
    }),
    db.insert(ruleActions).values(actionValues(input.id, rule.actions)),
    ...saveCriteriaStatements({ id: input.id, type: "rule" }, rule.criteria, input.now),
  ];
}

/**
 * An edited rule: its name, mode, criteria and actions replaced. Its match state and the actions
 * it took stay, so a prospect it acted on is not acted on again for the same match (a once rule
 * never again), whatever the new criteria.
 */
export function updateRuleStatements(db: Db, input: { id: string; rule: RuleInput; now: string }): Statement[] {
  const { rule } = input;
  return [
    db
      .update(rules)
      .set({ name: rule.name, mode: rule.mode, criteria: JSON.stringify(rule.criteria), updatedAt: input.now })
      .where(and(eq(rules.id, input.id), isNull(rules.deletedAt))),
    db.delete(ruleActions).where(eq(ruleActions.ruleId, input.id)),
    db.insert(ruleActions).values(actionValues(input.id, rule.actions)),
    ...saveCriteriaStatements({ id: input.id, type: "rule" }, rule.criteria, input.now),
  ];
}

/** The rules (not deleted) with an action that points at a list, by name. */
export async function rulesActingOnList(db: Db, listId: string): Promise<{ id: string; name: string }[]> {
  return db
    .selectDistinct({ id: rules.id, name: rules.name })
    .from(ruleActions)
    .innerJoin(rules, eq(rules.id, ruleActions.ruleId))
    .where(and(eq(ruleActions.listId, listId), isNull(rules.deletedAt)))
    .orderBy(asc(rules.name));
}

export function setRuleStatusStatement(db: Db, id: string, status: "active" | "paused", now: string): Statement {
  return db
    .update(rules)
    .set({ status, updatedAt: now })
    .where(and(eq(rules.id, id), isNull(rules.deletedAt)));
}

/**
 * Deleting a rule: it stops at once (its stored criteria go, so nothing judges it again) and its
 * match state goes; its row stays, hidden, so the actions it took still say which rule took them.
 */
export function deleteRuleStatements(db: Db, id: string, now: string): Statement[] {
  return [
    db
      .update(rules)
      .set({ deletedAt: now, status: "paused", updatedAt: now })
      .where(and(eq(rules.id, id), isNull(rules.deletedAt))),
    sql`DELETE FROM criteria_sets WHERE owner_id = ${id} AND owner_type = 'rule'`,
    sql`DELETE FROM rule_matches WHERE rule_id = ${id}`,
  ];
}

/** An action a rule took, as the rule's page and the prospect's timeline show it. */
export interface ActionTaken {
  id: number;
  ruleId: string;
  ruleName: string;
  ruleDeleted: boolean;
  prospectId: string;
  /** The prospect the action was taken on (another than `prospectId` once merged into it). */
  subjectId: string;
  email: string;
  generation: number;
  action: RuleAction | null;
  outcome: "done" | "skipped";
  trigger: "activity" | "attendance" | "change" | "apply";
  /** The activity that triggered it, while it exists. */
  triggerActivity: { type: string; webinarId: string | null; webinarSubject: string | null } | null;
  /** For `attendance`: the webinar whose attendance was read (its subject null once it is gone). */
  triggerWebinar: { id: string; subject: string | null } | null;
  takenAt: string;
  /** Names of the list or campaign the action points at (null when gone). */
  listName: string | null;
  campaignName: string | null;
}

const triggerActivity = alias(activities, "trigger_activity");
const triggerActivityWebinar = alias(webinars, "trigger_activity_webinar");

function takenQuery(db: Db, where: SQL | undefined, limit: number) {
  return db
    .select({
      t: ruleActionsTaken,
      ruleName: rules.name,
      ruleDeletedAt: rules.deletedAt,
      email: prospects.email,
      triggerType: triggerActivity.type,
      triggerWebinarId: triggerActivity.webinarId,
      triggerWebinarSubject: triggerActivityWebinar.subject,
      listName: lists.name,
      campaignName: campaigns.name,
      webinarSubject: webinars.subject,
    })
    .from(ruleActionsTaken)
    .innerJoin(rules, eq(rules.id, ruleActionsTaken.ruleId))
    .innerJoin(prospects, eq(prospects.id, ruleActionsTaken.prospectId))
    .leftJoin(triggerActivity, eq(triggerActivity.id, ruleActionsTaken.activityId))
    .leftJoin(triggerActivityWebinar, eq(triggerActivityWebinar.id, triggerActivity.webinarId))
    .leftJoin(lists, eq(lists.id, ruleActionsTaken.listId))
    .leftJoin(campaigns, eq(campaigns.id, ruleActionsTaken.campaignId))
    .leftJoin(webinars, eq(webinars.id, ruleActionsTaken.webinarId))
    .where(where)
    .orderBy(desc(ruleActionsTaken.id))
    .limit(limit);
}

type TakenRow = Awaited<ReturnType<typeof takenQuery>>[number];

function taken(r: TakenRow): ActionTaken {
  return {
    id: r.t.id,
    ruleId: r.t.ruleId,
    ruleName: r.ruleName,
    ruleDeleted: r.ruleDeletedAt !== null,
    prospectId: r.t.prospectId,
    subjectId: r.t.subjectId,
    email: r.email,
    generation: r.t.generation,
    action: actionOfRow(r.t),
    outcome: r.t.outcome,
    trigger: r.t.trigger,
    triggerActivity:
      r.triggerType === null
        ? null
        : { type: r.triggerType, webinarId: r.triggerWebinarId, webinarSubject: r.triggerWebinarSubject },
    triggerWebinar: r.t.webinarId === null ? null : { id: r.t.webinarId, subject: r.webinarSubject },
    takenAt: r.t.takenAt,
    listName: r.listName,
    campaignName: r.campaignName,
  };
}

/** The actions a rule took, newest first, keyset-paged on the id (`before`: the last id of the previous page). */
export async function ruleActionsPage(
  db: Db,
  opts: { ruleId: string; limit: number; before: number | null },
): Promise<{ rows: ActionTaken[]; next: number | null }> {
  const found = await takenQuery(
    db,
    and(
      eq(ruleActionsTaken.ruleId, opts.ruleId),
      opts.before === null ? undefined : lt(ruleActionsTaken.id, opts.before),
    ),
    opts.limit + 1,
  );
  const page = found.slice(0, opts.limit).map(taken);
  return { rows: page, next: found.length > opts.limit ? (page.at(-1)?.id ?? null) : null };
}

/** The actions rules took on a prospect (and on prospects merged into it), newest first. */
export async function prospectRuleActions(db: Db, prospectId: string, limit = 500): Promise<ActionTaken[]> {
  return (await takenQuery(db, eq(ruleActionsTaken.prospectId, prospectId), limit)).map(taken);
}

/** Every rule's name by id, deleted ones too: score adjustments name the rule that made them. */
export async function ruleNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 90) {
    const found = await db
      .select({ id: rules.id, name: rules.name })
      .from(rules)
      .where(inArray(rules.id, unique.slice(i, i + 90)));
    for (const r of found) out.set(r.id, r.name);
  }
  return out;
}
