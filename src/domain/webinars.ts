/** A webinar as stored: scheduled, or cancelled in GoTo. */
export type WebinarStatus = "scheduled" | "cancelled";

/** Where a webinar is in its life, as the reports show it. */
export type WebinarPhase = "upcoming" | "in_progress" | "finished" | "cancelled";

/** One session of a webinar, as GoTo gives its times (ISO-8601). */
export interface WebinarSession {
  startTime: string;
  endTime: string;
}

/** Upcoming until the first session starts, in progress until the last one ends, then finished. */
export function webinarPhase(w: { status: string; startsAt: string; endsAt: string }, now: string): WebinarPhase {
  if (w.status === "cancelled") return "cancelled";
  if (now < w.startsAt) return "upcoming";
  if (now < w.endsAt) return "in_progress";
  return "finished";
}

/**
 * The sessions of a stored webinar (its `times` JSON, `[{startTime, endTime}]`): the one parser of
 * that column. Entries whose times are not readable are skipped; none when the JSON is unreadable.
 */
export function webinarSessions(w: { times: string }): WebinarSession[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(w.times);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: WebinarSession[] = [];
  for (const t of parsed as { startTime?: unknown; endTime?: unknown }[]) {
    const { startTime, endTime } = t ?? {};
    if (typeof startTime !== "string" || typeof endTime !== "string") continue;
    if (Number.isFinite(Date.parse(startTime)) && Number.isFinite(Date.parse(endTime)))
      out.push({ startTime, endTime });
  }
  return out;
}

/** What Sync now needs to know of a webinar's connector. */
export interface SyncConnector {
  status: string;
  paused: boolean;
  deleted: boolean;
}

/** Why a webinar cannot be synced now, in the marketer's words; null when it can. */
export function syncRefusal(phase: WebinarPhase, connector: SyncConnector | null): string | null {
  if (phase === "cancelled") return "Cancelled in GoTo: Rollcall no longer syncs it.";
  if (!connector || connector.deleted) return "Its connector was deleted.";
  if (connector.paused) return "Its connector is paused. Resume it to sync.";
  if (connector.status !== "verified") return "Verify its connector to sync.";
  return null;
}
