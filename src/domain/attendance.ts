import type { GoToAttendee } from "../gotowebinar/client";

/** A registrant's attendance summed over every ended session. */
export interface IncomingAttendance {
  registrantKey: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  minutes: number;
  firstJoin: string | null;
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
