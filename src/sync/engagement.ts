import { createDb } from "../db/client";
import { recordEngagements } from "../db/queries/engagements";
import { findSyncTarget } from "../db/queries/webinars";
import { clip, type EngagementItem } from "../domain/engagement";
import type { GoToAttendeeQuestion, GoToPollAnswer } from "../gotowebinar/engagement";
import { log } from "../lib/log";
import {
  attendeeFailed,
  markAttendeesRead,
  markQuestionsRead,
  type PendingAttendee,
  pendingAttendees,
  planSessionAttendees,
} from "./engagement-storage";
import { callGateway, type GatewayArgs, type GatewayMethod } from "./gateway-client";
import { GatewayCallError, unwrapGatewayResult as unwrap } from "./gateway-errors";
import { deleteJob, type JobRow, scheduleJob, type TrackedWebinar } from "./sync-storage";

/**
 * The engagement job of a WebinarSync. After an attendance pass (see poll.ts) it reads, within
 * GoTo's shared budget: each ended session's attendees and its questions (one call each, the
 * questions naming every asker), then each attendee's poll and survey answers (two calls per
 * attendee, never for registrants who did not attend), a bounded number of attendees per alarm
 * run, progress kept in storage (engagement-storage.ts), so the pass resumes where it stopped.
 * What it reads becomes engagement rows and activities (db/queries/engagements.ts); re-reading is
 * harmless, every item has its dedupe key.
 */

interface EngagementPayload {
  /** List the sessions and their attendees again and re-read the questions (a new attendance pass). */
  refresh?: boolean;
  /** Sync now: the marketer asked for everything GoTo has, so polls and surveys are read at once. */
  manual?: boolean;
}

/**
 * Each attendee's polls and surveys are read once per session, from this long after it ended (the
 * attendance pass at +1 hour), or at once when the marketer presses Sync now: polls are final at
 * the end, and by then most surveys are in; a survey sent later arrives by the `survey.submitted`
 * webhook where webhooks are on. Questions are read at every pass (one call per session).
 */
export const SETTLE_MS = 60 * 60_000;
/** Attendees read per run: two calls each, about 10 s of the whole 10 requests/s budget. */
export const ATTENDEES_PER_RUN = 50;
/** A run stops starting new attendees after this long (slow answers, a busy shared budget). */
const RUN_MS = 15_000;
/** Pause between runs, so the other jobs of this object and other webinars get their turn. */
const BETWEEN_RUNS_MS = 1_000;
/** After this many failed reads in a row, the pass waits {@link AFTER_FAILURE_MS} before going on. */
const FAILURES_BEFORE_WAITING = 3;
const AFTER_FAILURE_MS = 30_000;
/** A read that failed this often is skipped: one attendee's bad answers do not stall the pass. */
const MAX_ATTEMPTS = 3;

const CONNECTOR_KINDS = new Set(["needs_reverification", "paused", "not_connected"]);

/** Queues an engagement pass (after an attendance pass): the sessions and attendees are listed again. */
export function queueEngagement(sql: SqlStorage, now: number, manual = false): void {
  const payload: EngagementPayload = manual ? { refresh: true, manual: true } : { refresh: true };
  scheduleJob(sql, "engagement", now, { payload, earliest: true });
}

/** GoTo gives a poll or survey answer no time: it happened in the session, so it counts at the session's end. */
function pollItems(
  kind: "poll" | "survey",
  attendee: PendingAttendee,
  answers: readonly GoToPollAnswer[],
): EngagementItem[] {
  return answers.map((a) => ({
    kind,
    sessionKey: attendee.sessionKey,
    registrantKey: attendee.registrantKey,
    email: attendee.email,
    question: clip(a.question),
    answers: a.answers.map(clip),
    answer: null,
    occurredAt: attendee.sessionEnd,
  }));
}

export function questionItems(
  sessionKey: string,
  questions: readonly GoToAttendeeQuestion[],
  sessionEnd: string,
): EngagementItem[] {
  return questions.map((q) => {
    const answered = q.answers.map((a) => a.answer).filter((a): a is string => a !== null);
    return {
      kind: "question",
      sessionKey,
      registrantKey: q.askerKey,
      email: q.askedBy,
      question: clip(q.question),
      answers: [],
      answer: answered.length > 0 ? clip(answered.join(" / ")) : null,
      occurredAt: q.dateAsked ?? sessionEnd,
    };
  });
}

