// A marketer builds the rule "Absent from <webinar> → add the tag no-show, add to the list
// Recording follow-up, adjust the score by −5" in Automation > Add rule (criteria builder, actions,
// live preview), the webinar ends, attendance is recorded in the simulator and synced: the
// absentees have the tag, the list and the score change, the rule's page and the prospect's page
// say so, and a second Sync now changes nothing. The rule is edited (what it did stays), and its
// list can be deleted only once the rule is gone. Pages checked at 1280 and 390 px.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, assertNoSidewaysScroll, openAdmin, reloadUntil, screenshot } from "./harness.ts";
import { connectAndDiscover, syncWebinar, waitForCounts } from "./steps.ts";

const suite = appAndBrowser();

const MINUTE = 60_000;
const ORGANIZER = ["tours@acme.test", "Tia", "Tours"] as const;
const SUBJECT = "Product tour";
const RULE = "No-shows of the product tour get the recording and a nudge down the score";
const LONG_EMAIL = "dana.a-very-long-address-that-must-wrap-on-a-phone-screen@subsidiary.example-company.test";

test("build an absent rule, let the webinar end, sync: absentees tagged, listed, scored once", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  // The webinar ends while the marketer builds the rule.
  const { key, start, end } = await sim.webinarEndingSoon(ORGANIZER, SUBJECT, [
    ["ann@acme.test", "Ann", "Able"],
    ["cat@acme.test", "Cat", "Cole"],
    [LONG_EMAIL, "Dana", "Longname-Withaverylonglastnamethatwraps"],
  ]);

  const { context, page, problems, nav } = await openAdmin(browser, app.url, { allowedStatuses: [409, 422] });
  await connectAndDiscover(page, app.url, ORGANIZER[0], SUBJECT);

  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByLabel("Name").fill("Recording follow-up");
  await page.getByRole("button", { name: "Add list" }).click();
  await page.getByText("Recording follow-up").first().waitFor();

  await nav.getByRole("link", { name: "Automation" }).click();
  await page.getByText("No automation rules yet").waitFor();
  await screenshot(page, "rules-01-empty");
  await page.getByRole("link", { name: "Add rule" }).click();
  await page.getByRole("heading", { name: "Add rule" }).waitFor();
  await page.getByLabel("Name").fill(RULE);

  // The criteria builder: the kind changes the condition's fields (htmx), then its settings.
  const condition = page.locator("fieldset.condition", { hasText: "Condition 1" });
  await condition.getByLabel("Kind").selectOption("webinar_status");
  await condition.getByLabel("Status").waitFor();
  await condition.getByLabel("Status").selectOption("absent");
  // "This webinar" is the default of Which webinars.
  assert.equal(await condition.getByLabel("Which webinars").inputValue(), "webinar");
  const webinarSelect = condition.getByLabel("Webinar", { exact: true });
  const webinarId = await webinarSelect.locator("option", { hasText: SUBJECT }).getAttribute("value");
  await webinarSelect.selectOption(webinarId ?? "");
  await page.getByText(/Would match 0 prospects now/).waitFor();

  // The actions: the first is Add tag; each new one is chosen, and its fields follow (htmx).
  const action = (n: number) => page.locator("#rule-actions fieldset.condition", { hasText: `Action ${n}` });
  await action(1).getByLabel("Tag").fill("no-show");
  await page.getByRole("button", { name: "Add action" }).click();
  await action(2).getByLabel("Do").selectOption("add_to_list");
  await action(2).getByLabel("List").selectOption({ label: "Recording follow-up" });
  await page.getByRole("button", { name: "Add action" }).click();
  await action(3).getByLabel("Do").selectOption("adjust_score");
  await action(3).getByLabel("Points (+ or −)").fill("-5");
  // What was typed before the last change is still there.
  assert.equal(await action(1).getByLabel("Tag").inputValue(), "no-show");
  await page.getByLabel("Only from now on").check();
  await screenshot(page, "rules-02-add-rule");

  // A mistake first: the form comes back with the message beside the field, and keeps the rest.
  await action(3).getByLabel("Points (+ or −)").fill("-5000");
  await page.getByRole("button", { name: "Save rule" }).click();
  await page.getByText("Enter the points as a whole number from -1000 to 1000").first().waitFor();
  assert.equal(await action(1).getByLabel("Tag").inputValue(), "no-show");
  await action(3).getByLabel("Points (+ or −)").fill("-5");
  await page.getByRole("button", { name: "Save rule" }).click();
  await page.getByRole("heading", { name: `Rule: ${RULE}` }).waitFor();
  await page.getByText("Absent from “Product tour”").waitFor();
  await page.getByText("Adjust the score by −5").waitFor();
  await screenshot(page, "rules-03-rule-page");
  const rulePage = page.url();

  // The webinar ends; Ann attended. Sync now reads the attendance.
  await sim.attend(key, "ann@acme.test", start + MINUTE, start + 40 * MINUTE);
  await page.waitForTimeout(Math.max(0, end + 2_000 - Date.now()));
  await syncWebinar(page, SUBJECT);
  const absent = page.locator('[data-count="absent"]');
  await waitForCounts(page, { absent: "2" });
  assert.equal((await absent.textContent())?.trim(), "2");

  await page.goto(rulePage);
  const rows = page.locator("table.responsive tbody tr");
  await reloadUntil(page, "the rule's six actions", async () => (await rows.count()) >= 6, 40);
  assert.equal(await rows.count(), 6, "three actions on each of the two absentees");
  assert.equal(await page.locator("tbody", { hasText: "ann@acme.test" }).count(), 0);
  await page.getByRole("cell", { name: "Added the tag “no-show”" }).first().waitFor();
  await screenshot(page, "rules-04-actions-taken");

  // A second Sync now: nothing more.
  await syncWebinar(page, SUBJECT);
  await page.waitForTimeout(3_000);
  await page.goto(rulePage);
  assert.equal(await rows.count(), 6);

  await page.getByRole("link", { name: "cat@acme.test" }).first().click();
  const timeline = page.locator("ol.timeline");
  await timeline.getByText(RULE).waitFor();
  await timeline
    .getByText("Added the tag “no-show”; Added to the list “Recording follow-up”; Adjusted the score by −5")
    .waitFor();
  await timeline.getByText("−5 points").or(timeline.getByText("-5 points")).first().waitFor();
  await screenshot(page, "rules-05-prospect-timeline");

  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByRole("link", { name: "Recording follow-up" }).click();
  await page.getByRole("link", { name: "cat@acme.test" }).waitFor();
  await page.getByRole("link", { name: LONG_EMAIL }).waitFor();

  // On a phone: the rule list, the rule page and the prospect page wrap their long values.
  await page.setViewportSize({ width: 390, height: 844 });
  await nav.getByRole("link", { name: "Automation" }).click();
  await page.getByRole("heading", { name: "Automation rules" }).waitFor();
  await assertNoSidewaysScroll(page, "automation");
  await screenshot(page, "rules-06-automation-phone");
  await page.goto(rulePage);
  await assertNoSidewaysScroll(page, "rule page");
  await screenshot(page, "rules-07-rule-phone");
  await page.getByRole("link", { name: LONG_EMAIL }).first().click();
  await page.getByRole("heading", { name: "Activity" }).waitFor();
  await screenshot(page, "rules-08-prospect-phone");
  await assertNoSidewaysScroll(page, "prospect page");
  await screenshot(page, "rules-08-prospect-phone");
  await page.goto(`${app.url}/admin/automation/rules/new`);
  await assertNoSidewaysScroll(page, "add rule");
  await screenshot(page, "rules-09-add-rule-phone");

  // Pause and resume from the rule page.
  await page.goto(rulePage);
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByText("Paused: the rule acts on no one until you resume it.").waitFor();
  await page.getByRole("button", { name: "Resume from now on" }).click();
  await page.getByText("Resumed: the rule acts on prospects who match from now on.").waitFor();

  // Edit the rule on a phone: the form shows it as saved and says what happens to who already matches.
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await page.getByRole("heading", { name: `Edit rule: ${RULE}` }).waitFor();
  await page.getByText("never acts twice on anyone").waitFor();
  assert.equal(await action(1).getByLabel("Tag").inputValue(), "no-show");
  await assertNoSidewaysScroll(page, "edit rule");
  await screenshot(page, "rules-10-edit-rule-phone");
  await action(1).getByLabel("Tag").fill("no-show-edited");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Saved. What the rule already did stays").waitFor();
  await page.getByText("no-show-edited").first().waitFor();
  // Already acted on: the absentees are not tagged again by the edited rule.
  await page.waitForTimeout(1_000);
  await page.reload();
  assert.equal(await rows.count(), 6);

  // The list the rule adds to cannot be deleted while the rule uses it; the page says what to change.
  await page.setViewportSize({ width: 1280, height: 900 });
  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByRole("link", { name: "Recording follow-up" }).click();
  await page.getByRole("link", { name: "Delete list" }).click();
  await page.getByRole("heading", { name: "Delete list: Recording follow-up" }).waitFor();
  await page.getByText("2 members").waitFor();
  await page.getByText("This list cannot be deleted yet").waitFor();
  await page.getByRole("link", { name: RULE }).waitFor();
  await screenshot(page, "rules-11-list-delete-refused");
  await page.setViewportSize({ width: 390, height: 844 });
  await assertNoSidewaysScroll(page, "delete list");
  await page.setViewportSize({ width: 1280, height: 900 });
  // Once the rule is gone, the list can go, with its memberships.
  await page.goto(rulePage);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByText("No automation rules yet").waitFor();
  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByRole("link", { name: "Recording follow-up" }).click();
  await page.getByRole("link", { name: "Delete list" }).click();
  await page.getByText("No rule, form, form handler or criteria use this list.").waitFor();
  await page.getByRole("button", { name: "Delete the list and its 2 memberships" }).click();
  await page.getByText("List deleted; its prospects stay.").waitFor();
  assert.equal(await page.getByRole("link", { name: "Recording follow-up" }).count(), 0);

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});
