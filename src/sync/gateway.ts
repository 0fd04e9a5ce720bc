import { DurableObject } from "cloudflare:workers";
import { createDb, type Db } from "../db/client";
import { type ConnectorRow, findConnector, updateConnector } from "../db/queries/connectors";
import { findWebinarByKey } from "../db/queries/webinars";
import { type BackoffConfig, backoffDelay, backoffStep } from "../domain/backoff";
import { createGoToClient, GOTO_IDEMPOTENT_CALLS } from "../gotowebinar/client";
import { GoToError, GoToInvalidTokenError, GoToRateLimitedError } from "../gotowebinar/errors";
import { migrateDurableStorage } from "../lib/do-schema";
import { errorFields, log } from "../lib/log";
import { type DiscoveryProgress, runDiscovery } from "./discovery";
import type { GatewayArgs, GatewayMethod, GatewayValue } from "./gateway-client";
import {
  explainFailure,
  type GatewayResult,
  NeedsReverificationError,
  NotConnectedError,
  PausedError,
  toFailure,
} from "./gateway-errors";
import {
  callsLastHour,
  deleteTokens,
  firstSighting,
  GATEWAY_MIGRATIONS,
  getState,
  readTokens,
  readWebhooks,
  recordCall,
  type StoredWebhook,
  setState,
} from "./gateway-storage";
import { GatewayTokens } from "./gateway-tokens";
import { type GoToLink, gotoTimeoutMs, LIVE_GOTO } from "./goto-env";
import { SWEEP_EVERY_MS, sweepHandoffs } from "./handoff-sweep";
import { budgetedFetch } from "./rate-budget";
import type { WebhookEvent } from "./webhook-events";
import { ensureWebhooks, WEBHOOK_RETRY, webhookBase, webhookSetupRetryable, webhooksComplete } from "./webhooks";

export interface ConnectInput {
  connectorId: string;
  /** The origin the marketer verified from; in simulator mode webhooks are delivered there. */
  appOrigin: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  organizerKey: string;
  accountKey: string | null;
}

export interface GatewayHealth {
  connected: boolean;
  needsReverification: boolean;
  tokenExpiresAt: string | null;
  callsLastHour: { total: number; rateLimited: number; failed: number };
  discovery: DiscoveryProgress | null;
  nextDiscoveryAt: string | null;
}

