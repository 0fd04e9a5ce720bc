/** The console's data: what one render shows (organizers, webinars, the selected one, settings) and time/status formats. */

import type { SimServices } from "../http";
import { listOrganizers, type OrganizerRow } from "../model-organizers";
import { phaseOf, type sessionsOf } from "../model-webinars";
import type { WebinarRow } from "../rows";
import { readSettings, type SimSettings } from "../settings";
import { all } from "../storage";

export interface Flash {
  kind: "success" | "error";
  text: string;
}

export interface ConsoleData {
  organizers: OrganizerRow[];
  webinars: (WebinarRow & { organizer_email: string; registrant_count: number; first_start: number | null })[];
  selected: WebinarRow | null;
  settings: SimSettings;
  now: number;
}

export function load(sim: SimServices, selectedKey: string | undefined): ConsoleData {
  const webinars = all<ConsoleData["webinars"][number]>(
    sim.sql,
    `SELECT w.*, o.email AS organizer_email,
       (SELECT count(*) FROM registrants r WHERE r.webinar_key = w.webinar_key) AS registrant_count,
       (SELECT MIN(start_ms) FROM sessions s WHERE s.webinar_key = w.webinar_key) AS first_start
     FROM webinars w JOIN organizers o ON o.organizer_key = w.organizer_key
     ORDER BY w.created_at DESC, w.webinar_key LIMIT 100`,
  );
  const selected = webinars.find((w) => w.webinar_key === selectedKey) ?? webinars[0] ?? null;
  return { organizers: listOrganizers(sim.sql), webinars, selected, settings: readSettings(sim.sql), now: sim.now() };
}

/** "2030-01-01T15:00" from a datetime-local input, read as UTC. */
export function fromLocalInput(value: string | undefined): string {
  if (!value) return "";
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value;
}

export function toLocalInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

export function statusOf(w: WebinarRow, sessions: ReturnType<typeof sessionsOf>, now: number): string {
  if (w.cancelled_at !== null) return "cancelled";
  const phase = phaseOf(sessions, now);
  return phase === "inSession" ? "in session" : phase;
}
