// The simulator console by hand: create an organizer and a webinar, add a registrant, record
// attendance, and see them in the state view; the live API log updates as calls arrive.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { appAndBrowser, screenshot, watchConsole } from "./harness.ts";

const suite = appAndBrowser();

test("create an organizer and a webinar, add a registrant, record attendance, see the state", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page: Page = await context.newPage();
  const problems = watchConsole(page, [409, 422]);

  await page.goto(`${app.url}/sim`);
  await page.getByRole("heading", { name: "GoToWebinar simulator", level: 1 }).waitFor();
  await page.getByText("No organizers yet.").waitFor();
  await screenshot(page, "simulator-01-empty");

  await page.getByLabel("Organizer email").fill("olga@example.com");
  await page.getByLabel("First name", { exact: true }).fill("Olga");
  await page.getByLabel("Last name", { exact: true }).fill("Organizer");
  await page.getByRole("button", { name: "Add organizer" }).click();
  await page.getByText("Added organizer olga@example.com.").waitFor();
  await screenshot(page, "simulator-02-organizer");

  // A webinar that started two hours ago, so attendance can be recorded in its session.
  const start = new Date(Date.now() - 2 * 3600_000);
  start.setUTCMinutes(0, 0, 0);
  await page.getByLabel("Subject").fill("Spring product tour");
  await page.getByLabel("Starts (UTC)").fill(start.toISOString().slice(0, 16));
  await page.getByLabel("Duration (minutes)").fill("90");
  await page.getByRole("button", { name: "Create webinar" }).click();
  await page.getByText("Created webinar “Spring product tour”.").waitFor();
  await screenshot(page, "simulator-03-webinar");

  await page.getByLabel("Registrant email").fill("ada@example.com");
  await page.getByLabel("Registrant first name").fill("Ada");
  await page.getByLabel("Registrant last name").fill("Lovelace");
  await page.getByRole("button", { name: "Add registrant" }).click();
  await page.getByText("Registered ada@example.com (APPROVED).").waitFor();

  await page.getByLabel("Registrant email").fill("ada@example.com");
  await page.getByLabel("Registrant first name").fill("Ada");
  await page.getByLabel("Registrant last name").fill("Lovelace");
  await page.getByRole("button", { name: "Add registrant" }).click();
  await page.getByText("The user is already registered.").waitFor();
  await screenshot(page, "simulator-04-duplicate-refused");

  await page.getByLabel("Attendee email").fill("ada@example.com");
  const join = new Date(start.getTime() + 5 * 60_000).toISOString().slice(0, 16);
  const leave = new Date(start.getTime() + 50 * 60_000).toISOString().slice(0, 16);
  await page.getByLabel("Joined (UTC)").fill(join);
  await page.getByLabel("Left (UTC)").fill(leave);
  await page.getByRole("button", { name: "Record attendance" }).click();
  await page.getByText("Recorded attendance of ada@example.com.").waitFor();

  const registrants = page.getByRole("table", { name: "Registrants" });
  const row = registrants.getByRole("row", { name: /ada@example\.com/ });
  await row.getByText("APPROVED").waitFor();
  await row.getByText("45 min").waitFor();
  const sessions = page.getByRole("table", { name: "Sessions" });
  assert.equal(await sessions.getByRole("row").count(), 2, "one header row and one session");
  await screenshot(page, "simulator-05-state");

  // The same state through the control API.
  const state = (await (await fetch(`${app.url}/sim/control/state`)).json()) as {
    webinars: { webinarKey: string; subject: string }[];
  };
  assert.equal(state.webinars[0]?.subject, "Spring product tour");
  const detail = (await (
    await fetch(`${app.url}/sim/control/state?webinarKey=${state.webinars[0]?.webinarKey}`)
  ).json()) as {
    registrants: { email: string }[];
    sessions: { attendees: { email: string }[] }[];
  };
  assert.deepEqual(
    detail.registrants.map((r) => r.email),
    ["ada@example.com"],
  );
  assert.deepEqual(
    detail.sessions[0]?.attendees.map((a) => a.email),
    ["ada@example.com"],
  );

  // An API call appears in the live log without reloading the page.
  await fetch(`${app.url}/sim/admin/rest/v1/me`);
  await page.getByRole("table", { name: "API calls" }).getByText("GET /admin/rest/v1/me").waitFor({ timeout: 10_000 });
  await screenshot(page, "simulator-06-api-log");

  assert.deepEqual(
    problems.filter((p) => !/status of 403/.test(p)),
    [],
  );
  await context.close();
});
