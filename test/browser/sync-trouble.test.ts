// What a marketer sees when GoTo misbehaves: a registration GoTo keeps failing shows why and when
// Rollcall tries again and leaves the outbox once GoTo recovers, and the connector page says in a
// sentence what went wrong. At 1280 and 390 px, long values wrap instead of widening the page.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { appAndBrowser, assertNoSidewaysScroll, openAdmin, poll, reloadUntil, screenshot } from "./harness.ts";
import { buildLiveForm, connectAndDiscover, fillRegistration } from "./steps.ts";

const suite = appAndBrowser();

async function reloadUntilText(page: Page, text: string | RegExp): Promise<void> {
  await reloadUntil(page, String(text), async () => (await page.getByText(text).count()) > 0);
  await page.getByText(text).first().waitFor();
}

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();
const LONG_EMAIL = "marguerite.vandenbergh-oosterhuis.registration-desk@subsidiary.example-conglomerate.test";

test("GoTo failing registrations and a connector error: each explained, on a desk and a phone", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const control = (method: string, path: string, body?: unknown) => sim.control(method, path, body);
  const organizer = "trouble@acme.test";
  await sim.organizer(organizer, "Tess", "Trouble");
  const webinarKey = await sim.webinar(organizer, "Trouble webinar: when GoTo misbehaves", [
    { startTime: at(5), endTime: at(5, 1) },
  ]);

  const { context, page, problems } = await openAdmin(browser, app.url);
  const connectorUrl = await connectAndDiscover(page, app.url, organizer, "Trouble webinar: when GoTo misbehaves");
  const formId = await buildLiveForm(page, app.url, "Trouble registration");

  // GoTo answers 503 to every registrant call: the registration waits, with the reason and the next try.
  await control("PUT", "/faults", { errorRate: 1, paths: "registrants" });
  const visitor = await context.newPage();
  await visitor.goto(`${app.url}/f/${formId}`);
  await fillRegistration(visitor, LONG_EMAIL, "Marguerite", "Vandenbergh-Oosterhuis");
  await visitor.getByText(/thank/i).first().waitFor();
  await visitor.close();

  await page.goto(`${app.url}/admin/webinars`);
  await page.getByRole("link", { name: "Trouble webinar: when GoTo misbehaves" }).first().click();
  const webinarUrl = page.url();
  await reloadUntilText(page, /Rollcall tries again at/);
  const outbox = page.locator("section", { has: page.getByRole("heading", { name: "Outbox and errors" }) });
  await outbox.getByText(LONG_EMAIL).waitFor();
  const reason = (await outbox.locator(".error-text").first().textContent()) ?? "";
  assert.match(reason, /GoTo/, `the reason is a sentence about GoTo: ${reason}`);
  assert.doesNotMatch(reason, /\b(undefined|null|\[object)/, reason);
  await screenshot(page, "sync-trouble-01-retrying");
  await assertNoSidewaysScroll(page, "webinar page with a retrying registration");

  // GoTo recovers: the registration reaches GoTo and leaves the outbox.
  await control("PUT", "/faults", { errorRate: 0, paths: null });
  await poll("the registration in GoTo", async () => (await sim.registrantEmails(webinarKey)).includes(LONG_EMAIL));

  await page.goto(webinarUrl);
  await reloadUntilText(page, "Nothing waiting.");
  await screenshot(page, "sync-trouble-02-recovered");

  // Every GoTo call fails: the connector's discovery records a sentence, not a stack trace.
  await control("PUT", "/faults", { errorRate: 1, paths: null });
  await page.goto(connectorUrl);
  const discover = page.getByRole("button", { name: /Discover|Refresh webinars|Sync/ }).first();
  await discover.click();
  await reloadUntil(page, "the connector's error", async () => (await page.locator("dd .error-text").count()) > 0);
  const connectorError = (await page.locator("dd .error-text").first().textContent()) ?? "";
  assert.match(connectorError, /GoTo/, connectorError);
  assert.doesNotMatch(connectorError, /\b(undefined|null|\[object|at \w+ \()/, connectorError);
  await screenshot(page, "sync-trouble-03-connector-error");
  await assertNoSidewaysScroll(page, "connector page with an error");
  await control("PUT", "/faults", { errorRate: 0 });

  // The same pages on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(webinarUrl);
  await assertNoSidewaysScroll(page, "webinar page on a phone");
  await screenshot(page, "sync-trouble-04-webinar-phone");
  await page.goto(connectorUrl);
  await assertNoSidewaysScroll(page, "connector page on a phone");
  await screenshot(page, "sync-trouble-05-connector-phone");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});
