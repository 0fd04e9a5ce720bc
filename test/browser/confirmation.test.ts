// Instant confirmation and engagement (issue 12 Done when 2): a visitor registers on an embedded
// form on a customer's page; the thank-you inside the iframe shows the join link GoTo gave (the one
// in the simulator's state) and an Add to calendar file that downloads and reads as RFC 5545. Then
// a webinar that really ends while the test waits: the visitor attends, answers a poll and asks a
// question in GoTo (the simulator), Sync now brings it in, and their timeline shows both with
// points while the webinar's engagement panel shows them too.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { appAndBrowser, assertNoSidewaysScroll, customerSite, openAdmin, screenshot, watchConsole } from "./harness.ts";
import {
  buildLiveForm,
  connectAndDiscover,
  connectOrganizer,
  fillRegistration,
  syncNow,
  syncWebinar,
  waitForCounts,
} from "./steps.ts";

const suite = appAndBrowser();
const site = customerSite();

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();

/** Reads an .ics strictly enough to fail on a broken one: CRLF, 75-octet lines, nesting, the events' properties. */
function readCalendar(text: string): { props: Map<string, string>; events: Map<string, string>[] } {
  assert.ok(text.endsWith("\r\n"), "ends with CRLF");
  const physical = text.slice(0, -2).split("\r\n");
  for (const line of physical) {
    assert.ok(!/[\r\n]/.test(line), "no bare CR or LF");
    assert.ok(Buffer.byteLength(line) <= 75, `line longer than 75 octets: ${line}`);
  }
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(" ")) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  assert.equal(logical[0], "BEGIN:VCALENDAR");
  assert.equal(logical.at(-1), "END:VCALENDAR");
  const props = new Map<string, string>();
  const events: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  for (const line of logical.slice(1, -1)) {
    const m = /^([A-Z0-9-]+)(?:;[^:]*)?:(.*)$/.exec(line);
    assert.ok(m, `content line: ${line}`);
    const [, name = "", value = ""] = m;
    if (name === "BEGIN") {
      assert.equal(value, "VEVENT");
      current = new Map();
    } else if (name === "END") {
      assert.ok(current, "END without BEGIN");
      events.push(current);
      current = null;
    } else (current ?? props).set(name, value);
  }
  assert.equal(current, null, "every VEVENT ends");
  return { props, events };
}

test("a visitor on an embedded form sees their own join link at once, and adds the webinar to a calendar", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const organizer = "confirm@acme.test";
  await sim.organizer(organizer, "Con", "Firm");
  const webinarKey = await sim.webinar(
    organizer,
    "Series, part one; and two",
    [
      { startTime: at(9), endTime: at(9, 1) },
      { startTime: at(16), endTime: at(16, 1) },
    ],
    "Europe/Berlin",
  );
  const { context, page, problems } = await openAdmin(browser, app.url, { acceptDownloads: true });
  await connectAndDiscover(page, app.url, organizer, "Series, part one; and two");
  await buildLiveForm(page, app.url, "Series registration");
  const snippet = await page.locator("#embed-snippet").inputValue();

  site.page = `<!doctype html><html><head><title>Customer site</title></head><body><h1>Join our series</h1>${snippet}</body></html>`;
  const visitor = await context.newPage();
  const visitorProblems = watchConsole(visitor);
  await visitor.goto(`${site.url}/landing`);
  const frame = visitor.frameLocator("iframe[data-rollcall-form]");
  const email = "joiner.with.a.rather.long.address@visitor-company.example";
  await fillRegistration(frame, email, "Jo", "Iner");
  const join = frame.getByRole("link", { name: "Join the webinar" });
  await join.waitFor({ timeout: 15_000 });
  await screenshot(visitor, "confirmation-01-embedded-join-link");

  const joinUrl = (await sim.registrants(webinarKey)).find((r) => r.email === email)?.joinUrl;
  assert.ok(joinUrl, "the registrant is in the simulator with a join URL");
  assert.equal(await join.getAttribute("href"), joinUrl, "the page shows the link GoTo gave");

  const [download] = await Promise.all([
    visitor.waitForEvent("download"),
    frame.getByRole("link", { name: "Add to calendar (.ics)" }).click(),
  ]);
  const file = await download.path();
  const calendar = readCalendar(readFileSync(file, "utf8"));
  assert.equal(calendar.props.get("VERSION"), "2.0");
  assert.equal(calendar.props.get("X-WR-TIMEZONE"), "Europe/Berlin");
  assert.equal(calendar.events.length, 2, "one event per session");
  for (const e of calendar.events) {
    assert.equal(e.get("URL"), joinUrl);
    assert.match(e.get("DTSTART") ?? "", /^\d{8}T\d{6}Z$/);
    assert.ok(e.get("UID") && e.get("DTSTAMP"));
    assert.match(e.get("SUMMARY") ?? "", /^Series\\, part one\\; and two/);
  }

  // The confirmation page itself (the plain link, and what a success URL's parameter points to) on a phone.
  const href = await frame.getByRole("link", { name: "Add to calendar (.ics)" }).getAttribute("href");
  const confirmPath = (href ?? "").replace(/\/calendar\.ics$/, "");
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phonePage = await phone.newPage();
  const phoneProblems = watchConsole(phonePage);
  await phonePage.goto(`${app.url}${confirmPath}`);
  assert.equal(await phonePage.getByRole("link", { name: "Join the webinar" }).getAttribute("href"), joinUrl);
  await assertNoSidewaysScroll(phonePage, "the confirmation page at 390 px");
  await screenshot(phonePage, "confirmation-02-page-390");
  // Anyone else's guess at a token sees nothing.
  const guessed = await fetch(`${app.url}${confirmPath.slice(0, -2)}AA`);
  assert.equal(guessed.status, 404);
  assert.ok(!(await guessed.text()).includes(joinUrl));

  assert.deepEqual([...problems, ...visitorProblems, ...phoneProblems], [], "no console errors or CSP violations");
  await phone.close();
  await context.close();
});

