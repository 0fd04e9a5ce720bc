import * as v from "valibot";
import { invalid, notFound, SimError } from "./errors";
import { webinarEvent } from "./events";
import { pathKey, readJsonBody, type SimApp, type SimContext } from "./http";
import { type JsonValue, jsonText, num } from "./json";
import {
  attendeesOf,
  cancelWebinar,
  checkTimes,
  createWebinar,
  liveWebinar,
  type OrganizerRow,
  organizerByKey,
  phaseOf,
  replaceSessions,
  type SessionRow,
  sessionsOf,
  type WebinarRow,
} from "./model";
import { pagedResponse, pageParams, timeRange } from "./paging";
import { all, isoTime, one, parseIsoTime } from "./storage";
import { VIA_STUB_HEADER } from "./stub-fetch";

/**
 * REST v2 webinars, sessions and attendance (W1–W9, S1–S6, A1) plus /admin/rest/v1/me, with
 * GoTo's key types: strings in list items and reporting sessions, bare numbers in WebinarByKey
 * and attendees (see json.ts).
 */

/** The URL the caller used: through simulatorFetch that is GoTo's real URL, without /sim. */
export function callerUrl(c: SimContext): string {
  const url = new URL(c.req.url);
  if (c.req.header(VIA_STUB_HEADER) === "stub") url.pathname = url.pathname.replace(/^\/sim\//, "/");
  return url.toString();
}

/** The token's organizer must be the one in the path. */
export function pathOrganizer(c: SimContext): OrganizerRow {
  const key = pathKey(c, "organizerKey");
  const organizer = c.get("organizer");
  if (organizer.organizer_key !== key) {
    throw new SimError(403, "AccessDenied", "The access token does not grant access to this organizer.");
  }
  return organizer;
}

function timesOf(sessions: SessionRow[]): JsonValue[] {
  return sessions.map((s) => ({ startTime: isoTime(s.start_ms), endTime: isoTime(s.end_ms) }));
}

function registrationUrl(webinarKey: string): string {
  return `https://register.gotowebinar.com/register/${webinarKey}`;
}

/** `Webinar` as list items carry it: keys as strings. */
export function webinarListItem(w: WebinarRow, organizer: OrganizerRow, sessions: SessionRow[]): JsonValue {
  return {
    webinarKey: w.webinar_key,
    webinarID: w.webinar_id,
    organizerKey: w.organizer_key,
    accountKey: organizer.account_key,
    subject: w.subject,
    description: w.description,
    times: timesOf(sessions),
    timeZone: w.time_zone,
    locale: w.locale,
    approvalType: w.approval_type,
    registrationUrl: registrationUrl(w.webinar_key),
    impromptu: false,
    isPasswordProtected: w.is_password_protected === 1,
    recurrenceType: w.recurrence_type,
    experienceType: w.experience_type,
  };
}

function registrantCount(sql: SqlStorage, webinarKey: string): number {
  return one<{ n: number }>(sql, "SELECT count(*) AS n FROM registrants WHERE webinar_key = ?", webinarKey)?.n ?? 0;
}

/** `WebinarByKey`: webinarKey and organizerKey as bare numbers, accountKey as a string. */
function webinarByKeyJson(sql: SqlStorage, w: WebinarRow, organizer: OrganizerRow, now: number): JsonValue {
  const sessions = sessionsOf(sql, w.webinar_key);
  const shown =
    w.recurrence_type === "sequence" && sessions.some((s) => s.end_ms > now)
      ? sessions.filter((s) => s.end_ms > now)
      : sessions;
  return {
    webinarKey: num(w.webinar_key),
    webinarID: w.webinar_id,
    subject: w.subject,
    description: w.description,
    organizerKey: num(w.organizer_key),
    organizerEmail: organizer.email,
    organizerName: `${organizer.first_name} ${organizer.last_name}`,
    times: timesOf(shown),
    registrationUrl: registrationUrl(w.webinar_key),
    inSession: phaseOf(sessions, now) === "inSession",
    impromptu: false,
    type: w.recurrence_type,
    timeZone: w.time_zone,
    numberOfRegistrants: registrantCount(sql, w.webinar_key),
    registrationLimit: w.registration_limit ?? 1000,
    locale: w.locale,
    accountKey: organizer.account_key,
    recurrencePeriod: w.recurrence_type === "sequence" ? "weekly" : undefined,
    experienceType: w.experience_type,
    isPasswordProtected: w.is_password_protected === 1,
  };
}

function listWebinars(c: SimContext, where: string, param: string): Response {
  const { sql } = c.get("sim");
  const range = timeRange(c.req.query());
  const { page, size } = pageParams(c.req.query());
  if (!range) throw invalid("fromTime and toTime are required.");
  const base = `FROM webinars w JOIN organizers o ON o.organizer_key = w.organizer_key
    WHERE ${where} = ? AND w.cancelled_at IS NULL
    AND EXISTS (SELECT 1 FROM sessions s WHERE s.webinar_key = w.webinar_key AND s.start_ms >= ? AND s.start_ms <= ?)`;
  const total = one<{ n: number }>(sql, `SELECT count(*) AS n ${base}`, param, range.from, range.to)?.n ?? 0;
  const rows = all<WebinarRow>(
    sql,
    `SELECT w.* ${base} ORDER BY (SELECT MIN(start_ms) FROM sessions s WHERE s.webinar_key = w.webinar_key), w.webinar_key
     LIMIT ? OFFSET ?`,
    param,
    range.from,
    range.to,
    size,
    page * size,
  );
  const items = rows.map((w) => {
    const organizer = organizerByKey(sql, w.organizer_key) as OrganizerRow;
    return webinarListItem(w, organizer, sessionsOf(sql, w.webinar_key));
  });
  return pagedResponse(callerUrl(c), "webinars", items, total, page, size);
}

const TimeSchema = v.object({
  startTime: v.pipe(v.string(), v.isoTimestamp()),
  endTime: v.pipe(v.string(), v.isoTimestamp()),
});

const EXPERIENCE = ["CLASSIC", "BROADCAST", "SIMULIVE"];

const CreateWebinarBody = v.object({
  subject: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(128)),
  description: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  times: v.optional(v.pipe(v.array(TimeSchema), v.minLength(1), v.maxLength(50))),
  timeZone: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(64))),
  type: v.optional(v.picklist(["single_session", "series", "sequence"])),
  isPasswordProtected: v.optional(v.boolean()),
  recordingAssetKey: v.optional(v.string()),
  isOndemand: v.optional(v.boolean()),
  experienceType: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => EXPERIENCE.includes(s.toUpperCase())),
    ),
  ),
  locale: v.optional(v.picklist(["en_US", "de_DE", "es_ES", "fr_FR", "it_IT", "zh_CN"])),
  approvalType: v.optional(v.picklist(["AUTOMATIC", "MANUAL"])),
  emailSettings: v.optional(v.record(v.string(), v.unknown())),
  recurrenceStart: v.optional(TimeSchema),
  recurrencePattern: v.optional(v.picklist(["daily", "weekly", "monthly"])),
  recurrenceEnd: v.optional(v.pipe(v.string(), v.isoDate())),
});

