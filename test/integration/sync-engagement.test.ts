import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mergeProspects } from "../../src/db/queries/merge";
import type { GoToSimulator } from "../../src/simulator/simulator";
import type { SyncStatus } from "../../src/sync/webinar-sync";
import { call, rows } from "../helpers";
import { adminSession, controlJson } from "./connector-helpers";
import { HOUR, session, signedEvent, syncFixture, syncNow, syncSettled, webhooksReady } from "./sync-helpers";

interface Activity {
  type: string;
  points: number;
  detail: string | null;
  dedupe_key: string;
  prospect_id: string;
}

const engagementActivities = (webinarId: string) =>
  rows<Activity>(
    `SELECT a.type, a.points, a.detail, a.dedupe_key, a.prospect_id FROM activities a
     WHERE a.webinar_id = ? AND a.type IN ('webinar_poll_answered', 'webinar_survey_completed', 'webinar_question_asked')
     ORDER BY a.prospect_id, a.type, a.detail`,
    webinarId,
  );

const engagementRows = (webinarId: string) =>
  rows<Record<string, unknown>>("SELECT * FROM engagements WHERE webinar_id = ? ORDER BY dedupe_key", webinarId);

async function insertProspect(id: string, email: string): Promise<void> {
  const now = new Date().toISOString();
  await env.DB.prepare(
    "INSERT INTO prospects (id, email, source, created_at, updated_at) VALUES (?, ?, 'manual', ?, ?)",
  )
    .bind(id, email, now, now)
    .run();
}

