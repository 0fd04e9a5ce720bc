import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/domain/backoff";
import {
  afterRateLimited,
  afterSuccess,
  BUDGET_MARGIN_MS,
  BUDGET_RECOVER_MS,
  type BudgetState,
  FairQueue,
  issuePermit,
  newBudget,
  nextPermitAt,
  withLimit,
} from "../../src/domain/rate-budget";

/** A seeded generator, so the jitter of a simulated run is the same every time. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** The most requests GoTo's sliding second (`now - t < 1000`) would count at once. */
function worstWindow(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let worst = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1000) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}

/**
 * Issues permits under endless demand for `ms`: each permit is taken when the budget allows it,
 * but the timer that wakes the budget fires up to `lateMs` late, and each request reaches GoTo
 * `hopMs` plus up to `jitterMs` after its permit.
 */
function run(limit: number, ms: number, opts: { lateMs: number; hopMs: number; jitterMs: number }) {
  const random = seeded(limit);
  let state = newBudget(limit, 0);
  let now = 0;
  const arrivals: number[] = [];
  while (now < ms) {
    const at = nextPermitAt(state, now);
    now = at > now ? at + random() * opts.lateMs : now;
    state = issuePermit(state, now);
    arrivals.push(now + opts.hopMs + random() * opts.jitterMs);
  }
  return { arrivals, perSecond: (arrivals.length / ms) * 1000 };
}

