import { createDb } from "../db/client";
import { claimWebhookEvent, releaseWebhookEvent, webinarKeyOwners } from "../db/queries/webhook-events";
import { log } from "../lib/log";
import type { WebhookEvent } from "./webhook-events";

export type IntakeOutcome = "accepted" | "duplicate" | "wrong_connector";

/**
 * A verified webhook event posted to `connectorId`'s callback. GoTo signs every event with the
 * one secret of the OAuth application, so a valid signature says "from GoTo", not "for this
 * connector": an event about a webinar that another connector owns (and this one does not) was
 * not sent here by GoTo and is refused; an event key is taken in once across the deployment,
 * whichever callback it arrives at. The key is given back if the hand-off fails, so GoTo's retry
 * of that delivery is not mistaken for a replay (at least once; ingestion is idempotent).
 */
export async function takeWebhookEvent(env: Env, connectorId: string, event: WebhookEvent): Promise<IntakeOutcome> {
  const db = createDb(env.DB);
  if (event.webinarKey) {
    const owners = await webinarKeyOwners(db, event.webinarKey);
    if (owners.length > 0 && !owners.includes(connectorId)) {
      log("warn", "webhook event for another connector's webinar refused", {
        connectorId,
        eventKey: event.eventKey,
        eventName: event.eventName,
        webinarKey: event.webinarKey,
      });
      return "wrong_connector";
    }
  }
  if (!(await claimWebhookEvent(db, event.eventKey, connectorId, new Date()))) return "duplicate";
  try {
    const outcome = await env.GOTO_GATEWAY.getByName(connectorId).receiveEvent(event);
    return outcome;
  } catch (error) {
    await releaseWebhookEvent(db, event.eventKey).catch(() => undefined);
    throw error;
  }
}
