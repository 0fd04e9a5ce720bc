import type { FC } from "hono/jsx";

/** A time zone Intl knows, else UTC (GoTo may give none, or one this runtime does not have). */
function knownZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** "8 Dec 2026, 15:00 CET": a moment as read in the given time zone. */
export function zonedTime(iso: string, timeZone: string | null | undefined): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: knownZone(timeZone),
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(d);
}

/**
 * A webinar's time in its own time zone, as the server writes it; public/js/local-time.js adds
 * the same moment in the viewer's time zone below it when that zone differs.
 */
export const ZonedTime: FC<{ iso: string; timeZone: string | null }> = ({ iso, timeZone }) => (
  <span class="zoned-time">
    <time datetime={iso} data-zone={knownZone(timeZone)}>
      {zonedTime(iso, timeZone)}
    </time>
  </span>
);
