import { eq, type SQL, sql } from "drizzle-orm";
import type { EndedSession, ProspectSessionAttendance } from "../../domain/attendance";
import type { Db } from "../client";
import { sessionAttendance, webinarSessions } from "../schema";

/**
 * Attendance per session: the sessions of a webinar whose attendance was read, and each
 * prospect's minutes and share of each. Written by ingestion beside the registrations' totals.
 */

export type SessionAttendanceWrite = ProspectSessionAttendance;

/** A webinar's per-session attendance already stored, by `prospectId sessionKey`. */
export async function webinarSessionAttendance(
  db: Db,
  webinarId: string,
): Promise<Map<string, SessionAttendanceWrite>> {
  const rows = await db
    .select({
      prospectId: sessionAttendance.prospectId,
      sessionKey: sessionAttendance.sessionKey,
      minutes: sessionAttendance.minutes,
      share: sessionAttendance.share,
      firstJoin: sessionAttendance.firstJoin,
      lastLeave: sessionAttendance.lastLeave,
    })
    .from(sessionAttendance)
    .where(eq(sessionAttendance.webinarId, webinarId));
  return new Map(rows.map((r) => [`${r.prospectId} ${r.sessionKey}`, r]));
}

export function sameSessionAttendance(a: SessionAttendanceWrite, b: SessionAttendanceWrite | undefined): boolean {
  return (
    b !== undefined &&
    a.minutes === b.minutes &&
    a.share === b.share &&
    a.firstJoin === b.firstJoin &&
    a.lastLeave === b.lastLeave
  );
}

/** One statement for many rows, the rows as one JSON parameter; a row already so stored is left alone. */
export function upsertSessionAttendance(webinarId: string, rows: readonly SessionAttendanceWrite[], now: string): SQL {
  return sql`
    INSERT INTO session_attendance (webinar_id, session_key, prospect_id, minutes, share, first_join, last_leave, updated_at)
    SELECT ${webinarId}, value ->> 'sessionKey', value ->> 'prospectId', value ->> 'minutes', value ->> 'share',
           value ->> 'firstJoin', value ->> 'lastLeave', ${now}
    FROM json_each(${JSON.stringify(rows)}) WHERE true
    ON CONFLICT (webinar_id, session_key, prospect_id) DO UPDATE SET
      minutes = excluded.minutes, share = excluded.share, first_join = excluded.first_join,
      last_leave = excluded.last_leave, updated_at = excluded.updated_at
    WHERE excluded.minutes IS NOT session_attendance.minutes OR excluded.share IS NOT session_attendance.share
      OR excluded.first_join IS NOT session_attendance.first_join
      OR excluded.last_leave IS NOT session_attendance.last_leave`;
}

/** The session keys of a webinar whose attendance has been read. */
export async function readSessionKeys(db: Db, webinarId: string): Promise<Map<string, EndedSession>> {
  const rows = await db
    .select({
      sessionKey: webinarSessions.sessionKey,
      startTime: webinarSessions.startsAt,
      endTime: webinarSessions.endsAt,
    })
    .from(webinarSessions)
    .where(eq(webinarSessions.webinarId, webinarId));
  return new Map(rows.map((r) => [r.sessionKey, r]));
}

/** Records the ended sessions whose attendance was read (their times follow GoTo's). */
export function upsertWebinarSessions(webinarId: string, sessions: readonly EndedSession[], now: string): SQL {
  return sql`
    INSERT INTO webinar_sessions (webinar_id, session_key, starts_at, ends_at, read_at)
    SELECT ${webinarId}, value ->> 'sessionKey', value ->> 'startTime', value ->> 'endTime', ${now}
    FROM json_each(${JSON.stringify(sessions)}) WHERE true
    ON CONFLICT (webinar_id, session_key) DO UPDATE SET starts_at = excluded.starts_at, ends_at = excluded.ends_at
    WHERE excluded.starts_at IS NOT webinar_sessions.starts_at OR excluded.ends_at IS NOT webinar_sessions.ends_at`;
}

/**
 * A merge: the merged-away prospect's session rows move to the master, except a session the
 * master has a row for (the master's wins, as its registration does); its engagement rows too, so
 * criteria on them judge the master by both prospects' answers and questions.
 */
export function mergeSessionAttendance(masterId: string, otherId: string): SQL[] {
  return [
    sql`DELETE FROM session_attendance WHERE prospect_id = ${otherId}
      AND EXISTS (SELECT 1 FROM session_attendance m WHERE m.prospect_id = ${masterId}
        AND m.webinar_id = session_attendance.webinar_id AND m.session_key = session_attendance.session_key)`,
    sql`UPDATE session_attendance SET prospect_id = ${masterId} WHERE prospect_id = ${otherId}`,
    // Engagement rows are unique by their GoTo item, never per prospect: all of them move.
    sql`UPDATE engagements SET prospect_id = ${masterId} WHERE prospect_id = ${otherId}`,
  ];
}
