import { DurableObject } from "cloudflare:workers";
import {
  afterRateLimited,
  afterSuccess,
  type BudgetState,
  FairQueue,
  issuePermit,
  newBudget,
  nextPermitAt,
  withLimit,
} from "../domain/rate-budget";
import { GOTO_DEFAULT_TIMEOUT_MS } from "../gotowebinar/constants";
import { migrateDurableStorage } from "../lib/do-schema";
import { log } from "../lib/log";
import { BUDGET_MIGRATIONS, readLimit, writeLimit } from "./rate-budget-storage";

/** GoTo's default: about 10 requests per second per API, for the whole OAuth client. */
export const GOTO_DEFAULT_RATE_LIMIT = 10;

/** What a gateway gets before each GoTo request; it hands `at` back when it reports the outcome. */
export interface Permit {
  /** When the permit was issued (the budget's clock). */
  at: number;
  /** The budget is recovering from 429s and wants to hear of a success on this permit. */
  report: boolean;
}

/**
 * GoToRateBudget: one per OAuth client (see `rateBudget`), so one per deployment. GoTo's
 * requests-per-second limit is per API and per client ID, so every connector's gateway asks here
 * for a permit before each GoTo request. Callers wait in one queue per connector, served
 * round-robin, so a big import never starves another connector's form registrations. A 429 that
 * a gateway reports pauses everyone. Waiting callers are held as unresolved promises woken by one
 * timer, never by blocking the object, so reports and new requests keep coming in.
 */
export class GoToRateBudget extends DurableObject<Env> {
  private budget: BudgetState = newBudget(GOTO_DEFAULT_RATE_LIMIT, Date.now());
  private readonly waiting = new FairQueue<(permit: Permit) => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrateDurableStorage(ctx.storage.sql, BUDGET_MIGRATIONS);
      const limit = readLimit(ctx.storage.sql);
      if (limit !== null) this.budget = newBudget(limit, Date.now());
    });
  }

  /** GoTo grants higher limits per client ID on request; the budget then spends this one (requests/s). */
  async setLimit(limit: number): Promise<void> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new RangeError("rate limit must be 1 to 1000 requests/s");
    writeLimit(this.ctx.storage.sql, limit);
    this.budget = withLimit(this.budget, limit, Date.now());
    this.serve();
  }

  /** Resolves when the connector may make one GoTo request. */
  async acquire(connectorId: string): Promise<Permit> {
    return new Promise((resolve) => {
      this.waiting.push(connectorId, resolve);
      this.serve();
    });
  }

  /** GoTo answered 429 to a request made on this permit: everyone backs off. */
  async rateLimited(permitAt: number): Promise<void> {
    const before = this.budget;
    this.budget = afterRateLimited(before, permitAt, Date.now());
    if (this.budget !== before) {
      log("warn", "GoTo answered 429: every connector backs off", {
        streak: this.budget.streak,
        pauseMs: this.budget.pausedUntil - Date.now(),
        ceiling: this.budget.ceiling,
      });
    }
    this.serve();
  }

  /** A request on a permit marked `report` was not refused for the rate. */
  async succeeded(permitAt: number): Promise<void> {
    this.budget = afterSuccess(this.budget, permitAt);
  }

  /** Hands out every permit that is due, then sleeps until the next one is. */
  private serve(): void {
    const now = Date.now();
    while (this.waiting.size > 0) {
      const at = nextPermitAt(this.budget, now);
      if (at > now) {
        this.wakeAt(at, now);
        return;
      }
      const next = this.waiting.shift();
      if (!next) return;
      this.budget = issuePermit(this.budget, now);
      next.item({ at: now, report: this.budget.streak > 0 });
    }
  }

  private wakeAt(at: number, now: number): void {
    if (this.timer !== null && this.timerAt <= at) return; // an earlier wake-up re-checks anyway
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.serve();
    }, at - now);
  }
}

/** The deployment's budget: one per OAuth client ID, as GoTo counts. */
export function rateBudget(env: Env): DurableObjectStub<GoToRateBudget> {
  return env.GOTO_RATE_BUDGET.getByName(`client:${env.GOTO_CLIENT_ID ?? ""}`);
}

/**
 * `inner` behind the budget: each request waits for a permit queued under `key` (a connector),
 * and tells the budget of a 429 (and of a success when it asks). The client's timeout began
 * before the wait, and a queue can be long: GoTo's answer is timed from the permit on, so waiting
 * in line never counts as GoTo timing out.
 */
export function budgetedFetch(env: Env, key: () => string, inner: typeof fetch): typeof fetch {
  const budget = rateBudget(env);
  return async (input, init) => {
    const permit = await budget.acquire(key());
    const response = await inner(new Request(input, { ...init, signal: AbortSignal.timeout(GOTO_DEFAULT_TIMEOUT_MS) }));
    if (response.status === 429) await budget.rateLimited(permit.at);
    else if (permit.report) await budget.succeeded(permit.at);
    return response;
  };
}
