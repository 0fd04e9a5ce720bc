import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, form, rows, type Session } from "../helpers";
import { adminSession } from "./connector-helpers";
import { builderBody, expectStatus, NAME_FIELDS, saveForm, submit, visitorIp } from "./form-helpers";

/**
 * What a marketer stores on a form or handler (redirect addresses, completion-action targets) is
 * checked when it is saved, and a stored value that no longer works never costs a visitor's submission.
 */

let session: Session;

beforeAll(async () => {
  session = await adminSession();
});

/** The error message shown inside the control named `name`, if any. */
function fieldError(html: string, name: string): string | null {
  const start = html.indexOf(`for="f-${name}"`);
  if (start < 0) return null;
  const end = html.indexOf('class="field', start);
  const block = html.slice(start, end < 0 ? undefined : end);
  return /<small class="error"[^>]*>([^<]*)<\/small>/.exec(block)?.[1] ?? null;
}

const STORED_FIELDS = JSON.stringify([
  { key: "email", type: "email", label: "Email", required: true, defaultValue: "", options: [] },
  { key: "firstName", type: "text", label: "First name", required: true, defaultValue: "", options: [] },
  { key: "lastName", type: "text", label: "Last name", required: true, defaultValue: "", options: [] },
]);

/** A form row written straight to D1, as rows saved before a check was added look. */
async function storedForm(values: { redirectUrl?: string | null; actions?: unknown[] }): Promise<string> {
  const id = `frm_${crypto.randomUUID().slice(0, 12)}`;
  await env.DB.prepare(
    `INSERT INTO forms (id, name, status, fields, actions, redirect_url, updated_at) VALUES (?, ?, 'live', ?, ?, ?, ?)`,
  )
    .bind(
      id,
      `Stored ${id}`,
      STORED_FIELDS,
      JSON.stringify(values.actions ?? []),
      values.redirectUrl ?? null,
      new Date().toISOString(),
    )
    .run();
  return id;
}

async function storedHandler(successUrl: string, errorUrl: string): Promise<string> {
  const id = `fh_${crypto.randomUUID().slice(0, 12)}`;
  await env.DB.prepare(
    `INSERT INTO form_handlers (id, name, field_map, success_url, error_url, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      `Stored ${id}`,
      JSON.stringify({ email: "email", first_name: "firstName", last_name: "lastName" }),
      successUrl,
      errorUrl,
      new Date().toISOString(),
    )
    .run();
  return id;
}

function postHandler(id: string, fields: Record<string, string>): Promise<Response> {
  return call(`/fh/${id}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": visitorIp() },
  });
}

function saveHandler(fields: Record<string, string>, id?: string): Promise<Response> {
  return call(id ? `/admin/form-handlers/${id}` : "/admin/form-handlers", {
    method: "POST",
    cookie: session.cookie,
    ...form({
      _csrf: session.csrf,
      field_map: "email = email\nfirst_name = firstName\nlast_name = lastName",
      success_url: "https://customer.example/thanks",
      error_url: "https://customer.example/oops",
      ...fields,
    }),
  });
}

const person = (email: string) => ({ email, firstName: "Ada", lastName: "Lovelace" });
const handlerPerson = (email: string) => ({ email, first_name: "Hal", last_name: "Dler" });

const BAD_URLS: [string, string][] = [
  ["CR/LF", "https://customer.example/thanks\r\nSet-Cookie: x=1"],
  ["LF", "https://customer.example/th\nanks"],
  ["tab", "https://customer.example/th\tanks"],
  ["NUL", "https://customer.example/\u0000thanks"],
  ["ESC", "https://customer.example/\u001bthanks"],
  ["DEL", "https://customer.example/\u007fthanks"],
  ["C1 NEL", "https://customer.example/\u0085thanks"],
  ["javascript:", "javascript:alert(1)"],
  ["data:", "data:text/html,<script>alert(1)</script>"],
  ["relative", "/thanks"],
];

