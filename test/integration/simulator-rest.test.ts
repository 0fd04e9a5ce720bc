import { beforeEach, describe, expect, it } from "vitest";
import { simulatorFetch } from "../../src/simulator/stub-fetch";
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
const RANGE = `fromTime=${encodeURIComponent("2000-01-01T00:00:00Z")}&toTime=${encodeURIComponent("2100-01-01T00:00:00Z")}`;

beforeEach(async () => {
  await resetSimulator();
  org = await connect("olga@example.com");
});

const base = () => `/organizers/${org.organizerKey}`;

describe("webinar lists (W1, W2)", () => {
  it("answer the paged _embedded envelope with keys as strings", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const res = await api(`${base()}/webinars?${RANGE}`, org.access);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(quoted(text, "webinarKey")).toBe(webinarKey);
    expect(quoted(text, "organizerKey")).toBe(org.organizerKey);
    expect(quoted(text, "accountKey")).toBe(org.accountKey);
    const body = JSON.parse(text);
    expect(body.page).toEqual({ size: 20, totalElements: 1, totalPages: 1, number: 0 });
    expect(body._links.self.href).toContain("page=0");
    const item = body._embedded.webinars[0];
    expect(item).toMatchObject({ subject: "Product tour", timeZone: "Europe/Berlin", approvalType: "AUTOMATIC" });
    expect(item.times[0].startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const account = await api(`/accounts/${org.accountKey}/webinars?${RANGE}`, org.access);
    expect((await account.json<J>())._embedded.webinars).toHaveLength(1);
  });

  it("require fromTime and toTime and bound size to 200", async () => {
    const missing = await api(`${base()}/webinars`, org.access);
    expect(missing.status).toBe(400);
    const err = await missing.json<J>();
    expect(Object.keys(err).sort()).toEqual(["description", "errorCode", "incident"]);
    expect((await api(`${base()}/webinars?fromTime=yesterday&toTime=today`, org.access)).status).toBe(400);
    expect((await api(`${base()}/webinars?${RANGE}&size=201`, org.access)).status).toBe(400);
    expect((await api(`${base()}/webinars?${RANGE}&size=200`, org.access)).status).toBe(200);
    expect((await api(`${base()}/webinars?${RANGE}&page=-1`, org.access)).status).toBe(400);
  });

  it("page through every webinar exactly once; an empty page has no _embedded", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push((await makeWebinar(org.email, { startInHours: 24 + i })).webinarKey);
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const body = await (await api(`${base()}/webinars?${RANGE}&size=2&page=${page}`, org.access)).json<J>();
      expect(body.page.totalElements).toBe(5);
      expect(body.page.totalPages).toBe(3);
      for (const w of body._embedded.webinars) seen.push(w.webinarKey);
    }
    expect(seen).toEqual(keys);
    const beyond = await (await api(`${base()}/webinars?${RANGE}&size=2&page=3`, org.access)).json<J>();
    expect(beyond._embedded).toBeUndefined();
    expect(beyond.page.number).toBe(3);
  });

  it("filter by start time and refuse another organizer's path", async () => {
    await makeWebinar(org.email, { startInHours: 24 });
    const from = encodeURIComponent(iso(hours(100)));
    const to = encodeURIComponent(iso(hours(200)));
    const body = await (await api(`${base()}/webinars?fromTime=${from}&toTime=${to}`, org.access)).json<J>();
    expect(body.page.totalElements).toBe(0);
    const other = await connect("other@example.com");
    const res = await api(`${base()}/webinars?${RANGE}`, other.access);
    expect(res.status).toBe(403);
    expect((await res.json<J>()).errorCode).toBeTruthy();
  });
});

