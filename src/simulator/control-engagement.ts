import * as v from "valibot";
import { controlParse, controlWebinar } from "./control";
import { SimError } from "./errors";
import { readJsonBody, type SimApp } from "./http";
import { jsonText } from "./json";
import { type EngagementInput, type EngagementKind, recordEngagement } from "./model-engagement";
import type { WebinarRow } from "./rows";

/**
 * The control API's engagement routes (interfaces.md): an attendee answered a poll or a survey
 * question, or asked a question (and the organizer answered it), in their latest attended session
 * unless `sessionKey` names one.
 */

const Email = v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(254), v.email("must be a valid email address"));
const Text = v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(2000));
const SessionKey = v.optional(v.pipe(v.string(), v.regex(/^\d{1,20}$/, "must be a session key of decimal digits")));

export const PollOrSurveyBody = v.object({
  email: Email,
  question: Text,
  answers: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.nonEmpty("an answer must not be empty"), v.maxLength(1000))),
    v.minLength(1, "must hold at least one answer"),
    v.maxLength(50),
  ),
  sessionKey: SessionKey,
});

export const QuestionBody = v.object({
  email: Email,
  question: Text,
  answer: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000))),
  sessionKey: SessionKey,
});

/** A validated control or console body as the model's input. */
export function engagementInput(kind: EngagementKind, raw: unknown): EngagementInput {
  if (kind === "question") {
    const body = controlParse(QuestionBody, raw);
    return {
      kind,
      email: body.email,
      question: body.question,
      answers: [],
      answer: body.answer || undefined,
      sessionKey: body.sessionKey,
    };
  }
  const body = controlParse(PollOrSurveyBody, raw);
  return { kind, email: body.email, question: body.question, answers: body.answers, sessionKey: body.sessionKey };
}

export function recordControlEngagement(
  sql: SqlStorage,
  webinar: WebinarRow,
  input: EngagementInput,
  now: number,
): { sessionKey: string; registrantKey: string } {
  if (webinar.cancelled_at !== null) throw new SimError(409, "cancelled", "The webinar is cancelled.");
  const { session, registrant } = recordEngagement(sql, webinar, input, now);
  return { sessionKey: session.session_key, registrantKey: registrant.registrant_key };
}

const ROUTES: { part: string; kind: EngagementKind }[] = [
  { part: "polls", kind: "poll" },
  { part: "surveys", kind: "survey" },
  { part: "questions", kind: "question" },
];

export function mountEngagementControl(app: SimApp, transaction: <T>(fn: () => T) => T): void {
  for (const { part, kind } of ROUTES) {
    app.post(`/control/webinars/:webinarKey/${part}`, async (c) => {
      const sim = c.get("sim");
      const w = controlWebinar(sim, c.req.param("webinarKey"));
      const input = engagementInput(kind, await readJsonBody(c));
      const recorded = transaction(() => recordControlEngagement(sim.sql, w, input, sim.now()));
      return jsonText({ kind, ...recorded }, 201);
    });
  }
}
