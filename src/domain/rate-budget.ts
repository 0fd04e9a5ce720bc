import { type BackoffConfig, backoffDelay } from "./backoff";

/**
 * The arithmetic of the shared GoTo rate budget: when the next permit may be issued, and how the
 * budget reacts to GoTo's 429s. Pure: the caller keeps the state and the clock.
 *
 * GoTo counts requests in a sliding second. Permits are issued so that any `ceiling + 1`
 * consecutive permits span at least one second plus `marginMs`: as long as the delay between a
 * permit and its request arriving at GoTo varies by less than the margin, GoTo never sees more
 * than `ceiling` requests in any one-second window. A short-window rule spaces permits out (a
 * burst of one, or 2% of a limit above 100/s) so requests do not arrive in clumps.
 */
export interface BudgetState {
  /** The configured limit, requests per second. */
  limit: number;
  /** The limit in force: lowered on 429s, raised back by one per calm `recoverMs`. */
  ceiling: number;
  /** Issue times of the latest permits, ascending (at most `limit` kept). */
  issued: number[];
  /** 429 episodes in a row without a success in between. */
  streak: number;
  /** No permit before this time (the backoff after a 429). */
  pausedUntil: number;
  /** When the current 429 episode began; 429s of permits issued before it belong to it. */
  episodeAt: number;
  /** Since when the ceiling has not changed (for recovery). */
  calmSince: number;
}

/**
 * How much the delay from permit to GoTo may vary. Measured locally (test/bench/budget.bench.ts),
 * the first permits after a burst of work arrive up to ~70 ms late while their gateway is busy.
 */
export const BUDGET_MARGIN_MS = 75;
export const BUDGET_RECOVER_MS = 5_000;
/** The first pause is a slot or two (GoTo's sliding second frees one by then), doubling from there. */
export const BUDGET_BACKOFF: BackoffConfig = { baseMs: 250, maxMs: 16_000 };

export function newBudget(limit: number, now: number): BudgetState {
  return {
    limit,
    ceiling: limit,
    issued: [],
    streak: 0,
    pausedUntil: 0,
    episodeAt: Number.NEGATIVE_INFINITY,
    calmSince: now,
  };
}

/** The same budget under a new configured limit; its history of permits still counts. */
export function withLimit(state: BudgetState, limit: number, now: number): BudgetState {
  return { ...state, limit, ceiling: limit, issued: state.issued.slice(-limit), calmSince: now };
}

/** The burst the short-window rule allows: one below 100/s (evenly spaced), 2% of the limit above. */
export function burstOf(ceiling: number): number {
  return Math.max(1, Math.floor(ceiling / 50));
}

/** Raises a lowered ceiling by one for every calm `BUDGET_RECOVER_MS` since it last changed. */
function recovered(state: BudgetState, now: number): BudgetState {
  if (state.ceiling >= state.limit || now - state.calmSince < BUDGET_RECOVER_MS) return state;
  const steps = Math.floor((now - state.calmSince) / BUDGET_RECOVER_MS);
  return {
    ...state,
    ceiling: Math.min(state.limit, state.ceiling + steps),
    calmSince: state.calmSince + steps * BUDGET_RECOVER_MS,
  };
}

/** The earliest time, not before `now`, at which the next permit may be issued. */
export function nextPermitAt(budget: BudgetState, now: number): number {
  const state = recovered(budget, now);
  const { issued, ceiling } = state;
  let at = Math.max(now, state.pausedUntil);
  const n = issued.length;
  const windowStart = issued[n - ceiling];
  if (windowStart !== undefined) at = Math.max(at, windowStart + 1000 + BUDGET_MARGIN_MS);
  const burst = burstOf(ceiling);
  const burstStart = issued[n - burst];
  if (burstStart !== undefined) {
    // Even spacing would be (1000 + margin) / ceiling; 90% of it lets a late timer catch up.
    at = Math.max(at, burstStart + Math.floor(burst * 0.9 * ((1000 + BUDGET_MARGIN_MS) / ceiling)));
  }
  return at;
}

/** Records a permit issued at `now` (the caller has checked `nextPermitAt(state, now) <= now`). */
export function issuePermit(budget: BudgetState, now: number): BudgetState {
  const state = recovered(budget, now);
  const issued = [...state.issued, now];
  if (issued.length > state.limit) issued.splice(0, issued.length - state.limit);
  return { ...state, issued };
}

/**
 * GoTo answered 429 to a request made on a permit issued at `permitAt`. The first 429 of an
 * episode pauses every permit for a jittered backoff that grows with the streak; 429s of permits
 * issued before the episode began change nothing more. A 429 after a calm spell is taken for a
 * slow hop to GoTo; another episode within `BUDGET_RECOVER_MS` of the last means GoTo allows less
 * than the ceiling, which then drops by a quarter.
 */
export function afterRateLimited(
  state: BudgetState,
  permitAt: number,
  now: number,
  random: () => number = Math.random,
): BudgetState {
  if (permitAt <= state.episodeAt) return state;
  const streak = state.streak + 1;
  const again = now - state.episodeAt < BUDGET_RECOVER_MS;
  return {
    ...state,
    streak,
    ceiling: again ? Math.max(1, Math.ceil(state.ceiling * 0.75)) : state.ceiling,
    pausedUntil: now + backoffDelay(streak - 1, BUDGET_BACKOFF, random),
    episodeAt: now,
    calmSince: now,
  };
}

/** A request on a permit issued after the last 429 episode succeeded: the streak starts over. */
export function afterSuccess(state: BudgetState, permitAt: number): BudgetState {
  if (state.streak === 0 || permitAt <= state.episodeAt) return state;
  return { ...state, streak: 0 };
}

/**
 * Waiting callers queued per key (a connector) and served round-robin: the key served moves to
 * the back, a key that starts waiting joins at the back. A key with one waiting caller is served
 * after at most one caller of every other waiting key, however many those have queued.
 */
export class FairQueue<T> {
  private readonly queues = new Map<string, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string, item: T): void {
    const queue = this.queues.get(key);
    if (queue) queue.push(item);
    else this.queues.set(key, [item]);
    this.count++;
  }

  /** The next caller in round-robin order, or undefined when nobody waits. */
  shift(): { key: string; item: T } | undefined {
    for (const [key, queue] of this.queues) {
      const item = queue.shift();
      this.queues.delete(key);
      if (item === undefined) continue;
      if (queue.length > 0) this.queues.set(key, queue);
      this.count--;
      return { key, item };
    }
    return undefined;
  }

  /** How many callers wait, per key, in serving order. */
  waiting(): { key: string; count: number }[] {
    return [...this.queues].map(([key, queue]) => ({ key, count: queue.length }));
  }
}
