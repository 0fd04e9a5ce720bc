/**
 * Exponential backoff with "equal jitter": half the exponential step, plus a random part of the
 * other half. Callers that failed together spread out, and none retries at once (a 429 answered
 * by an immediate retry is just another 429). `random` is injectable for tests.
 */
export interface BackoffConfig {
  baseMs: number;
  maxMs: number;
}

/** The exponential step itself, without jitter: `baseMs` doubled per attempt, at most `maxMs`. */
export function backoffStep(attempt: number, config: BackoffConfig): number {
  return Math.min(config.maxMs, config.baseMs * 2 ** Math.max(0, attempt));
}

export function backoffDelay(attempt: number, config: BackoffConfig, random: () => number = Math.random): number {
  const cap = backoffStep(attempt, config);
  return Math.floor(cap / 2 + random() * (cap / 2));
}
