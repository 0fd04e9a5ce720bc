// A marketer connects a GoToWebinar organizer: Add Connector, Verify on the simulator's consent
// page, the green check, and the webinars discovery found (past and upcoming).
import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, openAdmin, reloadUntil, screenshot } from "./harness.ts";

const suite = appAndBrowser();

const DAY = 24 * 60 * 60 * 1000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3600_000).toISOString();
const TOUR = "Product tour: spring release";

test("add a GoToWebinar connector, verify it, see the green check and the discovered webinars", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const organizer = "webinars@acme.test";
  await sim.organizer(organizer, "Wendy", "Webinar");
  await sim.webinar(organizer, TOUR, [{ startTime: at(12), endTime: at(12, 1) }], "Europe/Berlin");
  await sim.webinar(
    organizer,
    "Customer roundtable (3 sessions)",
    [0, 7, 14].map((d) => ({ startTime: at(20 + d), endTime: at(20 + d, 1) })),
  );
  await sim.webinar(organizer, "Onboarding basics (last month)", [{ startTime: at(-30), endTime: at(-30, 1) }]);

  const { context, page, problems, nav } = await openAdmin(browser, app.url);

  await nav.getByRole("link", { name: "Connectors" }).click();
  await page.getByText("No connectors yet").waitFor();
  await screenshot(page, "connectors-01-empty");

  await page.getByRole("link", { name: "Add Connector" }).first().click();
  await page.getByRole("link", { name: /GoToWebinar/ }).click();
  await page.getByLabel("Organizer email").fill(organizer);
  assert.equal(await page.getByLabel("Campaign for created prospects").inputValue(), "GoToWebinar Sync");
  assert.equal(await page.getByLabel(/Create prospects if they don't exist/).isChecked(), true);
  await screenshot(page, "connectors-02-add-form");
  await page.getByRole("button", { name: "Save connector" }).click();
  await page.getByText("Connector added. Verify it to start syncing.").waitFor();
  await page.getByText("Unverified").first().waitFor();
  await screenshot(page, "connectors-03-unverified");

  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("heading", { name: /Allow Rollcall to use your GoToWebinar account/ }).waitFor();
  await page.getByLabel("Organizer").selectOption(organizer);
  await screenshot(page, "connectors-04-consent");
  await page.getByRole("button", { name: "Allow" }).click();

  await page.getByText("Verified with GoTo.").waitFor();
  await page.getByTitle("Verified with GoTo").waitFor();
  await screenshot(page, "connectors-05-verified");

  // Discovery runs in the gateway's alarm; the page shows its webinars once it has run.
  await reloadUntil(page, "the discovered webinars", async () => (await page.getByText(TOUR).count()) > 0, 40);
  await page.getByText(TOUR).waitFor();
  await page.getByText("Customer roundtable (3 sessions)").waitFor();
  await page.getByText("Onboarding basics (last month)").waitFor();
  await page.getByText("2 upcoming, 1 past, 0 cancelled").waitFor();
  await screenshot(page, "connectors-06-webinars");

  await nav.getByRole("link", { name: "Connectors" }).click();
  const row = page.getByRole("row", { name: new RegExp(organizer) });
  await row.getByTitle("Verified with GoTo").waitFor();
  await screenshot(page, "connectors-07-list");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});