/**
 * One bounded run of the pass. `heartbeat` keeps the object's alarm a few seconds out while it
 * works (as the push job does), so a run that dies is picked up again from storage.
 */
export async function runEngagement(
  env: Env,
  sql: SqlStorage,
  tracked: TrackedWebinar,
  job: JobRow,
  heartbeat: () => Promise<void>,
): Promise<void> {
  const db = createDb(env.DB);
  const target = await findSyncTarget(db, tracked.webinarId);
  if (!target) {
    deleteJob(sql, "engagement");
    return;
  }
  const started = Date.now();
  const payload = JSON.parse(job.payload) as EngagementPayload;
  const keys = { organizerKey: target.connector?.organizerKey ?? "", webinarKey: target.webinar.webinarKey };
  const call = <M extends GatewayMethod>(method: M, args: GatewayArgs<M>) =>
    callGateway(env, tracked.connectorId, method, args);
  const webinarId = target.webinar.id;

  if (payload.refresh) {
    const sessions = unwrap(await call("listAllWebinarSessions", keys)).filter((s) => Date.parse(s.endTime) <= started);
    for (const s of sessions) {
      await heartbeat();
      const args = { ...keys, sessionKey: s.sessionKey };
      const settled = payload.manual === true || Date.parse(s.endTime) + SETTLE_MS <= started;
      const attendees = settled ? unwrap(await call("listSessionAttendees", args)) : null;
      const questions = unwrap(await call("listSessionQuestions", args));
      await recordEngagements(
        db,
        webinarId,
        questionItems(s.sessionKey, questions, s.endTime),
        new Date().toISOString(),
      );
      // Re-read storage state after the awaits: write only what this run learned.
      if (attendees) planSessionAttendees(sql, s, attendees, Date.now());
      markQuestionsRead(sql, s, Date.now());
    }
    scheduleJob(sql, "engagement", Date.now(), { payload: {} satisfies EngagementPayload });
  }

  const items: EngagementItem[] = [];
  const read: PendingAttendee[] = [];
  let failuresInARow = 0;
  for (const attendee of pendingAttendees(sql, ATTENDEES_PER_RUN)) {
    if (Date.now() - started > RUN_MS) break;
    await heartbeat();
    const args = { ...keys, sessionKey: attendee.sessionKey, registrantKey: attendee.registrantKey };
    const polls = await call("listAttendeePollAnswers", args);
    const surveys = polls.ok ? await call("listAttendeeSurveyAnswers", args) : polls;
    if (polls.ok && surveys.ok) {
      items.push(...pollItems("poll", attendee, polls.value), ...pollItems("survey", attendee, surveys.value));
      read.push(attendee);
      failuresInARow = 0;
      continue;
    }
    const failure = polls.ok ? (surveys.ok ? null : surveys.error) : polls.error;
    if (failure === null) continue;
    // GoTo no longer lists them as an attendee of that session: nothing to read.
    if (failure.kind === "not_found") {
      read.push(attendee);
      continue;
    }
    if (CONNECTOR_KINDS.has(failure.kind)) {
      await writeRead(db, sql, webinarId, items, read);
      throw new GatewayCallError(failure);
    }
    attendeeFailed(sql, attendee, failure.message, MAX_ATTEMPTS);
    log("warn", "engagement read failed", { webinarId, registrantKey: attendee.registrantKey, kind: failure.kind });
    // One attendee's bad answer is tried again next run; several in a row means GoTo is struggling: wait.
    if (++failuresInARow >= FAILURES_BEFORE_WAITING) break;
  }
  await writeRead(db, sql, webinarId, items, read);

  if (pendingAttendees(sql, 1).length === 0) deleteJob(sql, "engagement");
  else {
    const wait = failuresInARow >= FAILURES_BEFORE_WAITING ? AFTER_FAILURE_MS : BETWEEN_RUNS_MS;
    scheduleJob(sql, "engagement", Date.now() + wait);
  }
}

/** D1 first, then the attendees marked read: a run that dies between the two reads them again, harmlessly. */
async function writeRead(
  db: ReturnType<typeof createDb>,
  sql: SqlStorage,
  webinarId: string,
  items: EngagementItem[],
  read: PendingAttendee[],
): Promise<void> {
  if (items.length > 0) await recordEngagements(db, webinarId, items, new Date().toISOString());
  markAttendeesRead(sql, read);
}