describe("one webinar (W3–W8)", () => {
  it("GET answers webinarKey and organizerKey as bare 19-digit numbers, accountKey as a string", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const text = await (await api(`${base()}/webinars/${webinarKey}`, org.access)).text();
    expect(webinarKey).toMatch(/^\d{19}$/);
    expect(bareNumber(text, "webinarKey")).toBe(webinarKey);
    expect(bareNumber(text, "organizerKey")).toBe(org.organizerKey);
    expect(quoted(text, "accountKey")).toBe(org.accountKey);
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      inSession: false,
      numberOfRegistrants: 0,
      type: "single_session",
      organizerEmail: org.email,
    });
  });

  it("create answers 201 with the key as a string; past times and missing fields are 400", async () => {
    const start = hours(72);
    const res = await api(`${base()}/webinars`, org.access, {
      method: "POST",
      body: JSON.stringify({
        subject: "API made",
        times: [{ startTime: iso(start), endTime: iso(start + 3600_000) }],
        timeZone: "UTC",
      }),
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).toMatch(/^\{"webinarKey":"\d{19}"\}$/);
    const past = await api(`${base()}/webinars`, org.access, {
      method: "POST",
      body: JSON.stringify({ subject: "Past", times: [{ startTime: iso(hours(-5)), endTime: iso(hours(-4)) }] }),
    });
    expect(past.status).toBe(400);
    expect((await past.json<J>()).errorCode).toBe("InvalidRequest");
    const noSubject = await api(`${base()}/webinars`, org.access, {
      method: "POST",
      body: JSON.stringify({ times: [] }),
    });
    expect(noSubject.status).toBe(400);
    const notJson = await api(`${base()}/webinars`, org.access, { method: "POST", body: "{nope" });
    expect(notJson.status).toBe(400);
  });

  it("update answers 202 and replaces the schedule; meetingtimes reflect it", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const start = hours(96);
    const res = await api(`${base()}/webinars/${webinarKey}`, org.access, {
      method: "PUT",
      body: JSON.stringify({ subject: "Renamed", times: [{ startTime: iso(start), endTime: iso(start + 1800_000) }] }),
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    const times = await (await api(`${base()}/webinars/${webinarKey}/meetingtimes`, org.access)).json<J>();
    expect(times).toEqual([{ startTime: iso(start), endTime: iso(start + 1800_000) }]);
  });

  it("cancel: 204, then 404; 405 for a past webinar; 409 in session; 404 unknown", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    expect(
      (await api(`${base()}/webinars/${webinarKey}?sendCancellationEmails=true`, org.access, { method: "DELETE" }))
        .status,
    ).toBe(204);
    const gone = await api(`${base()}/webinars/${webinarKey}`, org.access);
    expect(gone.status).toBe(404);
    expect((await gone.json<J>()).description).toBe("Webinar with specified key does not exist.");
    const past = await makeWebinar(org.email, { startInHours: -10 });
    expect((await api(`${base()}/webinars/${past.webinarKey}`, org.access, { method: "DELETE" })).status).toBe(405);
    const live = await makeWebinar(org.email, { startInHours: -0.5 });
    expect((await api(`${base()}/webinars/${live.webinarKey}`, org.access, { method: "DELETE" })).status).toBe(409);
    const insession = await (await api(`${base()}/insessionWebinars`, org.access)).json<J>();
    expect(insession.map((w: { webinarKey: string }) => w.webinarKey)).toEqual([live.webinarKey]);
    expect((await api(`${base()}/webinars/1234567890123456789`, org.access)).status).toBe(404);
  });
});

