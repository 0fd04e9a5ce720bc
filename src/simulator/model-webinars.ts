/** Webinars and their sessions, questions and form fields: creation, schedule, phase and cancellation (webinar and session rows in rows.ts). */

import { invalid, notFound, SimError } from "./errors";
import { webinarEvent } from "./events";
import { type OrganizerRow, organizerByKey } from "./model-organizers";
import type { SessionRow, WebinarRow } from "./rows";
import { all, newKey, newWebinarId, one } from "./storage";

export interface QuestionRow extends Record<string, SqlStorageValue> {
  question_key: string;
  webinar_key: string;
  position: number;
  question: string;
  type: string;
  required: number;
  max_size: number;
}

export interface AnswerRow extends Record<string, SqlStorageValue> {
  answer_key: string;
  question_key: string;
  position: number;
  answer: string;
}

export interface FieldSpec {
  field: string;
  required: boolean;
  maxSize: number;
  answers?: string[];
}

export const DEFAULT_FIELDS: FieldSpec[] = [
  { field: "firstName", required: true, maxSize: 128 },
  { field: "lastName", required: true, maxSize: 128 },
  { field: "email", required: true, maxSize: 128 },
];

export interface QuestionInput {
  question: string;
  type: "shortAnswer" | "multipleChoice";
  required: boolean;
  maxSize?: number;
  answers?: string[];
}

export interface WebinarInput {
  subject: string;
  description?: string;
  times: { start: number; end: number }[];
  timeZone?: string;
  locale?: string;
  approvalType?: "AUTOMATIC" | "MANUAL";
  recurrenceType?: "single_session" | "series" | "sequence";
  experienceType?: string;
  isPasswordProtected?: boolean;
  isOndemand?: boolean;
  registrationLimit?: number;
  emailSettings?: unknown;
  questions?: QuestionInput[];
  fields?: FieldSpec[];
}

/** Checks a schedule: every session ends after it starts. */
export function checkTimes(times: { start: number; end: number }[]): void {
  if (times.length === 0) throw invalid("At least one time is required.");
  for (const t of times) {
    if (!(t.end > t.start)) throw invalid("The end time must be after the start time.");
  }
}

