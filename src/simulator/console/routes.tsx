/**
 * The console at /sim: every control operation by hand, the state of one webinar, and a live log
 * of the API calls the app made (htmx polling). Forms post to /sim/console/*; htmx swaps the
 * #console fragment, a plain form post gets the whole page, so it works without script too.
 */

import { isHtmx } from "../../lib/request";
import {
  AttendanceBody,
  controlParse,
  controlWebinar,
  createControlWebinar,
  OrganizerBody,
  RegistrantBody,
  registrantInput,
  resetAll,
  WebinarBody,
} from "../control";
import { engagementInput, recordControlEngagement } from "../control-engagement";
import { SimError } from "../errors";
import type { SimApp, SimContext } from "../http";
import { createOrganizer } from "../model-organizers";
import { addRegistrant, recordAttendance } from "../model-registrants";
import { cancelWebinar } from "../model-webinars";
import { FaultsBody, writeSettings } from "../settings";
import { isoTime } from "../storage";
import { type Flash, fromLocalInput, load } from "./data";
import { CallLog } from "./log";
import { ConsoleBody, ConsolePage } from "./page";

async function formBody(c: SimContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") out[key] = value.trim();
  return out;
}

/** Runs a console action; answers the #console fragment (htmx) or the whole page, with a flash. */
async function act(
  c: SimContext,
  action: (form: Record<string, string>) => { text: string; webinarKey?: string },
): Promise<Response> {
  const sim = c.get("sim");
  const form = await formBody(c);
  let flash: Flash;
  let status: 200 | 400 | 404 | 409 | 422 = 200;
  let selected = form.webinarKey;
  try {
    const done = action(form);
    flash = { kind: "success", text: done.text };
    selected = done.webinarKey ?? selected;
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
    flash = { kind: "error", text: e.message };
    status = e.status === 403 || e.status === 405 ? 422 : e.status === 400 ? 422 : e.status;
  }
  const data = load(sim, selected);
  if (isHtmx(c)) return c.html(<ConsoleBody sim={sim} data={data} flash={flash} />, status);
  return c.html(<ConsolePage sim={sim} data={data} flash={flash} />, status);
}

export function mountConsole(app: SimApp, transaction: <T>(fn: () => T) => T): void {
  app.get("/", (c) => {
    const sim = c.get("sim");
    return c.html(<ConsolePage sim={sim} data={load(sim, c.req.query("webinarKey"))} />);
  });

  app.get("/console/log", (c) => c.html(<CallLog sim={c.get("sim")} />));

  app.post("/console/organizers", (c) =>
    act(c, (form) => {
      const sim = c.get("sim");
      const body = controlParse(OrganizerBody, form);
      const { organizer, created } = createOrganizer(sim.sql, body, sim.now());
      return { text: created ? `Added organizer ${organizer.email}.` : `${organizer.email} already exists.` };
    }),
  );

  app.post("/console/webinars", (c) =>
    act(c, (form) => {
      const sim = c.get("sim");
      const start = fromLocalInput(form.startTime);
      const minutes = Number(form.durationMinutes || "60");
      const startMs = Date.parse(start);
      if (!Number.isFinite(startMs) || !Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
        throw new SimError(422, "invalid_request", "Enter a start time and a duration of 1 to 1440 minutes.");
      }
      const body = controlParse(WebinarBody, {
        organizerEmail: form.organizerEmail ?? "",
        subject: form.subject ?? "",
        approvalType: form.approvalType || undefined,
        times: [{ startTime: isoTime(startMs), endTime: isoTime(startMs + minutes * 60_000) }],
      });
      const webinar = transaction(() => createControlWebinar(sim, body));
      return { text: `Created webinar “${webinar.subject}”.`, webinarKey: webinar.webinar_key };
    }),
  );

  app.post("/console/registrants", (c) =>
    act(c, (form) => {
      const sim = c.get("sim");
      const w = controlWebinar(sim, form.webinarKey ?? "");
      const input = registrantInput(controlParse(RegistrantBody, { ...form, webinarKey: undefined }));
      const row = addRegistrant(sim.sql, w, input, sim.now());
      return { text: `Registered ${row.email} (${row.status}).`, webinarKey: w.webinar_key };
    }),
  );

  app.post("/console/attendance", (c) =>
    act(c, (form) => {
      const sim = c.get("sim");
      const w = controlWebinar(sim, form.webinarKey ?? "");
      const body = controlParse(AttendanceBody, {
        email: form.email,
        joinTime: fromLocalInput(form.joinTime),
        leaveTime: fromLocalInput(form.leaveTime),
      });
      recordAttendance(
        sim.sql,
        w,
        { email: body.email, join: Date.parse(body.joinTime), leave: Date.parse(body.leaveTime) },
        sim.now(),
      );
      return { text: `Recorded attendance of ${body.email}.`, webinarKey: w.webinar_key };
    }),
  );

  app.post("/console/engagement", (c) =>
    act(c, (form) => {
      const sim = c.get("sim");
      const w = controlWebinar(sim, form.webinarKey ?? "");
      const kind = form.kind === "survey" || form.kind === "question" ? form.kind : "poll";
      const answers = (form.answers ?? "")
        .split(/\r?\n/)
        .map((a) => a.trim())
        .filter((a) => a !== "");
      const input = engagementInput(kind, {
        email: form.email,
        question: form.question,
        ...(kind === "question" ? { answer: form.answer } : { answers }),
      });
      transaction(() => recordControlEngagement(sim.sql, w, input, sim.now()));
      return { text: `Recorded the ${kind} of ${input.email}.`, webinarKey: w.webinar_key };
    }),
  );

  app.post("/console/webinars/:webinarKey/cancel", (c) =>
    act(c, () => {
      const sim = c.get("sim");
      const w = controlWebinar(sim, c.req.param("webinarKey"));
      if (w.cancelled_at === null) cancelWebinar(sim.sql, w, sim.now(), true);
      return { text: `Cancelled “${w.subject}”.`, webinarKey: w.webinar_key };
    }),
  );

  app.post("/console/faults", (c) =>
    act(c, (form) => {
      const sim = c.get("sim");
      const numberOrUndefined = (x: string | undefined) => (x === undefined || x === "" ? undefined : Number(x));
      const body = controlParse(FaultsBody, {
        errorRate: numberOrUndefined(form.errorRate),
        rateLimitPerSecond: numberOrUndefined(form.rateLimitPerSecond),
        latencyMs: numberOrUndefined(form.latencyMs),
        badAnswerRate: numberOrUndefined(form.badAnswerRate),
        ambiguousRate: numberOrUndefined(form.ambiguousRate),
        slowBodyMs: numberOrUndefined(form.slowBodyMs),
        paths: form.paths === undefined ? undefined : form.paths.trim(),
        refreshTokenRotation: form.refreshTokenRotation || undefined,
        expireTokensNow: form.expireTokensNow === "true" ? true : undefined,
      });
      writeSettings(sim.sql, body, sim.now());
      return { text: body.expireTokensNow ? "Faults applied; every access token has expired." : "Faults applied." };
    }),
  );

  app.post("/console/reset", (c) =>
    act(c, () => {
      transaction(() => resetAll(c.get("sim").sql));
      return { text: "The simulator is empty again." };
    }),
  );
}