describe("registrants (R1–R5)", () => {
  it("create: 201 with registrantKey as a bare number, joinUrl and status", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const res = await api(`${base()}/webinars/${webinarKey}/registrants?resendConfirmation=false`, org.access, {
      method: "POST",
      headers: { accept: "application/vnd.citrix.g2wapi-v1.1+json" },
      body: JSON.stringify({
        firstName: "Ada",
        lastName: "Lovelace",
        email: "Ada@Example.com",
        organization: "Analytical",
        source: "spring",
      }),
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    const key = bareNumber(text, "registrantKey");
    expect(key).toMatch(/^\d{19}$/);
    const body = JSON.parse(text);
    expect(body.status).toBe("APPROVED");
    expect(body.joinUrl).toBe(`https://global.gotowebinar.com/join/${webinarKey}/${key}`);
    const detail = await (await api(`${base()}/webinars/${webinarKey}/registrants/${key}`, org.access)).text();
    expect(bareNumber(detail, "registrantKey")).toBe(key);
    expect(JSON.parse(detail)).toMatchObject({
      organization: "Analytical",
      source: "spring",
      type: "REGULAR",
      unsubscribed: false,
    });
  });

  it("a second registration of the same email in any case is 409 DuplicateRegistrant with the existing key", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const url = `${base()}/webinars/${webinarKey}/registrants`;
    const first = await (
      await api(url, org.access, {
        method: "POST",
        body: JSON.stringify({ firstName: "A", lastName: "B", email: "dup@example.com" }),
      })
    ).text();
    const again = await api(url, org.access, {
      method: "POST",
      body: JSON.stringify({ firstName: "A", lastName: "B", email: "DUP@Example.COM" }),
    });
    expect(again.status).toBe(409);
    const text = await again.text();
    expect(JSON.parse(text)).toMatchObject({ errorCode: "DuplicateRegistrant" });
    expect(bareNumber(text, "registrantKey")).toBe(bareNumber(first, "registrantKey"));
    expect(JSON.parse(text).incident).toBeTruthy();
  });

  it("400 when a required field or question is missing; responses with big keys as bare numbers", async () => {
    const { webinarKey } = await makeWebinar(org.email, {
      questions: [
        { question: "Team size?", type: "multipleChoice", required: true, answers: ["1-10", "11-50"] },
        { question: "Your goal?", type: "shortAnswer", required: false },
      ],
    });
    const fieldsText = await (await api(`${base()}/webinars/${webinarKey}/registrants/fields`, org.access)).text();
    const fields = JSON.parse(fieldsText);
    expect(fields.fields.map((f: { field: string }) => f.field)).toEqual(["firstName", "lastName", "email"]);
    expect(fields.questions[0]).toMatchObject({ question: "Team size?", required: true, type: "multipleChoice" });
    const questionKey = bareNumber(fieldsText, "questionKey") ?? "";
    const answerKey = bareNumber(fieldsText, "answerKey") ?? "";
    expect(questionKey).toMatch(/^\d{19}$/);
    const url = `${base()}/webinars/${webinarKey}/registrants`;
    const noLast = await api(url, org.access, {
      method: "POST",
      body: JSON.stringify({ firstName: "A", email: "x@example.com" }),
    });
    expect(noLast.status).toBe(400);
    expect(await noLast.json<J>()).toMatchObject({ errorCode: "InvalidRequest" });
    const noAnswer = await api(url, org.access, {
      method: "POST",
      body: JSON.stringify({ firstName: "A", lastName: "B", email: "x@example.com" }),
    });
    expect(noAnswer.status).toBe(400);
    // Keys written as bare JSON numbers, as a GoTo client sends them: parsed losslessly.
    const raw = `{"firstName":"A","lastName":"B","email":"x@example.com","responses":[{"questionKey":${questionKey},"answerKey":${answerKey}}]}`;
    const ok = await api(url, org.access, { method: "POST", body: raw });
    expect(ok.status).toBe(201);
    const key = bareNumber(await ok.text(), "registrantKey");
    const detail = await (await api(`${url}/${key}`, org.access)).json<J>();
    expect(detail.responses).toEqual([{ question: "Team size?", answer: "1-10" }]);
  });

  it("MANUAL approval webinars put new registrants in WAITING", async () => {
    const { webinarKey } = await makeWebinar(org.email, { approvalType: "MANUAL" });
    const res = await api(`${base()}/webinars/${webinarKey}/registrants`, org.access, {
      method: "POST",
      body: JSON.stringify({ firstName: "W", lastName: "Ait", email: "wait@example.com" }),
    });
    expect((await res.json<J>()).status).toBe("WAITING");
  });

  it("list: a plain array without paging; {data,total,page,limit,pageSize} with page/limit; limit ≤ 200", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const people = Array.from({ length: 450 }, (_, i) => ({
      email: `p${i}@example.com`,
      firstName: "P",
      lastName: `${i}`,
    }));
    const bulk = await controlJson<{ registrantKeys: string[] }>("POST", `/webinars/${webinarKey}/registrants`, people);
    const url = `${base()}/webinars/${webinarKey}/registrants`;
    const plain = await (await api(url, org.access)).text();
    expect(plain.startsWith("[")).toBe(true);
    expect(JSON.parse(plain)).toHaveLength(450);
    const first = bareNumber(plain, "registrantKey");
    expect(first).toBe(bulk.registrantKeys[0]);
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const text = await (await api(`${url}?page=${page}&limit=200`, org.access)).text();
      const body = JSON.parse(text);
      expect(body).toMatchObject({ total: 450, page, limit: 200, pageSize: page < 2 ? 200 : 50 });
      for (const m of text.matchAll(/"registrantKey":(\d+)/g)) seen.push(m[1] ?? "");
    }
    expect(seen).toEqual(bulk.registrantKeys);
    expect((await api(`${url}?limit=201`, org.access)).status).toBe(400);
    const item = JSON.parse(plain)[0];
    expect(Object.keys(item).sort()).toEqual(
      ["email", "firstName", "joinUrl", "lastName", "registrantKey", "registrationDate", "status", "timeZone"].sort(),
    );
  });

  it("delete: 204 for an upcoming webinar, then 404; refused for a past one", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const created = await controlJson<{ registrantKey: string }>("POST", `/webinars/${webinarKey}/registrants`, {
      email: "bye@example.com",
      firstName: "B",
      lastName: "Ye",
    });
    const url = `${base()}/webinars/${webinarKey}/registrants/${created.registrantKey}`;
    expect((await api(url, org.access, { method: "DELETE" })).status).toBe(204);
    expect((await api(url, org.access)).status).toBe(404);
    const past = await makeWebinar(org.email, { startInHours: -5 });
    const late = await controlJson<{ registrantKey: string }>("POST", `/webinars/${past.webinarKey}/registrants`, {
      email: "late@example.com",
      firstName: "L",
      lastName: "Ate",
    });
    const res = await api(`${base()}/webinars/${past.webinarKey}/registrants/${late.registrantKey}`, org.access, {
      method: "DELETE",
    });
    expect(res.status).toBe(400);
  });
});

