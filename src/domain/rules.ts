import * as v from "valibot";
import {
  type Criteria,
  type CriteriaErrors,
  criteriaFromFields,
  type Draft,
  draftFromCriteria,
  draftFromFields,
  type NameLookup,
  NEW_DRAFT,
} from "./criteria";
import { cleanText } from "./text";

/**
 * Automation rules, pure: what a rule is (a name, criteria, one or more actions, how often it
 * acts), how the Add rule form's fields become one (every problem named by its field), and the
 * actions in words. The SQL that runs rules as facts are recorded is src/db/queries/rule-runs.ts.
 */

export const RULE_ACTION_TYPES = [
  "add_to_list",
  "remove_from_list",
  "add_tag",
  "remove_tag",
  "adjust_score",
  "assign_campaign",
] as const;
export type RuleActionType = (typeof RULE_ACTION_TYPES)[number];

export const ACTION_LABELS: Record<RuleActionType, string> = {
  add_to_list: "Add to list",
  remove_from_list: "Remove from list",
  add_tag: "Add tag",
  remove_tag: "Remove tag",
  adjust_score: "Adjust score",
  assign_campaign: "Assign campaign",
};

export type RuleAction =
  | { type: "add_to_list" | "remove_from_list"; listId: string }
  | { type: "add_tag" | "remove_tag"; tag: string }
  | { type: "adjust_score"; points: number }
  | { type: "assign_campaign"; campaignId: string };

/** Once per prospect, or again each time the prospect newly matches (after not matching). */
export const RULE_MODES = ["once", "repeat"] as const;
export type RuleMode = (typeof RULE_MODES)[number];

/** On save: act on prospects who already match (a job), or only on those who match from now on. */
export const RULE_STARTS = ["existing", "new"] as const;
export type RuleStart = (typeof RULE_STARTS)[number];

export const MAX_ACTIONS = 10;
export const MAX_POINTS = 1000;
export const MAX_TAG = 50;
export const MAX_RULE_NAME = 100;

export interface RuleInput {
  name: string;
  mode: RuleMode;
  start: RuleStart;
  criteria: Criteria;
  actions: RuleAction[];
}

/** The Add rule form as the page shows it again: the criteria builder's draft and the actions as typed. */
export interface RuleDraft {
  name: string;
  mode: string;
  start: string;
  criteria: Draft;
  actions: DraftAction[];
}

export interface DraftAction {
  type: string;
  listId: string;
  tag: string;
  points: string;
  campaignId: string;
}

export type RuleResult = { ok: true; rule: RuleInput } | { ok: false; errors: CriteriaErrors };

const Id = (what: string) =>
  v.pipe(v.string(`Pick ${what}.`), v.trim(), v.nonEmpty(`Pick ${what}.`), v.maxLength(64, `Pick ${what}.`));

export const TagName = v.pipe(
  v.string("Enter a tag."),
  v.transform(cleanText),
  v.trim(),
  v.nonEmpty("Enter a tag."),
  v.maxLength(MAX_TAG, `Use at most ${MAX_TAG} characters for a tag.`),
);

const POINTS_MESSAGE = `Enter the points as a whole number from -${MAX_POINTS} to ${MAX_POINTS}, like -5 or 10 (not 0).`;
const Points = v.pipe(
  v.string(POINTS_MESSAGE),
  v.trim(),
  v.regex(/^[-+−]?\d{1,7}$/, POINTS_MESSAGE),
  v.transform((s) => Number(s.replace("−", "-"))),
  v.integer(POINTS_MESSAGE),
  v.minValue(-MAX_POINTS, POINTS_MESSAGE),
  v.maxValue(MAX_POINTS, POINTS_MESSAGE),
  v.check((n) => n !== 0, POINTS_MESSAGE),
);

const TYPE_MESSAGE = `Choose an action: ${RULE_ACTION_TYPES.map((t) => ACTION_LABELS[t].toLowerCase()).join(", ")}.`;

export const ActionSchema = v.variant(
  "type",
  [
    v.object({ type: v.picklist(["add_to_list", "remove_from_list"]), listId: Id("a list") }),
    v.object({ type: v.picklist(["add_tag", "remove_tag"]), tag: TagName }),
    v.object({ type: v.literal("adjust_score"), points: Points }),
    v.object({ type: v.literal("assign_campaign"), campaignId: Id("a campaign") }),
  ],
  TYPE_MESSAGE,
);

