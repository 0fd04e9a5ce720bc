import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { findOrCreateCampaign } from "../../src/db/queries/campaigns";
import { type OverviewFilter, type OverviewPosition, overviewPage } from "../../src/db/queries/webinar-overview";
import { ADMIN, call, login, type Session } from "../helpers";
import { db, seedConnector, seedEngagement, seedProspect, seedRegistration, seedWebinar } from "./report-seed";

/** F24: Reports > Webinars overview: figures, sorting, filters, refused links, organizers told apart. */

let admin: Session;
const w: Record<"big" | "small" | "soon" | "old", string> = { big: "", small: "", soon: "", old: "" };
let conA = "";
let conB = "";
let campaignId = "";

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  conA = await seedConnector();
  conB = await seedConnector();
  campaignId = (await findOrCreateCampaign(db(), "Spring launch")).id;
  await env.DB.prepare("UPDATE connectors SET campaign_id = ?, organizer_name = 'Alice Org' WHERE id = ?")
    .bind(campaignId, conA)
    .run();
  w.big = await seedWebinar(conA, "Overview big", [[-50, -49]]);
  w.small = await seedWebinar(conB, "Overview small", [[-26, -25]]);
  w.soon = await seedWebinar(conB, "Overview soon", [[48, 49]]);
  w.old = await seedWebinar(conA, "Overview old", [[-24 * 40, -24 * 40 + 1]]);
  // big: 4 registered, 3 attended (75 %), 1 absent, 2 engaged (one with two answers, one attendee
  // who engaged but whose registration is cancelled does not count), 1 cancelled.
  const people = await Promise.all(["b1", "b2", "b3", "b4", "b5"].map((p) => seedProspect(`${p}-ov@example.com`)));
  const [b1, b2, b3, b4, b5] = people as [string, string, string, string, string];
  await seedRegistration(b1, w.big, "registered", { attended: true, minutes: 40 });
  await seedRegistration(b2, w.big, "approved", { attended: true, minutes: 10 });
  await seedRegistration(b3, w.big, "registered", { attended: true, minutes: 5 });
  await seedRegistration(b4, w.big, "registered");
  await seedRegistration(b5, w.big, "cancelled");
  await seedEngagement(b1, w.big, "poll");
  await seedEngagement(b1, w.big, "question");
  await seedEngagement(b2, w.big, "survey");
  await seedEngagement(b5, w.big, "poll");
  // small: 2 registered, 1 attended (50 %), none engaged.
  const s1 = await seedProspect("s1-ov@example.com");
  const s2 = await seedProspect("s2-ov@example.com");
  await seedRegistration(s1, w.small, "registered", { attended: true, minutes: 30 });
  await seedRegistration(s2, w.small, "registered");
  // soon: 3 registered, upcoming (no rate yet).
  for (const p of ["u1", "u2", "u3"])
    await seedRegistration(await seedProspect(`${p}-ov@example.com`), w.soon, "registered");
  // old: 1 registered, nobody came (0 %).
  await seedRegistration(await seedProspect("o1-ov@example.com"), w.old, "registered");
});

async function page(query: string): Promise<{ status: number; html: string }> {
  const res = await call(`/admin/webinars${query}`, { cookie: admin.cookie });
  return { status: res.status, html: await res.text() };
}

/** The webinars of the overview table, in the order shown. */
function order(html: string): string[] {
  const name = new Map(Object.entries(w).map(([k, id]) => [id, k]));
  return [...html.matchAll(/<tr data-webinar="([^"]+)"/g)].map((m) => name.get(m[1] ?? "") ?? "?");
}

