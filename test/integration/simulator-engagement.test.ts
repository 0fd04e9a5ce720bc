import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { GoToSimulator } from "../../src/simulator/simulator";
import {
  api,
  bareNumber,
  type Connected,
  connect,
  control,
  controlJson,
  env,
  hours,
  iso,
  makeWebinar,
  quoted,
  resetSimulator,
} from "./simulator-helpers";

// biome-ignore lint/suspicious/noExplicitAny: raw JSON bodies are probed field by field in these tests
type J = any;

let org: Connected;
let webinarKey: string;
let sessions: { sessionKey: string }[];
let ada: string;
let bob: string;
const start = hours(-5);

beforeEach(async () => {
  await resetSimulator();
  org = await connect("engage@example.com");
  // Two sessions, both over.
  const made = await makeWebinar(org.email, {
    times: [
      { startTime: iso(start), endTime: iso(start + 3600_000) },
      { startTime: iso(start + 2 * 3600_000), endTime: iso(start + 3 * 3600_000) },
    ],
  });
  webinarKey = made.webinarKey;
  sessions = made.sessions;
  for (const [email, first] of [
    ["ada@example.com", "Ada"],
    ["bob@example.com", "Bob"],
    ["cy@example.com", "Cy"],
  ] as const) {
    const r = await controlJson<{ registrantKey: string }>("POST", `/webinars/${webinarKey}/registrants`, {
      email,
      firstName: first,
      lastName: "Test",
    });
    if (first === "Ada") ada = r.registrantKey;
    if (first === "Bob") bob = r.registrantKey;
  }
  await controlJson("POST", `/webinars/${webinarKey}/attendance`, {
    email: "ada@example.com",
    joinTime: iso(start + 60_000),
    leaveTime: iso(start + 50 * 60_000),
  });
  await controlJson("POST", `/webinars/${webinarKey}/attendance`, {
    email: "bob@example.com",
    joinTime: iso(start + 60_000),
    leaveTime: iso(start + 40 * 60_000),
  });
  await controlJson("POST", `/webinars/${webinarKey}/attendance`, {
    email: "ada@example.com",
    joinTime: iso(start + 2 * 3600_000 + 60_000),
    leaveTime: iso(start + 2 * 3600_000 + 30 * 60_000),
  });
});

const sessionPath = (sessionKey: string) =>
  `/organizers/${org.organizerKey}/webinars/${webinarKey}/sessions/${sessionKey}`;

describe("engagement control routes (F31)", () => {
  it("record in the latest attended session unless sessionKey names one, and validate the body", async () => {
    const latest = await controlJson<J>("POST", `/webinars/${webinarKey}/polls`, {
      email: "ADA@example.com",
      question: "How soon are you buying?",
      answers: ["This quarter"],
    });
    expect(latest).toEqual({ kind: "poll", sessionKey: sessions[1]?.sessionKey, registrantKey: ada });
    const first = await controlJson<J>("POST", `/webinars/${webinarKey}/polls`, {
      email: "ada@example.com",
      question: "Team size?",
      answers: ["10-50"],
      sessionKey: sessions[0]?.sessionKey,
    });
    expect(first.sessionKey).toBe(sessions[0]?.sessionKey);

    const bad = [
      [{ email: "ada@example.com", question: "Q?", answers: [] }, 400, "answers"],
      [{ email: "ada@example.com", question: "  ", answers: ["x"] }, 400, "question"],
      [{ email: "not-an-email", question: "Q?", answers: ["x"] }, 400, "email"],
      [{ email: "ada@example.com", question: "Q?", answers: ["x"], sessionKey: "abc" }, 400, "sessionKey"],
      [{ email: "nobody@example.com", question: "Q?", answers: ["x"] }, 404, "nobody@example.com"],
      [{ email: "cy@example.com", question: "Q?", answers: ["x"] }, 422, "attended no session"],
      [
        { email: "bob@example.com", question: "Q?", answers: ["x"], sessionKey: sessions[1]?.sessionKey },
        422,
        "did not attend",
      ],
    ] as const;
    for (const [body, status, words] of bad) {
      const res = await control("POST", `/webinars/${webinarKey}/surveys`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json<J>()).error.message).toContain(words);
    }
    expect((await control("POST", `/webinars/${webinarKey}/questions`, "not json")).status).toBe(400);
    expect(
      (await control("POST", "/webinars/123/questions", { email: "ada@example.com", question: "Q?" })).status,
    ).toBe(404);
  });
});

