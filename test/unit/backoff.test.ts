import { describe, expect, it } from "vitest";
import { backoffDelay, backoffStep } from "../../src/domain/backoff";

describe("backoff", () => {
  it("steps double from the base up to the cap, without jitter", () => {
    const config = { baseMs: 30_000, maxMs: 10 * 60_000 };
    // The gateway's discovery retry: 1, 2, 4, 8 minutes, then every 10 minutes.
    expect([1, 2, 3, 4, 5, 6, 20].map((f) => backoffStep(f, config))).toEqual([
      60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000,
    ]);
    for (let failures = 0; failures <= 40; failures++) {
      expect(backoffStep(failures, config)).toBe(Math.min(10 * 60_000, 30_000 * 2 ** Math.min(failures, 5)));
    }
    expect(backoffStep(-3, config)).toBe(30_000);
  });

  it("jitters each delay between half its step and the whole step", () => {
    const config = { baseMs: 500, maxMs: 10 * 60_000 };
    for (let attempt = 0; attempt < 25; attempt++) {
      const step = backoffStep(attempt, config);
      expect(backoffDelay(attempt, config, () => 0)).toBe(Math.floor(step / 2));
      expect(backoffDelay(attempt, config, () => 0.999_999)).toBeLessThanOrEqual(step);
      expect(backoffDelay(attempt, config, () => 0.999_999)).toBeGreaterThanOrEqual(Math.floor(step / 2));
    }
  });
});