test("after the webinar, the visitor's poll answer and question are on their timeline with points and in the engagement panel", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");

  // A short webinar that starts soon enough to register for now and ends while the test waits.
  const organizer = "short@acme.test";
  const subject = "Ninety-second product tour";
  const startsAt = Date.now() + 75_000;
  const endsAt = startsAt + 30_000;
  await sim.organizer(organizer, "Short", "Tour");
  const webinarKey = await sim.webinar(organizer, subject, [
    { startTime: new Date(startsAt).toISOString(), endTime: new Date(endsAt).toISOString() },
  ]);
  const { context, page, problems } = await openAdmin(browser, app.url);
  await connectOrganizer(page, app.url, organizer);
  await buildLiveForm(page, app.url, "Tour registration", { webinar: subject });
  const formUrl = (await page.locator("#hosted-link").getAttribute("href")) ?? "";
  assert.match(formUrl, /\/f\/[\w-]+$/, "the hosted form's address is on the form page");

  const visitor = await context.newPage();
  const visitorProblems = watchConsole(visitor);
  await visitor.goto(formUrl.startsWith("http") ? formUrl : `${app.url}${formUrl}`);
  const email = "tour.visitor@prospect-company.example";
  await fillRegistration(visitor, email, "Tess", "Visitor");
  await visitor.getByRole("link", { name: "Join the webinar" }).waitFor({ timeout: 15_000 });
  assert.ok(Date.now() < startsAt, "registered before the webinar started");

  // The webinar runs; the visitor attends, answers the poll and asks a question, all in GoTo.
  await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now()) + 2_000));
  await sim.attend(webinarKey, email, startsAt + 1_000, endsAt - 1_000);
  await sim.control("POST", `/webinars/${webinarKey}/polls`, {
    email,
    question: "How soon are you buying?",
    answers: ["This quarter"],
  });
  await sim.control("POST", `/webinars/${webinarKey}/questions`, {
    email,
    question: "Does it work with our single sign-on?",
    answer: "Yes, SAML and OIDC.",
  });

  // The marketer presses Sync now on the webinar's page; the engagement arrives in seconds (the
  // session's questions first, then each attendee's poll answers: wait for both).
  const webinarPage = await syncWebinar(page, subject);
  await waitForCounts(page, { question: "1", poll: "1" });
  assert.equal((await page.locator("[data-count='poll']").textContent())?.trim(), "1");
  await page.getByText("Does it work with our single sign-on?").waitFor();
  await page.getByText("Yes, SAML and OIDC.").waitFor();
  await screenshot(page, "confirmation-03-engagement-panel-1280");

  // The visitor's timeline: the poll answer and the question, each with its points.
  await page.goto(`${app.url}/admin/prospects?q=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: email }).first().click();
  const poll = page.locator("li", { hasText: "“How soon are you buying?” Answer: This quarter" });
  const asked = page.locator("li", { hasText: "“Does it work with our single sign-on?” Answer: Yes, SAML and OIDC." });
  await poll.first().waitFor();
  await asked.first().waitFor();
  assert.match((await poll.first().textContent()) ?? "", /\+5 points/);
  assert.match((await asked.first().textContent()) ?? "", /\+10 points/);
  await screenshot(page, "confirmation-04-timeline-1280");

  // A second Sync now brings nothing twice.
  await page.goto(webinarPage);
  await syncNow(page);
  await page.waitForTimeout(3_000);
  await page.reload();
  assert.equal((await page.locator("[data-count='question']").textContent())?.trim(), "1");
  assert.equal((await page.locator("[data-count='poll']").textContent())?.trim(), "1");

  assert.deepEqual([...problems, ...visitorProblems], [], "no console errors or CSP violations");
  await context.close();
});