describe("redirect addresses", () => {
  it.each(BAD_URLS)(
    "a form redirect with %s is refused at save with 422 on the field, nothing saved",
    async (_, url) => {
      const name = `Bad redirect ${crypto.randomUUID().slice(0, 6)}`;
      const html = await expectStatus(
        await saveForm(session, builderBody(session, { name, fields: NAME_FIELDS, extra: { redirect_url: url } })),
        422,
      );
      expect(fieldError(html, "redirect_url")).toBeTruthy();
      expect(await rows("SELECT id FROM forms WHERE name = ?", name)).toHaveLength(0);
    },
  );

  it.each(BAD_URLS)(
    "a handler success or error URL with %s is refused at save with 422 on the field",
    async (_, url) => {
      for (const field of ["success_url", "error_url"]) {
        const name = `Bad handler ${crypto.randomUUID().slice(0, 6)}`;
        const html = await expectStatus(await saveHandler({ name, [field]: url }), 422);
        expect(fieldError(html, field), field).toBeTruthy();
        expect(await rows("SELECT id FROM form_handlers WHERE name = ?", name)).toHaveLength(0);
      }
    },
  );

  it("stores the parser's normal form of an address", async () => {
    const name = `Normal ${crypto.randomUUID().slice(0, 6)}`;
    const res = await saveForm(
      session,
      builderBody(session, { name, fields: NAME_FIELDS, extra: { redirect_url: "HTTPS://Customer.Example/a b?q=ü" } }),
    );
    expect(res.status).toBe(303);
    const [row] = await rows<{ redirect_url: string }>("SELECT redirect_url FROM forms WHERE name = ?", name);
    expect(row?.redirect_url).toBe("https://customer.example/a%20b?q=%C3%BC");
    const handlerName = `Normal handler ${crypto.randomUUID().slice(0, 6)}`;
    expect((await saveHandler({ name: handlerName, success_url: "https://Customer.Example/ok" })).status).toBe(303);
    const [h] = await rows<{ success_url: string }>(
      "SELECT success_url FROM form_handlers WHERE name = ?",
      handlerName,
    );
    expect(h?.success_url).toBe("https://customer.example/ok");
  });

  it("a form saved before the check with a CR/LF redirect answers the thank-you, and a retry stores nothing twice", async () => {
    const id = await storedForm({ redirectUrl: "https://customer.example/thanks\r\nSet-Cookie: x=1" });
    const body = person("crlf@example.com");
    const first = await submit(id, body);
    expect(await expectStatus(first, 200)).toContain("Thank you");
    expect(first.headers.get("set-cookie")).toBeNull();
    expect(await expectStatus(await submit(id, body, { "hx-request": "true" }), 200)).toContain("Thank you");
    expect(await rows("SELECT id FROM submissions WHERE form_id = ?", id)).toHaveLength(1);
    // The page itself renders too, without the unusable address in its CSP.
    expect((await call(`/f/${id}`)).status).toBe(200);
  });

  it("a form saved before the check with a javascript: redirect shows the thank-you, never the link", async () => {
    const id = await storedForm({ redirectUrl: "javascript:alert(1)" });
    const html = await expectStatus(await submit(id, person("js@example.com"), { "hx-request": "true" }), 200);
    expect(html).toContain("Thank you");
    expect(html).not.toContain("javascript:");
  });

  it("a handler saved before the check with unusable URLs answers pages of its own, storing each submission once", async () => {
    const id = await storedHandler("https://customer.example/ok\r\nX-Evil: 1", "javascript:alert(1)");
    const ok = handlerPerson("handler-crlf@example.com");
    expect(await expectStatus(await postHandler(id, ok), 200)).toContain("Thank you");
    expect(await expectStatus(await postHandler(id, ok), 200)).toContain("Thank you");
    const bad = await expectStatus(await postHandler(id, { email: "nope", first_name: "Hal", last_name: "D" }), 422);
    expect(bad).toContain("valid email");
    expect(bad).not.toContain("javascript:");
    expect(await rows("SELECT id FROM submissions WHERE handler_id = ?", id)).toHaveLength(1);
  });
});

const DAY = 86_400_000;

