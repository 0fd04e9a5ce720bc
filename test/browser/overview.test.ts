// Reports > Webinars overview and attribution (F24, F34) in Chromium at 1280 and 390 px. Data comes
// in as in production: two organizers in the simulator, each verified as a connector; their
// webinars discovered, registrants and attendance read by Sync now; registrations through two
// hosted forms with UTM parameters. The viewer is in New York, one webinar in Berlin: the script adds
// the viewer's time under that webinar's, and not under those already in New York.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  assertNoSidewaysScroll,
  launchBrowser,
  logIn,
  type RunningApp,
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
const control = (path: string, body: unknown) => simControl(app.url, "POST", path, body);

async function verifyConnector(page: Page, organizer: string): Promise<void> {
  await page.goto(`${app.url}/admin/connectors/new/gotowebinar`);
  await page.getByLabel("Organizer email").fill(organizer);
  await page.getByRole("button", { name: "Save connector" }).click();
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByLabel("Organizer").selectOption(organizer);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByText("Verified with GoTo.").waitFor();
}

/** Reloads until `ready` holds (discovery, a sync or the outbox working in the background). */
async function until(page: Page, ready: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await ready()) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Saves a live form registering for the webinar through the builder's own POST; answers its id. */
async function liveForm(page: Page, name: string, webinarId: string): Promise<string> {
  await page.goto(`${app.url}/admin/forms/new`);
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
  const fields: Record<string, string> = { _csrf: csrf, name, status: "live", op: "save", register_webinar: webinarId };
  [
    ["email", "email", "Email"],
    ["firstName", "text", "First name"],
    ["lastName", "text", "Last name"],
  ].forEach(([key, type, label], i) => {
    Object.assign(fields, {
      [`field_${i}_key`]: key,
      [`field_${i}_type`]: type,
      [`field_${i}_label`]: label,
      [`field_${i}_required`]: "on",
      [`field_${i}_default`]: "",
      [`field_${i}_options`]: "",
      [`field_${i}_order`]: String(i + 1),
    });
  });
  const res = await page.request.post(`${app.url}/admin/forms`, {
    form: fields,
    headers: { origin: app.url },
    maxRedirects: 0,
  });
  const id = /\/admin\/forms\/(frm_[\w-]+)/.exec(res.headers().location ?? "")?.[1];
  assert.ok(id, `form saved: ${res.status()} ${(await res.text()).slice(0, 300)}`);
  return id;
}

