import type { GoToNewRegistrant } from "../gotowebinar/client";
import { ENGAGEMENT_MIGRATION } from "./engagement-storage";
import type { RegistrationQueued, RegistrationRequest } from "./outbox-contract";

/**
 * WebinarSync's own SQLite storage: the webinar it tracks, the webhook inbox, the jobs that drive
 * its one alarm, the registration outbox and a small key/value state. Every SQL statement of the
 * object is here; synchronous, as Durable Object SQLite is, and each function takes the
 * `SqlStorage` first.
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
  ENGAGEMENT_MIGRATION,
];

export type JobId = "poll" | "push" | "ingest" | "engagement";

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

/** A webhook event waiting in the inbox for ingestion. */
export interface InboxEvent {
  eventKey: string;
  payload: string;
}

/** Keeps an event for ingestion, once per event key (a duplicate delivery is ignored). */
export function storeInboxEvent(
  sql: SqlStorage,
  event: { eventKey: string; eventName: string; payload: string },
  receivedAt: string,
): void {
  sql.exec(
    "INSERT OR IGNORE INTO inbox (event_key, event_name, payload, received_at) VALUES (?, ?, ?, ?)",
    event.eventKey,
    event.eventName,
    event.payload,
    receivedAt,
  );
}

/** The oldest events not yet ingested, in order of arrival. */
export function unprocessedEvents(sql: SqlStorage, limit: number): InboxEvent[] {
  return sql
    .exec<{ event_key: string; payload: string }>(
      "SELECT event_key, payload FROM inbox WHERE processed_at IS NULL ORDER BY received_at LIMIT ?",
      limit,
    )
    .toArray()
    .map((r) => ({ eventKey: r.event_key, payload: r.payload }));
}

export function markEventsProcessed(sql: SqlStorage, eventKeys: readonly string[], at: string): void {
  for (const key of eventKeys) sql.exec("UPDATE inbox SET processed_at = ? WHERE event_key = ?", at, key);
}

/** Drops events ingested before `before`; until then a late duplicate is still recognised by its key. */
export function pruneProcessedEvents(sql: SqlStorage, before: string): void {
  sql.exec("DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?", before);
}

export type OutboxRow = {
  seq: number;
  registration_id: string;
  prospect_id: string;
  request: string;
  state: "waiting" | "done" | "error";
  attempts: number;
  next_at: number;
  first_failure_at: number | null;
  last_error: string | null;
  registrant_key: string | null;
  created_at: number;
  finished_at: number | null;
};

/** Stores the request (idempotent per registration id) and answers the contract's shape. */
export function enqueue(sql: SqlStorage, request: RegistrationRequest, now: number): RegistrationQueued {
  let existing = sql
    .exec<{ seq: number; state: string }>(
      "SELECT seq, state FROM outbox WHERE registration_id = ?",
      request.registrationId,
    )
    .toArray()[0];
  if (existing && request.requeue && existing.state !== "waiting") {
    // A registration asked for again after GoTo dropped or refused it: back of the queue, fresh.
    sql.exec("DELETE FROM outbox WHERE registration_id = ?", request.registrationId);
    existing = undefined;
  }
  if (!existing) {
    sql.exec(
      `INSERT INTO outbox (registration_id, prospect_id, request, state, next_at, created_at)
       VALUES (?, ?, ?, 'waiting', ?, ?)`,
      request.registrationId,
      request.prospectId,
      JSON.stringify(request.registrant),
      now,
      now,
    );
  }
  const seq =
    existing?.seq ??
    sql.exec<{ seq: number }>("SELECT seq FROM outbox WHERE registration_id = ?", request.registrationId).one().seq;
  const ahead = sql
    .exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'waiting' AND seq < ?", seq)
    .one().n;
  return { queued: !existing, position: ahead };
}

/**
 * A registration D1 holds as `pending` since `pendingSince`, offered again because its hand-off
 * may have failed. Queued when the outbox does not hold it, or holds only an outcome older than
 * the pending row (the registration was submitted again after GoTo dropped or refused it); left
 * alone when it is waiting, or when its outcome is newer (the outbox answered D1 meanwhile).
 */
