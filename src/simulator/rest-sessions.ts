/** REST v2 reports on past sessions and their attendees (S1–S6, A1), and the session performance W9 reuses. */

import { invalid, notFound } from "./errors";
import { pathKey, type SimApp, type SimContext } from "./http";
import { type JsonValue, jsonText, num } from "./json";
import { engagementOf } from "./model-engagement";
import type { OrganizerRow } from "./model-organizers";
import { attendeesOf } from "./model-registrants";
import { sessionsOf } from "./model-webinars";
import { pagedResponse, pageParams, timeRange } from "./paging";
import { callerUrl, pathOrganizer, registrantCount } from "./rest-shared";
import type { SessionRow, WebinarRow } from "./rows";
import { all, isoTime, one } from "./storage";

export function sessionPerformance(sql: SqlStorage, webinarKey: string, sessionKey: string): JsonValue {
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
    pollsAndSurveys: engagementCounts(sql, sessionKey, attendees.length),
  };
}

/** The session's polls, surveys and questions, counted as GoTo's performance report has them. */
function engagementCounts(sql: SqlStorage, sessionKey: string, attendeeCount: number): JsonValue {
  const polls = engagementOf(sql, sessionKey, "poll");
  const surveys = engagementOf(sql, sessionKey, "survey");
  const share = (rows: { registrant_key: string }[]) =>
    attendeeCount ? Math.round((new Set(rows.map((r) => r.registrant_key)).size / attendeeCount) * 1000) / 10 : 0;
  return {
    pollCount: new Set(polls.map((p) => p.question)).size,
    surveyCount: new Set(surveys.map((p) => p.question)).size,
    questionsAsked: engagementOf(sql, sessionKey, "question").length,
    percentagePollsCompleted: share(polls),
    percentageSurveysCompleted: share(surveys),
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
    totalPollCount: new Set(engagementOf(sql, s.session_key, "poll").map((p) => p.question)).size,
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

export function pastSession(c: SimContext, w: WebinarRow): SessionRow {
  const key = pathKey(c, "sessionKey");
  const session = sessionsOf(c.get("sim").sql, w.webinar_key).find((s) => s.session_key === key);
  if (!session) throw notFound("Session with specified key does not exist.");
  return session;
}

export function mountSessionRoutes(app: SimApp): void {
  const r = "/G2W/rest/v2";
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

  app.get(`${r}/organizers/:organizerKey/webinars/:webinarKey/sessions/:sessionKey/attendees/:registrantKey`, (c) =>
    jsonText(attendeeJson(pathAttendee(c).attendee)),
  );

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

/** The attendee, session and webinar a per-attendee path names; 404 for an unknown session or a registrant who did not attend it. */
export function pathAttendee(c: SimContext): {
  webinar: WebinarRow;
  session: SessionRow;
  organizer: OrganizerRow;
  attendee: ReturnType<typeof attendeesOf>[number];
} {
  const organizer = pathOrganizer(c);
  const { sql } = c.get("sim");
  const webinar = liveOrAnyOwned(sql, pathKey(c, "webinarKey"), organizer);
  const session = pastSession(c, webinar);
  const key = pathKey(c, "registrantKey");
  const attendee = attendeesOf(sql, { sessionKey: session.session_key }).find((a) => a.registrantKey === key);
  if (!attendee) throw notFound("Attendee with specified key does not exist.");
  return { webinar, session, organizer, attendee };
}

/** Reports still answer for a webinar's past sessions; only unknown or foreign keys are 404. */
function liveOrAny(sql: SqlStorage, webinarKey: string): WebinarRow {
  const w = one<WebinarRow>(sql, "SELECT * FROM webinars WHERE webinar_key = ?", webinarKey);
  if (!w) throw notFound();
  return w;
}

export function liveOrAnyOwned(sql: SqlStorage, webinarKey: string, organizer: OrganizerRow): WebinarRow {
  const w = liveOrAny(sql, webinarKey);
  if (w.organizer_key !== organizer.organizer_key) throw notFound();
  return w;
}
