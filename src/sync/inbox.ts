import { createDb } from "../db/client";
import { recordEngagements } from "../db/queries/engagements";
import { findSyncTarget } from "../db/queries/webinars";
import { type IncomingRegistrant, ingest } from "./ingest";
import {
  deleteJob,
  markEventsProcessed,
  pruneProcessedEvents,
  type TrackedWebinar,
  unprocessedEvents,
} from "./sync-storage";
import { isRegistrantEvent, registrantFromEvent, surveyItemsFromEvent } from "./webhook-events";

/** Events ingested per D1 round. */
const EVENTS_PER_ROUND = 500;
/** Processed events are kept a week so a late duplicate is still recognised, then dropped. */
const KEEP_PROCESSED_MS = 7 * 86_400_000;

/**
 * The inbox job of a WebinarSync: webhook events waiting in the inbox go through the same
 * ingestion as a poll's registrants (as a partial list: an event never cancels anyone), survey
 * answers become engagement like the engagement pass's; each event is ingested once.
 */
export async function ingestInbox(env: Env, sql: SqlStorage, tracked: TrackedWebinar): Promise<void> {
  const db = createDb(env.DB);
  const target = await findSyncTarget(db, tracked.webinarId);
  if (!target) {
    deleteJob(sql, "ingest");
    return;
  }
  for (;;) {
    const events = unprocessedEvents(sql, EVENTS_PER_ROUND);
    if (events.length === 0) break;
    const registrants = events
      .filter((e) => isRegistrantEvent(e.payload))
      .map((e) => registrantFromEvent(e.payload))
      .filter((r): r is IncomingRegistrant => r !== null);
    const now = new Date().toISOString();
    await ingest(db, {
      webinar: target.webinar,
      connector: {
        createProspects: target.connector?.createProspects ?? false,
        campaignId: target.connector?.campaignId ?? null,
      },
      registrants,
      complete: false,
      attendance: null,
      fetchedAt: now,
      now,
    });
    // A survey arrives in seconds this way; the engagement pass reads the same answers later (same keys).
    await recordEngagements(
      db,
      target.webinar.id,
      events.flatMap((e) => surveyItemsFromEvent(e.payload)),
      now,
    );
    markEventsProcessed(
      sql,
      events.map((e) => e.eventKey),
      now,
    );
  }
  pruneProcessedEvents(sql, new Date(Date.now() - KEEP_PROCESSED_MS).toISOString());
  deleteJob(sql, "ingest");
}