const UpdateWebinarBody = v.object({
  subject: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(128))),
  description: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  times: v.optional(v.pipe(v.array(TimeSchema), v.minLength(1), v.maxLength(50))),
  timeZone: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(64))),
  locale: v.optional(v.picklist(["en_US", "de_DE", "es_ES", "fr_FR", "it_IT", "zh_CN"])),
  emailSettings: v.optional(v.record(v.string(), v.unknown())),
});

/** Valibot failure → GoTo's 400 with the first problem named. */
export function parseBody<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, body);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    throw invalid(path ? `Invalid value for ${path}: ${issue?.message}` : `Invalid request body: ${issue?.message}`);
  }
  return result.output;
}

function toMs(t: { startTime: string; endTime: string }): { start: number; end: number } {
  const start = parseIsoTime(t.startTime);
  const end = parseIsoTime(t.endTime);
  if (start === null || end === null) throw invalid("Times must be ISO-8601 UTC, like 2020-03-13T10:00:00Z.");
  return { start, end };
}

/** A sequence's sessions from recurrenceStart, pattern and end date (at most 50). */
function expandSequence(
  start: { start: number; end: number },
  pattern: string,
  endDate: string,
): { start: number; end: number }[] {
  const until = Date.parse(`${endDate}T23:59:59Z`);
  const times: { start: number; end: number }[] = [];
  const length = start.end - start.start;
  const cursor = new Date(start.start);
  while (cursor.getTime() <= until && times.length < 50) {
    times.push({ start: cursor.getTime(), end: cursor.getTime() + length });
    if (pattern === "daily") cursor.setUTCDate(cursor.getUTCDate() + 1);
    else if (pattern === "weekly") cursor.setUTCDate(cursor.getUTCDate() + 7);
    else cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return times;
}

function sessionPerformance(sql: SqlStorage, webinarKey: string, sessionKey: string): JsonValue {
  const registrants = registrantCount(sql, webinarKey);
  const attendees = attendeesOf(sql, { sessionKey });
  const seconds = attendees.map((a) => a.intervals.reduce((sum, i) => sum + Math.round((i.leave - i.join) / 1000), 0));
  const average = seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : 0;
  return {
    attendance: {
      registrantCount: registrants,
      percentageAttendance: registrants ? Math.round((attendees.length / registrants) * 1000) / 10 : 0,
      averageInterestRating: 0,
      averageAttentiveness: 0,
      averageAttendanceTimeSeconds: Math.round(average * 10) / 10,
    },
    pollsAndSurveys: {
      pollCount: 0,
      surveyCount: 0,
      questionsAsked: 0,
      percentagePollsCompleted: 0,
      percentageSurveysCompleted: 0,
    },
  };
}

function reportingSession(sql: SqlStorage, s: SessionRow, w: WebinarRow, organizer: OrganizerRow): JsonValue {
  return {
    sessionKey: s.session_key,
    webinarKey: w.webinar_key,
    webinarName: w.subject,
    startTime: isoTime(s.start_ms),
    endTime: isoTime(s.end_ms),
    registrantsAttended: attendeesOf(sql, { sessionKey: s.session_key }).length,
    registrantCount: registrantCount(sql, w.webinar_key),
    accountKey: organizer.account_key,
    creatingOrganizerKey: organizer.organizer_key,
    creatingOrganizerName: `${organizer.first_name} ${organizer.last_name}`,
    startingOrganizerKey: organizer.organizer_key,
    startingOrganizerName: `${organizer.first_name} ${organizer.last_name}`,
    totalPollCount: 0,
    timeZone: w.time_zone,
    experienceType: w.experience_type,
    webinarID: w.webinar_id,
  };
}

/** `Attendee`: registrantKey and sessionKey as bare numbers. */
function attendeeJson(a: ReturnType<typeof attendeesOf>[number]): JsonValue {
  return {
    registrantKey: num(a.registrantKey),
    sessionKey: num(a.sessionKey),
    firstName: a.firstName,
    lastName: a.lastName,
    email: a.email,
    attendanceTimeInSeconds: a.intervals.reduce((sum, i) => sum + Math.round((i.leave - i.join) / 1000), 0),
    attendance: a.intervals.map((i) => ({ joinTime: isoTime(i.join), leaveTime: isoTime(i.leave) })),
  };
}

function pastSession(c: SimContext, w: WebinarRow): SessionRow {
  const key = pathKey(c, "sessionKey");
  const session = sessionsOf(c.get("sim").sql, w.webinar_key).find((s) => s.session_key === key);
  if (!session) throw notFound("Session with specified key does not exist.");
  return session;
}

export function mountRest(app: SimApp): void {
  app.get("/admin/rest/v1/me", (c) => {
    const o = c.get("organizer");
    return jsonText({
      key: num(o.organizer_key),
      accountKey: num(o.account_key),
      email: o.email,
      firstName: o.first_name,
      lastName: o.last_name,
      locale: "en_US",
      timeZone: o.time_zone,
    });
  });

  const r = "/G2W/rest/v2";
  app.get(`${r}/organizers/:organizerKey/webinars`, (c) =>
    listWebinars(c, "w.organizer_key", pathOrganizer(c).organizer_key),
  );

  app.get(`${r}/accounts/:accountKey/webinars`, (c) => {
    const accountKey = pathKey(c, "accountKey");
    if (c.get("organizer").account_key !== accountKey) {
      throw new SimError(403, "AccessDenied", "The access token does not grant access to this account.");
    }
    return listWebinars(c, "o.account_key", accountKey);
  });

  app.post(`${r}/organizers/:organizerKey/webinars`, async (c) => {
    const organizer = pathOrganizer(c);
    const sim = c.get("sim");
    const body = parseBody(CreateWebinarBody, await readJsonBody(c));
    let times: { start: number; end: number }[];
    if (body.type === "sequence" && body.recurrenceStart) {
      if (!body.recurrencePattern || !body.recurrenceEnd) {
        throw invalid("A sequence needs recurrencePattern and recurrenceEnd.");
      }
      times = expandSequence(toMs(body.recurrenceStart), body.recurrencePattern, body.recurrenceEnd);
    } else {
      if (!body.times) throw invalid("times is required.");
      times = body.times.map(toMs);
    }
    checkTimes(times);
    if (times.some((t) => t.start < sim.now())) throw invalid("Webinar times must be in the future.");
    if (body.type === "series" && times.length < 2) throw invalid("A series needs at least two times.");
    if ((body.type ?? "single_session") === "single_session" && times.length > 1) {
      throw invalid("A single_session webinar has exactly one time.");
    }
    const webinar = createWebinar(
      sim.sql,
      organizer,
      {
        subject: body.subject,
        description: body.description,
        times,
        timeZone: body.timeZone,
        locale: body.locale,
        approvalType: body.approvalType,
        recurrenceType: body.type ?? "single_session",
        experienceType: body.experienceType,
        isPasswordProtected: body.isPasswordProtected,
        isOndemand: body.isOndemand,
        emailSettings: body.emailSettings,
      },
      sim.now(),
    );
    return jsonText({ webinarKey: webinar.webinar_key }, 201);
  });

  app.get(`${r}/organizers/:organizerKey/insessionWebinars`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const range = timeRange(c.req.query(), false);
    const rows = all<WebinarRow>(
      sql,
      "SELECT * FROM webinars WHERE organizer_key = ? AND cancelled_at IS NULL ORDER BY webinar_key",
      organizer.organizer_key,
    );
    const items: JsonValue[] = [];
    for (const w of rows) {
      const sessions = sessionsOf(sql, w.webinar_key);
      if (phaseOf(sessions, now()) !== "inSession") continue;
      if (range && !sessions.some((s) => s.start_ms >= range.from && s.start_ms <= range.to)) continue;
      items.push(webinarListItem(w, organizer, sessions));
    }
    return jsonText(items);
  });

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    return jsonText(webinarByKeyJson(sql, w, organizer, now()));
  });

  app.put(`${r}/organizers/:organizerKey/webinars/:webinarKey`, async (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    const body = parseBody(UpdateWebinarBody, await readJsonBody(c));
    const phase = phaseOf(sessionsOf(sql, w.webinar_key), now());
    if (phase === "inSession") throw invalid("The webinar is in progress.");
    if (phase === "past") throw invalid("The webinar has ended.");
    if (body.times) {
      const times = body.times.map(toMs);
      checkTimes(times);
      if (times.some((t) => t.start < now())) throw invalid("Webinar times must be in the future.");
      replaceSessions(sql, w.webinar_key, times);
    }
    sql.exec(
      `UPDATE webinars SET subject = COALESCE(?, subject), description = COALESCE(?, description),
       time_zone = COALESCE(?, time_zone), locale = COALESCE(?, locale), email_settings = COALESCE(?, email_settings)
       WHERE webinar_key = ?`,
      body.subject ?? null,
      body.description ?? null,
      body.timeZone ?? null,
      body.locale ?? null,
      body.emailSettings ? JSON.stringify(body.emailSettings) : null,
      w.webinar_key,
    );
    const updated = liveWebinar(sql, w.webinar_key);
    webinarEvent(sql, updated, organizer, sessionsOf(sql, w.webinar_key), "webinar.changed", "UPDATED", now());
    return c.body(null, 202);
  });

  app.delete(`${r}/organizers/:organizerKey/webinars/:webinarKey`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    cancelWebinar(sql, w, now());
    return c.body(null, 204);
  });

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/meetingtimes`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    return jsonText(timesOf(sessionsOf(sql, w.webinar_key)));
  });

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/performance`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    const out: Record<string, JsonValue> = {};
    for (const s of sessionsOf(sql, w.webinar_key)) {
      if (s.end_ms <= now()) out[s.session_key] = sessionPerformance(sql, w.webinar_key, s.session_key);
    }
    return jsonText(out);
  });

  app.get(`${r}/organizers/:organizerKey/sessions`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const range = timeRange(c.req.query());
    const { page, size } = pageParams(c.req.query());
    if (!range) throw invalid("fromTime and toTime are required.");
    const base = `FROM sessions s JOIN webinars w ON w.webinar_key = s.webinar_key
      WHERE w.organizer_key = ? AND s.end_ms <= ? AND s.start_ms >= ? AND s.start_ms <= ?`;
    const params = [organizer.organizer_key, now(), range.from, range.to];
    const total = one<{ n: number }>(sql, `SELECT count(*) AS n ${base}`, ...params)?.n ?? 0;
    const rows = all<SessionRow>(
      sql,
      `SELECT s.* ${base} ORDER BY s.start_ms, s.session_key LIMIT ? OFFSET ?`,
      ...params,
      size,
      page * size,
    );
    const items = rows.map((s) => reportingSession(sql, s, liveOrAny(sql, s.webinar_key), organizer));
    return pagedResponse(callerUrl(c), "sessionInfoResources", items, total, page, size);
  });

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/sessions`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const w = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
    const { page, size } = pageParams(c.req.query());
    const done = sessionsOf(sql, w.webinar_key).filter((s) => s.end_ms <= now());
    const items = done.slice(page * size, page * size + size).map((s) => reportingSession(sql, s, w, organizer));
    return pagedResponse(callerUrl(c), "sessionInfoResources", items, done.length, page, size);
  });

  // The spec types this as an array of Attendee, which looks like a generator slip; the simulator
  // answers the session itself (a ReportingSession), which is what the path names.
  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/sessions/:sessionKey`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
    return jsonText(reportingSession(sql, pastSession(c, w), w, organizer));
  });

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/sessions/:sessionKey/attendees`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
    const session = pastSession(c, w);
    return jsonText(attendeesOf(sql, { sessionKey: session.session_key }).map(attendeeJson));
  });

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/sessions/:sessionKey/performance`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
    const session = pastSession(c, w);
    return jsonText(sessionPerformance(sql, w.webinar_key, session.session_key));
  });

  const attendee = (c: SimContext) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
    const session = pastSession(c, w);
    const key = pathKey(c, "registrantKey");
    const found = attendeesOf(sql, { sessionKey: session.session_key }).find((a) => a.registrantKey === key);
    if (!found) throw notFound("Attendee with specified key does not exist.");
    return found;
  };
  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/sessions/:sessionKey/attendees/:registrantKey`, (c) =>
    jsonText(attendeeJson(attendee(c))),
  );
  for (const part of ["polls", "questions", "surveys"]) {
    app.get(
      `${r}/organizers/:organizerKey/webinars/:webinarKey/sessions/:sessionKey/attendees/:registrantKey/${part}`,
      (c) => {
        attendee(c);
        return jsonText([]);
      },
    );
  }

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/attendees`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
    const { page, size } = pageParams(c.req.query());
    const everyone = attendeesOf(sql, { webinarKey: w.webinar_key });
    const items = everyone.slice(page * size, page * size + size).map(attendeeJson);
    return pagedResponse(callerUrl(c), "attendeeParticipationResponses", items, everyone.length, page, size);
  });
}

/** Reports still answer for a webinar's past sessions; only unknown or foreign keys are 404. */
function liveOrAny(sql: SqlStorage, webinarKey: string): WebinarRow {
  const w = one<WebinarRow>(sql, "SELECT * FROM webinars WHERE webinar_key = ?", webinarKey);
  if (!w) throw notFound();
  return w;
}

function liveOrAnyOwned(sql: SqlStorage, webinarKey: string, organizer: OrganizerRow): WebinarRow {
  const w = liveOrAny(sql, webinarKey);
  if (w.organizer_key !== organizer.organizer_key) throw notFound();
  return w;
}
