/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `burst`. Every GoTo call of a
 * connector takes one token, so all its webinars together stay under GoTo's limit. Pure: the
 * caller keeps the state and the clock, which makes the arithmetic table-testable.
 */
export interface BucketState {
  tokens: number;
  updatedAt: number;
}

export interface BucketConfig {
  ratePerSecond: number;
  burst: number;
}

export function fullBucket(config: BucketConfig, now: number): BucketState {
  return { tokens: config.burst, updatedAt: now };
}

/**
 * Reserves one token. Returns the new state and how long the caller must wait before its call
 * (0 when a token was there). Reservations may drive `tokens` negative: that is the queue.
 */
export function reserveToken(
  state: BucketState,
  config: BucketConfig,
  now: number,
): { state: BucketState; waitMs: number } {
  const elapsed = Math.max(0, now - state.updatedAt) / 1000;
  const tokens = Math.min(config.burst, state.tokens + elapsed * config.ratePerSecond) - 1;
  const waitMs = tokens >= 0 ? 0 : Math.ceil((-tokens / config.ratePerSecond) * 1000);
  return { state: { tokens, updatedAt: now }, waitMs };
}
