import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client";
import { GOTO_WEBHOOK_EVENTS } from "../../src/gotowebinar/constants";
import { signWebhook } from "../../src/gotowebinar/webhook-signature";
import type { RegistrationRequest } from "../../src/sync/outbox-contract";
import { rateBudget } from "../../src/sync/rate-budget";
import { webhookSecret } from "../../src/sync/webhooks";
import type { SyncStatus, WebinarSync } from "../../src/sync/webinar-sync";
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

/** Shared by the sync tests: a verified connector whose discovery found the given webinars. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface SimWebinarSpec {
  subject: string;
  times: { startTime: string; endTime: string }[];
  approvalType?: "AUTOMATIC" | "MANUAL";
  questions?: { question: string; required?: boolean }[];
}

export function session(startInMs: number, lengthMs = HOUR): { startTime: string; endTime: string } {
  const start = Date.now() + startInMs;
  return { startTime: new Date(start).toISOString(), endTime: new Date(start + lengthMs).toISOString() };
}

export interface SyncFixture {
  connectorId: string;
  organizerKey: string;
  organizerEmail: string;
  webinars: { id: string; webinarKey: string }[];
}

/**
 * Creates the organizer's webinars in the simulator (with `prepare` run on each before the
 * connector exists, e.g. to add registrants and attendance), verifies a connector and waits for
 * discovery; every webinar's WebinarSync then has its first poll planned.
 */
export async function syncFixture(
  specs: SimWebinarSpec[],
  prepare: (webinarKey: string, index: number) => Promise<void> = async () => undefined,
  options: { createProspects?: boolean; fastGateway?: boolean } = {},
): Promise<SyncFixture> {
  const admin = await adminSession();
  const organizer = await newOrganizer();
  const webinarKeys: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const created = await controlJson<{ webinarKey: string }>("POST", "/webinars", {
      organizerEmail: organizer.email,
      timeZone: "Europe/Berlin",
      ...spec,
    });
    webinarKeys.push(created.webinarKey);
    await prepare(created.webinarKey, i);
  }
  const connectorId = await addConnector(admin, organizer.email);
  if (options.createProspects === false) {
    await env.DB.prepare("UPDATE connectors SET create_prospects = 0 WHERE id = ?").bind(connectorId).run();
  }
  // Fast by default: the simulator's limit (shared by every connector of the file) lifted, and the
  // budget at 1000/s, before verification and discovery spend any of it.
  if (options.fastGateway !== false) {
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000 });
    await rateBudget(env).setLimit(1000);
  }
  const { authorize, cookie } = await startVerify(admin, connectorId);
  const res = await callback(admin, cookie, await consent(authorize, organizer.email));
  if (res.status !== 303) throw new Error(`verification failed: ${res.status}`);
  await discoveryDone(connectorId);
  const webinars: { id: string; webinarKey: string }[] = [];
  for (const key of webinarKeys) {
    const [row] = await rows<{ id: string }>(
      "SELECT id FROM webinars WHERE connector_id = ? AND webinar_key = ?",
      connectorId,
      key,
    );
    if (!row) throw new Error(`webinar ${key} was not discovered`);
    webinars.push({ id: row.id, webinarKey: key });
  }
  return { connectorId, organizerKey: organizer.organizerKey, organizerEmail: organizer.email, webinars };
}

/**
 * Waits until `done` holds for the webinar's sync status. The object's own alarm does the work (it
 * is armed at the earliest due job): a test never runs the alarm handler beside the runtime's,
 * which never runs two at once.
 */
