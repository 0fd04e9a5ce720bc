import { type SQL, sql } from "drizzle-orm";
import * as v from "valibot";
import { isAbsent, isRegistered, type ProspectFacts, type RegistrationFact } from "./facts";
import { defineKind, type FieldSpec, type NameLookup, type Reference, type SqlParams } from "./kind";

/** Conditions on a prospect's webinar registrations: its status, and minutes attended. */

export const WEBINAR_STATUSES = ["registered", "accepted", "attended", "absent", "cancelled", "denied"] as const;
export type WebinarStatus = (typeof WEBINAR_STATUSES)[number];

const STATUS_WORDS: Record<WebinarStatus, string> = {
  registered: "Registered for",
  accepted: "Accepted for",
  attended: "Attended",
  absent: "Absent from",
  cancelled: "Cancelled the registration for",
  denied: "Denied registration for",
};

export const SCOPES = ["webinar", "any", "campaign"] as const;
export type Scope = (typeof SCOPES)[number];

export const Id = (what: string) =>
  v.pipe(v.string(`Pick ${what}.`), v.trim(), v.nonEmpty(`Pick ${what}.`), v.maxLength(64, `Pick ${what}.`));

/** Which webinars a condition is about: one, any, or any webinar of a campaign (its connector's). */
const scopeEntries = {
  scope: v.picklist(SCOPES, "Choose which webinars: one webinar, any webinar, or any webinar of a campaign."),
  webinarId: v.nullish(Id("a webinar"), null),
  campaignId: v.nullish(Id("a campaign"), null),
};

export type ScopeParams = { scope: Scope; webinarId: string | null; campaignId: string | null };

/** The id the scope needs is required; the ones it does not need are dropped, so nothing stray is stored. */
export function scoped<E extends v.ObjectEntries>(entries: E) {
  return v.pipe(
    v.object({ ...entries, ...scopeEntries }),
    v.forward(
      v.check((p) => p.scope !== "webinar" || p.webinarId !== null, "Pick a webinar."),
      // The path is one of the scope's own entries; the generic entries hide that from the type.
      ["webinarId"] as never,
    ),
    v.forward(
      v.check((p) => p.scope !== "campaign" || p.campaignId !== null, "Pick a campaign."),
      ["campaignId"] as never,
    ),
    v.transform((p) => ({
      ...p,
      webinarId: p.scope === "webinar" ? p.webinarId : null,
      campaignId: p.scope === "campaign" ? p.campaignId : null,
    })),
  );
}

export const scopeFields: FieldSpec[] = [
  {
    name: "scope",
    label: "Which webinars",
    type: "select",
    options: [
      { value: "webinar", label: "This webinar" },
      { value: "any", label: "Any webinar" },
      { value: "campaign", label: "Any webinar of a campaign" },
    ],
  },
  { name: "webinarId", label: "Webinar", type: "webinar", showWhen: { param: "scope", values: ["webinar"] } },
  { name: "campaignId", label: "Campaign", type: "campaign", showWhen: { param: "scope", values: ["campaign"] } },
];

export function scopeReferences(p: ScopeParams): Reference[] {
  if (p.scope === "webinar" && p.webinarId) return [{ type: "webinar", id: p.webinarId, param: "webinarId" }];
  if (p.scope === "campaign" && p.campaignId) return [{ type: "campaign", id: p.campaignId, param: "campaignId" }];
  return [];
}

function quoted(name: string | null): string {
  return name === null ? "a deleted one" : `“${name}”`;
}

export function scopeWords(p: ScopeParams, names: NameLookup): string {
  if (p.scope === "webinar") {
    const name = p.webinarId ? names.webinar(p.webinarId) : null;
    return name === null ? "a deleted webinar" : `“${name}”`;
  }
  if (p.scope === "campaign") {
    return `any webinar of campaign ${quoted(p.campaignId ? names.campaign(p.campaignId) : null)}`;
  }
  return "any webinar";
}

export function inScope(p: ScopeParams, r: RegistrationFact): boolean {
  if (p.scope === "webinar") return r.webinarId === p.webinarId;
  if (p.scope === "campaign") return r.campaignId !== null && r.campaignId === p.campaignId;
  return true;
}