const Name = v.pipe(
  v.string("Enter a name for the rule."),
  v.transform(cleanText),
  v.trim(),
  v.nonEmpty("Enter a name for the rule."),
  v.maxLength(MAX_RULE_NAME, `Use at most ${MAX_RULE_NAME} characters for the name.`),
);
const Mode = v.picklist(
  RULE_MODES,
  "Choose whether the rule acts once per prospect or each time a prospect matches again.",
);
const Start = v.picklist(
  RULE_STARTS,
  "Choose whether the rule acts on prospects who already match, or only from now on.",
);

const ACTION_FIELD = /^actions\.(\d{1,3})\.(type|listId|tag|points|campaignId)$/;

/** The posted `actions.<n>.<field>` values, in index order (gaps closed); at most `limit` + 1 kept. */
function actionRows(fields: Record<string, string>, limit: number): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  for (const [name, value] of Object.entries(fields)) {
    const m = ACTION_FIELD.exec(name);
    if (!m) continue;
    const index = Number(m[1]);
    const row = byIndex.get(index) ?? {};
    row[m[2] as string] = value;
    byIndex.set(index, row);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .slice(0, limit + 1)
    .map(([, row]) => row);
}

/** The fields an action of this type uses; the others are left out, so nothing stray is validated. */
function relevant(row: Record<string, string>): Record<string, string> {
  const type = row.type ?? "";
  // A missing value is judged as an empty one, so its own message says what to enter.
  const pick = (key: string): Record<string, string> => ({ [key]: row[key] ?? "" });
  if (type === "add_to_list" || type === "remove_from_list") return { type, ...pick("listId") };
  if (type === "add_tag" || type === "remove_tag") return { type, ...pick("tag") };
  if (type === "adjust_score") return { type, ...pick("points") };
  if (type === "assign_campaign") return { type, ...pick("campaignId") };
  return { type };
}

function first(errors: CriteriaErrors, path: string, message: string): void {
  if (!(path in errors)) errors[path] = message;
}

/** The key two actions that cancel or repeat each other share. */
function actionKey(a: RuleAction): string {
  switch (a.type) {
    case "add_to_list":
    case "remove_from_list":
      return `list:${a.listId}`;
    case "add_tag":
    case "remove_tag":
      return `tag:${a.tag}`;
    case "adjust_score":
      return "score";
    case "assign_campaign":
      return "campaign";
  }
}

function conflict(a: RuleAction, b: RuleAction): string {
  if (a.type === b.type) {
    if (a.type === "adjust_score") return "Adjust the score once per rule: add the points together.";
    if (a.type === "assign_campaign") return "Assign one campaign per rule.";
    return "This action is listed twice; remove one.";
  }
  if (a.type === "add_to_list" || a.type === "remove_from_list") {
    return "This rule would add to and remove from the same list; keep one.";
  }
  return "This rule would add and remove the same tag; keep one.";
}

/** Validates the actions of a rule form; each problem under its field (`actions.1.points`). */
export function parseActions(fields: Record<string, string>): { actions: RuleAction[]; errors: CriteriaErrors } {
  const errors: CriteriaErrors = {};
  const rows = actionRows(fields, MAX_ACTIONS);
  if (rows.length === 0) {
    errors.actions = "Add at least one action.";
    return { actions: [], errors };
  }
  if (rows.length > MAX_ACTIONS) {
    errors.actions = `Use at most ${MAX_ACTIONS} actions in one rule.`;
    return { actions: [], errors };
  }
  const actions: RuleAction[] = [];
  const seen = new Map<string, RuleAction>();
  rows.forEach((row, i) => {
    const parsed = v.safeParse(ActionSchema, relevant(row));
    if (!parsed.success) {
      for (const issue of parsed.issues) {
        const key = v.getDotPath(issue);
        first(errors, key ? `actions.${i}.${key}` : `actions.${i}.type`, issue.message);
      }
      return;
    }
    const action = parsed.output as RuleAction;
    const key = actionKey(action);
    const before = seen.get(key);
    if (before) {
      first(errors, `actions.${i}.type`, conflict(before, action));
      return;
    }
    seen.set(key, action);
    actions.push(action);
  });
  return { actions, errors };
}

