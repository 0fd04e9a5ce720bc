import { sql } from "drizzle-orm";
import * as v from "valibot";
import type { RegistrationFact } from "./facts";
import { defineKind, type NameLookup } from "./kind";
import {
  existsRegistration,
  Id,
  registrationsInScope,
  scoped,
  scopeFields,
  scopeReferences,
  scopeWords,
} from "./webinar-kinds";

/**
 * Conditions on attendance per session (series and sequences have several): which sessions of a
 * webinar a prospect attended, and the share of a session it stayed for.
 */

export const SESSION_CHOICES = ["any", "all", "latest"] as const;
export type SessionChoice = (typeof SESSION_CHOICES)[number];

const SESSION_WORDS: Record<SessionChoice, string> = {
  any: "any session of",
  all: "all sessions of",
  latest: "the latest session of",
};

function webinarName(id: string, names: NameLookup): string {
  const name = names.webinar(id);
  return name === null ? "a deleted webinar" : `“${name}”`;
}

/** The latest session read: the last to start (then the greater key, as the SQL orders them). */
function latestSession(r: RegistrationFact): string | null {
  const read = [...(r.sessionsRead ?? [])].sort((a, b) =>
    a.startsAt === b.startsAt ? (a.sessionKey < b.sessionKey ? -1 : 1) : a.startsAt < b.startsAt ? -1 : 1,
  );
  return read.at(-1)?.sessionKey ?? null;
}

/**
 * Pure: attended any session (GoTo's attendance, or a session row), every session (each of the
 * webinar's sessions has ended, been read and been attended), or the latest session read.
 */
export function attendedSessions(choice: SessionChoice, r: RegistrationFact): boolean {
  const attended = new Set((r.sessions ?? []).map((s) => s.sessionKey));
  switch (choice) {
    case "any":
      return r.attended || attended.size > 0;
    case "all": {
      const read = r.sessionsRead ?? [];
      return (
        read.length > 0 &&
        read.length >= Math.max(1, r.sessionCount ?? 1) &&
        read.every((s) => attended.has(s.sessionKey))
      );
    }
    case "latest": {
      const latest = latestSession(r);
      return latest !== null && attended.has(latest);
    }
  }
  return false;
}

export const attendedSessionsKind = defineKind({
  kind: "attended_sessions",
  label: "Attended sessions",
  section: "Webinars",
  schema: v.object({
    which: v.picklist(SESSION_CHOICES, "Choose which sessions: any, all or the latest."),
    webinarId: Id("a webinar"),
  }),
  fields: [
    {
      name: "which",
      label: "Sessions",
      type: "select",
      options: [
        { value: "any", label: "Any session" },
        { value: "all", label: "All sessions" },
        { value: "latest", label: "The latest session" },
      ],
    },
    { name: "webinarId", label: "Webinar", type: "webinar" },
  ],
  defaults: { which: "all" },
  describe: (p, names) => `Attended ${SESSION_WORDS[p.which]} ${webinarName(p.webinarId, names)}`,
  evaluate: (p, facts) => facts.registrations.some((r) => r.webinarId === p.webinarId && attendedSessions(p.which, r)),
  sql: (p) => sql`EXISTS (SELECT 1 FROM registrations r JOIN webinars w ON w.id = r.webinar_id
    WHERE r.prospect_id = p.id AND r.webinar_id = ${p.webinarId}
      AND (CASE ${p.which}
        WHEN 'any' THEN r.attended = 1
          OR EXISTS (SELECT 1 FROM session_attendance sa WHERE sa.prospect_id = p.id AND sa.webinar_id = r.webinar_id)
        WHEN 'all' THEN (SELECT count(*) FROM webinar_sessions ws WHERE ws.webinar_id = r.webinar_id)
              >= max(1, json_array_length(w.times))
          AND NOT EXISTS (SELECT 1 FROM webinar_sessions ws WHERE ws.webinar_id = r.webinar_id
            AND NOT EXISTS (SELECT 1 FROM session_attendance sa WHERE sa.prospect_id = p.id
              AND sa.webinar_id = ws.webinar_id AND sa.session_key = ws.session_key))
        WHEN 'latest' THEN EXISTS (SELECT 1 FROM session_attendance sa WHERE sa.prospect_id = p.id
          AND sa.webinar_id = r.webinar_id
          AND sa.session_key = (SELECT ws.session_key FROM webinar_sessions ws WHERE ws.webinar_id = r.webinar_id
            ORDER BY ws.starts_at DESC, ws.session_key DESC LIMIT 1))
        ELSE 0 END))`,
  references: (p) => [{ type: "webinar", id: p.webinarId, param: "webinarId" }],
  reads: ["registrations", "sessions_read"],
  readsOnlyWhen: { sessions_read: { param: "which", values: ["all", "latest"] } },
});

export const attendedShare = defineKind({
  kind: "attended_share",
  label: "Attended at least N % of the session",
  section: "Webinars",
  schema: scoped({
    percent: v.pipe(
      v.number("Enter the percent as a whole number."),
      v.integer("Enter the percent as a whole number."),
      v.minValue(1, "Enter at least 1 %."),
      v.maxValue(100, "Enter at most 100 %."),
    ),
  }),
  fields: [
    {
      name: "percent",
      label: "Share of the session",
      type: "number",
      min: 1,
      max: 100,
      suffix: "%",
      hint: "For a webinar with several sessions: of any one of them.",
    },
    ...scopeFields,
  ],
  defaults: { percent: "80", scope: "webinar" },
  describe: (p, names) => `Attended at least ${p.percent}% of a session of ${scopeWords(p, names)}`,
  evaluate: (p, facts) =>
    registrationsInScope(p, facts).some((r) => (r.sessions ?? []).some((s) => s.share >= p.percent)),
  sql: (p) =>
    existsRegistration(
      p,
      sql`EXISTS (SELECT 1 FROM session_attendance sa WHERE sa.prospect_id = p.id AND sa.webinar_id = r.webinar_id
        AND sa.share >= ${p.percent})`,
    ),
  references: scopeReferences,
  reads: ["registrations"],
});
