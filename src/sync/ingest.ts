import * as v from "valibot";
import type { Db } from "../db/client";
import {
  type NewActivity,
  planActivity,
  recordActivities,
  WEBINAR_ACTIVITY_TYPES,
  type WebinarActivityKind,
  webinarActivityIndex,
  webinarActivityKey,
} from "../db/queries/activities";
import { recordAttendanceRead } from "../db/queries/fact-changes";
import {
  activeProspectsByEmail,
  insertProspects,
  mastersByMergedEmail,
  type NewProspect,
  normalizeEmail,
} from "../db/queries/prospects";
import {
  deleteUnmatched,
  type KnownRegistration,
  type RegistrationStatus,
  type RegistrationWrite,
  type UnmatchedWrite,
  upsertRegistrations,
  upsertUnmatched,
  webinarRegistrations,
} from "../db/queries/registrations";
import { loadScoringRules } from "../db/queries/scoring";
import {
  readSessionKeys,
  type SessionAttendanceWrite,
  sameSessionAttendance,
  upsertSessionAttendance,
  upsertWebinarSessions,
  webinarSessionAttendance,
} from "../db/queries/session-attendance";
import { runBatch } from "../db/queries/statements";
import type { WebinarRow } from "../db/queries/webinars";
import {
  type EndedSession,
  type IncomingAttendance,
  type IncomingSessionAttendance,
  prospectSessions,
} from "../domain/attendance";
import { cleanText } from "../domain/text";
import type { GoToRegistrantStatus } from "../gotowebinar/schemas";
import { newId } from "../lib/encoding";
import { EmailField } from "../lib/validation";

/** A registrant as GoTo lists it (R1), or as a webhook event carries it. */
export interface IncomingRegistrant {
  registrantKey: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  status: GoToRegistrantStatus;
  joinUrl: string | null;
  registrationDate: string | null;
}

export interface IngestRequest {
  webinar: Pick<WebinarRow, "id" | "subject" | "endsAt">;
  connector: { createProspects: boolean; campaignId: string | null };
  registrants: readonly IncomingRegistrant[];
  /** The whole list from GoTo: a registration missing from it was deleted there. */
  complete: boolean;
  /** The attendance of every ended session, or null when this run did not read attendance. */
  attendance: readonly IncomingAttendance[] | null;
  /** The ended sessions whose attendance this run read (with `attendance`), when known. */
  sessions?: readonly EndedSession[];
  /** When the list was read from GoTo: rows written after it are not judged by it. */
  fetchedAt: string;
  now: string;
}

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

const STATUS: Record<GoToRegistrantStatus, RegistrationStatus> = {
  APPROVED: "approved",
  WAITING: "waiting",
  DENIED: "denied",
};

/** Statuses GoTo holds: such a row vanishing from GoTo's list means the registration was deleted. */
const HELD_BY_GOTO: ReadonlySet<RegistrationStatus> = new Set(["registered", "waiting", "approved", "denied"]);

interface Person {
  registrant: IncomingRegistrant;
  attended: boolean;
  minutes: number;
  firstJoin: string | null;
  sessions: IncomingSessionAttendance[];
}

