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
import { takeWebhookEvent } from "../sync/webhook-intake";
import { webhookSecret } from "../sync/webhooks";

/**
 * `/webhooks/goto/:connectorId`: events GoTo posts. GoTo checks a callback with a GET that
 * must answer 200. A post must carry a valid signature over its raw body; replays are dropped by
 * event key across the deployment, an event about another connector's webinar is refused, and the
 * connector's gateway hands the rest on for ingestion (src/sync/webhook-intake.ts).
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
    const outcome = await takeWebhookEvent(c.env, connector.id, { ...parsed.output, payload: raw });
    if (outcome === "wrong_connector") {
      // GoTo posts an organizer's events only to the callback that subscribed them, so this is a
      // replay of a signed event to the wrong URL. A 403 says so plainly, and is logged; a 2xx
      // would tell a replaying sender that it worked.
      throw new ApiError(403, "wrong_connector", "This event is about a webinar of another connector.");
    }
    return c.json({ received: true, duplicate: outcome === "duplicate" });
  },
);