describe("Attendees API engagement calls (section 7.1)", () => {
  beforeEach(async () => {
    await controlJson("POST", `/webinars/${webinarKey}/polls`, {
      email: "ada@example.com",
      question: "How soon are you buying?",
      answers: ["This quarter"],
      sessionKey: sessions[0]?.sessionKey,
    });
    await controlJson("POST", `/webinars/${webinarKey}/polls`, {
      email: "bob@example.com",
      question: "How soon are you buying?",
      answers: ["Next year"],
    });
    await controlJson("POST", `/webinars/${webinarKey}/surveys`, {
      email: "ada@example.com",
      question: "Which topics?",
      answers: ["Pricing", "Security"],
      sessionKey: sessions[0]?.sessionKey,
    });
    await controlJson("POST", `/webinars/${webinarKey}/questions`, {
      email: "ada@example.com",
      question: "Is there an API?",
      answer: "Yes, a JSON one.",
      sessionKey: sessions[0]?.sessionKey,
    });
    await controlJson("POST", `/webinars/${webinarKey}/questions`, {
      email: "bob@example.com",
      question: "Recording?",
    });
  });

  it("answer an attendee's polls and surveys as PollAnswer arrays (deprecated answer beside answers when single)", async () => {
    const s0 = sessions[0]?.sessionKey ?? "";
    const polls = await api(`${sessionPath(s0)}/attendees/${ada}/polls`, org.access);
    expect(polls.status).toBe(200);
    expect(await polls.json<J>()).toEqual([
      { question: "How soon are you buying?", answers: ["This quarter"], answer: "This quarter" },
    ]);
    const surveys = await (await api(`${sessionPath(s0)}/attendees/${ada}/surveys`, org.access)).json<J>();
    expect(surveys).toEqual([{ question: "Which topics?", answers: ["Pricing", "Security"] }]);
    // Ada did nothing in session 2: an empty array, not a 404.
    const s1 = sessions[1]?.sessionKey ?? "";
    expect(await (await api(`${sessionPath(s1)}/attendees/${ada}/polls`, org.access)).json<J>()).toEqual([]);
  });

  it("answer questions with the asker named, askerKey as a string, and the organizer's answer", async () => {
    const s0 = sessions[0]?.sessionKey ?? "";
    const text = await (await api(`${sessionPath(s0)}/attendees/${ada}/questions`, org.access)).text();
    expect(quoted(text, "askerKey")).toBe(ada);
    expect(bareNumber(text, "askerKey")).toBeNull();
    const [q] = JSON.parse(text);
    expect(q).toMatchObject({ question: "Is there an API?", askedBy: "ada@example.com" });
    expect(q.dateAsked).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(q.answers).toEqual([
      {
        answer: "Yes, a JSON one.",
        answeredBy: "Olga Organizer",
        answererRole: "ORGANIZER",
        answerTime: expect.stringMatching(/Z$/),
        answererEmail: org.email,
      },
    ]);
    // The session's questions: everyone's, in one call.
    const all = await (await api(`${sessionPath(s0)}/questions`, org.access)).json<J>();
    expect(all.map((x: J) => [x.askedBy, x.question, x.answers.length])).toEqual([
      ["ada@example.com", "Is there an API?", 1],
      ["bob@example.com", "Recording?", 0],
    ]);
  });

  it("answer session polls and surveys as aggregates without identities", async () => {
    const s0 = sessions[0]?.sessionKey ?? "";
    const polls = await (await api(`${sessionPath(s0)}/polls`, org.access)).text();
    expect(polls).not.toContain("ada@example.com");
    expect(JSON.parse(polls)).toEqual([
      {
        question: "How soon are you buying?",
        numberOfResponses: 2,
        responses: [
          { text: "This quarter", percentage: 50 },
          { text: "Next year", percentage: 50 },
        ],
      },
    ]);
    const surveys = await (await api(`${sessionPath(s0)}/surveys`, org.access)).json<J>();
    expect(surveys[0]).toMatchObject({ question: "Which topics?", numberOfResponses: 1 });
    expect(await (await api(`${sessionPath(sessions[1]?.sessionKey ?? "")}/surveys`, org.access)).json<J>()).toEqual(
      [],
    ); // The session's performance counts them too.
    const performance = await (await api(`${sessionPath(s0)}/performance`, org.access)).json<J>();
    expect(performance.pollsAndSurveys).toEqual({
      pollCount: 1,
      surveyCount: 1,
      questionsAsked: 2,
      percentagePollsCompleted: 100,
      percentageSurveysCompleted: 50,
    });
  });

  it("404 for an unknown or absent registrant and an unknown session", async () => {
    const s0 = sessions[0]?.sessionKey ?? "";
    const s1 = sessions[1]?.sessionKey ?? "";
    expect((await api(`${sessionPath(s0)}/attendees/1234567890123456789/polls`, org.access)).status).toBe(404);
    // Bob attended session 1 only.
    expect((await api(`${sessionPath(s1)}/attendees/${bob}/surveys`, org.access)).status).toBe(404);
    expect((await api(`${sessionPath("1234567890123456789")}/questions`, org.access)).status).toBe(404);
    expect((await api(`${sessionPath("1234567890123456789")}/attendees/${ada}/questions`, org.access)).status).toBe(
      404,
    );
  });
});

