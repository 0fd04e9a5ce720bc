/**
 * What criteria are judged against: one prospect's facts, read from D1 for the pure evaluation
 * (tests, the prospect page), and the same facts as columns for the SQL of set queries. Both
 * read the webinar statuses from `registrations` as the webinar report counts them
 * (src/db/queries/reports.ts), so a list "Attended Product tour" holds the Attended drill-down.
 */

export type RegistrationStatus = "pending" | "registered" | "waiting" | "approved" | "denied" | "error" | "cancelled";

export interface RegistrationFact {
  webinarId: string;
  /** The campaign of the webinar's connector: "any webinar of campaign C" means these. */
  campaignId: string | null;
  status: RegistrationStatus;
  attended: boolean;
  minutesAttended: number;
  /** The end of the webinar's last session (ISO-8601 UTC). */
  webinarEndsAt: string;
  webinarCancelled: boolean;
}

export interface ProspectFacts {
  id: string;
  /** Lower-case, as stored. */
  email: string;
  company: string | null;
  country: string | null;
  score: number;
  campaignId: string | null;
  tags: ReadonlySet<string>;
  listIds: ReadonlySet<string>;
  registrations: readonly RegistrationFact[];
  /** The time "absent" is judged at (a webinar is over once its last session has ended). */
  now: string;
}

/** SQLite's lower() folds ASCII letters only; the pure evaluation folds the same, so both agree. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

/** Registered as the report counts it: GoTo holds the registration, or the prospect attended. */
export function isRegistered(r: RegistrationFact): boolean {
  return r.status === "registered" || r.status === "waiting" || r.status === "approved" || r.attended;
}

export function isAbsent(r: RegistrationFact, now: string): boolean {
  return isRegistered(r) && !r.attended && !r.webinarCancelled && r.webinarEndsAt <= now;
}
