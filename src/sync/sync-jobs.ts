import { eq } from "drizzle-orm";
import { createDb, type Db } from "../db/client";
import { type ConnectorRow, findConnector } from "../db/queries/connectors";
import type { WebinarRow } from "../db/queries/webinars";
import { webinars } from "../db/schema";
import { duePasses, nextPoll } from "../domain/polling";
import { callGateway } from "./gateway";
import { type IncomingAttendance, type IncomingRegistrant, ingest } from "./ingest";
import { GatewayCallError, registrantFromEvent, sessionsOf, sumAttendance, writeSyncTimes } from "./poll";
import { deleteJob, getState, type JobRow, scheduleJob, setState, type TrackedWebinar } from "./sync-storage";

export interface SyncTarget {
  webinar: WebinarRow;
  connector: ConnectorRow | null;
}

export async function loadSyncTarget(db: Db, webinarId: string): Promise<SyncTarget | null> {
  const [webinar] = await db.select().from(webinars).where(eq(webinars.id, webinarId)).limit(1);
  if (!webinar) return null;
  return { webinar, connector: await findConnector(db, webinar.connectorId) };
}

interface PollPayload {
  attendance?: boolean;
  manual?: boolean;
}

function passesDone(sql: SqlStorage): Set<string> {
  return new Set(JSON.parse(getState(sql, "passes_done") ?? "[]") as string[]);
}

/**
 * Plans the next poll from the tiers (src/domain/polling.ts) and tells D1 when it will be. A
 * cancelled webinar, or one whose last attendance pass is done, has no poll job at all.
 */
export async function schedulePoll(sql: SqlStorage, db: Db, webinar: WebinarRow, now: number): Promise<void> {
  const last = getState(sql, "last_poll_at");
  const plan = nextPoll({
    sessions: sessionsOf(webinar.times),
    status: webinar.status,
    now,
    lastPollAt: last === null ? null : Number(last),
    passesDone: passesDone(sql),
  });
  let nextSyncAt: string | null = null;
  if (plan.kind === "finished") {
    deleteJob(sql, "poll");
  } else {
    scheduleJob(sql, "poll", plan.at, { payload: { attendance: plan.kind === "attendance" } });
    nextSyncAt = new Date(plan.at).toISOString();
  }
  await writeSyncTimes(db, webinar.id, { nextSyncAt });
}

function unwrap<T>(
  result: { ok: true; value: T } | { ok: false; error: import("./gateway-errors").GatewayFailure },
): T {
  if (!result.ok) throw new GatewayCallError(result.error);
  return result.value;
}

/** Reads every ended session's attendees (GoTo lists only completed sessions). */
async function readAttendance(
  env: Env,
  connectorId: string,
  keys: { organizerKey: string; webinarKey: string },
): Promise<IncomingAttendance[]> {
  const sessions = unwrap(await callGateway(env, connectorId, "listAllWebinarSessions", keys));
  const perSession = [];
  for (const s of sessions) {
    if (Date.parse(s.endTime) > Date.now()) continue;
    perSession.push(
      unwrap(await callGateway(env, connectorId, "listSessionAttendees", { ...keys, sessionKey: s.sessionKey })),
    );
  }
  return sumAttendance(perSession);
}

/**
 * One poll: the whole registrant list, and attendance when it is an attendance pass (or Sync now
 * after a session ended); ingestion; then the next poll planned from the tiers.
 */
export async function runPoll(env: Env, sql: SqlStorage, tracked: TrackedWebinar, job: JobRow): Promise<void> {
  const db = createDb(env.DB);
  const target = await loadSyncTarget(db, tracked.webinarId);
  if (!target || target.webinar.status === "cancelled") {
    deleteJob(sql, "poll");
    if (target) await writeSyncTimes(db, target.webinar.id, { nextSyncAt: null });
    return;
  }
  const { webinar, connector } = target;
  const payload = JSON.parse(job.payload) as PollPayload;
  const started = Date.now();
  const sessions = sessionsOf(webinar.times);
  const anyEnded = sessions.some((s) => s.end <= started);
  const keys = { organizerKey: connector?.organizerKey ?? "", webinarKey: webinar.webinarKey };
  const fetchedAt = new Date(started).toISOString();

  const registrants: IncomingRegistrant[] = unwrap(
    await callGateway(env, tracked.connectorId, "listAllRegistrants", keys),
  ).map((r) => ({
    registrantKey: r.registrantKey,
    email: r.email,
    firstName: r.firstName,
    lastName: r.lastName,
    status: r.status,
    joinUrl: r.joinUrl,
    registrationDate: r.registrationDate,
  }));
  const attendance = payload.attendance && anyEnded ? await readAttendance(env, tracked.connectorId, keys) : null;

  // Re-read D1 after GoTo's answers: the webinar may have been cancelled or changed meanwhile.
  const fresh = (await loadSyncTarget(db, tracked.webinarId)) ?? target;
  const summary = await ingest(db, {
    webinar: fresh.webinar,
    connector: {
      createProspects: fresh.connector?.createProspects ?? false,
      campaignId: fresh.connector?.campaignId ?? null,
    },
    registrants,
    complete: true,
    attendance,
    fetchedAt,
    now: new Date().toISOString(),
  });

  if (attendance !== null && !payload.manual) {
    const done = passesDone(sql);
    for (const id of duePasses(sessions, started, done)) done.add(id);
    setState(sql, "passes_done", JSON.stringify([...done]));
  }
  const finished = new Date().toISOString();
  setState(sql, "last_poll_at", String(started));
  setState(sql, "last_sync_at", finished);
  setState(
    sql,
    "last_poll",
    JSON.stringify({ ...summary, attendees: attendance?.length ?? null, ms: Date.now() - started }),
  );
  setState(sql, "last_error", null);
  await writeSyncTimes(db, webinar.id, { lastSyncedAt: finished, nextSyncAt: null });
  await schedulePoll(sql, db, fresh.webinar, Date.now());
}

/** Webhook events waiting in the inbox, through the same ingestion; each event is ingested once. */
export async function ingestInbox(env: Env, sql: SqlStorage, tracked: TrackedWebinar): Promise<void> {
  const db = createDb(env.DB);
  const target = await loadSyncTarget(db, tracked.webinarId);
  if (!target) {
    deleteJob(sql, "ingest");
    return;
  }
  for (;;) {
    const events = sql
      .exec<{ event_key: string; payload: string }>(
        "SELECT event_key, payload FROM inbox WHERE processed_at IS NULL ORDER BY received_at LIMIT 500",
      )
      .toArray();
    if (events.length === 0) break;
    const registrants = events
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
    for (const e of events) sql.exec("UPDATE inbox SET processed_at = ? WHERE event_key = ?", now, e.event_key);
  }
  // Processed events are kept a week so a late duplicate is still recognised, then dropped.
  sql.exec(
    "DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?",
    new Date(Date.now() - 7 * 86_400_000).toISOString(),
  );
  deleteJob(sql, "ingest");
}