/** The engagement job has left the object's jobs table: the pass is over. */
async function engagementIdle(webinarId: string, timeoutMs = 60_000): Promise<SyncStatus> {
  const stub = env.WEBINAR_SYNC.getByName(webinarId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE id = 'engagement'").one(),
    );
    if (pending.n === 0) return stub.status();
    if (Date.now() > deadline) throw new Error(`engagement pass not over: ${JSON.stringify(await stub.status())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const at = (s: { startTime: string }, fromMin: number, toMin: number) => ({
  joinTime: new Date(Date.parse(s.startTime) + fromMin * 60_000).toISOString(),
  leaveTime: new Date(Date.parse(s.startTime) + toMin * 60_000).toISOString(),
});

describe("engagement through the simulator (F31)", () => {
  it("polls, surveys and questions of two sessions become activities once each, with points; re-polls change nothing; unmatched attendees get nothing", async () => {
    const s1 = session(-6 * HOUR);
    const s2 = session(-3 * HOUR);
    for (const [id, email] of [
      ["pro_eng_ada", "ada@example.com"],
      ["pro_eng_bob", "bob@example.com"],
    ]) {
      await insertProspect(id ?? "", email ?? "");
    }
    const fx = await syncFixture(
      [{ subject: "Engagement tour", times: [s1, s2] }],
      async (key) => {
        await controlJson("POST", `/webinars/${key}/registrants`, [
          { email: "ada@example.com", firstName: "Ada", lastName: "L" },
          { email: "bob@example.com", firstName: "Bob", lastName: "B" },
          { email: "zed@example.com", firstName: "Zed", lastName: "Z" },
          { email: "cy@example.com", firstName: "Cy", lastName: "C" },
        ]);
        await controlJson("POST", `/webinars/${key}/attendance`, { email: "ada@example.com", ...at(s1, 0, 50) });
        await controlJson("POST", `/webinars/${key}/attendance`, { email: "bob@example.com", ...at(s1, 5, 40) });
        await controlJson("POST", `/webinars/${key}/attendance`, { email: "zed@example.com", ...at(s1, 5, 40) });
        await controlJson("POST", `/webinars/${key}/attendance`, { email: "ada@example.com", ...at(s2, 0, 30) });
        const [first] = (await controlJson<{ sessions: { sessionKey: string }[] }>("GET", `/state?webinarKey=${key}`))
          .sessions;
        const inFirst = { sessionKey: first?.sessionKey };
        await controlJson("POST", `/webinars/${key}/polls`, {
          email: "ada@example.com",
          question: "How soon are you buying?",
          answers: ["This quarter"],
          ...inFirst,
        });
        await controlJson("POST", `/webinars/${key}/polls`, {
          email: "ada@example.com",
          question: "How soon are you buying?",
          answers: ["Next quarter"],
        });
        await controlJson("POST", `/webinars/${key}/surveys`, {
          email: "ada@example.com",
          question: "Which topics?",
          answers: ["Pricing", "Security"],
          ...inFirst,
        });
        // A second question of the same survey: the survey is still completed once, scored once.
        await controlJson("POST", `/webinars/${key}/surveys`, {
          email: "ada@example.com",
          question: "Would you recommend us?",
          answers: ["Yes"],
          ...inFirst,
        });
        await controlJson("POST", `/webinars/${key}/questions`, {
          email: "ada@example.com",
          question: "Is there an API?",
          answer: "Yes, a JSON one.",
        });
        await controlJson("POST", `/webinars/${key}/polls`, {
          email: "bob@example.com",
          question: "How soon are you buying?",
          answers: ["Next year"],
        });
        await controlJson("POST", `/webinars/${key}/questions`, { email: "bob@example.com", question: "Recording?" });
        await controlJson("POST", `/webinars/${key}/polls`, {
          email: "zed@example.com",
          question: "How soon are you buying?",
          answers: ["Never"],
        });
      },
      { createProspects: false },
    );
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await syncNow(webinar.id);
    const status = await engagementIdle(webinar.id);
    // Ada in both sessions, Bob and Zed in the first; Cy never attended and is never read.
    expect(status.engagement).toMatchObject({
      sessions: 2,
      sessionsWithQuestions: 2,
      attendees: 4,
      read: 4,
      skipped: 0,
    });

    const acts = await engagementActivities(webinar.id);
    expect(acts.map((a) => [a.prospect_id, a.type, a.points, a.detail])).toEqual([
      ["pro_eng_ada", "webinar_poll_answered", 5, "“How soon are you buying?” Answer: Next quarter"],
      ["pro_eng_ada", "webinar_poll_answered", 5, "“How soon are you buying?” Answer: This quarter"],
      ["pro_eng_ada", "webinar_question_asked", 10, "“Is there an API?” Answer: Yes, a JSON one."],
      [
        "pro_eng_ada",
        "webinar_survey_completed",
        5,
        "“Which topics?” Answer: Pricing; Security “Would you recommend us?” Answer: Yes",
      ],
      ["pro_eng_bob", "webinar_poll_answered", 5, "“How soon are you buying?” Answer: Next year"],
      ["pro_eng_bob", "webinar_question_asked", 10, "“Recording?”"],
    ]);
    const engaged = await engagementRows(webinar.id);
    expect(engaged).toHaveLength(7);
    expect(engaged.filter((e) => e.kind === "survey")).toHaveLength(2);
    expect(engaged.map((e) => e.prospect_id)).not.toContain(null);
    expect(new Set(engaged.map((e) => e.session_key)).size).toBe(2);
    expect(engaged.find((e) => e.kind === "survey")).toMatchObject({ answers: '["Pricing","Security"]' });
    const [ada] = await rows<{ score: number; sum: number }>(
      "SELECT score, (SELECT SUM(points) FROM activities WHERE prospect_id = p.id) AS sum FROM prospects p WHERE id = 'pro_eng_ada'",
    );
    expect(ada?.score).toBe(ada?.sum);
    expect(ada?.score).toBeGreaterThanOrEqual(25);

    // The prospect's timeline shows the text of each.
    const admin = await adminSession();
    const page = await (await call("/admin/prospects/pro_eng_ada", { cookie: admin.cookie })).text();
    expect(page).toContain("Answered a poll");
    expect(page).toContain("“Is there an API?” Answer: Yes, a JSON one.");
    // The webinar page says how far the pass got.
    const webinarPage = await (await call(`/admin/webinars/${webinar.id}`, { cookie: admin.cookie })).text();
    expect(webinarPage).toMatch(/data-engagement-progress[^>]*>\s*4 of 4 attendees read/);

    // A re-poll and another pass change nothing.
    await syncNow(webinar.id);
    await engagementIdle(webinar.id);
    expect(await engagementActivities(webinar.id)).toEqual(acts);
    expect(await engagementRows(webinar.id)).toEqual(engaged);

    // A merge moves the engagement rows (and their activities) to the master.
    await mergeProspects(env.DB, {
      masterId: "pro_eng_ada",
      otherId: "pro_eng_bob",
      mergedBy: null,
      now: new Date().toISOString(),
    });
    const merged = await engagementRows(webinar.id);
    expect(merged.map((e) => e.prospect_id)).toEqual(engaged.map(() => "pro_eng_ada"));
    expect((await engagementActivities(webinar.id)).every((a) => a.prospect_id === "pro_eng_ada")).toBe(true);
    expect(await engagementActivities(webinar.id)).toHaveLength(6);
  }, 120_000);

  it("a survey submitted by webhook appears without a poll; duplicate deliveries and the later pass add nothing; bad answers do not stop the pass", async () => {
    const s1 = session(-3 * HOUR);
    const fx = await syncFixture([{ subject: "Webhook survey", times: [s1] }], async (key) => {
      await controlJson("POST", `/webinars/${key}/registrants`, [
        { email: "dan@example.com", firstName: "Dan", lastName: "D" },
        { email: "eve@example.com", firstName: "Eve", lastName: "E" },
        { email: "fay@example.com", firstName: "Fay", lastName: "F" },
      ]);
      await controlJson("POST", `/webinars/${key}/attendance`, { email: "fay@example.com", ...at(s1, 0, 50) });
    });
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    const secret = await webhooksReady(fx.connectorId);
    await syncNow(webinar.id);
    await engagementIdle(webinar.id);
    const [dan] = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'dan@example.com'");
    if (!dan) throw new Error("dan was not ingested");

    // Dan attends late (GoTo completes attendance late) and submits the survey: the webhook brings it.
    const sim = env.GOTO_SIMULATOR.getByName("default");
    await controlJson("POST", `/webinars/${webinar.webinarKey}/attendance`, {
      email: "dan@example.com",
      ...at(s1, 10, 50),
    });
    const recordedAt = new Date().toISOString();
    const delivered: string[] = [];
    await runInDurableObject(sim, async (instance: GoToSimulator) => {
      const original = instance.deliveryFetch;
      instance.deliveryFetch = async (input, init) => {
        const request = new Request(input, init);
        if (request.method === "POST") delivered.push(await request.clone().text());
        return original(request);
      };
    });
    await controlJson("POST", `/webinars/${webinar.webinarKey}/surveys`, {
      email: "dan@example.com",
      question: "Would you recommend us?",
      answers: ["Yes"],
    });
    await runInDurableObject(sim, (instance: GoToSimulator) => instance.deliverNow());
    const surveyEvent = delivered.find((d) => d.includes("survey.submitted"));
    expect(surveyEvent).toBeDefined();

    let surveyActs: Activity[] = [];
    const deadline = Date.now() + 20_000;
    while (surveyActs.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      surveyActs = (await engagementActivities(webinar.id)).filter((a) => a.prospect_id === dan.id);
    }
    expect(surveyActs.map((a) => [a.type, a.points, a.detail])).toEqual([
      ["webinar_survey_completed", 5, "“Would you recommend us?” Answer: Yes"],
    ]);
    // No poll of GoTo brought it: no engagement call since the survey was recorded.
    const calls = (await controlJson<{ calls: { at: string; path: string }[] }>("GET", "/calls")).calls;
    expect(calls.filter((c) => c.at >= recordedAt && /surveys|polls|questions/.test(c.path))).toEqual([]);
    // ...while the pass before did read through the simulator's log (so the check above can see such calls).
    expect(calls.some((c) => /\/attendees\/\d+\/surveys/.test(c.path))).toBe(true);

    // The same delivery again, and the same answer under a new event key: nothing new.
    const again = await signedEvent(fx.connectorId, JSON.parse(surveyEvent ?? "{}"), secret);
    expect(again.status).toBeLessThan(300);
    const renamed = { ...JSON.parse(surveyEvent ?? "{}"), eventKey: crypto.randomUUID() };
    expect((await signedEvent(fx.connectorId, renamed, secret)).status).toBeLessThan(300);
    await syncSettled(webinar.id, () => true);

    // Eve attends too; GoTo answers her reads with garbage. The next pass reads Dan (same survey,
    // same key: still one activity) and gets past Eve.
    const eve = await controlJson<{ registrantKey: string }>("POST", `/webinars/${webinar.webinarKey}/attendance`, {
      email: "eve@example.com",
      ...at(s1, 0, 20),
    });
    await controlJson("PUT", "/faults", {
      badAnswerRate: 1,
      badAnswerKinds: ["htmlOk", "truncated", "wrongFields", "empty"],
      paths: `/attendees/${eve.registrantKey}/`,
    });
    try {
      await syncNow(webinar.id);
      const status = await engagementIdle(webinar.id, 100_000);
      expect(status.engagement.attendees).toBe(3);
      expect(status.engagement.read + status.engagement.skipped).toBe(3);
    } finally {
      await controlJson("PUT", "/faults", { badAnswerRate: 0, paths: null });
    }
    expect((await engagementActivities(webinar.id)).filter((a) => a.prospect_id === dan.id)).toHaveLength(1);
    expect((await engagementRows(webinar.id)).filter((e) => e.prospect_id === dan.id)).toHaveLength(1);
  }, 180_000);

  it("reads a fresh session's questions at once and its attendees' polls and surveys only from an hour after it ended", async () => {
    const s1 = session(-90 * 60_000);
    const fx = await syncFixture([{ subject: "Just ended", times: [s1] }], async (key) => {
      await controlJson("POST", `/webinars/${key}/registrants`, [
        { email: "gus@example.com", firstName: "G", lastName: "U" },
      ]);
      await controlJson("POST", `/webinars/${key}/attendance`, { email: "gus@example.com", ...at(s1, 0, 50) });
      await controlJson("POST", `/webinars/${key}/polls`, {
        email: "gus@example.com",
        question: "Ready?",
        answers: ["Yes"],
      });
      await controlJson("POST", `/webinars/${key}/questions`, { email: "gus@example.com", question: "Price?" });
    });
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await syncNow(webinar.id);
    const status = await engagementIdle(webinar.id);
    expect(status.engagement).toMatchObject({ sessions: 0, sessionsWithQuestions: 1, attendees: 0 });
    expect((await engagementActivities(webinar.id)).map((a) => a.type)).toEqual(["webinar_question_asked"]);
    const calls = (await controlJson<{ calls: { path: string }[] }>("GET", "/calls")).calls;
    expect(calls.filter((c) => c.path.includes(webinar.webinarKey) && /\/attendees\/\d+\/polls/.test(c.path))).toEqual(
      [],
    );
  }, 60_000);
});