/** Validates the Add rule form: name, how often, when to start, the criteria builder's fields, the actions. */
export function parseRuleFields(fields: Record<string, string>): RuleResult {
  const errors: CriteriaErrors = {};
  const name = v.safeParse(Name, fields.name);
  if (!name.success) first(errors, "name", name.issues[0]?.message ?? "Enter a name for the rule.");
  const mode = v.safeParse(Mode, fields.mode);
  if (!mode.success) first(errors, "mode", mode.issues[0]?.message ?? "Choose how often the rule acts.");
  const start = v.safeParse(Start, fields.start);
  if (!start.success) first(errors, "start", start.issues[0]?.message ?? "Choose when the rule starts.");
  const criteria = criteriaFromFields(fields);
  if (!criteria.ok) for (const [path, message] of Object.entries(criteria.errors)) first(errors, path, message);
  const actions = parseActions(fields);
  Object.assign(errors, actions.errors);
  if (Object.keys(errors).length > 0 || !name.success || !mode.success || !start.success || !criteria.ok) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    rule: {
      name: name.output,
      mode: mode.output,
      start: start.output,
      criteria: criteria.criteria,
      actions: actions.actions,
    },
  };
}

const DRAFT_TEXT = 200;

function draftAction(row: Record<string, string>): DraftAction {
  const cut = (key: string): string => (row[key] ?? "").slice(0, DRAFT_TEXT);
  return {
    type: (RULE_ACTION_TYPES as readonly string[]).includes(row.type ?? "") ? (row.type as string) : "",
    listId: cut("listId"),
    tag: cut("tag"),
    points: cut("points"),
    campaignId: cut("campaignId"),
  };
}

export const NEW_ACTION: DraftAction = { type: "add_tag", listId: "", tag: "", points: "", campaignId: "" };

/** What the form shows for posted fields, however broken (long values cut to what a page shows). */
export function ruleDraftFromFields(fields: Record<string, string>): RuleDraft {
  return {
    name: (fields.name ?? "").slice(0, DRAFT_TEXT),
    mode: fields.mode === "repeat" ? "repeat" : "once",
    start: fields.start === "new" ? "new" : "existing",
    criteria: draftFromFields(fields),
    actions: actionRows(fields, MAX_ACTIONS * 2)
      .slice(0, MAX_ACTIONS)
      .map(draftAction),
  };
}

/**
 * A saved rule as its Edit form shows it. `start` begins at "new": an edit leaves prospects who
 * already match as they are unless the marketer chooses otherwise.
 */
export function ruleDraftOf(rule: {
  name: string;
  mode: RuleMode;
  criteria: Criteria | null;
  actions: readonly RuleAction[];
}): RuleDraft {
  return {
    name: rule.name,
    mode: rule.mode,
    start: "new",
    criteria: rule.criteria ? draftFromCriteria(rule.criteria) : NEW_DRAFT,
    actions:
      rule.actions.length === 0
        ? [{ ...NEW_ACTION }]
        : rule.actions.map((a) => ({
            ...NEW_ACTION,
            type: a.type,
            ...(a.type === "add_to_list" || a.type === "remove_from_list" ? { listId: a.listId } : {}),
            ...(a.type === "add_tag" || a.type === "remove_tag" ? { tag: a.tag } : {}),
            ...(a.type === "adjust_score" ? { points: String(a.points) } : {}),
            ...(a.type === "assign_campaign" ? { campaignId: a.campaignId } : {}),
          })),
  };
}

/** The form's action buttons post `op` as `add-action` or `remove-action:<n>`. */
export function applyActionOp(actions: DraftAction[], op: string | undefined): DraftAction[] | null {
  if (op === "add-action") return actions.length < MAX_ACTIONS ? [...actions, { ...NEW_ACTION }] : actions;
  const remove = /^remove-action:(\d{1,2})$/.exec(op ?? "");
  if (remove) return actions.filter((_, i) => i !== Number(remove[1]));
  return null;
}

/** The rows an action points at, checked to exist (and a list to be static) when a rule is saved. */
export interface ActionReference {
  type: "list" | "campaign";
  id: string;
  path: string;
}

