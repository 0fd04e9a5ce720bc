import { describe, expect, it } from "vitest";
import { call, form, login, makeUser, rows } from "../helpers";
import { HOSTILE_NEXT, isSameOriginPath } from "../next-corpus";

/** The post-login redirect over HTTP: whatever `next` holds, the user stays on the site. */

/** Query strings as an attacker would write them in a link, percent-encoding included. */
const RAW_QUERIES = [
  "next=/%09/evil.example",
  "next=%09//evil.example",
  "next=/%5Cevil.example",
  "next=%5C%5Cevil.example",
  "next=//evil.example",
  "next=%2F%2Fevil.example",
  "next=///evil.example",
  "next=/%0d%0a/evil.example",
  "next=/admin%0D%0ASet-Cookie:%20x=1",
  "next=/%E2%80%AE/evil.example",
  "next=/%C2%A0/evil.example",
  "next=https://evil.example",
  "next=javascript:alert(1)",
  "next=data:text/html,x",
];
const QUERIES = [...RAW_QUERIES, ...HOSTILE_NEXT.map((n) => `next=${encodeURIComponent(n)}`)];

function pageNext(html: string): string | null {
  const raw = /name="next" value="([^"]*)"/.exec(html)?.[1];
  if (raw === undefined) return null;
  return raw
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

async function sessionsOf(userId: string): Promise<number> {
  const [row] = await rows<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE user_id = ?", userId);
  return row?.n ?? 0;
}

describe("GET /login?next=...", () => {
  it.each(QUERIES.map((q) => [q]))("logged out, %s: the form only carries a path on our site", async (query) => {
    const res = await call(`/login?${query}`);
    expect(res.status === 200 || res.status === 400, `${res.status}`).toBe(true);
    expect(isSameOriginPath(pageNext(await res.text()))).toBe(true);
  });

  it("logged in: every variant redirects to a path on our site, or answers 400", async () => {
    const user = await makeUser("marketer");
    const session = await login(user.email, user.password);
    for (const query of QUERIES) {
      const res = await call(`/login?${query}`, { cookie: session.cookie });
      expect([302, 400], query).toContain(res.status);
      if (res.status === 302) expect(isSameOriginPath(res.headers.get("location")), query).toBe(true);
    }
    const kept = await call("/login?next=%2Fadmin%2Fprospects%3Fq%3Dann", { cookie: session.cookie });
    expect(kept.headers.get("location")).toBe("/admin/prospects?q=ann");
  });

  it("answers CR/LF in next with 400 and a message", async () => {
    const res = await call("/login?next=/admin%0D%0ASet-Cookie:%20x=1");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("The link you followed is broken");
  });
});

describe("POST /login with next", () => {
  it("every variant logs in and lands on a path on our site, or is refused with 400 and no session", async () => {
    const user = await makeUser("marketer");
    for (const next of HOSTILE_NEXT) {
      const before = await sessionsOf(user.id);
      const res = await call("/login", {
        method: "POST",
        ...form({ email: user.email, password: user.password, next }),
      });
      expect([303, 400], JSON.stringify(next)).toContain(res.status);
      if (res.status === 303) {
        expect(isSameOriginPath(res.headers.get("location")), JSON.stringify(next)).toBe(true);
      } else {
        expect(res.headers.get("set-cookie"), JSON.stringify(next)).toBeNull();
        expect(await sessionsOf(user.id), JSON.stringify(next)).toBe(before);
      }
    }
  });

  it("CR/LF in next (raw or as a multipart field) answers 400 and creates no session row", async () => {
    const user = await makeUser("marketer");
    for (const next of ["/admin\r\nSet-Cookie: stolen=1", "/\r\n/evil.example", "/admin\nX: y", "/admin\r"]) {
      const urlencoded = await call("/login", {
        method: "POST",
        ...form({ email: user.email, password: user.password, next }),
      });
      expect(urlencoded.status).toBe(400);
      expect(await urlencoded.text()).toContain("The link you followed is broken");
      const body = new FormData();
      body.set("email", user.email);
      body.set("password", user.password);
      body.set("next", next);
      const multipart = await call("/login", { method: "POST", body });
      expect(multipart.status).toBe(400);
      expect(multipart.headers.get("set-cookie")).toBeNull();
    }
    expect(await sessionsOf(user.id)).toBe(0);
  });
});
