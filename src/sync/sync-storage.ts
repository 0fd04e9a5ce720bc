/**
 * WebinarSync's own SQLite storage: the webinar it tracks, the webhook inbox, the jobs that drive
 * its one alarm, the registration outbox and a small key/value state.
 */
export const SYNC_MIGRATIONS: string[][] = [
  [
    "CREATE TABLE webinar (id INTEGER PRIMARY KEY CHECK (id = 1), webinar_id TEXT NOT NULL, connector_id TEXT NOT NULL, tracked_at TEXT NOT NULL)",
    // Webhook events waiting for ingestion (the sync engine consumes them like a poll's results).
    "CREATE TABLE inbox (event_key TEXT PRIMARY KEY, event_name TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL)",
  ],
  [
    // One row per job; the alarm is always armed at MIN(run_at). Retry counts live here, not in memory.
    "CREATE TABLE jobs (id TEXT PRIMARY KEY, run_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, payload TEXT NOT NULL DEFAULT '{}')",
    `CREATE TABLE outbox (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       registration_id TEXT NOT NULL UNIQUE,
       prospect_id TEXT NOT NULL,
       request TEXT NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('waiting', 'done', 'error')),
       attempts INTEGER NOT NULL DEFAULT 0,
       next_at INTEGER NOT NULL,
       first_failure_at INTEGER,
       last_error TEXT,
       registrant_key TEXT,
       created_at INTEGER NOT NULL,
       finished_at INTEGER)`,
    "CREATE INDEX outbox_state_seq ON outbox (state, seq)",
    "ALTER TABLE inbox ADD COLUMN processed_at TEXT",
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  ],
];

export type JobId = "poll" | "push" | "ingest";

export type JobRow = {
  id: JobId;
  run_at: number;
  attempts: number;
  last_error: string | null;
  payload: string;
};

export function getState(sql: SqlStorage, key: string): string | null {
  return sql.exec<{ value: string }>("SELECT value FROM sync_state WHERE key = ?", key).toArray()[0]?.value ?? null;
}

export function setState(sql: SqlStorage, key: string, value: string | null): void {
  if (value === null) sql.exec("DELETE FROM sync_state WHERE key = ?", key);
  else
    sql.exec(
      "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
}

export function getJob(sql: SqlStorage, id: JobId): JobRow | null {
  return sql.exec<JobRow>("SELECT * FROM jobs WHERE id = ?", id).toArray()[0] ?? null;
}

/** Schedules a job. `earliest` keeps an earlier run already planned (a Sync now is not postponed). */
export function scheduleJob(
  sql: SqlStorage,
  id: JobId,
  runAt: number,
  options: { payload?: unknown; earliest?: boolean; resetAttempts?: boolean } = {},
): void {
  const payload = JSON.stringify(options.payload ?? {});
  const runAtSql = options.earliest ? "MIN(jobs.run_at, excluded.run_at)" : "excluded.run_at";
  const attemptsSql = options.resetAttempts ? "0" : "jobs.attempts";
  sql.exec(
    `INSERT INTO jobs (id, run_at, payload) VALUES (?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET run_at = ${runAtSql}, payload = excluded.payload, attempts = ${attemptsSql}`,
    id,
    runAt,
    payload,
  );
}

export function deleteJob(sql: SqlStorage, id: JobId): void {
  sql.exec("DELETE FROM jobs WHERE id = ?", id);
}

/** A job failed: count it and push it back with the given delay; the error is kept for status(). */
export function failJob(sql: SqlStorage, id: JobId, delayMs: number, message: string, now: number): number {
  sql.exec(
    "UPDATE jobs SET attempts = attempts + 1, run_at = ?, last_error = ? WHERE id = ?",
    now + delayMs,
    message,
    id,
  );
  return getJob(sql, id)?.attempts ?? 0;
}

export function succeedJob(sql: SqlStorage, id: JobId): void {
  sql.exec("UPDATE jobs SET attempts = 0, last_error = NULL WHERE id = ?", id);
}

export function dueJob(sql: SqlStorage, now: number): JobRow | null {
  return sql.exec<JobRow>("SELECT * FROM jobs WHERE run_at <= ? ORDER BY run_at, id LIMIT 1", now).toArray()[0] ?? null;
}

export function earliestJob(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT MIN(run_at) AS t FROM jobs").toArray()[0]?.t ?? null;
}

export interface TrackedWebinar {
  webinarId: string;
  connectorId: string;
  trackedAt: string;
}

export function trackedWebinar(sql: SqlStorage): TrackedWebinar | null {
  const row = sql
    .exec<{ webinar_id: string; connector_id: string; tracked_at: string }>("SELECT * FROM webinar WHERE id = 1")
    .toArray()[0];
  return row ? { webinarId: row.webinar_id, connectorId: row.connector_id, trackedAt: row.tracked_at } : null;
}

export function saveTracked(sql: SqlStorage, webinarId: string, connectorId: string, at: string): void {
  sql.exec(
    `INSERT INTO webinar (id, webinar_id, connector_id, tracked_at) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET connector_id = excluded.connector_id, tracked_at = excluded.tracked_at`,
    webinarId,
    connectorId,
    at,
  );
}
