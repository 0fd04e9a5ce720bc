import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, importSecretsKey } from "../../src/lib/secrets";
import { callGateway } from "../../src/sync/gateway-client";
import { rateBudget } from "../../src/sync/rate-budget";
import { call, form } from "../helpers";
import {
  adminSession,
  callback,
  connectorRow,
  consent,
  controlJson,
  discoveryDone,
  startVerify,
  verifiedConnector,
} from "./connector-helpers";

const simulator = () => env.GOTO_SIMULATOR.getByName("default");

/** Access tokens the simulator has granted to an organizer (code exchanges plus refreshes). */
async function accessGrants(organizerKey: string): Promise<number> {
  return runInDurableObject(
    simulator(),
    (_instance, state) =>
      state.storage.sql
        .exec<{ n: number }>(
          "SELECT count(*) AS n FROM tokens WHERE kind = 'access' AND organizer_key = ?",
          organizerKey,
        )
        .one().n,
  );
}

async function answers429(): Promise<number> {
  return runInDurableObject(
    simulator(),
    (_instance, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM api_calls WHERE status = 429").one().n,
  );
}

describe("GoToGateway tokens", () => {
  it("refreshes exactly once when 50 concurrent calls meet an expired token", async () => {
    const session = await adminSession();
    const { connectorId, organizer } = await verifiedConnector(session);
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000, refreshTokenRotation: "never" });
    await rateBudget(env).setLimit(1000);
    await discoveryDone(connectorId); // let the first discovery finish before counting

    const before = await accessGrants(organizer.organizerKey);
    await controlJson("PUT", "/faults", { expireTokensNow: true });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => callGateway(env, connectorId, "getMe", undefined)),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    for (const r of results) if (r.ok) expect(r.value.email).toBe(organizer.email);
    expect(await accessGrants(organizer.organizerKey)).toBe(before + 1);
  });

  it("puts the connector in 'needs re-verification' when the refresh is refused, and loses no work", async () => {
    const session = await adminSession();
    const { connectorId, organizer } = await verifiedConnector(session);
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000 });
    await discoveryDone(connectorId);

    // GoTo stops accepting the refresh token (revoked on GoTo's side).
    await runInDurableObject(simulator(), (_instance, state) => {
      state.storage.sql.exec(
        "UPDATE tokens SET revoked_at = 1 WHERE kind = 'refresh' AND organizer_key = ?",
        organizer.organizerKey,
      );
    });
    await controlJson("PUT", "/faults", { expireTokensNow: true });
    const refused = await callGateway(env, connectorId, "getMe", undefined);
    expect(refused).toMatchObject({ ok: false, error: { kind: "needs_reverification" } });
    expect((await connectorRow(connectorId))?.status).toBe("needs_reverification");
    const page = await (await call(`/admin/connectors/${connectorId}`, { cookie: session.cookie })).text();
    expect(page).toContain("Needs re-verification");
    expect(page).toContain("nothing is lost");

    // Work asked for meanwhile is refused as "wait", not dropped; after verifying again it goes through.
    expect(await callGateway(env, connectorId, "getMe", undefined)).toMatchObject({
      ok: false,
      error: { kind: "needs_reverification" },
    });
    const { authorize, cookie } = await startVerify(session, connectorId);
    const res = await callback(session, cookie, await consent(authorize, organizer.email));
    expect(res.status).toBe(303);
    expect((await connectorRow(connectorId))?.status).toBe("verified");
    const after = await callGateway(env, connectorId, "getMe", undefined);
    expect(after).toMatchObject({ ok: true, value: { email: organizer.email } });
  });

  it("keeps tokens encrypted: unreadable without SECRETS_KEY, bound to their connector", async () => {
    const session = await adminSession();
    const { connectorId } = await verifiedConnector(session);
    const gateway = env.GOTO_GATEWAY.getByName(connectorId);
    const stored = await runInDurableObject(gateway, (_instance, state) =>
      state.storage.sql
        .exec<{ access_token: string; refresh_token: string }>("SELECT access_token, refresh_token FROM tokens")
        .one(),
    );
    expect(stored.access_token).toMatch(/^v1\./);
    const key = await importSecretsKey(env.SECRETS_KEY);
    const access = await decryptSecret(key, stored.access_token, `connector:${connectorId}`);
    // The decrypted token is real: GoTo (the simulator) accepts it...
    const me = await call("/sim/admin/rest/v1/me", { headers: { authorization: `Bearer ${access}` } });
    expect(me.status).toBe(200);
    // ...and it appears nowhere in the stored bytes.
    expect(stored.access_token).not.toContain(access);
    expect(atob(stored.access_token.split(".")[2] ?? "")).not.toContain(access);
    // Another key, or another connector's context, cannot read it.
    const otherKey = await importSecretsKey(btoa(String.fromCharCode(...new Uint8Array(32).fill(7))));
    await expect(decryptSecret(otherKey, stored.access_token, `connector:${connectorId}`)).rejects.toThrow(
      /could not be decrypted/,
    );
    await expect(decryptSecret(key, stored.access_token, "connector:con_other")).rejects.toThrow(
      /could not be decrypted/,
    );
    // Round trip of the helper itself.
    expect(await decryptSecret(key, await encryptSecret(key, "x", "c"), "c")).toBe("x");
  });
});

