// A marketer opens the report of a webinar people registered for through two Rollcall forms and
// GoTo's own page, some of whom attended and answered polls (issue 13, Done-when 1). Registrations
// come in as in production: visitors fill the public forms, the outbox pushes them to the
// simulator, GoTo's page registrants are in the simulator, Sync now ingests them. A form only
// registers for a webinar that has not started and GoTo's attendance is read once a session has
// ended, so attendance (as ingestion stores it) and engagement rows (the engagement sync fills
// that table) are written straight into D1. Each chart's numbers, read from the table beside it
// and from the SVG, must equal the count cards and the JSON API.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { appAndBrowser, assertNoSidewaysScroll, openAdmin, poll, SCREENSHOTS, screenshot } from "./harness.ts";
import { connectAndDiscover, fillRegistration, postLiveForm, syncNow, waitForCounts } from "./steps.ts";

const suite = appAndBrowser();

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const SUBJECT = "Charts: spring launch";
const ORGANIZER = "charts@acme.test";

async function csrf(page: Page): Promise<string> {
  return page.locator('input[name="_csrf"]').first().inputValue();
}

/** The numbers of a chart's table: row heading → the `data-value` of each cell. */
async function chartTable(page: Page, id: string): Promise<Record<string, number[]>> {
  return page.locator(`#${id} table`).evaluate((table) => {
    const out: Record<string, number[]> = {};
    for (const row of Array.from(table.querySelectorAll("tbody tr"))) {
      const head = row.querySelector("th")?.textContent ?? "";
      out[head] = Array.from(row.querySelectorAll("td[data-value]")).map((td) => Number(td.getAttribute("data-value")));
    }
    return out;
  });
}

