import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { controlJson } from "./connector-helpers";
import { DAY, session, syncFixture, webhooksReady } from "./sync-helpers";

afterAll(async () => {
  await controlJson("PUT", "/faults", { errorRate: 0, webhookDelivery: "fetch" });
});

describe("webhook set-up that fails with a 5xx", () => {
  it("is retried on its own backoff (seconds, growing), not only with the next discovery, and then succeeds", async () => {
    await controlJson("PUT", "/faults", { webhookDelivery: "record", rateLimitPerSecond: 100_000 });
    const fx = await syncFixture([{ subject: "Hooks again", times: [session(3 * DAY)] }]);
    await webhooksReady(fx.connectorId);
    const gateway = env.GOTO_GATEWAY.getByName(fx.connectorId);
    // The connector's subscriptions are gone (as after a move to a new callback URL): set-up is due again.
    await runInDurableObject(gateway, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM webhooks");
    });
    // The gateway's alarm runs (discovery is not due) while GoTo answers every call with a 5xx.
    await controlJson("PUT", "/faults", { errorRate: 1 });
    await runInDurableObject(gateway, (instance) => instance.alarm());
    let hooks = await gateway.webhooks();
    expect(hooks.error).not.toBeNull();
    expect(hooks.subscriptions).toEqual([]);
    const firstRetry = Date.parse(hooks.retryAt ?? "");
    const health = await gateway.health();
    // Seconds away, well before the next discovery.
    expect(firstRetry - Date.now()).toBeLessThanOrEqual(5_000);
    expect(firstRetry).toBeLessThan(Date.parse(health.nextDiscoveryAt ?? ""));

    // The backoff passes (moved on in storage instead of waiting); GoTo still fails: a longer backoff.
    const passTime = () =>
      runInDurableObject(gateway, (_instance, state) => {
        state.storage.sql.exec("UPDATE state SET value = '0' WHERE key = 'webhooks_retry_at'");
      });
    await passTime();
    const before = Date.now();
    await runInDurableObject(gateway, (instance) => instance.alarm());
    hooks = await gateway.webhooks();
    expect(Date.parse(hooks.retryAt ?? "") - before).toBeGreaterThanOrEqual(5_000);

    // GoTo is back: the next retry sets the webhooks up, without a discovery.
    await controlJson("PUT", "/faults", { errorRate: 0 });
    await passTime();
    await runInDurableObject(gateway, (instance) => instance.alarm());
    hooks = await gateway.webhooks();
    expect(hooks).toMatchObject({ error: null, retryAt: null });
    expect(hooks.subscriptions.map((s) => s.eventName).sort()).toEqual([
      "registrant.added",
      "registrant.joined",
      "survey.submitted",
      "webinar.changed",
      "webinar.created",
    ]);
    expect((await gateway.health()).nextDiscoveryAt).toBe(health.nextDiscoveryAt);
  }, 60_000);
});
