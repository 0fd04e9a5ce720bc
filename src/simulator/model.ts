import { invalid, notFound, SimError } from "./errors";
import { registrantAddedEvent, registrantJoinedEvent, webinarEvent } from "./events";
import { num } from "./json";
import { all, newKey, newWebinarId, one } from "./storage";

export interface OrganizerRow extends Record<string, SqlStorageValue> {
  organizer_key: string;
  account_key: string;
  email: string;
  first_name: string;
  last_name: string;
  time_zone: string;
  created_at: number;
}

export interface WebinarRow extends Record<string, SqlStorageValue> {
  webinar_key: string;
  webinar_id: string;
  organizer_key: string;
  subject: string;
  description: string;
  time_zone: string;
  locale: string;
  approval_type: string;
  recurrence_type: string;
  experience_type: string;
  is_password_protected: number;
  is_ondemand: number;
  registration_limit: number | null;
  email_settings: string | null;
  fields: string;
  cancelled_at: number | null;
  created_at: number;
}

export interface SessionRow extends Record<string, SqlStorageValue> {
  session_key: string;
  webinar_key: string;
  start_ms: number;
  end_ms: number;
}

export interface RegistrantRow extends Record<string, SqlStorageValue> {
  seq: number;
  registrant_key: string;
  webinar_key: string;
  email: string;
  email_lower: string;
  first_name: string;
  last_name: string;
  status: string;
  registration_ms: number;
  time_zone: string;
  type: string;
  extra: string;
  responses: string;
}

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

/** The optional registrant fields GoTo's form knows (RegistrantFields / RegistrantDetailed). */
export const OPTIONAL_FIELDS = [
  "source",
  "address",
  "city",
  "state",
  "zipCode",
  "country",
  "phone",
  "organization",
  "jobTitle",
  "questionsAndComments",
  "industry",
  "numberOfEmployees",
  "purchasingTimeFrame",
  "purchasingRole",
  "implementationTimeFrame",
  "employeeCount",
] as const;

export const DEFAULT_FIELDS: FieldSpec[] = [
  { field: "firstName", required: true, maxSize: 128 },
  { field: "lastName", required: true, maxSize: 128 },
  { field: "email", required: true, maxSize: 128 },
];

export function organizerByEmail(sql: SqlStorage, email: string): OrganizerRow | null {
  return one<OrganizerRow>(sql, "SELECT * FROM organizers WHERE email = ? COLLATE NOCASE", email.trim());
}

export function organizerByKey(sql: SqlStorage, key: string): OrganizerRow | null {
  return one<OrganizerRow>(sql, "SELECT * FROM organizers WHERE organizer_key = ?", key);
}

export function listOrganizers(sql: SqlStorage): OrganizerRow[] {
  return all<OrganizerRow>(sql, "SELECT * FROM organizers ORDER BY created_at, email");
}

/** Creates an organizer, or returns the existing one with that email (case-insensitive). */
export function createOrganizer(
  sql: SqlStorage,
  input: { email: string; firstName: string; lastName: string; accountKey?: string; timeZone?: string },
  now: number,
): { organizer: OrganizerRow; created: boolean } {
  const existing = organizerByEmail(sql, input.email);
  if (existing) return { organizer: existing, created: false };
  const organizer: OrganizerRow = {
    organizer_key: newKey(7),
    account_key: input.accountKey ?? newKey(4),
    email: input.email.trim(),
    first_name: input.firstName,
    last_name: input.lastName,
    time_zone: input.timeZone ?? "America/New_York",
    created_at: now,
  };
  sql.exec(
    "INSERT INTO organizers (organizer_key, account_key, email, first_name, last_name, time_zone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ...Object.values(organizer),
  );
  return { organizer, created: true };
}

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

export interface RegistrantInput {
  email: string;
  firstName: string;
  lastName: string;
  status?: "APPROVED" | "WAITING" | "DENIED";
  timeZone?: string;
  extra?: Record<string, string>;
  responses?: { question: string; answer: string }[];
  registrationMs?: number;
}

export function registrantByEmail(sql: SqlStorage, webinarKey: string, email: string): RegistrantRow | null {
  return one<RegistrantRow>(
    sql,
    "SELECT * FROM registrants WHERE webinar_key = ? AND email_lower = ?",
    webinarKey,
    email.trim().toLowerCase(),
  );
}

export function registrantByKey(sql: SqlStorage, webinarKey: string, registrantKey: string): RegistrantRow | null {
  return one<RegistrantRow>(
    sql,
    "SELECT * FROM registrants WHERE webinar_key = ? AND registrant_key = ?",
    webinarKey,
    registrantKey,
  );
}

export function joinUrl(webinarKey: string, registrantKey: string): string {
  return `https://global.gotowebinar.com/join/${webinarKey}/${registrantKey}`;
}

export function duplicateError(existing: RegistrantRow): SimError {
  return new SimError(409, "DuplicateRegistrant", "The user is already registered.", {
    registrantKey: num(existing.registrant_key),
    joinUrl: joinUrl(existing.webinar_key, existing.registrant_key),
  });
}

