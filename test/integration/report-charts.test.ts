import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/encoding";
import { ADMIN, call, login, rows, type Session } from "../helpers";
import { builderBody, expectStatus, liveForm, NAME_FIELDS, submit, webinarsFor } from "./form-helpers";
import { apiKey, getJson, iso, seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";

let admin: Session;
let key: string;
let webinarId: string;

async function insertForm(name: string): Promise<string> {
  const id = newId("frm");
  await env.DB.prepare("INSERT INTO forms (id, name, status, updated_at) VALUES (?, ?, 'live', ?)")
    .bind(id, name, new Date().toISOString())
    .run();
  return id;
}

async function engage(webinar: string, prospectId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await env.DB.prepare(
      `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, occurred_at, dedupe_key)
       VALUES (?, ?, ?, 's1', 'poll', 'Which one?', ?, ?)`,
    )
      .bind(newId("eng"), webinar, prospectId, iso(-49), `${webinar}:${prospectId}:${i}`)
      .run();
  }
}

/** The numbers in the table beside a chart, by row heading: `data-value` of each cell. */
function chartTable(html: string, id: string): Map<string, number[]> {
  const start = html.search(new RegExp(`<figure class="chart[^"]*" id="${id}"`));
  expect(start, id).toBeGreaterThan(-1);
  const figure = html.slice(start, html.indexOf("</figure>", start));
  const table = figure.slice(figure.indexOf("<tbody>"));
  const out = new Map<string, number[]>();
  for (const row of table.matchAll(/<tr><th scope="row">([^<]*)<\/th>(.*?)<\/tr>/g)) {
    out.set(
      row[1] ?? "",
      [...(row[2] ?? "").matchAll(/data-value="([\d.]+)"/g)].map((m) => Number(m[1])),
    );
  }
  return out;
}

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  key = await apiKey();
  const connectorId = await seedConnector();
  webinarId = await seedWebinar(connectorId, "Charts webinar", [[-3, -2]]);
  const spring = await insertForm("Spring form");
  const partner = await insertForm("Partner form");
  // Two forms and GoTo's page over three days; some attend, some engage, some never count.
  const people: [
    string,
    "form" | "gotowebinar",
    string | null,
    string,
    { attended?: boolean; minutes?: number },
    number,
  ][] = [
    ["a1", "form", spring, "approved", { attended: true, minutes: 50 }, 2],
    ["a2", "form", spring, "approved", { attended: true, minutes: 5 }, 0],
    ["a3", "form", spring, "registered", {}, 0],
    ["b1", "form", partner, "approved", { attended: true, minutes: 130 }, 1],
    ["b2", "form", partner, "waiting", {}, 0],
    ["g1", "gotowebinar", null, "approved", { attended: true, minutes: 61 }, 3],
    ["g2", "gotowebinar", null, "registered", {}, 0],
    ["g3", "gotowebinar", null, "cancelled", { attended: true, minutes: 20 }, 0],
    ["g4", "gotowebinar", null, "denied", {}, 1],
    ["p1", "form", spring, "pending", {}, 0],
  ];
  for (const [i, [name, source, formId, status, opts, engagements]] of people.entries()) {
    const prospectId = await seedProspect(`${name}-charts@example.com`);
    const regId = await seedRegistration(prospectId, webinarId, status as "approved", {
      ...opts,
      registeredAt: iso(-72 + Math.floor(i / 3) * 24),
      ...(source === "form" ? { source } : {}),
    });
    if (formId) await env.DB.prepare("UPDATE registrations SET form_id = ? WHERE id = ?").bind(formId, regId).run();
    await engage(webinarId, prospectId, engagements);
  }
});

