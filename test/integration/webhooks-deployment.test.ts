import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../helpers";
import {
  addConnector,
  adminSession,
  callback,
  consent,
  controlJson,
  discoveryDone,
  startVerify,
} from "./connector-helpers";
import { DAY, inboxOf, type SyncFixture, session, signedEvent, syncFixture, webhooksReady } from "./sync-helpers";

/** A second connector for an organizer that already has one: both discover the same webinars. */
async function secondConnector(organizerEmail: string): Promise<string> {
  const admin = await adminSession();
  const connectorId = await addConnector(admin, organizerEmail);
  const { authorize, cookie } = await startVerify(admin, connectorId);
  expect((await callback(admin, cookie, await consent(authorize, organizerEmail))).status).toBe(303);
  await discoveryDone(connectorId);
  return connectorId;
}

async function webinarIdOf(connectorId: string, webinarKey: string): Promise<string> {
  const [row] = await rows<{ id: string }>(
    "SELECT id FROM webinars WHERE connector_id = ? AND webinar_key = ?",
    connectorId,
    webinarKey,
  );
  if (!row) throw new Error(`no webinar ${webinarKey} for ${connectorId}`);
  return row.id;
}

function registrantAdded(webinarKey: string, email: string): Record<string, unknown> {
  return {
    eventName: "registrant.added",
    eventKey: `evt-${crypto.randomUUID()}`,
    webinarKey,
    registrantKey: `77${String(Date.now()).slice(-8)}${Math.floor(Math.random() * 1e6)}`,
    email,
    firstName: "Replay",
    lastName: "Test",
    status: "APPROVED",
  };
}

let a: SyncFixture;
let b: string;
let other: SyncFixture;
let secret: string;

beforeAll(async () => {
  await controlJson("PUT", "/faults", { webhookDelivery: "record", rateLimitPerSecond: 100_000 });
  a = await syncFixture([{ subject: "Shared organizer", times: [session(4 * DAY)] }]);
  b = await secondConnector(a.organizerEmail);
  other = await syncFixture([{ subject: "Someone else's", times: [session(4 * DAY)] }]);
  secret = await webhooksReady(a.connectorId);
  await webhooksReady(b);
  await webhooksReady(other.connectorId);
}, 120_000);

afterAll(async () => {
  await controlJson("PUT", "/faults", { webhookDelivery: "fetch" });
});

describe("webhook events across the deployment (one signing secret for every connector)", () => {
  it("one signed event posted to connector A, then to connector B, is taken in once", async () => {
    const key = a.webinars[0]?.webinarKey ?? "";
    const event = registrantAdded(key, "once@example.com");
    const first = await signedEvent(a.connectorId, event, secret);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const replay = await signedEvent(b, event, secret);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, duplicate: true });

    const inboxes = await Promise.all(
      [a.connectorId, b].map(async (c) => inboxOf(env.WEBINAR_SYNC.getByName(await webinarIdOf(c, key)))),
    );
    const copies = inboxes.flat().filter((e) => e.eventKey === event.eventKey);
    expect(copies).toHaveLength(1);
  });

  it("an event about another connector's webinar is refused with 403 at this connector's URL, and still taken in at its own", async () => {
    const theirs = other.webinars[0];
    if (!theirs) throw new Error("no webinar");
    const event = registrantAdded(theirs.webinarKey, "misrouted@example.com");
    const misrouted = await signedEvent(a.connectorId, event, secret);
    expect(misrouted.status).toBe(403);
    expect(await misrouted.json()).toMatchObject({ error: { code: "wrong_connector" } });
    expect(await inboxOf(env.WEBINAR_SYNC.getByName(theirs.id))).toEqual([]);
    const seen = await rows("SELECT event_key FROM webhook_events WHERE event_key = ?", event.eventKey);
    expect(seen).toEqual([]);

    // The refusal did not use the key up: the connector that owns the webinar takes it in.
    const own = await signedEvent(other.connectorId, event, secret);
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ received: true, duplicate: false });
    const inbox = await inboxOf(env.WEBINAR_SYNC.getByName(theirs.id));
    expect(inbox.map((e) => e.eventKey)).toEqual([event.eventKey]);
  });
});
