import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApiKey } from "../../src/auth/api-keys";
import { createDb } from "../../src/db/client";
import { revokeApiKey } from "../../src/db/queries/api-keys";
import { call } from "../helpers";

async function newKey(name = "test key"): Promise<{ id: string; key: string }> {
  return createApiKey(createDb(env.DB), name, null);
}

async function expectJsonError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
}

describe("/api/v1 authentication", () => {
  it("answers 401 JSON without a key", async () => {
    await expectJsonError(await call("/api/v1/key"), 401, "unauthorized");
  });

  it.each([
    ["Basic dXNlcjpwYXNz"],
    ["Bearer"],
    ["Bearer  two  spaces"],
    ["bearer-less rc_live_abc"],
    ["Token rc_live_abc"],
  ])("answers 401 JSON to a malformed header (%s)", async (header) => {
    await expectJsonError(
      await call("/api/v1/key", { headers: { authorization: header } }),
      401,
      "invalid_authorization_header",
    );
  });

  it("answers 401 JSON to a key that does not exist", async () => {
    const res = await call("/api/v1/key", { headers: { authorization: `Bearer rc_live_${"A".repeat(43)}` } });
    await expectJsonError(res, 401, "invalid_api_key");
  });

  it("answers 401 JSON to a revoked key", async () => {
    const { id, key } = await newKey();
    expect((await call("/api/v1/key", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    await revokeApiKey(createDb(env.DB), id, new Date().toISOString());
    await expectJsonError(
      await call("/api/v1/key", { headers: { authorization: `Bearer ${key}` } }),
      401,
      "invalid_api_key",
    );
  });

  it("accepts an active key and records when it was used", async () => {
    const { id, key } = await newKey("BI export");
    const res = await call("/api/v1/key", { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; name: string; prefix: string; last_used_at: string | null };
    expect(body).toMatchObject({ id, name: "BI export", prefix: key.slice(0, 12) });
    const row = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?")
      .bind(id)
      .first<{ last_used_at: string }>();
    expect(row?.last_used_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("answers unknown API routes with 404 JSON", async () => {
    const { key } = await newKey();
    await expectJsonError(
      await call("/api/v1/nope", { headers: { authorization: `Bearer ${key}` } }),
      404,
      "not_found",
    );
  });
});

describe("/api/v1 lists", () => {
  it.each(["0", "501", "abc", "-1", "1.5", "9999"])("refuses limit=%s with 400 JSON", async (limit) => {
    const { key } = await newKey();
    const res = await call(`/api/v1/audit-log?limit=${limit}`, { headers: { authorization: `Bearer ${key}` } });
    await expectJsonError(res, 400, "invalid_request");
  });

  it("refuses a cursor it did not give out", async () => {
    const { key } = await newKey();
    const res = await call("/api/v1/audit-log?cursor=bm9wZQ", { headers: { authorization: `Bearer ${key}` } });
    await expectJsonError(res, 400, "invalid_cursor");
  });

  it("pages through the audit log with cursors, each entry once", async () => {
    const { key } = await newKey();
    for (let i = 0; i < 7; i++) await newKey(`k${i}`);
    for (let i = 0; i < 7; i++) {
      await env.DB.prepare("INSERT INTO audit_log (action, subject) VALUES ('test.event', ?)").bind(`e${i}`).run();
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : "?limit=3";
      const res = await call(`/api/v1/audit-log${query}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { id: string; subject: string }[]; next_cursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(3);
      seen.push(...body.data.map((d) => d.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    const [count] = (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").all<{ n: number }>()).results;
    expect(seen).toHaveLength(count?.n ?? -1);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe("/api/v1/openapi.json", () => {
  it("is public and documents the routes from the same schemas that validate them", async () => {
    const res = await call("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<
        string,
        { get?: { parameters?: { name: string; schema: { pattern?: string } }[]; responses: Record<string, unknown> } }
      >;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0]?.url).toBe("/api/v1");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/key", "/audit-log"]));
    const limit = doc.paths["/audit-log"]?.get?.parameters?.find((p) => p.name === "limit");
    expect(limit?.schema.pattern).toBe("^\\d{1,3}$");
    expect(doc.paths["/key"]?.get?.responses).toHaveProperty("401");
  });
});
