// A marketer builds a form with Register for webinar and embeds it on a customer's page served
// from a second local origin; a visitor registers there, with JavaScript and without; a form
// handler takes a post from the customer's own HTML form.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, logIn, type RunningApp, screenshot, simControl, startApp, watchConsole } from "./harness.ts";

let app: RunningApp;
let browser: Browser | null;
let site: Server;
let siteUrl = "";
let sitePage = "";

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();

before(async () => {
  browser = await launchBrowser();
  app = await startApp();
  // The customer's site: another origin (another port), serving whatever page a test sets.
  site = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(req.url?.startsWith("/thanks") ? "<h1>Thanks from the customer site</h1>" : sitePage);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

after(async () => {
  await browser?.close();
  await app?.stop();
  site?.close();
});

function control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return simControl(app.url, method, path, body);
}

async function registrantEmails(webinarKey: string): Promise<string[]> {
  const state = (await control("GET", `/state?webinarKey=${webinarKey}`)) as { registrants?: { email: string }[] };
  return (state.registrants ?? []).map((r) => r.email);
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

let webinarKey = "";
let formId = "";

async function connectAndBuild(page: Page): Promise<void> {
  const organizer = "forms@acme.test";
  await control("POST", "/organizers", { email: organizer, firstName: "Fran", lastName: "Forms" });
  const w = await control("POST", "/webinars", {
    organizerEmail: organizer,
    subject: "Forms webinar: live demo",
    times: [{ startTime: at(9), endTime: at(9, 1) }],
  });
  webinarKey = String(w.webinarKey);
  await logIn(page, app.url);
  await page.goto(`${app.url}/admin/connectors/new/gotowebinar`);
  await page.getByLabel("Organizer email").fill(organizer);
  await page.getByRole("button", { name: "Save connector" }).click();
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByLabel("Organizer").selectOption(organizer);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByText("Verified with GoTo.").waitFor();
  for (let i = 0; i < 40 && (await page.getByText("Forms webinar: live demo").count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }

  await page.goto(`${app.url}/admin/forms`);
  await page.getByRole("link", { name: "New form" }).click();
  await page.getByLabel("Form name").fill("Live demo registration");
  // The new form starts with email, first and last name, required; add a company field.
  await page.getByLabel("Field 4 field").selectOption("company");
  await page.getByLabel("Field 4 label").fill("Company");
  await page.getByLabel("Register for webinar").selectOption({ index: 1 });
  await page.getByLabel("Button colour").fill("#c0392b");
  await page.locator("#form-preview").getByText("Company").waitFor();
  await screenshot(page, "forms-01-builder");
  await page.getByLabel("Live").check();
  await page.getByRole("button", { name: "Save form" }).click();
  await page.getByText("Form saved.").waitFor();
  formId = /\/admin\/forms\/(frm_[\w-]+)/.exec(page.url())?.[1] ?? "";
  assert.ok(formId, "form id in the URL");
  await screenshot(page, "forms-02-saved");
}

test("a visitor registers through the embedded form on a customer's site", async (t) => {
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchConsole(page, [422]);
  await connectAndBuild(page);
  const snippet = await page.locator("#embed-snippet").inputValue();
  assert.match(snippet, /<script src="http:\/\/localhost:\d+\/f\/frm_[\w-]+\/embed\.js"><\/script>/);

  sitePage = `<!doctype html><html><head><title>Customer site</title></head><body><h1>Join our webinar</h1>${snippet}<p id="after">Footer</p></body></html>`;
  const visitor = await context.newPage();
  const visitorProblems = watchConsole(visitor, [422]);
  await visitor.goto(`${siteUrl}/landing?utm_source=partner&utm_campaign=launch`);
  const frame = visitor.frameLocator("iframe[data-rollcall-form]");
  await frame.getByLabel("Email").waitFor();
  // The iframe fits its content: the embed script set its height from the frame's message.
  const height = async () =>
    visitor
      .locator("iframe[data-rollcall-form]")
      .evaluate((el) => (el as HTMLIFrameElement).getBoundingClientRect().height);
  await waitFor("iframe resized", async () => (await height()) !== 480);
  const initial = await height();

  await frame.getByRole("button", { name: "Register" }).click();
  await frame.getByText("Enter your email").waitFor();
  await waitFor("iframe grew with the errors", async () => (await height()) > initial);
  await screenshot(visitor, "forms-03-embedded-errors");

  await frame.getByLabel("Email").fill("grace@visitor.example");
  await frame.getByLabel("First name").fill("Grace");
  await frame.getByLabel("Last name").fill("Hopper");
  await frame.getByLabel("Company").fill("Navy");
  await frame.getByRole("button", { name: "Register" }).click();
  await frame.getByText("Thank you").waitFor();
  await screenshot(visitor, "forms-04-embedded-thanks");

  await waitFor("registrant in the simulator", async () =>
    (await registrantEmails(webinarKey)).includes("grace@visitor.example"),
  );

  // The prospect's timeline (the prospects area of the sync issue) shows the registration.
  await page.goto(`${app.url}/admin/forms/${formId}/submissions`);
  await page.getByText("grace@visitor.example").waitFor();
  await page.getByText("source=partner, campaign=launch").waitFor();
  await page.getByRole("link", { name: "grace@visitor.example" }).click();
  await page.getByText("Forms webinar: live demo").first().waitFor();
  await page.getByText("Registered").first().waitFor();
  await screenshot(page, "forms-05-prospect-timeline");

  assert.deepEqual([...problems, ...visitorProblems], [], "no console errors or CSP violations");
  await context.close();
});

test("the hosted form works with JavaScript disabled", async (t) => {
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  assert.ok(formId, "the first test built the form");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${app.url}/f/${formId}`);
  await page.getByLabel("Email").fill("not an email");
  await page.getByRole("button", { name: "Register" }).click();
  await page.getByText("Email: enter a valid email address").waitFor();
  await page.getByText("Enter your first name.").waitFor();
  await screenshot(page, "forms-06-nojs-errors");
  await page.getByLabel("Email").fill("nojs@visitor.example");
  await page.getByLabel("First name").fill("No");
  await page.getByLabel("Last name").fill("Script");
  await page.getByRole("button", { name: "Register" }).click();
  await page.getByText("Thank you").waitFor();
  await waitFor("no-JS registrant in the simulator", async () =>
    (await registrantEmails(webinarKey)).includes("nojs@visitor.example"),
  );
  await context.close();
});

test("a form handler takes a post from the customer's own HTML form on another origin", async (t) => {
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, app.url);
  await page.goto(`${app.url}/admin/form-handlers/new`);
  await page.getByLabel("Name").fill("Customer HTML form");
  await page.getByLabel("Field mapping").fill("work_email = email\nfname = firstName\nlname = lastName");
  await page.getByLabel("Success URL").fill(`${siteUrl}/thanks`);
  await page.getByLabel("Error URL").fill(`${siteUrl}/oops`);
  await page.getByLabel("Allowed origins").fill(siteUrl);
  await page.getByLabel("Register for webinar").selectOption({ index: 1 });
  await page.getByRole("button", { name: "Save form handler" }).click();
  await page.getByText("Form handler saved.").waitFor();
  const action = (await page.locator("#handler-url").textContent()) ?? "";
  sitePage = `<!doctype html><html><body><form method="post" action="${action}">
    <label for="e">Work email</label><input id="e" name="work_email">
    <label for="f">First</label><input id="f" name="fname">
    <label for="l">Last</label><input id="l" name="lname">
    <button type="submit">Sign up</button></form></body></html>`;
  const visitor = await context.newPage();
  await visitor.goto(`${siteUrl}/signup`);
  await visitor.getByLabel("Work email").fill("handler@visitor.example");
  await visitor.getByLabel("First").fill("Hand");
  await visitor.getByLabel("Last").fill("Ler");
  await visitor.getByRole("button", { name: "Sign up" }).click();
  await visitor.getByText("Thanks from the customer site").waitFor();
  assert.ok(visitor.url().startsWith(`${siteUrl}/thanks`));
  await waitFor("handler registrant in the simulator", async () =>
    (await registrantEmails(webinarKey)).includes("handler@visitor.example"),
  );
  await context.close();
});
