import { describe, expect, it } from "vitest";
import { ADMIN, call, form, login } from "../helpers";

describe("CSRF protection", () => {
  it("refuses a cross-origin POST even with a valid session and token", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const res = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, name: "sneaky" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("did not come from a Rollcall page");
  });

  it("refuses a POST the browser marks cross-site", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const res = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, name: "sneaky" }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "cross-site",
        origin: "http://localhost",
      },
    });
    expect(res.status).toBe(403);
  });

  it("refuses a POST with neither Origin nor Sec-Fetch-Site", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const res = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      sameOrigin: false,
      ...form({ _csrf: admin.csrf, name: "no origin" }),
    });
    expect(res.status).toBe(403);
  });

  it("refuses a same-origin POST without the session's token, or with another session's", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const other = await login(ADMIN.email, ADMIN.password);
    const missing = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ name: "x" }),
    });
    expect(missing.status).toBe(403);
    const wrong = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: other.csrf, name: "x" }),
    });
    expect(wrong.status).toBe(403);
  });

  it("accepts the token as the htmx header, and answers an htmx refusal as a fragment for the alert slot", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const ok = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      body: new URLSearchParams({ name: "via htmx" }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-csrf-token": admin.csrf,
        "hx-request": "true",
      },
    });
    expect(ok.status).toBe(201);
    const refused = await call("/admin/settings/api-keys", {
      method: "POST",
      cookie: admin.cookie,
      body: new URLSearchParams({ name: "via htmx" }),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-csrf-token": "wrong", "hx-request": "true" },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("hx-retarget")).toBe("#alerts");
    const body = await refused.text();
    expect(body).toContain('role="alert"');
    expect(body).not.toContain("<html");
  });
});

describe("security headers", () => {
  it("sends a CSP without inline script, nosniff, a referrer policy and no framing on admin pages", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    for (const path of ["/login", "/admin", "/admin/settings/users", "/no-such-page"]) {
      const res = await call(path, { cookie: admin.cookie });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("x-request-id"), path).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("renders no inline script anywhere", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    for (const path of ["/login", "/admin", "/admin/settings", "/admin/settings/users", "/admin/settings/api-keys"]) {
      const html = await (await call(path, { cookie: admin.cookie })).text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      for (const tag of scripts) expect(tag, path).toMatch(/\ssrc="\/(vendor|js)\//);
      expect(html, path).not.toMatch(/\son[a-z]+="/);
    }
  });
});