/** One row's cells by their data-label. */
function row(html: string, id: string): Record<string, string> {
  const tr = new RegExp(`<tr data-webinar="${id}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "";
  const out: Record<string, string> = {};
  for (const m of tr.matchAll(/<td data-label="([^"]+)"[^>]*>([\s\S]*?)<\/td>/g)) {
    out[m[1] ?? ""] = (m[2] ?? "").replace(/<[^>]+>/g, "").trim();
  }
  return out;
}

describe("Reports > Webinars overview", () => {
  it("shows each webinar's registered, attended, absent, attendance rate and engaged, with its organizer", async () => {
    const { status, html } = await page("");
    expect(status).toBe(200);
    expect(order(html)).toEqual(["soon", "small", "big", "old"]);
    expect(row(html, w.big)).toMatchObject({
      Registered: "4",
      Attended: "3",
      Absent: "1",
      "Attendance rate": "75%",
      Engaged: "2",
    });
    expect(row(html, w.small)).toMatchObject({
      Registered: "2",
      Attended: "1",
      Absent: "1",
      "Attendance rate": "50%",
    });
    expect(row(html, w.soon)).toMatchObject({ Registered: "3", Absent: "after it ends", "Attendance rate": "–" });
    // Two connectors are told apart: each row names its organizer.
    expect(row(html, w.big).Organizer).toContain("Alice Org");
    expect(row(html, w.small).Organizer).toMatch(/^org-[\w-]+@example\.com$/);
    expect(row(html, w.small).Organizer).toBe(row(html, w.soon).Organizer);
    expect(row(html, w.small).Organizer).not.toBe(row(html, w.old).Organizer);
    // The time in the webinar's time zone (Europe/Berlin in the seed), in a time element the script can read.
    expect(html).toMatch(/<time datetime="[^"]+" data-zone="Europe\/Berlin">[^<]*(CET|CEST|GMT\+1|GMT\+2)</);
    expect(html).toContain('<script src="/js/local-time.js" defer="">');
    // The numbers table of the rates (the chart's companion) lists finished webinars only.
    const rates = html.slice(html.indexOf('id="attendance-rates"'));
    expect(rates).toContain("Overview big");
    expect(rates).not.toContain("Overview soon");
    expect(rates).toMatch(/data-value="0.25">25%</);
  });

  it("sorts by a figure either way, with rates not there yet last", async () => {
    expect(order((await page("?sort=registered&dir=desc")).html)).toEqual(["big", "soon", "small", "old"]);
    expect(order((await page("?sort=registered&dir=asc")).html)).toEqual(["old", "small", "soon", "big"]);
    expect(order((await page("?sort=rate&dir=desc")).html)).toEqual(["big", "small", "old", "soon"]);
    expect(order((await page("?sort=rate&dir=asc")).html)).toEqual(["old", "small", "big", "soon"]);
    expect(order((await page("?sort=engaged")).html)[0]).toBe("big");
    expect(order((await page("?sort=date&dir=asc")).html)).toEqual(["old", "big", "small", "soon"]);
    expect(order((await page("?show=upcoming")).html)).toEqual(["soon"]);
    expect(order((await page("?show=finished&sort=attended")).html)).toEqual(["big", "small", "old"]);
  });

  it("filters by organizer, campaign and dates", async () => {
    expect(order((await page(`?organizer=${conB}`)).html)).toEqual(["soon", "small"]);
    expect(order((await page(`?campaign=${campaignId}`)).html)).toEqual(["big", "old"]);
    const day = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString().slice(0, 10);
    expect(order((await page(`?from=${day(-24 * 10)}&to=${day(0)}`)).html).sort()).toEqual(["big", "small"].sort());
    const none = await page(`?organizer=${conB}&campaign=${campaignId}`);
    expect(none.status).toBe(200);
    expect(none.html).toContain("No webinar matches");
  });

  it("answers a bad filter or sort with what to fix, not an error page", async () => {
    const cases: [string, string][] = [
      ["?sort=popularity", "Sort by date, registered, attended, absent, attendance rate or engaged."],
      ["?dir=sideways", "Sort ascending or descending."],
      ["?from=2026-13-01", "Give the first date as YYYY-MM-DD"],
      ["?to=tomorrow", "Give the last date as YYYY-MM-DD"],
      ["?from=2026-12-10&to=2026-12-01", "The last date must be on or after the first."],
      ["?organizer=con_nobody", "There is no such organizer"],
      ["?campaign=cmp_nobody", "There is no such campaign"],
      ["?show=later", "Show upcoming, finished or all webinars."],
    ];
    for (const [query, message] of cases) {
      const res = await page(query);
      expect(res.status, query).toBe(400);
      expect(res.html, query).toContain(message);
      expect(res.html, query).toContain("Fix what is marked above");
    }
    const broken = await page("?sort=registered&cursor=bm90LWEtY3Vyc29y");
    expect(broken.status).toBe(400);
    // A date cursor is not a cursor of a figure's order.
    const dateCursor = btoa(`k:${new Date().toISOString()}|web_x`).replace(/=+$/, "");
    expect((await page(`?sort=rate&cursor=${dateCursor}`)).status).toBe(400);
  });

  it("pages by keyset in every order: each webinar once, in the order of the whole list", async () => {
    const base: OverviewFilter = {
      show: "all",
      connectorId: null,
      campaignId: null,
      from: null,
      to: null,
      sort: "date",
      dir: "desc",
    };
    const now = new Date().toISOString();
    for (const sort of ["date", "registered", "rate", "engaged"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        const filter = { ...base, sort, dir };
        const whole = (await overviewPage(db(), { filter, limit: 100, after: null, now })).rows.map((r) => r.id);
        const paged: string[] = [];
        let after: OverviewPosition | null = null;
        for (let i = 0; i < 10; i++) {
          const p: Awaited<ReturnType<typeof overviewPage>> = await overviewPage(db(), {
            filter,
            limit: 1,
            after,
            now,
          });
          paged.push(...p.rows.map((r) => r.id));
          after = p.next;
          if (!after) break;
        }
        expect(paged, `${sort} ${dir}`).toEqual(whole);
        expect(whole.length).toBe(4);
      }
    }
  });

  it("follows the next-page link with the filters kept", async () => {
    // 55 more webinars of organizer B: the first page holds 50 and links to the rest.
    for (let i = 0; i < 55; i++) await seedWebinar(conB, `Paged ${i}`, [[-100 - i, -99 - i]]);
    const first = await page(`?organizer=${conB}&sort=registered`);
    const next = /<a class="button" href="([^"]+)">\s*Next page/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toBeTruthy();
    expect(next).toContain(`organizer=${conB}`);
    expect(next).toContain("sort=registered");
    const second = await call(next ?? "", { cookie: admin.cookie });
    expect(second.status).toBe(200);
    const rows = [...(await second.text()).matchAll(/<tr data-webinar=/g)].length;
    expect(rows).toBe(57 - 50);
  });
});