interface Group {
  prospectId: string;
  people: Person[];
}

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
  // GoTo's emails are checked as a form checks a visitor's: one that is not an email address
  // (a script, a URL, line breaks) never becomes a prospect; it is an unmatched registrant with the reason.
  const emails = new Map<string, { ok: true; email: string } | { ok: false; reason: string }>();
  for (const p of people.values()) {
    const checked = v.safeParse(EmailField, p.registrant.email);
    emails.set(
      p.registrant.registrantKey,
      checked.success
        ? { ok: true, email: checked.output }
        : { ok: false, reason: `GoTo's email is not valid: ${checked.issues[0]?.message ?? "not an email address"}` },
    );
  }
  const validEmail = (p: Person): string | null => {
    const checked = emails.get(p.registrant.registrantKey);
    return checked?.ok ? checked.email : null;
  };
  const emailsToResolve = [...people.values()]
    .filter((p) => !byKey.has(p.registrant.registrantKey))
    .map(validEmail)
    .filter((e): e is string => e !== null);
  const active = await activeProspectsByEmail(db, emailsToResolve);
  const masters = await mastersByMergedEmail(
    db,
    emailsToResolve.filter((e) => !active.has(e)),
  );

  const created = new Map<string, NewProspect>();
  const unmatched: UnmatchedWrite[] = [];
  const groups = new Map<string, Group>();
  for (const person of people.values()) {
    const r = person.registrant;
    const known = byKey.get(r.registrantKey)?.prospectId ?? null;
    const checked = emails.get(r.registrantKey);
    if (known === null && !checked?.ok) {
      unmatched.push(unmatchedRow(webinarId, r, req.now, checked?.reason ?? "GoTo's email is not valid."));
      continue;
    }
    const email = checked?.ok ? checked.email : normalizeEmail(r.email);
    let prospectId = known ?? active.get(email) ?? masters.get(email) ?? null;
    if (prospectId === null && req.connector.createProspects) {
      let p = created.get(email);
      if (!p) {
        p = {
          id: newId("pro"),
          email,
          firstName: r.firstName,
          lastName: r.lastName,
          campaignId: req.connector.campaignId,
          source: "gotowebinar",
        };
        created.set(email, p);
      }
      prospectId = p.id;
    }
    if (prospectId === null) {
      unmatched.push(unmatchedRow(webinarId, { ...r, email }, req.now, NO_PROSPECT));
      continue;
    }
    const group = groups.get(prospectId) ?? { prospectId, people: [] };
    group.people.push(person);
    groups.set(prospectId, group);
  }

  const registrationWrites = new Map<string, RegistrationWrite>();
  const sessionWrites = new Map<string, SessionAttendanceWrite[]>();
  const activityWrites = new Map<string, NewActivity[]>();
  const addActivity = (
    prospectId: string,
    kind: WebinarActivityKind,
    occurredAt: string,
    minutes: number | null = null,
  ): void => {
    const dedupeKey = webinarActivityKey(webinarId, kind);
    const index = `${prospectId} ${dedupeKey}`;
    if (activityIndex.has(index) && activityIndex.get(index) === minutes) return;
    if (activityIndex.has(index) && kind !== "attended") return;
    const list = activityWrites.get(prospectId) ?? [];
    list.push(
      planActivity(
        {
          prospectId,
          webinarId,
          type: WEBINAR_ACTIVITY_TYPES[kind],
          dedupeKey,
          minutes,
          detail: req.webinar.subject,
          occurredAt,
        },
        rules,
      ),
    );
    activityWrites.set(prospectId, list);
  };

  for (const group of groups.values()) {
    const existing = byProspect.get(group.prospectId);
    // Two GoTo registrations landing on one prospect (its own email and a merged one): one row,
    // keyed by the registration already known, with the attendance of both.
    const primary = group.people.find((p) => p.registrant.registrantKey === existing?.registrantKey) ?? group.people[0];
    if (!primary) continue;
    const r = primary.registrant;
    const attended = req.attendance ? group.people.some((p) => p.attended) : (existing?.attended ?? false);
    const minutes = req.attendance
      ? group.people.reduce((sum, p) => sum + p.minutes, 0)
      : (existing?.minutesAttended ?? 0);
    const status = STATUS[r.status];
    const write: RegistrationWrite = {
      id: existing?.id ?? newId("reg"),
      prospectId: group.prospectId,
      webinarId,
      registrantKey: r.registrantKey,
      joinUrl: r.joinUrl ?? existing?.joinUrl ?? null,
      status,
      source: "gotowebinar",
      attended,
      minutesAttended: minutes,
      registeredAt: r.registrationDate ?? req.now,
    };
    const changed =
      !existing ||
      existing.registrantKey !== write.registrantKey ||
      existing.joinUrl !== write.joinUrl ||
      existing.status !== write.status ||
      existing.attended !== write.attended ||
      existing.minutesAttended !== write.minutesAttended;
    if (changed) registrationWrites.set(group.prospectId, write);
    if (req.attendance) {
      const rows = prospectSessions(
        group.prospectId,
        group.people.flatMap((p) => p.sessions),
      ).filter((row) => !sameSessionAttendance(row, sessionIndex.get(`${row.prospectId} ${row.sessionKey}`)));
      if (rows.length > 0) sessionWrites.set(group.prospectId, rows);
    }

    const registeredAt = r.registrationDate ?? req.now;
    addActivity(group.prospectId, "registered", registeredAt);
    if (r.status === "APPROVED") addActivity(group.prospectId, "accepted", registeredAt);
    if (r.status === "DENIED") addActivity(group.prospectId, "denied", req.now);
    if (attended) {
      const firstJoin = group.people
        .map((p) => p.firstJoin)
        .filter((t): t is string => t !== null)
        .sort()[0];
      addActivity(group.prospectId, "attended", firstJoin ?? req.now, minutes);
    }
  }

  // A registration GoTo no longer lists, for a webinar not yet over, was deleted there.
  let cancelled = 0;
  if (req.complete && req.now < req.webinar.endsAt) {
    const listed = new Set(req.registrants.map((r) => r.registrantKey));
    for (const r of known) {
      if (!r.registrantKey || listed.has(r.registrantKey) || !HELD_BY_GOTO.has(r.status)) continue;
      if (r.updatedAt >= req.fetchedAt || registrationWrites.has(r.prospectId)) continue;
      registrationWrites.set(r.prospectId, {
        id: r.id,
        prospectId: r.prospectId,
        webinarId,
        registrantKey: r.registrantKey,
        joinUrl: r.joinUrl,
        status: "cancelled",
        source: "gotowebinar",
        attended: r.attended,
        minutesAttended: r.minutesAttended,
        registeredAt: req.now,
      });
      addActivity(r.prospectId, "cancelled", req.now);
      cancelled++;
    }
  }

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

