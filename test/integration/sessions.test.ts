import { describe, expect, it } from "vitest";
import { MAX_SESSIONS_PER_USER } from "../../src/auth/session";
import { call, form, makeUser, rows, type Session } from "../helpers";

/** Sessions per user are capped, and Settings > Your sessions lists and ends them. */

async function loginAs(email: string, password: string, userAgent: string, ip = "203.0.113.7"): Promise<Session> {
  const { body, headers } = form({ email, password, next: "/admin" });
  const res = await call("/login", {
    method: "POST",
    headers: { ...headers, "user-agent": userAgent, "cf-connecting-ip": ip },
    body,
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await call("/admin/settings/sessions", { cookie })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  return { cookie, csrf };
}

async function alive(session: Session): Promise<boolean> {
  return (await call("/admin", { cookie: session.cookie })).status === 200;
}

async function sessionIdOf(userId: string, userAgent: string): Promise<string> {
  const [row] = await rows<{ id: string }>(
    "SELECT id FROM sessions WHERE user_id = ? AND user_agent = ?",
    userId,
    userAgent,
  );
  return row?.id ?? "";
}

describe("sessions per user", () => {
  it(`keeps at most ${MAX_SESSIONS_PER_USER}: the oldest ends when one more starts`, async () => {
    const user = await makeUser("marketer");
    const sessions: Session[] = [];
    for (let i = 1; i <= MAX_SESSIONS_PER_USER + 1; i++)
      sessions.push(await loginAs(user.email, user.password, `agent-${i}`));
    const left = await rows<{ user_agent: string }>("SELECT user_agent FROM sessions WHERE user_id = ?", user.id);
    expect(left).toHaveLength(MAX_SESSIONS_PER_USER);
    expect(left.map((r) => r.user_agent)).not.toContain("agent-1");
    expect(await alive(sessions[0] as Session)).toBe(false);
    expect(await alive(sessions[1] as Session)).toBe(true);
    expect(await alive(sessions[MAX_SESSIONS_PER_USER] as Session)).toBe(true);

    // Another user's sessions are not counted against this one.
    const other = await makeUser("marketer");
    const theirs = await loginAs(other.email, other.password, "their-agent");
    await loginAs(user.email, user.password, "agent-12");
    expect(await alive(theirs)).toBe(true);
  });
});

describe("Settings > Your sessions", () => {
  it("lists the user's own sessions with browser, IP and times, marks the current one, and fits a phone", async () => {
    const user = await makeUser("marketer");
    const someone = await makeUser("marketer");
    await loginAs(someone.email, someone.password, "someone-else-agent");
    await loginAs(user.email, user.password, "Firefox on the laptop", "198.51.100.4");
    const current = await loginAs(user.email, user.password, "Safari on the phone", "198.51.100.9");

    const settings = await (await call("/admin/settings", { cookie: current.cookie })).text();
    expect(settings).toContain('href="/admin/settings/sessions"');

    const res = await call("/admin/settings/sessions", { cookie: current.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Your sessions");
    expect(html).toContain("Firefox on the laptop");
    expect(html).toContain("Safari on the phone");
    expect(html).toContain("198.51.100.4");
    expect(html).not.toContain("someone-else-agent");
    expect(html.match(/This session/g)).toHaveLength(1);
    const currentRow = html.slice(html.indexOf("Safari on the phone"));
    expect(currentRow.slice(0, 200)).toContain("This session");
    // Tables become cards on a phone: every cell is labelled.
    expect(html).toContain('class="responsive"');
    const cells = html.match(/<td[^>]*>/g) ?? [];
    expect(cells.length).toBe(10);
    for (const cell of cells) expect(cell).toMatch(/data-label="[^"]+"/);
    expect(html).toContain("Log out other sessions");
    expect(html).toContain("hx-confirm=");
  });

  it("ends one other session (CSRF required), never the current one or another user's", async () => {
    const user = await makeUser("marketer");
    const old = await loginAs(user.email, user.password, "old-agent");
    const current = await loginAs(user.email, user.password, "current-agent");
    const oldId = await sessionIdOf(user.id, "old-agent");

    const noToken = await call(`/admin/settings/sessions/${oldId}/end`, {
      method: "POST",
      cookie: current.cookie,
      ...form({}),
    });
    expect(noToken.status).toBe(403);
    expect(await alive(old)).toBe(true);

    const other = await makeUser("marketer");
    const theirs = await loginAs(other.email, other.password, "their-agent");
    const theirId = await sessionIdOf(other.id, "their-agent");
    const foreign = await call(`/admin/settings/sessions/${theirId}/end`, {
      method: "POST",
      cookie: current.cookie,
      ...form({ _csrf: current.csrf }),
    });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toContain("That session has already ended.");
    expect(await alive(theirs)).toBe(true);

    const own = await call(`/admin/settings/sessions/${await sessionIdOf(user.id, "current-agent")}/end`, {
      method: "POST",
      cookie: current.cookie,
      ...form({ _csrf: current.csrf }),
    });
    expect(own.status).toBe(404);
    expect(await alive(current)).toBe(true);

    const res = await call(`/admin/settings/sessions/${oldId}/end`, {
      method: "POST",
      cookie: current.cookie,
      headers: { "hx-request": "true", "x-csrf-token": current.csrf },
    });
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment.startsWith('<div id="sessions"')).toBe(true);
    expect(fragment).toContain("Logged out that session.");
    expect(fragment).not.toContain("old-agent");
    expect(await alive(old)).toBe(false);
    expect(await alive(current)).toBe(true);
  });

  it("logs out every other session and keeps the current one", async () => {
    const user = await makeUser("marketer");
    const others = [
      await loginAs(user.email, user.password, "a-1"),
      await loginAs(user.email, user.password, "a-2"),
      await loginAs(user.email, user.password, "a-3"),
    ];
    const current = await loginAs(user.email, user.password, "a-current");
    const res = await call("/admin/settings/sessions/end-others", {
      method: "POST",
      cookie: current.cookie,
      ...form({ _csrf: current.csrf }),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Logged out 3 other sessions.");
    expect(html).not.toContain("Log out other sessions");
    for (const s of others) expect(await alive(s)).toBe(false);
    expect(await alive(current)).toBe(true);
    const left = await rows<{ user_agent: string }>("SELECT user_agent FROM sessions WHERE user_id = ?", user.id);
    expect(left).toEqual([{ user_agent: "a-current" }]);
    const [audit] = await rows<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'sessions.ended_others' AND actor_id = ?",
      user.id,
    );
    expect(audit?.detail).toBe("3");
  });
});