describe("sessions and attendance (S1–S6, A1, W9)", () => {
  it("report completed sessions and attendees with GoTo's key types", async () => {
    const start = hours(-3);
    const { webinarKey, sessions } = await makeWebinar(org.email, {
      times: [{ startTime: iso(start), endTime: iso(start + 3600_000) }],
    });
    const sessionKey = sessions[0]?.sessionKey ?? "";
    const reg = await controlJson<{ registrantKey: string }>("POST", `/webinars/${webinarKey}/registrants`, {
      email: "att@example.com",
      firstName: "At",
      lastName: "Tendee",
    });
    await controlJson("POST", `/webinars/${webinarKey}/registrants`, {
      email: "absent@example.com",
      firstName: "Ab",
      lastName: "Sent",
    });
    await controlJson("POST", `/webinars/${webinarKey}/attendance`, {
      email: "ATT@example.com",
      joinTime: iso(start + 60_000),
      leaveTime: iso(start + 31 * 60_000),
    });
    await controlJson("POST", `/webinars/${webinarKey}/attendance`, {
      email: "att@example.com",
      joinTime: iso(start + 40 * 60_000),
      leaveTime: iso(start + 50 * 60_000),
    });

    const s1 = await api(`${base()}/webinars/${webinarKey}/sessions`, org.access);
    const s1Text = await s1.text();
    expect(quoted(s1Text, "sessionKey")).toBe(sessionKey);
    expect(quoted(s1Text, "webinarKey")).toBe(webinarKey);
    expect(JSON.parse(s1Text)._embedded.sessionInfoResources[0]).toMatchObject({
      registrantsAttended: 1,
      registrantCount: 2,
    });

    expect((await api(`${base()}/sessions`, org.access)).status).toBe(400);
    const s2 = await (await api(`${base()}/sessions?${RANGE}`, org.access)).json<J>();
    expect(s2.page.totalElements).toBe(1);

    const s4 = await (
      await api(`${base()}/webinars/${webinarKey}/sessions/${sessionKey}/attendees`, org.access)
    ).text();
    expect(s4.startsWith("[")).toBe(true);
    expect(bareNumber(s4, "registrantKey")).toBe(reg.registrantKey);
    expect(bareNumber(s4, "sessionKey")).toBe(sessionKey);
    const attendee = JSON.parse(s4)[0];
    expect(attendee.attendanceTimeInSeconds).toBe(40 * 60);
    expect(attendee.attendance).toEqual([
      { joinTime: iso(start + 60_000), leaveTime: iso(start + 31 * 60_000) },
      { joinTime: iso(start + 40 * 60_000), leaveTime: iso(start + 50 * 60_000) },
    ]);
    const s5 = await api(
      `${base()}/webinars/${webinarKey}/sessions/${sessionKey}/attendees/${reg.registrantKey}`,
      org.access,
    );
    expect(bareNumber(await s5.text(), "registrantKey")).toBe(reg.registrantKey);
    const polls = await api(
      `${base()}/webinars/${webinarKey}/sessions/${sessionKey}/attendees/${reg.registrantKey}/polls`,
      org.access,
    );
    expect(await polls.json<J>()).toEqual([]);

    const a1 = await (await api(`${base()}/webinars/${webinarKey}/attendees?size=1`, org.access)).text();
    expect(JSON.parse(a1).page).toEqual({ size: 1, totalElements: 1, totalPages: 1, number: 0 });
    expect(bareNumber(a1, "registrantKey")).toBe(reg.registrantKey);

    const s6 = await (
      await api(`${base()}/webinars/${webinarKey}/sessions/${sessionKey}/performance`, org.access)
    ).json<J>();
    expect(s6.attendance).toMatchObject({ registrantCount: 2, percentageAttendance: 50 });
    const w9 = await (await api(`${base()}/webinars/${webinarKey}/performance`, org.access)).json<J>();
    expect(Object.keys(w9)).toEqual([sessionKey]);
  });

  it("lists only completed sessions", async () => {
    const { webinarKey } = await makeWebinar(org.email, { startInHours: 5 });
    const body = await (await api(`${base()}/webinars/${webinarKey}/sessions`, org.access)).json<J>();
    expect(body.page.totalElements).toBe(0);
    expect(body._embedded).toBeUndefined();
  });
});

