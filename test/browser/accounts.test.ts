// The marketer's first minutes: log in, see the dashboard, create and revoke an API key, log out.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { ADMIN, appAndBrowser, logIn, screenshot, watchConsole } from "./harness.ts";

const suite = appAndBrowser();

test("log in, see the dashboard, create and revoke an API key, log out", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page: Page = await context.newPage();
  const problems = watchConsole(page, [401, 422]);
  page.on("dialog", (dialog) => dialog.accept());

  await page.goto(`${app.url}/admin/settings/api-keys`);
  assert.match(page.url(), /\/login\?next=/, "an admin page without a session goes to the login page");
  await screenshot(page, "accounts-01-login");

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText("That email and password do not match an active account.").waitFor();
  await screenshot(page, "accounts-02-wrong-password");

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/admin/);
  assert.match(page.url(), /\/admin\/settings\/api-keys$/, "after login the user lands where they were going");
  await page.goto(`${app.url}/admin`);
  await page.getByRole("heading", { name: "Welcome, Administrator" }).waitFor();
  await screenshot(page, "accounts-03-dashboard");

  await page.getByRole("link", { name: "Settings" }).click();
  await page
    .getByRole("link", { name: /API keys/ })
    .first()
    .click();
  await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
  await page.getByText("No API keys yet").waitFor();
  await screenshot(page, "accounts-04-api-keys-empty");

  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByText("Enter a name for the key.").waitFor();
  await screenshot(page, "accounts-05-api-key-name-missing");

  await page.getByLabel("Name").fill("Looker nightly export");
  await page.getByRole("button", { name: "Create API key" }).click();
  const keyField = page.getByLabel("New API key");
  await keyField.waitFor();
  const key = await keyField.inputValue();
  assert.match(key, /^rc_live_[A-Za-z0-9_-]{43}$/);
  await screenshot(page, "accounts-06-api-key-created");

  const ok = await fetch(`${app.url}/api/v1/key`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(ok.status, 200, "the new key works on the API");
  assert.equal(((await ok.json()) as { name: string }).name, "Looker nightly export");

  await page.reload();
  assert.equal(await page.getByLabel("New API key").count(), 0, "the key is shown once only");
  const row = page.getByRole("row", { name: /Looker nightly export/ });
  await row.getByText("Active").waitFor();
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByText(/Revoked “Looker nightly export”/).waitFor();
  await row.getByText("Revoked").waitFor();
  await screenshot(page, "accounts-07-api-key-revoked");

  const refused = await fetch(`${app.url}/api/v1/key`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(refused.status, 401, "a revoked key is refused");

  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByText("You have logged out.").waitFor();
  await screenshot(page, "accounts-08-logged-out");
  await page.goto(`${app.url}/admin`);
  assert.match(page.url(), /\/login/, "after logout the dashboard needs a login again");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});

test("the admin pages work on a phone", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, app.url);
  await page.goto(`${app.url}/admin/settings/users`);
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page fits the phone's width (overflow ${overflow}px)`);
  await screenshot(page, "accounts-09-users-on-phone");
  assert.deepEqual(problems, []);
  await context.close();
});

test("Your sessions lists both logins, ends the other one, and fits a phone", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const desk = await laptop.newPage();
  const mobile = await phone.newPage();
  const problems = [...watchConsole(desk), ...watchConsole(mobile)];
  desk.on("dialog", (dialog) => dialog.accept());
  await logIn(desk, app.url);
  await logIn(mobile, app.url);

  await desk.goto(`${app.url}/admin/settings/sessions`);
  await desk.getByRole("heading", { name: "Your sessions", level: 1 }).waitFor();
  assert.ok((await desk.locator("tbody tr").count()) >= 2, "both logins are listed");
  await desk.getByText("This session").waitFor();
  await screenshot(desk, "accounts-10-sessions");

  await mobile.goto(`${app.url}/admin/settings/sessions`);
  await mobile.getByRole("heading", { name: "Your sessions", level: 1 }).waitFor();
  const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the sessions page fits the phone's width (overflow ${overflow}px)`);
  await screenshot(mobile, "accounts-11-sessions-on-phone");

  await desk.getByRole("button", { name: "Log out other sessions" }).click();
  await desk.getByRole("button", { name: "Log out other sessions" }).waitFor({ state: "detached" });
  await mobile.goto(`${app.url}/admin/settings/sessions`);
  assert.match(mobile.url(), /\/login/, "the phone's session was ended from the laptop");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await laptop.close();
  await phone.close();
});