describe("pausing a connector", () => {
  it("makes its calls wait (answered as paused, not failed) until it is resumed", async () => {
    const session = await adminSession();
    const { connectorId } = await verifiedConnector(session);
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000 });
    await discoveryDone(connectorId);
    const pause = await call(`/admin/connectors/${connectorId}/pause`, {
      method: "POST",
      cookie: session.cookie,
      ...form({ _csrf: session.csrf }),
    });
    expect(pause.status).toBe(303);
    expect(await connectorRow(connectorId)).toMatchObject({ paused: 1 });
    expect(await callGateway(env, connectorId, "getMe", undefined)).toMatchObject({
      ok: false,
      error: { kind: "paused" },
    });
    const page = await (await call(`/admin/connectors/${connectorId}`, { cookie: session.cookie })).text();
    expect(page).toContain("Paused");
    const resume = await call(`/admin/connectors/${connectorId}/resume`, {
      method: "POST",
      cookie: session.cookie,
      ...form({ _csrf: session.csrf }),
    });
    expect(resume.status).toBe(303);
    expect(await callGateway(env, connectorId, "getMe", undefined)).toMatchObject({ ok: true });
  });
});

describe("GoToGateway rate limit", () => {
  it("keeps a burst of 300 calls under the simulator's limit: no 429 reaches a caller, all succeed", async () => {
    // The budget spaces the calls in time, so on a loaded machine a late timer can bunch two or
    // three into one of the simulator's seconds: those 429s are retried, and what this proves is
    // that callers never see one and GoTo sees almost none, not a timing of the runtime.
    const session = await adminSession();
    const { connectorId, organizer } = await verifiedConnector(session);
    const gateway = env.GOTO_GATEWAY.getByName(connectorId);
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000 });
    await discoveryDone(connectorId);
    // A raised limit (as GoTo grants on request) keeps the test short; the arithmetic is the same at 10/s.
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 40 });
    await rateBudget(env).setLimit(40);
    const before429 = await answers429();
    const results = await Promise.all(
      Array.from({ length: 300 }, () => callGateway(env, connectorId, "getMe", undefined)),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(300);
    for (const r of results) if (r.ok) expect(r.value.organizerKey).toBe(organizer.organizerKey);
    const gotoRefused = (await answers429()) - before429;
    expect(gotoRefused).toBeLessThanOrEqual(3);
    const health = await gateway.health();
    expect(health.callsLastHour.total).toBeGreaterThanOrEqual(300);
    expect(health.callsLastHour.rateLimited).toBeLessThanOrEqual(gotoRefused);
  }, 60_000);
});
