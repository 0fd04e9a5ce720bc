import type { WebinarSession, WebinarStatus } from "./webinars";

/** What discovery knows of a webinar, in the shape it is stored. */
export interface WebinarFacts {
  webinarKey: string;
  subject: string;
  description: string | null;
  times: WebinarSession[];
  timeZone: string | null;
  registrationUrl: string | null;
  approvalType: string | null;
}

/** A stored webinar as discovery compares it with GoTo's listing. */
export interface StoredWebinarFingerprint {
  id: string;
  webinarKey: string;
  fingerprint: string;
  status: WebinarStatus;
  startsAt: string;
}

/** One string per webinar's stored facts: equal fingerprints mean there is nothing to write. */
export function fingerprint(f: WebinarFacts, status: WebinarStatus): string {
  return JSON.stringify([f.subject, f.description, f.times, f.timeZone, f.registrationUrl, f.approvalType, status]);
}

/** Discovery looks a year back (history) and a year ahead. */
export const DISCOVERY_BACK_MS = 365 * 24 * 60 * 60 * 1000;
export const DISCOVERY_AHEAD_MS = 365 * 24 * 60 * 60 * 1000;
/** New webinars appear within 10 minutes. */
export const DISCOVERY_INTERVAL_MS = 10 * 60 * 1000;

export interface DiscoveryWindow {
  fromTime: string;
  toTime: string;
}

export function discoveryWindow(now: Date): DiscoveryWindow {
  return {
    fromTime: new Date(now.getTime() - DISCOVERY_BACK_MS).toISOString().replace(/\.\d{3}Z$/, "Z"),
    toTime: new Date(now.getTime() + DISCOVERY_AHEAD_MS).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

export interface DiscoveryPlan {
  /** New or changed webinars to write (with their existing id, or a new one). */
  writes: { id: string; facts: WebinarFacts; isNew: boolean }[];
  /** Stored, scheduled webinars inside the window that GoTo no longer lists: cancelled. */
  cancelled: string[];
}

/**
 * Compares what GoTo listed with what D1 holds. Pure, so "running it again changes nothing" is a
 * property of this function: the same listing against its own result plans no writes.
 */
export function planDiscovery(
  stored: readonly StoredWebinarFingerprint[],
  listed: readonly WebinarFacts[],
  window: DiscoveryWindow,
  newId: () => string,
): DiscoveryPlan {
  const byKey = new Map(stored.map((s) => [s.webinarKey, s]));
  const seen = new Set<string>();
  const writes: DiscoveryPlan["writes"] = [];
  for (const facts of listed) {
    if (seen.has(facts.webinarKey)) continue;
    seen.add(facts.webinarKey);
    const existing = byKey.get(facts.webinarKey);
    if (!existing) writes.push({ id: newId(), facts, isNew: true });
    else if (existing.fingerprint !== fingerprint(facts, "scheduled"))
      writes.push({ id: existing.id, facts, isNew: false });
  }
  const from = Date.parse(window.fromTime);
  const to = Date.parse(window.toTime);
  const cancelled = stored
    .filter((s) => s.status === "scheduled" && !seen.has(s.webinarKey))
    .filter((s) => {
      const start = Date.parse(s.startsAt);
      return start >= from && start <= to;
    })
    .map((s) => s.id);
  return { writes, cancelled };
}