export function registrationsInScope(p: ScopeParams, facts: ProspectFacts): RegistrationFact[] {
  return facts.registrations.filter((r) => inScope(p, r));
}

/** Registrations `r` (joined to their webinar `w`) of prospect `p` in the scope, with a condition on them. */
export function existsRegistration(p: SqlParams<ScopeParams>, condition: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM registrations r JOIN webinars w ON w.id = r.webinar_id
    WHERE r.prospect_id = p.id
      AND (${p.scope} = 'any'
        OR (${p.scope} = 'webinar' AND r.webinar_id = ${p.webinarId})
        OR (${p.scope} = 'campaign' AND w.connector_id IN (SELECT cn.id FROM connectors cn WHERE cn.campaign_id = ${p.campaignId})))
      AND (${condition}))`;
}

const REGISTERED_SQL = sql.raw("(r.status IN ('registered', 'waiting', 'approved') OR r.attended = 1)");

export const webinarStatus = defineKind({
  kind: "webinar_status",
  label: "Webinar status",
  section: "Webinars",
  schema: scoped({
    status: v.picklist(WEBINAR_STATUSES, `Choose a status: ${WEBINAR_STATUSES.join(", ")}.`),
  }),
  fields: [
    {
      name: "status",
      label: "Status",
      type: "select",
      options: WEBINAR_STATUSES.map((s) => ({ value: s, label: s[0]?.toUpperCase() + s.slice(1) })),
    },
    ...scopeFields,
  ],
  defaults: { status: "attended", scope: "webinar" },
  describe: (p, names) => `${STATUS_WORDS[p.status]} ${scopeWords(p, names)}`,
  evaluate: (p, facts) =>
    registrationsInScope(p, facts).some((r) => {
      switch (p.status) {
        case "registered":
          return isRegistered(r);
        case "accepted":
          return r.status === "approved";
        case "attended":
          return r.attended;
        case "absent":
          return isAbsent(r);
        case "cancelled":
          return r.status === "cancelled";
        case "denied":
          return r.status === "denied";
      }
      return false;
    }),
  sql: (p) =>
    existsRegistration(
      p,
      sql`CASE ${p.status}
        WHEN 'registered' THEN ${REGISTERED_SQL}
        WHEN 'accepted' THEN r.status = 'approved'
        WHEN 'attended' THEN r.attended = 1
        WHEN 'absent' THEN ${REGISTERED_SQL} AND r.attended = 0 AND w.status = 'scheduled'
          AND w.attendance_read_at IS NOT NULL AND w.attendance_read_at >= w.ends_at
        WHEN 'cancelled' THEN r.status = 'cancelled'
        WHEN 'denied' THEN r.status = 'denied'
        ELSE 0 END`,
    ),
  references: scopeReferences,
  reads: ["registrations", "attendance_read"],
  readsOnlyWhen: { attendance_read: { param: "status", values: ["absent"] } },
});

export const MAX_MINUTES = 24 * 60;

export const attendedMinutes = defineKind({
  kind: "attended_minutes",
  label: "Attended for at least",
  section: "Webinars",
  schema: scoped({
    minutes: v.pipe(
      v.number("Enter the minutes as a whole number."),
      v.integer("Enter the minutes as a whole number."),
      v.minValue(1, "Enter at least 1 minute."),
      v.maxValue(MAX_MINUTES, `Enter at most ${MAX_MINUTES} minutes (a day).`),
    ),
  }),
  fields: [
    { name: "minutes", label: "Minutes", type: "number", min: 1, max: MAX_MINUTES, suffix: "minutes" },
    ...scopeFields,
  ],
  defaults: { minutes: "20", scope: "webinar" },
  describe: (p, names) =>
    `Attended ${scopeWords(p, names)} for at least ${p.minutes} ${p.minutes === 1 ? "minute" : "minutes"}`,
  evaluate: (p, facts) => registrationsInScope(p, facts).some((r) => r.attended && r.minutesAttended >= p.minutes),
  sql: (p) => existsRegistration(p, sql`r.attended = 1 AND r.minutes_attended >= ${p.minutes}`),
  references: scopeReferences,
  reads: ["registrations"],
});
