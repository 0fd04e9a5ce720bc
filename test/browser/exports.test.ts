// A marketer exports a webinar's attendees and a filtered prospect list as CSV files (F24). Data
// comes in the way it does in production: the simulator holds the webinar, its registrants and
// their attendance; a verified connector discovers it; Sync now ingests it. The downloads are read
// back with a strict RFC 4180 reader.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { appAndBrowser, openAdmin, screenshot } from "./harness.ts";
import { connectAndDiscover, exportCsv as download, syncWebinar, waitForCounts } from "./steps.ts";

const suite = appAndBrowser();

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const SUBJECT = "Product tour: Zoë's édition";

/** Clicks Export CSV and reads the file the browser saved, which starts with a byte order mark. */
async function exportCsv(page: Page): Promise<{ name: string; rows: Record<string, string>[] }> {
  const { name, text, rows } = await download(page);
  assert.ok(text.startsWith("\uFEFF"), "the file starts with a byte order mark");
  return { name, rows };
}

test("export a webinar's attendees and a filtered prospect list as CSV", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const organizer = "tours@acme.test";
  await sim.organizer(organizer, "Tia", "Tours");
  const key = await sim.webinar(organizer, SUBJECT, [{ startTime: at(-50), endTime: at(-49) }]);
  const people: [string, string, string, number | null][] = [
    ["ann@acme.test", "Ann", "Able", 45],
    ["bob@acme.test", '=HYPERLINK("http://evil.test")', "Baker", 10],
    ["cat@acme.test", "Cat", "Černá, Ltd", null],
  ];
  for (const [email, firstName, lastName, minutes] of people) {
    await sim.register(key, [[email, firstName, lastName]]);
    if (minutes !== null) {
      await sim.attend(key, email, at(-50), Date.parse(at(-50)) + minutes * 60_000);
    }
  }

  const { context, page, problems, nav } = await openAdmin(browser, app.url, {
    acceptDownloads: true,
    allowedStatuses: [409, 422],
  });
  await connectAndDiscover(page, app.url, organizer, SUBJECT);
  await syncWebinar(page, SUBJECT);
  const attended = page.locator('[data-count="attended"]');
  await waitForCounts(page, { attended: "2" });
  assert.equal((await attended.textContent())?.trim(), "2");
  await screenshot(page, "exports-01-webinar-counts");

  await page.locator('a.link-card:has([data-count="attended"])').click();
  await page.getByRole("heading", { name: /Attended/ }).waitFor();
  await screenshot(page, "exports-02-attended-drill-down");
  const attendees = await exportCsv(page);
  // Chromium takes the UTF-8 name of filename*; the ASCII one is for clients that do not read it.
  assert.match(attendees.name, /^product-tour-zoë-s-édition-attended-\d{4}-\d\d-\d\d\.csv$/);
  assert.deepEqual(
    attendees.rows.map((r) => [r.Email, r["First name"], r["Minutes attended"]]),
    [
      ["ann@acme.test", "Ann", "45"],
      ["bob@acme.test", '\'=HYPERLINK("http://evil.test")', "10"],
    ],
  );

  await page.getByRole("link", { name: /^Absent/ }).click();
  const absent = await exportCsv(page);
  assert.deepEqual(
    absent.rows.map((r) => [r.Email, r["Last name"], r.Attended]),
    [["cat@acme.test", "Černá, Ltd", "No"]],
  );

  await nav.getByRole("link", { name: "Prospects" }).click();
  await page.getByLabel("Score at least").fill("30");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "ann@acme.test" }).waitFor();
  await screenshot(page, "exports-03-prospects-filtered");
  const filtered = await exportCsv(page);
  assert.match(filtered.name, /^prospects-score-from-30-\d{4}-\d\d-\d\d\.csv$/);
  const shown = await page.locator('td[data-label="Email"] bdi').allTextContents();
  assert.deepEqual(filtered.rows.map((r) => r.Email).sort(), shown.sort());
  assert.ok(filtered.rows.every((r) => Number(r.Score) >= 30));

  await page.getByLabel("Score at most").fill("10");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByText("Score at most must not be below Score at least.").waitFor();
  await screenshot(page, "exports-04-prospects-bad-filter");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${app.url}/admin/prospects?min_score=30`);
  await screenshot(page, "exports-05-prospects-on-phone");
  await page.goto(`${app.url}/admin/webinars`);
  await page.getByRole("link", { name: SUBJECT }).click();
  await screenshot(page, "exports-06-webinar-on-phone");
  await page.locator('a.link-card:has([data-count="attended"])').click();
  await screenshot(page, "exports-07-drill-down-on-phone");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});
