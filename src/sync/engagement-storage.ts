/**
 * WebinarSync's storage for the engagement pass: the ended sessions it knows, and per session the
 * attendees whose poll and survey answers are still to be read. Progress lives here, so a pass
 * resumes where it stopped after an alarm re-run, an eviction or a deploy.
 */

/** Appended to WebinarSync's migrations (sync-storage.ts). */
export const ENGAGEMENT_MIGRATION: string[] = [
  // listed_at 0: the questions were read, the attendees not listed yet.
  `CREATE TABLE engagement_sessions (session_key TEXT PRIMARY KEY, end_time TEXT NOT NULL, listed_at INTEGER NOT NULL,
     questions_read_at INTEGER)`,
  `CREATE TABLE engagement_attendees (
     session_key TEXT NOT NULL,
     registrant_key TEXT NOT NULL,
     email TEXT NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'read', 'skipped')),
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     PRIMARY KEY (session_key, registrant_key))`,
  "CREATE INDEX engagement_attendees_state ON engagement_attendees (state, session_key, registrant_key)",
];

export interface PendingAttendee {
  sessionKey: string;
  /** When the session ended (ISO): GoTo gives poll and survey answers no time of their own. */
  sessionEnd: string;
  registrantKey: string;
  email: string;
  attempts: number;
}

/** A session's attendees as GoTo lists them now: new ones are queued, known ones keep their state. */
export function planSessionAttendees(
  sql: SqlStorage,
  session: { sessionKey: string; endTime: string },
  attendees: readonly { registrantKey: string; email: string }[],
  now: number,
): void {
  const { sessionKey } = session;
  sql.exec(
    `INSERT INTO engagement_sessions (session_key, end_time, listed_at) VALUES (?, ?, ?)
     ON CONFLICT(session_key) DO UPDATE SET end_time = excluded.end_time, listed_at = excluded.listed_at`,
    sessionKey,
    session.endTime,
    now,
  );
  for (const a of attendees) {
    sql.exec(
      "INSERT OR IGNORE INTO engagement_attendees (session_key, registrant_key, email) VALUES (?, ?, ?)",
      sessionKey,
      a.registrantKey,
      a.email,
    );
  }
}

export function markQuestionsRead(
  sql: SqlStorage,
  session: { sessionKey: string; endTime: string },
  now: number,
): void {
  sql.exec(
    `INSERT INTO engagement_sessions (session_key, end_time, listed_at, questions_read_at) VALUES (?, ?, 0, ?)
     ON CONFLICT(session_key) DO UPDATE SET questions_read_at = excluded.questions_read_at`,
    session.sessionKey,
    session.endTime,
    now,
  );
}

/** The next attendees to read, session by session. */
export function pendingAttendees(sql: SqlStorage, limit: number): PendingAttendee[] {
  return sql
    .exec<{ session_key: string; end_time: string; registrant_key: string; email: string; attempts: number }>(
      `SELECT a.session_key, s.end_time, a.registrant_key, a.email, a.attempts
       FROM engagement_attendees a JOIN engagement_sessions s ON s.session_key = a.session_key
       WHERE a.state = 'pending' ORDER BY a.session_key, a.registrant_key LIMIT ?`,
      limit,
    )
    .toArray()
    .map((r) => ({
      sessionKey: r.session_key,
      sessionEnd: r.end_time,
      registrantKey: r.registrant_key,
      email: r.email,
      attempts: r.attempts,
    }));
}

export function markAttendeesRead(
  sql: SqlStorage,
  read: readonly { sessionKey: string; registrantKey: string }[],
): void {
  for (const a of read) {
    sql.exec(
      "UPDATE engagement_attendees SET state = 'read', last_error = NULL WHERE session_key = ? AND registrant_key = ?",
      a.sessionKey,
      a.registrantKey,
    );
  }
}

/** A read failed: counted; after `maxAttempts` the attendee is skipped so one bad answer cannot stall the pass. */
export function attendeeFailed(
  sql: SqlStorage,
  a: { sessionKey: string; registrantKey: string },
  message: string,
  maxAttempts: number,
): void {
  sql.exec(
    `UPDATE engagement_attendees SET attempts = attempts + 1, last_error = ?,
       state = CASE WHEN attempts + 1 >= ? THEN 'skipped' ELSE state END
     WHERE session_key = ? AND registrant_key = ?`,
    message,
    maxAttempts,
    a.sessionKey,
    a.registrantKey,
  );
}

export interface EngagementProgress {
  /** Ended sessions whose attendees are listed for reading. */
  sessions: number;
  sessionsWithQuestions: number;
  attendees: number;
  read: number;
  skipped: number;
}

export function engagementProgress(sql: SqlStorage): EngagementProgress {
  const s = sql
    .exec<{ n: number; q: number }>(
      "SELECT coalesce(sum(listed_at > 0), 0) AS n, count(questions_read_at) AS q FROM engagement_sessions",
    )
    .one();
  const a = sql
    .exec<{ n: number; read: number; skipped: number }>(
      `SELECT count(*) AS n, coalesce(sum(state = 'read'), 0) AS read, coalesce(sum(state = 'skipped'), 0) AS skipped
       FROM engagement_attendees`,
    )
    .one();
  return { sessions: s.n, sessionsWithQuestions: s.q, attendees: a.n, read: a.read, skipped: a.skipped };
}
