import * as v from "valibot";
import { GOTO_FORM_FIELDS } from "../gotowebinar/constants";
import { listDeliveries } from "./delivery";
import { invalid, notFound, SimError } from "./errors";
import { readJsonBody, type SimApp, type SimServices } from "./http";
import { type JsonValue, jsonText } from "./json";
import {
  createOrganizer,
  listOrganizers,
  type OrganizerRow,
  organizerByEmail,
  organizerByKey,
} from "./model-organizers";
import {
  addRegistrant,
  attendeesOf,
  type RegistrantInput,
  recordAttendance,
  registrantByEmail,
  registrantByKey,
} from "./model-registrants";
import { cancelWebinar, createWebinar, phaseOf, sessionsOf, webinarByKey } from "./model-webinars";
import type { RegistrantRow, WebinarRow } from "./rows";
import { FaultsBody, readSettings, writeSettings } from "./settings";
import { all, isoMillis, isoTime, parseIsoTime, SIM_TABLES } from "./storage";

/**
 * The control API of interfaces.md (JSON, open by design, simulator mode only). Keys are strings
 * here, as everywhere in Rollcall. Errors are `{ error: { code, message } }`.
 */

const Email = v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(254), v.email("must be a valid email address"));
const Name = v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(128));
const Iso = v.pipe(
  v.string(),
  v.check((s) => parseIsoTime(s) !== null, "must be an ISO-8601 time with a zone, like 2030-01-01T15:00:00Z"),
);

export const OrganizerBody = v.object({
  email: Email,
  firstName: Name,
  lastName: Name,
  accountKey: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,18}$/))),
  timeZone: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(64))),
});

const Question = v.object({
  question: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(1000)),
  type: v.optional(v.picklist(["shortAnswer", "multipleChoice"]), "shortAnswer"),
  required: v.optional(v.boolean(), false),
  maxSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
  answers: v.optional(v.array(v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(128)))),
});

const Field = v.object({
  field: v.picklist(["firstName", "lastName", "email", ...GOTO_FORM_FIELDS]),
  required: v.boolean(),
  maxSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(128)), 128),
  answers: v.optional(v.array(v.string())),
});

export const WebinarBody = v.object({
  organizerEmail: Email,
  subject: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(128)),
  description: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  times: v.pipe(v.array(v.object({ startTime: Iso, endTime: Iso })), v.minLength(1), v.maxLength(50)),
  timeZone: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(64))),
  approvalType: v.optional(v.picklist(["AUTOMATIC", "MANUAL"])),
  type: v.optional(v.picklist(["single_session", "series", "sequence"])),
  experienceType: v.optional(v.picklist(["CLASSIC", "BROADCAST", "SIMULIVE"])),
  questions: v.optional(v.array(Question)),
  fields: v.optional(v.array(Field)),
});

export const RegistrantBody = v.object({
  email: Email,
  firstName: Name,
  lastName: Name,
  status: v.optional(v.picklist(["APPROVED", "WAITING", "DENIED"])),
  registrationDate: v.optional(Iso),
  timeZone: v.optional(v.string()),
  ...Object.fromEntries(GOTO_FORM_FIELDS.map((f) => [f, v.optional(v.pipe(v.string(), v.maxLength(2048)))])),
});

export const RegistrantStatusBody = v.object({ status: v.picklist(["APPROVED", "WAITING", "DENIED"]) });

export const AttendanceBody = v.object({ email: Email, joinTime: Iso, leaveTime: Iso });

const MAX_BULK = 20_000;

/** Valibot failure → 400 `invalid_request` naming the first problem. */
export function controlParse<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, body);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    throw new SimError(400, "invalid_request", path ? `${path}: ${issue?.message}` : `${issue?.message}`);
  }
  return result.output;
}

export function organizerJson(o: OrganizerRow): JsonValue {
  return {
    organizerKey: o.organizer_key,
    accountKey: o.account_key,
    email: o.email,
    firstName: o.first_name,
    lastName: o.last_name,
  };
}

export function controlWebinarJson(sim: SimServices, w: WebinarRow): JsonValue {
  const organizer = organizerByKey(sim.sql, w.organizer_key);
  const sessions = sessionsOf(sim.sql, w.webinar_key);
  return {
    webinarKey: w.webinar_key,
    webinarID: w.webinar_id,
    organizerKey: w.organizer_key,
    organizerEmail: organizer?.email ?? "",
    accountKey: organizer?.account_key ?? "",
    subject: w.subject,
    description: w.description,
    timeZone: w.time_zone,
    approvalType: w.approval_type,
    recurrenceType: w.recurrence_type,
    status: w.cancelled_at !== null ? "cancelled" : phaseOf(sessions, sim.now()),
    times: sessions.map((s) => ({ startTime: isoTime(s.start_ms), endTime: isoTime(s.end_ms) })),
    sessions: sessions.map((s) => ({
      sessionKey: s.session_key,
      startTime: isoTime(s.start_ms),
      endTime: isoTime(s.end_ms),
    })),
  };
}

