// The webinar page's attendance per session and engagement panel, in Chromium: a two-session
// webinar synced through a verified connector with attendance recorded in the simulator shows the
// sessions side by side; the polls, survey and question recorded in the simulator, brought in by
// Sync now's engagement pass, show as poll results, survey completion and questions; a poll answer's figure drills down to
// exactly its prospects. At 1280 and 390 px without sideways scrolling; the console stays clean.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
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

const MINUTE = 60_000;
const SUBJECT = "Pricing deep dive series";
const LONG_EMAIL = "evelyn.a-very-long-address-that-must-wrap-on-a-phone-screen@subsidiary.example-company.test";

test("sessions side by side, the engagement panel and a poll answer's drill-down", async (t) => {
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const control = (path: string, body: unknown) => simControl(app.url, "POST", path, body);
  const organizer = "series@acme.test";
  const s1 = {
    startTime: new Date(Date.now() - 180 * MINUTE).toISOString(),
    endTime: new Date(Date.now() - 120 * MINUTE).toISOString(),
  };
  const s2 = {
    startTime: new Date(Date.now() - 90 * MINUTE).toISOString(),
    endTime: new Date(Date.now() - 30 * MINUTE).toISOString(),
  };
  await control("/organizers", { email: organizer, firstName: "Sam", lastName: "Series" });
  const webinar = await control("/webinars", { organizerEmail: organizer, subject: SUBJECT, times: [s1, s2] });
  const key = String(webinar.webinarKey);
  const people = [
    ["ann@acme.test", "Ann", "Able"],
    ["bob@acme.test", "Bob", "Brief"],
    [LONG_EMAIL, "Evelyn", "Longname"],
  ];
  for (const [email, firstName, lastName] of people) {
    await control(`/webinars/${key}/registrants`, { email, firstName, lastName });
  }
  const at = (s: { startTime: string }, from: number, to: number) => ({
    joinTime: new Date(Date.parse(s.startTime) + from * MINUTE).toISOString(),
    leaveTime: new Date(Date.parse(s.startTime) + to * MINUTE).toISOString(),
  });
  await control(`/webinars/${key}/attendance`, { email: "ann@acme.test", ...at(s1, 0, 60) });
  await control(`/webinars/${key}/attendance`, { email: "ann@acme.test", ...at(s2, 0, 45) });
  await control(`/webinars/${key}/attendance`, { email: "bob@acme.test", ...at(s1, 10, 40) });
  await control(`/webinars/${key}/attendance`, { email: LONG_EMAIL, ...at(s2, 5, 50) });
  // What they did in GoTo, each in their latest attended session; the engagement pass brings it in.
  const buying = "How soon are you buying?";
  await control(`/webinars/${key}/polls`, { email: "ann@acme.test", question: buying, answers: ["This quarter"] });
  await control(`/webinars/${key}/polls`, { email: "bob@acme.test", question: buying, answers: ["Next year"] });
  await control(`/webinars/${key}/polls`, { email: LONG_EMAIL, question: buying, answers: ["This quarter"] });
  await control(`/webinars/${key}/surveys`, {
    email: "ann@acme.test",
    question: "Would you recommend us?",
    answers: ["Yes"],
  });
  await control(`/webinars/${key}/questions`, {
    email: LONG_EMAIL,
    question: "Is there a discount for annual plans across several subsidiaries of one group of companies?",
    answer: "Yes: talk to sales, they will bundle the subsidiaries into one contract.",
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, app.url);
  const nav = page.getByRole("navigation", { name: "Main" });
  await page.goto(`${app.url}/admin/connectors/new/gotowebinar`);
  await page.getByLabel("Organizer email").fill(organizer);
  await page.getByRole("button", { name: "Save connector" }).click();
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByLabel("Organizer").selectOption(organizer);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByText("Verified with GoTo.").waitFor();
  await nav.getByRole("link", { name: "Webinars" }).click();
  for (let i = 0; i < 40 && (await page.getByRole("link", { name: SUBJECT }).count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await page.getByRole("link", { name: SUBJECT }).click();
  const webinarPage = page.url();
  const sessionCards = page.locator(".sessions-side-by-side [data-count='session-attended']");
  for (let i = 0; i < 90 && (await sessionCards.count()) < 2; i++) {
    if (i === 10) {
      await page.getByRole("button", { name: "Sync now" }).click();
      await page.getByText(/Sync started/).waitFor();
    }
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.deepEqual(await sessionCards.allTextContents(), ["2", "2"], "two attendees in each session");

  // Sync now reads the engagement GoTo holds (recorded above, before the connector was verified).
  await page.getByRole("button", { name: "Sync now" }).click();
  await page.getByText(/Sync started/).waitFor();
  const polls = page.locator("[data-count='poll']");
  for (let i = 0; i < 90 && (await polls.textContent().catch(() => null))?.trim() !== "3"; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await page.getByRole("heading", { name: "Poll results" }).waitFor();
  assert.equal((await page.locator("[data-count='poll']").textContent())?.trim(), "3");
  assert.equal((await page.locator("[data-count='survey']").textContent())?.trim(), "1");
  assert.equal((await page.locator("[data-count='question']").textContent())?.trim(), "1");
  await page.getByText("they will bundle the subsidiaries").waitFor();
  await screenshot(page, "webinar-engagement-01-page-1280");

  // "This quarter": 2 prospects, exactly Ann and Evelyn.
  await page.locator("[data-count='poll-answer']").first().click();
  await page.getByRole("heading", { name: /Answered poll 'How soon are you buying\?' with 'This quarter'/ }).waitFor();
  const emails = (await page.locator('table tbody td[data-label="Email"]').allTextContents())
    .map((e) => e.trim())
    .sort();
  assert.deepEqual(emails, ["ann@acme.test", LONG_EMAIL].sort());
  await page.getByRole("link", { name: "Export CSV" }).waitFor();
  await screenshot(page, "webinar-engagement-02-drill-down-1280");

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const small = await phone.newPage();
  const phoneProblems = watchConsole(small);
  await logIn(small, app.url);
  await small.goto(webinarPage);
  await small.getByRole("heading", { name: "Attendance per session" }).waitFor();
  await assertNoSidewaysScroll(small, "webinar page at 390 px");
  await screenshot(small, "webinar-engagement-03-page-390");
  await small.goto(page.url());
  await assertNoSidewaysScroll(small, "poll drill-down at 390 px");
  await screenshot(small, "webinar-engagement-04-drill-down-390");

  assert.deepEqual([...problems, ...phoneProblems], []);
  await context.close();
  await phone.close();
});
