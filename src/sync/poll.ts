import { eq } from "drizzle-orm";
import * as v from "valibot";
import type { Db } from "../db/client";
import { webinars } from "../db/schema";
import type { PollSession } from "../domain/polling";
import type { GoToAttendee } from "../gotowebinar/client";
import { parseGoToJson } from "../gotowebinar/json";
import { KeySchema, RegistrantStatusSchema, TimeSchema } from "../gotowebinar/schemas";
import type { GatewayFailure } from "./gateway-errors";
import type { IncomingAttendance, IncomingRegistrant } from "./ingest";

/** A gateway call that failed, carried as an error through the job loop (its kind decides the retry). */
export class GatewayCallError extends Error {
  constructor(readonly failure: GatewayFailure) {
    super(failure.message);
    this.name = "GatewayCallError";
  }
}

/** The webinar's sessions from its D1 row (`times` JSON); unreadable entries are skipped. */
export function sessionsOf(times: string): PollSession[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(times);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: PollSession[] = [];
  for (const t of parsed as { startTime?: unknown; endTime?: unknown }[]) {
    const start = typeof t?.startTime === "string" ? Date.parse(t.startTime) : Number.NaN;
    const end = typeof t?.endTime === "string" ? Date.parse(t.endTime) : Number.NaN;
    if (Number.isFinite(start) && Number.isFinite(end)) out.push({ start, end });
  }
  return out;
}

/** Seconds in a session: GoTo's total when it gives one, else the sum of the join/leave intervals. */
function attendeeSeconds(a: GoToAttendee): number {
  if (typeof a.attendanceTimeInSeconds === "number") return a.attendanceTimeInSeconds;
  return (a.attendance ?? []).reduce((sum, i) => {
    if (!i.leaveTime) return sum;
    return sum + Math.max(0, (Date.parse(i.leaveTime) - Date.parse(i.joinTime)) / 1000);
  }, 0);
}

/** Attendance summed over sessions, per registrant; minutes rounded once, from the total seconds. */
export function sumAttendance(perSession: readonly (readonly GoToAttendee[])[]): IncomingAttendance[] {
  const byKey = new Map<string, IncomingAttendance & { seconds: number }>();
  for (const attendees of perSession) {
    for (const a of attendees) {
      const joins = (a.attendance ?? []).map((i) => i.joinTime).sort();
      const entry = byKey.get(a.registrantKey) ?? {
        registrantKey: a.registrantKey,
        email: a.email,
        firstName: a.firstName ?? null,
        lastName: a.lastName ?? null,
        minutes: 0,
        firstJoin: null,
        seconds: 0,
      };
      entry.seconds += attendeeSeconds(a);
      const first = joins[0];
      if (first && (entry.firstJoin === null || first < entry.firstJoin)) entry.firstJoin = first;
      byKey.set(a.registrantKey, entry);
    }
  }
  return [...byKey.values()].map(({ seconds, ...rest }) => ({ ...rest, minutes: Math.round(seconds / 60) }));
}

const Name = v.nullish(v.string(), null);

/** What ingestion reads of a `registrant.added` or `registrant.joined` event's payload. */
const RegistrantEventSchema = v.object({
  registrantKey: KeySchema,
  // Any string: ingestion checks it as the forms do, and keeps an invalid one as unmatched with the reason.
  email: v.string(),
  firstName: Name,
  lastName: Name,
  status: v.optional(RegistrantStatusSchema, "APPROVED"),
  joinUrl: v.nullish(v.string(), null),
  registrationDate: v.nullish(TimeSchema, null),
});

/** A webhook event as a registrant for ingestion, or null when it lacks what ingestion needs. */
export function registrantFromEvent(payload: string): IncomingRegistrant | null {
  let json: unknown;
  try {
    json = parseGoToJson(payload);
  } catch {
    return null;
  }
  const parsed = v.safeParse(RegistrantEventSchema, json);
  if (!parsed.success) return null;
  return parsed.output;
}

/** The webinar page shows when its WebinarSync last polled and when it polls next. */
export async function writeSyncTimes(
  db: Db,
  webinarId: string,
  times: { lastSyncedAt?: string | null; nextSyncAt: string | null },
): Promise<void> {
  await db.update(webinars).set(times).where(eq(webinars.id, webinarId));
}
