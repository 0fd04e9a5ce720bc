import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, login } from "../helpers";

describe("the dashboard", () => {
  it("shows connectors, upcoming webinars and prospects, and warns about refused registrations", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO connectors (id, type, organizer_email, status) VALUES ('con_dash', 'gotowebinar', 'o@example.com', 'verified')",
      ),
      env.DB.prepare(
        "INSERT INTO webinars (id, connector_id, webinar_key, subject, times, starts_at, ends_at, updated_at) VALUES ('web_dash', 'con_dash', '1', 'Dash', '[]', ?, ?, ?)",
      ).bind(later, later, now),
      env.DB.prepare(
        "INSERT INTO prospects (id, email, source, updated_at) VALUES ('pro_dash', 'p@example.com', 'form', ?)",
      ).bind(now),
      env.DB.prepare(
        "INSERT INTO registrations (id, prospect_id, webinar_id, status, source, registered_at, updated_at) VALUES ('reg_dash', 'pro_dash', 'web_dash', 'error', 'form', ?, ?)",
      ).bind(now, now),
    ]);
    const html = await (await call("/admin", { cookie: admin.cookie })).text();
    expect(html).toMatch(/Connectors<\/h2><p class="figure">1</);
    expect(html).toMatch(/Upcoming webinars<\/h2><p class="figure">1</);
    expect(html).toMatch(/Prospects<\/h2><p class="figure">1</);
    expect(html).toContain("GoTo refused 1 registration.");
  });
});

describe("the navigation", () => {
  it("marks the area a page belongs to, including Forms for form handlers and filters", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    for (const [path, label] of [
      ["/admin", "Dashboard"],
      ["/admin/connectors", "Connectors"],
      ["/admin/filters", "Forms"],
      ["/admin/form-handlers", "Forms"],
      ["/admin/settings/users", "Settings"],
    ]) {
      const html = await (await call(path ?? "", { cookie: admin.cookie })).text();
      const current = [...html.matchAll(/aria-current="page">([^<]+)</g)].map((m) => m[1]);
      expect(current, path).toEqual([label]);
    }
  });
});
