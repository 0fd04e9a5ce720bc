import { beforeEach, describe, expect, it } from "vitest";
import { createDevApp } from "../../src/dev/app";
import {
  api,
  authorize,
  BASIC,
  CLIENT,
  connect,
  control,
  controlJson,
  env,
  REDIRECT,
  resetSimulator,
  sim,
  tokenRequest,
} from "./simulator-helpers";

beforeEach(() => resetSimulator());

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

describe("authorize", () => {
  it("shows a consent page listing organizers with Allow and Deny", async () => {
    await controlJson("POST", "/organizers", { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" });
    const res = await sim(
      `/oauth/authorize?client_id=${CLIENT.id}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&state=xyz`,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("ada@example.com");
    expect(html).toContain('value="allow"');
    expect(html).toContain('value="deny"');
    expect(html).toContain('name="state" value="xyz"');
  });

  it("refuses an unknown client id or a foreign redirect URI without redirecting", async () => {
    const badClient = await sim(
      `/oauth/authorize?client_id=nope&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    expect(badClient.status).toBe(400);
    expect(badClient.headers.get("location")).toBeNull();
    const badRedirect = await sim(
      `/oauth/authorize?client_id=${CLIENT.id}&response_type=code&redirect_uri=${encodeURIComponent("https://evil.example/cb")}`,
    );
    expect(badRedirect.status).toBe(400);
    expect(badRedirect.headers.get("location")).toBeNull();
  });

  it("redirects with a code and the state; creates an unknown organizer", async () => {
    const location = await authorize("new-person@example.com");
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("st-123");
    expect(location.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const state = await controlJson<{ organizers: { email: string }[] }>("GET", "/state");
    expect(state.organizers.map((o) => o.email)).toContain("new-person@example.com");
  });

  it("redirects with access_denied and the state on Deny", async () => {
    const location = await authorize("someone@example.com", {}, "deny");
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("st-123");
    expect(location.searchParams.get("code")).toBeNull();
  });
});

describe("token endpoint: authorization_code", () => {
  it("answers every field of the reference, expires_in 3600, keys as digit strings", async () => {
    const org = await controlJson<{ organizerKey: string; accountKey: string }>("POST", "/organizers", {
      email: "Grace@Example.com",
      firstName: "Grace",
      lastName: "Hopper",
    });
    const code = (await authorize("grace@example.com")).searchParams.get("code") ?? "";
    const res = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        "access_token",
        "account_key",
        "expires_in",
        "organizer_key",
        "principal",
        "refresh_token",
        "scope",
        "token_type",
      ].sort(),
    );
    expect(body.token_type).toBe("Bearer");
    expect(text).toContain('"expires_in":3600');
    expect(body.access_token).toMatch(/^eyJ/);
    expect(body.principal).toBe("Grace@Example.com");
    expect(body.scope).toBe("collab: identity:scim.me");
    expect(text).toContain(`"organizer_key":"${org.organizerKey}"`);
    expect(text).toContain(`"account_key":"${org.accountKey}"`);
    expect(org.organizerKey).toMatch(/^\d{19}$/);
  });

  it("refuses a reused code with invalid_grant and revokes the tokens it issued", async () => {
    await control("POST", "/organizers", { email: "reuse@example.com", firstName: "R", lastName: "U" });
    const code = (await authorize("reuse@example.com")).searchParams.get("code") ?? "";
    const first = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    const { access_token } = (await first.json()) as { access_token: string };
    expect((await api("/admin/rest/v1/me", access_token)).status).toBe(200);
    const second = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: "invalid_grant" });
    const revoked = await api("/admin/rest/v1/me", access_token);
    expect(revoked.status).toBe(403);
    expect(await revoked.text()).toBe('{"int_err_code":"InvalidToken","msg":"Invalid token passed"}');
  });

  it("refuses an expired code", async () => {
    const code = (await authorize("late@example.com")).searchParams.get("code") ?? "";
    const { runInDurableObject } = await import("cloudflare:test");
    await runInDurableObject(env.GOTO_SIMULATOR.getByName("default"), (_i, state) => {
      state.storage.sql.exec("UPDATE auth_codes SET expires_at = ?", Date.now() - 1);
    });
    const res = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("requires the same redirect_uri as the authorize request", async () => {
    const code = (await authorize("redir@example.com")).searchParams.get("code") ?? "";
    const res = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: "http://localhost/other" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("needs HTTP Basic client authentication (401 invalid_client, RFC 6749 body)", async () => {
    const code = (await authorize("basic@example.com")).searchParams.get("code") ?? "";
    const none = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }, null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await none.json()).toMatchObject({ error: "invalid_client" });
    const wrong = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
      `Basic ${btoa(`${CLIENT.id}:wrong`)}`,
    );
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["error", "error_description"]);
  });

  it("answers invalid_request and unsupported_grant_type", async () => {
    expect(await (await tokenRequest({ grant_type: "authorization_code" })).json()).toMatchObject({
      error: "invalid_request",
    });
    const odd = await tokenRequest({ grant_type: "client_credentials" });
    expect(odd.status).toBe(400);
    expect(await odd.json()).toMatchObject({ error: "unsupported_grant_type" });
  });
});

describe("PKCE", () => {
  const verifier = "a-verifier-that-is-long-enough-0123456789-abcdefghijkl";

  it("accepts the right S256 verifier and refuses a wrong or missing one", async () => {
    const challenge = await s256(verifier);
    const pkce = { code_challenge: challenge, code_challenge_method: "S256" };
    const good = (await authorize("pkce@example.com", pkce)).searchParams.get("code") ?? "";
    const ok = await tokenRequest({
      grant_type: "authorization_code",
      code: good,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(ok.status).toBe(200);

    const bad = (await authorize("pkce@example.com", pkce)).searchParams.get("code") ?? "";
    const wrong = await tokenRequest({
      grant_type: "authorization_code",
      code: bad,
      redirect_uri: REDIRECT,
      code_verifier: `${verifier}x`,
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });

    const missing = (await authorize("pkce@example.com", pkce)).searchParams.get("code") ?? "";
    const without = await tokenRequest({ grant_type: "authorization_code", code: missing, redirect_uri: REDIRECT });
    expect(without.status).toBe(400);
  });

  it("does not require PKCE when no challenge was sent", async () => {
    const code = (await authorize("nopkce@example.com")).searchParams.get("code") ?? "";
    const res = await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
  });
});

describe("refresh_token", () => {
  it("usually omits refresh_token and the old one keeps working", async () => {
    const c = await connect();
    const res = await tokenRequest({ grant_type: "refresh_token", refresh_token: c.refresh });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("refresh_token");
    expect(text).toContain('"expires_in":3600');
    const body = JSON.parse(text) as { access_token: string };
    expect(body.access_token).not.toBe(c.access);
    expect((await api("/admin/rest/v1/me", body.access_token)).status).toBe(200);
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: c.refresh })).status).toBe(200);
  });

  it("rotates when told to: the new token is returned and the old one stops working", async () => {
    const c = await connect();
    await controlJson("PUT", "/faults", { refreshTokenRotation: "always" });
    const res = await tokenRequest({ grant_type: "refresh_token", refresh_token: c.refresh });
    const body = (await res.json()) as { refresh_token?: string };
    expect(body.refresh_token).toBeTruthy();
    expect(body.refresh_token).not.toBe(c.refresh);
    const old = await tokenRequest({ grant_type: "refresh_token", refresh_token: c.refresh });
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ error: "invalid_grant" });
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: body.refresh_token ?? "" })).status).toBe(
      200,
    );
  });

  it("by default rotates now and then (on the 5th use of a refresh token)", async () => {
    const c = await connect();
    await controlJson("PUT", "/faults", { refreshTokenRotation: "sometimes" });
    const seen: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const body = (await (await tokenRequest({ grant_type: "refresh_token", refresh_token: c.refresh })).json()) as {
        refresh_token?: string;
      };
      seen.push(body.refresh_token !== undefined);
    }
    expect(seen).toEqual([false, false, false, false, true]);
  });

  it("refuses an unknown refresh token", async () => {
    const res = await tokenRequest({ grant_type: "refresh_token", refresh_token: "nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("access tokens on the API", () => {
  it("GET /admin/rest/v1/me answers key and accountKey as bare 19-digit numbers", async () => {
    const c = await connect("me@example.com");
    const res = await api("/admin/rest/v1/me", c.access);
    const text = await res.text();
    expect(text).toContain(`"key":${c.organizerKey},`);
    expect(text).toContain(`"accountKey":${c.accountKey},`);
    expect(text).toContain('"email":"me@example.com"');
  });

  it("403 InvalidToken for a missing, unknown or expired token", async () => {
    const c = await connect();
    const missing = await sim("/admin/rest/v1/me");
    expect(missing.status).toBe(403);
    expect(missing.headers.get("x-amzn-errortype")).toBe("UnauthorizedException");
    expect(await missing.json()).toEqual({ int_err_code: "InvalidToken", msg: "Invalid token passed" });
    expect((await api("/admin/rest/v1/me", "eyJnot.a.token")).status).toBe(403);
    await controlJson("PUT", "/faults", { expireTokensNow: true });
    const expired = await api(
      `/organizers/${c.organizerKey}/webinars?fromTime=2020-01-01T00:00:00Z&toTime=2040-01-01T00:00:00Z`,
      c.access,
    );
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ int_err_code: "InvalidToken" });
    const refreshed = (await (
      await tokenRequest({ grant_type: "refresh_token", refresh_token: c.refresh })
    ).json()) as {
      access_token: string;
    };
    expect((await api("/admin/rest/v1/me", refreshed.access_token)).status).toBe(200);
  });
});

describe("live mode", () => {
  it("answers 404 for every /sim path", async () => {
    const app = createDevApp();
    const liveEnv = { ...env, GOTO_MODE: "live" };
    for (const path of ["/sim", "/sim/oauth/authorize", "/sim/control/state", "/sim/G2W/rest/v2/webhooks"]) {
      const res = await app.request(path, {}, liveEnv);
      expect(res.status, path).toBe(404);
    }
    const post = await app.request("/sim/control/reset", { method: "POST" }, liveEnv);
    expect(post.status).toBe(404);
    expect(BASIC).toMatch(/^Basic /);
  });
});