/** Registers someone (409 DuplicateRegistrant by case-insensitive email); MANUAL approval ⇒ WAITING. */
export function addRegistrant(
  sql: SqlStorage,
  webinar: WebinarRow,
  input: RegistrantInput,
  now: number,
  emit = true,
): RegistrantRow {
  const existing = registrantByEmail(sql, webinar.webinar_key, input.email);
  if (existing) throw duplicateError(existing);
  const sessions = sessionsOf(sql, webinar.webinar_key);
  const registrantKey = newKey(6);
  const row: Omit<RegistrantRow, "seq"> = {
    registrant_key: registrantKey,
    webinar_key: webinar.webinar_key,
    email: input.email.trim(),
    email_lower: input.email.trim().toLowerCase(),
    first_name: input.firstName,
    last_name: input.lastName,
    status: input.status ?? (webinar.approval_type === "MANUAL" ? "WAITING" : "APPROVED"),
    registration_ms: input.registrationMs ?? now,
    time_zone: input.timeZone ?? webinar.time_zone,
    type: phaseOf(sessions, now) === "past" ? "LATE" : "REGULAR",
    extra: JSON.stringify(input.extra ?? {}),
    responses: JSON.stringify(input.responses ?? []),
  };
  sql.exec(
    `INSERT INTO registrants (registrant_key, webinar_key, email, email_lower, first_name, last_name, status,
      registration_ms, time_zone, type, extra, responses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ...Object.values(row),
  );
  const saved = registrantByKey(sql, webinar.webinar_key, registrantKey);
  if (!saved) throw new Error("registrant vanished after insert");
  if (emit) registrantAddedEvent(sql, webinar, saved, now);
  return saved;
}

export function deleteRegistrant(sql: SqlStorage, webinar: WebinarRow, registrantKey: string, now: number): void {
  const registrant = registrantByKey(sql, webinar.webinar_key, registrantKey);
  if (!registrant) throw notFound("Registrant with specified key does not exist.");
  if (phaseOf(sessionsOf(sql, webinar.webinar_key), now) !== "upcoming") {
    throw invalid("Registrants can only be removed from upcoming webinars.");
  }
  sql.exec("DELETE FROM registrants WHERE registrant_key = ?", registrantKey);
  sql.exec("DELETE FROM attendance WHERE registrant_key = ?", registrantKey);
}

/** Records one join/leave interval in the session whose time covers joinTime (15 minutes early is fine). */
export function recordAttendance(
  sql: SqlStorage,
  webinar: WebinarRow,
  input: { email: string; join: number; leave: number },
  now: number,
): { session: SessionRow; registrant: RegistrantRow } {
  if (!(input.leave > input.join)) throw new SimError(422, "InvalidRequest", "leaveTime must be after joinTime.");
  const registrant = registrantByEmail(sql, webinar.webinar_key, input.email);
  if (!registrant) throw new SimError(404, "NotFound", `No registrant with email ${input.email} on this webinar.`);
  const early = 15 * 60_000;
  const session = sessionsOf(sql, webinar.webinar_key).find(
    (s) => s.start_ms - early <= input.join && input.join < s.end_ms,
  );
  if (!session) throw new SimError(422, "InvalidRequest", "No session of this webinar covers that joinTime.");
  sql.exec(
    "INSERT INTO attendance (session_key, registrant_key, join_ms, leave_ms) VALUES (?, ?, ?, ?)",
    session.session_key,
    registrant.registrant_key,
    input.join,
    input.leave,
  );
  registrantJoinedEvent(sql, webinar, registrant, session, input.join, now);
  return { session, registrant };
}

export interface AttendeeRow extends Record<string, SqlStorageValue> {
  registrant_key: string;
  session_key: string;
  first_name: string;
  last_name: string;
  email: string;
  join_ms: number;
  leave_ms: number;
}

/** Attendance intervals of a session (or of all sessions of a webinar), grouped per registrant and session. */
export function attendeesOf(
  sql: SqlStorage,
  filter: { sessionKey: string } | { webinarKey: string },
): {
  registrantKey: string;
  sessionKey: string;
  firstName: string;
  lastName: string;
  email: string;
  intervals: { join: number; leave: number }[];
}[] {
  const rows =
    "sessionKey" in filter
      ? all<AttendeeRow>(
          sql,
          `SELECT a.registrant_key, a.session_key, r.first_name, r.last_name, r.email, a.join_ms, a.leave_ms
           FROM attendance a JOIN registrants r ON r.registrant_key = a.registrant_key
           WHERE a.session_key = ? ORDER BY r.seq, a.join_ms`,
          filter.sessionKey,
        )
      : all<AttendeeRow>(
          sql,
          `SELECT a.registrant_key, a.session_key, r.first_name, r.last_name, r.email, a.join_ms, a.leave_ms
           FROM attendance a JOIN registrants r ON r.registrant_key = a.registrant_key
           JOIN sessions s ON s.session_key = a.session_key
           WHERE s.webinar_key = ? ORDER BY s.start_ms, r.seq, a.join_ms`,
          filter.webinarKey,
        );
  const grouped = new Map<
    string,
    {
      registrantKey: string;
      sessionKey: string;
      firstName: string;
      lastName: string;
      email: string;
      intervals: { join: number; leave: number }[];
    }
  >();
  for (const row of rows) {
    const id = `${row.session_key}/${row.registrant_key}`;
    let entry = grouped.get(id);
    if (!entry) {
      entry = {
        registrantKey: row.registrant_key,
        sessionKey: row.session_key,
        firstName: row.first_name,
        lastName: row.last_name,
        email: row.email,
        intervals: [],
      };
      grouped.set(id, entry);
    }
    entry.intervals.push({ join: row.join_ms, leave: row.leave_ms });
  }
  return [...grouped.values()];
}
