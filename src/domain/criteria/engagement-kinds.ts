import { type SQL, sql } from "drizzle-orm";
import * as v from "valibot";
import { cleanText } from "../text";
import { asciiLower, type EngagementFact, type ProspectFacts } from "./facts";
import { defineKind, type SqlParams } from "./kind";
import { type ScopeParams, scoped, scopeFields, scopeReferences, scopeWords } from "./webinar-kinds";

/**
 * Conditions on what a prospect did in a webinar beyond attending (the `engagements` rows): a poll
 * answered (with a given answer), a survey completed, a question asked. Text is compared with
 * ASCII letters folded, as SQLite's lower() does, so both evaluations agree.
 */

export const MAX_ENGAGEMENT_TEXT = 500;

const Text = (what: string) =>
  v.pipe(
    v.string(`Enter ${what}.`),
    v.transform(cleanText),
    v.trim(),
    v.nonEmpty(`Enter ${what}.`),
    v.maxLength(MAX_ENGAGEMENT_TEXT, `Use at most ${MAX_ENGAGEMENT_TEXT} characters for ${what}.`),
  );

/** Optional text: empty means "any". */
const OptionalText = (what: string) =>
  v.pipe(
    v.nullish(v.string(`Enter ${what}, or leave it empty.`), null),
    v.transform((s) => (s === null ? null : cleanText(s).trim())),
    v.transform((s) => (s === "" ? null : s)),
    v.nullable(
      v.pipe(
        v.string(),
        v.maxLength(MAX_ENGAGEMENT_TEXT, `Use at most ${MAX_ENGAGEMENT_TEXT} characters for ${what}.`),
      ),
    ),
  );

function inScope(p: ScopeParams, e: EngagementFact): boolean {
  if (p.scope === "webinar") return e.webinarId === p.webinarId;
  if (p.scope === "campaign") return e.campaignId !== null && e.campaignId === p.campaignId;
  return true;
}

function engagementsOf(kind: EngagementFact["kind"], p: ScopeParams, facts: ProspectFacts): EngagementFact[] {
  return (facts.engagements ?? []).filter((e) => e.kind === kind && inScope(p, e));
}

/** The prospect's engagement rows `e` of one kind in the scope (joined to their webinar `w`), with a condition on them. */
function existsEngagement(kind: EngagementFact["kind"], p: SqlParams<ScopeParams>, condition: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM engagements e JOIN webinars w ON w.id = e.webinar_id
    WHERE e.prospect_id = p.id AND e.kind = ${kind}
      AND (${p.scope} = 'any'
        OR (${p.scope} = 'webinar' AND e.webinar_id = ${p.webinarId})
        OR (${p.scope} = 'campaign' AND w.connector_id IN (SELECT cn.id FROM connectors cn WHERE cn.campaign_id = ${p.campaignId})))
      AND (${condition}))`;
}

function quotedText(text: string): string {
  return `'${text}'`;
}

function inWords(p: ScopeParams, names: Parameters<typeof scopeWords>[1]): string {
  return `in ${scopeWords(p, names)}`;
}

export const pollAnswered = defineKind({
  kind: "poll_answered",
  label: "Answered a poll",
  section: "Engagement",
  schema: scoped({ question: Text("the poll question"), answer: OptionalText("the answer") }),
  fields: [
    {
      name: "question",
      label: "Poll question",
      type: "text",
      maxlength: MAX_ENGAGEMENT_TEXT,
      placeholder: "How soon are you buying?",
    },
    {
      name: "answer",
      label: "Answer",
      type: "text",
      maxlength: MAX_ENGAGEMENT_TEXT,
      placeholder: "This quarter",
      hint: "Leave empty for any answer.",
    },
    ...scopeFields,
  ],
  defaults: { question: "", answer: "", scope: "any" },
  describe: (p, names) =>
    `Answered poll ${quotedText(p.question)}${p.answer === null ? "" : ` with ${quotedText(p.answer)}`} ${inWords(p, names)}`,
  evaluate: (p, facts) => {
    const question = asciiLower(p.question);
    const answer = p.answer === null ? null : asciiLower(p.answer);
    return engagementsOf("poll", p, facts).some(
      (e) =>
        asciiLower(e.question) === question && (answer === null || e.answers.some((a) => asciiLower(a) === answer)),
    );
  },
  sql: (p) =>
    existsEngagement(
      "poll",
      p,
      sql`lower(e.question) = lower(${p.question})
        AND (${p.answer} IS NULL OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(e.answers) THEN e.answers ELSE '[]' END) ea
          WHERE ea.type = 'text' AND lower(ea.value) = lower(${p.answer})))`,
    ),
  references: scopeReferences,
  reads: ["engagements"],
});

export const surveyCompleted = defineKind({
  kind: "survey_completed",
  label: "Completed a survey",
  section: "Engagement",
  schema: scoped({}),
  fields: [...scopeFields],
  defaults: { scope: "webinar" },
  describe: (p, names) => `Completed a survey ${inWords(p, names)}`,
  evaluate: (p, facts) => engagementsOf("survey", p, facts).length > 0,
  sql: (p) => existsEngagement("survey", p, sql`1`),
  references: scopeReferences,
  reads: ["engagements"],
});

export const questionAsked = defineKind({
  kind: "question_asked",
  label: "Asked a question",
  section: "Engagement",
  schema: scoped({ contains: OptionalText("the words the question contains") }),
  fields: [
    ...scopeFields,
    {
      name: "contains",
      label: "Containing",
      type: "text",
      maxlength: MAX_ENGAGEMENT_TEXT,
      placeholder: "pricing",
      hint: "Leave empty for any question.",
    },
  ],
  defaults: { scope: "webinar", contains: "" },
  describe: (p, names) =>
    p.contains === null
      ? `Asked any question ${inWords(p, names)}`
      : `Asked a question containing ${quotedText(p.contains)} ${inWords(p, names)}`,
  evaluate: (p, facts) => {
    const words = p.contains === null ? null : asciiLower(p.contains);
    return engagementsOf("question", p, facts).some((e) => words === null || asciiLower(e.question).includes(words));
  },
  sql: (p) =>
    existsEngagement("question", p, sql`${p.contains} IS NULL OR instr(lower(e.question), lower(${p.contains})) > 0`),
  references: scopeReferences,
  reads: ["engagements"],
});
