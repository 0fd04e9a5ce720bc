import { eq, type SQL, sql } from "drizzle-orm";
import { type Fact, kindsReading } from "../../domain/criteria";
import type { Db } from "../client";
import { webinars } from "../schema";
import type { ProspectScope } from "./criteria";
import { refreshMemberships } from "./memberships";
import { runRules } from "./rule-runs";
import { runBatch } from "./statements";

export interface FactChangeOptions {
  /** A merge: dynamic lists only add (the master keeps the union of both prospects' memberships). */
  merge?: boolean;
  /** The activities the batch records (their planned ids): what triggered the rules that act. */
  activityIds?: readonly string[];
  /** The webinar whose attendance, read after its end, the batch follows: what triggered the rules that act. */
  attendanceOf?: string;
  /** Only these facts changed: only lists and rules with a condition that reads one are judged. */
  only?: readonly Fact[];
}

/**
 * The seam after a prospect's facts change. Whatever changes a prospect's facts (the activity
 * recorder's activities and scores, ingestion's registrations, a form's fields, tags and lists,
 * a list member added or removed by hand, a merge) appends these statements to its own D1 batch,
 * after its writes: what depends on the facts is brought up to date in the same unit of work, for
 * those prospects only, never by scanning everyone on a timer. Dynamic lists first, then
 * automation rules (a rule may test list membership). What the rules' actions change (tags, lists,
 * campaign, score) is judged by lists and rules at the prospect's next change, not in this batch,
 * so one change never sets off a chain.
 */
export function afterFactsChanged(scope: ProspectScope, now: string, options: FactChangeOptions = {}): SQL[] {
  const reading = options.only ? { reading: kindsReading(options.only) } : {};
  return [
    ...refreshMemberships(scope, now, { addOnly: options.merge === true, ...reading }),
    ...runRules(scope, now, {
      ...reading,
      ...(options.activityIds === undefined ? {} : { activityIds: options.activityIds }),
      ...(options.attendanceOf === undefined ? {} : { attendanceOf: options.attendanceOf }),
    }),
  ];
}

/** Prospects per batch when many are brought up to date at once. */
const PROSPECTS_PER_BATCH = 250;

/**
 * Ingestion read the webinar's attendance after its end (and wrote it): from now its registrants
 * who did not attend are absent. Recorded on the webinar, then those registrants are brought up
 * to date, in batches. A batch that fails leaves the rest for the next attendance pass, or for
 * the next change recorded for each of them.
 */
export async function recordAttendanceRead(
  db: Db,
  webinarId: string,
  prospectIds: readonly string[],
  now: string,
): Promise<void> {
  const mark = sql`UPDATE webinars SET attendance_read_at = ${now} WHERE id = ${webinarId}`;
  const [webinar] = await db
    .select({ readAt: webinars.attendanceReadAt, endsAt: webinars.endsAt })
    .from(webinars)
    .where(eq(webinars.id, webinarId));
  // After the first read since the end, nobody becomes absent by a later pass alone: a registrant
  // whose attendance changed was written, and judged, by ingestion itself.
  const firstRead = !webinar?.readAt || webinar.readAt < webinar.endsAt;
  if (prospectIds.length === 0 || !firstRead) {
    await runBatch(db, [mark]);
    return;
  }
  for (let i = 0; i < prospectIds.length; i += PROSPECTS_PER_BATCH) {
    const chunk = prospectIds.slice(i, i + PROSPECTS_PER_BATCH);
    await runBatch(db, [
      ...(i === 0 ? [mark] : []),
      ...afterFactsChanged({ ids: chunk }, now, { only: ["attendance_read"], attendanceOf: webinarId }),
    ]);
  }
}
