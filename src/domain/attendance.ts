import type { GoToAttendee } from "../gotowebinar/client";

/** A registrant's attendance of one ended session. */
export interface IncomingSessionAttendance {
  sessionKey: string;
  minutes: number;
  /** Whole percent of the session's scheduled length, 0 to 100. */
  share: number;
  firstJoin: string | null;
  lastLeave: string | null;
}

/** A registrant's attendance summed over every ended session, with each session apart. */
export interface IncomingAttendance {
  registrantKey: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  minutes: number;
  firstJoin: string | null;
  /** Per session; absent where only the totals are known. */
  sessions?: readonly IncomingSessionAttendance[];
}

/** An ended session as GoTo lists it. */
export interface EndedSession {
  sessionKey: string;
  startTime: string;
  endTime: string;
}

/** One ended session and its attendees. */
export interface SessionAttendees {
  session: EndedSession;
  attendees: readonly GoToAttendee[];
}

/** Seconds in a session: GoTo's total when it gives one, else the sum of the join/leave intervals. */
function attendeeSeconds(a: GoToAttendee): number {
  if (typeof a.attendanceTimeInSeconds === "number") return a.attendanceTimeInSeconds;
  return (a.attendance ?? []).reduce((sum, i) => {
    if (!i.leaveTime) return sum;
    return sum + Math.max(0, (Date.parse(i.leaveTime) - Date.parse(i.joinTime)) / 1000);
  }, 0);
}

/**
 * The share of a session attended, in whole percent of its scheduled length: rounded down (80%
 * means at least 80%), at most 100 (an attendee who joins early and leaves late stayed for all
 * of it), 0 for a session with no length.
 */
export function sessionShare(seconds: number, session: EndedSession): number {
  const length = (Date.parse(session.endTime) - Date.parse(session.startTime)) / 1000;
  if (!Number.isFinite(length) || length <= 0 || !Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(100, Math.floor((seconds / length) * 100));
}

/** The earliest and latest of some ISO instants (GoTo sends UTC), or null. */
function earliest(times: readonly (string | undefined)[]): string | null {
  return times.filter((t): t is string => typeof t === "string" && t !== "").sort()[0] ?? null;
}
function latest(times: readonly (string | undefined)[]): string | null {
  return (
    times
      .filter((t): t is string => typeof t === "string" && t !== "")
      .sort()
      .at(-1) ?? null
  );
}

/**
 * Attendance per registrant: totals over sessions (minutes rounded once, from the total seconds)
 * and each session apart (a registrant GoTo lists twice in one session counts once, summed).
 */
export function sumAttendance(perSession: readonly SessionAttendees[]): IncomingAttendance[] {
  type Entry = IncomingAttendance & {
    seconds: number;
    bySession: Map<string, { seconds: number; joins: string[]; leaves: string[]; session: EndedSession }>;
  };
  const byKey = new Map<string, Entry>();
  for (const { session, attendees } of perSession) {
    for (const a of attendees) {
      const entry: Entry = byKey.get(a.registrantKey) ?? {
        registrantKey: a.registrantKey,
        email: a.email,
        firstName: a.firstName ?? null,
        lastName: a.lastName ?? null,
        minutes: 0,
        firstJoin: null,
        seconds: 0,
        bySession: new Map(),
      };
      const seconds = attendeeSeconds(a);
      entry.seconds += seconds;
      const joins = (a.attendance ?? []).map((i) => i.joinTime);
      const first = earliest(joins);
      if (first && (entry.firstJoin === null || first < entry.firstJoin)) entry.firstJoin = first;
      const one = entry.bySession.get(session.sessionKey) ?? { seconds: 0, joins: [], leaves: [], session };
      one.seconds += seconds;
      one.joins.push(...joins);
      one.leaves.push(...(a.attendance ?? []).map((i) => i.leaveTime ?? ""));
      entry.bySession.set(session.sessionKey, one);
      byKey.set(a.registrantKey, entry);
    }
  }
  return [...byKey.values()].map(({ seconds, bySession, ...rest }) => ({
    ...rest,
    minutes: Math.round(seconds / 60),
    sessions: [...bySession.entries()].map(([sessionKey, s]) => ({
      sessionKey,
      minutes: Math.round(s.seconds / 60),
      share: sessionShare(s.seconds, s.session),
      firstJoin: earliest(s.joins),
      lastLeave: latest(s.leaves),
    })),
  }));
}

/** A prospect's attendance of one session, as stored. */
export interface ProspectSessionAttendance extends IncomingSessionAttendance {
  prospectId: string;
}

/**
 * A prospect's attendance per session from its registrants' (two GoTo registrations can land on
 * one prospect): summed per session, the share at most 100.
 */
export function prospectSessions(
  prospectId: string,
  sessions: readonly IncomingSessionAttendance[],
): ProspectSessionAttendance[] {
  const bySession = new Map<string, ProspectSessionAttendance>();
  for (const s of sessions) {
    const was = bySession.get(s.sessionKey);
    if (!was) {
      bySession.set(s.sessionKey, { prospectId, ...s });
      continue;
    }
    was.minutes += s.minutes;
    was.share = Math.min(100, was.share + s.share);
    if (s.firstJoin && (was.firstJoin === null || s.firstJoin < was.firstJoin)) was.firstJoin = s.firstJoin;
    if (s.lastLeave && (was.lastLeave === null || s.lastLeave > was.lastLeave)) was.lastLeave = s.lastLeave;
  }
  return [...bySession.values()];
}
