// A marketer builds the dynamic list "Attended Product tour for at least 20 minutes" with the
// criteria builder (live preview, groups and kinds added and removed), saves it, watches its
// members being found, and keeps a static list by hand. The data comes in as in production: the
// simulator holds the webinar and its attendance, a verified connector discovers it, Sync now
// ingests it. Screenshots at 1280 and 390 px wide.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, openAdmin, screenshot } from "./harness.ts";
import { connectAndDiscover, syncWebinar, waitForCounts } from "./steps.ts";

const suite = appAndBrowser();

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const SUBJECT = "Product tour";
const LONG_EMAIL = "alexandra.konstantinopoulou-vanderberghe.marketing-operations@very-long-company-name.example";
const LIST_NAME = "Attended the Product tour for at least twenty minutes (EMEA, Q4 nurture, follow-up track)";

test("build a dynamic list with the criteria builder; keep a static list by hand", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const organizer = "tours@acme.test";
  await sim.organizer(organizer, "Tess", "Tours");
  const key = await sim.webinar(organizer, SUBJECT, [{ startTime: at(-3), endTime: at(-2) }]);
  await sim.register(key, [
    ["ann@acme.test", "Ann", "Able"],
    ["bob@acme.test", "Bob", "Baker"],
    ["cat@acme.test", "Cat", "Cole"],
    [LONG_EMAIL, "Alexandra", "Konstantinopoulou-Vanderberghe"],
  ]);
  await sim.attend(key, "ann@acme.test", at(-3), at(-2.5));
  await sim.attend(key, "bob@acme.test", at(-3), at(-2.85));
  await sim.attend(key, LONG_EMAIL, at(-3), at(-2.4));

  const { context, page, problems, nav } = await openAdmin(browser, app.url, { allowedStatuses: [422] });
  page.on("dialog", (dialog) => dialog.accept());
  await connectAndDiscover(page, app.url, organizer, SUBJECT);
  await syncWebinar(page, SUBJECT);
  const attended = page.locator('[data-count="attended"]');
  await waitForCounts(page, { attended: "3" });
  assert.equal((await attended.textContent())?.trim(), "3");

  // Lists > Add dynamic list: the first condition is "Attended for at least 20 minutes" of a webinar.
  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByRole("link", { name: "Add dynamic list" }).click();
  await page.getByRole("heading", { name: "Add dynamic list" }).waitFor();
  await page.getByLabel("Name").fill(LIST_NAME);
  const tour = await page
    .locator('select[name="conditions.0.webinarId"] option', { hasText: SUBJECT })
    .getAttribute("value");
  await page.getByLabel("Webinar", { exact: true }).selectOption(tour ?? "");
  const preview = page.locator("#criteria-preview");
  await preview.getByText("2 prospects match now.").waitFor();
  await preview.getByText("ann@acme.test").waitFor();
  assert.equal(await preview.getByText("bob@acme.test").count(), 0, "10 minutes is not 20");

  // A group appears with its own all/any and condition; a changed kind shows its own settings.
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByRole("group", { name: /Group 2/ }).waitFor();
  await page.getByLabel("Kind").nth(1).selectOption("score");
  await page.getByLabel("Compare").waitFor();
  // Attended 20+ and a score of at least 50: nobody has both yet.
  await preview.getByText("0 prospects match now.").waitFor();
  await page.waitForTimeout(800);
  assert.equal(await preview.getByText("0 prospects match now.").count(), 1, "the preview stays on the new criteria");
  await screenshot(page, "lists-01-builder-with-group");
  await page.getByRole("button", { name: "Remove group" }).click();
  await page.getByRole("group", { name: /Group 2/ }).waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Add condition" }).click();
  await page.getByLabel("Kind").nth(1).selectOption("email_domain");
  await page.getByLabel("Domain").fill("acme.test");
  await preview.getByText("1 prospect matches now.").waitFor();
  await screenshot(page, "lists-02-builder-two-conditions");
  await page.getByRole("button", { name: "Remove condition 2" }).click();
  await preview.getByText("2 prospects match now.").waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "lists-03-builder-on-phone");
  await page.setViewportSize({ width: 1280, height: 900 });

  // A mistake comes back beside its field, with everything else kept.
  await page.getByLabel("Minutes").fill("0");
  await page.getByRole("button", { name: "Save list" }).click();
  await page.getByText("Enter at least 1 minute.").waitFor();
  assert.equal(await page.getByLabel("Name").inputValue(), LIST_NAME);
  await screenshot(page, "lists-04a-builder-error");
  await page.getByLabel("Minutes").fill("20");
  await page.getByRole("button", { name: "Save list" }).click();
  await page.getByRole("heading", { name: `List: ${LIST_NAME}` }).waitFor();
  await page.getByText("Attended “Product tour” for at least 20 minutes").waitFor();
  // The recompute runs in the job runner; the polled progress brings the members when it is done.
  const members = page.locator("#list-members");
  await members.getByRole("link", { name: "ann@acme.test" }).waitFor({ timeout: 30_000 });
  await members.getByRole("link", { name: LONG_EMAIL }).waitFor();
  assert.equal(await members.getByRole("link", { name: "bob@acme.test" }).count(), 0);
  await page.getByText(/Members found/).waitFor();
  await screenshot(page, "lists-04-dynamic-list");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "lists-05-dynamic-list-on-phone");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the list page scrolls sideways on a phone by ${overflow}px`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // A static list, kept by hand.
  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByLabel("Name").fill("VIP follow-up");
  await page.getByRole("button", { name: "Add list" }).click();
  await page.getByRole("link", { name: "VIP follow-up" }).click();
  await page.getByLabel("Prospect's email or id").fill("nobody@acme.test");
  await page.getByRole("button", { name: "Add to list" }).click();
  await page.getByText("No prospect has this email or id").waitFor();
  await page.getByLabel("Prospect's email or id").fill("BOB@acme.test");
  await page.getByRole("button", { name: "Add to list" }).click();
  await page.getByText("bob@acme.test is in the list.").waitFor();
  await page.locator("#list-members").getByRole("link", { name: "bob@acme.test" }).waitFor();
  await screenshot(page, "lists-06-static-list");
  await page.getByRole("button", { name: "Remove" }).click();
  await page.getByText("bob@acme.test is no longer in the list.").waitFor();
  await page.getByText("No members yet").waitFor();

  await nav.getByRole("link", { name: "Lists" }).click();
  await screenshot(page, "lists-07-all-lists");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "lists-08-all-lists-on-phone");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});
