import type { Db } from "../db/client";
import {
  type NewActivity,
  planActivity,
  recordActivities,
  WEBINAR_ACTIVITY_TYPES,
  webinarActivityKey,
} from "../db/queries/activities";
import { markRegistrationError, registrationPushed } from "../db/queries/registrations";
import { runBatch } from "../db/queries/statements";
import { backoffDelay } from "../domain/backoff";
import type { GoToNewRegistrant } from "../gotowebinar/client";
import type { GoToRegistrantStatus } from "../gotowebinar/schemas";
import type { GatewayFailure, GatewayResult } from "./gateway-errors";
import type { RegistrationQueued, RegistrationRequest } from "./outbox-contract";

/**
 * The registration outbox (F14). A request is a row here before `register` returns; the push job
 * sends waiting rows to GoTo in order of arrival. Per row:
 * - success, or 409 (already registered: take GoTo's existing registrant) → `done`, and the D1
 *   registration gets the registrant key, join URL and status;
 * - 400 (validation) → `error` with GoTo's reason, never retried;
 * - 429 → the whole outbox backs off (every call would be refused);
 * - 5xx, timeout, transport → that row backs off (500 ms doubling to 10 minutes) while the rows
 *   behind it go on; after a day of failures it becomes `error`;
 * - connector needs re-verification, paused or not connected → the whole outbox waits, without
 *   counting attempts, until the gateway says the connector is back (or a slow re-check).
 */

export const OUTBOX_RETRY = { baseMs: 500, maxMs: 10 * 60_000 };
export const OUTBOX_RATE_LIMITED = { baseMs: 1_000, maxMs: 60_000 };
export const OUTBOX_GIVE_UP_MS = 24 * 60 * 60_000;

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

export function nextWaiting(sql: SqlStorage, now: number): OutboxRow | null {
  return (
    sql
      .exec<OutboxRow>("SELECT * FROM outbox WHERE state = 'waiting' AND next_at <= ? ORDER BY seq LIMIT 1", now)
      .toArray()[0] ?? null
  );
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

/** What became of one push attempt, for the job loop. */
export type PushOutcome = "done" | "error" | "retry" | "rate_limited" | "connector_waiting";

export interface PushedRegistrant {
  registrantKey: string;
  joinUrl: string | null;
  status: GoToRegistrantStatus | null;
}

export interface PushDeps {
  sql: SqlStorage;
  db: Db;
  webinarId: string;
  subject: string;
  create: (registrant: GoToNewRegistrant) => Promise<GatewayResult<PushedRegistrant>>;
  /** After a 409: GoTo's own record of the registration that already exists. */
  lookup: (registrantKey: string) => Promise<GatewayResult<PushedRegistrant>>;
  /** The scoring rules, loaded once per push run. */
  rules: () => Promise<ReadonlyMap<string, number>>;
  now: () => number;
}

const CONNECTOR_KINDS: ReadonlySet<GatewayFailure["kind"]> = new Set([
  "needs_reverification",
  "paused",
  "not_connected",
]);

/** Pushes one row. State is re-read after every await: the input gate was open meanwhile. */
export async function pushOne(deps: PushDeps, row: OutboxRow): Promise<PushOutcome> {
  const registrant = JSON.parse(row.request) as GoToNewRegistrant;
  let result = await deps.create(registrant);
  if (!result.ok && result.error.kind === "duplicate_registrant" && result.error.registrantKey) {
    const key = result.error.registrantKey;
    const found = await deps.lookup(key);
    // A lookup that may work next time is retried (the retry meets the same 409), so the row ends
    // with GoTo's status and join URL; one GoTo refuses outright keeps the key alone.
    if (found.ok || "retryable" in found.error) result = found;
    else result = { ok: true, value: { registrantKey: key, joinUrl: null, status: null } };
  }
  const current = readRow(deps.sql, row.seq);
  if (current?.state !== "waiting") return "done";
  const now = deps.now();

  if (result.ok) {
    await recordPushed(deps, current, result.value);
    deps.sql.exec(
      "UPDATE outbox SET state = 'done', registrant_key = ?, last_error = NULL, finished_at = ? WHERE seq = ?",
      result.value.registrantKey,
      now,
      current.seq,
    );
    return "done";
  }

  const failure = result.error;
  if (failure.kind === "validation" || failure.kind === "failed" || failure.kind === "not_found") {
    const reason = failure.kind === "validation" && failure.description ? failure.description : failure.message;
    await markRegistrationError(deps.db, current.registration_id, reason, new Date(now).toISOString());
    finishWithError(deps.sql, current.seq, reason, now);
    return "error";
  }
  if (CONNECTOR_KINDS.has(failure.kind)) {
    deps.sql.exec("UPDATE outbox SET last_error = ? WHERE seq = ?", failure.message, current.seq);
    return "connector_waiting";
  }
  // Retryable: 429, 5xx, timeouts, transport, or a 409 whose registrant GoTo would not tell.
  const firstFailure = current.first_failure_at ?? now;
  if (now - firstFailure >= OUTBOX_GIVE_UP_MS) {
    const reason = `GoTo kept failing for a day: ${failure.message}`;
    await markRegistrationError(deps.db, current.registration_id, reason, new Date(now).toISOString());
    finishWithError(deps.sql, current.seq, reason, now);
    return "error";
  }
  const delay = backoffDelay(current.attempts, OUTBOX_RETRY);
  deps.sql.exec(
    "UPDATE outbox SET attempts = attempts + 1, first_failure_at = ?, next_at = ?, last_error = ? WHERE seq = ?",
    firstFailure,
    now + delay,
    failure.message,
    current.seq,
  );
  return failure.kind === "rate_limited" ? "rate_limited" : "retry";
}

function finishWithError(sql: SqlStorage, seq: number, reason: string, now: number): void {
  sql.exec("UPDATE outbox SET state = 'error', last_error = ?, finished_at = ? WHERE seq = ?", reason, now, seq);
}

const PUSHED_STATUS: Record<GoToRegistrantStatus, "approved" | "waiting" | "denied"> = {
  APPROVED: "approved",
  WAITING: "waiting",
  DENIED: "denied",
};

/**
 * D1, in one batch: the registration gets GoTo's key, join URL and status; the Registered activity
 * (the form wrote it; written again it is a no-op) and, for APPROVED, Accepted; the score recomputed.
 */
async function recordPushed(deps: PushDeps, row: OutboxRow, pushed: PushedRegistrant): Promise<void> {
  const rules = await deps.rules();
  const now = new Date(deps.now()).toISOString();
  const status = pushed.status ? PUSHED_STATUS[pushed.status] : "registered";
  const activity = (kind: "registered" | "accepted" | "denied"): NewActivity =>
    planActivity(
      {
        prospectId: row.prospect_id,
        webinarId: deps.webinarId,
        type: WEBINAR_ACTIVITY_TYPES[kind],
        dedupeKey: webinarActivityKey(deps.webinarId, kind),
        detail: deps.subject,
        occurredAt: now,
      },
      rules,
    );
  const activities = [activity("registered")];
  if (pushed.status === "APPROVED") activities.push(activity("accepted"));
  if (pushed.status === "DENIED") activities.push(activity("denied"));
  await runBatch(deps.db, [
    registrationPushed(
      deps.db,
      row.registration_id,
      { registrantKey: pushed.registrantKey, joinUrl: pushed.joinUrl, status },
      now,
    ),
    ...recordActivities(activities, now).statements,
  ]);
}
