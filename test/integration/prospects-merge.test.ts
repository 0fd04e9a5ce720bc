import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { mergeProspects } from "../../src/db/queries/merge";
import { MergeError } from "../../src/domain/merge";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import {
  apiKey,
  getJson,
  iso,
  seedActivity,
  seedConnector,
  seedProspect,
  seedRegistration,
  seedWebinar,
} from "./report-seed";

let admin: Session;
let key: string;
let w1: string;
let w2: string;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  key = await apiKey();
  const connector = await seedConnector();
  w1 = await seedWebinar(connector, "Merge finished", [[-30, -29]]);
  w2 = await seedWebinar(connector, "Merge upcoming", [[30, 31]]);
});

async function page(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; html: string; location: string | null }> {
  const res = await call(path, { cookie: admin.cookie, ...init });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

/** Master m (Acme, no first name) and o (Olga) who both registered for w1; o attended and also registered for w2. */
async function pair(tag: string): Promise<{ m: string; o: string; oRegisteredActivity: string }> {
  const m = await seedProspect(`m-${tag}@example.com`, { company: "Acme", lastName: "Merger" });
  const o = await seedProspect(`o-${tag}@example.com`, { firstName: "Olga", company: "Other Co" });
  await seedRegistration(m, w1, "approved");
  await seedActivity(m, w1, "webinar_registered", 10, { occurredAt: iso(-100) });
  await seedActivity(m, w1, "webinar_accepted", 5, { occurredAt: iso(-99) });
  await seedRegistration(o, w1, "registered", { attended: true, minutes: 30 });
  const oRegisteredActivity = await seedActivity(o, w1, "webinar_registered", 10, { occurredAt: iso(-101) });
  await seedActivity(o, w1, "webinar_attended", 25, { occurredAt: iso(-29), minutes: 30 });
  await seedRegistration(o, w2, "registered");
  await seedActivity(o, w2, "webinar_registered", 10, { occurredAt: iso(-1) });
  await env.DB.prepare("INSERT INTO prospect_tags (prospect_id, tag) VALUES (?, 'vip')").bind(o).run();
  return { m, o, oRegisteredActivity };
}

describe("mergeProspects", () => {
  it("moves activities and registrations to the master, collapses duplicates, records the email, rescored", async () => {
    const { m, o, oRegisteredActivity } = await pair("op");
    const result = await mergeProspects(env.DB, {
      masterId: m,
      otherId: o,
      mergedBy: null,
      now: new Date().toISOString(),
    });
    expect(result).toMatchObject({
      masterId: m,
      mergedEmail: "o-op@example.com",
      droppedActivities: 1,
      droppedRegistrations: 1,
      score: 50,
    });

    const acts = await rows<{ id: string; prospect_id: string; dedupe_key: string }>(
      "SELECT id, prospect_id, dedupe_key FROM activities WHERE prospect_id IN (?, ?) ORDER BY dedupe_key",
      m,
      o,
    );
    expect(acts.every((a) => a.prospect_id === m)).toBe(true);
    expect(acts.map((a) => a.dedupe_key).sort()).toEqual(
      [
        `webinar:${w1}:accepted`,
        `webinar:${w1}:attended`,
        `webinar:${w1}:registered`,
        `webinar:${w2}:registered`,
      ].sort(),
    );
    // The earlier of the two Registered activities is the one kept.
    expect(acts.find((a) => a.dedupe_key === `webinar:${w1}:registered`)?.id).toBe(oRegisteredActivity);

    const regs = await rows<{ prospect_id: string; webinar_id: string; attended: number; minutes_attended: number }>(
      "SELECT prospect_id, webinar_id, attended, minutes_attended FROM registrations WHERE prospect_id IN (?, ?)",
      m,
      o,
    );
    expect(regs).toHaveLength(2);
    expect(regs.every((r) => r.prospect_id === m)).toBe(true);
    expect(regs.find((r) => r.webinar_id === w1)).toMatchObject({ attended: 1, minutes_attended: 30 });

    const [master] = await rows<{ score: number; first_name: string; company: string; merged_into_id: null }>(
      "SELECT score, first_name, company, merged_into_id FROM prospects WHERE id = ?",
      m,
    );
    expect(master).toEqual({ score: 50, first_name: "Olga", company: "Acme", merged_into_id: null });
    const [other] = await rows<{ score: number; merged_into_id: string }>(
      "SELECT score, merged_into_id FROM prospects WHERE id = ?",
      o,
    );
    expect(other).toEqual({ score: 0, merged_into_id: m });
    expect(await rows("SELECT master_id, merged_id, email FROM prospect_merges WHERE merged_id = ?", o)).toEqual([
      { master_id: m, merged_id: o, email: "o-op@example.com" },
    ]);
    expect(await rows("SELECT tag FROM prospect_tags WHERE prospect_id = ?", m)).toEqual([{ tag: "vip" }]);
  });

  it("refuses a prospect merged with itself, a missing one and one already merged", async () => {
    const { m, o } = await pair("refuse");
    const now = new Date().toISOString();
    await expect(mergeProspects(env.DB, { masterId: m, otherId: m, mergedBy: null, now })).rejects.toMatchObject({
      code: "same_prospect",
    });
    await expect(
      mergeProspects(env.DB, { masterId: m, otherId: "pro_nope", mergedBy: null, now }),
    ).rejects.toBeInstanceOf(MergeError);
    await mergeProspects(env.DB, { masterId: m, otherId: o, mergedBy: null, now });
    await expect(mergeProspects(env.DB, { masterId: m, otherId: o, mergedBy: null, now })).rejects.toMatchObject({
      code: "already_merged",
    });
  });

  it("keeps chains pointing at the newest master, so GoTo registrants with any old email land there", async () => {
    const x = await seedProspect("x-chain@example.com");
    const o = await seedProspect("o-chain@example.com");
    const m = await seedProspect("m-chain@example.com");
    const now = new Date().toISOString();
    await mergeProspects(env.DB, { masterId: o, otherId: x, mergedBy: null, now });
    await mergeProspects(env.DB, { masterId: m, otherId: o, mergedBy: null, now });
    expect(await rows("SELECT merged_into_id AS master FROM prospects WHERE id IN (?, ?)", x, o)).toEqual([
      { master: m },
      { master: m },
    ]);
    const found = await getJson<{ data: { id: string; merged_emails: string[] }[] }>(
      "/api/v1/prospects?email=X-CHAIN@example.com",
      key,
    );
    expect(found.body.data.map((p) => p.id)).toEqual([m]);
    expect(found.body.data[0]?.merged_emails.sort()).toEqual(["o-chain@example.com", "x-chain@example.com"]);
  });

  it("collapses 150 shared activities in statements under D1's 100 bound parameters", async () => {
    const m = await seedProspect("m-many@example.com");
    const o = await seedProspect("o-many@example.com");
    const inserts = [];
    for (let i = 0; i < 150; i++) {
      for (const [p, who] of [
        [m, "m"],
        [o, "o"],
      ] as const) {
        inserts.push(
          env.DB.prepare(
            "INSERT INTO activities (id, prospect_id, type, dedupe_key, points, occurred_at) VALUES (?, ?, 'form_submitted', ?, 1, ?)",
          ).bind(`act_${who}_many_${i}`, p, `form:${i}`, iso(who === "m" ? -1 : -2)),
        );
      }
    }
    await env.DB.batch(inserts);
    const result = await mergeProspects(env.DB, {
      masterId: m,
      otherId: o,
      mergedBy: null,
      now: new Date().toISOString(),
    });
    expect(result.droppedActivities).toBe(150);
    expect(result.score).toBe(150);
    const [count] = await rows<{ n: number }>("SELECT count(*) AS n FROM activities WHERE prospect_id = ?", m);
    expect(count?.n).toBe(150);
  });
});

describe("Prospects pages", () => {
  it("searches by email or name, case-insensitively, with % taken literally", async () => {
    await seedProspect("search-anna@example.com", { firstName: "Anna", lastName: "Zweig" });
    await seedProspect("search-bert@example.com", { firstName: "Bert", lastName: "Yoder" });
    const byName = await page("/admin/prospects?q=anna%20zw");
    expect(byName.html).toContain("search-anna@example.com");
    expect(byName.html).not.toContain("search-bert@example.com");
    const byEmail = await page("/admin/prospects?q=SEARCH-BERT");
    expect(byEmail.html).toContain("search-bert@example.com");
    expect((await page("/admin/prospects?q=%25")).html).toContain("No prospect matches");
    const tooLong = await page(`/admin/prospects?q=${"a".repeat(201)}`);
    expect(tooLong.status).toBe(422);
    expect(tooLong.html).toContain("Search for at most 200 characters.");
  });

  it("pages the list", async () => {
    for (let i = 0; i < 51; i++) await seedProspect(`paging-${i}@example.com`, {}, iso(-200 + i / 100));
    const first = await page("/admin/prospects?q=paging-");
    expect(first.html.match(/name="pick"/g)).toHaveLength(50);
    const next = /href="(\/admin\/prospects\?q=paging-&amp;cursor=[^"]+)"/
      .exec(first.html)?.[1]
      ?.replace(/&amp;/g, "&");
    expect(next).toBeDefined();
    const second = await page(next ?? "");
    expect(second.html.match(/name="pick"/g)).toHaveLength(1);
    expect(second.html).toContain("paging-0@example.com");
  });

  it("merges through the UI: choose two, choose the master, confirm, see the timeline on the master", async () => {
    const { m, o } = await pair("ui");
    const confirm = await page(`/admin/prospects/merge?pick=${m}&pick=${o}`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain("m-ui@example.com");
    expect(confirm.html).toContain("o-ui@example.com");
    expect(confirm.html).toContain("Keep this one");
    const done = await page("/admin/prospects/merge", {
      method: "POST",
      ...form({ _csrf: admin.csrf, a: m, b: o, master: o }),
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/admin/prospects/${o}?flash=merged`);
    const master = await page(done.location ?? "");
    expect(master.html).toContain("Merged. m-ui@example.com now lives on this prospect.");
    expect(master.html).toContain("Attended");
    expect(master.html).toContain("Merge finished");
    expect(master.html).toMatch(/data-score[^>]*>50</);
    const away = await page(`/admin/prospects/${m}`);
    expect(away.html).toContain("This prospect was merged into");
    const api = await getJson<{ error: { code: string } }>(`/api/v1/prospects/${m}`, key);
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe("prospect_merged");
    const [audit] = await rows<{ action: string }>("SELECT action FROM audit_log WHERE action = 'prospect.merged'");
    expect(audit?.action).toBe("prospect.merged");
  });

  it("refuses bad merges with 422 and a clear message", async () => {
    const { m, o } = await pair("bad");
    const self = await page("/admin/prospects/merge", {
      method: "POST",
      ...form({ _csrf: admin.csrf, a: m, b: m, master: m }),
    });
    expect(self.status).toBe(422);
    expect(self.html).toContain("You chose the same prospect twice.");
    const selfGet = await page(`/admin/prospects/merge?a=m-bad@example.com&b=${m}`);
    expect(selfGet.status).toBe(422);
    expect(selfGet.html).toContain("You chose the same prospect twice.");
    const noMaster = await page("/admin/prospects/merge", {
      method: "POST",
      ...form({ _csrf: admin.csrf, a: m, b: o }),
    });
    expect(noMaster.status).toBe(422);
    expect(noMaster.html).toContain("Choose which prospect to keep.");
    expect(noMaster.html).toContain("o-bad@example.com");
    const third = await page("/admin/prospects/merge", {
      method: "POST",
      ...form({ _csrf: admin.csrf, a: m, b: o, master: "pro_x" }),
    });
    expect(third.status).toBe(422);
    const unknown = await page("/admin/prospects/merge?a=nobody@example.com&b=m-bad@example.com");
    expect(unknown.status).toBe(422);
    expect(unknown.html).toContain("No prospect has this email");
    const one = await page(`/admin/prospects/merge?pick=${m}`);
    expect(one.status).toBe(422);
    expect(one.html).toContain("Tick exactly two prospects");
    expect(await rows("SELECT 1 FROM prospect_merges WHERE merged_id IN (?, ?)", m, o)).toEqual([]);
  });

  it("escapes names on the list and the detail page; 404 for unknown prospects", async () => {
    const id = await seedProspect("xss-prospect@example.com", {
      firstName: "<script>alert(1)</script>",
      company: "<b>Bold</b>",
    });
    const list = await page("/admin/prospects?q=xss-prospect");
    expect(list.html).not.toContain("<script>alert(1)</script>");
    const detail = await page(`/admin/prospects/${id}`);
    expect(detail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(detail.html).not.toContain("<b>Bold</b>");
    expect((await page("/admin/prospects/pro_nope")).status).toBe(404);
  });
});

describe("/api/v1/prospects", () => {
  it("finds a prospect by email and returns it with activities, registrations and merged emails", async () => {
    const { m, o } = await pair("api");
    await mergeProspects(env.DB, { masterId: m, otherId: o, mergedBy: null, now: new Date().toISOString() });
    const list = await getJson<{ data: { id: string }[]; next_cursor: string | null }>(
      "/api/v1/prospects?email=m-api@example.com",
      key,
    );
    expect(list.body).toEqual({ data: [expect.objectContaining({ id: m })], next_cursor: null });
    const one = await getJson<Record<string, unknown> & { activities: unknown[]; registrations: unknown[] }>(
      `/api/v1/prospects/${m}`,
      key,
    );
    expect(one.status).toBe(200);
    expect(Object.keys(one.body).sort()).toEqual(
      [
        "id",
        "email",
        "first_name",
        "last_name",
        "company",
        "score",
        "campaign",
        "created_at",
        "merged_emails",
        "activities",
        "registrations",
      ].sort(),
    );
    expect(one.body).toMatchObject({ score: 50, merged_emails: ["o-api@example.com"] });
    expect(one.body.activities).toHaveLength(4);
    expect(one.body.activities[0]).toEqual({
      type: expect.any(String),
      webinar_id: expect.any(String),
      occurred_at: expect.stringMatching(/Z$/),
      points: expect.any(Number),
      detail: null,
      rule_id: null,
    });
    expect(one.body.registrations).toHaveLength(2);
  });

  it("pages all prospects with cursors and validates its query", async () => {
    const first = await getJson<{ data: { id: string }[]; next_cursor: string }>("/api/v1/prospects?limit=2", key);
    expect(first.body.data).toHaveLength(2);
    const second = await getJson<{ data: { id: string }[] }>(
      `/api/v1/prospects?limit=2&cursor=${first.body.next_cursor}`,
      key,
    );
    expect(second.body.data.map((p) => p.id)).not.toContain(first.body.data[0]?.id);
    expect((await getJson("/api/v1/prospects?email=", key)).status).toBe(400);
    expect((await getJson("/api/v1/prospects?limit=abc", key)).status).toBe(400);
    expect((await getJson("/api/v1/prospects?cursor=%%%", key)).status).toBe(400);
    expect((await getJson("/api/v1/prospects/pro_nope", key)).status).toBe(404);
  });
});