export function reofferOne(sql: SqlStorage, request: RegistrationRequest, pendingSince: number, now: number): boolean {
  const existing = sql
    .exec<{ state: string; finished_at: number | null; created_at: number }>(
      "SELECT state, finished_at, created_at FROM outbox WHERE registration_id = ?",
      request.registrationId,
    )
    .toArray()[0];
  if (existing && (existing.state === "waiting" || (existing.finished_at ?? existing.created_at) >= pendingSince)) {
    return false;
  }
  return enqueue(sql, { ...request, requeue: true }, now).queued;
}

/** The oldest waiting row that is due and not already being pushed (`busy`, by seq). */
export function nextWaiting(sql: SqlStorage, now: number, busy: ReadonlySet<number> = new Set()): OutboxRow | null {
  const rows = sql
    .exec<OutboxRow>(
      "SELECT * FROM outbox WHERE state = 'waiting' AND next_at <= ? ORDER BY seq LIMIT ?",
      now,
      busy.size + 1,
    )
    .toArray();
  return rows.find((row) => !busy.has(row.seq)) ?? null;
}

export function readRow(sql: SqlStorage, seq: number): OutboxRow | null {
  return sql.exec<OutboxRow>("SELECT * FROM outbox WHERE seq = ?", seq).toArray()[0] ?? null;
}

export function earliestWaiting(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM outbox WHERE state = 'waiting'").one().t;
}

/** Moves every waiting row's next attempt to `at` at the earliest (connector back, Sync now). */
export function wakeWaiting(sql: SqlStorage, at: number): void {
  sql.exec("UPDATE outbox SET next_at = MIN(next_at, ?) WHERE state = 'waiting'", at);
}

/** GoTo has the registration: the row is done, with GoTo's registrant key. */
export function finishPushed(sql: SqlStorage, seq: number, registrantKey: string, now: number): void {
  sql.exec(
    "UPDATE outbox SET state = 'done', registrant_key = ?, last_error = NULL, finished_at = ? WHERE seq = ?",
    registrantKey,
    now,
    seq,
  );
}

/** GoTo refused the registration, or kept failing: the row ends in `error` with the reason. */
export function finishWithError(sql: SqlStorage, seq: number, reason: string, now: number): void {
  sql.exec("UPDATE outbox SET state = 'error', last_error = ?, finished_at = ? WHERE seq = ?", reason, now, seq);
}

/** The row waits for the connector: the reason is kept, the attempt is not counted. */
export function noteWaiting(sql: SqlStorage, seq: number, reason: string): void {
  sql.exec("UPDATE outbox SET last_error = ? WHERE seq = ?", reason, seq);
}

/** An attempt failed and is retried at `nextAt`; the first failure's time is kept for giving up. */
export function scheduleRetry(
  sql: SqlStorage,
  seq: number,
  retry: { firstFailureAt: number; nextAt: number; reason: string },
): void {
  sql.exec(
    "UPDATE outbox SET attempts = attempts + 1, first_failure_at = ?, next_at = ?, last_error = ? WHERE seq = ?",
    retry.firstFailureAt,
    retry.nextAt,
    retry.reason,
    seq,
  );
}

export interface OutboxCounts {
  waiting: number;
  done: number;
  errors: { registrationId: string; email: string; reason: string; at: string }[];
  /** Waiting rows whose last attempt failed: why, and when the next one is. */
  retrying: { registrationId: string; lastError: string; attempts: number; nextAt: string }[];
}

export function outboxCounts(sql: SqlStorage): OutboxCounts {
  const counts = sql
    .exec<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
    .toArray();
  const n = (state: string): number => counts.find((c) => c.state === state)?.n ?? 0;
  const errors = sql
    .exec<OutboxRow>("SELECT * FROM outbox WHERE state = 'error' ORDER BY seq DESC LIMIT 100")
    .toArray()
    .map((r) => ({
      registrationId: r.registration_id,
      email: (JSON.parse(r.request) as GoToNewRegistrant).email,
      reason: r.last_error ?? "",
      at: new Date(r.finished_at ?? r.created_at).toISOString(),
    }));
  const retrying = sql
    .exec<OutboxRow>("SELECT * FROM outbox WHERE state = 'waiting' AND last_error IS NOT NULL ORDER BY seq LIMIT 100")
    .toArray()
    .map((r) => ({
      registrationId: r.registration_id,
      lastError: r.last_error ?? "",
      attempts: r.attempts,
      nextAt: new Date(r.next_at).toISOString(),
    }));
  return { waiting: n("waiting"), done: n("done"), errors, retrying };
}
