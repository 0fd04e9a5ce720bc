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
