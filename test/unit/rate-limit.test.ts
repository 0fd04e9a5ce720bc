import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/domain/backoff";
import { fullBucket, reserveToken } from "../../src/domain/rate-limit";
import { bucketFor } from "../../src/sync/gateway";

describe("token bucket", () => {
  const config = { ratePerSecond: 8, burst: 1 };

  it("lets the burst through at once, then spaces reservations at the rate", () => {
    let state = fullBucket(config, 0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = reserveToken(state, config, 0);
      state = r.state;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 125, 250, 375, 500]);
  });

  it("refills with time, never beyond the burst", () => {
    const r1 = reserveToken(fullBucket(config, 0), config, 0);
    const r2 = reserveToken(r1.state, config, 10_000);
    expect(r2.waitMs).toBe(0);
    expect(r2.state.tokens).toBe(0); // refilled to burst (1), then one taken
  });

  it.each([10, 40, 100])("never lets more than the limit through in any one-second window (limit %i)", (limit) => {
    const cfg = bucketFor(limit);
    let state = fullBucket(cfg, 0);
    const sendTimes: number[] = [];
    // 5 * limit callers all arrive at t = 0..99 ms.
    for (let i = 0; i < limit * 5; i++) {
      const now = i % 100;
      const r = reserveToken(state, cfg, now);
      state = r.state;
      sendTimes.push(now + r.waitMs);
    }
    sendTimes.sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0; i < sendTimes.length; i++) {
      let j = i;
      while (j < sendTimes.length && (sendTimes[j] ?? 0) < (sendTimes[i] ?? 0) + 1000) j++;
      worst = Math.max(worst, j - i);
    }
    expect(worst).toBeLessThan(limit);
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
