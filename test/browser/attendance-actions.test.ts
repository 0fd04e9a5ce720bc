// Acting on attendance, end to end (issue 11, Done when 1): a marketer builds the dynamic list
// "Attended <webinar> for at least 20 minutes" and the rule "Absent for <webinar> → add tag
// no-show, add to list Recording follow-up, adjust score −5"; the webinar ends, attendance is
// recorded in the simulator and synced (Sync now): the list has exactly the attendees over 20
// minutes, the absentees have the tag, are in the list and their score changed; a second Sync now
// changes nothing; the Attended drill-down exported as CSV has exactly the attendees; Absent is
// added to a new list and tagged with the drill-down's bulk actions. Pages at 1280 and 390 px.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, assertNoSidewaysScroll, openAdmin, reloadUntil, screenshot } from "./harness.ts";
import { connectAndDiscover, emailsShown, exportCsv, syncWebinar, waitForCounts } from "./steps.ts";

const suite = appAndBrowser();

const MINUTE = 60_000;
const ORGANIZER = ["tours@acme.test", "Tia", "Tours"] as const;
const SUBJECT = "Product tour";
const LIST = "Attended Product tour for at least 20 minutes";
const RULE = "No-shows of the product tour";
const NEW_LIST = "Absent from the product tour";
const LONG_EMAIL = "dana.a-very-long-address-that-must-wrap-on-a-phone-screen@subsidiary.example-company.test";

