const DAY_MS = 86_400_000;

/** The dates attribution covers when none are given: webinars of the last 90 days and the next 90 (UTC days). */
export function defaultAttributionRange(now: number): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(now - 90 * DAY_MS), to: day(now + 90 * DAY_MS) };
}
