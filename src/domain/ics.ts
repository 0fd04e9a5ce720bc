/**
 * An iCalendar file (RFC 5545) for a webinar registration: one VEVENT per session, times in UTC,
 * the webinar's time zone named in X-WR-TIMEZONE, the join link in URL, LOCATION and DESCRIPTION.
 * Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.
 */
export interface CalendarInput {
  /** Stable per registration, so a second download updates the same events. */
  uid: string;
  /** The host named in each UID, e.g. the app's own. */
  host: string;
  subject: string;
  description: string | null;
  sessions: readonly { startTime: string; endTime: string }[];
  timeZone: string | null;
  joinUrl: string | null;
  now: Date;
}

/** TEXT values: backslash, semicolon, comma and newlines escaped (section 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** `20261208T150000Z`: a DATE-TIME in UTC. */
export function utcStamp(iso: string | Date): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

const encoder = new TextEncoder();

/** Splits a content line into pieces of at most 75 octets; continuation lines start with a space. */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    // The first line holds 75 octets; each continuation holds 74 after its leading space.
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** Drops control characters GoTo's text may carry; TEXT may not hold them (newlines are escaped first). */
function clean(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

export function calendarFile(input: CalendarInput): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Rollcall//Webinar registration//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
  ];
  if (input.timeZone) lines.push(`X-WR-TIMEZONE:${escapeText(clean(input.timeZone))}`);
  const stamp = utcStamp(input.now);
  const described = [
    input.joinUrl ? `Join the webinar: ${input.joinUrl}` : "GoTo's confirmation email has your join link.",
    input.description ? clean(input.description) : "",
  ]
    .filter(Boolean)
    .join("\n\n");
  input.sessions.forEach((s, i) => {
    const summary =
      input.sessions.length > 1 ? `${input.subject} (session ${i + 1} of ${input.sessions.length})` : input.subject;
    lines.push(
      "BEGIN:VEVENT",
      `UID:${input.uid}-${i + 1}@${input.host}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utcStamp(s.startTime)}`,
      `DTEND:${utcStamp(s.endTime)}`,
      `SUMMARY:${escapeText(clean(summary))}`,
      `DESCRIPTION:${escapeText(described)}`,
    );
    if (input.joinUrl) lines.push(`URL:${input.joinUrl}`, `LOCATION:${escapeText(input.joinUrl)}`);
    lines.push("END:VEVENT");
  });
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
