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
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  assertNoSidewaysScroll,
  launchBrowser,
  logIn,
  type RunningApp,
  SCREENSHOTS,
  screenshot,
  simControl,
  startApp,
  watchConsole,
} from "./harness.ts";

let app: RunningApp;
let browser: Browser | null;

before(async () => {
  browser = await launchBrowser();
  app = await startApp();
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const SUBJECT = "Charts: spring launch";
const ORGANIZER = "charts@acme.test";

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function csrf(page: Page): Promise<string> {
  return page.locator('input[name="_csrf"]').first().inputValue();
}

/** A live form that registers for the webinar, saved through the builder's own POST. */
async function liveForm(page: Page, name: string, webinarId: string): Promise<string> {
  await page.goto(`${app.url}/admin/forms/new`);
  const fields: Record<string, string> = { _csrf: await csrf(page), name, status: "live", op: "save" };
  ["email", "firstName", "lastName"].forEach((key, i) => {
    Object.assign(fields, {
      [`field_${i}_key`]: key,
      [`field_${i}_type`]: key === "email" ? "email" : "text",
      [`field_${i}_label`]: { email: "Email", firstName: "First name", lastName: "Last name" }[key],
      [`field_${i}_required`]: "on",
      [`field_${i}_default`]: "",
      [`field_${i}_options`]: "",
      [`field_${i}_order`]: String(i + 1),
    });
  });
  fields.register_webinar = webinarId;
  const res = await page.request.post(`${app.url}/admin/forms`, {
    form: fields,
    headers: { origin: app.url },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 303, `form ${name} saved: ${await res.text()}`);
  const id = /\/admin\/forms\/(frm_[\w-]+)/.exec(res.headers().location ?? "")?.[1];
  assert.ok(id, "form id");
  return id;
}

async function visitorRegisters(page: Page, formId: string, email: string): Promise<void> {
  await page.goto(`${app.url}/f/${formId}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("First name").fill(email.split("@")[0] ?? "x");
  await page.getByLabel("Last name").fill("Visitor");
  await page.getByRole("button", { name: "Register" }).click();
  await page.getByText("Thank you").waitFor();
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
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  await simControl(app.url, "POST", "/organizers", { email: ORGANIZER, firstName: "Cha", lastName: "Rts" });
  const webinar = await simControl(app.url, "POST", "/webinars", {
    organizerEmail: ORGANIZER,
    subject: SUBJECT,
    times: [{ startTime: at(48), endTime: at(49) }],
  });
  const webinarKey = String(webinar.webinarKey);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, app.url);
  await page.goto(`${app.url}/admin/connectors/new/gotowebinar`);
  await page.getByLabel("Organizer email").fill(ORGANIZER);
  await page.getByRole("button", { name: "Save connector" }).click();
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByLabel("Organizer").selectOption(ORGANIZER);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByText("Verified with GoTo.").waitFor();
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Webinars" }).click();
  for (let i = 0; i < 40 && (await page.getByRole("link", { name: SUBJECT }).count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await page.getByRole("link", { name: SUBJECT }).click();
  const webinarId = /\/admin\/webinars\/(web_[\w-]+)/.exec(page.url())?.[1] ?? "";
  assert.ok(webinarId, "webinar id in the URL");

  const spring = await liveForm(page, "Spring landing page", webinarId);
  const partner = await liveForm(page, "Partner newsletter", webinarId);
  const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const visitorPage = await visitor.newPage();
  for (const name of ["ann", "bob", "cat"]) await visitorRegisters(visitorPage, spring, `${name}@spring.test`);
  for (const name of ["dan", "eve"]) await visitorRegisters(visitorPage, partner, `${name}@partner.test`);
  await visitor.close();
  for (const name of ["gus", "hal"]) {
    await simControl(app.url, "POST", `/webinars/${webinarKey}/registrants`, {
      email: `${name}@goto.test`,
      firstName: name,
      lastName: "GoTo",
    });
  }
  await waitFor("the five form registrations in GoTo", async () => {
    const state = (await simControl(app.url, "GET", `/state?webinarKey=${webinarKey}`)) as {
      registrants?: { email: string }[];
    };
    return (state.registrants ?? []).length === 7;
  });
  await page.goto(`${app.url}/admin/webinars/${webinarId}`);
  await page.getByRole("button", { name: "Sync now" }).click();
  await page.getByText(/Sync started/).waitFor();
  const registered = page.locator('[data-count="registered"]');
  for (let i = 0; i < 90 && (await registered.textContent())?.trim() !== "7"; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
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