export function registrantJson(r: RegistrantRow): JsonValue {
  return {
    registrantKey: r.registrant_key,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    status: r.status,
    registrationDate: isoMillis(r.registration_ms),
    joinUrl: `https://global.gotowebinar.com/join/${r.webinar_key}/${r.registrant_key}`,
  };
}

export function registrantInput(body: v.InferOutput<typeof RegistrantBody>): RegistrantInput {
  const record = body as Record<string, unknown>;
  const extra: Record<string, string> = {};
  for (const f of GOTO_FORM_FIELDS) if (typeof record[f] === "string" && record[f]) extra[f] = record[f] as string;
  return {
    email: body.email,
    firstName: body.firstName,
    lastName: body.lastName,
    status: body.status,
    timeZone: body.timeZone,
    extra,
    registrationMs: body.registrationDate ? (parseIsoTime(body.registrationDate) ?? undefined) : undefined,
  };
}

/** The state of one webinar as the simulator holds it: registrants and sessions with attendance. */
export function webinarState(sim: SimServices, w: WebinarRow): JsonValue {
  const registrants = all<RegistrantRow>(
    sim.sql,
    "SELECT * FROM registrants WHERE webinar_key = ? ORDER BY seq",
    w.webinar_key,
  );
  return {
    webinar: controlWebinarJson(sim, w),
    registrants: registrants.map(registrantJson),
    sessions: sessionsOf(sim.sql, w.webinar_key).map((s) => ({
      sessionKey: s.session_key,
      startTime: isoTime(s.start_ms),
      endTime: isoTime(s.end_ms),
      attendees: attendeesOf(sim.sql, { sessionKey: s.session_key }).map((a) => ({
        registrantKey: a.registrantKey,
        email: a.email,
        attendanceTimeInSeconds: a.intervals.reduce((sum, i) => sum + Math.round((i.leave - i.join) / 1000), 0),
        attendance: a.intervals.map((i) => ({ joinTime: isoTime(i.join), leaveTime: isoTime(i.leave) })),
      })),
    })),
  };
}

export function overallState(sim: SimServices): JsonValue {
  const webinars = all<WebinarRow>(sim.sql, "SELECT * FROM webinars ORDER BY created_at DESC, webinar_key");
  return {
    organizers: listOrganizers(sim.sql).map(organizerJson),
    webinars: webinars.map((w) => controlWebinarJson(sim, w)),
  };
}

export function controlWebinar(sim: SimServices, key: string): WebinarRow {
  const w = /^\d{1,19}$/.test(key) ? webinarByKey(sim.sql, key) : null;
  if (!w) throw new SimError(404, "not_found", "There is no webinar with that key.");
  return w;
}

/** Creates a webinar from the control body (times in the past are fine here). */
export function createControlWebinar(sim: SimServices, body: v.InferOutput<typeof WebinarBody>): WebinarRow {
  const organizer = organizerByEmail(sim.sql, body.organizerEmail);
  if (!organizer) throw new SimError(404, "not_found", `There is no organizer with email ${body.organizerEmail}.`);
  const times = body.times.map((t) => ({ start: parseIsoTime(t.startTime) ?? 0, end: parseIsoTime(t.endTime) ?? 0 }));
  if (times.some((t) => !(t.end > t.start)))
    throw new SimError(400, "invalid_request", "Each endTime must be after its startTime.");
  return createWebinar(
    sim.sql,
    organizer,
    {
      subject: body.subject,
      description: body.description,
      times,
      timeZone: body.timeZone,
      approvalType: body.approvalType,
      recurrenceType: body.type,
      experienceType: body.experienceType,
      questions: body.questions,
      fields: body.fields?.map((f) => ({
        field: f.field,
        required: f.required,
        maxSize: f.maxSize,
        answers: f.answers,
      })),
    },
    sim.now(),
  );
}

export function resetAll(sql: SqlStorage): void {
  for (const table of SIM_TABLES) sql.exec(`DELETE FROM ${table}`);
}

function controlError(e: unknown): never {
  if (e instanceof SimError && e.errorCode === "DuplicateRegistrant") {
    throw new SimError(409, "duplicate_registrant", e.message, e.extra);
  }
  throw e;
}

