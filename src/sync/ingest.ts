import type { Db } from "../db/client";
import { type NewActivity, recordActivities, webinarActivityIndex } from "../db/queries/activities";
import { recordAttendanceRead } from "../db/queries/fact-changes";
import {
  activeProspectsByEmail,
  insertProspects,
  mastersByMergedEmail,
  type NewProspect,
} from "../db/queries/prospects";
import {
  deleteUnmatched,
  type KnownRegistration,
  type RegistrationWrite,
  upsertRegistrations,
  upsertUnmatched,
  webinarRegistrations,
} from "../db/queries/registrations";
import { loadScoringRules } from "../db/queries/scoring";
import {
  readSessionKeys,
  type SessionAttendanceWrite,
  upsertSessionAttendance,
  upsertWebinarSessions,
  webinarSessionAttendance,
} from "../db/queries/session-attendance";
import { runBatch } from "../db/queries/statements";
import type { EndedSession } from "../domain/attendance";
import { checkEmails, collectPeople, type IngestRequest, matchProspects, planWrites } from "./ingest-plan";

/**
 * The ingest job: the registrants and attendance of one poll (or of the webinar's inbox of webhook
 * events) into D1. It reads what D1 holds for the webinar and the registrants' emails, has
 * src/sync/ingest-plan.ts work out what to write, and writes it: the sessions read, then the
 * prospects, registrations, session attendance and activities in atomic batches, then the
 * attendance read and the unmatched registrants.
 */

export type { IncomingRegistrant, IngestRequest } from "./ingest-plan";

export interface IngestSummary {
  registrants: number;
  prospectsCreated: number;
  registrationsWritten: number;
  activitiesWritten: number;
  cancelled: number;
  unmatched: number;
}

/** Prospects per D1 batch: each batch is one atomic group of prospects, registrations, activities, scores. */
const PROSPECTS_PER_BATCH = 250;

/**
 * Brings D1 in line with what GoTo says about one webinar's registrants (and attendees). Matching
 * goes: the registrant key of a known registration; else an active prospect by email; else a
 * merged-away prospect's email, to its master; else a new prospect in the connector's campaign
 * when the connector allows it; else an unmatched registrant. Everything it writes is idempotent:
 * activities carry dedupe keys, scores are recomputed from activities, and unchanged rows are not
 * written at all, so repeated polls, alarm re-runs and duplicate events change nothing.
 */
