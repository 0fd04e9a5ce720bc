// A marketer builds a form with Register for webinar and embeds it on a customer's page served
// from a second local origin; a visitor registers there, with JavaScript and without; a form
// handler takes a post from the customer's own HTML form.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { appAndBrowser, customerSite, logIn, poll, screenshot, watchConsole } from "./harness.ts";
import { connectAndDiscover } from "./steps.ts";

const suite = appAndBrowser();
const site = customerSite();

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();

const registrantEmails = (webinarKey: string) => suite.sim.registrantEmails(webinarKey);

let webinarKey = "";
let formId = "";

async function connectAndBuild(page: Page): Promise<void> {
  const { app, sim } = suite;
  const organizer = "forms@acme.test";
  await sim.organizer(organizer, "Fran", "Forms");
  webinarKey = await sim.webinar(organizer, "Forms webinar: live demo", [{ startTime: at(9), endTime: at(9, 1) }]);
  await logIn(page, app.url);
  await connectAndDiscover(page, app.url, organizer, "Forms webinar: live demo");

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
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchConsole(page, [422]);
  await connectAndBuild(page);
  const snippet = await page.locator("#embed-snippet").inputValue();
  assert.match(snippet, /<script src="http:\/\/localhost:\d+\/f\/frm_[\w-]+\/embed\.js"><\/script>/);

  site.page = `<!doctype html><html><head><title>Customer site</title></head><body><h1>Join our webinar</h1>${snippet}<p id="after">Footer</p></body></html>`;
  const visitor = await context.newPage();
  const visitorProblems = watchConsole(visitor, [422]);
  await visitor.goto(`${site.url}/landing?utm_source=partner&utm_campaign=launch`);
  const frame = visitor.frameLocator("iframe[data-rollcall-form]");
  await frame.getByLabel("Email").waitFor();
  // The iframe fits its content: the embed script set its height from the frame's message.
  const height = async () =>
    visitor
      .locator("iframe[data-rollcall-form]")
      .evaluate((el) => (el as HTMLIFrameElement).getBoundingClientRect().height);
  await poll("iframe resized", async () => (await height()) !== 480);
  const initial = await height();

  await frame.getByRole("button", { name: "Register" }).click();
  await frame.getByText("Enter your email").waitFor();
  await poll("iframe grew with the errors", async () => (await height()) > initial);
  await screenshot(visitor, "forms-03-embedded-errors");

  await frame.getByLabel("Email").fill("grace@visitor.example");
  await frame.getByLabel("First name").fill("Grace");
  await frame.getByLabel("Last name").fill("Hopper");
  await frame.getByLabel("Company").fill("Navy");
  await frame.getByRole("button", { name: "Register" }).click();
  await frame.getByText("Thank you").waitFor();
  await screenshot(visitor, "forms-04-embedded-thanks");

  await poll("registrant in the simulator", async () =>
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
  const { app, browser } = suite;
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
  await poll("no-JS registrant in the simulator", async () =>
    (await registrantEmails(webinarKey)).includes("nojs@visitor.example"),
  );
  await context.close();
});

test("a form handler takes a post from the customer's own HTML form on another origin", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, app.url);
  await page.goto(`${app.url}/admin/form-handlers/new`);
  await page.getByLabel("Name").fill("Customer HTML form");
  await page.getByLabel("Field mapping").fill("work_email = email\nfname = firstName\nlname = lastName");
  await page.getByLabel("Success URL").fill(`${site.url}/thanks`);
  await page.getByLabel("Error URL").fill(`${site.url}/oops`);
  await page.getByLabel("Allowed origins").fill(site.url);
  await page.getByLabel("Register for webinar").selectOption({ index: 1 });
  await page.getByRole("button", { name: "Save form handler" }).click();
  await page.getByText("Form handler saved.").waitFor();
  const action = (await page.locator("#handler-url").textContent()) ?? "";
  site.page = `<!doctype html><html><body><form method="post" action="${action}">
    <label for="e">Work email</label><input id="e" name="work_email">
    <label for="f">First</label><input id="f" name="fname">
    <label for="l">Last</label><input id="l" name="lname">
    <button type="submit">Sign up</button></form></body></html>`;
  const visitor = await context.newPage();
  await visitor.goto(`${site.url}/signup`);
  await visitor.getByLabel("Work email").fill("handler@visitor.example");
  await visitor.getByLabel("First").fill("Hand");
  await visitor.getByLabel("Last").fill("Ler");
  await visitor.getByRole("button", { name: "Sign up" }).click();
  await visitor.getByText("Thanks from the customer site").waitFor();
  assert.ok(visitor.url().startsWith(`${site.url}/thanks`));
  await poll("handler registrant in the simulator", async () =>
    (await registrantEmails(webinarKey)).includes("handler@visitor.example"),
  );
  await context.close();
});
