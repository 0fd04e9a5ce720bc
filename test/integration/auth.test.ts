import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SESSION_TTL_MS } from "../../src/auth/session";
import { MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP } from "../../src/domain/login-throttle";
import { ADMIN, call, form, login, makeUser, rows } from "../helpers";

async function sessionCount(): Promise<number> {
  const [row] = await rows<{ n: number }>("SELECT count(*) AS n FROM sessions");
  return row?.n ?? 0;
}

describe("first admin", () => {
  it("is created from ADMIN_EMAIL / ADMIN_PASSWORD and can log in", async () => {
    await call("/login");
    const admins = await rows<{ email: string; role: string }>("SELECT email, role FROM users WHERE role = 'admin'");
    expect(admins).toEqual([{ email: ADMIN.email, role: "admin" }]);
    const session = await login(ADMIN.email, ADMIN.password);
    const page = await (await call("/admin", { cookie: session.cookie })).text();
    expect(page).toContain("Welcome, Administrator");
  });
});

describe("login", () => {
  it("refuses a wrong password with a message and no session", async () => {
    const user = await makeUser("marketer");
    const before = await sessionCount();
    const res = await call("/login", { method: "POST", ...form({ email: user.email, password: "not the password" }) });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("That email and password do not match an active account.");
    expect(await sessionCount()).toBe(before);
  });

  it("answers an unknown email exactly like a wrong password", async () => {
    const res = await call("/login", {
      method: "POST",
      ...form({ email: "nobody@example.com", password: "whatever-it-is" }),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("That email and password do not match an active account.");
  });

  it("asks for both fields when one is missing", async () => {
    const res = await call("/login", { method: "POST", ...form({ email: "", password: "" }) });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Enter your email and password.");
  });

  it("accepts the email in any case and sends the user where they were going", async () => {
    const user = await makeUser("marketer");
    const res = await call("/login", {
      method: "POST",
      ...form({ email: user.email.toUpperCase(), password: user.password, next: "/admin/prospects" }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/prospects");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // localhost; anywhere else the cookie is Secure
  });

  it("never redirects off-site after login", async () => {
    const user = await makeUser("marketer");
    const res = await call("/login", {
      method: "POST",
      ...form({ email: user.email, password: user.password, next: "//evil.example/phish" }),
    });
    expect(res.headers.get("location")).toBe("/admin");
  });

  it("refuses a deactivated user", async () => {
    const user = await makeUser("marketer");
    await env.DB.prepare("UPDATE users SET active = 0 WHERE id = ?").bind(user.id).run();
    const res = await call("/login", { method: "POST", ...form({ email: user.email, password: user.password }) });
    expect(res.status).toBe(401);
  });
});

describe("throttling", () => {
  it("starts after repeated failures for one email, even with the right password", async () => {
    const user = await makeUser("marketer");
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      const res = await call("/login", { method: "POST", ...form({ email: user.email, password: `wrong-${i}` }) });
      expect(res.status).toBe(401);
    }
    const res = await call("/login", { method: "POST", ...form({ email: user.email, password: user.password }) });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("900");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("Too many failed attempts");
  });

  it("starts after repeated failures from one IP across many emails", async () => {
    const ip = "203.0.113.9";
    for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
      await call("/login", {
        method: "POST",
        ...form({ email: `guess-${i}@example.com`, password: "x-password" }),
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip },
      });
    }
    const user = await makeUser("marketer");
    const blocked = await call("/login", {
      method: "POST",
      ...form({ email: user.email, password: user.password }),
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip },
    });
    expect(blocked.status).toBe(429);
    const elsewhere = await call("/login", {
      method: "POST",
      ...form({ email: user.email, password: user.password }),
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.7" },
    });
    expect(elsewhere.status).toBe(303);
  });
});

describe("sessions", () => {
  it("refuses an expired session and removes it", async () => {
    const user = await makeUser("marketer");
    const session = await login(user.email, user.password);
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), user.id)
      .run();
    const res = await call("/admin", { cookie: session.cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2Fadmin");
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toHaveLength(0);
  });

  it("slides the expiry forward when a session is used after a day", async () => {
    const user = await makeUser("marketer");
    const session = await login(user.email, user.password);
    const soon = new Date(Date.now() + SESSION_TTL_MS / 2).toISOString();
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?").bind(soon, user.id).run();
    const res = await call("/admin", { cookie: session.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toContain("rollcall_session=");
    const [row] = await rows<{ expires_at: string }>("SELECT expires_at FROM sessions WHERE user_id = ?", user.id);
    expect(Date.parse(row?.expires_at ?? "")).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);
  });

  it("refuses a made-up or tampered token", async () => {
    const user = await makeUser("marketer");
    const session = await login(user.email, user.password);
    const tampered = session.cookie.replace(/.$/, (ch) => (ch === "A" ? "B" : "A"));
    expect((await call("/admin", { cookie: tampered })).status).toBe(302);
    expect((await call("/admin", { cookie: "rollcall_session=<script>" })).status).toBe(302);
  });

  it("ends the session on logout", async () => {
    const user = await makeUser("marketer");
    const session = await login(user.email, user.password);
    const res = await call("/logout", { method: "POST", cookie: session.cookie, ...form({ _csrf: session.csrf }) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?loggedOut=1");
    expect((await call("/admin", { cookie: session.cookie })).status).toBe(302);
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toHaveLength(0);
  });

  it("ends a user's sessions when an admin deactivates them", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const user = await makeUser("marketer");
    const theirs = await login(user.email, user.password);
    const res = await call(`/admin/settings/users/${user.id}/deactivate`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf }),
    });
    expect(res.status).toBe(200);
    expect((await call("/admin", { cookie: theirs.cookie })).status).toBe(302);
  });
});