describe("the webinar report's charts", () => {
  it("draw the same numbers as the count cards and the JSON API", async () => {
    const res = await call(`/admin/webinars/${webinarId}`, { cookie: admin.cookie });
    const html = await expectStatus(res, 200);
    expect(html).not.toMatch(/\sstyle=/);
    const api = await getJson<{ counts: Record<string, number> }>(`/api/v1/webinars/${webinarId}`, key);
    expect(api.status).toBe(200);
    // registered: a1 a2 a3 b1 b2 g1 g2 and g3 (attended, though cancelled since); accepted 4; attended 5.
    expect(api.body.counts).toMatchObject({ registered: 8, accepted: 4, attended: 5, absent: 3 });

    const funnel = chartTable(html, "chart-funnel");
    expect([...funnel.keys()]).toEqual(["Registered", "Accepted", "Attended", "Engaged"]);
    expect(funnel.get("Registered")?.[0]).toBe(api.body.counts.registered);
    expect(funnel.get("Accepted")?.[0]).toBe(api.body.counts.accepted);
    expect(funnel.get("Attended")?.[0]).toBe(api.body.counts.attended);
    // a1, b1 and g1 engaged; g4 answered a poll but was denied, so is no registrant.
    expect(funnel.get("Engaged")?.[0]).toBe(3);
    expect(html).toContain("3 · 37.5%");

    const timeline = chartTable(html, "chart-registrations");
    const days = [...timeline.values()];
    expect(days.length).toBe(3);
    // Columns: the forms by size, GoTo's page, then all sources; the last day holds the totals.
    const header = html.slice(html.indexOf('id="chart-registrations"'));
    expect(header.indexOf(">Spring form</th>")).toBeLessThan(header.indexOf(">Partner form</th>"));
    expect(header.indexOf(">Partner form</th>")).toBeLessThan(header.indexOf(">GoTo&#39;s registration page</th>"));
    expect(days.at(-1)).toEqual([3, 2, 3, 8]);
    expect(days[0]).toEqual([3, 0, 0, 3]);
    expect(days[1]).toEqual([3, 2, 1, 6]);
    expect(days.at(-1)?.at(-1)).toBe(api.body.counts.registered);

    const minutes = chartTable(html, "chart-minutes");
    expect(Object.fromEntries(minutes)).toEqual({
      "0–14": [1],
      "15–29": [1],
      "30–44": [0],
      "45–59": [1],
      "60–89": [1],
      "90–119": [0],
      "120+": [1],
    });
    expect([...minutes.values()].reduce((s, [n]) => s + (n ?? 0), 0)).toBe(api.body.counts.attended);

    const cards = Object.fromEntries([...html.matchAll(/data-count="(\w+)">(\d+)</g)].map((m) => [m[1], Number(m[2])]));
    expect(cards).toMatchObject(api.body.counts);
  });

  it("show empty states for a webinar nobody registered for", async () => {
    const empty = await seedWebinar(await seedConnector(), "Nobody yet", [[24, 25]]);
    const html = await expectStatus(await call(`/admin/webinars/${empty}`, { cookie: admin.cookie }), 200);
    expect(html).toContain("Nobody is registered yet. Registrations from forms and from GoTo");
    expect(html).toContain("Nobody attended yet.");
    expect(chartTable(html, "chart-funnel").get("Registered")).toEqual([0]);
  });

  it("a form submission's registration records its form, so the timeline can split by form", async () => {
    const { webinars } = await webinarsFor(admin, [{ subject: "Form split", startDays: 5 }]);
    const webinar = webinars[0];
    if (!webinar) throw new Error("no webinar");
    const formId = await liveForm(
      admin,
      builderBody(admin, { name: "Split form", fields: NAME_FIELDS, extra: { register_webinar: webinar.id } }),
    );
    await expectStatus(
      await submit(formId, { email: "split-charts@example.com", firstName: "Sam", lastName: "Split" }),
      200,
    );
    const [reg] = await rows<{ form_id: string | null; source: string }>(
      "SELECT form_id, source FROM registrations WHERE webinar_id = ?",
      webinar.id,
    );
    expect(reg).toEqual({ form_id: formId, source: "form" });
  });
});
