import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, login, type Session } from "../helpers";
import { apiKey } from "./report-seed";

/** Caching, the API's auth scheme and wrong methods on the paths outside the browser area. */

let admin: Session;
let key: string;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  key = await apiKey();
});

describe("Cache-Control", () => {
  it("is no-store on admin pages, the login page, redirects to it and error pages", async () => {
    for (const path of ["/admin", "/admin/prospects", "/admin/settings", "/admin/nowhere"]) {
      const res = await call(path, { cookie: admin.cookie });
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    expect((await call("/login")).headers.get("cache-control")).toBe("no-store");
    const redirect = await call("/admin/prospects");
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("cache-control")).toBe("no-store");
  });

  it("is no-store on API answers, errors included", async () => {
    for (const [path, auth] of [
      ["/api/v1/webinars", `Bearer ${key}`],
      ["/api/v1/prospects?limit=nope", `Bearer ${key}`],
      ["/api/v1/webinars", "Bearer wrong"],
      ["/api/v1/openapi.json", `Bearer ${key}`],
    ] as const) {
      const res = await call(path, { headers: { authorization: auth } });
      expect(res.headers.get("cache-control"), `${path} ${res.status}`).toBe("no-store");
    }
  });

  it("is not forced on the public forms' stylesheet", async () => {
    const res = await call("/f/theme.css");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).not.toBe("no-store");
  });
});

describe("the API's Bearer scheme", () => {
  it.each(["Bearer", "bearer", "BEARER", "bEaReR"])("accepts %s in any case", async (scheme) => {
    const res = await call("/api/v1/key", { headers: { authorization: `${scheme} ${key}` } });
    expect(res.status).toBe(200);
  });

  it("still refuses a wrong shape and a wrong key", async () => {
    for (const header of [`Bearer  ${key}`, `Basic ${key}`, key, `bearer ${key}x`]) {
      const res = await call("/api/v1/key", { headers: { authorization: header } });
      expect(res.status, header).toBe(401);
    }
  });
});

describe("wrong methods outside the browser area", () => {
  const cases: [string, string, string][] = [
    ["PUT", "/f/frm_nope", "GET, HEAD, POST"],
    ["DELETE", "/f/frm_nope", "GET, HEAD, POST"],
    ["PATCH", "/f/frm_nope/embed.js", "GET, HEAD"],
    ["POST", "/f/frm_nope/embed.js", "GET, HEAD"],
    ["GET", "/fh/fh_nope", "POST"],
    ["PUT", "/fh/fh_nope", "POST"],
    ["DELETE", "/fh/fh_nope", "POST"],
    ["PUT", "/webhooks/goto/con_nope", "GET, HEAD, POST"],
    ["DELETE", "/webhooks/goto/con_nope", "GET, HEAD, POST"],
    ["POST", "/webhooks/goto", "GET, HEAD"],
  ];
  it.each(cases)("%s %s answers 405 with Allow: %s", async (method, path, allow) => {
    // As another site (or GoTo) would send it: cross-origin, no session.
    const res = await call(path, { method, headers: { origin: "https://customer.example" } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    const text = await res.text();
    expect(text).toContain("answers");
    if (path.startsWith("/webhooks/")) expect(JSON.parse(text).error.code).toBe("method_not_allowed");
  });

  it.each([
    ["POST", "/fh/fh_nope/extra"],
    ["PUT", "/f/a/b/c"],
    ["POST", "/webhooks/goto/con_nope/extra"],
    ["DELETE", "/webhooks/other"],
  ])("%s %s answers 404, not the CSRF refusal", async (method, path) => {
    const res = await call(path, { method, headers: { origin: "https://customer.example" } });
    expect(res.status).toBe(404);
  });
});
