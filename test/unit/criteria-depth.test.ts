import { describe, expect, it } from "vitest";
import { prospectSessions, sessionShare, sumAttendance } from "../../src/domain/attendance";
import {
  type Condition,
  describeCondition,
  evaluateCriteria,
  type NameLookup,
  type ProspectFacts,
  parseCriteria,
  type RegistrationFact,
} from "../../src/domain/criteria";
import { attendedSessions } from "../../src/domain/criteria/session-kinds";
import { drillFields, drillOf, drillTitle } from "../../src/domain/engagement-drill";

/** Attendance per session and engagement: the pure parts, table-driven. */

const session = { sessionKey: "1", startTime: "2026-05-10T14:00:00Z", endTime: "2026-05-10T15:00:00Z" };

describe("share of a session", () => {
  it.each([
    [0, 0],
    [59, 1],
    [1800, 50],
    [2399, 66],
    [3600, 100],
    [5000, 100],
    [-10, 0],
    [Number.NaN, 0],
  ])("%s seconds of an hour is %s %%", (seconds, share) => {
    expect(sessionShare(seconds, session)).toBe(share);
  });

  it("a session without a length is 0 %", () => {
    expect(sessionShare(600, { ...session, endTime: session.startTime })).toBe(0);
  });
});

describe("attendance summed, each session apart", () => {
  it("keeps each session's minutes, share, first join and last leave, and the totals", () => {
    const s2 = { sessionKey: "2", startTime: "2026-05-11T14:00:00Z", endTime: "2026-05-11T16:00:00Z" };
    const got = sumAttendance([
      {
        session,
        attendees: [
          {
            registrantKey: "9",
            email: "a@example.com",
            attendance: [
              { joinTime: "2026-05-10T14:10:00Z", leaveTime: "2026-05-10T14:20:00Z" },
              { joinTime: "2026-05-10T14:30:00Z", leaveTime: "2026-05-10T14:50:00Z" },
            ],
          },
        ],
      },
      { session: s2, attendees: [{ registrantKey: "9", email: "a@example.com", attendanceTimeInSeconds: 5400 }] },
    ] as never);
    expect(got).toEqual([
      {
        registrantKey: "9",
        email: "a@example.com",
        firstName: null,
        lastName: null,
        minutes: 120,
        firstJoin: "2026-05-10T14:10:00Z",
        sessions: [
          {
            sessionKey: "1",
            minutes: 30,
            share: 50,
            firstJoin: "2026-05-10T14:10:00Z",
            lastLeave: "2026-05-10T14:50:00Z",
          },
          { sessionKey: "2", minutes: 90, share: 75, firstJoin: null, lastLeave: null },
        ],
      },
    ]);
  });

  it("two registrants on one prospect: summed per session, the share at most 100", () => {
    const one = { sessionKey: "1", minutes: 40, share: 66, firstJoin: "b", lastLeave: "c" };
    const two = { sessionKey: "1", minutes: 30, share: 50, firstJoin: "a", lastLeave: "d" };
    expect(prospectSessions("p", [one, two])).toEqual([
      { prospectId: "p", sessionKey: "1", minutes: 70, share: 100, firstJoin: "a", lastLeave: "d" },
    ]);
  });
});

const reg = (over: Partial<RegistrationFact>): RegistrationFact => ({
  webinarId: "w",
  campaignId: null,
  status: "approved",
  attended: false,
  minutesAttended: 0,
  webinarEndsAt: "2026-05-12T00:00:00Z",
  attendanceReadAt: null,
  webinarCancelled: false,
  ...over,
});

const read = [
  { sessionKey: "1", startsAt: "2026-05-10T14:00:00Z" },
  { sessionKey: "3", startsAt: "2026-05-12T14:00:00Z" },
  { sessionKey: "2", startsAt: "2026-05-11T14:00:00Z" },
];
const went = (...keys: string[]) => keys.map((sessionKey) => ({ sessionKey, minutes: 30, share: 50 }));

describe("attended any / all / the latest session", () => {
  it.each([
    [
      "one of three",
      { sessionCount: 3, sessionsRead: read, sessions: went("1"), attended: true },
      [true, false, false],
    ],
    [
      "the last only",
      { sessionCount: 3, sessionsRead: read, sessions: went("3"), attended: true },
      [true, false, true],
    ],
    [
      "all three",
      { sessionCount: 3, sessionsRead: read, sessions: went("1", "2", "3"), attended: true },
      [true, true, true],
    ],
    [
      "all read of four",
      { sessionCount: 4, sessionsRead: read, sessions: went("1", "2", "3"), attended: true },
      [true, false, true],
    ],
    ["none", { sessionCount: 3, sessionsRead: read, sessions: [] }, [false, false, false]],
    ["attended, no session rows (before sessions were kept)", { attended: true }, [true, false, false]],
    ["nothing read yet", { sessionCount: 1, sessionsRead: [], sessions: [] }, [false, false, false]],
  ] as const)("%s", (_, over, [any, all, latest]) => {
    const r = reg(over as Partial<RegistrationFact>);
    expect([attendedSessions("any", r), attendedSessions("all", r), attendedSessions("latest", r)]).toEqual([
      any,
      all,
      latest,
    ]);
  });
});

