import { describe, expect, it } from "vitest";
import { ADMIN_ONLY_PREFIXES, createApp } from "../../src/app";
import { call, form, login, makeUser } from "../helpers";

/** Every concrete route the app registered under /admin and /oauth, read from the router itself. */
function adminRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const route of createApp().routes) {
    const protectedArea = route.path.startsWith("/admin") || route.path.startsWith("/oauth");
    if (route.method === "ALL" || !protectedArea || route.path.includes("*")) continue;
    const path = route.path.replace(/:[A-Za-z]+/g, "x-id");
    const key = `${route.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: route.method, path });
  }
  return out;
}

const routes = adminRoutes();

describe("admin routes", () => {
  it("are found by reading the router (GET and POST both present)", () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.some((r) => r.method === "POST")).toBe(true);
    expect(routes.some((r) => r.path === "/admin/settings/api-keys" && r.method === "GET")).toBe(true);
  });

  it.each(routes)("$method $path redirects to the login page without a session", async ({ method, path }) => {
    const res = await call(path, { method, ...(method === "GET" ? {} : form({ anything: "1" })) });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?next=/);
  });

  it.each(routes)("$method $path tells htmx to load the login page without a session", async ({ method, path }) => {
    const res = await call(path, { method, headers: { "hx-request": "true" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("hx-redirect")).toMatch(/^\/login\?next=/);
  });

  const adminOnly = routes.filter((r) => ADMIN_ONLY_PREFIXES.some((p) => r.path === p || r.path.startsWith(`${p}/`)));

  it("has admin-only routes to check", () => {
    expect(adminOnly.length).toBeGreaterThanOrEqual(6);
  });

  it.each(adminOnly)("$method $path is refused to a marketer", async ({ method, path }) => {
    const marketer = await makeUser("marketer");
    const session = await login(marketer.email, marketer.password);
    const res = await call(path, {
      method,
      cookie: session.cookie,
      ...(method === "GET"
        ? {}
        : form({
            _csrf: session.csrf,
            name: "x",
            email: "x@example.com",
            password: "long-enough-password",
            role: "admin",
          })),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Only administrators can open this page.");
  });

  it("lets a marketer use the areas that are theirs, without admin links", async () => {
    const marketer = await makeUser("marketer");
    const session = await login(marketer.email, marketer.password);
    const shared = routes.filter(
      (r) => r.method === "GET" && r.path.startsWith("/admin") && !adminOnly.includes(r) && !r.path.includes("x-id"),
    );
    for (const route of shared) {
      const res = await call(route.path, { cookie: session.cookie });
      expect(res.status, route.path).toBe(200);
    }
    const settings = await (await call("/admin/settings", { cookie: session.cookie })).text();
    expect(settings).not.toContain('href="/admin/settings/users"');
  });
});
