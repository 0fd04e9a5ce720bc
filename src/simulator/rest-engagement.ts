/**
 * The Attendees API's engagement calls, shaped as GoTo's spec has them: per attendee their poll
 * answers, survey answers and questions; per session every question (each asker named) and the
 * polls and surveys as aggregates without identities. `askerKey` is a string, as the spec types it.
 */

import { pathKey, type SimApp, type SimContext } from "./http";
import { type JsonValue, jsonText } from "./json";
import { answersOf, type EngagementKind, type EngagementRow, engagementOf } from "./model-engagement";
import type { OrganizerRow } from "./model-organizers";
import { registrantByKey } from "./model-registrants";
import { liveOrAnyOwned, pastSession, pathAttendee } from "./rest-sessions";
import { pathOrganizer } from "./rest-shared";
import { isoTime } from "./storage";

/** `PollAnswer`: `answer` is the deprecated single answer, still sent when there is exactly one. */
function pollAnswerJson(row: EngagementRow): JsonValue {
  const answers = answersOf(row);
  return { question: row.question, answers, ...(answers.length === 1 ? { answer: answers[0] ?? "" } : {}) };
}

/** `AttendeeQuestion`, with the organizer's answer when there is one. */
function questionJson(sql: SqlStorage, webinarKey: string, row: EngagementRow, organizer: OrganizerRow): JsonValue {
  const asker = registrantByKey(sql, webinarKey, row.registrant_key);
  return {
    question: row.question,
    askedBy: asker?.email ?? "",
    askerKey: row.registrant_key,
    dateAsked: isoTime(row.at_ms),
    answers:
      row.answer === null
        ? []
        : [
            {
              answer: row.answer,
              answeredBy: `${organizer.first_name} ${organizer.last_name}`,
              answererRole: "ORGANIZER",
              answerTime: isoTime(row.at_ms + 60_000),
              answererEmail: organizer.email,
            },
          ],
  };
}

/** `Poll`: each question once, with the share of its respondents who chose each answer (0..100). */
function aggregateJson(rows: EngagementRow[]): JsonValue[] {
  const byQuestion = new Map<string, { respondents: Set<string>; counts: Map<string, number> }>();
  for (const row of rows) {
    let entry = byQuestion.get(row.question);
    if (!entry) {
      entry = { respondents: new Set(), counts: new Map() };
      byQuestion.set(row.question, entry);
    }
    entry.respondents.add(row.registrant_key);
    for (const answer of answersOf(row)) entry.counts.set(answer, (entry.counts.get(answer) ?? 0) + 1);
  }
  return [...byQuestion].map(([question, { respondents, counts }]) => ({
    question,
    numberOfResponses: respondents.size,
    responses: [...counts].map(([text, n]) => ({ text, percentage: Math.round((n / respondents.size) * 1000) / 10 })),
  }));
}

const KINDS: { part: string; kind: EngagementKind }[] = [
  { part: "polls", kind: "poll" },
  { part: "surveys", kind: "survey" },
  { part: "questions", kind: "question" },
];

function pathSession(c: SimContext) {
  const organizer = pathOrganizer(c);
  const { sql } = c.get("sim");
  const webinar = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
  return { organizer, webinar, session: pastSession(c, webinar) };
}

export function mountEngagementRoutes(app: SimApp): void {
  const sessionPath = "/G2W/rest/v2/organizers/:organizerKey/webinars/:webinarKey/sessions/:sessionKey";
  for (const { part, kind } of KINDS) {
    app.get(`${sessionPath}/attendees/:registrantKey/${part}`, (c) => {
      const { sql } = c.get("sim");
      const { webinar, session, organizer, attendee } = pathAttendee(c);
      const rows = engagementOf(sql, session.session_key, kind, attendee.registrantKey);
      return jsonText(
        rows.map((row) =>
          kind === "question" ? questionJson(sql, webinar.webinar_key, row, organizer) : pollAnswerJson(row),
        ),
      );
    });
    app.get(`${sessionPath}/${part}`, (c) => {
      const { sql } = c.get("sim");
      const { webinar, session, organizer } = pathSession(c);
      const rows = engagementOf(sql, session.session_key, kind);
      if (kind === "question")
        return jsonText(rows.map((row) => questionJson(sql, webinar.webinar_key, row, organizer)));
      return jsonText(aggregateJson(rows));
    });
  }
}
