// What the browser tests do again and again as a marketer, once GoTo (simulator.ts) holds the
// webinars: connect an organizer and wait for discovery; press Sync now and wait for the count
// cards; build or post a live form and register on it; export a CSV. A test whose subject is one
// of these steps does it click by click itself (connectors.test.ts, forms.test.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { FrameLocator, Page } from "playwright-core";
import { parseCsv } from "../csv-parse.ts";
import { reloadUntil } from "./harness.ts";

/**
 * Adds a GoToWebinar connector for `organizer` (already in the simulator), with `campaign` when
 * given, and verifies it through the simulator's consent page, as a marketer does; discovery then
 * starts in the gateway's alarm. Answers the connector page's address.
 */
export async function connectOrganizer(
  page: Page,
  appUrl: string,
  organizer: string,
  { campaign }: { campaign?: string } = {},
): Promise<string> {
  await page.goto(`${appUrl}/admin/connectors/new/gotowebinar`);
  await page.getByLabel("Organizer email").fill(organizer);
  if (campaign !== undefined) await page.getByLabel("Campaign").fill(campaign);
  await page.getByRole("button", { name: "Save connector" }).click();
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByLabel("Organizer").selectOption(organizer);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByText("Verified with GoTo.").waitFor();
  return page.url().split("?")[0] ?? "";
}

/** Opens Webinars from the main navigation and reloads it until discovery has listed `subject`. */
export async function waitForWebinar(page: Page, subject: string, tries = 40): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webinars" }).click();
  await reloadUntil(
    page,
    `discovery of “${subject}”`,
    async () => (await page.getByRole("link", { name: subject }).count()) > 0,
    tries,
  );
}

/** connectOrganizer, then waitForWebinar: the page ends on Webinars with `subject` listed. Answers the connector page's address. */
export async function connectAndDiscover(
  page: Page,
  appUrl: string,
  organizer: string,
  subject: string,
): Promise<string> {
  const connector = await connectOrganizer(page, appUrl, organizer);
  await waitForWebinar(page, subject);
  return connector;
}

/**
 * On a webinar's page, presses Sync now and waits for the panel to say the sync started. When the
 * webinar's sync engine cannot start one just then, the panel says so and to try again (a 503 in
 * the console): up to `tries` times it is pressed again after a reload, as a marketer would.
 */
export async function syncNow(page: Page, tries = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.getByRole("button", { name: "Sync now" }).click();
    const started = page.getByText(/Sync started/);
    const unavailable = page.getByText(/could not start a sync right now/);
    await started.or(unavailable).first().waitFor();
    if (await started.isVisible()) return;
    assert.ok(attempt < tries, `Sync now did not start a sync in ${tries} tries`);
    await page.waitForTimeout(2_000);
    await page.reload();
  }
}

/** From the main navigation: Webinars, the webinar, Sync now. Answers the webinar page's address. */
export async function syncWebinar(page: Page, subject: string): Promise<string> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webinars" }).click();
  await page.getByRole("link", { name: subject }).first().click();
  const webinarPage = page.url();
  await syncNow(page);
  return webinarPage;
}

/** Reloads the webinar's page until each count card (`data-count`) shows its figure. */
export async function waitForCounts(page: Page, counts: Record<string, string>, tries = 90): Promise<void> {
  await reloadUntil(
    page,
    `the counts ${JSON.stringify(counts)}`,
    async () => {
      for (const [name, figure] of Object.entries(counts)) {
        const shown = await page.locator(`[data-count="${name}"]`).allTextContents();
        if (shown.length !== 1 || shown[0]?.trim() !== figure) return false;
      }
      return true;
    },
    tries,
  );
}

/**
 * Builds a live form named `name` in the form builder, registering for the first webinar it offers
 * or, with `webinar`, the one of that subject (reloading until discovery has brought it), and saves
 * it. The page stays on the saved form; answers the form's id.
 */
export async function buildLiveForm(
  page: Page,
  appUrl: string,
  name: string,
  { webinar }: { webinar?: string } = {},
): Promise<string> {
  await page.goto(`${appUrl}/admin/forms/new`);
  const option = page.locator("option", { hasText: webinar ?? "" });
  if (webinar !== undefined) {
    await reloadUntil(page, `“${webinar}” in Register for webinar`, async () => (await option.count()) > 0, 40);
  }
  await page.getByLabel("Form name").fill(name);
  const register = page.getByLabel("Register for webinar");
  if (webinar === undefined) await register.selectOption({ index: 1 });
  else await register.selectOption((await option.first().getAttribute("value")) ?? "");
  await page.getByLabel("Live").check();
  await page.getByRole("button", { name: "Save form" }).click();
  await page.getByText("Form saved.").waitFor();
  const id = /\/admin\/forms\/(frm_[\w-]+)/.exec(page.url())?.[1] ?? "";
  assert.ok(id, "form id in the URL");
  return id;
}

/**
 * Saves a live form asking for email, first and last name (all required) and registering for the
 * webinar, through the builder's own POST with the page's CSRF token; answers its id.
 */
export async function postLiveForm(page: Page, appUrl: string, name: string, webinarId: string): Promise<string> {
  await page.goto(`${appUrl}/admin/forms/new`);
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
  const fields: Record<string, string> = { _csrf: csrf, name, status: "live", op: "save", register_webinar: webinarId };
  [
    ["email", "email", "Email"],
    ["firstName", "text", "First name"],
    ["lastName", "text", "Last name"],
  ].forEach(([key, type, label], i) => {
    Object.assign(fields, {
      [`field_${i}_key`]: key,
      [`field_${i}_type`]: type,
      [`field_${i}_label`]: label,
      [`field_${i}_required`]: "on",
      [`field_${i}_default`]: "",
      [`field_${i}_options`]: "",
      [`field_${i}_order`]: String(i + 1),
    });
  });
  const res = await page.request.post(`${appUrl}/admin/forms`, {
    form: fields,
    headers: { origin: appUrl },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 303, `form ${name} saved: ${(await res.text()).slice(0, 300)}`);
  const id = /\/admin\/forms\/(frm_[\w-]+)/.exec(res.headers().location ?? "")?.[1];
  assert.ok(id, "form id");
  return id;
}

/** A visitor fills a registration form's email and names and presses Register (on its page or in the embed's frame). */
export async function fillRegistration(
  form: Page | FrameLocator,
  email: string,
  firstName: string,
  lastName: string,
): Promise<void> {
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("First name").fill(firstName);
  await form.getByLabel("Last name").fill(lastName);
  await form.getByRole("button", { name: "Register" }).click();
}

/** Clicks Export CSV and reads the file the browser saved (its context accepts downloads) with the strict reader. */
export async function exportCsv(page: Page): Promise<{ name: string; text: string; rows: Record<string, string>[] }> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const text = readFileSync(await download.path(), "utf8");
  const [header = [], ...records] = parseCsv(text);
  return {
    name: download.suggestedFilename(),
    text,
    rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]))),
  };
}

/** The emails in the table of the page shown (member lists, drill-downs, prospects), sorted. */
export async function emailsShown(page: Page): Promise<string[]> {
  const cells = await page.locator('table tbody td[data-label="Email"]').allTextContents();
  return cells.map((c) => c.trim()).sort();
}