describe("limits and faults", () => {
  it("answers 429 above the rate limit (default 10 per second)", async () => {
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 10 });
    await limiterWindowPassed();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await api("/admin/rest/v1/me", org.access)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it("injects 500/503 answers at the error rate and adds latency", async () => {
    await controlJson("PUT", "/faults", { errorRate: 1 });
    const res = await api("/admin/rest/v1/me", org.access);
    expect([500, 503]).toContain(res.status);
    expect(Object.keys(await res.json<J>()).sort()).toEqual(["description", "errorCode", "incident"]);
    await controlJson("PUT", "/faults", { errorRate: 0, latencyMs: 150 });
    const started = Date.now();
    expect((await api("/admin/rest/v1/me", org.access)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await controlJson("PUT", "/faults", { latencyMs: 0 });
  });

  const registrant = (i: number) => JSON.stringify({ firstName: "Ana", lastName: "Ng", email: `ana${i}@example.com` });
  const registrantsIn = async (webinarKey: string): Promise<string[]> =>
    (await controlJson<J>("GET", `/state?webinarKey=${webinarKey}`)).registrants.map((r: J) => r.email);

  it("badAnswerRate: a 502 HTML page before the API (no effect), the others after it took effect", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const post = (i: number) =>
      api(`${base()}/webinars/${webinarKey}/registrants`, org.access, { method: "POST", body: registrant(i) });

    await controlJson("PUT", "/faults", { badAnswerRate: 1, badAnswerKinds: ["htmlErrorPage"] });
    const page = await post(1);
    expect(page.status).toBe(502);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("<html>");
    expect(await registrantsIn(webinarKey)).not.toContain("ana1@example.com");

    await controlJson("PUT", "/faults", { badAnswerKinds: ["htmlOk"] });
    const html = await post(2);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/);

    await controlJson("PUT", "/faults", { badAnswerKinds: ["truncated"] });
    const cut = await post(3);
    expect(cut.status).toBe(201);
    const cutText = await cut.text();
    expect(cutText.startsWith("{")).toBe(true);
    expect(() => JSON.parse(cutText)).toThrow();

    await controlJson("PUT", "/faults", { badAnswerKinds: ["empty"] });
    const empty = await post(4);
    expect(empty.status).toBe(201);
    expect(await empty.text()).toBe("");

    await controlJson("PUT", "/faults", { badAnswerKinds: ["wrongFields"] });
    const wrong = await post(5);
    expect(wrong.status).toBe(201);
    const body = await wrong.json<J>();
    expect(typeof body.registrantKey === "string" || typeof body.registrantKey === "number").toBe(false);
    expect(body.joinUrl).toContain("join");

    // Every kind but the 502 page came after GoTo registered the person.
    expect(await registrantsIn(webinarKey)).toEqual(
      expect.arrayContaining(["ana2@example.com", "ana3@example.com", "ana4@example.com", "ana5@example.com"]),
    );
    // Lists break too: with nothing to mangle but the envelope, the envelope is of the wrong type.
    const list = await api(`${base()}/webinars?${RANGE}`, org.access);
    const listed = await list.json<J>();
    expect(
      listed.page === "unexpected" ||
        listed._embedded === "unexpected" ||
        listed._embedded?.webinars?.[0]?.webinarKey === undefined ||
        typeof listed._embedded?.webinars?.[0]?.webinarKey === "object" ||
        typeof listed._embedded?.webinars?.[0]?.times !== "object",
    ).toBe(true);
  });

  it("ambiguousRate: the call takes effect, then GoTo answers 500 or the body stops halfway and never ends", async () => {
    const { webinarKey } = await makeWebinar(org.email);
    const post = (i: number) =>
      api(`${base()}/webinars/${webinarKey}/registrants`, org.access, { method: "POST", body: registrant(i) });

    await controlJson("PUT", "/faults", { ambiguousRate: 1, ambiguousKinds: ["error500"] });
    const failed = await post(6);
    expect(failed.status).toBe(500);
    expect((await failed.json<J>()).errorCode).toBe("InternalServerError");
    expect(await registrantsIn(webinarKey)).toContain("ana6@example.com");
    // The retry meets GoTo's own record of the first attempt: 409 with the key.
    await controlJson("PUT", "/faults", { ambiguousRate: 0 });
    const again = await post(6);
    expect(again.status).toBe(409);
    expect(bareNumber(await again.text(), "registrantKey")).not.toBeNull();

    await controlJson("PUT", "/faults", { ambiguousRate: 1, ambiguousKinds: ["hang"] });
    const hung = await post(7);
    expect(hung.status).toBe(201);
    const reader = hung.body?.getReader();
    if (!reader) throw new Error("no body");
    const first = await reader.read();
    expect(first.done).toBe(false);
    const head = new TextDecoder().decode(first.value);
    expect(head.startsWith("{")).toBe(true);
    expect(() => JSON.parse(head)).toThrow();
    expect(await registrantsIn(webinarKey)).toContain("ana7@example.com");
    await reader.cancel();
  });

  it("slowBodyMs trickles the body in pieces; paths aims every answer fault at matching GoTo paths only", async () => {
    await controlJson("PUT", "/faults", { slowBodyMs: 200 });
    const slow = await api("/admin/rest/v1/me", org.access);
    expect(slow.status).toBe(200);
    const reader = slow.body?.getReader();
    if (!reader) throw new Error("no body");
    let pieces = 0;
    let text = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      pieces++;
      text += new TextDecoder().decode(r.value);
    }
    expect(pieces).toBeGreaterThan(5);
    expect(JSON.parse(text).email).toBe(org.email);

    await controlJson("PUT", "/faults", { slowBodyMs: 0, errorRate: 1, badAnswerRate: 1, paths: "/registrants" });
    expect((await api("/admin/rest/v1/me", org.access)).status).toBe(200);
    const { webinarKey } = await makeWebinar(org.email);
    expect((await api(`${base()}/webinars/${webinarKey}`, org.access)).status).toBe(200);
    expect([500, 503]).toContain((await api(`${base()}/webinars/${webinarKey}/registrants`, org.access)).status);
    expect((await controlJson<J>("GET", "/faults")).paths).toBe("/registrants");
    await controlJson("PUT", "/faults", { errorRate: 0, badAnswerRate: 0, paths: "" });
    expect((await controlJson<J>("GET", "/faults")).paths).toBeNull();
  });

  it("answers unknown GoTo paths with 404 NOT_FOUND", async () => {
    const res = await api("/nothing/here", org.access);
    expect(res.status).toBe(404);
    expect((await res.json<J>()).errorCode).toBe("NOT_FOUND");
  });

  it("logs the API calls the app made", async () => {
    await api("/admin/rest/v1/me", org.access);
    const { calls } = await controlJson<{
      calls: { method: string; path: string; status: number; principal: string }[];
    }>("GET", "/calls");
    expect(calls[0]).toMatchObject({ method: "GET", path: "/admin/rest/v1/me", status: 200, principal: org.email });
    expect(calls.some((c) => c.path === "/oauth/token")).toBe(true);
  });
});