export function createWebinar(sql: SqlStorage, organizer: OrganizerRow, input: WebinarInput, now: number): WebinarRow {
  checkTimes(input.times);
  const fields = input.fields ?? DEFAULT_FIELDS;
  const webinar: WebinarRow = {
    webinar_key: newKey(8),
    webinar_id: newWebinarId(),
    organizer_key: organizer.organizer_key,
    subject: input.subject,
    description: input.description ?? "",
    time_zone: input.timeZone ?? organizer.time_zone,
    locale: input.locale ?? "en_US",
    approval_type: input.approvalType ?? "AUTOMATIC",
    recurrence_type: input.recurrenceType ?? (input.times.length > 1 ? "sequence" : "single_session"),
    experience_type: (input.experienceType ?? "CLASSIC").toUpperCase(),
    is_password_protected: input.isPasswordProtected ? 1 : 0,
    is_ondemand: input.isOndemand ? 1 : 0,
    registration_limit: input.registrationLimit ?? null,
    email_settings: input.emailSettings === undefined ? null : JSON.stringify(input.emailSettings),
    fields: JSON.stringify(fields),
    cancelled_at: null,
    created_at: now,
  };
  sql.exec(
    `INSERT INTO webinars (webinar_key, webinar_id, organizer_key, subject, description, time_zone, locale,
      approval_type, recurrence_type, experience_type, is_password_protected, is_ondemand, registration_limit,
      email_settings, fields, cancelled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ...Object.values(webinar),
  );
  replaceSessions(sql, webinar.webinar_key, input.times);
  (input.questions ?? []).forEach((q, position) => {
    const questionKey = newKey(1);
    sql.exec(
      "INSERT INTO questions (question_key, webinar_key, position, question, type, required, max_size) VALUES (?, ?, ?, ?, ?, ?, ?)",
      questionKey,
      webinar.webinar_key,
      position,
      q.question,
      q.type,
      q.required ? 1 : 0,
      q.maxSize ?? (q.type === "shortAnswer" ? 1000 : 128),
    );
    (q.answers ?? []).forEach((answer, i) => {
      sql.exec(
        "INSERT INTO answers (answer_key, question_key, position, answer) VALUES (?, ?, ?, ?)",
        newKey(1),
        questionKey,
        i,
        answer,
      );
    });
  });
  webinarEvent(sql, webinar, organizer, sessionsOf(sql, webinar.webinar_key), "webinar.created", "NEW", now);
  return webinar;
}

/** Replaces the schedule; sessions keep their keys when a time is unchanged. */
export function replaceSessions(sql: SqlStorage, webinarKey: string, times: { start: number; end: number }[]): void {
  const existing = sessionsOf(sql, webinarKey);
  const keep = new Set<string>();
  for (const t of times) {
    const same = existing.find((s) => s.start_ms === t.start && s.end_ms === t.end && !keep.has(s.session_key));
    if (same) {
      keep.add(same.session_key);
      continue;
    }
    const key = newKey(5);
    keep.add(key);
    sql.exec(
      "INSERT INTO sessions (session_key, webinar_key, start_ms, end_ms) VALUES (?, ?, ?, ?)",
      key,
      webinarKey,
      t.start,
      t.end,
    );
  }
  for (const s of existing) {
    if (!keep.has(s.session_key)) sql.exec("DELETE FROM sessions WHERE session_key = ?", s.session_key);
  }
}

export function webinarByKey(sql: SqlStorage, key: string): WebinarRow | null {
  return one<WebinarRow>(sql, "SELECT * FROM webinars WHERE webinar_key = ?", key);
}

/** A webinar that is not cancelled, else 404 as GoTo answers for cancelled or unknown keys. */
export function liveWebinar(sql: SqlStorage, key: string, organizerKey?: string): WebinarRow {
  const webinar = webinarByKey(sql, key);
  if (!webinar || webinar.cancelled_at !== null) throw notFound();
  if (organizerKey !== undefined && webinar.organizer_key !== organizerKey) throw notFound();
  return webinar;
}

export function sessionsOf(sql: SqlStorage, webinarKey: string): SessionRow[] {
  return all<SessionRow>(
    sql,
    "SELECT * FROM sessions WHERE webinar_key = ? ORDER BY start_ms, session_key",
    webinarKey,
  );
}

export type Phase = "upcoming" | "inSession" | "past";

export function phaseOf(sessions: SessionRow[], now: number): Phase {
  if (sessions.some((s) => s.start_ms <= now && now < s.end_ms)) return "inSession";
  if (sessions.every((s) => s.end_ms <= now)) return "past";
  return "upcoming";
}

export function cancelWebinar(sql: SqlStorage, webinar: WebinarRow, now: number, force = false): void {
  const sessions = sessionsOf(sql, webinar.webinar_key);
  const phase = phaseOf(sessions, now);
  if (!force && phase === "past") throw new SimError(405, "WebinarOver", "A webinar in the past cannot be cancelled.");
  if (!force && phase === "inSession")
    throw new SimError(409, "WebinarInSession", "A webinar in session cannot be cancelled.");
  sql.exec("UPDATE webinars SET cancelled_at = ? WHERE webinar_key = ?", now, webinar.webinar_key);
  const organizer = organizerByKey(sql, webinar.organizer_key);
  if (organizer) webinarEvent(sql, webinar, organizer, sessions, "webinar.changed", "DELETED", now);
}

export function fieldsOf(webinar: WebinarRow): FieldSpec[] {
  return JSON.parse(webinar.fields) as FieldSpec[];
}

export function questionsOf(sql: SqlStorage, webinarKey: string): { question: QuestionRow; answers: AnswerRow[] }[] {
  const questions = all<QuestionRow>(
    sql,
    "SELECT * FROM questions WHERE webinar_key = ? ORDER BY position",
    webinarKey,
  );
  return questions.map((question) => ({
    question,
    answers: all<AnswerRow>(
      sql,
      "SELECT * FROM answers WHERE question_key = ? ORDER BY position",
      question.question_key,
    ),
  }));
}
