import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, form, login, makeUser } from "../helpers";

/** Every text value in every table of D1, to search for secrets that must never be stored. */
async function everyStoredValue(): Promise<string[]> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
  ).all<{ name: string }>();
  const values: string[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>();
    for (const row of rows.results)
      for (const value of Object.values(row)) if (typeof value === "string") values.push(value);
  }
  return values;
}

describe("secrets at rest", () => {
  it("stores no password, session token or API key in plain text", async () => {
    const user = await makeUser("marketer", "marketer-secret-password");
    const session = await login(user.email, user.password);
    const admin = await login(ADMIN.email, ADMIN.password);
    const created = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, name: "secret check" }),
    });
    const key = /id="new-key"[^>]*value="([^"]+)"/.exec(await created.text())?.[1] ?? "";
    expect(key).toMatch(/^rc_live_/);
    const reset = await call(`/admin/settings/users/${user.id}/password`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, password: "reset-secret-password" }),
    });
    expect(reset.status).toBe(200);

    const sessionToken = session.cookie.split("=")[1] ?? "";
    const adminToken = admin.cookie.split("=")[1] ?? "";
    const secrets = [
      user.password,
      "reset-secret-password",
      ADMIN.password,
      sessionToken,
      adminToken,
      key,
      key.slice(8),
    ];
    const stored = await everyStoredValue();
    expect(stored.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(stored.filter((value) => value.includes(secret))).toEqual([]);
    }

    // What is stored instead: PBKDF2 hashes with their parameters, SHA-256 hex of tokens and keys.
    const hashes = await env.DB.prepare("SELECT password_hash FROM users").all<{ password_hash: string }>();
    for (const { password_hash } of hashes.results) expect(password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    const sessions = await env.DB.prepare("SELECT id FROM sessions").all<{ id: string }>();
    for (const { id } of sessions.results) expect(id).toMatch(/^[0-9a-f]{64}$/);
    const keys = await env.DB.prepare("SELECT key_hash, prefix FROM api_keys").all<{
      key_hash: string;
      prefix: string;
    }>();
    for (const row of keys.results) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.prefix).toHaveLength(12);
    }
  });
});
