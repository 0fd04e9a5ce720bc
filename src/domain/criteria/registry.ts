import { pollAnswered, questionAsked, surveyCompleted } from "./engagement-kinds";
import type { CriterionKind, Fact } from "./kind";
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

/** The kinds whose judgement reads any of these facts. */
export function kindsReading(facts: readonly Fact[]): string[] {
  return CRITERION_KINDS.filter((k) => k.reads.some((f) => facts.includes(f))).map((k) => k.kind);
}