describe("rate budget: permits", () => {
  it.each([1, 2, 10, 40, 100, 1000])(
    "at a limit of %i/s: spends at least 90 percent of it, never more than it in any GoTo second",
    (limit) => {
      const { arrivals, perSecond } = run(limit, 20_000, { lateMs: 4, hopMs: 10, jitterMs: BUDGET_MARGIN_MS - 1 });
      expect(worstWindow(arrivals)).toBeLessThanOrEqual(limit);
      expect(perSecond).toBeGreaterThanOrEqual(limit * 0.9);
    },
  );

  it("spaces permits out instead of handing a whole second's worth at once", () => {
    let state = newBudget(10, 0);
    const times: number[] = [];
    let now = 0;
    for (let i = 0; i < 12; i++) {
      now = nextPermitAt(state, now);
      state = issuePermit(state, now);
      times.push(now);
    }
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
    // The 11th permit is at least a second and the margin after the first.
    expect((times[10] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1000 + BUDGET_MARGIN_MS);
  });

  it("issues at once when the budget is idle", () => {
    expect(nextPermitAt(newBudget(10, 0), 5_000)).toBe(5_000);
    const used = issuePermit(newBudget(10, 0), 0);
    expect(nextPermitAt(used, 5_000)).toBe(5_000);
  });

  it("a new limit applies at once, and the permits already issued still count", () => {
    let state = newBudget(10, 0);
    for (let i = 0; i < 5; i++) state = issuePermit(state, nextPermitAt(state, i * 100));
    const lowered = withLimit(state, 2, 500);
    // Two permits per second now: the last two were at 300 and 400.
    expect(nextPermitAt(lowered, 500)).toBeGreaterThanOrEqual(300 + 1000);
  });
});

describe("rate budget: 429s", () => {
  const busy = (): BudgetState => {
    let state = newBudget(10, 0);
    for (let i = 0; i < 10; i++) state = issuePermit(state, nextPermitAt(state, 0));
    return state;
  };

  it("pauses every permit for a jittered backoff", () => {
    const state = afterRateLimited(busy(), 900, 1_000, () => 0);
    expect(state).toMatchObject({ streak: 1, ceiling: 10, pausedUntil: 1_125, episodeAt: 1_000 });
    expect(nextPermitAt(state, 1_000)).toBeGreaterThanOrEqual(1_125);
    const high = afterRateLimited(busy(), 900, 1_000, () => 0.999);
    expect(high.pausedUntil).toBeGreaterThan(1_240);
    expect(high.pausedUntil).toBeLessThan(1_250);
  });

  it("lowers the ceiling by a quarter when 429s come back soon after the last episode, not after a calm spell", () => {
    const first = afterRateLimited(busy(), 900, 1_000, () => 0);
    const soon = afterRateLimited(afterSuccess(first, 1_200), 1_700, 1_800, () => 0);
    expect(soon).toMatchObject({ streak: 1, ceiling: 8 });
    expect(afterRateLimited(soon, 1_900, 2_000, () => 0).ceiling).toBe(6);
    const calm = afterRateLimited(first, 1_000 + BUDGET_RECOVER_MS + 1, 1_000 + BUDGET_RECOVER_MS + 10, () => 0);
    expect(calm).toMatchObject({ streak: 2, ceiling: 10 });
  });

  it("counts 429s of permits issued before the episode as the same episode", () => {
    const first = afterRateLimited(busy(), 900, 1_000, () => 0);
    expect(afterRateLimited(first, 950, 1_010, () => 0)).toEqual(first);
    expect(afterRateLimited(first, 1_000, 1_020, () => 0)).toEqual(first);
  });

  it.each([
    [1, 125, 250],
    [2, 250, 500],
    [3, 500, 1_000],
    [7, 8_000, 16_000],
    [9, 8_000, 16_000],
  ])("episode %i in a row pauses %i to %i ms", (episodes, low, high) => {
    for (const random of [() => 0, () => 0.9999]) {
      let state = busy();
      let now = 1_000;
      for (let i = 0; i < episodes; i++) {
        state = afterRateLimited(state, now - 1, now, random);
        now = state.pausedUntil + 10; // a permit after the pause draws a 429 again
      }
      const pause = state.pausedUntil - state.episodeAt;
      expect(pause).toBeGreaterThanOrEqual(low);
      expect(pause).toBeLessThan(high);
    }
  });

  it("starts the streak over on a success after the episode, not on one from before it", () => {
    const state = afterRateLimited(busy(), 900, 1_000, () => 0);
    expect(afterSuccess(state, 990).streak).toBe(1);
    expect(afterSuccess(state, 1_600).streak).toBe(0);
  });

  it("raises a lowered ceiling by one per calm interval, up to the limit", () => {
    let state = afterRateLimited(busy(), 900, 1_000, () => 0);
    state = afterRateLimited(state, 1_600, 1_700, () => 0);
    state = afterRateLimited(state, 2_300, 2_400, () => 0);
    expect(state.ceiling).toBe(6);
    state = issuePermit(state, 2_400 + BUDGET_RECOVER_MS);
    expect(state.ceiling).toBe(7);
    state = issuePermit(state, 2_400 + 10 * BUDGET_RECOVER_MS);
    expect(state.ceiling).toBe(10);
  });
});

describe("fair queue", () => {
  const order = (queue: FairQueue<string>): string[] => {
    const served: string[] = [];
    for (let next = queue.shift(); next; next = queue.shift()) served.push(next.item);
    return served;
  };

  it("serves a late connector with 3 calls among the first 6, though another has 200 queued", () => {
    const queue = new FairQueue<string>();
    for (let i = 0; i < 200; i++) queue.push("import", `import-${i}`);
    for (let i = 0; i < 3; i++) queue.push("forms", `forms-${i}`);
    const served = order(queue);
    expect(served.slice(0, 6)).toEqual(["import-0", "forms-0", "import-1", "forms-1", "import-2", "forms-2"]);
    expect(served).toHaveLength(203);
    expect(served.filter((s) => s.startsWith("import"))).toEqual(Array.from({ length: 200 }, (_, i) => `import-${i}`));
  });

  it.each([
    [
      ["a", "a", "a", "b", "c"],
      ["a", "b", "c", "a", "a"],
    ],
    [
      ["a", "b", "a", "b"],
      ["a", "b", "a", "b"],
    ],
    [
      ["c", "c", "b", "a", "a"],
      ["c", "b", "a", "c", "a"],
    ],
  ])("pushes %j are served as %j", (pushes, served) => {
    const queue = new FairQueue<string>();
    for (const key of pushes) queue.push(key, key);
    expect(queue.size).toBe(pushes.length);
    expect(order(queue)).toEqual(served);
    expect(queue.size).toBe(0);
  });

  it("a key that ran dry joins at the back when it waits again", () => {
    const queue = new FairQueue<string>();
    queue.push("a", "a1");
    queue.push("b", "b1");
    queue.push("b", "b2");
    expect(queue.shift()?.item).toBe("a1");
    queue.push("c", "c1");
    queue.push("a", "a2");
    expect(queue.waiting()).toEqual([
      { key: "b", count: 2 },
      { key: "c", count: 1 },
      { key: "a", count: 1 },
    ]);
    expect(order(queue)).toEqual(["b1", "c1", "a2", "b2"]);
  });
});

describe("backoff with jitter", () => {
  const config = { baseMs: 400, maxMs: 8_000 };

  it.each([
    [0, 200, 400],
    [1, 400, 800],
    [2, 800, 1600],
    [5, 4000, 8000],
    [10, 4000, 8000],
  ])("attempt %i waits between %i and %i ms", (attempt, low, high) => {
    expect(backoffDelay(attempt, config, () => 0)).toBe(low);
    expect(backoffDelay(attempt, config, () => 0.999999)).toBeLessThan(high);
    expect(backoffDelay(attempt, config, () => 0.999999)).toBeGreaterThanOrEqual(high - 1);
  });
});
