// The webinar page's attendance per session and engagement panel, in Chromium: a two-session
// webinar synced through a verified connector with attendance recorded in the simulator shows the
// sessions side by side; the polls, survey and question recorded in the simulator, brought in by
// Sync now's engagement pass, show as poll results, survey completion and questions; a poll answer's figure drills down to
// exactly its prospects. At 1280 and 390 px without sideways scrolling; the console stays clean.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, assertNoSidewaysScroll, openAdmin, screenshot } from "./harness.ts";
import { connectAndDiscover, emailsShown, syncNow, waitForCounts } from "./steps.ts";

const suite = appAndBrowser();

const MINUTE = 60_000;
const SUBJECT = "Pricing deep dive series";
const LONG_EMAIL = "evelyn.a-very-long-address-that-must-wrap-on-a-phone-screen@subsidiary.example-company.test";

test("sessions side by side, the engagement panel and a poll answer's drill-down", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const control = (path: string, body: unknown) => sim.control("POST", path, body);
  const organizer = "series@acme.test";
  const s1 = {
    startTime: new Date(Date.now() - 180 * MINUTE).toISOString(),
    endTime: new Date(Date.now() - 120 * MINUTE).toISOString(),
  };
  const s2 = {
    startTime: new Date(Date.now() - 90 * MINUTE).toISOString(),
    endTime: new Date(Date.now() - 30 * MINUTE).toISOString(),
  };
  await sim.organizer(organizer, "Sam", "Series");
  const key = await sim.webinar(organizer, SUBJECT, [s1, s2]);
  await sim.register(key, [
    ["ann@acme.test", "Ann", "Able"],
    ["bob@acme.test", "Bob", "Brief"],
    [LONG_EMAIL, "Evelyn", "Longname"],
  ]);
  const at = (s: { startTime: string }, from: number, to: number): [string, string] => [
    new Date(Date.parse(s.startTime) + from * MINUTE).toISOString(),
    new Date(Date.parse(s.startTime) + to * MINUTE).toISOString(),
  ];
  await sim.attend(key, "ann@acme.test", ...at(s1, 0, 60));
  await sim.attend(key, "ann@acme.test", ...at(s2, 0, 45));
  await sim.attend(key, "bob@acme.test", ...at(s1, 10, 40));
  await sim.attend(key, LONG_EMAIL, ...at(s2, 5, 50));
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

  const { context, page, problems } = await openAdmin(browser, app.url);
  await connectAndDiscover(page, app.url, organizer, SUBJECT);
  await page.getByRole("link", { name: SUBJECT }).click();
  const webinarPage = page.url();
  const sessionCards = page.locator(".sessions-side-by-side [data-count='session-attended']");
  for (let i = 0; i < 90 && (await sessionCards.count()) < 2; i++) {
    if (i === 10) await syncNow(page);
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.deepEqual(await sessionCards.allTextContents(), ["2", "2"], "two attendees in each session");

  // Sync now reads the engagement GoTo holds (recorded above, before the connector was verified).
  await syncNow(page);
  await waitForCounts(page, { poll: "3" });
  await page.getByRole("heading", { name: "Poll results" }).waitFor();
  assert.equal((await page.locator("[data-count='poll']").textContent())?.trim(), "3");
  assert.equal((await page.locator("[data-count='survey']").textContent())?.trim(), "1");
  assert.equal((await page.locator("[data-count='question']").textContent())?.trim(), "1");
  await page.getByText("they will bundle the subsidiaries").waitFor();
  await screenshot(page, "webinar-engagement-01-page-1280");

  // "This quarter": 2 prospects, exactly Ann and Evelyn.
  await page.locator("[data-count='poll-answer']").first().click();
  await page.getByRole("heading", { name: /Answered poll 'How soon are you buying\?' with 'This quarter'/ }).waitFor();
  assert.deepEqual(await emailsShown(page), ["ann@acme.test", LONG_EMAIL].sort());
  await page.getByRole("link", { name: "Export CSV" }).waitFor();
  await screenshot(page, "webinar-engagement-02-drill-down-1280");

  const {
    context: phone,
    page: small,
    problems: phoneProblems,
  } = await openAdmin(browser, app.url, { viewport: { width: 390, height: 844 }, isMobile: true });
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