describe("survey.submitted webhook (section 7.2)", () => {
  it("is delivered to subscribers when a survey answer is recorded, keys as bare numbers", async () => {
    const received: string[] = [];
    await controlJson("PUT", "/faults", { webhookDelivery: "record" });
    await runInDurableObject(env.GOTO_SIMULATOR.getByName("default"), (instance: GoToSimulator) => {
      instance.deliveryFetch = async (input, init) => {
        const request = new Request(input, init);
        if (request.method === "POST") received.push(await request.text());
        return new Response("ok");
      };
    });
    await api("/webhooks/secretkey", org.access, { method: "POST", body: "{}" });
    const created = await api("/webhooks", org.access, {
      method: "POST",
      body: JSON.stringify([
        {
          callbackUrl: "https://rollcall.example/hook",
          eventName: "survey.submitted",
          eventVersion: "1.0.0",
          product: "g2w",
        },
      ]),
    });
    expect(created.status).toBe(200);
    const [hook] = (await created.json<J>())._embedded.webhooks;
    await api("/webhooks", org.access, {
      method: "PUT",
      body: JSON.stringify([{ webhookKey: hook.webhookKey, state: "ACTIVE" }]),
    });
    await api("/userSubscriptions", org.access, {
      method: "POST",
      body: JSON.stringify([{ webhookKey: hook.webhookKey, userSubscriptionState: "ACTIVE" }]),
    });

    await controlJson("POST", `/webinars/${webinarKey}/polls`, {
      email: "ada@example.com",
      question: "P?",
      answers: ["a"],
    });
    await controlJson("POST", `/webinars/${webinarKey}/surveys`, {
      email: "ada@example.com",
      question: "Would you recommend us?",
      answers: ["Yes"],
    });
    const sent = await runInDurableObject(env.GOTO_SIMULATOR.getByName("default"), (i: GoToSimulator) =>
      i.deliverNow(),
    );
    expect(sent).toBe(1);
    const [body] = received;
    expect(bareNumber(body ?? "", "registrantKey")).toBe(ada);
    expect(bareNumber(body ?? "", "sessionKey")).toBe(sessions[1]?.sessionKey);
    expect(bareNumber(body ?? "", "webinarKey")).toBe(webinarKey);
    const event = JSON.parse(body ?? "{}");
    expect(event).toMatchObject({
      eventName: "survey.submitted",
      email: "ada@example.com",
      surveyName: "Product tour survey",
      responses: [{ question: "Would you recommend us?", questionType: "MULTIPLE_CHOICE", answers: ["Yes"] }],
    });
    expect(typeof event.eventKey).toBe("string");
    expect(event.timestamp).toMatch(/Z$/);
  });
});

describe("console", () => {
  it("records a question by hand and says so", async () => {
    const res = await env.GOTO_SIMULATOR.getByName("default").fetch(
      new Request("http://localhost/sim/console/engagement", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          webinarKey,
          kind: "question",
          email: "bob@example.com",
          question: "Slides?",
          answer: "",
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Recorded the question of bob@example.com.");
    const s0 = sessions[0]?.sessionKey ?? "";
    const qs = await (await api(`${sessionPath(s0)}/attendees/${bob}/questions`, org.access)).json<J>();
    expect(qs).toMatchObject([{ question: "Slides?", answers: [] }]);
    const empty = await env.GOTO_SIMULATOR.getByName("default").fetch(
      new Request("http://localhost/sim/console/engagement", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ webinarKey, kind: "poll", email: "bob@example.com", question: "Q?", answers: "" }),
      }),
    );
    expect(empty.status).toBe(422);
  });
});
