// Every admin page and the public pages at 390 × 844 and 1280 × 800 (issue 13 Done when 2): after
// a marketer has set up a connector, webinars with registrants and attendance, a form with an
// accepted and a filtered submission, a form handler, a filter, static and dynamic lists, a rule,
// an API key and a user (long emails and values everywhere), no page scrolls sideways, no element
// sticks out of the window (outside a box meant to scroll, like a wide table's), no long value is
// cut off, no console error, no failed request (a missing /favicon.ico among them), no CSP violation.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { APIRequestContext, Page } from "playwright-core";
import { appAndBrowser, logIn, screenshot } from "./harness.ts";
import { buildLiveForm, connectOrganizer } from "./steps.ts";

const suite = appAndBrowser();

const DAY = 86_400_000;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const LONG_EMAIL = "maximiliane.wolkenstein-rabenhorst.events@extraordinarily-long-company-domain.example";
const ATTENDEE = "bartholomew.featherstonehaugh-cholmondeley@another-very-long-organisation.example";
const FILTERED = "procurement.department.webinar.registrations@competitor-with-a-long-name.example";
const USER_EMAIL = "marketing.operations.specialist.for.emea@extraordinarily-long-company-domain.example";
const SUBJECT = "Quarterly product tour: everything new in integrations, reporting and automation for EMEA teams";
const LONG_VALUES = [LONG_EMAIL, ATTENDEE, FILTERED, USER_EMAIL, "competitor-with-a-long-name.example"];

/** Posts an admin form with the page's CSRF token, as the browser would; answers the final URL. */
async function adminPost(page: Page, path: string, fields: Record<string, string>): Promise<string> {
  const { app } = suite;
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
  const request: APIRequestContext = page.request;
  const res = await request.post(`${app.url}${path}`, {
    form: { _csrf: csrf, ...fields },
    headers: { origin: app.url },
    maxRedirects: 0,
  });
  assert.ok(res.status() < 400, `${path}: ${res.status()} ${(await res.text()).slice(0, 500)}`);
  return res.headers().location ?? "";
}

interface Ids {
  connector: string;
  upcoming: string;
  past: string;
  form: string;
  handler: string;
  prospect: string;
  staticList: string;
  dynamicList: string;
  rule: string;
  bulk: string;
  confirm: string;
}

