import { type SQL, sql } from "drizzle-orm";
import * as v from "valibot";
import type { ProspectFacts } from "./facts";
import type { NameLookup, Reference, ReferenceType, SqlParams } from "./kind";
import { KIND_NAMES, type KindName, type KnownKind, kindOf } from "./registry";

/**
 * Criteria: conditions combined with all / any, with one level of nesting (a group of conditions
 * with its own all / any). The same value is validated here, judged pure against one prospect's
 * facts, put in words, compiled to SQL for set queries, and stored as rows for the SQL that keeps
 * memberships current (src/db/queries/criteria.ts).
 *
 *   { match: "all", conditions: [
 *       { kind: "attended_minutes", minutes: 20, scope: "webinar", webinarId: "web_..." },
 *       { match: "any", conditions: [{ kind: "tag", tag: "vip" }, { kind: "score", op: "at_least", value: 50 }] } ] }
 */

export type Match = "all" | "any";
export const MATCHES: readonly Match[] = ["all", "any"];

/** A condition of one of the registered kinds: its `kind` and its parameters, flat. */
export type Condition = { [K in KnownKind as K["kind"]]: { kind: K["kind"] } & v.InferOutput<K["schema"]> }[KindName];

export interface ConditionGroup {
  match: Match;
  conditions: Condition[];
}

export interface Criteria {
  match: Match;
  conditions: (Condition | ConditionGroup)[];
}

export function isGroup(item: Condition | ConditionGroup): item is ConditionGroup {
  return "conditions" in item;
}

/** How big criteria may get: enough for any marketer, small enough for one SQL statement. */
export const CRITERIA_LIMITS = { items: 10, perGroup: 10, conditions: 20 } as const;

/** What is wrong, by the path of the value (`conditions.1.conditions.0.minutes`), the builder's field names. */
export type CriteriaErrors = Record<string, string>;

export type CriteriaResult = { ok: true; criteria: Criteria } | { ok: false; errors: CriteriaErrors };

const MATCH_MESSAGE = "Choose all or any.";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A group: it has conditions, or (posted with none yet) a match and no kind. */
export function looksLikeGroup(value: unknown): value is Record<string, unknown> {
  return isObject(value) && ("conditions" in value || ("match" in value && !("kind" in value)));
}

function parseMatch(value: unknown, path: string, errors: CriteriaErrors): Match {
  if (value === "all" || value === "any") return value;
  errors[path] = MATCH_MESSAGE;
  return "all";
}

function parseCondition(value: unknown, path: string, errors: CriteriaErrors): Condition | null {
  if (!isObject(value)) {
    errors[path] = "Each condition is an object with a kind and its settings.";
    return null;
  }
  const name = value.kind;
  const kind = typeof name === "string" ? kindOf(name) : null;
  if (!kind) {
    errors[`${path}.kind`] = `Choose a kind of condition: ${KIND_NAMES.join(", ")}.`;
    return null;
  }
  const { kind: _, ...given } = value;
  // A missing parameter is judged by its own schema, whose message says what to enter.
  const params: Record<string, unknown> = {
    ...Object.fromEntries(kind.fields.map((f) => [f.name, undefined])),
    ...given,
  };
  const parsed = v.safeParse(kind.schema, params);
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const key = v.getDotPath(issue);
      const at = key ? `${path}.${key}` : path;
      if (!(at in errors)) errors[at] = issue.message;
    }
    return null;
  }
  return { kind: kind.kind, ...parsed.output } as Condition;
}

/**
 * Validates criteria from anywhere (a builder post as nested values, stored JSON): every problem
 * by its path, with what to fix. Unknown kinds, missing or wrong parameters, groups inside
 * groups and more conditions than the limits allow are all refused.
 */
