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

/** The sessions of a stored webinar (its `times` JSON); none when it cannot be read. */
export function webinarSessions(w: { times: string }): WebinarSession[] {
  try {
    const parsed: unknown = JSON.parse(w.times);
    return Array.isArray(parsed) ? (parsed as WebinarSession[]) : [];
  } catch {
    return [];
  }
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
