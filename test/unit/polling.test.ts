import { describe, expect, it } from "vitest";
import {
  DAY,
  duePasses,
  HOUR,
  MINUTE,
  nextPoll,
  type PollInput,
  type PollSession,
  passId,
  pollInterval,
  pollSessions,
} from "../../src/domain/polling";

const NOW = Date.parse("2030-03-01T12:00:00Z");
const noJitter = (): number => 0;

function single(startsIn: number, lengthMs = HOUR): PollSession[] {
  return [{ start: NOW + startsIn, end: NOW + startsIn + lengthMs }];
}

function plan(overrides: Partial<PollInput> & { sessions: PollSession[] }): ReturnType<typeof nextPoll> {
  return nextPoll({
    status: "scheduled",
    now: NOW,
    lastPollAt: NOW,
    passesDone: new Set(),
    jitter: noJitter,
    ...overrides,
  });
}

describe("polling tiers", () => {
  it.each([
    ["60 days", 60 * DAY, 2 * HOUR],
    ["21 days + 1 ms", 21 * DAY + 1, 2 * HOUR],
    ["exactly 21 days", 21 * DAY, 2 * HOUR],
    ["21 days - 1 ms", 21 * DAY - 1, HOUR],
    ["exactly 14 days", 14 * DAY, HOUR],
    ["14 days - 1 ms", 14 * DAY - 1, 30 * MINUTE],
    ["exactly 7 days", 7 * DAY, 30 * MINUTE],
    ["7 days - 1 ms", 7 * DAY - 1, 10 * MINUTE],
    ["1 hour", HOUR, 10 * MINUTE],
    ["1 ms", 1, 10 * MINUTE],
  ])("a start %s away polls every %d ms", (_label, untilStart, interval) => {
    expect(pollInterval(untilStart)).toBe(interval);
    expect(plan({ sessions: single(untilStart) })).toEqual({
      kind: "registrants",
      at: NOW + interval,
      intervalMs: interval,
    });
  });

  it("polls at once when never polled, and at once when overdue", () => {
    expect(plan({ sessions: single(30 * DAY), lastPollAt: null })).toMatchObject({ kind: "registrants", at: NOW });
    expect(plan({ sessions: single(30 * DAY), lastPollAt: NOW - 5 * HOUR })).toMatchObject({
      kind: "registrants",
      at: NOW,
    });
    expect(plan({ sessions: single(3 * DAY), lastPollAt: NOW - 4 * MINUTE })).toMatchObject({
      kind: "registrants",
      at: NOW + 6 * MINUTE,
    });
  });

  it("adds the injected jitter to registrant polls, and by default at most 10% of the interval", () => {
    expect(plan({ sessions: single(30 * DAY), jitter: (i) => i / 20 })).toMatchObject({
      at: NOW + 2 * HOUR + 6 * MINUTE,
    });
    for (let i = 0; i < 50; i++) {
      const p = nextPoll({
        sessions: single(30 * DAY),
        status: "scheduled",
        now: NOW,
        lastPollAt: NOW,
        passesDone: new Set(),
      });
      expect(p.kind === "registrants" && p.at >= NOW + 2 * HOUR && p.at <= NOW + 2 * HOUR + 12 * MINUTE).toBe(true);
    }
  });

  it("while the only session is in progress, waits for its first attendance pass at end + 5 minutes", () => {
    const sessions = [{ start: NOW - 30 * MINUTE, end: NOW + 30 * MINUTE }];
    expect(plan({ sessions })).toEqual({ kind: "attendance", at: NOW + 35 * MINUTE, session: 0, pass: 0 });
  });

  it("after the end: passes at + 5 min, + 1 h, + 24 h, then finished", () => {
    const end = NOW - MINUTE;
    const sessions = [{ start: end - HOUR, end }];
    expect(plan({ sessions })).toEqual({ kind: "attendance", at: end + 5 * MINUTE, session: 0, pass: 0 });
    const after1 = plan({ sessions, passesDone: new Set([passId(0, 0)]) });
    expect(after1).toEqual({ kind: "attendance", at: end + HOUR, session: 0, pass: 1 });
    const after2 = plan({ sessions, passesDone: new Set([passId(0, 0), passId(0, 1)]) });
    expect(after2).toEqual({ kind: "attendance", at: end + DAY, session: 0, pass: 2 });
    expect(plan({ sessions, passesDone: new Set([passId(0, 0), passId(0, 1), passId(0, 2)]) })).toEqual({
      kind: "finished",
    });
  });

  it("a late pass runs now, and every pass already due is reported together", () => {
    const end = NOW - 2 * HOUR;
    const sessions = [{ start: end - HOUR, end }];
    expect(plan({ sessions })).toEqual({ kind: "attendance", at: NOW, session: 0, pass: 0 });
    expect(duePasses(sessions, NOW, new Set())).toEqual([passId(0, 0), passId(0, 1)]);
    expect(duePasses(sessions, NOW, new Set([passId(0, 0)]))).toEqual([passId(0, 1)]);
  });

  it("a multi-session webinar: passes after each session, tiers until the next, then finished", () => {
    // Session 0 ended 2 minutes ago; session 1 starts in 10 days; session 2 in 20 days.
    const s0 = { start: NOW - HOUR - 2 * MINUTE, end: NOW - 2 * MINUTE };
    const s1 = { start: NOW + 10 * DAY, end: NOW + 10 * DAY + HOUR };
    const s2 = { start: NOW + 20 * DAY, end: NOW + 20 * DAY + HOUR };
    const sessions = [s2, s0, s1]; // order does not matter
    expect(plan({ sessions })).toEqual({ kind: "attendance", at: s0.end + 5 * MINUTE, session: 0, pass: 0 });
    // With session 0's first pass done, the 30-minute tier (10 days away) comes before its 1 h pass.
    const done0 = new Set([passId(0, 0)]);
    expect(plan({ sessions, passesDone: done0 })).toEqual({
      kind: "registrants",
      at: NOW + 30 * MINUTE,
      intervalMs: 30 * MINUTE,
    });
    // The 1 h pass wins once the registrants poll is later than it.
    expect(plan({ sessions, passesDone: done0, lastPollAt: NOW + 50 * MINUTE })).toEqual({
      kind: "attendance",
      at: s0.end + HOUR,
      session: 0,
      pass: 1,
    });
    // Between sessions 1 and 2, with session 0 done: passes after session 1.
    const allOf = (session: number): string[] => [0, 1, 2].map((p) => passId(session, p));
    const between = s1.end + 3 * MINUTE;
    expect(plan({ sessions, now: between, lastPollAt: between, passesDone: new Set(allOf(0)) })).toEqual({
      kind: "attendance",
      at: s1.end + 5 * MINUTE,
      session: 1,
      pass: 0,
    });
    // Session 1 done: 10 days before session 2 polls every 30 minutes.
    expect(
      plan({ sessions, now: between, lastPollAt: between, passesDone: new Set([...allOf(0), ...allOf(1)]) }),
    ).toMatchObject({ kind: "registrants", intervalMs: 30 * MINUTE });
    // After the last session: its passes, then finished.
    const late = s2.end + 2 * DAY;
    const done01 = new Set([...allOf(0), ...allOf(1)]);
    expect(plan({ sessions, now: late, lastPollAt: late, passesDone: done01 })).toEqual({
      kind: "attendance",
      at: late,
      session: 2,
      pass: 0,
    });
    expect(plan({ sessions, now: late, lastPollAt: late, passesDone: new Set([...done01, ...allOf(2)]) })).toEqual({
      kind: "finished",
    });
  });

  it("a cancelled webinar stops polling, whatever its sessions", () => {
    expect(plan({ sessions: single(3 * DAY), status: "cancelled" })).toEqual({ kind: "finished" });
    expect(plan({ sessions: single(-3 * HOUR), status: "cancelled" })).toEqual({ kind: "finished" });
  });
});

describe("a webinar's stored sessions", () => {
  it("reads the `times` JSON as epoch milliseconds, skipping what cannot be read", () => {
    const times = JSON.stringify([
      { startTime: "2030-03-02T10:00:00Z", endTime: "2030-03-02T11:00:00Z" },
      { startTime: "not a time", endTime: "2030-03-03T11:00:00Z" },
      { startTime: "2030-03-04T10:00:00Z" },
      null,
      { startTime: "2030-03-05T10:00:00Z", endTime: "2030-03-05T12:30:00Z" },
    ]);
    expect(pollSessions(times)).toEqual([
      { start: Date.parse("2030-03-02T10:00:00Z"), end: Date.parse("2030-03-02T11:00:00Z") },
      { start: Date.parse("2030-03-05T10:00:00Z"), end: Date.parse("2030-03-05T12:30:00Z") },
    ]);
    expect(pollSessions("{broken")).toEqual([]);
    expect(pollSessions('{"startTime":"2030-03-02T10:00:00Z"}')).toEqual([]);
  });
});
