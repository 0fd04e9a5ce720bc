import { createDb, type Db } from "../db/client";
import {
  type NewActivity,
  planActivity,
  recordActivities,
  WEBINAR_ACTIVITY_TYPES,
  webinarActivityKey,
} from "../db/queries/activities";
import { markRegistrationError, registrationPushed } from "../db/queries/registrations";
import { loadScoringRules } from "../db/queries/scoring";
import { runBatch } from "../db/queries/statements";
import { findSyncTarget } from "../db/queries/webinars";
import { backoffDelay } from "../domain/backoff";
import type { GoToNewRegistrant } from "../gotowebinar/client";
import type { GoToRegistrantStatus } from "../gotowebinar/schemas";
import { callGateway } from "./gateway-client";
import type { GatewayFailure, GatewayResult } from "./gateway-errors";
import {
  deleteJob,
  earliestWaiting,
  finishPushed,
  finishWithError,
  getState,
  nextWaiting,
  noteWaiting,
  type OutboxRow,
  readRow,
  scheduleJob,
  scheduleRetry,
  setState,
} from "./sync-storage";

/**
 * The push job of a WebinarSync: the registration outbox (the contract is in outbox-contract.ts).
 * A request is a row in the object's storage before `register` returns; this job sends waiting
 * rows to GoTo in order of arrival, a few at a time. Per row:
 * - success, or 409 (already registered: take GoTo's existing registrant) → `done`, and the D1
 *   registration gets the registrant key, join URL and status;
 * - 400 (validation) → `error` with GoTo's reason, never retried;
 * - 429 → the whole outbox backs off (every call would be refused);
 * - 5xx, timeout, transport → that row backs off (500 ms doubling to 10 minutes) while the rows
 *   behind it go on; after a day of failures it becomes `error`;
 * - connector needs re-verification, paused or not connected → the whole outbox waits, without
 *   counting attempts, until the gateway says the connector is back (or a slow re-check).
 */

const OUTBOX_RETRY = { baseMs: 500, maxMs: 10 * 60_000 };
const OUTBOX_RATE_LIMITED = { baseMs: 1_000, maxMs: 60_000 };
const OUTBOX_GIVE_UP_MS = 24 * 60 * 60_000;
/**
 * Rows pushed at once. GoTo answers in tens to hundreds of milliseconds, so one row at a time
 * leaves most of the shared budget unused while a burst of visitors waits for their join links.
 */
const PUSH_LANES = 4;

/** What became of one push attempt, for the job loop. */
type PushOutcome = "done" | "error" | "retry" | "rate_limited" | "connector_waiting";

interface PushedRegistrant {
  registrantKey: string;
  joinUrl: string | null;
  status: GoToRegistrantStatus | null;
}

interface PushDeps {
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

/** What one push run gets from the WebinarSync running it. */
export interface PushRun {
  env: Env;
  sql: SqlStorage;
  webinarId: string;
  connectorId: string;
  /** How long this run may push before it hands back (the alarm re-arms). */
  budgetMs: number;
  /** Re-arms the object's watchdog alarm; called before each row. */
  heartbeat: () => Promise<void>;
  /** The connector cannot be used now: asks to hear when it can, and answers how long to wait meanwhile. */
  waitForConnector: () => Promise<number>;
}

const CONNECTOR_KINDS: ReadonlySet<GatewayFailure["kind"]> = new Set([
  "needs_reverification",
  "paused",
  "not_connected",
]);

/**
 * Pushes waiting rows in order until none is due, the budget is spent, GoTo rate limits the
 * outbox or the connector must be waited for; then plans the next push.
 */
export async function runPush(run: PushRun): Promise<void> {
  const { env, sql, webinarId, connectorId } = run;
  const db = createDb(env.DB);
  const target = await findSyncTarget(db, webinarId);
  if (!target) throw new Error(`webinar ${webinarId} is not in D1`);
  const organizerKey = target.connector?.organizerKey ?? "";
  const webinarKey = target.webinar.webinarKey;
  let rules: Promise<Map<string, number>> | null = null;
  const deps: PushDeps = {
    sql,
    db,
    webinarId,
    subject: target.webinar.subject,
    now: () => Date.now(),
    rules: () => {
      rules ??= loadScoringRules(db);
      return rules;
    },
    create: async (registrant) => {
      const r = await callGateway(env, connectorId, "createRegistrant", {
        organizerKey,
        webinarKey,
        registrant,
      });
      return r.ok ? { ok: true, value: r.value } : r;
    },
    lookup: async (registrantKey) => {
      const r = await callGateway(env, connectorId, "getRegistrant", {
        organizerKey,
        webinarKey,
        registrantKey,
      });
      return r.ok
        ? {
            ok: true,
            value: { registrantKey: r.value.registrantKey, joinUrl: r.value.joinUrl, status: r.value.status },
          }
        : r;
    },
  };
  const started = Date.now();
  const busy = new Set<number>();
  let halt: "connector_waiting" | "rate_limited" | null = null;
  // Each lane takes the oldest due row nobody is pushing; the shared rate budget paces the calls,
  // so lanes only overlap GoTo's answer time instead of waiting for it one row after another.
  const lane = async (): Promise<void> => {
    while (halt === null && Date.now() - started < run.budgetMs) {
      const row = nextWaiting(sql, Date.now(), busy);
      if (!row) return;
      busy.add(row.seq);
      try {
        await run.heartbeat();
        const outcome = await pushOne(deps, row);
        if (outcome === "connector_waiting" || outcome === "rate_limited") {
          halt ??= outcome;
          return;
        }
        setState(sql, "rate_limited", null);
        if (outcome === "done") {
          setState(sql, "connector_waiting", null);
          setState(sql, "connector_waits", null);
        }
      } finally {
        busy.delete(row.seq);
      }
    }
  };
  await Promise.all(Array.from({ length: PUSH_LANES }, lane));
  if (halt === "connector_waiting") {
    const delay = await run.waitForConnector();
    scheduleJob(sql, "push", Date.now() + delay);
    return;
  }
  if (halt === "rate_limited") {
    const waits = Number(getState(sql, "rate_limited") ?? "0");
    setState(sql, "rate_limited", String(waits + 1));
    scheduleJob(sql, "push", Date.now() + backoffDelay(waits, OUTBOX_RATE_LIMITED));
    return;
  }
  const next = earliestWaiting(sql);
  if (next === null) deleteJob(sql, "push");
  else scheduleJob(sql, "push", Math.max(next, Date.now()));
}

/** Pushes one row. State is re-read after every await: the input gate was open meanwhile. */
async function pushOne(deps: PushDeps, row: OutboxRow): Promise<PushOutcome> {
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
    finishPushed(deps.sql, current.seq, result.value.registrantKey, now);
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
    noteWaiting(deps.sql, current.seq, failure.message);
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
  scheduleRetry(deps.sql, current.seq, { firstFailureAt: firstFailure, nextAt: now + delay, reason: failure.message });
  return failure.kind === "rate_limited" ? "rate_limited" : "retry";
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
