import { DurableObject, exports } from "cloudflare:workers";
import { migrateDurableStorage } from "../lib/do-schema";
import { createSimApp } from "./app";
import { deliverDue, isLoopback, nextDeliveryAt } from "./delivery";
import type { SimApp } from "./http";
import { readSettings } from "./settings";
import { SIM_MIGRATIONS } from "./storage";

/** Requests per limiter (an OAuth client or a token) inside the last second, for the rate limit (memory only). */
const WINDOW_MS = 1000;

/**
 * GoToSimulator: a faithful GoToWebinar (OAuth server and REST API v2) with its own SQLite state,
 * a control API and a console, served under /sim in simulator mode only. One instance:
 * `env.GOTO_SIMULATOR.getByName("default")`. Everything goes through `fetch`, so the real HTTP
 * shapes are exercised; webhook events are delivered by the alarm (delivery.ts).
 */
export class GoToSimulator extends DurableObject<Env> {
  private version = 0;
  private readonly app: SimApp;
  private readonly recent = new Map<string, number[]>();

  /**
   * The fetch used for webhook callbacks (validation GETs and event posts). Callbacks on a
   * loopback host go straight into this Worker (the local Rollcall: `npm start`, the tests);
   * others use the global fetch. Tests may replace it inside runInDurableObject to observe deliveries.
   */
  deliveryFetch: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    return isLoopback(new URL(request.url)) ? exports.default.fetch(request) : fetch(request);
  };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.version = migrateDurableStorage(ctx.storage.sql, SIM_MIGRATIONS);
    });
    this.app = createSimApp(
      {
        sql: ctx.storage.sql,
        env,
        now: () => Date.now(),
        deliveryFetch: () => this.deliveryFetch,
        allowRequest: (limiter, limit) => this.allowRequest(limiter, limit),
      },
      (fn) => ctx.storage.transactionSync(fn),
    );
  }

  /** The storage schema version; lets tests and later migrations see the object is alive. */
  async schemaVersion(): Promise<number> {
    return this.version;
  }

  /** Every /sim request (from the Worker route or from simulatorFetch) arrives here. */
  override async fetch(request: Request): Promise<Response> {
    const response = await this.app.fetch(request);
    await this.scheduleDeliveries();
    return response;
  }

  override async alarm(): Promise<void> {
    try {
      if (readSettings(this.ctx.storage.sql).webhookDelivery === "fetch") {
        await deliverDue(this.ctx.storage.sql, this.deliveryFetch, () => Date.now());
      }
    } finally {
      await this.scheduleDeliveries();
    }
  }

  /** Posts every due webhook delivery now (tests and the console call this instead of waiting). */
  async deliverNow(): Promise<number> {
    const sent = await deliverDue(this.ctx.storage.sql, this.deliveryFetch, () => Date.now());
    await this.scheduleDeliveries();
    return sent;
  }

  /** One alarm, armed at the earliest pending delivery (re-armed after every change). */
  private async scheduleDeliveries(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const at = readSettings(sql).webhookDelivery === "fetch" ? nextDeliveryAt(sql) : null;
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(Math.max(at, Date.now()));
  }

  private allowRequest(limiter: string, limitPerSecond: number): boolean {
    const now = Date.now();
    const times = (this.recent.get(limiter) ?? []).filter((t) => now - t < WINDOW_MS);
    const allowed = times.length < limitPerSecond;
    if (allowed) times.push(now);
    this.recent.set(limiter, times);
    if (this.recent.size > 10_000) this.recent.clear();
    return allowed;
  }
}