export async function syncSettled(
  webinarId: string,
  done: (status: SyncStatus) => boolean,
  timeoutMs = 30_000,
): Promise<SyncStatus> {
  const stub = env.WEBINAR_SYNC.getByName(webinarId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await stub.status();
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`sync not settled: ${JSON.stringify(status).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the webinar's poll has finished after `since` and planned the next one (or none). */
export async function pollDone(webinarId: string, since: string, timeoutMs = 30_000): Promise<void> {
  await syncSettled(
    webinarId,
    (s) => (s.lastSyncAt ?? "") > since && (s.nextSyncAt === null || Date.parse(s.nextSyncAt) > Date.now()),
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`no poll after ${since}: ${error.message}`);
  });
}

/** Sync now, and wait until that poll is done. */
export async function syncNow(webinarId: string): Promise<void> {
  const since = new Date().toISOString();
  await env.WEBINAR_SYNC.getByName(webinarId).syncNow();
  await pollDone(webinarId, since);
}

/** The webhook events in a WebinarSync's inbox, oldest first, read from its storage. */
export function inboxOf(
  stub: DurableObjectStub<WebinarSync>,
): Promise<{ eventKey: string; eventName: string; payload: string; processed: boolean }[]> {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ event_key: string; event_name: string; payload: string; processed_at: string | null }>(
        "SELECT event_key, event_name, payload, processed_at FROM inbox ORDER BY received_at",
      )
      .toArray()
      .map((r) => ({
        eventKey: r.event_key,
        eventName: r.event_name,
        payload: r.payload,
        processed: r.processed_at !== null,
      })),
  );
}

/** Everything ingestion writes, for before/after comparisons. */
export async function snapshot(webinarId: string): Promise<unknown> {
  return {
    prospects: await rows(
      "SELECT id, email, score, campaign_id, source, updated_at FROM prospects WHERE id IN (SELECT prospect_id FROM registrations WHERE webinar_id = ?) ORDER BY id",
      webinarId,
    ),
    registrations: await rows("SELECT * FROM registrations WHERE webinar_id = ? ORDER BY id", webinarId),
    activities: await rows("SELECT * FROM activities WHERE webinar_id = ? ORDER BY id", webinarId),
    unmatched: await rows(
      "SELECT * FROM unmatched_registrants WHERE webinar_id = ? ORDER BY registrant_key",
      webinarId,
    ),
    prospectCount: await rows("SELECT COUNT(*) AS n FROM prospects"),
  };
}

export async function registrationOf(
  webinarId: string,
  email: string,
): Promise<Record<string, unknown> & { status: string; prospect_id: string; score: number }> {
  const [row] = await rows<Record<string, unknown> & { status: string; prospect_id: string; score: number }>(
    `SELECT r.*, p.email, p.score FROM registrations r JOIN prospects p ON p.id = r.prospect_id
     WHERE r.webinar_id = ? AND p.email = ?`,
    webinarId,
    email,
  );
  if (!row) throw new Error(`no registration of ${email}`);
  return row;
}

export async function activityTypes(prospectId: string, webinarId: string): Promise<string[]> {
  const list = await rows<{ type: string }>(
    "SELECT type FROM activities WHERE prospect_id = ? AND webinar_id = ? ORDER BY type",
    prospectId,
    webinarId,
  );
  return list.map((a) => a.type);
}

/**
 * What the forms do before calling `register` (src/sync/outbox-contract.ts): the prospect and
 * a `pending` registration in D1. Here straight in D1, in chunks under D1's parameter limit.
 */
export async function pendingRegistrations(
  webinarId: string,
  count: number,
  tag: string,
): Promise<RegistrationRequest[]> {
  const now = new Date().toISOString();
  const requests: RegistrationRequest[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${tag}-${i}@example.com`;
    requests.push({
      registrationId: `reg_${tag}_${i}`,
      webinarId,
      prospectId: `pro_${tag}_${i}`,
      registrant: { email, firstName: `First${i}`, lastName: `Last${i}` },
    });
  }
  const statements: D1PreparedStatement[] = [];
  for (const r of requests) {
    statements.push(
      env.DB.prepare(
        "INSERT INTO prospects (id, email, first_name, last_name, source, created_at, updated_at) VALUES (?, ?, ?, ?, 'form', ?, ?)",
      ).bind(r.prospectId, r.registrant.email, r.registrant.firstName, r.registrant.lastName, now, now),
      env.DB.prepare(
        "INSERT INTO registrations (id, prospect_id, webinar_id, status, source, registered_at, updated_at) VALUES (?, ?, ?, 'pending', 'form', ?, ?)",
      ).bind(r.registrationId, r.prospectId, webinarId, now, now),
    );
  }
  for (let i = 0; i < statements.length; i += 200) await env.DB.batch(statements.slice(i, i + 200));
  return requests;
}

/**
 * Waits until the connector's gateway has set up its webhooks (after discovery, in the same alarm)
 * and answers the deployment's webhook secret, to sign events as GoTo would.
 */
export async function webhooksReady(connectorId: string, timeoutMs = 20_000): Promise<string> {
  const gateway = env.GOTO_GATEWAY.getByName(connectorId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hooks = await gateway.webhooks();
    if (hooks.subscriptions.length === GOTO_WEBHOOK_EVENTS.length) break;
    if (Date.now() > deadline) throw new Error(`webhooks not set up: ${JSON.stringify(hooks)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const secret = await webhookSecret(env, createDb(env.DB));
  if (!secret) throw new Error("no webhook secret");
  return secret;
}

/** Posts a webhook event to a connector's callback, signed with the deployment's secret. */
export async function signedEvent(
  connectorId: string,
  event: Record<string, unknown>,
  secret: string,
): Promise<Response> {
  const body = JSON.stringify(event);
  const headers = await signWebhook(secret, body, Date.now());
  return call(`/webhooks/goto/${connectorId}`, {
    method: "POST",
    sameOrigin: false,
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}