const NO_PROSPECT = "No prospect has this email, and the connector does not create prospects.";

/** Unmatched rows keep what GoTo sent, cut to a length a page can show. */
function unmatchedRow(webinarId: string, r: IncomingRegistrant, seenAt: string, reason: string): UnmatchedWrite {
  return {
    webinarId,
    registrantKey: r.registrantKey,
    email: r.email.slice(0, 320),
    firstName: r.firstName,
    lastName: r.lastName,
    status: r.status,
    reason,
    seenAt,
  };
}

/** GoTo's names without bidi controls or zero-width spaces, and null when nothing is left. */
function cleanName(name: string | null): string | null {
  if (name === null) return null;
  const cleaned = cleanText(name).trim();
  return cleaned === "" ? null : cleaned;
}

/** Registrants and attendees by registrant key; an attendee GoTo did not list is a registrant too. */
function collectPeople(req: IngestRequest): Map<string, Person> {
  const people = new Map<string, Person>();
  for (const r of req.registrants) {
    if (!people.has(r.registrantKey))
      people.set(r.registrantKey, {
        registrant: { ...r, firstName: cleanName(r.firstName), lastName: cleanName(r.lastName) },
        attended: false,
        minutes: 0,
        firstJoin: null,
        sessions: [],
      });
  }
  for (const a of req.attendance ?? []) {
    let person = people.get(a.registrantKey);
    if (!person) {
      person = {
        registrant: {
          registrantKey: a.registrantKey,
          email: a.email,
          firstName: cleanName(a.firstName),
          lastName: cleanName(a.lastName),
          status: "APPROVED",
          joinUrl: null,
          registrationDate: null,
        },
        attended: false,
        minutes: 0,
        firstJoin: null,
        sessions: [],
      };
      people.set(a.registrantKey, person);
    }
    person.attended = true;
    person.minutes += a.minutes;
    person.sessions.push(...(a.sessions ?? []));
    if (a.firstJoin && (person.firstJoin === null || a.firstJoin < person.firstJoin)) person.firstJoin = a.firstJoin;
  }
  return people;
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