export async function ingest(db: Db, req: IngestRequest): Promise<IngestSummary> {
  const webinarId = req.webinar.id;
  const perSession = req.attendance !== null;
  const [known, activityIndex, rules, knownSessions, sessionIndex] = await Promise.all([
    webinarRegistrations(db, webinarId),
    webinarActivityIndex(db, webinarId),
    loadScoringRules(db),
    perSession ? readSessionKeys(db, webinarId) : new Map<string, EndedSession>(),
    perSession ? webinarSessionAttendance(db, webinarId) : new Map<string, SessionAttendanceWrite>(),
  ]);
  const byKey = new Map<string, KnownRegistration>();
  const byProspect = new Map<string, KnownRegistration>();
  for (const r of known) {
    if (r.registrantKey) byKey.set(r.registrantKey, r);
    byProspect.set(r.prospectId, r);
  }

  const people = collectPeople(req);
  const { emails, toResolve: emailsToResolve } = checkEmails(people, byKey);
  const active = await activeProspectsByEmail(db, emailsToResolve);
  const masters = await mastersByMergedEmail(
    db,
    emailsToResolve.filter((e) => !active.has(e)),
  );
  const { created, unmatched, groups } = matchProspects(req, { people, emails, byKey, active, masters });
  const { registrationWrites, sessionWrites, activityWrites, cancelled } = planWrites(req, {
    groups,
    registrations: known,
    byProspect,
    activityIndex,
    rules,
    sessionIndex,
  });

  // The sessions read go first, so every batch below judges "attended the latest session" by them.
  const sessionsChanged = (req.sessions ?? []).filter((s) => {
    const was = knownSessions.get(s.sessionKey);
    return !was || was.startTime !== s.startTime || was.endTime !== s.endTime;
  });
  if (perSession && sessionsChanged.length > 0) {
    await runBatch(db, [upsertWebinarSessions(webinarId, sessionsChanged, req.now)]);
  }
  const { written, judged } = await writeGroups(db, {
    webinarId,
    prospects: [...created.values()],
    registrations: [...registrationWrites.values()],
    sessions: sessionWrites,
    activities: activityWrites,
    now: req.now,
  });
  // Attendance read after the end, and written above, is what makes the others absent; a session
  // newly read changes which is the latest for everyone: recorded, then the registrants the
  // batches above did not judge are brought up to date.
  const ended = req.attendance !== null && req.now >= req.webinar.endsAt;
  if (ended || sessionsChanged.length > 0) {
    await recordAttendanceRead(db, webinarId, [...groups.keys()], req.now, {
      ended,
      sessionsRead: sessionsChanged.length > 0,
      judged,
    });
  }

  const listedKeys = req.complete ? req.registrants.map((r) => r.registrantKey) : null;
  const matchedKeys = [...groups.values()].flatMap((g) => g.people.map((p) => p.registrant.registrantKey));
  await upsertUnmatched(db, unmatched);
  await deleteUnmatched(db, webinarId, { keep: listedKeys, matched: matchedKeys });

  return {
    registrants: people.size,
    prospectsCreated: created.size,
    registrationsWritten: registrationWrites.size,
    activitiesWritten: written,
    cancelled,
    unmatched: unmatched.length,
  };
}

/**
 * Writes in atomic groups of prospects: each D1 batch holds the group's new prospects, its
 * registrations, its activities and its recomputed scores, so a score never disagrees with the
 * activities beside it, whatever fails in between.
 */
async function writeGroups(
  db: Db,
  input: {
    webinarId: string;
    prospects: NewProspect[];
    registrations: RegistrationWrite[];
    sessions: Map<string, SessionAttendanceWrite[]>;
    activities: Map<string, NewActivity[]>;
    now: string;
  },
): Promise<{ written: number; judged: ReadonlySet<string> }> {
  const ids = new Set<string>([
    ...input.prospects.map((p) => p.id),
    ...input.registrations.map((r) => r.prospectId),
    ...input.sessions.keys(),
    ...input.activities.keys(),
  ]);
  const all = [...ids];
  const prospectById = new Map(input.prospects.map((p) => [p.id, p]));
  const registrationByProspect = new Map(input.registrations.map((r) => [r.prospectId, r]));
  let activitiesWritten = 0;
  for (let i = 0; i < all.length; i += PROSPECTS_PER_BATCH) {
    const chunk = all.slice(i, i + PROSPECTS_PER_BATCH);
    const newProspects = chunk.map((id) => prospectById.get(id)).filter((p): p is NewProspect => p !== undefined);
    const regs = chunk
      .map((id) => registrationByProspect.get(id))
      .filter((r): r is RegistrationWrite => r !== undefined);
    const acts = chunk.flatMap((id) => input.activities.get(id) ?? []);
    const sessions = chunk.flatMap((id) => input.sessions.get(id) ?? []);
    const statements = [];
    if (newProspects.length > 0) statements.push(insertProspects(newProspects, input.now));
    if (regs.length > 0) statements.push(upsertRegistrations(regs, input.now));
    // Before the recorder's statements: lists and rules judging the attendance see its sessions.
    if (sessions.length > 0) statements.push(upsertSessionAttendance(input.webinarId, sessions, input.now));
    statements.push(...recordActivities(acts, input.now, chunk).statements);
    await runBatch(db, statements);
    activitiesWritten += acts.length;
  }
  return { written: activitiesWritten, judged: ids };
}
