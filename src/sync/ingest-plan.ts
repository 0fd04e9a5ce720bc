import * as v from "valibot";
import {
  type NewActivity,
  planActivity,
  WEBINAR_ACTIVITY_TYPES,
  type WebinarActivityKind,
  webinarActivityKey,
} from "../db/queries/activities";
import { type NewProspect, normalizeEmail } from "../db/queries/prospects";
import type {
  KnownRegistration,
  RegistrationStatus,
  RegistrationWrite,
  UnmatchedWrite,
} from "../db/queries/registrations";
import { type SessionAttendanceWrite, sameSessionAttendance } from "../db/queries/session-attendance";
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

/**
 * What one ingestion run (src/sync/ingest.ts) writes, worked out from what GoTo sent and what D1
 * already holds, without reading or writing D1 itself: the registrants and attendees per person,
 * their emails checked, each person matched to a prospect (a new one, or none: unmatched), and per
 * prospect the registration row, the session attendance rows and the activities to add, with the
 * registrations GoTo deleted. Unchanged rows are left out, and so are activities already recorded
 * (but for an attendance whose minutes changed).
 */

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

/** Registrants and attendees by registrant key; an attendee GoTo did not list is a registrant too. */
export function collectPeople(req: IngestRequest): Map<string, Person> {
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

type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

/**
 * Each person's email, checked as a form checks a visitor's: one that is not an email address (a
 * script, a URL, line breaks) never becomes a prospect; it is an unmatched registrant with the
 * reason. `toResolve`: the valid emails of the people no known registration names, whose prospects
 * (active, or merged away) are to be looked up.
 */
export function checkEmails(
  people: ReadonlyMap<string, Person>,
  byKey: ReadonlyMap<string, KnownRegistration>,
): { emails: Map<string, EmailCheck>; toResolve: string[] } {
  const emails = new Map<string, EmailCheck>();
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
  const toResolve = [...people.values()]
    .filter((p) => !byKey.has(p.registrant.registrantKey))
    .map(validEmail)
    .filter((e): e is string => e !== null);
  return { emails, toResolve };
}

/**
 * Each person's prospect: the registrant key of a known registration; else the active prospect of
 * the email (`active`); else the master of a merged-away email (`masters`); else a new prospect in
 * the connector's campaign when the connector allows it; else an unmatched registrant. People who
 * land on one prospect are one group.
 */
export function matchProspects(
  req: IngestRequest,
  input: {
    people: ReadonlyMap<string, Person>;
    emails: ReadonlyMap<string, EmailCheck>;
    byKey: ReadonlyMap<string, KnownRegistration>;
    active: ReadonlyMap<string, string>;
    masters: ReadonlyMap<string, string>;
  },
): { created: Map<string, NewProspect>; unmatched: UnmatchedWrite[]; groups: Map<string, Group> } {
  const webinarId = req.webinar.id;
  const { people, emails, byKey, active, masters } = input;
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
  return { created, unmatched, groups };
}

/**
 * Per prospect: the registration row when it changed, the session attendance rows that changed
 * (when this run read attendance), and the activities not yet recorded (or an attendance whose
 * minutes changed); then, for a complete list of a webinar not yet over, the registrations GoTo no
 * longer lists, cancelled.
 */
export function planWrites(
  req: IngestRequest,
  input: {
    groups: ReadonlyMap<string, Group>;
    registrations: readonly KnownRegistration[];
    byProspect: ReadonlyMap<string, KnownRegistration>;
    /** `<prospect id> <dedupe key>` of the webinar's activities, to their minutes. */
    activityIndex: ReadonlyMap<string, number | null>;
    rules: ReadonlyMap<string, number>;
    /** `<prospect id> <session key>` to the session attendance D1 holds. */
    sessionIndex: ReadonlyMap<string, SessionAttendanceWrite>;
  },
): {
  registrationWrites: Map<string, RegistrationWrite>;
  sessionWrites: Map<string, SessionAttendanceWrite[]>;
  activityWrites: Map<string, NewActivity[]>;
  cancelled: number;
} {
  const webinarId = req.webinar.id;
  const { groups, byProspect, activityIndex, rules, sessionIndex } = input;
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
    for (const r of input.registrations) {
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
  return { registrationWrites, sessionWrites, activityWrites, cancelled };
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
