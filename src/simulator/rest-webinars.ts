/** REST v2 webinars (W1–W9): list, create, in session, get, update, cancel, meeting times and performance. */

import * as v from "valibot";
import { invalid, SimError } from "./errors";
import { webinarEvent } from "./events";
import { pathKey, readJsonBody, type SimApp, type SimContext } from "./http";
import { type JsonValue, jsonText, num } from "./json";
import { type OrganizerRow, organizerByKey } from "./model-organizers";
import {
  cancelWebinar,
  checkTimes,
  createWebinar,
  liveWebinar,
  phaseOf,
  replaceSessions,
  sessionsOf,
} from "./model-webinars";
import { pagedResponse, pageParams, timeRange } from "./paging";
import { sessionPerformance } from "./rest-sessions";
import { callerUrl, parseBody, pathOrganizer, registrantCount } from "./rest-shared";
import type { SessionRow, WebinarRow } from "./rows";
import { all, isoTime, one, parseIsoTime } from "./storage";

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

export function mountWebinarRoutes(app: SimApp): void {
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
}
