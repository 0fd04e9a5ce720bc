// What a marketer sees when GoTo misbehaves: a registration GoTo keeps failing shows why and when
// Rollcall tries again and leaves the outbox once GoTo recovers, and the connector page says in a
// sentence what went wrong. At 1280 and 390 px, long values wrap instead of widening the page.
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

function control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return simControl(app.url, method, path, body);
}

async function reloadUntil(page: Page, text: string | RegExp, tries = 60): Promise<void> {
  for (let i = 0; i < tries && (await page.getByText(text).count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await page.getByText(text).first().waitFor();
}

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();
const LONG_EMAIL = "marguerite.vandenbergh-oosterhuis.registration-desk@subsidiary.example-conglomerate.test";

test("GoTo failing registrations and a connector error: each explained, on a desk and a phone", async (t) => {
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const organizer = "trouble@acme.test";
  await control("POST", "/organizers", { email: organizer, firstName: "Tess", lastName: "Trouble" });
  const w = await control("POST", "/webinars", {
    organizerEmail: organizer,
    subject: "Trouble webinar: when GoTo misbehaves",
    times: [{ startTime: at(5), endTime: at(5, 1) }],
  });
  const webinarKey = String(w.webinarKey);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, app.url);
  await page.goto(`${app.url}/admin/connectors/new/gotowebinar`);
  await page.getByLabel("Organizer email").fill(organizer);
  await page.getByRole("button", { name: "Save connector" }).click();
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByLabel("Organizer").selectOption(organizer);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByText("Verified with GoTo.").waitFor();
  const connectorUrl = page.url().split("?")[0] ?? "";
  await reloadUntil(page, "Trouble webinar: when GoTo misbehaves");

  await page.goto(`${app.url}/admin/forms`);
  await page.getByRole("link", { name: "New form" }).click();
  await page.getByLabel("Form name").fill("Trouble registration");
  await page.getByLabel("Register for webinar").selectOption({ index: 1 });
  await page.getByLabel("Live").check();
  await page.getByRole("button", { name: "Save form" }).click();
  await page.getByText("Form saved.").waitFor();
  const formId = /\/admin\/forms\/(frm_[\w-]+)/.exec(page.url())?.[1] ?? "";
  assert.ok(formId, "form id in the URL");

  // GoTo answers 503 to every registrant call: the registration waits, with the reason and the next try.
  await control("PUT", "/faults", { errorRate: 1, paths: "registrants" });
  const visitor = await context.newPage();
  await visitor.goto(`${app.url}/f/${formId}`);
  await visitor.getByLabel("Email").fill(LONG_EMAIL);
  await visitor.getByLabel("First name").fill("Marguerite");
  await visitor.getByLabel("Last name").fill("Vandenbergh-Oosterhuis");
  await visitor.getByRole("button", { name: "Register" }).click();
  await visitor.getByText(/thank/i).first().waitFor();
  await visitor.close();

  await page.goto(`${app.url}/admin/webinars`);
  await page.getByRole("link", { name: "Trouble webinar: when GoTo misbehaves" }).first().click();
  const webinarUrl = page.url();
  await reloadUntil(page, /Rollcall tries again at/);
  const outbox = page.locator("section", { has: page.getByRole("heading", { name: "Outbox and errors" }) });
  await outbox.getByText(LONG_EMAIL).waitFor();
  const reason = (await outbox.locator(".error-text").first().textContent()) ?? "";
  assert.match(reason, /GoTo/, `the reason is a sentence about GoTo: ${reason}`);
  assert.doesNotMatch(reason, /\b(undefined|null|\[object)/, reason);
  await screenshot(page, "sync-trouble-01-retrying");
  await assertNoSidewaysScroll(page, "webinar page with a retrying registration");

  // GoTo recovers: the registration reaches GoTo and leaves the outbox.
  await control("PUT", "/faults", { errorRate: 0, paths: null });
  for (let i = 0; i < 60; i++) {
    const state = (await control("GET", `/state?webinarKey=${webinarKey}`)) as { registrants: { email: string }[] };
    if (state.registrants.some((r) => r.email === LONG_EMAIL)) break;
    await page.waitForTimeout(500);
  }

  await page.goto(webinarUrl);
  await reloadUntil(page, "Nothing waiting.");
  await screenshot(page, "sync-trouble-02-recovered");

  // Every GoTo call fails: the connector's discovery records a sentence, not a stack trace.
  await control("PUT", "/faults", { errorRate: 1, paths: null });
  await page.goto(connectorUrl);
  const discover = page.getByRole("button", { name: /Discover|Refresh webinars|Sync/ }).first();
  await discover.click();
  for (let i = 0; i < 60 && (await page.locator("dd .error-text").count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
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
