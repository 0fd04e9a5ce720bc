// Reports > Webinars overview and attribution (F24, F34) in Chromium at 1280 and 390 px. Data comes
// in as in production: two organizers in the simulator, each verified as a connector; their
// webinars discovered, registrants and attendance read by Sync now; registrations through two
// hosted forms with UTM parameters. The viewer is in New York, one webinar in Berlin: the script adds
// the viewer's time under that webinar's, and not under those already in New York.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, assertNoSidewaysScroll, openAdmin, reloadUntil, screenshot } from "./harness.ts";
import { connectOrganizer, postLiveForm, syncNow } from "./steps.ts";

const suite = appAndBrowser();

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

test("the Webinars overview and attribution at 1280 and 390 px", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const organizers = ["events@north.test", "a-very-long-organizer-address-for-wrapping@south-region.example.test"];
  const subjects = ["Quarterly product tour", "Customer onboarding clinic", "Roadmap preview (upcoming)"];
  for (const email of organizers) await sim.organizer(email, "Org", "Anizer");
  const finished = await sim.webinar(
    organizers[0],
    subjects[0],
    [{ startTime: at(-30), endTime: at(-29) }],
    "Europe/Berlin",
  );
  const other = await sim.webinar(organizers[1], subjects[1], [{ startTime: at(-54), endTime: at(-53) }]);
  await sim.webinar(organizers[0], subjects[2], [{ startTime: at(24 * 6), endTime: at(24 * 6 + 1) }]);
  const people: [string, number | null][] = [
    ["ann@acme.test", 40],
    ["bob@acme.test", 12],
    ["cat@acme.test", null],
    ["dan@acme.test", null],
  ];
  for (const [email, minutes] of people) {
    await sim.register(finished, [[email, "P", "Q"]]);
    if (minutes !== null) {
      await sim.attend(finished, email, at(-30), Date.parse(at(-30)) + minutes * 60_000);
    }
  }
  await sim.register(other, [["eve@acme.test", "E", "V"]]);

  const { context, page, problems } = await openAdmin(browser, app.url, {
    viewport: { width: 1280, height: 800 },
    timezoneId: "America/New_York",
    allowedStatuses: [400],
  });
  for (const email of organizers) await connectOrganizer(page, app.url, email);

  await page.goto(`${app.url}/admin/webinars`);
  const until = (ready: () => Promise<boolean>, what: string) => reloadUntil(page, what, ready, 120);
  await until(async () => (await page.locator("tr[data-webinar]").count()) === 3, "discovery of 3 webinars");
  const rowOf = (subject: string) => page.locator("tr[data-webinar]", { hasText: subject });
  for (const subject of subjects.slice(0, 2)) {
    await rowOf(subject).getByRole("link", { name: subject }).click();
    await syncNow(page);
    await page.goto(`${app.url}/admin/webinars`);
  }
  await until(
    async () =>
      (await rowOf(subjects[0]).locator('td[data-label="Attended"]').textContent())?.trim() === "2" &&
      (await rowOf(subjects[1]).locator('td[data-label="Registered"]').textContent())?.trim() === "1",
    "the synced counts",
  );

  // Two hosted forms register for the upcoming webinar with UTM parameters.
  const upcomingId = (await rowOf(subjects[2]).getAttribute("data-webinar")) ?? "";
  const forms = [
    await postLiveForm(page, app.url, "Spring newsletter form", upcomingId),
    await postLiveForm(page, app.url, "Partner page form", upcomingId),
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
  const south = await page.locator("#f-organizer option", { hasText: organizers[1] }).getAttribute("value");
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
