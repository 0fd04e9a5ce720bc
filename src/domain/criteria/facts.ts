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
  /** When the attendance was last read after the end (ISO), or null: only then is anyone absent. */
  attendanceReadAt: string | null;
  webinarCancelled: boolean;
  /** How many sessions the webinar has (at least 1). */
  sessionCount?: number;
  /** The webinar's sessions whose attendance has been read. */
  sessionsRead?: readonly { sessionKey: string; startsAt: string }[];
  /** The prospect's attendance of each session it attended. */
  sessions?: readonly { sessionKey: string; minutes: number; share: number }[];
}

/** A poll answered, a survey answered or a question asked, in one webinar. */
export interface EngagementFact {
  webinarId: string;
  /** The campaign of the webinar's connector. */
  campaignId: string | null;
  kind: "poll" | "survey" | "question";
  question: string;
  /** The answers given (text only). */
  answers: readonly string[];
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
  engagements?: readonly EngagementFact[];
  /** When the judgement is made (for kinds that depend on time). */
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

/**
 * Absent: registered, did not attend, and the webinar's attendance has been read since it ended.
 * Judged by that fact rather than the clock, so nobody is absent (and no rule acts on it) in the
 * minutes between the end and the first attendance pass, and no timer is needed to notice the end.
 */
export function isAbsent(r: RegistrationFact): boolean {
  return (
    isRegistered(r) &&
    !r.attended &&
    !r.webinarCancelled &&
    r.attendanceReadAt !== null &&
    r.attendanceReadAt >= r.webinarEndsAt
  );
}