describe("simulatorFetch", () => {
  it("sends GoTo's real URLs to the simulator and refuses any other URL", async () => {
    const goto = simulatorFetch(env);
    const { webinarKey } = await makeWebinar(org.email);
    const res = await goto(`https://api.getgo.com/G2W/rest/v2/organizers/${org.organizerKey}/webinars/${webinarKey}`, {
      headers: { authorization: `Bearer ${org.access}` },
    });
    expect(res.status).toBe(200);
    expect(bareNumber(await res.text(), "webinarKey")).toBe(webinarKey);
    const list = await goto(`https://api.getgo.com/G2W/rest/v2/organizers/${org.organizerKey}/webinars?${RANGE}`, {
      headers: { authorization: `Bearer ${org.access}` },
    });
    expect((await list.json<J>())._links.self.href).toMatch(/^https:\/\/api\.getgo\.com\/G2W\/rest\/v2\/organizers\//);
    const me = await goto(
      new Request("https://api.getgo.com/admin/rest/v1/me", { headers: { authorization: `Bearer ${org.access}` } }),
    );
    expect(me.status).toBe(200);
    const token = await goto("https://authentication.logmeininc.com/oauth/token", {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa("rollcall-dev-client:rollcall-dev-secret")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: org.refresh }),
    });
    expect(token.status).toBe(200);
    await expect(goto("https://example.com/anything")).rejects.toThrow(TypeError);
  });
});

