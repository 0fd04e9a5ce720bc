/** Registrants and attendance: registering (409 on duplicates), removal and attendance intervals (rows in rows.ts). */

import { invalid, notFound, SimError } from "./errors";
import { registrantAddedEvent, registrantJoinedEvent } from "./events";
import { num } from "./json";
import { phaseOf, sessionsOf } from "./model-webinars";
import type { RegistrantRow, SessionRow, WebinarRow } from "./rows";
import { all, newKey, one } from "./storage";

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
