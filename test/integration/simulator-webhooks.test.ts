import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyWebhook, WEBHOOK_SIGNATURE_SCHEME } from "../../src/gotowebinar/webhook-signature";
import type { GoToSimulator } from "../../src/simulator/simulator";
import {
  api,
  bareNumber,
  type Connected,
  connect,
  controlJson,
  env,
  hours,
  iso,
  makeWebinar,
  resetSimulator,
} from "./simulator-helpers";

// biome-ignore lint/suspicious/noExplicitAny: raw JSON bodies are probed field by field in these tests
type J = any;

const CALLBACK = "https://rollcall.example/webhooks/goto/abc";
let org: Connected;
let received: { method: string; url: string; headers: Headers; body: string }[];
let answer: number;

/** Replaces the simulator's delivery fetch with a recorder (validation GETs and event posts). */
async function recordDeliveries(): Promise<void> {
  received = [];
  answer = 200;
  await runInDurableObject(env.GOTO_SIMULATOR.getByName("default"), (instance: GoToSimulator) => {
    instance.deliveryFetch = async (input, init) => {
      const request = new Request(input, init);
      received.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
      return new Response("ok", { status: answer });
    };
  });
}

async function deliverNow(): Promise<number> {
  return runInDurableObject(env.GOTO_SIMULATOR.getByName("default"), (instance: GoToSimulator) =>
    instance.deliverNow(),
  );
}

/** Secret, webhooks for all four events, activation and the organizer's subscriptions. */
async function subscribe(): Promise<{ secret: string; webhookKeys: string[] }> {
  const secret = await (await api("/webhooks/secretkey", org.access, { method: "POST", body: "{}" })).json<J>();
  expect(secret).toMatchObject({ id: expect.any(Number), value: expect.any(String) });
  const events = ["registrant.added", "registrant.joined", "webinar.created", "webinar.changed"];
  const created = await api("/webhooks", org.access, {
    method: "POST",
    body: JSON.stringify(
      events.map((eventName) => ({ callbackUrl: CALLBACK, eventName, eventVersion: "1.0.0", product: "g2w" })),
    ),
  });
  expect(created.status).toBe(200);
  const webhooks = (await created.json<J>())._embedded.webhooks as { webhookKey: string; state: string }[];
  expect(webhooks.map((w) => w.state)).toEqual(["INACTIVE", "INACTIVE", "INACTIVE", "INACTIVE"]);
  const activate = await api("/webhooks", org.access, {
    method: "PUT",
    body: JSON.stringify(webhooks.map((w) => ({ webhookKey: w.webhookKey, state: "ACTIVE" }))),
  });
  expect(activate.status).toBe(204);
  const subs = await api("/userSubscriptions", org.access, {
    method: "POST",
    body: JSON.stringify(webhooks.map((w) => ({ webhookKey: w.webhookKey, userSubscriptionState: "ACTIVE" }))),
  });
  expect(subs.status).toBe(200);
  const list = (await subs.json<J>())._embedded.userSubscriptions;
  expect(list[0]).toMatchObject({
    activationState: "ACTIVE",
    userSubscriptionState: "ACTIVE",
    product: "g2w",
    callbackUrl: CALLBACK,
  });
  return { secret: secret.value, webhookKeys: webhooks.map((w) => w.webhookKey) };
}

beforeEach(async () => {
  await resetSimulator();
  org = await connect("hooks@example.com");
  // Events are queued and posted only by deliverNow(), so each test sees them in order.
  await controlJson("PUT", "/faults", { webhookDelivery: "record" });
  await recordDeliveries();
});

describe("webhook set-up", () => {
  it("validates the callback with a GET that must answer 200, and requires https", async () => {
    const one = [{ callbackUrl: CALLBACK, eventName: "registrant.added", eventVersion: "1.0.0", product: "g2w" }];
    answer = 404;
    const refused = await api("/webhooks", org.access, { method: "POST", body: JSON.stringify(one) });
    expect(refused.status).toBe(400);
    expect(received[0]).toMatchObject({ method: "GET", url: CALLBACK });
    answer = 200;
    const http = [{ ...one[0], callbackUrl: "http://rollcall.example/hook" }];
    expect((await api("/webhooks", org.access, { method: "POST", body: JSON.stringify(http) })).status).toBe(400);
    const badEvent = [{ ...one[0], eventName: "registrant.deleted" }];
    expect((await api("/webhooks", org.access, { method: "POST", body: JSON.stringify(badEvent) })).status).toBe(400);
    expect((await api("/webhooks", org.access)).status).toBe(400); // product=g2w is required
    expect((await api("/webhooks", org.access, { method: "POST", body: JSON.stringify(one) })).status).toBe(200);
    const listed = await (await api("/webhooks?product=g2w", org.access)).json<J>();
    expect(listed._embedded.webhooks).toHaveLength(1);
    const key = listed._embedded.webhooks[0].webhookKey;
    expect((await (await api(`/webhooks/${key}`, org.access)).json<J>()).state).toBe("INACTIVE");
    expect((await api("/webhooks", org.access, { method: "DELETE", body: JSON.stringify([key]) })).status).toBe(202);
    expect((await api(`/webhooks/${key}`, org.access)).status).toBe(404);
  });

  it("sends nothing while a webhook or the subscription is INACTIVE", async () => {
    const { webhookKeys } = await subscribe();
    await api("/webhooks", org.access, {
      method: "PUT",
      body: JSON.stringify(webhookKeys.map((webhookKey) => ({ webhookKey, state: "INACTIVE" }))),
    });
    received = [];
    await makeWebinar(org.email);
    expect(await deliverNow()).toBe(0);
    expect(received).toEqual([]);
  });
});

