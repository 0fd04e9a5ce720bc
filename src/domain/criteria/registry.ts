import { pollAnswered, questionAsked, surveyCompleted } from "./engagement-kinds";
import type { CriterionKind, Fact, ParamValues } from "./kind";
import { campaign, company, country, emailDomain, listMember, score, tag } from "./prospect-kinds";
import { attendedSessionsKind, attendedShare } from "./session-kinds";
import { attendedMinutes, webinarStatus } from "./webinar-kinds";

/**
 * The kinds of condition in force, in the order the builder offers them. A new kind is a
 * `defineKind` module added to this list:
 * validation, words, the pure evaluation, the SQL of set queries and of stored criteria, and the
 * builder all follow from it. Kinds are stored by their `kind` string, so never rename one.
 */
export const CRITERION_KINDS = [
  webinarStatus,
  attendedMinutes,
  attendedSessionsKind,
  attendedShare,
  pollAnswered,
  surveyCompleted,
  questionAsked,
  emailDomain,
  company,
  country,
  score,
  campaign,
  tag,
  listMember,
] as const;

export type KnownKind = (typeof CRITERION_KINDS)[number];
export type KindName = KnownKind["kind"];

const BY_NAME: ReadonlyMap<string, CriterionKind<string, object>> = new Map(
  CRITERION_KINDS.map((k) => [k.kind, k as unknown as CriterionKind<string, object>]),
);

/** The kind with this name, or null. */
export function kindOf(name: string): CriterionKind<string, object> | null {
  return BY_NAME.get(name) ?? null;
}

export const KIND_NAMES: readonly string[] = CRITERION_KINDS.map((k) => k.kind);

/** Conditions of a kind, or only those whose parameter has one of some values. */
export type KindReading = { kind: string } & Partial<ParamValues>;

/** The conditions whose judgement reads any of these facts. */
export function kindsReading(facts: readonly Fact[]): KindReading[] {
  return CRITERION_KINDS.flatMap((k): KindReading[] => {
    const read = k.reads.filter((f) => facts.includes(f));
    if (read.length === 0) return [];
    const only = read.map((f) => k.readsOnlyWhen?.[f]);
    const param = only[0]?.param;
    // Narrowed only when every fact read is narrowed by the same parameter.
    if (param === undefined || only.some((o) => o?.param !== param)) return [{ kind: k.kind }];
    return [{ kind: k.kind, param, values: [...new Set(only.flatMap((o) => o?.values ?? []))] }];
  });
}
