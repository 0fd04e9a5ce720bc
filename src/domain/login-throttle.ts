/**
 * Sign-in throttling: failures are counted in a sliding window per email (someone guessing one
 * account's password) and per IP (someone trying many accounts). Pure, so it is table-tested.
 */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

export type ThrottleVerdict = { allowed: true } | { allowed: false; reason: "email" | "ip"; retryAfterSeconds: number };

export function throttleVerdict(failures: { byEmail: number; byIp: number }): ThrottleVerdict {
  const retryAfterSeconds = THROTTLE_WINDOW_MS / 1000;
  if (failures.byEmail >= MAX_FAILURES_PER_EMAIL) return { allowed: false, reason: "email", retryAfterSeconds };
  if (failures.byIp >= MAX_FAILURES_PER_IP) return { allowed: false, reason: "ip", retryAfterSeconds };
  return { allowed: true };
}

export function windowStart(now: Date): string {
  return new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
}