async function setUp(page: Page): Promise<Ids> {
  const { app, sim } = suite;
  const organizer = "sweep.organizer.with.a.long.name@extraordinarily-long-company-domain.example";
  await sim.organizer(organizer, "Swee", "Per");
  const oneHour = (from: number) => [{ startTime: at(from), endTime: at(from + HOUR) }];
  await sim.webinar(organizer, SUBJECT, oneHour(9 * DAY), "America/Los_Angeles");
  const pastKey = await sim.webinar(organizer, `${SUBJECT} (last quarter)`, oneHour(-2 * DAY), "Europe/Berlin");
  await sim.register(pastKey, [
    [ATTENDEE, "Long", "Name"],
    [LONG_EMAIL, "Long", "Name"],
  ]);
  await sim.attend(pastKey, ATTENDEE, at(-2 * DAY + 60_000), at(-2 * DAY + 40 * 60_000));

  await logIn(page, app.url);
  const connectorUrl = await connectOrganizer(page, app.url, organizer, {
    campaign: "A campaign with a long name for EMEA field marketing events",
  });
  const connector = /\/admin\/connectors\/(con_[\w-]+)/.exec(connectorUrl)?.[1] ?? "";
  assert.ok(connector, "connector id");

  let upcoming = "";
  let pastId = "";
  for (let i = 0; i < 60 && !(upcoming && pastId); i++) {
    await page.goto(`${app.url}/admin/webinars`);
    const links = await page
      .locator('a[href^="/admin/webinars/web_"]')
      .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href") ?? "", text: a.textContent ?? "" })));
    upcoming = links.find((l) => !l.text.includes("last quarter"))?.href ?? "";
    pastId = links.find((l) => l.text.includes("last quarter"))?.href ?? "";
    if (!(upcoming && pastId)) await page.waitForTimeout(500);
  }
  assert.ok(upcoming && pastId, "both webinars discovered");
  // The past webinar's registrants and attendance come in with Sync now.
  for (let i = 0; i < 10; i++) {
    await page.goto(`${app.url}${pastId}/registrants?status=attended`);
    if ((await page.getByText(ATTENDEE).count()) > 0) break;
    await page.goto(`${app.url}${pastId}`);
    const sync = page.getByRole("button", { name: "Sync now" });
    if ((await sync.count()) > 0) await sync.click();
    await page.waitForTimeout(2_000);
  }
  await page.goto(`${app.url}${pastId}/registrants?status=registered`);
  await page.getByText(ATTENDEE).first().waitFor();
  const bulkAt = await adminPost(page, `${pastId}/registrants/bulk`, {
    status: "registered",
    action: "tag",
    tag_name: "emea-webinar-registrants-december",
  });
  const bulk = /\/admin\/bulk\/([\w-]+)/.exec(bulkAt)?.[1] ?? "";
  assert.ok(bulk, `bulk job id from ${bulkAt}`);

  await page.goto(`${app.url}/admin/filters`);
  await page.getByLabel("Kind").selectOption("email_domain");
  await page.getByLabel("Value").fill("competitor-with-a-long-name.example");
  await page.getByRole("button", { name: "Add filter" }).click();
  await page.getByText("competitor-with-a-long-name.example").first().waitFor();

  const form = await buildLiveForm(page, app.url, "EMEA quarterly product tour registration form for partner sites");
  for (const email of [LONG_EMAIL, FILTERED]) {
    const res = await fetch(`${app.url}/f/${form}?utm_source=partner-newsletter-december`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, firstName: "Maximiliane", lastName: "Wolkenstein-Rabenhorst" }),
    });
    assert.equal(res.status, 200);
  }
  const thanks = await fetch(`${app.url}/f/${form}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
    body: new URLSearchParams({ email: ATTENDEE, firstName: "Bartholomew", lastName: "Featherstonehaugh" }),
  });
  const confirm = /\/confirm\/([\w-]+)\/status/.exec(await thanks.text())?.[1] ?? "";
  assert.ok(confirm, "a confirmation token on the thank-you");

  await page.goto(`${app.url}/admin/form-handlers/new`);
  const handlerAt = await adminPost(page, "/admin/form-handlers", {
    name: "Customer HTML form on the partner portal",
    field_map: "work_email_address_field = email\nfname = firstName\nlname = lastName",
    success_url: "https://partner-portal.extraordinarily-long-company-domain.example/thanks/for/registering",
    error_url: "https://partner-portal.extraordinarily-long-company-domain.example/sorry/something/went/wrong",
    allowed_origins: "https://partner-portal.extraordinarily-long-company-domain.example",
    op: "save",
  });
  const handler = /\/admin\/form-handlers\/(fh_[\w-]+)/.exec(handlerAt)?.[1] ?? "";
  assert.ok(handler, `handler id from ${handlerAt}`);

  await page.goto(`${app.url}/admin/lists`);
  await adminPost(page, "/admin/lists", { name: "Recording follow-up for everyone who missed the EMEA tour" });
  await page.goto(`${app.url}/admin/lists/new`);
  await adminPost(page, "/admin/lists/dynamic", {
    op: "save",
    name: "Attended the quarterly product tour for at least twenty minutes",
    match: "all",
    "conditions.0.kind": "email_domain",
    "conditions.0.domain": "another-very-long-organisation.example",
  });
  await page.goto(`${app.url}/admin/lists`);
  const listLinks = await page
    .locator('a[href^="/admin/lists/lst_"]')
    .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href") ?? "", text: a.textContent ?? "" })));
  const staticList = listLinks.find((l) => l.text.startsWith("Recording"))?.href ?? "";
  const dynamicList = listLinks.find((l) => l.text.startsWith("Attended"))?.href ?? "";
  assert.ok(staticList && dynamicList, `both lists listed: ${JSON.stringify(listLinks)}`);

  await page.goto(`${app.url}/admin/automation/rules/new`);
  const ruleAt = await adminPost(page, "/admin/automation/rules", {
    name: "Tag everyone from the long-named organisation for the EMEA follow-up campaign",
    mode: "once",
    start: "new",
    match: "all",
    "conditions.0.kind": "email_domain",
    "conditions.0.domain": "another-very-long-organisation.example",
    "actions.0.type": "add_tag",
    "actions.0.tag": "emea-follow-up-campaign",
  });
  const rule = /\/admin\/automation\/rules\/([\w-]+)/.exec(ruleAt)?.[1] ?? "";
  assert.ok(rule, `rule id from ${ruleAt}`);

  await page.goto(`${app.url}/admin/settings/api-keys`);
  await adminPost(page, "/admin/settings/api-keys", { name: "Business intelligence nightly export for EMEA" });
  await page.goto(`${app.url}/admin/settings/users`);
  await adminPost(page, "/admin/settings/users", {
    email: USER_EMAIL,
    name: "Marketing Operations Specialist With A Long Name",
    role: "marketer",
    password: "a-long-enough-password-2026",
  });

  await page.goto(`${app.url}/admin/prospects?q=${encodeURIComponent("maximiliane")}`);
  const prospect = (await page.getByRole("link", { name: LONG_EMAIL }).first().getAttribute("href")) ?? "";
  assert.ok(prospect, "the prospect is listed");
  return {
    connector,
    upcoming,
    past: pastId,
    form,
    handler,
    prospect,
    staticList,
    dynamicList,
    rule,
    bulk,
    confirm,
  };
}

function adminPages(ids: Ids): { name: string; path: string }[] {
  return [
    { name: "dashboard", path: "/admin" },
    { name: "connectors", path: "/admin/connectors" },
    { name: "connector-new", path: "/admin/connectors/new" },
    { name: "connector-new-goto", path: "/admin/connectors/new/gotowebinar" },
    { name: "connector", path: `/admin/connectors/${ids.connector}` },
    { name: "connector-edit", path: `/admin/connectors/${ids.connector}/edit` },
    { name: "connector-delete", path: `/admin/connectors/${ids.connector}/delete` },
    { name: "campaigns", path: "/admin/campaigns" },
    { name: "webinars", path: "/admin/webinars" },
    { name: "webinar-upcoming", path: ids.upcoming },
    { name: "webinar-past", path: ids.past },
    { name: "webinar-registered", path: `${ids.past}/registrants?status=registered` },
    { name: "webinar-attended", path: `${ids.past}/registrants?status=attended` },
    { name: "bulk", path: `/admin/bulk/${ids.bulk}` },
    { name: "prospects", path: "/admin/prospects" },
    { name: "prospect", path: ids.prospect },
    { name: "prospect-merge", path: "/admin/prospects/merge" },
    { name: "forms", path: "/admin/forms" },
    { name: "form-new", path: "/admin/forms/new" },
    { name: "form", path: `/admin/forms/${ids.form}` },
    { name: "form-submissions", path: `/admin/forms/${ids.form}/submissions` },
    { name: "form-handlers", path: "/admin/form-handlers" },
    { name: "form-handler-new", path: "/admin/form-handlers/new" },
    { name: "form-handler", path: `/admin/form-handlers/${ids.handler}` },
    { name: "form-handler-submissions", path: `/admin/form-handlers/${ids.handler}/submissions` },
    { name: "filters", path: "/admin/filters" },
    { name: "lists", path: "/admin/lists" },
    { name: "list-new", path: "/admin/lists/new" },
    { name: "list-static", path: ids.staticList },
    { name: "list-dynamic", path: ids.dynamicList },
    { name: "list-dynamic-edit", path: `${ids.dynamicList}/edit` },
    { name: "automation", path: "/admin/automation" },
    { name: "scoring", path: "/admin/automation/scoring" },
    { name: "rule-new", path: "/admin/automation/rules/new" },
    { name: "rule", path: `/admin/automation/rules/${ids.rule}` },
    { name: "settings", path: "/admin/settings" },
    { name: "sessions", path: "/admin/settings/sessions" },
    { name: "users", path: "/admin/settings/users" },
    { name: "api-keys", path: "/admin/settings/api-keys" },
  ];
}

function publicPages(ids: Ids): { name: string; path: string; status?: number }[] {
  return [
    { name: "login", path: "/login" },
    { name: "hosted-form", path: `/f/${ids.form}` },
    { name: "embedded-form", path: `/f/${ids.form}?embed=1` },
    { name: "confirmation", path: `/confirm/${ids.confirm}` },
    { name: "form-missing", path: "/f/frm_missing", status: 404 },
    { name: "not-found", path: "/admin-nowhere", status: 404 },
  ];
}

/** What is wrong with the loaded page's layout: sideways scroll, elements out of the window, long values cut off. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate((wanted) => {
    const problems: string[] = [];
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth > width + 1)
      problems.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    const scrollsSideways = (el: Element | null): boolean => {
      for (let p = el?.parentElement ?? null; p && p !== document.body; p = p.parentElement) {
        if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${Array.from(el.classList).join(".")}` : ""}`;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden") continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // The visually hidden (screen-reader text, the honeypot) are out of sight on purpose.
      if (r.width <= 1 && r.height <= 1) continue;
      // Kept out of sight on purpose (the honeypot, skip links): wholly off to the left, hidden from readers.
      if (r.right <= 0 && el.closest("[aria-hidden='true'], .rc-hp, .skip-link, .visually-hidden")) continue;
      if ((r.right > width + 1 || r.left < -1) && !scrollsSideways(el))
        problems.push(`${describe(el)} sticks out (${Math.round(r.left)}..${Math.round(r.right)} of ${width})`);
      const ownText = Array.from(el.childNodes).some(
        (n) => n.nodeType === 3 && wanted.some((t) => n.textContent?.includes(t)),
      );
      const value = el instanceof HTMLInputElement ? el.value : "";
      if (
        (ownText || wanted.some((t) => value === t)) &&
        el.scrollWidth > el.clientWidth + 1 &&
        !(el instanceof HTMLInputElement)
      )
        problems.push(`${describe(el)} cuts off its text (${el.scrollWidth} > ${el.clientWidth})`);
    }
    return [...new Set(problems)].slice(0, 8);
  }, LONG_VALUES);
}

test("every admin page and the public pages fit a phone and a desktop, cleanly", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const ids = await setUp(page);

  const found: string[] = [];
  let current = "";
  let expectedStatus = 200;
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (expectedStatus !== 200 && /status of 404/.test(msg.text())) return;
    found.push(`${current}: console: ${msg.text()}`);
  });
  page.on("pageerror", (e) => found.push(`${current}: page error: ${e.message}`));
  page.on("response", (r) => {
    const url = new URL(r.url());
    if (
      r.status() >= 400 &&
      !(url.pathname === new URL(current || "/", app.url).pathname && r.status() === expectedStatus)
    )
      found.push(`${current}: ${r.status()} for ${url.pathname}`);
  });
  const faviconAnswer = await fetch(`${app.url}/favicon.ico`);
  assert.equal(faviconAnswer.status, 200, "/favicon.ico is served");
  assert.match(faviconAnswer.headers.get("content-type") ?? "", /icon/);

  const anonymous = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await anonymous.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const visitor = await anonymous.newPage();
  visitor.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (expectedStatus !== 200 && /status of 404/.test(msg.text())) return;
    found.push(`${current}: console: ${msg.text()}`);
  });
  visitor.on("pageerror", (e) => found.push(`${current}: page error: ${e.message}`));
  visitor.on("response", (r) => {
    const url = new URL(r.url());
    if (
      r.status() >= 400 &&
      !(url.pathname === new URL(current || "/", app.url).pathname && r.status() === expectedStatus)
    )
      found.push(`${current}: ${r.status()} for ${url.pathname}`);
  });

  for (const [width, height] of [
    [390, 844],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    await visitor.setViewportSize({ width, height });
    const visits: { p: Page; name: string; path: string; status?: number }[] = [
      ...adminPages(ids).map((x) => ({ ...x, p: page })),
      ...publicPages(ids).map((x) => ({ ...x, p: visitor })),
    ];
    for (const v of visits) {
      current = v.path;
      expectedStatus = v.status ?? 200;
      const res = await v.p.goto(`${app.url}${v.path}`);
      assert.equal(res?.status(), expectedStatus, `${v.path} answers ${expectedStatus}`);
      await v.p.waitForLoadState("load");
      await v.p.waitForTimeout(150);
      for (const problem of await layoutProblems(v.p)) found.push(`${width} ${v.name}: ${problem}`);
      await screenshot(v.p, `sweep-${width}-${v.name}`);
    }
  }
  await anonymous.close();
  await context.close();
  assert.deepEqual(found, [], "every page fits and runs cleanly");
});

test("in the form builder, first or last name picked by hand in a blank row is ticked Required", async (t) => {
  const { app, browser } = suite;
  if (!browser) return t.skip("no Chromium on this machine (CI installs it)");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  await logIn(page, app.url);
  await page.goto(`${app.url}/admin/forms/new`);
  // The new form has email, first and last name; remove last name, then pick it again in the blank row.
  await page.getByLabel("Field 3 remove").check();
  await page.getByLabel("Field 4 field").selectOption("lastName");
  assert.equal(await page.getByLabel("Field 4 required").isChecked(), true, "last name picked by hand is required");
  assert.equal(await page.getByLabel("Field 4 label").inputValue(), "Last name");
  await page.locator("#form-preview").getByText("Last name").waitFor();
  await page.reload();
  await page.getByLabel("Field 4 field").selectOption("company");
  assert.equal(await page.getByLabel("Field 4 required").isChecked(), false, "other fields are left as they are");
  assert.deepEqual(problems, []);
  await context.close();
});