test("the webinar report's charts show the same numbers as its counts and the JSON API", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  await sim.organizer(ORGANIZER, "Cha", "Rts");
  const webinarKey = await sim.webinar(ORGANIZER, SUBJECT, [{ startTime: at(48), endTime: at(49) }]);

  const { context, page, problems } = await openAdmin(browser, app.url);
  await connectAndDiscover(page, app.url, ORGANIZER, SUBJECT);
  await page.getByRole("link", { name: SUBJECT }).click();
  const webinarId = /\/admin\/webinars\/(web_[\w-]+)/.exec(page.url())?.[1] ?? "";
  assert.ok(webinarId, "webinar id in the URL");

  const spring = await postLiveForm(page, app.url, "Spring landing page", webinarId);
  const partner = await postLiveForm(page, app.url, "Partner newsletter", webinarId);
  const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const visitorPage = await visitor.newPage();
  const visitorRegisters = async (formId: string, email: string) => {
    await visitorPage.goto(`${app.url}/f/${formId}`);
    await fillRegistration(visitorPage, email, email.split("@")[0] ?? "x", "Visitor");
    await visitorPage.getByText("Thank you").waitFor();
  };
  for (const name of ["ann", "bob", "cat"]) await visitorRegisters(spring, `${name}@spring.test`);
  for (const name of ["dan", "eve"]) await visitorRegisters(partner, `${name}@partner.test`);
  await visitor.close();
  await sim.register(webinarKey, [
    ["gus@goto.test", "gus", "GoTo"],
    ["hal@goto.test", "hal", "GoTo"],
  ]);
  await poll(
    "the five form registrations in GoTo",
    async () => (await sim.registrantEmails(webinarKey)).length === 7,
    60_000,
  );
  await page.goto(`${app.url}/admin/webinars/${webinarId}`);
  await syncNow(page);
  const registered = page.locator('[data-count="registered"]');
  await waitForCounts(page, { registered: "7" });
  assert.equal((await registered.textContent())?.trim(), "7");

  const attendance: [string, number][] = [
    ["ann@spring.test", 50],
    ["bob@spring.test", 10],
    ["dan@partner.test", 35],
    ["gus@goto.test", 55],
  ];
  for (const [email, minutes] of attendance) {
    await app.sql(
      `UPDATE registrations SET attended = 1, minutes_attended = ${minutes} WHERE webinar_id = '${webinarId}' AND prospect_id = (SELECT id FROM prospects WHERE email = '${email}')`,
    );
  }

  // Ann and Gus answered polls (Ann twice); Hal asked a question.
  const engaged: [string, number][] = [
    ["ann@spring.test", 2],
    ["gus@goto.test", 1],
    ["hal@goto.test", 1],
  ];
  const values = engaged.flatMap(([email, n]) =>
    Array.from(
      { length: n },
      (_, i) =>
        `('eng_${email.replace(/\W/g, "_")}_${i}', '${webinarId}', (SELECT id FROM prospects WHERE email = '${email}'), 's1', 'poll', 'Which?', '${at(-49.5)}', 'charts:${email}:${i}')`,
    ),
  );
  await app.sql(
    `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, occurred_at, dedupe_key) VALUES ${values.join(", ")}`,
  );

  await page.reload();
  const card = async (count: string) => Number((await page.locator(`[data-count="${count}"]`).textContent())?.trim());
  const cards = {
    registered: await card("registered"),
    accepted: await card("accepted"),
    attended: await card("attended"),
  };
  assert.equal(cards.registered, 7);
  assert.equal(cards.attended, 4);

  const apiKey = await page.goto(`${app.url}/admin/settings/api-keys`).then(() => csrf(page));
  const created = await page.request.post(`${app.url}/admin/settings/api-keys`, {
    form: { _csrf: apiKey, name: "charts" },
    headers: { origin: app.url },
  });
  const key = /id="new-key"[^>]*value="([^"]+)"/.exec(await created.text())?.[1];
  assert.ok(key, "an API key");
  const api = (await (
    await fetch(`${app.url}/api/v1/webinars/${webinarId}`, { headers: { authorization: `Bearer ${key}` } })
  ).json()) as { counts: Record<string, number> };
  await page.goto(`${app.url}/admin/webinars/${webinarId}`);

  const funnel = await chartTable(page, "chart-funnel");
  assert.deepEqual(funnel, {
    Registered: [api.counts.registered ?? -1],
    Accepted: [api.counts.accepted ?? -1],
    Attended: [api.counts.attended ?? -1],
    Engaged: [3],
  });
  assert.deepEqual(
    [cards.registered, cards.accepted, cards.attended],
    [api.counts.registered, api.counts.accepted, api.counts.attended],
  );
  // The SVG's bars carry the same values as the table.
  const bars = await page
    .locator("#chart-funnel svg rect[data-value]")
    .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("data-value"))));
  assert.deepEqual(bars, [api.counts.registered, api.counts.accepted, api.counts.attended, 3]);

  const timeline = await chartTable(page, "chart-registrations");
  const lastDay = Object.values(timeline).at(-1);
  const heads = await page.locator("#chart-registrations thead th").allTextContents();
  assert.deepEqual(heads, [
    "Day (UTC)",
    "Spring landing page",
    "Partner newsletter",
    "GoTo's registration page",
    "All sources",
  ]);
  assert.deepEqual(lastDay, [3, 2, 2, api.counts.registered]);
  const lineTotals = await page
    .locator("#chart-registrations svg g.chart-series")
    .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-total"))));
  assert.deepEqual(lineTotals, [3, 2, 2, api.counts.registered]);

  const minutes = await chartTable(page, "chart-minutes");
  assert.deepEqual(minutes, {
    "0–14": [1],
    "15–29": [0],
    "30–44": [1],
    "45–59": [2],
    "60–89": [0],
    "90–119": [0],
    "120+": [0],
  });
  const histogramTotal = Object.values(minutes).reduce((s, [n]) => s + (n ?? 0), 0);
  assert.equal(histogramTotal, api.counts.attended);

  await page.locator("#webinar-charts-heading").scrollIntoViewIfNeeded();
  await screenshot(page, "report-charts-01-webinar-1280");
  await assertNoSidewaysScroll(page, "webinar report at 1280 px");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await assertNoSidewaysScroll(page, "webinar report at 390 px");
  await screenshot(page, "report-charts-02-webinar-390");
  await page
    .locator("section.charts")
    .screenshot({ path: join(SCREENSHOTS, "report-charts-03-charts-390.png"), caret: "initial" });
  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});
