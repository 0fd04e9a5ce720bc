import { beforeAll, describe, expect, it } from "vitest";
import { formHandlers, forms, registrations, submissions } from "../../src/db/schema";
import { newId } from "../../src/lib/encoding";
import { ADMIN, call, login, type Session } from "../helpers";
import {
  apiKey,
  db,
  getJson,
  seedConnector,
  seedEngagement,
  seedProspect,
  seedRegistration,
  seedWebinar,
} from "./report-seed";

/**
 * F34: attribution per webinar and across webinars, by UTM source, medium and campaign, referrer
 * host and form, on the pages, in CSV and in the JSON API, for a seeded mix: two forms, a form
 * handler, GoTo's registration page, UTM values differing in case and spaces, missing UTM.
 */

let admin: Session;
let key: string;
let main = "";
let other = "";
let old = "";
let formA = "";
let formB = "";
let handler = "";

type Status = (typeof registrations.$inferInsert)["status"];

async function formRegistration(
  email: string,
  webinarId: string,
  opts: {
    formId?: string;
    handlerId?: string;
    utm?: Record<string, string>;
    referrer?: string;
    status?: Status;
    attended?: boolean;
    engaged?: number;
  },
): Promise<string> {
  const prospectId = await seedProspect(email);
  const utm = opts.utm ? JSON.stringify(opts.utm) : null;
  if (opts.formId || opts.handlerId) {
    const submissionId = newId("sub");
    await db()
      .insert(submissions)
      .values({
        id: submissionId,
        formId: opts.formId ?? null,
        handlerId: opts.handlerId ?? null,
        prospectId,
        data: "{}",
        status: "accepted",
        utm,
        referrer: opts.referrer ?? null,
        dedupeKey: submissionId,
      });
  }
  const now = new Date().toISOString();
  await db()
    .insert(registrations)
    .values({
      id: newId("reg"),
      prospectId,
      webinarId,
      status: opts.status ?? "registered",
      registrantKey: String(Math.floor(Math.random() * 1e12)),
      source: "form",
      formId: opts.formId ?? null,
      handlerId: opts.handlerId ?? null,
      attended: opts.attended ?? false,
      minutesAttended: opts.attended ? 30 : 0,
      utm,
      referrer: opts.referrer ?? null,
      registeredAt: now,
      updatedAt: now,
    });
  for (let i = 0; i < (opts.engaged ?? 0); i++) await seedEngagement(prospectId, webinarId, i ? "question" : "poll");
  return prospectId;
}

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  key = await apiKey();
  const connector = await seedConnector();
  main = await seedWebinar(connector, "Attribution main", [[-24 * 3, -24 * 3 + 1]]);
  other = await seedWebinar(connector, "Attribution other", [[24 * 5, 24 * 5 + 1]]);
  old = await seedWebinar(connector, "Attribution old", [[-24 * 200, -24 * 200 + 1]]);
  const now = new Date().toISOString();
  formA = newId("frm");
  formB = newId("frm");
  handler = newId("fh");
  await db()
    .insert(forms)
    .values([
      { id: formA, name: "Form A", status: "live", updatedAt: now },
      { id: formB, name: "Form <B>", status: "live", updatedAt: now },
    ]);
  await db().insert(formHandlers).values({
    id: handler,
    name: "Site handler",
    successUrl: "https://x.example/ok",
    errorUrl: "https://x.example/no",
    updatedAt: now,
  });

  await formRegistration("a1-at@example.com", main, {
    formId: formA,
    utm: { utm_source: "Newsletter", utm_medium: "email", utm_campaign: "Spring" },
    referrer: "https://www.google.com/search?q=webinar",
    attended: true,
    engaged: 2,
  });
  await formRegistration("a2-at@example.com", main, {
    formId: formA,
    utm: { utm_source: "newsletter ", utm_medium: "Email", utm_campaign: "spring" },
    referrer: "http://google.com:8080/path",
  });
  await formRegistration("a3-at@example.com", main, { formId: formA, attended: true });
  await formRegistration("b1-at@example.com", main, {
    formId: formB,
    utm: { utm_source: "linkedin", utm_medium: "social", utm_campaign: "spring" },
    referrer: "https://news.example.org/a#b",
    attended: true,
    engaged: 1,
  });
  await formRegistration("b2-at@example.com", main, {
    formId: formB,
    utm: { utm_source: "LinkedIn", utm_medium: "paid-social" },
    referrer: "https://News.Example.org",
    status: "approved",
  });
  await formRegistration("b3-at@example.com", main, {
    formId: formB,
    utm: { utm_source: "newsletter" },
    status: "cancelled",
    engaged: 1,
  });
  await formRegistration("h1-at@example.com", main, {
    handlerId: handler,
    utm: { utm_source: "partner" },
    referrer: "https://partner.example.com/x",
    attended: true,
  });
  await formRegistration("u1-at@example.com", main, { utm: { utm_source: "" } });
  const g1 = await seedProspect("g1-at@example.com");
  await seedRegistration(g1, main, "registered", { attended: true, minutes: 20 });
  await seedEngagement(g1, main);
  await seedRegistration(await seedProspect("g2-at@example.com"), main, "registered");
  const g3 = await seedProspect("g3-at@example.com");
  await seedRegistration(g3, main, "cancelled");
  await seedEngagement(g3, main);

  await formRegistration("o1-at@example.com", other, { formId: formA, utm: { utm_source: "NEWSLETTER" } });
  await formRegistration("x1-at@example.com", old, { formId: formA, utm: { utm_source: "newsletter" } });
});

