import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, form, login, type Session } from "../helpers";

/** The rough edges a new user met, each checked in the page it showed up on. */

let admin: Session;
const now = new Date().toISOString();

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
});

const page = async (path: string): Promise<string> => (await call(path, { cookie: admin.cookie })).text();

describe("counts in the lists", () => {
  it("the Forms list counts each form's accepted and filtered submissions", async () => {
    const submission = (id: string, formId: string, status: string) =>
      env.DB.prepare("INSERT INTO submissions (id, form_id, data, status, dedupe_key) VALUES (?, ?, '{}', ?, ?)").bind(
        id,
        formId,
        status,
        id,
      );
    await env.DB.batch([
      env.DB.prepare("INSERT INTO forms (id, name, updated_at) VALUES ('frm_edges_a', 'Edges A', ?)").bind(now),
      env.DB.prepare("INSERT INTO forms (id, name, updated_at) VALUES ('frm_edges_b', 'Edges B', ?)").bind(now),
      submission("sub_edges_1", "frm_edges_a", "accepted"),
      submission("sub_edges_2", "frm_edges_a", "accepted"),
      submission("sub_edges_3", "frm_edges_a", "filtered"),
      submission("sub_edges_4", "frm_edges_b", "filtered"),
    ]);
    const html = await page("/admin/forms");
    const row = (id: string) =>
      new RegExp(`${id}/submissions">(\\d+)</a></td><td data-label="Filtered">(\\d+)<`).exec(html)?.slice(1);
    expect(row("frm_edges_a")).toEqual(["2", "1"]);
    expect(row("frm_edges_b")).toEqual(["0", "1"]);
  });

  it("Campaigns counts the connectors using each campaign, not deleted ones", async () => {
    const connector = (id: string, deleted: string | null) =>
      env.DB.prepare(
        "INSERT INTO connectors (id, type, organizer_email, campaign_id, deleted_at) VALUES (?, 'gotowebinar', ?, 'cmp_edges', ?)",
      ).bind(id, `${id}@example.com`, deleted);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO campaigns (id, name) VALUES ('cmp_edges', 'GoToWebinar Sync')"),
      ...["con_e1", "con_e2", "con_e3", "con_e4", "con_e5"].map((id) => connector(id, null)),
      connector("con_e6", now),
    ]);
    const html = await page("/admin/campaigns");
    expect(html).toMatch(/GoToWebinar Sync<\/td><td data-label="Connectors">5</);
  });
});

describe("plurals", () => {
  it("one registration on the way to GoTo is singular (the counts go through one plural helper)", async () => {
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO connectors (id, type, organizer_email, status) VALUES ('con_plural', 'gotowebinar', 'plural@example.com', 'verified')",
      ),
      env.DB.prepare(
        "INSERT INTO webinars (id, connector_id, webinar_key, subject, times, starts_at, ends_at, updated_at) VALUES ('web_plural', 'con_plural', '77', 'Plural', '[]', ?, ?, ?)",
      ).bind(later, later, now),
      env.DB.prepare(
        "INSERT INTO prospects (id, email, source, updated_at) VALUES ('pro_plural', 'plural@example.com', 'form', ?)",
      ).bind(now),
      env.DB.prepare(
        "INSERT INTO registrations (id, prospect_id, webinar_id, status, source, registered_at, updated_at) VALUES ('reg_plural', 'pro_plural', 'web_plural', 'pending', 'form', ?, ?)",
      ).bind(now, now),
    ]);
    const dashboard = await page("/admin");
    expect(dashboard).toContain("1 registration on the way to GoTo.");
    expect(dashboard).toMatch(/active user\. <a/);
  });
});

