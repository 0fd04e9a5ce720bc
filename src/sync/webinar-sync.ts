import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client";
import { findSyncTarget, writeSyncTimes } from "../db/queries/webinars";
import { backoffDelay } from "../domain/backoff";
import { migrateDurableStorage } from "../lib/do-schema";
import { errorFields, log } from "../lib/log";
import { runEngagement } from "./engagement";
import { type EngagementProgress, engagementProgress } from "./engagement-storage";
import { GatewayCallError } from "./gateway-errors";
import { ingestInbox } from "./inbox";
import type { IngestSummary } from "./ingest";
import { runPush } from "./outbox";
import type { RegistrationQueued, RegistrationRequest } from "./outbox-contract";
import { runPoll, schedulePoll } from "./poll";
import {
  deleteJob,
  dueJob,
  earliestJob,
  earliestWaiting,
  enqueue,
  failJob,
  getJob,
  getState,
  type JobRow,
  type OutboxCounts,
  outboxCounts,
  reofferOne,
  SYNC_MIGRATIONS,
  saveTracked,
  scheduleJob,
  setState,
  storeInboxEvent,
  succeedJob,
  type TrackedWebinar,
  trackedWebinar,
  wakeWaiting,
} from "./sync-storage";
import type { WebhookEvent } from "./webhook-events";

/** What the webinar page shows of the sync. */
export interface SyncStatus {
  webinarId: string | null;
  outbox: OutboxCounts;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  lastError: { message: string; at: string } | null;
  /** The connector needs re-verification or is paused: registrations wait for it. */
  waitingForConnector: boolean;
  /** What the last poll found and wrote, and how long it took (GoTo calls and ingestion). */
  lastPoll: (IngestSummary & { attendees: number | null; ms: number }) | null;
  /** How far the engagement pass has read the ended sessions' attendees (polls and surveys). */
  engagement: EngagementProgress;
}

/** One alarm run works at most this long, then re-arms (alarms are capped at 15 minutes). */
const RUN_BUDGET_MS = 25_000;
/**
 * While a run works, the stored alarm is never further out than this: it is re-armed before each
 * job and each pushed registration, so a run that dies with its object (crash, eviction, deploy)
 * is picked up again from storage within seconds. The runtime never starts a second alarm run
 * while one is in progress, so a heartbeat that comes due during a run waits for it to end, and
 * the run's last step re-arms the alarm at the next job.
 */
export const HEARTBEAT_MS = 3_000;
const JOB_RETRY = { baseMs: 30_000, maxMs: 30 * 60_000 };
const CONNECTOR_RECHECK = { baseMs: 60_000, maxMs: 30 * 60_000 };
const CONNECTOR_KINDS = new Set(["needs_reverification", "paused", "not_connected"]);

/**
 * WebinarSync: one per webinar (`getByName(webinarId)`). A `jobs` table drives its one alarm, one
 * job per module: `poll` (tiered polling of GoTo's registrants and attendees, ./poll.ts), `engagement`
 * (polls, surveys and questions after an attendance pass, ./engagement.ts), `push`
 * (the registration outbox, ./outbox.ts) and `ingest` (webhook events from the inbox,
 * ./inbox.ts), each idempotent, with retry counts in storage; the alarm is re-armed at
 * MIN(run_at) after every change and at the end of every run. Its storage is ./sync-storage.ts.
 */
