import { type JsonValue, num, toJson } from "./json";
import type { OrganizerRow } from "./model-organizers";
import type { RegistrantRow, SessionRow, WebinarRow } from "./rows";
import { all, isoMillis, isoTime } from "./storage";

/**
 * Webhook events. An event is queued as one `deliveries` row per matching subscription (webhook
 * and user subscription both ACTIVE, same event name, the webinar's organizer); the object's
 * alarm then posts them (see delivery.ts). The body text is fixed at queue time, so what the test
 * or the app receives is exactly what was signed.
 */
export type EventName =
  | "registrant.added"
  | "registrant.joined"
  | "webinar.created"
  | "webinar.changed"
  | "survey.submitted";

export const EVENT_NAMES: readonly EventName[] = [
  "registrant.added",
  "registrant.joined",
  "webinar.created",
  "webinar.changed",
  "survey.submitted",
];

interface Target extends Record<string, SqlStorageValue> {
  user_subscription_key: string;
  url: string;
}

/** Queues an event for every active subscription of the organizer; returns how many were queued. */
export function queueEvent(
  sql: SqlStorage,
  organizerKey: string,
  eventName: EventName,
  fields: Record<string, JsonValue>,
  now: number,
): number {
  const targets = all<Target>(
    sql,
    `SELECT s.user_subscription_key, COALESCE(s.callback_url, w.callback_url) AS url
     FROM user_subscriptions s JOIN webhooks w ON w.webhook_key = s.webhook_key
     WHERE s.organizer_key = ? AND s.state = 'ACTIVE' AND w.state = 'ACTIVE' AND w.event_name = ?`,
    organizerKey,
    eventName,
  );
  for (const target of targets) {
    const eventKey = crypto.randomUUID();
    const body = toJson({
      eventName,
      eventVersion: "1.0.0",
      product: "g2w",
      eventKey,
      ...fields,
      timestamp: isoMillis(now),
    });
    sql.exec(
      `INSERT INTO deliveries (user_subscription_key, event_name, event_key, url, body, state, next_at, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
      target.user_subscription_key,
      eventName,
      eventKey,
      target.url,
      body,
      now,
      now,
    );
  }
  return targets.length;
}

export function webinarEvent(
  sql: SqlStorage,
  webinar: WebinarRow,
  organizer: OrganizerRow,
  sessions: SessionRow[],
  eventName: "webinar.created" | "webinar.changed",
  status: "NEW" | "UPDATED" | "DELETED",
  now: number,
): number {
  return queueEvent(
    sql,
    webinar.organizer_key,
    eventName,
    {
      webinarKey: num(webinar.webinar_key),
      webinarTitle: webinar.subject,
      experienceType: webinar.experience_type,
      recurrenceType: webinar.recurrence_type,
      webinarCreationDate: eventName === "webinar.created" ? isoMillis(webinar.created_at) : undefined,
      times: sessions.map((s) => ({ startTime: isoTime(s.start_ms), endTime: isoTime(s.end_ms) })),
      status,
      timeZone: webinar.time_zone,
      organizerKey: num(organizer.organizer_key),
      accountKey: num(organizer.account_key),
    },
    now,
  );
}

export function registrantAddedEvent(
  sql: SqlStorage,
  webinar: WebinarRow,
  registrant: RegistrantRow,
  now: number,
): number {
  return queueEvent(
    sql,
    webinar.organizer_key,
    "registrant.added",
    {
      registrantKey: num(registrant.registrant_key),
      webinarKey: num(webinar.webinar_key),
      webinarCreatorKey: num(webinar.organizer_key),
      firstName: registrant.first_name,
      lastName: registrant.last_name,
      email: registrant.email,
      responses: JSON.parse(registrant.responses) as JsonValue,
      registrationDate: isoMillis(registrant.registration_ms),
      status: registrant.status,
      joinUrl: `https://global.gotowebinar.com/join/${webinar.webinar_key}/${registrant.registrant_key}`,
      webinarTitle: webinar.subject,
      experienceType: webinar.experience_type,
      recurrenceType: webinar.recurrence_type,
    },
    now,
  );
}

export function registrantJoinedEvent(
  sql: SqlStorage,
  webinar: WebinarRow,
  registrant: RegistrantRow,
  session: SessionRow,
  joinMs: number,
  now: number,
): number {
  return queueEvent(
    sql,
    webinar.organizer_key,
    "registrant.joined",
    {
      registrantKey: num(registrant.registrant_key),
      webinarKey: num(webinar.webinar_key),
      sessionKey: num(session.session_key),
      firstName: registrant.first_name,
      lastName: registrant.last_name,
      email: registrant.email,
      webinarTitle: webinar.subject,
      joinTime: joinMs,
    },
    now,
  );
}

/** `survey.submitted`: one attendee's answers to a session's survey (keys as bare numbers, like the other events). */
export function surveySubmittedEvent(
  sql: SqlStorage,
  webinar: WebinarRow,
  registrant: RegistrantRow,
  session: SessionRow,
  responses: { question: string; answers: string[] }[],
  now: number,
): number {
  return queueEvent(
    sql,
    webinar.organizer_key,
    "survey.submitted",
    {
      webinarKey: num(webinar.webinar_key),
      sessionKey: num(session.session_key),
      registrantKey: num(registrant.registrant_key),
      email: registrant.email,
      surveyName: `${webinar.subject} survey`,
      responses: responses.map((r) => ({
        question: r.question,
        questionType: r.answers.length > 1 ? "MULTIPLE_ANSWER" : "MULTIPLE_CHOICE",
        answers: r.answers,
      })),
    },
    now,
  );
}
