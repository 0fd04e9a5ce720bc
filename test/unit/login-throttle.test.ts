import { describe, expect, it } from "vitest";
import {
  MAX_FAILURES_PER_EMAIL,
  MAX_FAILURES_PER_IP,
  THROTTLE_WINDOW_MS,
  throttleVerdict,
  windowStart,
} from "../../src/domain/login-throttle";

describe("throttleVerdict", () => {
  it.each([
    { byEmail: 0, byIp: 0, allowed: true, reason: undefined },
    { byEmail: MAX_FAILURES_PER_EMAIL - 1, byIp: 0, allowed: true, reason: undefined },
    { byEmail: MAX_FAILURES_PER_EMAIL, byIp: 0, allowed: false, reason: "email" },
    { byEmail: 0, byIp: MAX_FAILURES_PER_IP - 1, allowed: true, reason: undefined },
    { byEmail: 0, byIp: MAX_FAILURES_PER_IP, allowed: false, reason: "ip" },
    { byEmail: MAX_FAILURES_PER_EMAIL + 3, byIp: MAX_FAILURES_PER_IP + 3, allowed: false, reason: "email" },
  ])("email $byEmail, ip $byIp -> allowed $allowed", ({ byEmail, byIp, allowed, reason }) => {
    const verdict = throttleVerdict({ byEmail, byIp });
    expect(verdict.allowed).toBe(allowed);
    if (!verdict.allowed) {
      expect(verdict.reason).toBe(reason);
      expect(verdict.retryAfterSeconds).toBe(THROTTLE_WINDOW_MS / 1000);
    }
  });

  it("counts from a window that ends now", () => {
    const now = new Date("2026-11-28T12:00:00.000Z");
    expect(windowStart(now)).toBe("2026-11-28T11:45:00.000Z");
  });
});
