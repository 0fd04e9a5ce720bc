/**
 * The tiered polling schedule of one webinar (architecture.md section 4), as a pure function.
 *
 * - Before the next session starts, registrants are polled at an interval set by how far away
 *   that start is: 3 weeks or more, every 2 hours; 2 to 3 weeks, hourly; 1 to 2 weeks, every 30
 *   minutes; under a week, every 10 minutes. The boundaries belong to the longer interval: exactly
 *   21 days away polls every 2 hours, exactly 14 days hourly, exactly 7 days every 30 minutes.
 * - While a session runs nothing is polled for it; once it ends, three attendance passes follow,
 *   at end + 5 minutes, + 1 hour and + 24 hours (GoTo completes attendance late).
 * - A multi-session webinar does both: passes after each ended session, tiers until the next.
 * - When every pass of every session is done, or the webinar is cancelled: finished.
 */

import { webinarSessions } from "./webinars";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** After a session's end: when each attendance pass runs. */
export const ATTENDANCE_PASS_OFFSETS: readonly number[] = [5 * MINUTE, HOUR, DAY];

export interface PollSession {
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

/** A webinar's sessions from its stored `times` JSON, as epoch milliseconds; unreadable entries are skipped. */
export function pollSessions(times: string): PollSession[] {
  return webinarSessions({ times }).map((t) => ({ start: Date.parse(t.startTime), end: Date.parse(t.endTime) }));
}

export interface PollInput {
  sessions: readonly PollSession[];
  status: "scheduled" | "cancelled";
  now: number;
  /** When registrants were last polled (any kind of poll), or null if never. */
  lastPollAt: number | null;
  /** Attendance passes already done, as {@link passId} strings. */
  passesDone: ReadonlySet<string>;
  /** Extra delay for a registrants poll with this interval; default up to 10% of it. Tests pass `() => 0`. */
  jitter?: (intervalMs: number) => number;
}

export type PollPlan =
  | { kind: "registrants"; at: number; intervalMs: number }
  | { kind: "attendance"; at: number; session: number; pass: number }
  | { kind: "finished" };

/** Identifies one attendance pass: session index (in start order) and pass number (0, 1, 2). */
export function passId(session: number, pass: number): string {
  return `${session}:${pass}`;
}

/** How often to poll registrants when the next session starts `untilStartMs` from now. */
export function pollInterval(untilStartMs: number): number {
  if (untilStartMs >= 21 * DAY) return 2 * HOUR;
  if (untilStartMs >= 14 * DAY) return HOUR;
  if (untilStartMs >= 7 * DAY) return 30 * MINUTE;
  return 10 * MINUTE;
}

const defaultJitter = (intervalMs: number): number => Math.floor(Math.random() * intervalMs * 0.1);

/** The next poll of a webinar: what to do, and when (never before `now`). */
export function nextPoll(input: PollInput): PollPlan {
  if (input.status === "cancelled") return { kind: "finished" };
  const sessions = [...input.sessions].sort((a, b) => a.start - b.start);
  const { now } = input;

  let attendance: { at: number; session: number; pass: number } | null = null;
  sessions.forEach((s, session) => {
    ATTENDANCE_PASS_OFFSETS.forEach((offset, pass) => {
      if (input.passesDone.has(passId(session, pass))) return;
      const at = s.end + offset;
      if (attendance === null || at < attendance.at) attendance = { at, session, pass };
    });
  });

  let registrants: { at: number; intervalMs: number } | null = null;
  const upcoming = sessions.find((s) => s.start > now);
  if (upcoming) {
    const intervalMs = pollInterval(upcoming.start - now);
    const due = input.lastPollAt === null ? now : input.lastPollAt + intervalMs;
    // The first poll is not delayed: a new webinar's registrants should show at once.
    const jitter = input.lastPollAt === null ? 0 : (input.jitter ?? defaultJitter)(intervalMs);
    registrants = { at: Math.max(now, due) + jitter, intervalMs };
  }

  const pass = attendance as { at: number; session: number; pass: number } | null;
  if (pass && (registrants === null || pass.at <= registrants.at)) {
    return { kind: "attendance", at: Math.max(now, pass.at), session: pass.session, pass: pass.pass };
  }
  if (registrants) return { kind: "registrants", ...registrants };
  return { kind: "finished" };
}

/** Every pass whose time has come, so one attendance run can mark all of them done. */
export function duePasses(sessions: readonly PollSession[], now: number, done: ReadonlySet<string>): string[] {
  const sorted = [...sessions].sort((a, b) => a.start - b.start);
  const due: string[] = [];
  sorted.forEach((s, session) => {
    ATTENDANCE_PASS_OFFSETS.forEach((offset, pass) => {
      const id = passId(session, pass);
      if (!done.has(id) && s.end + offset <= now) due.push(id);
    });
  });
  return due;
}
