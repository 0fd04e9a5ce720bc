import {
  CRITERIA_LIMITS,
  type Criteria,
  type CriteriaResult,
  isGroup,
  looksLikeGroup,
  type Match,
  parseCriteria,
} from "./criteria";
import { kindOf } from "./registry";

/**
 * The criteria builder's form, pure. The builder posts flat fields named by path (`match`,
 * `conditions.0.kind`, `conditions.1.conditions.0.minutes`); the same paths name the errors, so
 * each message lands beside its input. A draft is what the builder shows, valid or not yet.
 */

export interface DraftCondition {
  kind: string;
  values: Record<string, string>;
}

export interface DraftGroup {
  match: string;
  conditions: DraftCondition[];
}

export interface Draft {
  match: string;
  items: (DraftCondition | DraftGroup)[];
}

export function isDraftGroup(item: DraftCondition | DraftGroup): item is DraftGroup {
  return "conditions" in item;
}

const SEGMENT = /^(?:\d{1,3}|[A-Za-z][A-Za-z0-9_]{0,40})$/;
/** Deep enough to take (and refuse) a group inside a group; anything deeper is not criteria at all. */
const MAX_DEPTH = 9;

type Tree = { [key: string]: Tree | string };

/** Flat fields (only `match` and `conditions.*`) as nested values; numeric segments become arrays. */
export function nestFields(fields: Record<string, string>): unknown {
  const root: Tree = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name !== "match" && !name.startsWith("conditions")) continue;
    const path = name.split(".");
    if (path.length > MAX_DEPTH || !path.every((s) => SEGMENT.test(s))) continue;
    let node = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) {
        if (typeof node[segment] !== "object") node[segment] = value;
        return;
      }
      const next = node[segment];
      if (typeof next !== "object") node[segment] = {};
      node = node[segment] as Tree;
    });
  }
  return arrays(root);
}

