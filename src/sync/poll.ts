import { createDb, type Db } from "../db/client";
import { findSyncTarget, type WebinarRow, writeSyncTimes } from "../db/queries/webinars";
import { type EndedSession, type IncomingAttendance, type SessionAttendees, sumAttendance } from "../domain/attendance";
import { duePasses, nextPoll, pollSessions } from "../domain/polling";
import { queueEngagement } from "./engagement";
import { callGateway } from "./gateway-client";
import { unwrapGatewayResult as unwrap } from "./gateway-errors";
import { type IncomingRegistrant, ingest } from "./ingest";
import { deleteJob, getState, type JobRow, scheduleJob, setState, type TrackedWebinar } from "./sync-storage";

/**
 * The poll job of a WebinarSync: GoTo's whole registrant list (and, in an attendance pass, the
 * attendees of every ended session), brought into D1 by ingestion, then the next poll planned from
 * the tiers (src/domain/polling.ts).
 */

interface PollPayload {
  attendance?: boolean;
  manual?: boolean;
}

function passesDone(sql: SqlStorage): Set<string> {
  return new Set(JSON.parse(getState(sql, "passes_done") ?? "[]") as string[]);
}

/**
 * Plans the next poll from the tiers and tells D1 when it will be. A cancelled webinar, or one
 * whose last attendance pass is done, has no poll job at all.
 */
export async function schedulePoll(sql: SqlStorage, db: Db, webinar: WebinarRow, now: number): Promise<void> {
  const last = getState(sql, "last_poll_at");
  const plan = nextPoll({
    sessions: pollSessions(webinar.times),
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

/** Reads every ended session's attendees (GoTo lists only completed sessions), each session apart. */
async function readAttendance(
  env: Env,
  connectorId: string,
  keys: { organizerKey: string; webinarKey: string },
): Promise<{ attendance: IncomingAttendance[]; sessions: EndedSession[] }> {
  const sessions = unwrap(await callGateway(env, connectorId, "listAllWebinarSessions", keys));
  const perSession: SessionAttendees[] = [];
  for (const s of sessions) {
    if (Date.parse(s.endTime) > Date.now()) continue;
    const attendees = unwrap(
      await callGateway(env, connectorId, "listSessionAttendees", { ...keys, sessionKey: s.sessionKey }),
    );
    perSession.push({ session: { sessionKey: s.sessionKey, startTime: s.startTime, endTime: s.endTime }, attendees });
  }
  return { attendance: sumAttendance(perSession), sessions: perSession.map((p) => p.session) };
}

/**
 * One poll: the whole registrant list, and attendance when it is an attendance pass (or Sync now
 * after a session ended); ingestion; then the next poll planned from the tiers.
 */
export async function runPoll(env: Env, sql: SqlStorage, tracked: TrackedWebinar, job: JobRow): Promise<void> {
  const db = createDb(env.DB);
  const target = await findSyncTarget(db, tracked.webinarId);
  if (!target || target.webinar.status === "cancelled") {
    deleteJob(sql, "poll");
    if (target) await writeSyncTimes(db, target.webinar.id, { nextSyncAt: null });
    return;
  }
  const { webinar, connector } = target;
  const payload = JSON.parse(job.payload) as PollPayload;
  const started = Date.now();
  const sessions = pollSessions(webinar.times);
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
  const read = payload.attendance && anyEnded ? await readAttendance(env, tracked.connectorId, keys) : null;
  const attendance = read?.attendance ?? null;

  // Re-read D1 after GoTo's answers: the webinar may have been cancelled or changed meanwhile.
  const fresh = (await findSyncTarget(db, tracked.webinarId)) ?? target;
  const summary = await ingest(db, {
    webinar: fresh.webinar,
    connector: {
      createProspects: fresh.connector?.createProspects ?? false,
      campaignId: fresh.connector?.campaignId ?? null,
    },
    registrants,
    complete: true,
    attendance,
    ...(read ? { sessions: read.sessions } : {}),
    fetchedAt,
    now: new Date().toISOString(),
  });

  if (attendance !== null && !payload.manual) {
    const done = passesDone(sql);
    for (const id of duePasses(sessions, started, done)) done.add(id);
    setState(sql, "passes_done", JSON.stringify([...done]));
  }
  if (attendance !== null) queueEngagement(sql, Date.now(), payload.manual === true);
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
