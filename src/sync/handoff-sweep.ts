import type { Db } from "../db/client";
import { type PendingHandoff, pendingHandoffs } from "../db/queries/registrations";
import type { GoToNewRegistrant } from "../gotowebinar/client";
import { errorFields, log } from "../lib/log";

/** A hand-off normally takes milliseconds; a registration pending longer than this may have missed the outbox. */
export const HANDOFF_GRACE_MS = 10_000;
/** How often each connector's gateway sweeps (its alarm). */
export const SWEEP_EVERY_MS = 15_000;
const PAGE = 200;
const MAX_PAGES = 10;

/**
 * The hand-off between D1 and the outbox, made good. A form submission stores a `pending`
 * registration in D1 and then calls the webinar's `register()`; when that call fails (an
 * overloaded object, a restart, a deploy) nothing else would ever push it. The connector's gateway
 * runs this on its alarm: every pending registration of the connector's webinars older than a few
 * seconds is offered again to its webinar's outbox, which queues it only if it does not hold it
 * (`register()` and `reoffer()` queue a registration id once), so a sweep never doubles a push.
 *
 * It runs on a Durable Object alarm rather than a cron trigger because `wrangler dev` and
 * Miniflare (`unstable_startWorker`) never fire crons by themselves ("Miniflare does not currently
 * trigger scheduled Workers automatically"), while their alarms fire, and with persisted state
 * survive a hard kill: an overdue alarm runs within a second of the restart.
 */
export async function sweepHandoffs(env: Env, db: Db, connectorId: string, now: number): Promise<number> {
  const olderThan = new Date(now - HANDOFF_GRACE_MS).toISOString();
  const byWebinar = new Map<string, PendingHandoff[]>();
  let after: { updatedAt: string; id: string } | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const found = await pendingHandoffs(db, { connectorId, olderThan, after, limit: PAGE });
    for (const row of found) byWebinar.set(row.webinarId, [...(byWebinar.get(row.webinarId) ?? []), row]);
    const last = found.at(-1);
    if (!last || found.length < PAGE) break;
    after = { updatedAt: last.updatedAt, id: last.id };
  }
  let queued = 0;
  for (const [webinarId, rows] of byWebinar) {
    const pending = rows.map((r) => ({
      request: {
        registrationId: r.id,
        webinarId,
        prospectId: r.prospectId,
        registrant: JSON.parse(r.pushRequest) as GoToNewRegistrant,
      },
      pendingSince: Date.parse(r.updatedAt),
    }));
    try {
      queued += await env.WEBINAR_SYNC.getByName(webinarId).reoffer(pending);
    } catch (error) {
      // The next sweep tries again; one webinar's trouble does not hold up the others.
      log("warn", "hand-off sweep could not reach a webinar", { connectorId, webinarId, ...errorFields(error) });
    }
  }
  if (queued > 0) log("warn", "hand-off sweep queued registrations the outbox did not hold", { connectorId, queued });
  return queued;
}
