import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { createDb } from "../db/client";
import { findConnector } from "../db/queries/connectors";
import type { AppEnv } from "../env";
import { parseGoToJson } from "../gotowebinar/json";
import { verifyWebhook } from "../gotowebinar/webhook-signature";
import { ApiError } from "../lib/errors";
import { log } from "../lib/log";
import { WebhookEventSchema } from "../sync/webhook-events";
import { webhookSecret } from "../sync/webhooks";

/**
 * `/webhooks/goto/:connectorId`: events GoTo posts (F17). GoTo checks a callback with a GET that
 * must answer 200. A post must carry a valid signature over its raw body; replays are dropped by
 * event key in the connector's gateway, which hands the event on for ingestion.
 */
export const webhookRoutes = new Hono<AppEnv>();

const MAX_EVENT_BYTES = 64 * 1024;

webhookRoutes.get("/", (c) => c.text("ok"));
webhookRoutes.get("/:connectorId", (c) => c.text("ok"));

webhookRoutes.post(
  "/:connectorId",
  bodyLimit({
    maxSize: MAX_EVENT_BYTES,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `A webhook event may be at most ${MAX_EVENT_BYTES} bytes.`);
    },
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const connector = await findConnector(db, c.req.param("connectorId"));
    if (!connector) throw new ApiError(404, "not_found", "There is no such connector.");
    const secret = await webhookSecret(c.env, db);
    if (!secret) throw new ApiError(401, "invalid_signature", "Webhooks are not set up for this deployment.");
    const raw = await c.req.text();
    const verdict = await verifyWebhook(secret, c.req.raw.headers, raw);
    if (!verdict.ok) {
      log("warn", "webhook refused", {
        connectorId: connector.id,
        reason: verdict.reason,
        requestId: c.get("requestId"),
      });
      throw new ApiError(401, "invalid_signature", `The webhook signature was refused (${verdict.reason}).`);
    }
    let json: unknown;
    try {
      json = parseGoToJson(raw);
    } catch {
      throw new ApiError(400, "invalid_json", "The webhook body is not JSON.");
    }
    const parsed = v.safeParse(WebhookEventSchema, json);
    if (!parsed.success) {
      throw new ApiError(400, "invalid_event", parsed.issues.map((i) => i.message).join(" "));
    }
    const outcome = await c.env.GOTO_GATEWAY.getByName(connector.id).receiveEvent({ ...parsed.output, payload: raw });
    return c.json({ received: true, duplicate: outcome === "duplicate" });
  },
);
