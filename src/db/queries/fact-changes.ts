import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { registrations, webinars } from "../schema";
import { afterFactsChanged } from "./activities";
import { runBatch } from "./statements";

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
  const absent = prospectIds.filter((id) => !attended.has(id));
  if (absent.length === 0 || !firstRead) {
    await runBatch(db, [mark]);
    return;
  }
  for (let i = 0; i < absent.length; i += PROSPECTS_PER_BATCH) {
    const chunk = absent.slice(i, i + PROSPECTS_PER_BATCH);
    await runBatch(db, [
      ...(i === 0 ? [mark] : []),
      ...afterFactsChanged({ ids: chunk }, now, { only: ["attendance_read"], attendanceOf: webinarId }),
    ]);
  }
}