/** The simulator's limiter counts the last second; earlier tests' calls must have left it. */
const limiterWindowPassed = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_050));

/** Sends `perToken` calls for each token, interleaved; answers each token's statuses. */
async function interleaved(tokens: string[], perToken: number): Promise<number[][]> {
  const statuses = tokens.map(() => [] as number[]);
  for (let i = 0; i < perToken; i++) {
    for (const [t, token] of tokens.entries()) statuses[t]?.push((await api("/admin/rest/v1/me", token)).status);
  }
  return statuses;
}

const count = (statuses: number[] | undefined, status: number): number =>
  (statuses ?? []).filter((s) => s === status).length;

describe("rate limit scope", () => {
  it("shares the limit among every token of the OAuth client by default (rateLimitScope client)", async () => {
    const faults = await controlJson<J>("PUT", "/faults", { rateLimitPerSecond: 10 });
    expect(faults.rateLimitScope).toBe("client");
    const other = await connect("second-organizer@example.com");
    await limiterWindowPassed();
    const [first, second] = await interleaved([org.access, other.access], 7);
    // Together limited: 10 of the 14 calls pass, whoever sent them.
    expect(count(first, 200) + count(second, 200)).toBe(10);
    expect(count(first, 429) + count(second, 429)).toBe(4);
    expect(count(second, 429)).toBeGreaterThan(0);
  });

  it("gives each access token its own limit with rateLimitScope token", async () => {
    const faults = await controlJson<J>("PUT", "/faults", { rateLimitPerSecond: 10, rateLimitScope: "token" });
    expect(faults.rateLimitScope).toBe("token");
    const other = await connect("second-organizer@example.com");
    await limiterWindowPassed();
    const [first, second] = await interleaved([org.access, other.access], 12);
    // Each limited on its own: 10 of each token's 12 pass.
    expect([count(first, 200), count(first, 429)]).toEqual([10, 2]);
    expect([count(second, 200), count(second, 429)]).toEqual([10, 2]);
  });

  it("refuses an unknown scope with a 400 that names the field", async () => {
    const res = await control("PUT", "/faults", { rateLimitScope: "organizer" });
    expect(res.status).toBe(400);
    const body = await res.json<J>();
    expect(body.error.message).toMatch(/^rateLimitScope: must be "client" or "token"/);
    expect((await controlJson<J>("GET", "/faults")).rateLimitScope).toBe("client");
  });
});
