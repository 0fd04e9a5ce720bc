import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { planActivity, recordActivities, SCORE_ADJUSTED } from "../../src/db/queries/activities";
import { matchingIds, prospectFacts } from "../../src/db/queries/criteria";
import { runBatch } from "../../src/db/queries/statements";
import type { IncomingAttendance } from "../../src/domain/attendance";
import { type Criteria, evaluateCriteria, parseCriteria } from "../../src/domain/criteria";
import { newId } from "../../src/lib/encoding";
import { saveDynamicList } from "../../src/services/lists";
import { ingest } from "../../src/sync/ingest";
import { ADMIN, login, rows } from "../helpers";
import { membersOf, runJobs } from "./lists-helpers";
import { db, iso, seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";

/**
 * The criteria of attendance per session and of engagement, judged by SQL against D1 and by the
 * pure evaluation, which agree; and a dynamic list on them follows what is recorded.
 */

const NOW = new Date().toISOString();
let adminId = "";

beforeAll(async () => {
  await login(ADMIN.email, ADMIN.password);
  adminId = (await rows<{ id: string }>("SELECT id FROM users WHERE email = ?", ADMIN.email))[0]?.id ?? "";
});

function criteriaOf(conditions: Record<string, unknown>[], match = "all"): Criteria {
  const parsed = parseCriteria({ match, conditions });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.criteria;
}

async function sessionsRead(webinarId: string, sessions: { key: string; startsAt: string }[]): Promise<void> {
  for (const s of sessions) {
    await env.DB.prepare(
      "INSERT INTO webinar_sessions (webinar_id, session_key, starts_at, ends_at, read_at) VALUES (?, ?, ?, ?, ?)",
    )
      .bind(webinarId, s.key, s.startsAt, s.startsAt, NOW)
      .run();
  }
}

async function attendedSession(prospectId: string, webinarId: string, sessionKey: string, share: number) {
  await env.DB.prepare(
    `INSERT INTO session_attendance (webinar_id, session_key, prospect_id, minutes, share, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  )
    .bind(webinarId, sessionKey, prospectId, Math.round(share * 0.6), share, NOW)
    .run();
}

async function engagement(
  prospectId: string,
  webinarId: string,
  kind: "poll" | "survey" | "question",
  question: string,
  answers: string[] | string = [],
): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, answers, occurred_at, dedupe_key)
     VALUES (?, ?, ?, 's1', ?, ?, ?, ?, ?)`,
  )
    .bind(
      newId("eng"),
      webinarId,
      prospectId,
      kind,
      question,
      typeof answers === "string" ? answers : JSON.stringify(answers),
      NOW,
      newId("dk"),
    )
    .run();
}

interface World {
  series: string;
  single: string;
  other: string;
  campaign: string;
  who: Record<"first" | "all" | "last" | "none" | "single", string>;
}

let world: World | null = null;

/** A three-session series (all ended and read), a single-session webinar and another of another campaign. */
async function seed(): Promise<World> {
  if (world) return world;
  const campaign = newId("cmp");
  await env.DB.prepare("INSERT INTO campaigns (id, name) VALUES (?, 'Depth campaign')").bind(campaign).run();
  const c = await seedConnector();
  await env.DB.prepare("UPDATE connectors SET campaign_id = ? WHERE id = ?").bind(campaign, c).run();
  const series = await seedWebinar(c, "Depth series", [
    [-50, -49],
    [-26, -25],
    [-2, -1],
  ]);
  const single = await seedWebinar(c, "Depth single", [[-5, -4]]);
  const other = await seedWebinar(await seedConnector(), "Depth other", [[-8, -7]]);
  await sessionsRead(series, [
    { key: "101", startsAt: iso(-50) },
    { key: "102", startsAt: iso(-26) },
    { key: "103", startsAt: iso(-2) },
  ]);
  await sessionsRead(single, [{ key: "201", startsAt: iso(-5) }]);
  const who = {
    first: await seedProspect("depth-first@example.com"),
    all: await seedProspect("depth-all@example.com"),
    last: await seedProspect("depth-last@example.com"),
    none: await seedProspect("depth-none@example.com"),
    single: await seedProspect("depth-single@example.com"),
  };
  await seedRegistration(who.first, series, "approved", { attended: true, minutes: 30 });
  await attendedSession(who.first, series, "101", 50);
  await seedRegistration(who.all, series, "approved", { attended: true, minutes: 120 });
  for (const k of ["101", "102", "103"]) await attendedSession(who.all, series, k, 70);
  await seedRegistration(who.last, series, "approved", { attended: true, minutes: 55 });
  await attendedSession(who.last, series, "103", 92);
  await seedRegistration(who.none, series, "approved");
  await seedRegistration(who.single, single, "approved", { attended: true, minutes: 50 });
  await attendedSession(who.single, single, "201", 100);

  await engagement(who.first, series, "poll", "How soon are you buying?", ["This quarter"]);
  await engagement(who.all, series, "poll", "How soon are you buying?", ["Next year"]);
  await engagement(who.last, series, "poll", "Which plan?", ["This quarter", "Team"]);
  await engagement(who.none, other, "poll", "How soon are you buying?", ["THIS QUARTER"]);
  await engagement(who.last, series, "survey", "How was it?", ["Great"]);
  await engagement(who.single, single, "question", "What about pricing for teams?");
  await engagement(who.all, other, "question", "Is there a recording?");
  // A broken answers column never breaks the statement: it is no answer at all.
  await engagement(who.first, single, "poll", "How soon are you buying?", "not json");
  world = { series, single, other, campaign, who };
  return world;
}

/** Both evaluations, which must agree; the SQL's answer. */
async function judge(conditions: Record<string, unknown>[], match = "all"): Promise<string[]> {
  const w = await seed();
  const criteria = criteriaOf(conditions, match);
  const ids = Object.values(w.who);
  const got = await matchingIds(db(), { criteria }, { ids }, NOW);
  const facts = await prospectFacts(db(), ids, NOW);
  const pure = ids.filter((id) => {
    const f = facts.get(id);
    return f !== undefined && evaluateCriteria(criteria, f);
  });
  expect(got, JSON.stringify(conditions)).toEqual([...pure].sort());
  return got;
}

const sorted = (...ids: string[]): string[] => [...ids].sort();

describe("attended any / all / the latest session", () => {
  it("an attendee of one session of a series is attended any, not all; the latest is the last session read", async () => {
    const { series, single, who } = await seed();
    const sessions = (which: string, webinarId = series) => judge([{ kind: "attended_sessions", which, webinarId }]);
    expect(await sessions("any")).toEqual(sorted(who.first, who.all, who.last));
    expect(await sessions("all")).toEqual([who.all]);
    expect(await sessions("latest")).toEqual(sorted(who.all, who.last));
    expect(await sessions("all", single)).toEqual([who.single]);
    expect(await sessions("latest", single)).toEqual([who.single]);
  });

  it("all needs every session of the webinar read: with one still to come, nobody attended all", async () => {
    const c = await seedConnector();
    const w = await seedWebinar(c, "Depth unfinished", [
      [-5, -4],
      [20, 21],
    ]);
    await sessionsRead(w, [{ key: "301", startsAt: iso(-5) }]);
    const p = await seedProspect("depth-unfinished@example.com");
    await seedRegistration(p, w, "approved", { attended: true, minutes: 60 });
    await attendedSession(p, w, "301", 100);
    const criteria = criteriaOf([{ kind: "attended_sessions", which: "all", webinarId: w }]);
    expect(await matchingIds(db(), { criteria }, { ids: [p] }, NOW)).toEqual([]);
    const latest = criteriaOf([{ kind: "attended_sessions", which: "latest", webinarId: w }]);
    expect(await matchingIds(db(), { criteria: latest }, { ids: [p] }, NOW)).toEqual([p]);
  });

  it("attended at least N % of a session: of any one session of a series", async () => {
    const { series, campaign, who } = await seed();
    expect(await judge([{ kind: "attended_share", percent: 90, scope: "webinar", webinarId: series }])).toEqual([
      who.last,
    ]);
    expect(await judge([{ kind: "attended_share", percent: 70, scope: "webinar", webinarId: series }])).toEqual(
      sorted(who.all, who.last),
    );
    expect(await judge([{ kind: "attended_share", percent: 100, scope: "any" }])).toEqual([who.single]);
    expect(await judge([{ kind: "attended_share", percent: 50, scope: "campaign", campaignId: campaign }])).toEqual(
      sorted(who.first, who.all, who.last, who.single),
    );
  });
});

describe("engagement criteria select exactly the right prospects", () => {
  it("answered poll P with A, in one webinar or any; any answer; case of ASCII letters ignored", async () => {
    const { series, single, who } = await seed();
    const poll = (extra: Record<string, unknown>) => judge([{ kind: "poll_answered", ...extra }]);
    const q = "How soon are you buying?";
    expect(await poll({ question: q, answer: "This quarter", scope: "webinar", webinarId: series })).toEqual([
      who.first,
    ]);
    expect(await poll({ question: q, answer: "this quarter", scope: "any" })).toEqual(sorted(who.first, who.none));
    expect(await poll({ question: q, answer: "", scope: "webinar", webinarId: series })).toEqual(
      sorted(who.first, who.all),
    );
    expect(await poll({ question: "Which plan?", answer: "Team", scope: "any" })).toEqual([who.last]);
    // The answer belongs to another question: no match.
    expect(await poll({ question: "Which plan?", answer: "Next year", scope: "any" })).toEqual([]);
    // Answers that are not a JSON array are no answer: the poll was answered, with nothing known.
    expect(await poll({ question: q, scope: "webinar", webinarId: single })).toEqual([who.first]);
    expect(await poll({ question: q, answer: "This quarter", scope: "webinar", webinarId: single })).toEqual([]);
  });

  it("completed a survey in W; asked any question in W, or one containing words", async () => {
    const { series, single, other, campaign, who } = await seed();
    expect(await judge([{ kind: "survey_completed", scope: "webinar", webinarId: series }])).toEqual([who.last]);
    expect(await judge([{ kind: "survey_completed", scope: "webinar", webinarId: single }])).toEqual([]);
    expect(await judge([{ kind: "question_asked", scope: "webinar", webinarId: single }])).toEqual([who.single]);
    expect(await judge([{ kind: "question_asked", scope: "any" }])).toEqual(sorted(who.single, who.all));
    expect(await judge([{ kind: "question_asked", scope: "any", contains: "PRICING" }])).toEqual([who.single]);
    expect(await judge([{ kind: "question_asked", scope: "campaign", campaignId: campaign }])).toEqual([who.single]);
    expect(await judge([{ kind: "question_asked", scope: "webinar", webinarId: other, contains: "refund" }])).toEqual(
      [],
    );
    // Combined with the others: attended the latest session and answered the poll (any answer).
    expect(
      await judge(
        [
          { kind: "attended_sessions", which: "latest", webinarId: series },
          { kind: "poll_answered", question: "How soon are you buying?", scope: "any" },
        ],
        "all",
      ),
    ).toEqual([who.all]);
  });
});

describe("lists follow per-session attendance and engagement as they are recorded", () => {
  it("a dynamic list on an engagement criterion gains the member when the activity is recorded", async () => {
    const c = await seedConnector();
    const w = await seedWebinar(c, "Depth list poll", [[-3, -2]]);
    const p = await seedProspect("depth-list@example.com");
    const bystander = await seedProspect("depth-bystander@example.com");
    const saved = await saveDynamicList(env, {
      id: null,
      name: "Buying this quarter",
      criteria: criteriaOf([
        {
          kind: "poll_answered",
          question: "How soon are you buying?",
          answer: "This quarter",
          scope: "webinar",
          webinarId: w,
        },
      ]),
      actor: { id: adminId, ip: null },
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    await runJobs();
    expect(await membersOf(saved.list.id)).toEqual([]);
    // The engagement row and its activity in one batch, the row first, as the engagement sync
    // writes them. (Its activity types come with that sync; any activity through the recorder
    // runs the same seam.)
    const activity = planActivity(
      {
        prospectId: p,
        webinarId: w,
        type: SCORE_ADJUSTED,
        points: 0,
        dedupeKey: `test:poll:${p}`,
        detail: "How soon are you buying? This quarter",
        occurredAt: NOW,
      },
      new Map(),
    );
    await runBatch(db(), [
      {
        toSQL: () => ({
          sql: `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, answers, occurred_at, dedupe_key)
                VALUES (?, ?, ?, 's1', 'poll', 'How soon are you buying?', '["This quarter"]', ?, ?)`,
          params: [newId("eng"), w, p, NOW, newId("dk")],
        }),
      },
      ...recordActivities([activity], NOW).statements,
    ]);
    expect(await membersOf(saved.list.id)).toEqual([p]);
    expect(await membersOf(saved.list.id)).not.toContain(bystander);
  });

  it("attended the latest session: a newly read session moves the list for everyone, attendees of it or not", async () => {
    const c = await seedConnector();
    const w = await seedWebinar(c, "Depth latest", [
      [-30, -29],
      [-3, -2],
    ]);
    const saved = await saveDynamicList(env, {
      id: null,
      name: "Came to the latest",
      criteria: criteriaOf([{ kind: "attended_sessions", which: "latest", webinarId: w }]),
      actor: { id: adminId, ip: null },
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const all = await saveDynamicList(env, {
      id: null,
      name: "Came to all",
      criteria: criteriaOf([{ kind: "attended_sessions", which: "all", webinarId: w }]),
      actor: { id: adminId, ip: null },
    });
    if (!all.ok) throw new Error(JSON.stringify(all.errors));
    await runJobs();
    const s1 = { sessionKey: "401", startTime: iso(-30), endTime: iso(-29) };
    const s2 = { sessionKey: "402", startTime: iso(-3), endTime: iso(-2) };
    const person = (key: string, email: string) => ({
      registrantKey: key,
      email,
      firstName: null,
      lastName: null,
      status: "APPROVED" as const,
      joinUrl: null,
      registrationDate: null,
    });
    const base = {
      webinar: { id: w, subject: "Depth latest", endsAt: iso(-2) },
      connector: { createProspects: true, campaignId: null },
      registrants: [person("9401", "latest-early@example.com"), person("9402", "latest-both@example.com")],
      complete: true,
      fetchedAt: NOW,
    };
    const came = (key: string, email: string, sessions: { sessionKey: string }[]): IncomingAttendance => ({
      registrantKey: key,
      email,
      firstName: null,
      lastName: null,
      minutes: 40 * sessions.length,
      firstJoin: null,
      sessions: sessions.map((s) => ({
        sessionKey: s.sessionKey,
        minutes: 40,
        share: 66,
        firstJoin: null,
        lastLeave: null,
      })),
    });
    // The first session read (as a pass between the sessions would): both came to it.
    await ingest(db(), {
      ...base,
      webinar: { ...base.webinar, endsAt: iso(1) },
      attendance: [came("9401", "latest-early@example.com", [s1]), came("9402", "latest-both@example.com", [s1])],
      sessions: [s1],
      now: new Date().toISOString(),
    });
    const ids = Object.fromEntries(
      (await rows<{ id: string; email: string }>("SELECT id, email FROM prospects WHERE email LIKE 'latest-%'")).map(
        (r) => [r.email, r.id],
      ),
    );
    const early = ids["latest-early@example.com"] ?? "";
    const both = ids["latest-both@example.com"] ?? "";
    expect(await membersOf(saved.list.id)).toEqual(sorted(early, both));
    expect(await membersOf(all.list.id)).toEqual([]);
    // The second session read: only one came. The other's attendance did not change, yet the
    // latest session did: they leave the list.
    await ingest(db(), {
      ...base,
      attendance: [came("9401", "latest-early@example.com", [s1]), came("9402", "latest-both@example.com", [s1, s2])],
      sessions: [s1, s2],
      now: new Date().toISOString(),
    });
    expect(await membersOf(saved.list.id)).toEqual([both]);
    expect(await membersOf(all.list.id)).toEqual([both]);
  });
});
