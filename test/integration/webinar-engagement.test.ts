import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/encoding";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { runJobs } from "./lists-helpers";
import { iso, seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";

/**
 * The webinar page's attendance per session (sessions side by side) and engagement panel, and the
 * prospects behind each of their figures: the page, its CSV export and its bulk actions.
 */

let admin: Session;
let series: string;
let quiet: string;
const who: Record<string, string> = {};

async function readSession(webinarId: string, key: string, startsAt: string, endsAt: string): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO webinar_sessions (webinar_id, session_key, starts_at, ends_at, read_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(webinarId, key, startsAt, endsAt, new Date().toISOString())
    .run();
}

async function attended(prospectId: string, key: string, minutes: number, share: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO session_attendance (webinar_id, session_key, prospect_id, minutes, share, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  )
    .bind(series, key, prospectId, minutes, share, new Date().toISOString())
    .run();
}

async function engaged(
  prospectId: string,
  kind: "poll" | "survey" | "question",
  question: string,
  answers: string[],
  answer: string | null = null,
): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, answers, answer, occurred_at, dedupe_key)
     VALUES (?, ?, ?, '501', ?, ?, ?, ?, ?, ?)`,
  )
    .bind(newId("eng"), series, prospectId, kind, question, JSON.stringify(answers), answer, iso(-20), newId("dk"))
    .run();
}

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  const c = await seedConnector();
  series = await seedWebinar(c, "Engagement series", [
    [-30, -29],
    [-6, -5],
  ]);
  quiet = await seedWebinar(c, "Quiet webinar", [[-3, -2]]);
  await readSession(series, "501", iso(-30), iso(-29));
  await readSession(series, "502", iso(-6), iso(-5));
  for (const name of ["ana", "ben", "cai", "dee"]) {
    who[name] = await seedProspect(`eng-${name}@example.com`, { firstName: name.toUpperCase() });
    await seedRegistration(who[name] ?? "", series, "approved", { attended: name !== "dee", minutes: 40 });
  }
  await attended(who.ana ?? "", "501", 60, 100);
  await attended(who.ana ?? "", "502", 30, 50);
  await attended(who.ben ?? "", "501", 30, 50);
  await attended(who.cai ?? "", "502", 45, 75);
  await engaged(who.ana ?? "", "poll", "How soon are you buying?", ["This quarter"]);
  await engaged(who.ben ?? "", "poll", "How soon are you buying?", ["Next year"]);
  await engaged(who.cai ?? "", "poll", "How soon are you buying?", ["This quarter"]);
  await engaged(who.ana ?? "", "survey", "Would you recommend us?", ["Yes"]);
  await engaged(who.ben ?? "", "question", "Is there a plan for <b>teams</b>?", [], "Yes, the Team plan.");
  await engaged(who.cai ?? "", "question", "Will the recording be sent?", []);
});

async function page(path: string): Promise<{ status: number; html: string }> {
  const res = await call(path, { cookie: admin.cookie });
  return { status: res.status, html: await res.text() };
}

const drill = (params: Record<string, string>) =>
  `/admin/webinars/${series}/engaged?${new URLSearchParams(params).toString()}`;

function emailsIn(html: string): string[] {
  return [...new Set([...html.matchAll(/eng-[a-z]+@example\.com/g)].map((m) => m[0]))].sort();
}

describe("the webinar page: sessions side by side and engagement", () => {
  it("shows each session's attendees, average minutes and share, and the engagement panel", async () => {
    const { status, html } = await page(`/admin/webinars/${series}`);
    expect(status).toBe(200);
    expect(html).toContain("Attendance per session");
    const sessions = [...html.matchAll(/data-session="(\d+)"[\s\S]*?data-count="session-attended">(\d+)</g)].map(
      (m) => [m[1], m[2]],
    );
    expect(sessions).toEqual([
      ["501", "2"],
      ["502", "2"],
    ]);
    // Session 1: 60 and 30 minutes (average 45), 100 % and 50 % (average 75 %).
    expect(html).toMatch(/Average minutes<\/dt><dd>45<\/dd>/);
    expect(html).toMatch(/Average share of the session<\/dt><dd>75%<\/dd>/);
    expect(html).toMatch(/data-count="poll">3</);
    expect(html).toMatch(/data-count="survey">1</);
    expect(html).toMatch(/data-count="question">2</);
    expect(html).toContain("33.3% of 3 attendees");
    // Poll results: the aggregate per answer, most first.
    const answers = [
      ...html.matchAll(/<bdi>(This quarter|Next year)<\/bdi>[\s\S]*?data-count="poll-answer">(\d+)</g),
    ].map((m) => [m[1], m[2]]);
    expect(answers).toEqual([
      ["This quarter", "2"],
      ["Next year", "1"],
    ]);
    // Questions: who, what (escaped), the organizer's answer.
    expect(html).toContain("Is there a plan for &lt;b&gt;teams&lt;/b&gt;?");
    expect(html).toContain("Yes, the Team plan.");
    expect(html).toContain("not answered");
  });

  it("a webinar without any says so", async () => {
    const { html } = await page(`/admin/webinars/${quiet}`);
    expect(html).toContain("No attendance has been read for any session yet");
    expect(html).toContain("No engagement yet");
  });
});

describe("each figure drills down to its prospects", () => {
  it("a session, a poll answer, any answer, a survey, questions: exactly the right prospects", async () => {
    expect(emailsIn((await page(drill({ what: "session", session: "501" }))).html)).toEqual([
      "eng-ana@example.com",
      "eng-ben@example.com",
    ]);
    const quarter = await page(drill({ what: "poll", question: "How soon are you buying?", answer: "This quarter" }));
    expect(quarter.html).toContain("Answered poll &#39;How soon are you buying?&#39; with &#39;This quarter&#39;");
    expect(emailsIn(quarter.html)).toEqual(["eng-ana@example.com", "eng-cai@example.com"]);
    expect(emailsIn((await page(drill({ what: "poll", question: "How soon are you buying?" }))).html)).toHaveLength(3);
    expect(emailsIn((await page(drill({ what: "survey" }))).html)).toEqual(["eng-ana@example.com"]);
    expect(emailsIn((await page(drill({ what: "question" }))).html)).toEqual([
      "eng-ben@example.com",
      "eng-cai@example.com",
    ]);
    const nobody = await page(drill({ what: "poll", question: "How soon are you buying?", answer: "Never" }));
    expect(nobody.status).toBe(200);
    expect(nobody.html).toContain("Nobody answered this poll that way.");
  });

  it("exports the drill-down as CSV, all of it", async () => {
    const res = await call(drill({ what: "session", session: "502", format: "csv" }), { cookie: admin.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const text = await res.text();
    expect(emailsIn(text)).toEqual(["eng-ana@example.com", "eng-cai@example.com"]);
    expect(text).toContain("45 min, 75% of the session");
  });

  it("tags every prospect behind a figure; a broken link is a 400 saying what to fix, an unknown webinar 404", async () => {
    const { body, headers } = form({
      _csrf: admin.csrf,
      what: "poll",
      question: "How soon are you buying?",
      answer: "This quarter",
      action: "tag",
      tag_name: "buying-now",
    });
    const res = await call(`/admin/webinars/${series}/engaged/bulk`, {
      method: "POST",
      cookie: admin.cookie,
      body,
      headers: { ...headers, "hx-request": "true" },
    });
    expect(res.status).toBe(200);
    await runJobs();
    const tagged = await rows<{ prospect_id: string }>(
      "SELECT prospect_id FROM prospect_tags WHERE tag = 'buying-now' ORDER BY prospect_id",
    );
    expect(tagged.map((t) => t.prospect_id)).toEqual([who.ana, who.cai].sort());

    const empty = form({ _csrf: admin.csrf, what: "survey", action: "tag", tag_name: "" });
    const refused = await call(`/admin/webinars/${series}/engaged/bulk`, {
      method: "POST",
      cookie: admin.cookie,
      body: empty.body,
      headers: { ...empty.headers, "hx-request": "true" },
    });
    expect(refused.status).toBe(422);

    const bad = await page(drill({ what: "everyone" }));
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Choose session, poll, survey or question.");
    expect((await page(drill({ what: "session" }))).status).toBe(400);
    expect((await page(drill({ what: "session", session: "5' OR 1=1" }))).status).toBe(400);
    expect((await page(`/admin/webinars/web_nope/engaged?what=survey`)).status).toBe(404);
  });
});
