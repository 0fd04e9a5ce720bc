import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { signWebhook } from "../../src/gotowebinar/webhook-signature";
import { webhookSecret } from "../../src/sync/webhooks";
import { call, rows } from "../helpers";
import {
  addConnector,
  adminSession,
  callback,
  consent,
  controlJson,
  discoveryDone,
  newOrganizer,
  startVerify,
} from "./connector-helpers";
import { inboxOf } from "./sync-helpers";

async function signedPost(path: string, body: string, secret: string): Promise<Response> {
  const headers = await signWebhook(secret, body, Date.now());
  return call(path, {
    method: "POST",
    sameOrigin: false,
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}

describe("GoTo webhooks (F17) in simulator mode", () => {
  it("subscribes once, receives signed events into the webinar's inbox, drops replays and bad signatures", async () => {
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000, webhookDelivery: "record" });
    const session = await adminSession();
    const organizer = await newOrganizer();
    const webinar = await controlJson<{ webinarKey: string }>("POST", "/webinars", {
      organizerEmail: organizer.email,
      subject: "Webhooks live",
      times: [
        {
          startTime: new Date(Date.now() + 86_400_000).toISOString(),
          endTime: new Date(Date.now() + 90_000_000).toISOString(),
        },
      ],
    });
    const connectorId = await addConnector(session, organizer.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    expect((await callback(session, cookie, await consent(authorize, organizer.email))).status).toBe(303);
    await discoveryDone(connectorId);

    const gateway = env.GOTO_GATEWAY.getByName(connectorId);
    // Webhook set-up follows discovery in the same alarm.
    let hooks = await gateway.webhooks();
    for (let i = 0; i < 200 && hooks.subscriptions.length < 5 && !hooks.error; i++) {
      await new Promise((r) => setTimeout(r, 50));
      hooks = await gateway.webhooks();
    }
    expect(hooks.error).toBeNull();
    expect(hooks.subscriptions.map((s) => s.eventName).sort()).toEqual([
      "registrant.added",
      "registrant.joined",
      "survey.submitted",
      "webinar.changed",
      "webinar.created",
    ]);
    for (const s of hooks.subscriptions) expect(s.callbackUrl).toBe(`http://localhost/webhooks/goto/${connectorId}`);

    // Idempotent: another discovery makes no new webhook or subscription in GoTo.
    const before = await controlJson<{ calls: { path: string }[] }>("GET", "/calls");
    const since = new Date(Date.now() - 1).toISOString();
    await gateway.syncNow();
    await discoveryDone(connectorId, since);
    const after = await controlJson<{ calls: { path: string }[] }>("GET", "/calls");
    const newCalls = after.calls.slice(0, after.calls.length - before.calls.length);
    expect(newCalls.filter((c) => /webhooks|userSubscriptions/.test(c.path))).toEqual([]);

    // A registration on GoTo's own form becomes a signed registrant.added delivery to Rollcall.
    await controlJson("POST", `/webinars/${webinar.webinarKey}/registrants`, {
      email: "ada@example.com",
      firstName: "Ada",
      lastName: "Lovelace",
    });
    expect(await env.GOTO_SIMULATOR.getByName("default").deliverNow()).toBeGreaterThanOrEqual(1);
    const deliveries = await controlJson<{
      deliveries: { eventName: string; state: string; lastStatus: number; body: string }[];
    }>("GET", "/deliveries");
    const added = deliveries.deliveries.find((d) => d.eventName === "registrant.added");
    expect(added).toMatchObject({ state: "delivered", lastStatus: 200 });

    const [stored] = await rows<{ id: string }>("SELECT id FROM webinars WHERE webinar_key = ?", webinar.webinarKey);
    const inbox = await inboxOf(env.WEBINAR_SYNC.getByName(stored?.id ?? ""));
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.eventName).toBe("registrant.added");
    expect(inbox[0]?.payload).toContain("ada@example.com");

    // The same event again (a replay with a fresh, valid signature) is dropped.
    const secret = (await webhookSecret(env, createDb(env.DB))) ?? "";
    const replay = await signedPost(`/webhooks/goto/${connectorId}`, added?.body ?? "", secret);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, duplicate: true });
    expect(await inboxOf(env.WEBINAR_SYNC.getByName(stored?.id ?? ""))).toHaveLength(1);

    // Tampering with the body breaks the signature.
    const headers = await signWebhook(secret, added?.body ?? "", Date.now());
    const tampered = await call(`/webhooks/goto/${connectorId}`, {
      method: "POST",
      sameOrigin: false,
      body: (added?.body ?? "").replace("ada@example.com", "eve@example.com"),
      headers: { "content-type": "application/json", ...headers },
    });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: { code: "invalid_signature" } });

    // Unsigned, stale, not JSON, not an event, unknown connector: clear 4xx answers, never 5xx.
    const unsigned = await call(`/webhooks/goto/${connectorId}`, {
      method: "POST",
      sameOrigin: false,
      body: added?.body ?? "",
    });
    expect(unsigned.status).toBe(401);
    const staleHeaders = await signWebhook(secret, added?.body ?? "", Date.now() - 3_600_000);
    const stale = await call(`/webhooks/goto/${connectorId}`, {
      method: "POST",
      sameOrigin: false,
      body: added?.body ?? "",
      headers: staleHeaders,
    });
    expect(stale.status).toBe(401);
    expect((await signedPost(`/webhooks/goto/${connectorId}`, "not json", secret)).status).toBe(400);
    const notEvent = await signedPost(
      `/webhooks/goto/${connectorId}`,
      JSON.stringify({ eventName: "payment.made", eventKey: "x" }),
      secret,
    );
    expect(notEvent.status).toBe(400);
    expect((await notEvent.json()) as { error: { message: string } }).toMatchObject({
      error: { code: "invalid_event" },
    });
    expect((await signedPost("/webhooks/goto/con_nope", added?.body ?? "", secret)).status).toBe(404);
    const huge = await signedPost(`/webhooks/goto/${connectorId}`, JSON.stringify({ pad: "x".repeat(70_000) }), secret);
    expect(huge.status).toBe(413);

    // GoTo's validation GET answers 200.
    expect((await call(`/webhooks/goto/${connectorId}`)).status).toBe(200);
  }, 60_000);
});