test("the Webinars overview and attribution at 1280 and 390 px", async (t) => {
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const organizers = ["events@north.test", "a-very-long-organizer-address-for-wrapping@south-region.example.test"];
  const subjects = ["Quarterly product tour", "Customer onboarding clinic", "Roadmap preview (upcoming)"];
  for (const email of organizers) await control("/organizers", { email, firstName: "Org", lastName: "Anizer" });
  const finished = await control("/webinars", {
    organizerEmail: organizers[0],
    subject: subjects[0],
    times: [{ startTime: at(-30), endTime: at(-29) }],
    timeZone: "Europe/Berlin",
  });
  const other = await control("/webinars", {
    organizerEmail: organizers[1],
    subject: subjects[1],
    times: [{ startTime: at(-54), endTime: at(-53) }],
  });
  await control("/webinars", {
    organizerEmail: organizers[0],
    subject: subjects[2],
    times: [{ startTime: at(24 * 6), endTime: at(24 * 6 + 1) }],
  });
  const people: [string, number | null][] = [
    ["ann@acme.test", 40],
    ["bob@acme.test", 12],
    ["cat@acme.test", null],
    ["dan@acme.test", null],
  ];
  for (const [email, minutes] of people) {
    await control(`/webinars/${finished.webinarKey}/registrants`, { email, firstName: "P", lastName: "Q" });
    if (minutes !== null) {
      await control(`/webinars/${finished.webinarKey}/attendance`, {
        email,
        joinTime: at(-30),
        leaveTime: new Date(Date.parse(at(-30)) + minutes * 60_000).toISOString(),
      });
    }
  }
  await control(`/webinars/${other.webinarKey}/registrants`, { email: "eve@acme.test", firstName: "E", lastName: "V" });

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: "America/New_York" });
  const page = await context.newPage();
  const problems = watchConsole(page, [400]);
  await logIn(page, app.url);
  for (const email of organizers) await verifyConnector(page, email);

  await page.goto(`${app.url}/admin/webinars`);
  await until(page, async () => (await page.locator("tr[data-webinar]").count()) === 3, "discovery of 3 webinars");
  const rowOf = (subject: string) => page.locator("tr[data-webinar]", { hasText: subject });
  for (const subject of subjects.slice(0, 2)) {
    await rowOf(subject).getByRole("link", { name: subject }).click();
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.getByText(/Sync started/).waitFor();
    await page.goto(`${app.url}/admin/webinars`);
  }
  await until(
    page,
    async () =>
      (await rowOf(subjects[0]).locator('td[data-label="Attended"]').textContent())?.trim() === "2" &&
      (await rowOf(subjects[1]).locator('td[data-label="Registered"]').textContent())?.trim() === "1",
    "the synced counts",
  );

  // Two hosted forms register for the upcoming webinar with UTM parameters.
  const upcomingId = (await rowOf(subjects[2]).getAttribute("data-webinar")) ?? "";
  const forms = [
    await liveForm(page, "Spring newsletter form", upcomingId),
    await liveForm(page, "Partner page form", upcomingId),
  ];
  const posts: [string, string, Record<string, string>][] = [
    [
      forms[0] ?? "",
      "fay@acme.test",
      { utm_source: "Newsletter", utm_medium: "email", referrer: "https://www.news.example/spring" },
    ],
    [forms[0] ?? "", "gus@acme.test", { utm_source: "newsletter", utm_medium: "email" }],
    [forms[1] ?? "", "hal@acme.test", { utm_source: "partner", referrer: "https://partner.example.org/events?x=1" }],
  ];
  for (const [formId, email, extra] of posts) {
    const res = await fetch(`${app.url}/f/${formId}`, {
      method: "POST",
      body: new URLSearchParams({ email, firstName: "F", lastName: "L", ...extra }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 200, `submission ${email}: ${(await res.text()).slice(0, 300)}`);
  }

  await page.goto(`${app.url}/admin/webinars`);
  await until(
    page,
    async () => (await rowOf(subjects[2]).locator('td[data-label="Registered"]').textContent())?.trim() === "3",
    "the form registrations in GoTo",
  );
  const finishedRow = rowOf(subjects[0]);
  assert.equal((await finishedRow.locator('td[data-label="Attendance rate"]').textContent())?.trim(), "50%");
  assert.equal((await finishedRow.locator('td[data-label="Absent"]').textContent())?.trim(), "2");
  // Two organizers, told apart; times in the webinar's zone with the viewer's own under them.
  assert.match((await finishedRow.locator('td[data-label="Organizer"]').textContent()) ?? "", /events@north\.test/);
  assert.match((await rowOf(subjects[1]).locator('td[data-label="Organizer"]').textContent()) ?? "", /south-region/);
  assert.match((await finishedRow.locator("time").textContent()) ?? "", /CET|CEST|GMT\+[12]/);
  assert.match((await finishedRow.locator(".local-time").textContent()) ?? "", /^Your time: .*(EST|EDT|GMT-[45])/);
  // The upcoming webinar is in New York, like the viewer: no second line.
  assert.equal(await rowOf(subjects[2]).locator(".local-time").count(), 0);
  await screenshot(page, "overview-01-webinars-1280");

  await page.getByRole("link", { name: /^Registered/ }).click();
  assert.deepEqual(
    (await page.locator("tr[data-webinar] td[data-label='Webinar'] bdi").allTextContents()).map((s) => s.trim()),
    [subjects[0], subjects[2], subjects[1]],
  );
  const south = await page.locator("#f-organizer option", { hasText: organizers[1] ?? "" }).getAttribute("value");
  await page.getByLabel("Organizer").selectOption(south ?? "");
  await page.getByRole("button", { name: "Apply" }).click();
  assert.equal(await page.locator("tr[data-webinar]").count(), 1);

  await page.goto(`${app.url}/admin/webinars?from=2026-13-01`);
  await page.getByText("Give the first date as YYYY-MM-DD").waitFor();
  await screenshot(page, "overview-02-bad-date-1280");

  // The webinar page's attribution section: by form, then by UTM source swapped in place.
  await page.goto(`${app.url}/admin/webinars/${upcomingId}`);
  const section = page.locator("#attribution");
  await section.locator('tr[data-group^="form:"]', { hasText: "Spring newsletter form" }).waitFor();
  assert.match((await section.locator("tr", { hasText: "Spring newsletter form" }).textContent()) ?? "", /2/);
  await section.getByRole("link", { name: "UTM source" }).click();
  await section.locator('tr[data-group="newsletter"]').waitFor();
  assert.equal(
    (await section.locator('tr[data-group="newsletter"] td[data-label="Registered"]').textContent())?.trim(),
    "2",
  );
  assert.equal(new URL(page.url()).pathname, `/admin/webinars/${upcomingId}`, "the tab swapped the section in place");
  await screenshot(page, "overview-03-webinar-attribution-1280");

  await page.goto(`${app.url}/admin/webinars/attribution?by=referrer`);
  await page.locator('tr[data-group="news.example"]').waitFor();
  await screenshot(page, "overview-04-attribution-1280");

  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, name] of [
    ["/admin/webinars", "overview-05-webinars-390"],
    [`/admin/webinars/${upcomingId}`, "overview-06-webinar-attribution-390"],
    ["/admin/webinars/attribution?by=form", "overview-07-attribution-390"],
  ] as const) {
    await page.goto(`${app.url}${path}`);
    await assertNoSidewaysScroll(page, name);
    await screenshot(page, name);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