/** Objects whose keys are all indexes become arrays in index order (gaps closed). */
function arrays(node: Tree | string): unknown {
  if (typeof node === "string") return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => arrays(node[String(k)] as Tree | string));
  }
  return Object.fromEntries(keys.map((k) => [k, arrays(node[k] as Tree | string)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Form strings as the kinds' types: whole numbers for number fields (anything else stays a string,
 * which the kind's schema refuses with its message), and an empty pick as no pick.
 */
function typed(condition: Record<string, unknown>): Record<string, unknown> {
  const kind = typeof condition.kind === "string" ? kindOf(condition.kind) : null;
  if (!kind) return condition;
  const out: Record<string, unknown> = { ...condition };
  for (const field of kind.fields) {
    const value = out[field.name];
    if (typeof value !== "string") continue;
    if (field.type === "number" && /^\s*-?\d+\s*$/.test(value)) out[field.name] = Number(value);
    if ((field.type === "webinar" || field.type === "campaign" || field.type === "list") && value.trim() === "") {
      out[field.name] = null;
    }
  }
  return out;
}

function typedTree(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  if (Array.isArray(out.conditions)) {
    out.conditions = out.conditions.map((item) =>
      looksLikeGroup(item) ? typedTree(item) : isRecord(item) ? typed(item) : item,
    );
  }
  return out;
}

/** Validates the builder's posted fields as criteria. */
export function criteriaFromFields(fields: Record<string, string>): CriteriaResult {
  return parseCriteria(typedTree(nestFields(fields)));
}

function draftCondition(value: unknown): DraftCondition {
  const record = isRecord(value) ? value : {};
  const kind = typeof record.kind === "string" && kindOf(record.kind) ? record.kind : "";
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k !== "kind" && (typeof v === "string" || typeof v === "number")) values[k] = String(v);
  }
  return { kind, values };
}

/** What the builder shows for posted fields, however broken. */
export function draftFromFields(fields: Record<string, string>): Draft {
  const nested = nestFields(fields);
  const root = isRecord(nested) ? nested : {};
  const items = Array.isArray(root.conditions) ? root.conditions : [];
  return {
    match: typeof root.match === "string" ? root.match : "all",
    items: items.slice(0, CRITERIA_LIMITS.items * 2).map((item) =>
      looksLikeGroup(item)
        ? {
            match: typeof item.match === "string" ? item.match : "all",
            conditions: (Array.isArray(item.conditions) ? item.conditions : [])
              .slice(0, CRITERIA_LIMITS.perGroup * 2)
              .map(draftCondition),
          }
        : draftCondition(item),
    ),
  };
}

function stringValues(condition: Record<string, unknown>): DraftCondition {
  return draftCondition(Object.fromEntries(Object.entries(condition).filter(([, v]) => v !== null && v !== undefined)));
}

export function draftFromCriteria(criteria: Criteria): Draft {
  return {
    match: criteria.match,
    items: criteria.conditions.map((item) =>
      isGroup(item)
        ? { match: item.match, conditions: item.conditions.map((c) => stringValues(c)) }
        : stringValues(item),
    ),
  };
}

/** A new condition: the first kind's defaults, or the given kind's. */
export function newCondition(kind = "attended_minutes"): DraftCondition {
  const found = kindOf(kind);
  return { kind: found ? kind : "", values: { ...(found?.defaults ?? {}) } };
}

export const NEW_DRAFT: Draft = { match: "all", items: [newCondition()] };

/**
 * A condition whose kind was just changed keeps only the values its new kind uses, the rest from
 * that kind's defaults, so the fields that appear are the new kind's.
 */
export function settleCondition(condition: DraftCondition): DraftCondition {
  const kind = kindOf(condition.kind);
  if (!kind) return condition;
  const values: Record<string, string> = {};
  for (const field of kind.fields) {
    values[field.name] = condition.values[field.name] ?? kind.defaults[field.name] ?? "";
  }
  return { kind: condition.kind, values };
}

export type BuilderOp =
  | { op: "add" }
  | { op: "add-group" }
  | { op: "add-to"; group: number }
  | { op: "remove"; item: number; condition?: number }
  | { op: "refresh" };

/** The builder's buttons post `op` as `add`, `add-group`, `add-to:1`, `remove:2` or `remove:1.0`. */
export function parseOp(value: string | undefined): BuilderOp {
  if (value === "add" || value === "add-group") return { op: value };
  const addTo = /^add-to:(\d{1,2})$/.exec(value ?? "");
  if (addTo) return { op: "add-to", group: Number(addTo[1]) };
  const remove = /^remove:(\d{1,2})(?:\.(\d{1,2}))?$/.exec(value ?? "");
  if (remove) {
    return remove[2] === undefined
      ? { op: "remove", item: Number(remove[1]) }
      : { op: "remove", item: Number(remove[1]), condition: Number(remove[2]) };
  }
  return { op: "refresh" };
}

function settle(item: DraftCondition | DraftGroup): DraftCondition | DraftGroup {
  return isDraftGroup(item) ? { ...item, conditions: item.conditions.map(settleCondition) } : settleCondition(item);
}

function total(draft: Draft): number {
  return draft.items.reduce((n, item) => n + (isDraftGroup(item) ? item.conditions.length : 1), 0);
}

/** Applies a builder button to the draft. Adding past the limits does nothing (the builder hides the buttons). */
export function applyOp(draft: Draft, op: BuilderOp): Draft {
  const items = draft.items.map(settle);
  const room = total(draft) < CRITERIA_LIMITS.conditions;
  switch (op.op) {
    case "add":
      if (room && items.length < CRITERIA_LIMITS.items) items.push(newCondition());
      break;
    case "add-group":
      if (room && items.length < CRITERIA_LIMITS.items)
        items.push({ match: "any", conditions: [newCondition("webinar_status")] });
      break;
    case "add-to": {
      const group = items[op.group];
      if (room && group && isDraftGroup(group) && group.conditions.length < CRITERIA_LIMITS.perGroup) {
        group.conditions.push(newCondition("webinar_status"));
      }
      break;
    }
    case "remove": {
      const item = items[op.item];
      if (op.condition === undefined) items.splice(op.item, 1);
      else if (item && isDraftGroup(item)) {
        item.conditions.splice(op.condition, 1);
        if (item.conditions.length === 0) items.splice(op.item, 1);
      }
      break;
    }
    case "refresh":
      break;
  }
  return { match: draft.match === "any" ? "any" : ("all" satisfies Match), items };
}

/** The draft as the builder's fields again, to judge it as criteria after a builder change. */
export function fieldsOfDraft(draft: Draft): Record<string, string> {
  const out: Record<string, string> = { match: draft.match };
  const put = (path: string, c: DraftCondition): void => {
    out[`${path}.kind`] = c.kind;
    for (const [k, value] of Object.entries(c.values)) out[`${path}.${k}`] = value;
  };
  draft.items.forEach((item, i) => {
    if (!isDraftGroup(item)) {
      put(`conditions.${i}`, item);
      return;
    }
    out[`conditions.${i}.match`] = item.match;
    for (const [j, c] of item.conditions.entries()) put(`conditions.${i}.conditions.${j}`, c);
  });
  return out;
}