test("dynamic list, absent rule, sync twice, export attendees, act on absentees in bulk", async (t) => {
  const { app, browser, sim } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  // The webinar ends while the marketer builds the list and the rule.
  const { key, start, end } = await sim.webinarEndingSoon(ORGANIZER, SUBJECT, [
    ["ann@acme.test", "Ann", "Able"],
    ["bob@acme.test", "Bob", "Brief"],
    ["cat@acme.test", "Cat", "Cole"],
    [LONG_EMAIL, "Dana", "Longname"],
  ]);

  const { context, page, problems, nav } = await openAdmin(browser, app.url, {
    acceptDownloads: true,
    allowedStatuses: [409, 422],
  });
  await connectAndDiscover(page, app.url, ORGANIZER[0], SUBJECT);

  // The static list the rule adds to, then the dynamic list of who attended 20 minutes or more.
  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByLabel("Name").fill("Recording follow-up");
  await page.getByRole("button", { name: "Add list" }).click();
  await page.getByText("Recording follow-up").first().waitFor();
  await page.getByRole("link", { name: "Add dynamic list" }).click();
  await page.getByRole("heading", { name: "Add dynamic list" }).waitFor();
  await page.getByLabel("Name").fill(LIST);
  const tour = await page
    .locator('select[name="conditions.0.webinarId"] option', { hasText: SUBJECT })
    .getAttribute("value");
  await page.getByLabel("Webinar", { exact: true }).selectOption(tour ?? "");
  await page.getByLabel("Minutes").fill("20");
  await page.locator("#criteria-preview").getByText("0 prospects match now.").waitFor();
  await page.getByRole("button", { name: "Save list" }).click();
  await page.getByRole("heading", { name: `List: ${LIST}` }).waitFor();
  await page.getByText("Attended “Product tour” for at least 20 minutes").waitFor();
  const listPage = page.url();
  await screenshot(page, "attendance-01-dynamic-list");

  // The rule: absent from the tour → tag no-show, add to Recording follow-up, score −5.
  await nav.getByRole("link", { name: "Automation" }).click();
  await page.getByRole("link", { name: "Add rule" }).click();
  await page.getByRole("heading", { name: "Add rule" }).waitFor();
  await page.getByLabel("Name").fill(RULE);
  const condition = page.locator("fieldset.condition", { hasText: "Condition 1" });
  await condition.getByLabel("Kind").selectOption("webinar_status");
  await condition.getByLabel("Status").waitFor();
  await condition.getByLabel("Status").selectOption("absent");
  const webinarSelect = condition.getByLabel("Webinar", { exact: true });
  await webinarSelect.selectOption(tour ?? "");
  await page.getByText(/Would match 0 prospects now/).waitFor();
  const action = (n: number) => page.locator("#rule-actions fieldset.condition", { hasText: `Action ${n}` });
  await action(1).getByLabel("Tag").fill("no-show");
  await page.getByRole("button", { name: "Add action" }).click();
  await action(2).getByLabel("Do").selectOption("add_to_list");
  await action(2).getByLabel("List").selectOption({ label: "Recording follow-up" });
  await page.getByRole("button", { name: "Add action" }).click();
  await action(3).getByLabel("Do").selectOption("adjust_score");
  await action(3).getByLabel("Points (+ or −)").fill("-5");
  await page.getByLabel("Only from now on").check();
  await page.getByRole("button", { name: "Save rule" }).click();
  await page.getByRole("heading", { name: `Rule: ${RULE}` }).waitFor();
  const rulePage = page.url();

  // The webinar ends: Ann stayed 39 minutes, Bob 10; Cat and Dana did not come. Sync now.
  await sim.attend(key, "ann@acme.test", start + MINUTE, start + 40 * MINUTE);
  await sim.attend(key, "bob@acme.test", start + 5 * MINUTE, start + 15 * MINUTE);
  await page.waitForTimeout(Math.max(0, end + 2_000 - Date.now()));
  const webinarPage = await syncWebinar(page, SUBJECT);
  const absentCount = page.locator('[data-count="absent"]');
  const attendedCount = page.locator('[data-count="attended"]');
  await waitForCounts(page, { absent: "2", attended: "2" });
  assert.equal((await absentCount.textContent())?.trim(), "2");
  assert.equal((await attendedCount.textContent())?.trim(), "2");

  // What the sync set off, in the same unit of work: the list, the tag, the list, the score.
  const settled = async () => {
    await page.goto(rulePage);
    const rows = page.locator("table.responsive tbody tr");
    await reloadUntil(page, "the rule's six actions", async () => (await rows.count()) >= 6, 40);
    return rows.count();
  };
  assert.equal(await settled(), 6, "three actions on each of the two absentees");
  const check = async () => {
    await page.goto(listPage);
    assert.deepEqual(await emailsShown(page), ["ann@acme.test"], "only Ann attended 20 minutes or more");
    await page.goto(`${app.url}/admin/prospects?tag=no-show`);
    assert.deepEqual(await emailsShown(page), ["cat@acme.test", LONG_EMAIL].sort());
    await nav.getByRole("link", { name: "Lists" }).click();
    await page.getByRole("link", { name: "Recording follow-up" }).click();
    assert.deepEqual(await emailsShown(page), ["cat@acme.test", LONG_EMAIL].sort());
    await page.getByRole("link", { name: "cat@acme.test" }).click();
    const timeline = page.locator("ol.timeline");
    await timeline.getByText("−5 points").or(timeline.getByText("-5 points")).first().waitFor();
  };
  await check();
  await screenshot(page, "attendance-02-absentee");

  // A second Sync now changes nothing.
  await syncWebinar(page, SUBJECT);
  await page.waitForTimeout(3_000);
  assert.equal(await settled(), 6);
  await check();

  // The Attended drill-down as CSV: exactly the attendees.
  await page.goto(webinarPage);
  await page.locator('a.link-card:has([data-count="attended"])').click();
  await page.getByRole("heading", { name: /Attended/ }).waitFor();
  const { rows } = await exportCsv(page);
  assert.deepEqual(rows.map((r) => r.Email).sort(), ["ann@acme.test", "bob@acme.test"]);

  // Absent: add all of them to a new list, then tag them, with the drill-down's bulk actions.
  await page.getByRole("link", { name: /^Absent/ }).click();
  await page.getByRole("heading", { name: /Absent/ }).waitFor();
  const panel = page.locator("#bulk-panel");
  await panel.getByRole("button", { name: "Tag 2 prospects" }).waitFor();
  await screenshot(page, "attendance-03-absent-bulk");
  // A mistake first: an empty tag is marked on its field.
  await panel.getByRole("button", { name: "Tag 2 prospects" }).click();
  await panel.getByText("Enter a tag.").waitFor();
  await panel.getByLabel("or a new list named").fill(NEW_LIST);
  await panel.getByRole("button", { name: "Add 2 prospects to the list" }).click();
  await panel.getByText(`2 prospects added to “${NEW_LIST}”`).waitFor({ timeout: 30_000 });
  await panel.getByLabel("Tag").fill("recording-sent");
  await panel.getByRole("button", { name: "Tag 2 prospects" }).click();
  await panel.getByText("2 prospects tagged “recording-sent”").waitFor({ timeout: 30_000 });
  await screenshot(page, "attendance-04-absent-bulk-done");
  const absentPage = page.url();
  await page.goto(`${app.url}/admin/prospects?tag=recording-sent`);
  assert.deepEqual(await emailsShown(page), ["cat@acme.test", LONG_EMAIL].sort());
  await nav.getByRole("link", { name: "Lists" }).click();
  await page.getByRole("link", { name: NEW_LIST }).click();
  assert.deepEqual(await emailsShown(page), ["cat@acme.test", LONG_EMAIL].sort());

  // On a phone: the drill-down with its bulk panel, and the filtered prospect list.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(absentPage);
  await assertNoSidewaysScroll(page, "absent drill-down");
  await screenshot(page, "attendance-05-absent-phone");
  await page.goto(`${app.url}/admin/prospects?tag=no-show`);
  await page.locator("#bulk-panel").waitFor();
  await assertNoSidewaysScroll(page, "prospects");
  await screenshot(page, "attendance-06-prospects-phone");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
  await context.close();
});
