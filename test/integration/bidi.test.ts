import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { builderBody, liveForm, NAME_FIELDS, submit } from "./form-helpers";

/**
 * Bidi overrides and zero-width spaces (U+202E, U+200B and friends) typed into admin inputs or a
 * public form are stored without them, and no page shows them: a list cannot be made to lie.
 */

const RLO = "\u202e";
const ZWSP = "\u200b";
const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const tricky = (text: string): string => `${ZWSP}${text}${RLO}gpj.exe${ZWSP}\u2066x\u2069`;

let admin: Session;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
});

async function page(path: string): Promise<string> {
  const res = await call(path, { cookie: admin.cookie });
  expect(res.status, path).toBe(200);
  return res.text();
}

function expectClean(html: string, where: string): void {
  const hit = INVISIBLE.exec(html);
  expect(
    hit
      ? `${where}: U+${hit[0].codePointAt(0)?.toString(16)} near ${JSON.stringify(html.slice(Math.max(0, hit.index - 40), hit.index + 40))}`
      : null,
  ).toBeNull();
}

describe("invisible characters at the HTTP edges", () => {
  it("a user's name and email, a list and an API key name are stored and shown without them", async () => {
    const email = `bidi-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const created = await call("/admin/settings/users", {
      method: "POST",
      cookie: admin.cookie,
      ...form({
        _csrf: admin.csrf,
        email: `${ZWSP}${email}`,
        name: tricky("Eve"),
        role: "marketer",
        password: `pass${ZWSP}word-long-enough`,
      }),
    });
    expect(created.status).toBe(200);
    const [user] = await rows<{ id: string; email: string; name: string }>(
      "SELECT id, email, name FROM users WHERE email = ?",
      email,
    );
    expect(user?.name).toBe("Evegpj.exex");
    // Passwords stay exactly as typed: the zero-width space is part of it.
    expect(
      (await call("/login", { method: "POST", ...form({ email, password: `pass${ZWSP}word-long-enough` }) })).status,
    ).toBe(303);

    const list = await call("/admin/lists", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, name: tricky("Customers") }),
    });
    expect(list.status).toBe(200);
    expectClean(await list.text(), "list flash");
    expect(await rows("SELECT name FROM lists WHERE name = ?", "Customersgpj.exex")).toHaveLength(1);

    await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, name: tricky("BI key") }),
    });
    expect(await rows("SELECT name FROM api_keys WHERE name = ?", "BI keygpj.exex")).toHaveLength(1);

    for (const path of ["/admin/settings/users", "/admin/lists", "/admin/settings/api-keys", "/admin"]) {
      expectClean(await page(path), path);
    }
    // And names from elsewhere (older rows, GoTo) are isolated where they are listed.
    expect(await page("/admin/settings/users")).toContain("<bdi>Evegpj.exex</bdi>");
  });

  it("a form's name, field labels, tag and a visitor's submission are stored and shown without them", async () => {
    const formId = await liveForm(
      admin,
      builderBody(admin, {
        name: tricky("Spring form"),
        fields: [...NAME_FIELDS, { key: "custom", custom: "notes", label: tricky("Notes") }],
        extra: { add_tag: tricky("vip") },
      }),
    );
    const [stored] = await rows<{ name: string; fields: string; actions: string }>(
      "SELECT name, fields, actions FROM forms WHERE id = ?",
      formId,
    );
    expect(stored?.name).toBe("Spring formgpj.exex");
    expect(stored?.fields).toContain('"Notesgpj.exex"');
    expect(stored?.actions).toContain('"vipgpj.exex"');

    const visitor = `visitor-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const res = await submit(formId, {
      email: `${visitor}${ZWSP}`,
      firstName: tricky("Ann"),
      lastName: `${RLO}Smith`,
      custom_notes: tricky("call me"),
      utm_source: tricky("news"),
    });
    expect(res.status).toBe(200);
    expectClean(await res.text(), "thank-you page");
    const [prospect] = await rows<{ id: string; first_name: string; last_name: string; custom_fields: string }>(
      "SELECT id, first_name, last_name, custom_fields FROM prospects WHERE email = ?",
      visitor,
    );
    expect(prospect).toMatchObject({ first_name: "Anngpj.exex", last_name: "Smith" });
    expect(prospect?.custom_fields).not.toMatch(INVISIBLE);
    expect(await rows("SELECT tag FROM prospect_tags WHERE prospect_id = ?", prospect?.id)).toEqual([
      { tag: "vipgpj.exex" },
    ]);
    const submissions = await rows<Record<string, string>>("SELECT * FROM submissions WHERE form_id = ?", formId);
    expect(submissions).toHaveLength(1);
    expect(JSON.stringify(submissions)).not.toMatch(INVISIBLE);

    for (const path of [
      "/admin/forms",
      `/admin/forms/${formId}`,
      `/admin/forms/${formId}/submissions`,
      `/admin/prospects?q=${visitor}`,
      `/admin/prospects/${prospect?.id}`,
    ]) {
      expectClean(await page(path), path);
    }
    const publicPage = await call(`/f/${formId}`);
    expectClean(await publicPage.text(), "public form");
  });
});
