import { beforeEach, describe, expect, it } from "vitest";
import { control, controlJson, hours, iso, resetSimulator, sim } from "./simulator-helpers";

// biome-ignore lint/suspicious/noExplicitAny: raw JSON bodies are probed field by field in these tests
type J = any;

beforeEach(() => resetSimulator());

describe("control API (interfaces.md)", () => {
  it("creates organizers with 19-digit keys as strings, idempotent by email", async () => {
    const res = await control("POST", "/organizers", { email: "ctl@example.com", firstName: "C", lastName: "T" });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).toMatch(/"organizerKey":"\d{19}"/);
    expect(text).toMatch(/"accountKey":"\d{19}"/);
    const again = await control("POST", "/organizers", { email: "CTL@example.com", firstName: "C", lastName: "T" });
    expect(again.status).toBe(200);
    expect((await again.json<J>()).organizerKey).toBe(JSON.parse(text).organizerKey);
    const bad = await control("POST", "/organizers", { email: "not-an-email", firstName: "C", lastName: "T" });
    expect(bad.status).toBe(400);
    expect((await bad.json<J>()).error.code).toBe("invalid_request");
  });

  it("creates webinars in the past or the future with sessions; unknown organizer is 404", async () => {
    await controlJson("POST", "/organizers", { email: "w@example.com", firstName: "W", lastName: "E" });
    const past = hours(-30);
    const res = await control("POST", "/webinars", {
      organizerEmail: "w@example.com",
      subject: "Two sessions",
      times: [
        { startTime: iso(past), endTime: iso(past + 3600_000) },
        { startTime: iso(past + 86_400_000), endTime: iso(past + 86_400_000 + 3600_000) },
      ],
      approvalType: "MANUAL",
      questions: [{ question: "Why?", type: "shortAnswer", required: true }],
    });
    expect(res.status).toBe(201);
    const body = await res.json<J>();
    expect(body.webinarKey).toMatch(/^\d{19}$/);
    expect(body.sessions).toHaveLength(2);
    expect(body).toMatchObject({ approvalType: "MANUAL", status: "past", recurrenceType: "sequence" });
    const none = await control("POST", "/webinars", {
      organizerEmail: "nobody@example.com",
      subject: "x",
      times: [{ startTime: iso(past), endTime: iso(past + 1) }],
    });
    expect(none.status).toBe(404);
    const badTimes = await control("POST", "/webinars", {
      organizerEmail: "w@example.com",
      subject: "x",
      times: [{ startTime: "soon", endTime: "later" }],
    });
    expect(badTimes.status).toBe(400);
  });

  it("adds registrants one at a time or as an array, records attendance, shows the state, cancels", async () => {
    await controlJson("POST", "/organizers", { email: "s@example.com", firstName: "S", lastName: "T" });
    const start = hours(-3);
    const w = await controlJson<J>("POST", "/webinars", {
      organizerEmail: "s@example.com",
      subject: "State",
      times: [{ startTime: iso(start), endTime: iso(start + 3600_000) }],
    });
    const one = await control("POST", `/webinars/${w.webinarKey}/registrants`, {
      email: "one@example.com",
      firstName: "O",
      lastName: "Ne",
      status: "DENIED",
    });
    expect(one.status).toBe(201);
    expect(await one.json<J>()).toMatchObject({ registrantKey: expect.stringMatching(/^\d{19}$/), status: "DENIED" });
    const dup = await control("POST", `/webinars/${w.webinarKey}/registrants`, {
      email: "ONE@example.com",
      firstName: "O",
      lastName: "Ne",
    });
    expect(dup.status).toBe(409);
    const bulk = await control(
      "POST",
      `/webinars/${w.webinarKey}/registrants`,
      Array.from({ length: 3 }, (_, i) => ({ email: `b${i}@example.com`, firstName: "B", lastName: `${i}` })),
    );
    expect(bulk.status).toBe(201);
    const created = await bulk.json<J>();
    expect(created.created).toBe(3);
    expect(created.registrantKeys).toHaveLength(3);
    const dupBulk = await control("POST", `/webinars/${w.webinarKey}/registrants`, [
      { email: "new@example.com", firstName: "N", lastName: "W" },
      { email: "b1@example.com", firstName: "B", lastName: "1" },
    ]);
    expect(dupBulk.status).toBe(409);
    const att = await control("POST", `/webinars/${w.webinarKey}/attendance`, {
      email: "b0@example.com",
      joinTime: iso(start + 5 * 60_000),
      leaveTime: iso(start + 50 * 60_000),
    });
    expect(att.status).toBe(201);
    const outside = await control("POST", `/webinars/${w.webinarKey}/attendance`, {
      email: "b0@example.com",
      joinTime: iso(start + 5 * 3600_000),
      leaveTime: iso(start + 6 * 3600_000),
    });
    expect(outside.status).toBe(422);
    const state = await controlJson<J>("GET", `/state?webinarKey=${w.webinarKey}`);
    expect(state.registrants.map((r: { email: string }) => r.email)).toEqual([
      "one@example.com",
      "b0@example.com",
      "b1@example.com",
      "b2@example.com",
    ]);
    expect(state.registrants.some((r: J) => r.email === "new@example.com")).toBe(false);
    expect(state.sessions[0].attendees).toEqual([
      expect.objectContaining({ email: "b0@example.com", attendanceTimeInSeconds: 45 * 60 }),
    ]);
    const cancelled = await controlJson<J>("POST", `/webinars/${w.webinarKey}/cancel`);
    expect(cancelled.status).toBe("cancelled");
    expect((await control("GET", "/state?webinarKey=999")).status).toBe(404);
  });

  it("validates faults, and reset empties everything", async () => {
    expect((await control("PUT", "/faults", { errorRate: 2 })).status).toBe(400);
    expect((await control("PUT", "/faults", { surprise: true })).status).toBe(400);
    for (const bad of [
      { badAnswerRate: -0.1 },
      { ambiguousRate: 1.5 },
      { slowBodyMs: 60_001 },
      { slowBodyMs: 1.5 },
      { paths: "(unclosed" },
      { paths: 42 },
      { badAnswerKinds: ["gibberish"] },
      { badAnswerKinds: [] },
      { ambiguousKinds: ["slow"] },
    ]) {
      const res = await control("PUT", "/faults", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      const { error } = await res.json<J>();
      expect(error.message).toContain(Object.keys(bad)[0]);
    }
    expect((await (await control("PUT", "/faults", { paths: "(unclosed" })).json<J>()).error.message).toContain(
      "regular expression",
    );
    const answerFaults = await controlJson<J>("PUT", "/faults", {
      badAnswerRate: 0.2,
      badAnswerKinds: ["truncated", "empty", "truncated"],
      ambiguousRate: 0.1,
      ambiguousKinds: ["hang"],
      slowBodyMs: 300,
      paths: "/registrants$",
    });
    expect(answerFaults).toMatchObject({
      badAnswerRate: 0.2,
      badAnswerKinds: ["truncated", "empty"],
      ambiguousRate: 0.1,
      ambiguousKinds: ["hang"],
      slowBodyMs: 300,
      paths: "/registrants$",
    });
    expect(await controlJson<J>("GET", "/faults")).toMatchObject({ slowBodyMs: 300, paths: "/registrants$" });
    const faults = await controlJson<J>("PUT", "/faults", { errorRate: 0.25, latencyMs: 0, rateLimitPerSecond: 3 });
    expect(faults).toMatchObject({ errorRate: 0.25, rateLimitPerSecond: 3 });
    await controlJson("POST", "/organizers", { email: "r@example.com", firstName: "R", lastName: "E" });
    await controlJson("POST", "/reset");
    expect(await controlJson<J>("GET", "/state")).toEqual({ organizers: [], webinars: [] });
    expect(await controlJson<J>("GET", "/faults")).toMatchObject({
      errorRate: 0,
      badAnswerRate: 0,
      ambiguousRate: 0,
      slowBodyMs: 0,
      paths: null,
    });
  });

  it("answers bad JSON with 400 and cross-site browser posts with 403", async () => {
    expect((await control("POST", "/organizers", "{nope")).status).toBe(400);
    const cross = await sim("/control/reset", { method: "POST", headers: { origin: "https://evil.example" } });
    expect(cross.status).toBe(403);
  });
});