const names: NameLookup = {
  webinar: (id) => (id === "w" ? "Product tour" : null),
  campaign: () => "Spring",
  list: () => null,
};

function one(condition: Record<string, unknown>): Condition {
  const parsed = parseCriteria({ match: "all", conditions: [condition] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.criteria.conditions[0] as Condition;
}

describe("in words", () => {
  it.each([
    [{ kind: "attended_sessions", which: "any", webinarId: "w" }, "Attended any session of “Product tour”"],
    [{ kind: "attended_sessions", which: "all", webinarId: "w" }, "Attended all sessions of “Product tour”"],
    [
      { kind: "attended_sessions", which: "latest", webinarId: "gone" },
      "Attended the latest session of a deleted webinar",
    ],
    [
      { kind: "attended_share", percent: 80, scope: "webinar", webinarId: "w" },
      "Attended at least 80% of a session of “Product tour”",
    ],
    [
      { kind: "poll_answered", question: "How soon are you buying?", answer: "This quarter", scope: "any" },
      "Answered poll 'How soon are you buying?' with 'This quarter' in any webinar",
    ],
    [
      { kind: "poll_answered", question: "Which plan?", answer: "  ", scope: "webinar", webinarId: "w" },
      "Answered poll 'Which plan?' in “Product tour”",
    ],
    [
      { kind: "survey_completed", scope: "campaign", campaignId: "c" },
      "Completed a survey in any webinar of campaign “Spring”",
    ],
    [
      { kind: "question_asked", scope: "webinar", webinarId: "w", contains: "" },
      "Asked any question in “Product tour”",
    ],
    [
      { kind: "question_asked", scope: "any", contains: "pricing" },
      "Asked a question containing 'pricing' in any webinar",
    ],
  ])("%j", (condition, words) => {
    expect(describeCondition(one(condition), names)).toBe(words);
  });
});

const facts = (over: Partial<ProspectFacts>): ProspectFacts => ({
  id: "p",
  email: "p@example.com",
  company: null,
  country: null,
  score: 0,
  campaignId: null,
  tags: new Set(),
  listIds: new Set(),
  registrations: [],
  now: "2026-05-13T00:00:00Z",
  ...over,
});

describe("engagement, pure", () => {
  const poll = {
    webinarId: "w",
    campaignId: "c",
    kind: "poll" as const,
    question: "How soon?",
    answers: ["This Quarter"],
  };
  const question = {
    webinarId: "x",
    campaignId: null,
    kind: "question" as const,
    question: "Any PRICING for teams?",
    answers: [],
  };
  it.each([
    [{ kind: "poll_answered", question: "how soon?", answer: "this quarter", scope: "any" }, true],
    [{ kind: "poll_answered", question: "How soon?", answer: "Next year", scope: "any" }, false],
    [{ kind: "poll_answered", question: "How soon?", scope: "campaign", campaignId: "c" }, true],
    [{ kind: "poll_answered", question: "How soon?", scope: "webinar", webinarId: "x" }, false],
    [{ kind: "survey_completed", scope: "any" }, false],
    [{ kind: "question_asked", scope: "webinar", webinarId: "x", contains: "pricing" }, true],
    [{ kind: "question_asked", scope: "webinar", webinarId: "w" }, false],
    // Only ASCII letters fold, as SQLite's lower() does.
    [{ kind: "question_asked", scope: "any", contains: "prİcing" }, false],
  ])("%j is %s", (condition, expected) => {
    const criteria = parseCriteria({ match: "all", conditions: [condition] });
    if (!criteria.ok) throw new Error(JSON.stringify(criteria.errors));
    expect(evaluateCriteria(criteria.criteria, facts({ engagements: [poll, question] }))).toBe(expected);
  });
});

describe("engagement drill-downs", () => {
  it.each([
    [{ what: "session", session: "42", question: "", answer: "" }, { what: "session", sessionKey: "42" }, "Attended s"],
    [
      { what: "poll", session: "", question: "", answer: "ignored" },
      { what: "poll", question: null, answer: null },
      "Answered a poll",
    ],
    [
      { what: "poll", session: "", question: "How soon?", answer: "" },
      { what: "poll", question: "How soon?", answer: null },
      "Answered poll 'How soon?'",
    ],
    [
      { what: "poll", session: "", question: "How soon?", answer: "Now" },
      { what: "poll", question: "How soon?", answer: "Now" },
      "Answered poll 'How soon?' with 'Now'",
    ],
    [{ what: "survey", session: "", question: "", answer: "" }, { what: "survey" }, "Completed a survey"],
    [{ what: "question", session: "", question: "", answer: "" }, { what: "question" }, "Asked a question"],
  ] as const)("%j", (fields, drill, title) => {
    const got = drillOf(fields);
    expect(got).toEqual({ ok: true, drill });
    if (!got.ok) return;
    expect(drillTitle(got.drill, "s")).toBe(title);
    // Its link's fields read back as the same drill.
    const back = drillFields(got.drill);
    expect(
      drillOf({
        what: back.what as "session",
        session: back.session ?? "",
        question: back.question ?? "",
        answer: back.answer ?? "",
      }),
    ).toEqual(got);
  });

  it("a session drill needs its session", () => {
    expect(drillOf({ what: "session", session: "", question: "", answer: "" })).toEqual({
      ok: false,
      message: "Choose a session from the webinar page.",
    });
  });
});
