/**
 * Engagement of an attendee in one session (a poll answer, a survey answer or a question asked),
 * as GoTo reports it, and the pure rules around it: its dedupe key (the same whether it came from
 * a poll of GoTo or a `survey.submitted` webhook), the text the prospect's timeline shows, and the
 * work plan of an engagement pass.
 */

import type { ActivityType } from "./scoring";

export type EngagementKind = "poll" | "survey" | "question";

/** The activity of each kind: one per poll answer and per question, one per survey and session. */
export const ENGAGEMENT_ACTIVITY_TYPES = {
  poll: "webinar_poll_answered",
  survey: "webinar_survey_completed",
  question: "webinar_question_asked",
} as const satisfies Record<EngagementKind, ActivityType>;

const ENGAGEMENT_TYPES: ReadonlySet<string> = new Set(Object.values(ENGAGEMENT_ACTIVITY_TYPES));

/** True for the activity types whose detail is an engagement's question and answers (shown on the timeline). */
export function isEngagementActivity(type: string): boolean {
  return ENGAGEMENT_TYPES.has(type);
}

export interface EngagementItem {
  kind: EngagementKind;
  sessionKey: string;
  /** GoTo's registrant key of the attendee, when GoTo named it. */
  registrantKey: string | null;
  /** The attendee's email as GoTo gave it, when it did. */
  email: string | null;
  question: string;
  /** A poll's or survey's chosen answers; empty for a question. */
  answers: string[];
  /** For a question: the organizer's answer, when there is one. */
  answer: string | null;
  /** ISO-8601 UTC. */
  occurredAt: string;
}

/** Longest question or answer text kept (GoTo's own limit is lower; this guards the row size). */
const MAX_TEXT = 2000;

export function clip(text: string): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 1)}…` : clean;
}

/** A 53-bit string hash (cyrb53) in base 36: short, stable, and plenty within one person's session. */
export function textHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * One key per person, session, kind and question text (case and spacing ignored): a re-poll, a
 * duplicate webhook or an alarm re-run finds the same key and adds nothing. The person is GoTo's
 * registrant key when known (polls and webhooks both carry it), else the email.
 */
export function engagementDedupeKey(webinarId: string, item: EngagementItem): string | null {
  const who = item.registrantKey ?? (item.email ? `e:${item.email.trim().toLowerCase()}` : null);
  if (who === null) return null;
  const question = item.question.replace(/\s+/g, " ").trim().toLowerCase();
  return `engagement:${webinarId}:${item.sessionKey}:${who}:${item.kind}:${textHash(question)}`;
}

/** The dedupe key of a prospect's "Completed a survey" in one session (unique per prospect). */
export function surveyActivityKey(webinarId: string, sessionKey: string): string {
  return `engagement:${webinarId}:${sessionKey}:survey`;
}

/** What the prospect's timeline shows: the question in quotes, then the answers. */
export function engagementDetail(item: Pick<EngagementItem, "kind" | "question" | "answers" | "answer">): string {
  const question = `“${item.question}”`;
  if (item.kind === "question") return item.answer ? `${question} Answer: ${item.answer}` : question;
  return item.answers.length > 0 ? `${question} Answer: ${item.answers.join("; ")}` : question;
}