export class WebinarSync extends DurableObject<Env> {
  private heartbeatArmedAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrateDurableStorage(ctx.storage.sql, SYNC_MIGRATIONS);
    });
  }

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  /** Discovery found this webinar new, changed or cancelled: (re)plan polling. Idempotent. */
  async track(input: { webinarId: string; connectorId: string }): Promise<void> {
    saveTracked(this.sql, input.webinarId, input.connectorId, new Date().toISOString());
    const db = createDb(this.env.DB);
    const target = await findSyncTarget(db, input.webinarId);
    if (target) await schedulePoll(this.sql, db, target.webinar, Date.now());
    await this.arm();
  }

  /** A registrant webhook event for this webinar, ingested soon. Idempotent per event key. */
  async receiveEvent(event: WebhookEvent & { webinarId: string; connectorId: string }): Promise<void> {
    if (!trackedWebinar(this.sql)) saveTracked(this.sql, event.webinarId, event.connectorId, new Date().toISOString());
    storeInboxEvent(this.sql, event, new Date().toISOString());
    scheduleJob(this.sql, "ingest", Date.now(), { earliest: true });
    await this.arm();
  }

  /**
   * The outbox contract (src/sync/outbox-contract.ts): stored here before this returns (the output
   * gate holds the answer until the write is durable), pushed within seconds.
   */
  async register(request: RegistrationRequest): Promise<RegistrationQueued> {
    await this.trackFromD1(request.webinarId);
    const queued = enqueue(this.sql, request, Date.now());
    if (queued.queued) scheduleJob(this.sql, "push", Date.now(), { earliest: true });
    await this.arm();
    return queued;
  }

  /**
   * Registrations D1 has held as `pending` for a while, offered again by the connector's sweep
   * (src/sync/handoff-sweep.ts) in case the hand-off from the form never arrived. Answers how many
   * were newly queued; the rest this outbox already held.
   */
  async reoffer(pending: { request: RegistrationRequest; pendingSince: number }[]): Promise<number> {
    if (pending.length === 0) return 0;
    await this.trackFromD1(pending[0]?.request.webinarId ?? "");
    const now = Date.now();
    let queued = 0;
    for (const p of pending) if (reofferOne(this.sql, p.request, p.pendingSince, now)) queued++;
    if (queued > 0) scheduleJob(this.sql, "push", now, { earliest: true });
    await this.arm();
    return queued;
  }

  /** An outbox that discovery has not told about its webinar yet learns the webinar's connector from D1. */
  private async trackFromD1(webinarId: string): Promise<void> {
    if (trackedWebinar(this.sql)) return;
    const target = await findSyncTarget(createDb(this.env.DB), webinarId);
    if (!target) throw new Error(`unknown webinar ${webinarId}`);
    // Re-read after the await: another call may have tracked it meanwhile.
    if (!trackedWebinar(this.sql))
      saveTracked(this.sql, webinarId, target.webinar.connectorId, new Date().toISOString());
  }

  /** "Sync now": poll (with attendance once a session has ended), push and ingest at once. */
  async syncNow(): Promise<void> {
    const now = Date.now();
    scheduleJob(this.sql, "poll", now, { payload: { attendance: true, manual: true }, resetAttempts: true });
    wakeWaiting(this.sql, now);
    if (earliestWaiting(this.sql) !== null) scheduleJob(this.sql, "push", now, { resetAttempts: true });
    await this.arm();
  }

  /** The gateway's word that the connector works again (verified, resumed): waiting work goes on. */
  async connectorReady(): Promise<void> {
    const now = Date.now();
    setState(this.sql, "connector_waiting", null);
    wakeWaiting(this.sql, now);
    if (earliestWaiting(this.sql) !== null) scheduleJob(this.sql, "push", now, { resetAttempts: true });
    const poll = getJob(this.sql, "poll");
    if (poll && poll.attempts > 0) scheduleJob(this.sql, "poll", now, { payload: JSON.parse(poll.payload) });
    await this.arm();
  }

  async status(): Promise<SyncStatus> {
    const lastError = getState(this.sql, "last_error");
    const lastPoll = getState(this.sql, "last_poll");
    const poll = getJob(this.sql, "poll");
    return {
      webinarId: trackedWebinar(this.sql)?.webinarId ?? null,
      outbox: outboxCounts(this.sql),
      lastSyncAt: getState(this.sql, "last_sync_at"),
      nextSyncAt: poll ? new Date(poll.run_at).toISOString() : null,
      lastError: lastError ? (JSON.parse(lastError) as { message: string; at: string }) : null,
      waitingForConnector: getState(this.sql, "connector_waiting") !== null,
      lastPoll: lastPoll ? (JSON.parse(lastPoll) as SyncStatus["lastPoll"]) : null,
      engagement: engagementProgress(this.sql),
    };
  }

  /** Runs the due jobs, earliest first, for at most RUN_BUDGET_MS; then the alarm is at the next one. */
  override async alarm(): Promise<void> {
    const started = Date.now();
    try {
      for (;;) {
        if (Date.now() - started > RUN_BUDGET_MS) break;
        const job = dueJob(this.sql, Date.now());
        if (!job) break;
        await this.heartbeat();
        await this.runJob(job);
      }
    } finally {
      await this.arm();
    }
  }

  private async runJob(job: JobRow): Promise<void> {
    const tracked = trackedWebinar(this.sql);
    if (!tracked) {
      deleteJob(this.sql, job.id);
      return;
    }
    try {
      if (job.id === "poll") await runPoll(this.env, this.sql, tracked, job);
      else if (job.id === "push") await this.push(tracked);
      else if (job.id === "engagement") await runEngagement(this.env, this.sql, tracked, job, () => this.heartbeat());
      else await ingestInbox(this.env, this.sql, tracked);
      succeedJob(this.sql, job.id);
    } catch (error) {
      await this.jobFailed(job, tracked, error);
    }
  }

  private push(tracked: TrackedWebinar): Promise<void> {
    return runPush({
      env: this.env,
      sql: this.sql,
      webinarId: tracked.webinarId,
      connectorId: tracked.connectorId,
      budgetMs: RUN_BUDGET_MS,
      heartbeat: () => this.heartbeat(),
      waitForConnector: () => this.waitForConnector(tracked.connectorId, tracked.webinarId),
    });
  }

  private async jobFailed(job: JobRow, tracked: TrackedWebinar, error: unknown): Promise<void> {
    const now = Date.now();
    const message = error instanceof Error ? error.message : String(error);
    const connector = error instanceof GatewayCallError && CONNECTOR_KINDS.has(error.failure.kind);
    const current = getJob(this.sql, job.id);
    const delay = connector
      ? await this.waitForConnector(tracked.connectorId, tracked.webinarId)
      : backoffDelay(current?.attempts ?? 0, JOB_RETRY);
    failJob(this.sql, job.id, delay, message, now);
    setState(this.sql, "last_error", JSON.stringify({ message, at: new Date(now).toISOString() }));
    log("warn", "webinar sync job failed", { job: job.id, webinarId: tracked.webinarId, ...errorFields(error) });
    if (job.id === "poll") {
      await writeSyncTimes(createDb(this.env.DB), tracked.webinarId, {
        nextSyncAt: new Date(now + delay).toISOString(),
      }).catch(() => undefined);
    }
  }

  /** Asks the gateway to say when the connector works again; re-checks on a slow backoff meanwhile. */
  private async waitForConnector(connectorId: string, webinarId: string): Promise<number> {
    const waits = Number(getState(this.sql, "connector_waits") ?? "0");
    setState(this.sql, "connector_waits", String(waits + 1));
    setState(this.sql, "connector_waiting", new Date().toISOString());
    try {
      await this.env.GOTO_GATEWAY.getByName(connectorId).notifyWhenReady(webinarId);
    } catch (error) {
      log("warn", "could not ask the gateway to notify", { connectorId, ...errorFields(error) });
    }
    return backoffDelay(waits, CONNECTOR_RECHECK);
  }

  /** A watchdog a few seconds out: if this run dies with the object, the work resumes from storage. */
  private async heartbeat(): Promise<void> {
    const now = Date.now();
    // Once a second is enough: the stored alarm then stays between 2 and 3 seconds ahead.
    if (now - this.heartbeatArmedAt < 1_000) return;
    this.heartbeatArmedAt = now;
    await this.ctx.storage.setAlarm(now + HEARTBEAT_MS);
  }

  /** The one alarm, at the earliest job; none when there is nothing to do. */
  private async arm(): Promise<void> {
    this.heartbeatArmedAt = 0;
    const at = earliestJob(this.sql);
    if (at === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const current = await this.ctx.storage.getAlarm();
    if (current !== at) await this.ctx.storage.setAlarm(at);
  }
}