/** A webinar row of an (unverified) connector, straight in D1: the save checks need no GoTo. */
async function storedWebinar(startDays: number, status: "scheduled" | "cancelled" = "scheduled"): Promise<string> {
  const id = `web_${crypto.randomUUID().slice(0, 12)}`;
  const starts = new Date(Date.now() + startDays * DAY).toISOString();
  const ends = new Date(Date.now() + startDays * DAY + 3_600_000).toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT OR IGNORE INTO connectors (id, type, organizer_email) VALUES ('con_targets', 'gotowebinar', 'targets@example.com')",
    ),
    env.DB.prepare(
      `INSERT INTO webinars (id, connector_id, webinar_key, subject, times, starts_at, ends_at, status, updated_at)
       VALUES (?, 'con_targets', ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(
      id,
      String(Math.floor(Math.random() * 1e15)),
      `Webinar ${id}`,
      JSON.stringify([{ startTime: starts, endTime: ends }]),
      starts,
      ends,
      status,
      new Date().toISOString(),
    ),
  ]);
  return id;
}

async function storedList(): Promise<string> {
  const id = `lst_${crypto.randomUUID().slice(0, 12)}`;
  await env.DB.prepare("INSERT INTO lists (id, name) VALUES (?, ?)").bind(id, `List ${id}`).run();
  return id;
}

async function storedCampaign(): Promise<string> {
  const id = `cmp_${crypto.randomUUID().slice(0, 12)}`;
  await env.DB.prepare("INSERT INTO campaigns (id, name) VALUES (?, ?)").bind(id, `Campaign ${id}`).run();
  return id;
}

function savedId(res: Response, kind: "forms" | "form-handlers"): string {
  const id = new RegExp(`/admin/${kind}/([\\w-]+)\\?saved`).exec(res.headers.get("location") ?? "")?.[1];
  if (!id) throw new Error(`not saved: ${res.status}`);
  return id;
}

describe("completion-action targets", () => {
  it("a hand-made save naming an unknown webinar, list or campaign, or a past or cancelled webinar, is refused with 422 on that control", async () => {
    const cases: [string, string][] = [
      ["register_webinar", "web_does_not_exist"],
      ["register_webinar", await storedWebinar(-3)],
      ["register_webinar", await storedWebinar(5, "cancelled")],
      ["add_to_list", "lst_does_not_exist"],
      ["assign_campaign", "cmp_does_not_exist"],
    ];
    for (const [control, value] of cases) {
      const name = `Targets ${crypto.randomUUID().slice(0, 6)}`;
      const formHtml = await expectStatus(
        await saveForm(session, builderBody(session, { name, fields: NAME_FIELDS, extra: { [control]: value } })),
        422,
      );
      expect(fieldError(formHtml, control), `form ${control}=${value}`).toBeTruthy();
      expect(await rows("SELECT id FROM forms WHERE name = ?", name)).toHaveLength(0);
      const handlerHtml = await expectStatus(await saveHandler({ name, [control]: value }), 422);
      expect(fieldError(handlerHtml, control), `handler ${control}=${value}`).toBeTruthy();
      expect(await rows("SELECT id FROM form_handlers WHERE name = ?", name)).toHaveLength(0);
    }
  });

  it("a form whose list and campaign were deleted after saving keeps the submission, runs the other actions and shows what it skipped", async () => {
    const [listId, campaignId] = [await storedList(), await storedCampaign()];
    const res = await saveForm(
      session,
      builderBody(session, {
        name: `Vanishing ${crypto.randomUUID().slice(0, 6)}`,
        fields: NAME_FIELDS,
        extra: { add_to_list: listId, assign_campaign: campaignId, add_tag: "kept", adjust_score: "7" },
      }),
    );
    const formId = savedId(res, "forms");
    await env.DB.batch([
      env.DB.prepare("DELETE FROM lists WHERE id = ?").bind(listId),
      env.DB.prepare("DELETE FROM campaigns WHERE id = ?").bind(campaignId),
    ]);
    expect(await expectStatus(await submit(formId, person("vanish@example.com")), 200)).toContain("Thank you");
    const subs = await rows<{ status: string; skipped_actions: string; prospect_id: string }>(
      "SELECT * FROM submissions WHERE form_id = ?",
      formId,
    );
    expect(subs).toHaveLength(1);
    expect(subs[0]?.status).toBe("accepted");
    expect(JSON.parse(subs[0]?.skipped_actions ?? "null")).toEqual([
      { type: "add_to_list", id: listId },
      { type: "assign_campaign", id: campaignId },
    ]);
    const [p] = await rows<{ id: string; campaign_id: string | null; score: number }>(
      "SELECT * FROM prospects WHERE email = 'vanish@example.com'",
    );
    expect(p?.campaign_id).toBeNull();
    expect(await rows("SELECT * FROM prospect_tags WHERE prospect_id = ? AND tag = 'kept'", p?.id)).toHaveLength(1);
    expect(
      await rows("SELECT * FROM activities WHERE prospect_id = ? AND type = 'score_adjusted' AND points = 7", p?.id),
    ).toHaveLength(1);
    const page = await (await call(`/admin/forms/${formId}/submissions`, { cookie: session.cookie })).text();
    expect(page).toContain(`Add to list skipped: ${listId} no longer exists`);
    expect(page).toContain(`Assign campaign skipped: ${campaignId} no longer exists`);
  });

  it("a handler whose webinar, list and campaign were deleted after saving keeps the submission and records all three", async () => {
    const [webinarId, listId, campaignId] = [await storedWebinar(9), await storedList(), await storedCampaign()];
    const res = await saveHandler({
      name: `Vanishing handler ${crypto.randomUUID().slice(0, 6)}`,
      register_webinar: webinarId,
      add_to_list: listId,
      assign_campaign: campaignId,
      add_tag: "handler-kept",
    });
    const handlerId = savedId(res, "form-handlers");
    await env.DB.batch([
      env.DB.prepare("DELETE FROM webinars WHERE id = ?").bind(webinarId),
      env.DB.prepare("DELETE FROM lists WHERE id = ?").bind(listId),
      env.DB.prepare("DELETE FROM campaigns WHERE id = ?").bind(campaignId),
    ]);
    const answer = await postHandler(handlerId, handlerPerson("handler-vanish@example.com"));
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("https://customer.example/thanks");
    const subs = await rows<{ skipped_actions: string }>("SELECT * FROM submissions WHERE handler_id = ?", handlerId);
    expect(subs).toHaveLength(1);
    expect(JSON.parse(subs[0]?.skipped_actions ?? "null").map((a: { type: string }) => a.type)).toEqual([
      "register_webinar",
      "add_to_list",
      "assign_campaign",
    ]);
    const [p] = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'handler-vanish@example.com'");
    expect(await rows("SELECT * FROM registrations WHERE prospect_id = ?", p?.id)).toHaveLength(0);
    expect(await rows("SELECT * FROM prospect_tags WHERE prospect_id = ?", p?.id)).toHaveLength(1);
    const page = await (await call(`/admin/form-handlers/${handlerId}/submissions`, { cookie: session.cookie })).text();
    expect(page).toContain(`Register for webinar skipped: ${webinarId} no longer exists`);
  });

  it("a form stored with a webinar id that never existed keeps every submission, each recorded as skipping it", async () => {
    const formId = await storedForm({
      actions: [
        {
          type: "register_webinar",
          webinarId: "web_never_was",
          mapping: {},
          goto: { fetchedAt: new Date().toISOString(), fields: [], questions: [] },
        },
      ],
    });
    expect(await expectStatus(await submit(formId, person("never@example.com")), 200)).toContain("Thank you");
    expect(await expectStatus(await submit(formId, person("never2@example.com")), 200)).toContain("Thank you");
    const subs = await rows<{ skipped_actions: string }>("SELECT * FROM submissions WHERE form_id = ?", formId);
    expect(subs.map((s) => JSON.parse(s.skipped_actions))).toEqual([
      [{ type: "register_webinar", id: "web_never_was" }],
      [{ type: "register_webinar", id: "web_never_was" }],
    ]);
  });
});
