import { and, eq, sql } from "drizzle-orm";
import type { Fact } from "../../domain/criteria";
import type { Db } from "../client";
import { registrations, webinars } from "../schema";
import { afterFactsChanged } from "./activities";
import { runBatch } from "./statements";

const PROSPECTS_PER_BATCH = 250;

/** What an ingestion run read: the attendance after the webinar's end, sessions newly read. */
export interface AttendanceReadOptions {
  /** The attendance was read after the webinar's end: its registrants who did not attend are absent. */
  ended: boolean;
  /** Sessions were newly read: which session is the latest, and whether all were attended, changed. */
  sessionsRead: boolean;
  /** Prospects the run's own batches judged after the sessions were recorded. */
  judged: ReadonlySet<string>;
}

/**
 * Ingestion read the webinar's attendance (and wrote it). After the end, its registrants who did
 * not attend are absent: recorded on the webinar. Then the registrants whose facts that changed
 * are brought up to date, in batches. A batch that fails leaves the rest for the next attendance
 * pass, or for the next change recorded for each of them.
 */
export async function recordAttendanceRead(
  db: Db,
  webinarId: string,
  prospectIds: readonly string[],
  now: string,
  options: AttendanceReadOptions = { ended: true, sessionsRead: false, judged: new Set() },
): Promise<void> {
  const mark = options.ended ? [sql`UPDATE webinars SET attendance_read_at = ${now} WHERE id = ${webinarId}`] : [];
  const [webinar] = await db
    .select({ readAt: webinars.attendanceReadAt, endsAt: webinars.endsAt })
    .from(webinars)
    .where(eq(webinars.id, webinarId));
  // After the first read since the end, nobody becomes absent by a later pass alone: a registrant
  // whose attendance changed was written, and judged, by ingestion itself.
  const firstRead = options.ended && (!webinar?.readAt || webinar.readAt < webinar.endsAt);
  // The read can only make absent a registrant of this webinar who did not attend it: an
  // attendee's facts that read it are as they were (their batch judged them), so they are left out.
  const attended =
    prospectIds.length === 0 || !firstRead
      ? new Set<string>()
      : new Set(
          (
            await db
              .select({ prospectId: registrations.prospectId })
              .from(registrations)
              .where(and(eq(registrations.webinarId, webinarId), eq(registrations.attended, true)))
          ).map((r) => r.prospectId),
        );
  const facts: Fact[] = [];
  const who = new Set<string>();
  if (firstRead) {
    facts.push("attendance_read");
    for (const id of prospectIds) if (!attended.has(id)) who.add(id);
  }
  // A newly read session is judged for everyone its batches did not judge after it was recorded.
  if (options.sessionsRead) {
    facts.push("sessions_read");
    for (const id of prospectIds) if (!options.judged.has(id)) who.add(id);
  }
  const chunkable = [...who];
  if (chunkable.length === 0) {
    await runBatch(db, mark);
    return;
  }
  for (let i = 0; i < chunkable.length; i += PROSPECTS_PER_BATCH) {
    const chunk = chunkable.slice(i, i + PROSPECTS_PER_BATCH);
    await runBatch(db, [
      ...(i === 0 ? mark : []),
      ...afterFactsChanged({ ids: chunk }, now, { only: facts, attendanceOf: webinarId }),
    ]);
  }
}
