/**
 * Attendee engagement: poll answers, survey answers and questions asked in a session. Only an
 * attendee of the session can engage in it (GoTo's per-attendee calls 404 anyone else); a survey
 * answer queues `survey.submitted` for subscribers.
 */

import { SimError } from "./errors";
import { surveySubmittedEvent } from "./events";
import { attendeesOf, registrantByEmail } from "./model-registrants";
import { sessionsOf } from "./model-webinars";
import type { RegistrantRow, SessionRow, WebinarRow } from "./rows";
import { all } from "./storage";

export type EngagementKind = "poll" | "survey" | "question";

export interface EngagementRow extends Record<string, SqlStorageValue> {
  id: number;
  kind: EngagementKind;
  session_key: string;
  registrant_key: string;
  question: string;
  answers: string;
  answer: string | null;
  at_ms: number;
}

export interface EngagementInput {
  kind: EngagementKind;
  email: string;
  question: string;
  /** A poll's or survey's answers; for a question, empty. */
  answers: string[];
  /** For a question: the organizer's answer. */
  answer?: string | undefined;
  sessionKey?: string | undefined;
}

/** The session the attendee engaged in: the one named, which they must have attended, else their latest attended one. */
function engagedSession(
  sql: SqlStorage,
  webinar: WebinarRow,
  registrant: RegistrantRow,
  sessionKey?: string,
): SessionRow {
  const sessions = sessionsOf(sql, webinar.webinar_key);
  const attended = sessions.filter((s) =>
    attendeesOf(sql, { sessionKey: s.session_key }).some((a) => a.registrantKey === registrant.registrant_key),
  );
  if (sessionKey !== undefined) {
    const session = sessions.find((s) => s.session_key === sessionKey);
    if (!session) throw new SimError(404, "not_found", "There is no session with that key on this webinar.");
    if (!attended.includes(session)) {
      throw new SimError(
        422,
        "not_attended",
        `${registrant.email} did not attend that session; record attendance first.`,
      );
    }
    return session;
  }
  const latest = attended.at(-1);
  if (!latest) {
    throw new SimError(
      422,
      "not_attended",
      `${registrant.email} attended no session of this webinar; record attendance first.`,
    );
  }
  return latest;
}

/** Records one poll answer, survey answer or question; answers the session and registrant it went to. */
export function recordEngagement(
  sql: SqlStorage,
  webinar: WebinarRow,
  input: EngagementInput,
  now: number,
): { session: SessionRow; registrant: RegistrantRow } {
  const registrant = registrantByEmail(sql, webinar.webinar_key, input.email);
  if (!registrant) throw new SimError(404, "not_found", `No registrant with email ${input.email} on this webinar.`);
  const session = engagedSession(sql, webinar, registrant, input.sessionKey);
  sql.exec(
    `INSERT INTO engagement (kind, session_key, registrant_key, question, answers, answer, at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    input.kind,
    session.session_key,
    registrant.registrant_key,
    input.question,
    JSON.stringify(input.answers),
    input.answer ?? null,
    Math.min(now, session.end_ms),
  );
  if (input.kind === "survey") {
    surveySubmittedEvent(
      sql,
      webinar,
      registrant,
      session,
      [{ question: input.question, answers: input.answers }],
      now,
    );
  }
  return { session, registrant };
}

/** A session's engagement of one kind, optionally of one registrant, oldest first. */
export function engagementOf(
  sql: SqlStorage,
  sessionKey: string,
  kind: EngagementKind,
  registrantKey?: string,
): EngagementRow[] {
  return registrantKey === undefined
    ? all<EngagementRow>(
        sql,
        "SELECT * FROM engagement WHERE session_key = ? AND kind = ? ORDER BY id",
        sessionKey,
        kind,
      )
    : all<EngagementRow>(
        sql,
        "SELECT * FROM engagement WHERE session_key = ? AND kind = ? AND registrant_key = ? ORDER BY id",
        sessionKey,
        kind,
        registrantKey,
      );
}

export function answersOf(row: EngagementRow): string[] {
  return JSON.parse(row.answers) as string[];
}