describe("signed delivery", () => {
  it("posts webinar.created, registrant.added, registrant.joined and webinar.changed, signed with the secret", async () => {
    const { secret } = await subscribe();
    received = [];
    const start = hours(-2);
    const { webinarKey } = await makeWebinar(org.email, {
      times: [{ startTime: iso(start), endTime: iso(start + 3600_000) }],
    });
    const reg = await controlJson<{ registrantKey: string }>("POST", `/webinars/${webinarKey}/registrants`, {
      email: "ada@example.com",
      firstName: "Ada",
      lastName: "Lovelace",
    });
    await controlJson("POST", `/webinars/${webinarKey}/attendance`, {
      email: "ada@example.com",
      joinTime: iso(start + 60_000),
      leaveTime: iso(start + 600_000),
    });
    await controlJson("POST", `/webinars/${webinarKey}/cancel`);
    expect(await deliverNow()).toBe(4);
    expect(received.map((r) => JSON.parse(r.body).eventName)).toEqual([
      "webinar.created",
      "registrant.added",
      "registrant.joined",
      "webinar.changed",
    ]);
    for (const r of received) {
      expect(r.method).toBe("POST");
      expect(r.url).toBe(CALLBACK);
      expect(r.headers.get(WEBHOOK_SIGNATURE_SCHEME.signatureHeader)).toBeTruthy();
      expect(await verifyWebhook(secret, r.headers, r.body)).toEqual({ ok: true });
      expect(await verifyWebhook("another-secret", r.headers, r.body)).toEqual({ ok: false, reason: "mismatch" });
      expect(await verifyWebhook(secret, r.headers, `${r.body} `)).toEqual({ ok: false, reason: "mismatch" });
      expect(JSON.parse(r.body)).toMatchObject({ eventVersion: "1.0.0", product: "g2w", eventKey: expect.any(String) });
    }
    const [created, added, joined, changed] = received.map((r) => r.body);
    expect(bareNumber(created ?? "", "webinarKey")).toBe(webinarKey);
    expect(JSON.parse(created ?? "{}").status).toBe("NEW");
    expect(bareNumber(added ?? "", "registrantKey")).toBe(reg.registrantKey);
    expect(bareNumber(added ?? "", "webinarCreatorKey")).toBe(org.organizerKey);
    expect(JSON.parse(added ?? "{}")).toMatchObject({
      email: "ada@example.com",
      status: "APPROVED",
      webinarTitle: "Product tour",
    });
    expect(JSON.parse(joined ?? "{}").joinTime).toBe(Date.parse(iso(start + 60_000)));
    expect(JSON.parse(changed ?? "{}").status).toBe("DELETED");
    const { deliveries } = await controlJson<{ deliveries: { state: string }[] }>("GET", "/deliveries");
    expect(deliveries.every((d) => d.state === "delivered")).toBe(true);
  });

  it("a registration through the REST API is delivered too; a failed post is retried later", async () => {
    await subscribe();
    const { webinarKey } = await makeWebinar(org.email);
    await deliverNow();
    received = [];
    answer = 500;
    await api(`/organizers/${org.organizerKey}/webinars/${webinarKey}/registrants`, org.access, {
      method: "POST",
      body: JSON.stringify({ firstName: "R", lastName: "E", email: "rest@example.com" }),
    });
    expect(await deliverNow()).toBe(1);
    const { deliveries } = await controlJson<{ deliveries: { state: string; attempts: number; lastStatus: number }[] }>(
      "GET",
      "/deliveries",
    );
    expect(deliveries[0]).toMatchObject({ state: "pending", attempts: 1, lastStatus: 500 });
    expect(await deliverNow()).toBe(0); // not due yet: backoff
  });

  it("in the default mode the object's alarm posts queued events by itself", async () => {
    await subscribe();
    await controlJson("PUT", "/faults", { webhookDelivery: "fetch" });
    received = [];
    await makeWebinar(org.email);
    const deadline = Date.now() + 5000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(received.map((r) => JSON.parse(r.body).eventName)).toEqual(["webinar.created"]);
  });

  it("the signature helper refuses stale and missing signatures", async () => {
    const { signWebhook } = await import("../../src/gotowebinar/webhook-signature");
    const headers = new Headers(await signWebhook("s3cret", "{}", Date.now() - 3600_000));
    expect(await verifyWebhook("s3cret", headers, "{}")).toEqual({ ok: false, reason: "stale" });
    expect(await verifyWebhook("s3cret", new Headers(), "{}")).toEqual({ ok: false, reason: "missing_signature" });
  });
});