describe("the hosted form page", () => {
  it("shows the webinar's title, date and time zone, is titled by the webinar, and links an icon", async () => {
    const fields = JSON.stringify([
      { key: "email", type: "email", label: "Email", required: true, defaultValue: "", options: [] },
    ]);
    const actions = JSON.stringify([{ type: "register_webinar", webinarId: "web_hosted", mapping: {} }]);
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO connectors (id, type, organizer_email, status) VALUES ('con_hosted', 'gotowebinar', 'hosted@example.com', 'verified')",
      ),
      env.DB.prepare(
        "INSERT INTO webinars (id, connector_id, webinar_key, subject, times, starts_at, ends_at, time_zone, updated_at) VALUES ('web_hosted', 'con_hosted', '88', 'Spring product tour', '[]', '2027-03-09T15:00:00.000Z', '2027-03-09T16:00:00.000Z', 'America/New_York', ?)",
      ).bind(now),
      env.DB.prepare(
        "INSERT INTO forms (id, name, status, fields, actions, updated_at) VALUES ('frm_hosted', 'internal: tour Q1 v3', 'live', ?, ?, ?)",
      ).bind(fields, actions, now),
    ]);
    const res = await call("/f/frm_hosted", { sameOrigin: false });
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    expect(html).toContain("<title>Spring product tour</title>");
    expect(html).not.toContain("internal: tour Q1 v3");
    expect(html).toContain('<h1 dir="auto">Spring product tour</h1>');
    expect(html).toContain("Tuesday, March 9, 2027, 10:00 AM – 11:00 AM EST");
    expect(html).toContain("Times in America/New_York");
    expect(html).toContain('<link rel="icon" href="/img/favicon.svg"');
    const embedded = await (await call("/f/frm_hosted?embed=1", { sameOrigin: false })).text();
    expect(embedded).toContain("<title>Spring product tour</title>");
    expect(embedded).not.toContain('class="rc-webinar"');
  });
});

describe("hints", () => {
  it("the form builder points to Filters where it lives, under Forms", async () => {
    const html = await page("/admin/forms/new");
    expect(html).toContain('<a href="/admin/filters">Forms &gt; Filters</a>');
    expect(html).not.toContain("Admin &gt; Filters");
  });
});

describe("the form builder after a refused save", () => {
  it("puts email, first and last name back, required, in one round trip", async () => {
    const body = {
      _csrf: admin.csrf,
      name: "Missing names",
      status: "live",
      field_0_key: "email",
      field_0_type: "email",
      field_0_label: "Email",
      field_0_required: "on",
      field_0_order: "1",
      field_1_key: "firstName",
      field_1_type: "text",
      field_1_label: "Given name",
      field_1_order: "2",
      register_webinar: "web_hosted",
    };
    const refused = await call("/admin/forms", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ ...body, op: "save" }),
    });
    const refusedHtml = await refused.text();
    expect(refused.status).toBe(422);
    expect(refusedHtml).toContain('value="add_registration_fields"');
    // No style attribute anywhere the builder renders: the CSP allows none, and htmx copies one onto a swapped element.
    expect(refusedHtml).not.toMatch(/\sstyle=/);
    const res = await call("/admin/forms", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ ...body, op: "add_registration_fields" }),
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    const required = (i: number) => new RegExp(`name="field_${i}_required" type="checkbox" checked`).test(html);
    const key = (i: number) =>
      new RegExp(`name="field_${i}_key"[^>]*>(?:(?!</select>).)*<option value="(\\w+)" selected`).exec(html)?.[1];
    expect([key(0), key(1), key(2)]).toEqual(["email", "firstName", "lastName"]);
    expect([required(0), required(1), required(2)]).toEqual([true, true, true]);
    expect(html).toContain('value="Given name"');
    expect(html).not.toContain('value="add_registration_fields"');
  });
});

describe("Copy buttons", () => {
  it("a new API key and a live form's embed snippet each have a Copy button, run by the admin pages' script", async () => {
    const res = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, name: "Copy test" }),
    });
    const keys = await res.text();
    expect(res.status).toBe(201);
    expect(keys).toContain('<input id="new-key"');
    expect(keys).toContain('data-copy="new-key"');
    expect(keys).toContain('<script src="/js/copy.js" defer="">');
    const builder = await page("/admin/forms/frm_hosted");
    expect(builder).toContain('<textarea id="embed-snippet"');
    expect(builder).toContain('data-copy="embed-snippet"');
  });
});