export function parseCriteria(input: unknown): CriteriaResult {
  const errors: CriteriaErrors = {};
  if (!isObject(input)) return { ok: false, errors: { conditions: "Add at least one condition." } };
  const match = parseMatch(input.match, "match", errors);
  const items = input.conditions;
  if (!Array.isArray(items) || items.length === 0) {
    errors.conditions = "Add at least one condition.";
    return { ok: false, errors };
  }
  if (items.length > CRITERIA_LIMITS.items) {
    errors.conditions = `Use at most ${CRITERIA_LIMITS.items} conditions and groups at the top; group the others.`;
    return { ok: false, errors };
  }
  let total = 0;
  const conditions: (Condition | ConditionGroup)[] = [];
  items.forEach((item, i) => {
    const path = `conditions.${i}`;
    if (looksLikeGroup(item)) {
      const groupMatch = parseMatch(item.match, `${path}.match`, errors);
      const inner = item.conditions;
      if (!Array.isArray(inner) || inner.length === 0) {
        errors[`${path}.conditions`] = "Add at least one condition to the group, or remove the group.";
        return;
      }
      if (inner.length > CRITERIA_LIMITS.perGroup) {
        errors[`${path}.conditions`] = `Use at most ${CRITERIA_LIMITS.perGroup} conditions in a group.`;
        return;
      }
      const group: Condition[] = [];
      inner.forEach((c, j) => {
        const at = `${path}.conditions.${j}`;
        if (looksLikeGroup(c)) {
          errors[at] = "A group cannot hold another group: criteria have one level of nesting.";
          return;
        }
        total++;
        const parsed = parseCondition(c, at, errors);
        if (parsed) group.push(parsed);
      });
      conditions.push({ match: groupMatch, conditions: group });
      return;
    }
    total++;
    const parsed = parseCondition(item, path, errors);
    if (parsed) conditions.push(parsed);
  });
  if (total > CRITERIA_LIMITS.conditions && !errors.conditions) {
    errors.conditions = `Use at most ${CRITERIA_LIMITS.conditions} conditions in all.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, criteria: { match, conditions } };
}

/** Criteria stored as JSON text; null when the text is not JSON or no longer validates (a kind removed since). */
export function parseStoredCriteria(text: string): Criteria | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = parseCriteria(json);
  return parsed.ok ? parsed.criteria : null;
}

/** Every condition with its path, groups flattened. */
export function eachCondition(criteria: Criteria): { condition: Condition; path: string }[] {
  return criteria.conditions.flatMap((item, i) =>
    isGroup(item)
      ? item.conditions.map((condition, j) => ({ condition, path: `conditions.${i}.conditions.${j}` }))
      : [{ condition: item, path: `conditions.${i}` }],
  );
}

function kindFor(condition: Condition) {
  const kind = kindOf(condition.kind);
  if (!kind) throw new RangeError(`unknown criterion kind ${condition.kind}`);
  return kind;
}

function combine<T>(match: Match, items: readonly T[], test: (item: T) => boolean): boolean {
  return match === "all" ? items.every(test) : items.some(test);
}

/** Pure: does this prospect match the criteria? */
export function evaluateCriteria(criteria: Criteria, facts: ProspectFacts): boolean {
  const one = (c: Condition): boolean => kindFor(c).evaluate(c, facts);
  return combine(criteria.match, criteria.conditions, (item) =>
    isGroup(item) ? combine(item.match, item.conditions, one) : one(item),
  );
}

export function describeCondition(condition: Condition, names: NameLookup): string {
  return kindFor(condition).describe(condition, names);
}

/**
 * The criteria in words, one line per top-level item: `All of: ["Attended “Product tour” for at
 * least 20 minutes", "Any of: Has the tag “vip” or Score is at least 50"]`.
 */
export function describeCriteria(criteria: Criteria, names: NameLookup): { lead: string; lines: string[] } {
  const joiner = (m: Match) => (m === "all" ? " and " : " or ");
  const lines = criteria.conditions.map((item) =>
    isGroup(item)
      ? `${item.match === "all" ? "All" : "Any"} of: ${item.conditions.map((c) => describeCondition(c, names)).join(joiner(item.match))}`
      : describeCondition(item, names),
  );
  const lead =
    criteria.conditions.length === 1
      ? "Prospects who match:"
      : criteria.match === "all"
        ? "Prospects who match all of:"
        : "Prospects who match any of:";
  return { lead, lines };
}

/** The criteria in one sentence, for the audit log and the API. */
export function criteriaSentence(criteria: Criteria, names: NameLookup): string {
  const { lines } = describeCriteria(criteria, names);
  return lines.join(criteria.match === "all" ? "; and " : "; or ");
}

/** The rows the criteria point at (webinars, campaigns, lists), with the path of each. */
export function criteriaReferences(criteria: Criteria): (Reference & { path: string })[] {
  return eachCondition(criteria).flatMap(({ condition, path }) =>
    kindFor(condition)
      .references(condition)
      .map((r) => ({ ...r, path: `${path}.${r.param}` })),
  );
}

const MISSING: Record<ReferenceType, string> = {
  webinar: "That webinar does not exist any more; pick another.",
  campaign: "That campaign does not exist any more; pick another.",
  list: "That list does not exist any more; pick another.",
};

/**
 * Checks that every webinar, campaign and list the criteria point at exists; `allowList` can
 * refuse a list (a dynamic list may not depend on itself or on another dynamic list).
 */
export function checkReferences(
  criteria: Criteria,
  exists: (type: ReferenceType, id: string) => boolean,
  allowList: (id: string) => string | null = () => null,
): CriteriaErrors {
  const errors: CriteriaErrors = {};
  for (const ref of criteriaReferences(criteria)) {
    if (!exists(ref.type, ref.id)) errors[ref.path] = MISSING[ref.type];
    else if (ref.type === "list") {
      const refusal = allowList(ref.id);
      if (refusal) errors[ref.path] = refusal;
    }
  }
  return errors;
}

/** Parameters as SQL, each one the expression `read` gives for its name. */
function paramsOf(read: (param: string) => SQL): SqlParams<Record<string, unknown>> {
  return new Proxy({} as SqlParams<Record<string, unknown>>, {
    get: (_, key) => (typeof key === "string" ? read(key) : undefined),
  });
}

const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;

/**
 * Every parameter name of every kind (a kind's parameters are its builder fields). The query layer
 * reads each once per condition row into a column, so evaluating a condition for many prospects
 * does not parse its JSON again for each.
 */
export const PARAM_NAMES: readonly string[] = [
  ...new Set(
    KIND_NAMES.flatMap((name) => kindOf(name)?.fields.map((f) => f.name) ?? []).filter((n) => PARAM_NAME.test(n)),
  ),
];

/**
 * The SQL of every kind in one CASE over a condition row's kind: for the prospect row `p`, 1 when
 * the row's condition matches, else 0 (never NULL, so min / max over a group stay exact). `param`
 * gives the SQL of a parameter of the row (one of {@link PARAM_NAMES}), so one statement evaluates
 * any criteria, stored (`criteria_conditions`) or not yet saved (the same rows as a JSON
 * parameter), and a new kind needs no other change. The condition row's alias must not be one a
 * kind uses inside its SQL.
 */
export function storedConditionSql(columns: { kind: SQL; param: (name: string) => SQL }, now: SQL): SQL {
  const read = (param: string): SQL => {
    if (!PARAM_NAMES.includes(param)) throw new RangeError(`${param} is not a parameter of any kind`);
    return columns.param(param);
  };
  const branches = KIND_NAMES.map((name) => {
    const kind = kindOf(name);
    if (!kind) throw new RangeError(name);
    return sql`WHEN ${name} THEN coalesce((${kind.sql(paramsOf(read), { now })}), 0)`;
  });
  return sql`(CASE ${columns.kind} ${sql.join(branches, sql.raw(" "))} ELSE 0 END)`;
}

/** A stored condition: top-level items are groups (a lone condition is a group of one). */
export interface StoredCondition {
  groupNo: number;
  position: number;
  groupMatch: Match;
  kind: string;
  /** JSON of the parameters (the condition without its kind). */
  params: string;
}

export function storedConditions(criteria: Criteria): StoredCondition[] {
  return criteria.conditions.flatMap((item, groupNo) => {
    const group = isGroup(item) ? item : { match: "all" as const, conditions: [item] };
    return group.conditions.map((condition, position) => {
      const { kind, ...params } = condition;
      return { groupNo, position, groupMatch: group.match, kind, params: JSON.stringify(params) };
    });
  });
}
