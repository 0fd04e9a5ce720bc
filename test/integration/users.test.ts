import { describe, expect, it } from "vitest";
import { ADMIN, call, form, login, rows } from "../helpers";

describe("Settings > Users", () => {
  it("adds a marketer who can then log in", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const res = await call("/admin/settings/users", {
      method: "POST",
      cookie: admin.cookie,
      ...form({
        _csrf: admin.csrf,
        email: "New.Marketer@Example.com",
        name: "New Marketer",
        role: "marketer",
        password: "first-password-123",
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Added new.marketer@example.com");
    const [row] = await rows<{ role: string }>("SELECT role FROM users WHERE email = 'new.marketer@example.com'");
    expect(row?.role).toBe("marketer");
    await login("new.marketer@example.com", "first-password-123");
  });

  it("says what to fix, field by field, with 422 and keeps what was typed", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const res = await call("/admin/settings/users", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, email: "not-an-email", name: "", role: "owner", password: "short" }),
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Enter a valid email address");
    expect(html).toContain("Enter a name.");
    expect(html).toContain("Choose a role");
    expect(html).toContain("at least 12 characters");
    expect(html).toContain('value="not-an-email"');
    expect(await rows("SELECT id FROM users WHERE email = 'not-an-email'")).toHaveLength(0);
  });

  it("refuses a second user with the same email (any case) with 409", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const res = await call("/admin/settings/users", {
      method: "POST",
      cookie: admin.cookie,
      ...form({
        _csrf: admin.csrf,
        email: ADMIN.email.toUpperCase(),
        name: "Copy",
        role: "admin",
        password: "another-password-1",
      }),
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("already exists");
  });

  it("escapes what users type when it is shown again", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const res = await call("/admin/settings/users", {
      method: "POST",
      cookie: admin.cookie,
      ...form({
        _csrf: admin.csrf,
        email: "<script>alert(1)</script>",
        name: "<img src=x onerror=alert(1)>",
        role: "marketer",
        password: "x",
      }),
    });
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;");
  });

  it("resets a password: the old one stops working, the new one works", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    await call("/admin/settings/users", {
      method: "POST",
      cookie: admin.cookie,
      ...form({
        _csrf: admin.csrf,
        email: "reset.me@example.com",
        name: "Reset Me",
        role: "marketer",
        password: "old-password-123",
      }),
    });
    const [user] = await rows<{ id: string }>("SELECT id FROM users WHERE email = 'reset.me@example.com'");
    const short = await call(`/admin/settings/users/${user?.id}/password`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, password: "short" }),
    });
    expect(short.status).toBe(422);
    const res = await call(`/admin/settings/users/${user?.id}/password`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, password: "new-password-456" }),
    });
    expect(res.status).toBe(200);
    const old = await call("/login", {
      method: "POST",
      ...form({ email: "reset.me@example.com", password: "old-password-123" }),
    });
    expect(old.status).toBe(401);
    await login("reset.me@example.com", "new-password-456");
  });

  it("does not let an admin deactivate themselves, and 404s an unknown user", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const [me] = await rows<{ id: string }>("SELECT id FROM users WHERE email = ?", ADMIN.email);
    const self = await call(`/admin/settings/users/${me?.id}/deactivate`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf }),
    });
    expect(self.status).toBe(409);
    const unknown = await call("/admin/settings/users/usr_nobody/deactivate", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf }),
    });
    expect(unknown.status).toBe(404);
    const [still] = await rows<{ active: number }>("SELECT active FROM users WHERE id = ?", me?.id);
    expect(still?.active).toBe(1);
  });
});