export function mountControl(app: SimApp, transaction: <T>(fn: () => T) => T): void {
  app.post("/control/organizers", async (c) => {
    const sim = c.get("sim");
    const body = controlParse(OrganizerBody, await readJsonBody(c));
    const { organizer, created } = createOrganizer(sim.sql, body, sim.now());
    return jsonText(organizerJson(organizer), created ? 201 : 200);
  });

  app.post("/control/webinars", async (c) => {
    const sim = c.get("sim");
    const body = controlParse(WebinarBody, await readJsonBody(c));
    const webinar = transaction(() => createControlWebinar(sim, body));
    return jsonText(controlWebinarJson(sim, webinar), 201);
  });

  app.post("/control/webinars/:webinarKey/registrants", async (c) => {
    const sim = c.get("sim");
    const w = controlWebinar(sim, c.req.param("webinarKey"));
    if (w.cancelled_at !== null) throw new SimError(409, "cancelled", "The webinar is cancelled.");
    const raw = await readJsonBody(c);
    if (Array.isArray(raw)) {
      if (raw.length > MAX_BULK) throw new SimError(400, "invalid_request", `At most ${MAX_BULK} registrants at once.`);
      const inputs = raw.map((item, i) => {
        try {
          return registrantInput(controlParse(RegistrantBody, item));
        } catch (e) {
          if (e instanceof SimError) throw new SimError(400, "invalid_request", `[${i}] ${e.message}`);
          throw e;
        }
      });
      const seen = new Set<string>();
      for (const input of inputs) {
        const email = input.email.toLowerCase();
        if (seen.has(email) || registrantByEmail(sim.sql, w.webinar_key, email)) {
          throw new SimError(409, "duplicate_registrant", `${input.email} is already registered.`);
        }
        seen.add(email);
      }
      const rows = transaction(() => inputs.map((input) => addRegistrant(sim.sql, w, input, sim.now())));
      return jsonText({ created: rows.length, registrantKeys: rows.map((r) => r.registrant_key) }, 201);
    }
    const input = registrantInput(controlParse(RegistrantBody, raw));
    try {
      const row = addRegistrant(sim.sql, w, input, sim.now());
      return jsonText(registrantJson(row), 201);
    } catch (e) {
      controlError(e);
    }
  });

  // The organizer approving or denying a registration in GoTo (so tests can show a denied registrant as such).
  app.put("/control/webinars/:webinarKey/registrants/:registrantKey", async (c) => {
    const sim = c.get("sim");
    const w = controlWebinar(sim, c.req.param("webinarKey"));
    const body = controlParse(RegistrantStatusBody, await readJsonBody(c));
    const key = c.req.param("registrantKey");
    const existing = /^\d{1,20}$/.test(key) ? registrantByKey(sim.sql, w.webinar_key, key) : null;
    if (!existing) throw new SimError(404, "not_found", "There is no registrant with that key.");
    sim.sql.exec(
      "UPDATE registrants SET status = ? WHERE webinar_key = ? AND registrant_key = ?",
      body.status,
      w.webinar_key,
      existing.registrant_key,
    );
    return jsonText(registrantJson({ ...existing, status: body.status }));
  });

  app.post("/control/webinars/:webinarKey/attendance", async (c) => {
    const sim = c.get("sim");
    const w = controlWebinar(sim, c.req.param("webinarKey"));
    const body = controlParse(AttendanceBody, await readJsonBody(c));
    const { session, registrant } = recordAttendance(
      sim.sql,
      w,
      { email: body.email, join: parseIsoTime(body.joinTime) ?? 0, leave: parseIsoTime(body.leaveTime) ?? 0 },
      sim.now(),
    );
    return jsonText({ sessionKey: session.session_key, registrantKey: registrant.registrant_key }, 201);
  });

  app.post("/control/webinars/:webinarKey/cancel", (c) => {
    const sim = c.get("sim");
    const w = controlWebinar(sim, c.req.param("webinarKey"));
    if (w.cancelled_at === null) cancelWebinar(sim.sql, w, sim.now(), true);
    return jsonText(controlWebinarJson(sim, controlWebinar(sim, w.webinar_key)));
  });

  app.get("/control/faults", (c) => jsonText({ ...readSettings(c.get("sim").sql) }));

  app.put("/control/faults", async (c) => {
    const sim = c.get("sim");
    const body = controlParse(FaultsBody, await readJsonBody(c));
    return jsonText({ ...writeSettings(sim.sql, body, sim.now()) });
  });

  app.get("/control/state", (c) => {
    const sim = c.get("sim");
    const key = c.req.query("webinarKey");
    if (key) return jsonText(webinarState(sim, controlWebinar(sim, key)));
    return jsonText(overallState(sim));
  });

  app.get("/control/deliveries", (c) => {
    const rows = listDeliveries(c.get("sim").sql);
    return jsonText({
      deliveries: rows.map((d) => ({
        id: d.id,
        eventName: d.event_name,
        eventKey: d.event_key,
        url: d.url,
        state: d.state,
        attempts: d.attempts,
        lastStatus: d.last_status,
        lastError: d.last_error,
        body: d.body,
      })),
    });
  });

  app.get("/control/calls", (c) => {
    const rows = all<{
      id: number;
      at: number;
      method: string;
      path: string;
      status: number;
      duration_ms: number;
      principal: string | null;
    }>(c.get("sim").sql, "SELECT * FROM api_calls ORDER BY id DESC LIMIT 200");
    return jsonText({
      calls: rows.map((r) => ({
        at: isoMillis(r.at),
        method: r.method,
        path: r.path,
        status: r.status,
        durationMs: r.duration_ms,
        principal: r.principal,
      })),
    });
  });

  app.post("/control/reset", (c) => {
    const sim = c.get("sim");
    transaction(() => resetAll(sim.sql));
    return jsonText({ reset: true });
  });
}

export { invalid, notFound };