describe("console", () => {
  it("the Faults panel sets and shows the answer faults, and explains a bad regular expression", async () => {
    const post = (fields: Record<string, string>) =>
      sim("/console/faults", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
        body: new URLSearchParams(fields),
      });
    const res = await post({ badAnswerRate: "0.3", ambiguousRate: "0.1", slowBodyMs: "250", paths: "/registrants" });
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment).toContain("Faults applied.");
    expect(fragment).toContain('name="paths"');
    expect(fragment).toContain('value="/registrants"');
    expect(await controlJson<J>("GET", "/faults")).toMatchObject({
      badAnswerRate: 0.3,
      ambiguousRate: 0.1,
      slowBodyMs: 250,
      paths: "/registrants",
    });
    const bad = await post({ paths: "([" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("regular expression");
    await post({ badAnswerRate: "0", ambiguousRate: "0", slowBodyMs: "0", paths: "" });
    expect((await controlJson<J>("GET", "/faults")).paths).toBeNull();
  });

  it("renders the console page and the call log fragment without inline script or style", async () => {
    const page = await (await sim("/")).text();
    expect(page).toContain("GoToWebinar simulator");
    expect(page).toContain('hx-trigger="every 2s"');
    expect(page).not.toMatch(/<script>(?!<\/script>)|style=|hx-on/);
    const res = await sim("/console/organizers", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "hx-request": "true",
        origin: "http://localhost",
      },
      body: new URLSearchParams({ email: "console@example.com", firstName: "Con", lastName: "Sole" }),
    });
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment).toContain("Added organizer console@example.com.");
    expect(fragment.startsWith('<div id="console"')).toBe(true);
    const invalid = await sim("/console/organizers", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
      body: new URLSearchParams({ email: "nope", firstName: "", lastName: "" }),
    });
    expect(invalid.status).toBe(422);
  });
});
