// The rough edges a new user met, looked at in Chromium: on a 390 px phone and a 1280 px screen
// no admin or public page scrolls sideways, long emails and filter reasons wrap instead of being
// cut off, the header's role badge and Log out fit, and no page logs an error or a CSP violation.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { appAndBrowser, logIn, screenshot, watchConsole } from "./harness.ts";
import { connectAndDiscover } from "./steps.ts";

const suite = appAndBrowser();

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();
const SUBJECT = "Rough edges: a tour of the product";
const LONG_EMAIL = "maximiliane.wolkenstein-rabenhorst.events@extraordinarily-long-company-domain.example";
const FILTERED_EMAIL = "procurement.department.webinar.registrations@competitor-with-a-long-name.example";

async function visitorPost(formId: string, fields: Record<string, string>): Promise<void> {
  const { app } = suite;
  const res = await fetch(`${app.url}/f/${formId}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  assert.equal(res.status, 200, await res.text());
}

let formId = "";
let prospectHref = "";

/** A connector with one webinar, a live form registering for it, an accepted and a filtered submission. */
async function setUp(page: Page): Promise<void> {
  const { app, sim } = suite;
  const organizer = "edges@acme.test";
  await sim.organizer(organizer, "Eda", "Edges");
  await sim.webinar(organizer, SUBJECT, [{ startTime: at(9), endTime: at(9, 1) }], "Europe/Berlin");
  await logIn(page, app.url);
  await connectAndDiscover(page, app.url, organizer, SUBJECT);
  await page.goto(`${app.url}/admin/filters`);
  await page.getByLabel("Kind").selectOption("email_domain");
  await page.getByLabel("Value").fill("competitor-with-a-long-name.example");
  await page.getByRole("button", { name: "Add filter" }).click();
  await page.getByText("competitor-with-a-long-name.example").first().waitFor();
}

async function buildForm(page: Page, problems: string[]): Promise<void> {
  const { app } = suite;
  await page.goto(`${app.url}/admin/forms/new`);
  await page.getByLabel("Form name").fill("Edges registration");
  await page.getByLabel("Register for webinar").selectOption({ index: 1 });
  // Remove last name and save: refused, GoTo needs it.
  await page.getByLabel("Field 3 remove").check();
  await page.getByRole("button", { name: "Save form" }).click();
  await page.getByText("The form was not saved").waitFor();
  // Picking a field after the refused save re-renders the preview: no CSP violation.
  const preview = page.waitForResponse((r) => r.url().endsWith("/admin/forms/preview"));
  await page.getByLabel("Field 3 field").selectOption("company");
  await preview;
  await page.waitForTimeout(500);
  await screenshot(page, "rough-edges-01-refused-save");
  const violations = await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
  assert.deepEqual([...problems, ...violations], [], "no console error or CSP violation after picking a field");
  await page.getByRole("button", { name: "Add email, first and last name as required fields" }).click();
  await page.getByLabel("Field 3 required").waitFor();
  await page.getByLabel("Live").check();
  await page.getByRole("button", { name: "Save form" }).click();
  await page.getByText("Form saved.").waitFor();
  formId = /\/admin\/forms\/(frm_[\w-]+)/.exec(page.url())?.[1] ?? "";
  assert.ok(formId, "form id in the URL");
  // Copy snippet puts the embed snippet on the clipboard.
  await page.getByRole("button", { name: "Copy snippet" }).click();
  await page.getByRole("button", { name: "Copied" }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.locator("#embed-snippet").inputValue());
}

interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  clipped: string[];
}

/** Sideways scroll of the page, and elements whose text is cut off (wider content than box, hidden overflow). */
async function overflow(page: Page, texts: string[]): Promise<Overflow> {
  return page.evaluate((wanted) => {
    const clipped: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
      if (!el.offsetParent && getComputedStyle(el).position !== "fixed") continue;
      // Inside a strip meant to scroll sideways (the phone's navigation), nothing is cut off.
      let scroller = el.parentElement;
      while (scroller && !["auto", "scroll"].includes(getComputedStyle(scroller).overflowX))
        scroller = scroller.parentElement;
      if (scroller && scroller !== document.documentElement && scroller.classList.contains("sidenav")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.right > window.innerWidth + 1) clipped.push(`${el.tagName}.${el.className} right ${Math.round(r.right)}`);
      const own = Array.from(el.childNodes).some(
        (n) => n.nodeType === 3 && wanted.some((t) => n.textContent?.includes(t)),
      );
      if (own && el.scrollWidth > el.clientWidth + 1)
        clipped.push(`${el.tagName}.${el.className} text cut off (${el.scrollWidth} > ${el.clientWidth})`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, clipped };
  }, texts);
}

const PAGES = () => [
  { name: "dashboard", path: "/admin" },
  { name: "prospects", path: "/admin/prospects" },
  { name: "prospect", path: prospectHref },
  { name: "forms", path: "/admin/forms" },
  { name: "form", path: `/admin/forms/${formId}` },
  { name: "submissions", path: `/admin/forms/${formId}/submissions` },
  { name: "campaigns", path: "/admin/campaigns" },
  { name: "hosted", path: `/f/${formId}` },
];

test("a new user's pages fit a phone and a desktop, with nothing cut off", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
  // CSP violations as the page sees them (an init script runs outside the page's CSP).
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as unknown as { cspViolations?: string[] };
      w.cspViolations = [...(w.cspViolations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
    });
  });
  const problems = watchConsole(page, [422]);
  const faviconAsks: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/favicon.ico") faviconAsks.push(page.url());
  });
  await setUp(page);
  await buildForm(page, problems);
  await visitorPost(formId, { email: LONG_EMAIL, firstName: "Maximiliane", lastName: "Wolkenstein" });
  await visitorPost(formId, { email: FILTERED_EMAIL, firstName: "Pat", lastName: "Procurement" });
  await page.goto(`${app.url}/admin/prospects`);
  prospectHref = (await page.getByRole("link", { name: LONG_EMAIL }).first().getAttribute("href")) ?? "";
  assert.ok(prospectHref, "the prospect is listed");

  const found: string[] = [];
  for (const [width, height] of [
    [390, 844],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const p of PAGES()) {
      await page.goto(`${app.url}${p.path}`);
      const o = await overflow(page, [
        LONG_EMAIL,
        FILTERED_EMAIL,
        "competitor-with-a-long-name.example",
        `/f/${formId}`,
      ]);
      await screenshot(page, `rough-edges-${width}-${p.name}`);
      if (!p.path.startsWith("/f/")) {
        // The header: the role badge shows its word, Log out stays on one line.
        const header = await page.evaluate(() => {
          const role = document.querySelector<HTMLElement>(".role");
          const logout = document.querySelector<HTMLElement>(".account .button");
          const line = logout ? Number.parseFloat(getComputedStyle(logout).lineHeight) || 20 : 20;
          return {
            // Seen whole: not cut by the name's box (which shortens with an ellipsis).
            role:
              role?.textContent === "admin" &&
              role.parentElement !== null &&
              role.getBoundingClientRect().right <= role.parentElement.getBoundingClientRect().right + 1,
            logout: logout ? logout.getBoundingClientRect().height < 2 * line : false,
          };
        });
        if (!header.role) found.push(`${width} ${p.name}: the role badge is cut off`);
        if (!header.logout) found.push(`${width} ${p.name}: Log out wraps`);
      }
      if (o.scrollWidth > o.innerWidth)
        found.push(`${width} ${p.name}: scrollWidth ${o.scrollWidth} > ${o.innerWidth}`);
      for (const c of o.clipped.slice(0, 5)) found.push(`${width} ${p.name}: ${c}`);
    }
  }
  assert.deepEqual(found, [], "nothing wider than the viewport or cut off");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${app.url}/admin`);
  assert.ok(
    (await page.locator("table.responsive td[data-label='What']").count()) > 0,
    "recent activity is a card list",
  );
  assert.deepEqual(problems, [], "no console errors or CSP violations");
  assert.deepEqual(faviconAsks, [], "every page links its icon: no request for /favicon.ico");
  await context.close();
});