interface Group {
  key: string;
  label: string;
  registered: number;
  attended: number;
  attendance_rate: number | null;
  engaged: number;
}
type Body = { groups: Group[]; totals: Omit<Group, "key" | "label">; by: string };

const triple = (groups: Group[]) => groups.map((g) => [g.label, g.registered, g.attended, g.engaged]);

describe("attribution of one webinar", () => {
  it("groups registered, attended and engaged by UTM source, medium and campaign (case and spaces ignored, none as (none))", async () => {
    const source = await getJson<Body>(`/api/v1/webinars/${main}/attribution?by=utm_source`, key);
    expect(source.status).toBe(200);
    expect(triple(source.body.groups)).toEqual([
      ["(none)", 4, 2, 1],
      ["linkedin", 2, 1, 1],
      ["newsletter", 2, 1, 1],
      ["partner", 1, 1, 0],
    ]);
    expect(source.body.totals).toEqual({ registered: 9, attended: 5, attendance_rate: 5 / 9, engaged: 3 });
    const medium = await getJson<Body>(`/api/v1/webinars/${main}/attribution?by=utm_medium`, key);
    expect(triple(medium.body.groups)).toEqual([
      ["(none)", 5, 3, 1],
      ["email", 2, 1, 1],
      ["paid-social", 1, 0, 0],
      ["social", 1, 1, 1],
    ]);
    const campaign = await getJson<Body>(`/api/v1/webinars/${main}/attribution?by=utm_campaign`, key);
    expect(triple(campaign.body.groups)).toEqual([
      ["(none)", 6, 3, 1],
      ["spring", 3, 2, 2],
    ]);
  });

  it("groups by referrer host and by form, GoTo's page and a form handler included", async () => {
    const referrer = await getJson<Body>(`/api/v1/webinars/${main}/attribution?by=referrer`, key);
    expect(triple(referrer.body.groups)).toEqual([
      ["(none)", 4, 2, 1],
      ["google.com", 2, 1, 1],
      ["news.example.org", 2, 1, 1],
      ["partner.example.com", 1, 1, 0],
    ]);
    const byForm = await getJson<Body>(`/api/v1/webinars/${main}/attribution?by=form`, key);
    expect(byForm.body.groups.map((g) => [g.key, g.label, g.registered, g.attended, g.engaged])).toEqual([
      [`form:${formA}`, "Form A", 3, 2, 1],
      [`form:${formB}`, "Form <B>", 2, 1, 1],
      ["goto", "GoTo registration page", 2, 1, 1],
      [`handler:${handler}`, "Site handler (form handler)", 1, 1, 0],
      ["unknown", "(unknown form)", 1, 0, 0],
    ]);
    expect(byForm.body.groups[0]?.attendance_rate).toBeCloseTo(2 / 3, 10);
  });

  it("adds up to the webinar's own counts", async () => {
    const webinar = await getJson<{ counts: { registered: number; attended: number } }>(
      `/api/v1/webinars/${main}`,
      key,
    );
    for (const by of ["utm_source", "utm_medium", "utm_campaign", "referrer", "form"]) {
      const { body } = await getJson<Body>(`/api/v1/webinars/${main}/attribution?by=${by}`, key);
      expect(
        body.groups.reduce((s, g) => s + g.registered, 0),
        by,
      ).toBe(webinar.body.counts.registered);
      expect(
        body.groups.reduce((s, g) => s + g.attended, 0),
        by,
      ).toBe(webinar.body.counts.attended);
    }
  });

  it("loads the section into the webinar page by form, switches dimension in place, and exports CSV", async () => {
    const page = await call(`/admin/webinars/${main}`, { cookie: admin.cookie });
    const html = await page.text();
    expect(page.status).toBe(200);
    // The page asks for the section once loaded; without JavaScript the link opens it.
    const placeholder = /<section[^>]*id="attribution"[^>]*>/.exec(html)?.[0] ?? "";
    expect(placeholder).toContain(`hx-get="/admin/webinars/${main}/attribution?by=form"`);
    expect(placeholder).toContain('hx-trigger="load"');
    expect(html).toContain(`<a href="/admin/webinars/${main}/attribution?by=form">`);
    const byForm = await call(`/admin/webinars/${main}/attribution?by=form`, {
      cookie: admin.cookie,
      headers: { "HX-Request": "true" },
    });
    const formHtml = await byForm.text();
    expect(formHtml).toContain("Form &lt;B&gt;");
    expect(formHtml).toMatch(/<tr data-group="goto">[\s\S]*?GoTo registration page[\s\S]*?>2<\/td>/);
    expect(formHtml).toContain(`hx-get="/admin/webinars/${main}/attribution?by=utm_source"`);
    const section = await call(`/admin/webinars/${main}/attribution?by=referrer`, {
      cookie: admin.cookie,
      headers: { "HX-Request": "true" },
    });
    const fragment = await section.text();
    expect(section.status).toBe(200);
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain("news.example.org");
    const full = await call(`/admin/webinars/${main}/attribution?by=referrer`, { cookie: admin.cookie });
    expect(await full.text()).toContain("<html");
    const csv = await call(`/admin/webinars/${main}/attribution?by=form&format=csv`, { cookie: admin.cookie });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("Form,Registered,Attended,Attendance rate,Engaged");
    expect(lines[1]).toBe("Form A,3,2,0.6667,1");
    expect(lines).toContain("GoTo registration page,2,1,0.5,1");
    const apiCsv = await call(`/api/v1/webinars/${main}/attribution?by=utm_source&format=csv`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const apiLines = (await apiCsv.text()).replace(/^\uFEFF/, "").split("\r\n");
    expect(apiLines[0]).toBe("key,label,registered,attended,attendance_rate,engaged");
    expect(apiLines[1]).toBe("(none),(none),4,2,0.5,1");
  });
});

describe("attribution across webinars", () => {
  it("sums the webinars starting in the dates; the attendance rate counts ended webinars only", async () => {
    const { body } = await getJson<Body & { from: string; to: string }>("/api/v1/attribution?by=utm_source", key);
    const newsletter = body.groups.find((g) => g.key === "newsletter");
    // main's two and other's one (upcoming); old (200 days back) is outside the default 90 days.
    expect(newsletter).toMatchObject({ registered: 3, attended: 1, engaged: 1, attendance_rate: 0.5 });
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    // A year back to tomorrow: main's two and old's one; other (in five days) is left out.
    const wide = await getJson<Body>(`/api/v1/attribution?by=utm_source&from=${day(-365)}&to=${day(1)}`, key);
    expect(wide.body.groups.find((g) => g.key === "newsletter")).toMatchObject({ registered: 3, attended: 1 });
    const page = await call(`/admin/webinars/attribution?by=form&from=${day(-10)}&to=${day(10)}`, {
      cookie: admin.cookie,
    });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(new RegExp(`<tr data-group="form:${formA}">[\\s\\S]*?>4</td>`));
    // Only a first date: up to 90 days ahead; only a last date beyond that: that day's side.
    const fromOnly = await (
      await call(`/admin/webinars/attribution?by=form&from=${day(-4)}`, { cookie: admin.cookie })
    ).text();
    expect(fromOnly).toMatch(new RegExp(`<tr data-group="form:${formA}">[\\s\\S]*?>4</td>`));
    const lateTo = await getJson<Body & { from: string; to: string }>(`/api/v1/attribution?to=${day(200)}`, key);
    expect(lateTo.body.from < lateTo.body.to).toBe(true);
    const csv = await call(`/admin/webinars/attribution?by=utm_source&from=${day(-10)}&to=${day(10)}&format=csv`, {
      cookie: admin.cookie,
    });
    expect((await csv.text()).split("\r\n")).toContain("newsletter,3,1,0.5,1");
  });

  it("answers bad parameters with 400 and what to fix", async () => {
    const api: [string, string][] = [
      [`/api/v1/webinars/${main}/attribution?by=colour`, "by must be one of utm_source"],
      ["/api/v1/attribution?from=2026-02-30", "from must be a real calendar date."],
      ["/api/v1/attribution?to=tomorrow", "to must be a date as YYYY-MM-DD."],
      ["/api/v1/attribution?from=2026-12-10&to=2026-12-01", "to must be on or after from."],
      ["/api/v1/attribution?format=xml", "format must be json or csv"],
    ];
    for (const [path, message] of api) {
      const res = await getJson<{ error: { code: string; message: string } }>(path, key);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message, path).toContain(message);
    }
    expect((await getJson("/api/v1/webinars/web_nope/attribution", key)).status).toBe(404);
    const admin400: [string, string][] = [
      [
        `/admin/webinars/${main}/attribution?by=colour`,
        "Group by utm_source, utm_medium, utm_campaign, referrer or form.",
      ],
      ["/admin/webinars/attribution?from=2026-02-30", "Give the first date as YYYY-MM-DD"],
      ["/admin/webinars/attribution?from=2026-12-10&to=2026-12-01", "The last date must be on or after the first."],
    ];
    for (const [path, message] of admin400) {
      const res = await call(path, { cookie: admin.cookie });
      expect(res.status, path).toBe(400);
      expect(await res.text(), path).toContain(message);
    }
    expect((await call("/admin/webinars/web_nope/attribution", { cookie: admin.cookie })).status).toBe(404);
  });

  it("is in openapi.json", async () => {
    const res = await call("/api/v1/openapi.json");
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/webinars/{id}/attribution", "/attribution"]));
  });
});