export function actionReferences(actions: readonly RuleAction[]): ActionReference[] {
  return actions.flatMap((a, i): ActionReference[] => {
    if (a.type === "add_to_list" || a.type === "remove_from_list") {
      return [{ type: "list" as const, id: a.listId, path: `actions.${i}.listId` }];
    }
    if (a.type === "assign_campaign")
      return [{ type: "campaign" as const, id: a.campaignId, path: `actions.${i}.campaignId` }];
    return [];
  });
}

export function checkActionReferences(
  actions: readonly RuleAction[],
  lookup: { listKind(id: string): "static" | "dynamic" | null; campaignExists(id: string): boolean },
): CriteriaErrors {
  const errors: CriteriaErrors = {};
  for (const ref of actionReferences(actions)) {
    if (ref.type === "campaign") {
      if (!lookup.campaignExists(ref.id)) errors[ref.path] = "That campaign does not exist any more; pick another.";
      continue;
    }
    const kind = lookup.listKind(ref.id);
    if (kind === null) errors[ref.path] = "That list does not exist any more; pick another.";
    else if (kind === "dynamic") {
      errors[ref.path] = "A dynamic list's members follow its criteria; pick a static list.";
    }
  }
  return errors;
}

function signed(points: number): string {
  return points > 0 ? `+${points}` : `−${Math.abs(points)}`;
}

function quoted(name: string | null, what: string): string {
  return name === null ? `a deleted ${what}` : `“${name}”`;
}

/** An action in words, as the marketer reads it on the rule: `Add to the list “Recording follow-up”`. */
export function describeAction(a: RuleAction, names: Pick<NameLookup, "list" | "campaign">): string {
  switch (a.type) {
    case "add_to_list":
      return `Add to the list ${quoted(names.list(a.listId), "list")}`;
    case "remove_from_list":
      return `Remove from the list ${quoted(names.list(a.listId), "list")}`;
    case "add_tag":
      return `Add the tag “${a.tag}”`;
    case "remove_tag":
      return `Remove the tag “${a.tag}”`;
    case "adjust_score":
      return `Adjust the score by ${signed(a.points)}`;
    case "assign_campaign":
      return `Assign the campaign ${quoted(names.campaign(a.campaignId), "campaign")}`;
  }
}

/** An action taken, in the past tense, for the prospect's timeline and the rule's log. */
export function describeTaken(a: RuleAction, names: Pick<NameLookup, "list" | "campaign">): string {
  switch (a.type) {
    case "add_to_list":
      return `Added to the list ${quoted(names.list(a.listId), "list")}`;
    case "remove_from_list":
      return `Removed from the list ${quoted(names.list(a.listId), "list")}`;
    case "add_tag":
      return `Added the tag “${a.tag}”`;
    case "remove_tag":
      return `Removed the tag “${a.tag}”`;
    case "adjust_score":
      return `Adjusted the score by ${signed(a.points)}`;
    case "assign_campaign":
      return `Assigned the campaign ${quoted(names.campaign(a.campaignId), "campaign")}`;
  }
}

/** An action stored as a row (rule_actions, rule_actions_taken) as a RuleAction; null when it no longer makes one. */
export function actionOfRow(row: {
  type: string;
  listId: string | null;
  tag: string | null;
  points: number | null;
  campaignId: string | null;
}): RuleAction | null {
  switch (row.type) {
    case "add_to_list":
    case "remove_from_list":
      return { type: row.type, listId: row.listId ?? "" };
    case "add_tag":
    case "remove_tag":
      return row.tag === null ? null : { type: row.type, tag: row.tag };
    case "adjust_score":
      return row.points === null ? null : { type: "adjust_score", points: row.points };
    case "assign_campaign":
      return { type: "assign_campaign", campaignId: row.campaignId ?? "" };
  }
  return null;
}

/** The dedupe key of a rule's score adjustment: once per prospect per match (a once rule has one match). */
export function ruleScoreKey(ruleId: string, generation: number): string {
  return `rule:${ruleId}:${generation}`;
}

/** The rule id of an activity the rule recorded (its dedupe key), or null. */
export function ruleOfDedupeKey(dedupeKey: string): string | null {
  const m = /^rule:([^:]+):\d+$/.exec(dedupeKey);
  return m ? (m[1] as string) : null;
}

export const MODE_WORDS: Record<RuleMode, string> = {
  once: "Acts once per prospect",
  repeat: "Acts each time a prospect newly matches",
};
