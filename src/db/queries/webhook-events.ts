import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { webhookEvents, webinars } from "../schema";

/** Keys are kept this long: GoTo retries a delivery for hours, a replay is refused for a week. */
const KEEP_MS = 7 * 24 * 60 * 60_000;

/**
 * Claims a webhook event key for the deployment: true the first time, false for a replay or a
 * duplicate delivery to any connector. Keys older than a week are dropped on the way.
 */
export async function claimWebhookEvent(db: Db, eventKey: string, connectorId: string, now: Date): Promise<boolean> {
  const [, inserted] = await db.batch([
    db
      .delete(webhookEvents)
      .where(sql`${webhookEvents.receivedAt} < ${new Date(now.getTime() - KEEP_MS).toISOString()}`),
    db
      .insert(webhookEvents)
      .values({ eventKey, connectorId, receivedAt: now.toISOString() })
      .onConflictDoNothing()
      .returning({ eventKey: webhookEvents.eventKey }),
  ]);
  return inserted.length > 0;
}

/** Gives a claimed key back when the event could not be handed on, so GoTo's retry is taken in. */
export async function releaseWebhookEvent(db: Db, eventKey: string): Promise<void> {
  await db.delete(webhookEvents).where(eq(webhookEvents.eventKey, eventKey));
}

/** The connectors that have a webinar with this GoTo key (usually one; two when one organizer is connected twice). */
export async function webinarKeyOwners(db: Db, webinarKey: string): Promise<string[]> {
  const owners = await db
    .select({ connectorId: webinars.connectorId })
    .from(webinars)
    .where(eq(webinars.webinarKey, webinarKey));
  return owners.map((o) => o.connectorId);
}