const MAX_ATTEMPTS = 5;
/** 429s are refused before any effect and their retries are paced by the budget, so allow more. */
const MAX_RATE_LIMITED_ATTEMPTS = 8;
const RETRY_BACKOFF = { baseMs: 400, maxMs: 8_000 };
/** A failed discovery is tried again after 1, 2, 4, 8, then every 10 minutes (no jitter). */
const DISCOVERY_RETRY: BackoffConfig = { baseMs: 30_000, maxMs: 10 * 60_000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * GoToGateway: one per connector (`getByName(connectorId)`), the only code that talks to GoTo for
 * it. It owns the OAuth tokens (AES-GCM under SECRETS_KEY), refreshes them one at a time however
 * many calls wait, takes a permit from the deployment's GoToRateBudget before every GoTo request
 * (the limit is shared by all connectors), retries what is safe to retry, and runs webinar
 * discovery on its alarm.
 */
export class GoToGateway extends DurableObject<Env> {
  private readonly tokens: GatewayTokens;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.tokens = new GatewayTokens(ctx.storage.sql, env, () => this.goto());
    ctx.blockConcurrencyWhile(async () => {
      migrateDurableStorage(ctx.storage.sql, GATEWAY_MIGRATIONS);
    });
  }

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  private connectorId(): string {
    const id = getState(this.sql, "connector_id");
    if (!id) throw new NotConnectedError();
    return id;
  }

  /** Stores the tokens of a fresh verification and starts discovery at once. */
  async storeVerification(input: ConnectInput): Promise<void> {
    setState(this.sql, "connector_id", input.connectorId);
    setState(this.sql, "app_origin", input.appOrigin);
    await this.tokens.store(input);
    setState(this.sql, "discovery", JSON.stringify({ phase: "queued", pages: 0, webinars: 0, startedAt: null }));
    await this.discoverAt(Date.now());
    await this.wakeWaitingSyncs();
  }

  /** Deleting a connector: forget its tokens and stop its alarm. D1 keeps what it brought. */
  async forget(): Promise<void> {
    deleteTokens(this.sql);
    setState(this.sql, "discovery", null);
    await this.wakeAt([], "replace");
  }

  /** Pausing stops discovery and makes every call answer `paused`, so work waits instead of failing. */
  async setPaused(paused: boolean): Promise<void> {
    setState(this.sql, "paused", paused ? new Date().toISOString() : null);
    if (!paused && readTokens(this.sql)) await this.discoverAt(Date.now());
    if (!paused) await this.wakeWaitingSyncs();
  }

  /** A WebinarSync whose work waits for this connector (re-verification, pause) asks to be told when it can go on. */
  async notifyWhenReady(webinarId: string): Promise<void> {
    const waiting = new Set(JSON.parse(getState(this.sql, "waiting_syncs") ?? "[]") as string[]);
    waiting.add(webinarId);
    setState(this.sql, "waiting_syncs", JSON.stringify([...waiting]));
  }

  /** Tells every waiting WebinarSync; one that cannot be reached still re-checks on its own backoff. */
  private async wakeWaitingSyncs(): Promise<void> {
    const waiting = JSON.parse(getState(this.sql, "waiting_syncs") ?? "[]") as string[];
    setState(this.sql, "waiting_syncs", null);
    for (const webinarId of waiting) {
      try {
        await this.env.WEBINAR_SYNC.getByName(webinarId).connectorReady();
      } catch (error) {
        log("warn", "could not wake a webinar sync", { webinarId, ...errorFields(error) });
      }
    }
  }

  /** "Sync now": discovery at once (it also runs every 10 minutes). */
  async syncNow(): Promise<void> {
    await this.discoverAt(Date.now());
  }

  /** Discovery no later than `at`; the one alarm is brought forward to it when needed. */
  private async discoverAt(at: number): Promise<void> {
    const planned = Number(getState(this.sql, "next_discovery_at") ?? Number.POSITIVE_INFINITY);
    if (at < planned) setState(this.sql, "next_discovery_at", String(at));
    await this.wakeAt([at], "bring_forward");
  }

  /**
   * Every change to the gateway's one alarm goes through here: it is set to the earliest of
   * `times`, and deleted when there are none. A wake-up asked for between runs
   * (`bring_forward`: verification, resume, Sync now, a webhook event) never postpones an alarm
   * already set earlier; the end of a run (`replace`) sets it from everything still to do, which
   * the run has read from storage, and never in the past.
   */
  private async wakeAt(times: readonly number[], how: "bring_forward" | "replace"): Promise<void> {
    if (times.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const at = Math.min(...times);
    if (how === "replace") {
      await this.ctx.storage.setAlarm(Math.max(Date.now(), at));
      return;
    }
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  async health(): Promise<GatewayHealth> {
    const tokens = readTokens(this.sql);
    const discovery = getState(this.sql, "discovery");
    const next = getState(this.sql, "next_discovery_at");
    return {
      connected: tokens !== null,
      needsReverification: getState(this.sql, "needs_reverification") !== null,
      tokenExpiresAt: tokens ? new Date(tokens.expiresAt).toISOString() : null,
      callsLastHour: callsLastHour(this.sql, Date.now()),
      discovery: discovery ? (JSON.parse(discovery) as DiscoveryProgress) : null,
      nextDiscoveryAt: next ? new Date(Number(next)).toISOString() : null,
    };
  }

  /**
   * One GoTo call with everything the gateway adds: a valid token, the rate budget, a refresh
   * and one retry on 403 InvalidToken, retries on 429 (always safe: refused before any effect;
   * the budget has paused everyone, so the retry just waits for its permit), backoff with jitter
   * on 5xx or timeouts (only for idempotent calls).
   */
  async call<M extends GatewayMethod>(method: M, args: GatewayArgs<M>): Promise<GatewayResult<GatewayValue<M>>> {
    try {
      return { ok: true, value: await this.callOrThrow(method, args) };
    } catch (error) {
      return { ok: false, error: toFailure(error) };
    }
  }

  /** The same, throwing: for the gateway's own work (discovery, webhooks). */
  async callOrThrow<M extends GatewayMethod>(method: M, args: GatewayArgs<M>): Promise<GatewayValue<M>> {
    if (getState(this.sql, "paused")) throw new PausedError();
    let refreshedFor: string | null = null;
    let rateLimited = 0;
    for (let attempt = 0; ; attempt++) {
      let used = "";
      const client = createGoToClient({
        fetch: this.limitedFetch(),
        timeoutMs: gotoTimeoutMs(this.env),
        accessToken: async () => {
          used = await this.tokens.access();
          return used;
        },
      });
      try {
        const fn = client[method] as (a: GatewayArgs<M>) => Promise<GatewayValue<M>>;
        return await fn.call(client, args);
      } catch (error) {
        if (error instanceof GoToInvalidTokenError && refreshedFor === null) {
          // Refresh only if nobody did since our token was handed out; then retry once.
          refreshedFor = used;
          if (used === (await this.tokens.current())) await this.tokens.refreshOnce();
          continue;
        }
        if (error instanceof GoToRateLimitedError) {
          if (++rateLimited < MAX_RATE_LIMITED_ATTEMPTS) continue;
          throw error;
        }
        const retry =
          error instanceof GoToError &&
          error.retryable &&
          (!error.mayHaveTakenEffect || GOTO_IDEMPOTENT_CALLS[method]) &&
          attempt + 1 < MAX_ATTEMPTS;
        if (!retry) throw error;
        await sleep(backoffDelay(attempt, RETRY_BACKOFF));
      }
    }
  }

  /**
   * How this gateway reaches GoTo: GoTo itself. The development entry exports a subclass under
   * the same name that can put the simulator in GoTo's place (src/dev/gateway.ts).
   */
  protected goto(): GoToLink {
    return LIVE_GOTO;
  }

  /** Every HTTP request of every call goes through the rate budget (queued under this connector) and is logged. */
  private limitedFetch(): typeof fetch {
    const inner = budgetedFetch(
      this.env,
      () => getState(this.sql, "connector_id") ?? this.ctx.id.toString(),
      this.goto().fetch,
    );
    return async (input, init) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      try {
        const response = await inner(request);
        recordCall(this.sql, Date.now(), request.method, path, response.status);
        return response;
      } catch (error) {
        recordCall(this.sql, Date.now(), request.method, path, 0);
        throw error;
      }
    };
  }

  /**
   * The gateway's one alarm, at the earliest of: the next discovery (every 10 minutes and on
   * demand), a retry of a webhook set-up that failed, and the hand-off sweep (every few seconds,
   * src/sync/handoff-sweep.ts). It re-arms itself unless the connector is gone, paused or waits
   * for verification (resuming and verifying re-arm it).
   */
  override async alarm(): Promise<void> {
    const connectorId = getState(this.sql, "connector_id");
    if (!connectorId) return;
    const db = createDb(this.env.DB);
    const connector = await findConnector(db, connectorId);
    if (!connector) {
      await this.forget();
      return;
    }
    if (connector.paused || connector.status !== "verified" || !readTokens(this.sql)) {
      setState(this.sql, "discovery", JSON.stringify({ phase: "waiting", pages: 0, webinars: 0, startedAt: null }));
      return; // resume or verification re-arms the alarm
    }
    try {
      await sweepHandoffs(this.env, db, connectorId, Date.now());
    } catch (error) {
      log("warn", "hand-off sweep failed", { connectorId, ...errorFields(error) });
    }
    let webhooksTried = false;
    const discoveryAt = Number(getState(this.sql, "next_discovery_at") ?? "0");
    if (discoveryAt <= Date.now()) {
      const outcome = await this.discover(connectorId, connector, db);
      if (outcome === "needs_reverification") return; // verifying again re-arms the alarm
      if (outcome === "done") {
        await this.setUpWebhooks(connectorId, db);
        webhooksTried = true;
      }
    }
    if (!webhooksTried && this.webhooksDue(connectorId, Date.now())) await this.setUpWebhooks(connectorId, db);
    await this.armNext();
  }

  private async discover(
    connectorId: string,
    connector: ConnectorRow,
    db: Db,
  ): Promise<"done" | "failed" | "needs_reverification"> {
    try {
      const next = await runDiscovery({
        env: this.env,
        db,
        connector,
        organizerKey: readTokens(this.sql)?.organizerKey ?? "",
        call: (method, args) => this.callOrThrow(method, args),
        progress: (p) => setState(this.sql, "discovery", JSON.stringify(p)),
      });
      setState(this.sql, "next_discovery_at", String(next));
      setState(this.sql, "discovery_failures", null);
      return "done";
    } catch (error) {
      const failures = Number(getState(this.sql, "discovery_failures") ?? "0") + 1;
      setState(this.sql, "discovery_failures", String(failures));
      const message = explainFailure(error);
      log("error", "discovery failed", { connectorId, failures, ...errorFields(error) });
      if (!(error instanceof NeedsReverificationError)) {
        await updateConnector(db, connectorId, { lastError: message, lastErrorAt: new Date().toISOString() });
      }
      setState(
        this.sql,
        "discovery",
        JSON.stringify({ phase: "failed", pages: 0, webinars: 0, startedAt: null, error: message }),
      );
      if (error instanceof NeedsReverificationError) {
        setState(this.sql, "next_discovery_at", null);
        return "needs_reverification";
      }
      const retryAt = Date.now() + backoffStep(failures, DISCOVERY_RETRY);
      setState(this.sql, "next_discovery_at", String(retryAt));
      return "failed";
    }
  }

  /** The one alarm at the earliest thing to do; the sweep makes that a few seconds at most. */
  private async armNext(): Promise<void> {
    const times = [Date.now() + SWEEP_EVERY_MS];
    const discovery = getState(this.sql, "next_discovery_at");
    if (discovery !== null) times.push(Number(discovery));
    const webhooks = getState(this.sql, "webhooks_retry_at");
    if (webhooks !== null) times.push(Number(webhooks));
    await this.wakeAt(times, "replace");
  }

  /**
   * Webhook set-up is due without a discovery when a retryable failure's backoff has passed, or
   * when the subscriptions are incomplete and nothing failed yet (a discovery that failed, a new
   * deployment URL). After a failure GoTo will repeat (a 4xx), the next discovery tries again.
   */
  private webhooksDue(connectorId: string, now: number): boolean {
    const base = webhookBase(this.env, this.goto(), getState(this.sql, "app_origin"));
    if (!base) return false;
    const at = getState(this.sql, "webhooks_retry_at");
    if (at !== null) return Number(at) <= now;
    return getState(this.sql, "webhooks_failures") === null && !webhooksComplete(this.sql, base, connectorId);
  }

  /**
   * Webhooks, after each successful discovery: idempotent, so after the first time it costs
   * no GoTo call. A retryable failure (5xx, timeout, 429) is tried again on a backoff of its own,
   * seconds at first, without waiting for the next discovery; polling remains the safety net.
   */
  private async setUpWebhooks(connectorId: string, db: Db): Promise<void> {
    const base = webhookBase(this.env, this.goto(), getState(this.sql, "app_origin"));
    if (!base) return;
    try {
      await ensureWebhooks({
        env: this.env,
        db,
        sql: this.sql,
        connectorId,
        base,
        call: (method, args) => this.callOrThrow(method, args),
      });
      setState(this.sql, "webhooks_error", null);
      setState(this.sql, "webhooks_failures", null);
      setState(this.sql, "webhooks_retry_at", null);
    } catch (error) {
      const failures = Number(getState(this.sql, "webhooks_failures") ?? "0") + 1;
      setState(this.sql, "webhooks_failures", String(failures));
      setState(this.sql, "webhooks_error", explainFailure(error));
      const retryAt =
        webhookSetupRetryable(error) && !webhooksComplete(this.sql, base, connectorId)
          ? Date.now() + backoffDelay(failures - 1, WEBHOOK_RETRY)
          : null;
      setState(this.sql, "webhooks_retry_at", retryAt === null ? null : String(retryAt));
      log("warn", "webhook set-up failed", { connectorId, failures, retryAt, ...errorFields(error) });
    }
  }

  /**
   * A verified webhook event for this connector. Replays (same eventKey) are dropped. Webinar
   * events bring discovery forward; registrant events go to their webinar's WebinarSync, which
   * ingests them like a poll would (an unknown webinar brings discovery forward instead).
   */
  async receiveEvent(event: WebhookEvent): Promise<"accepted" | "duplicate"> {
    if (!firstSighting(this.sql, event.eventKey, Date.now())) return "duplicate";
    const connectorId = this.connectorId();
    const soon = Date.now() + 2_000;
    const forWebinar = event.eventName.startsWith("registrant.") || event.eventName === "survey.submitted";
    if (forWebinar && event.webinarKey) {
      const webinar = await findWebinarByKey(createDb(this.env.DB), connectorId, event.webinarKey);
      if (webinar) {
        await this.env.WEBINAR_SYNC.getByName(webinar.id).receiveEvent({
          ...event,
          webinarId: webinar.id,
          connectorId,
        });
        return "accepted";
      }
    }
    await this.discoverAt(soon);
    return "accepted";
  }

  /** The connector's webhook subscriptions, the last set-up error, and when a failed set-up is tried again. */
  async webhooks(): Promise<{ subscriptions: StoredWebhook[]; error: string | null; retryAt: string | null }> {
    const retryAt = getState(this.sql, "webhooks_retry_at");
    return {
      subscriptions: readWebhooks(this.sql),
      error: getState(this.sql, "webhooks_error"),
      retryAt: retryAt ? new Date(Number(retryAt)).toISOString() : null,
    };
  }
}
