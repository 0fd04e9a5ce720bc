import type { Child, FC } from "hono/jsx";
import { Document } from "../views/layout";
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
} from "./control";
import { listDeliveries } from "./delivery";
import { SimError } from "./errors";
import type { SimApp, SimContext, SimServices } from "./http";
import {
  addRegistrant,
  attendeesOf,
  cancelWebinar,
  createOrganizer,
  listOrganizers,
  type OrganizerRow,
  phaseOf,
  type RegistrantRow,
  recordAttendance,
  sessionsOf,
  type WebinarRow,
} from "./model";
import { FaultsBody, readSettings, type SimSettings, writeSettings } from "./settings";
import { all, isoTime } from "./storage";

/**
 * The console at /sim: every control operation by hand, the state of one webinar, and a live log
 * of the API calls the app made (htmx polling). Forms post to /sim/console/*; htmx swaps the
 * #console fragment, a plain form post gets the whole page, so it works without script too.
 */

interface Flash {
  kind: "success" | "error";
  text: string;
}

interface ConsoleData {
  organizers: OrganizerRow[];
  webinars: (WebinarRow & { organizer_email: string; registrant_count: number; first_start: number | null })[];
  selected: WebinarRow | null;
  settings: SimSettings;
  now: number;
}

function load(sim: SimServices, selectedKey: string | undefined): ConsoleData {
  const webinars = all<ConsoleData["webinars"][number]>(
    sim.sql,
    `SELECT w.*, o.email AS organizer_email,
       (SELECT count(*) FROM registrants r WHERE r.webinar_key = w.webinar_key) AS registrant_count,
       (SELECT MIN(start_ms) FROM sessions s WHERE s.webinar_key = w.webinar_key) AS first_start
     FROM webinars w JOIN organizers o ON o.organizer_key = w.organizer_key
     ORDER BY w.created_at DESC, w.webinar_key LIMIT 100`,
  );
  const selected = webinars.find((w) => w.webinar_key === selectedKey) ?? webinars[0] ?? null;
  return { organizers: listOrganizers(sim.sql), webinars, selected, settings: readSettings(sim.sql), now: sim.now() };
}

/** "2030-01-01T15:00" from a datetime-local input, read as UTC. */
function fromLocalInput(value: string | undefined): string {
  if (!value) return "";
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value;
}

function toLocalInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

function statusOf(w: WebinarRow, sessions: ReturnType<typeof sessionsOf>, now: number): string {
  if (w.cancelled_at !== null) return "cancelled";
  const phase = phaseOf(sessions, now);
  return phase === "inSession" ? "in session" : phase;
}

const Field: FC<{ id: string; label: string; children: Child }> = ({ id, label, children }) => (
  <div class="field">
    <label for={id}>{label}</label>
    {children}
  </div>
);

/** A console form: htmx swaps #console; without script it is an ordinary post. */
const ConsoleForm: FC<{ action: string; children: Child; class?: string }> = (props) => (
  <form
    method="post"
    action={props.action}
    hx-post={props.action}
    hx-target="#console"
    hx-swap="outerHTML"
    class={props.class ?? "sim-form"}
  >
    {props.children}
  </form>
);

const WebinarSelect: FC<{ id: string; data: ConsoleData }> = ({ id, data }) => (
  <select id={id} name="webinarKey">
    {data.webinars
      .filter((w) => w.cancelled_at === null)
      .map((w) => (
        <option value={w.webinar_key} selected={w.webinar_key === data.selected?.webinar_key}>
          {w.subject}
        </option>
      ))}
  </select>
);

const StateView: FC<{ sim: SimServices; webinar: WebinarRow | null; now: number }> = ({ sim, webinar, now }) => {
  if (!webinar) return <p class="muted">No webinars yet. Create one above.</p>;
  const sessions = sessionsOf(sim.sql, webinar.webinar_key);
  const registrants = all<RegistrantRow>(
    sim.sql,
    "SELECT * FROM registrants WHERE webinar_key = ? ORDER BY seq DESC LIMIT 200",
    webinar.webinar_key,
  );
  const attendees = attendeesOf(sim.sql, { webinarKey: webinar.webinar_key });
  const minutes = new Map<string, number>();
  for (const a of attendees) {
    const seconds = a.intervals.reduce((sum, i) => sum + (i.leave - i.join) / 1000, 0);
    minutes.set(a.registrantKey, (minutes.get(a.registrantKey) ?? 0) + Math.round(seconds / 60));
  }
  return (
    <div class="stack" id="state-view">
      <h3>
        {webinar.subject} <span class="badge">{statusOf(webinar, sessions, now)}</span>
      </h3>
      <p class="small muted">
        webinarKey <code>{webinar.webinar_key}</code> · {webinar.approval_type} approval · {webinar.time_zone}
      </p>
      <div class="table-wrap">
        <table aria-label="Sessions">
          <thead>
            <tr>
              <th>Session key</th>
              <th>Start (UTC)</th>
              <th>End (UTC)</th>
              <th>Attendees</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td class="mono">{s.session_key}</td>
                <td>{isoTime(s.start_ms)}</td>
                <td>{isoTime(s.end_ms)}</td>
                <td>{attendees.filter((a) => a.sessionKey === s.session_key).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table aria-label="Registrants">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Status</th>
              <th>Attended</th>
              <th>Registrant key</th>
            </tr>
          </thead>
          <tbody>
            {registrants.length === 0 ? (
              <tr>
                <td colspan={5} class="muted">
                  No registrants yet.
                </td>
              </tr>
            ) : (
              registrants.map((r) => (
                <tr>
                  <td>{r.email}</td>
                  <td>{`${r.first_name} ${r.last_name}`}</td>
                  <td>{r.status}</td>
                  <td>{minutes.has(r.registrant_key) ? `${minutes.get(r.registrant_key)} min` : "no"}</td>
                  <td class="mono">{r.registrant_key}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
};

const ConsoleBody: FC<{ sim: SimServices; data: ConsoleData; flash?: Flash }> = ({ sim, data, flash }) => {
  const { settings } = data;
  const tomorrow = Math.ceil((data.now + 24 * 3600_000) / 3600_000) * 3600_000;
  const firstSession = data.selected ? sessionsOf(sim.sql, data.selected.webinar_key)[0] : undefined;
  const joinDefault = firstSession ? firstSession.start_ms : tomorrow;
  return (
    <div id="console" class="sim-console stack">
      {flash && (
        <div class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
          {flash.text}
        </div>
      )}
      <div class="sim-grid">
        <section class="panel stack" aria-labelledby="h-organizers">
          <h2 id="h-organizers">Organizers</h2>
          <ul class="sim-list">
            {data.organizers.length === 0 ? (
              <li class="muted">No organizers yet.</li>
            ) : (
              data.organizers.map((o) => (
                <li>
                  {`${o.first_name} ${o.last_name}`} <span class="muted">{o.email}</span>
                  <br />
                  <span class="small mono">organizerKey {o.organizer_key}</span>
                </li>
              ))
            )}
          </ul>
          <ConsoleForm action="/sim/console/organizers">
            <Field id="org-email" label="Organizer email">
              <input id="org-email" name="email" type="email" required />
            </Field>
            <Field id="org-first" label="First name">
              <input id="org-first" name="firstName" type="text" required />
            </Field>
            <Field id="org-last" label="Last name">
              <input id="org-last" name="lastName" type="text" required />
            </Field>
            <button type="submit" class="button primary">
              Add organizer
            </button>
          </ConsoleForm>
        </section>

        <section class="panel stack" aria-labelledby="h-new-webinar">
          <h2 id="h-new-webinar">Create webinar</h2>
          <ConsoleForm action="/sim/console/webinars">
            <Field id="web-org" label="Organizer">
              <select id="web-org" name="organizerEmail">
                {data.organizers.map((o) => (
                  <option value={o.email}>{o.email}</option>
                ))}
              </select>
            </Field>
            <Field id="web-subject" label="Subject">
              <input id="web-subject" name="subject" type="text" required maxlength={128} />
            </Field>
            <Field id="web-start" label="Starts (UTC)">
              <input id="web-start" name="startTime" type="datetime-local" value={toLocalInput(tomorrow)} required />
            </Field>
            <Field id="web-duration" label="Duration (minutes)">
              <input id="web-duration" name="durationMinutes" type="number" min="1" max="1440" value="60" required />
            </Field>
            <Field id="web-approval" label="Approval">
              <select id="web-approval" name="approvalType">
                <option value="AUTOMATIC">Automatic</option>
                <option value="MANUAL">Manual (registrants wait)</option>
              </select>
            </Field>
            <button type="submit" class="button primary">
              Create webinar
            </button>
          </ConsoleForm>
        </section>
      </div>

      <section class="panel stack" aria-labelledby="h-webinars">
        <h2 id="h-webinars">Webinars</h2>
        <div class="table-wrap">
          <table aria-label="Webinars">
            <thead>
              <tr>
                <th>Subject</th>
                <th>Organizer</th>
                <th>First start (UTC)</th>
                <th>Status</th>
                <th>Registrants</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.webinars.length === 0 ? (
                <tr>
                  <td colspan={6} class="muted">
                    No webinars yet.
                  </td>
                </tr>
              ) : (
                data.webinars.map((w) => (
                  <tr>
                    <td>
                      {w.subject}
                      <br />
                      <span class="small mono">{w.webinar_key}</span>
                    </td>
                    <td>{w.organizer_email}</td>
                    <td>{w.first_start === null ? "" : isoTime(w.first_start)}</td>
                    <td>{statusOf(w, sessionsOf(sim.sql, w.webinar_key), data.now)}</td>
                    <td>{w.registrant_count}</td>
                    <td class="sim-actions">
                      <a class="button subtle" href={`/sim?webinarKey=${w.webinar_key}`}>
                        Show state
                      </a>
                      {w.cancelled_at === null && (
                        <ConsoleForm action={`/sim/console/webinars/${w.webinar_key}/cancel`} class="inline">
                          <button type="submit" class="button danger">
                            Cancel webinar
                          </button>
                        </ConsoleForm>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>

      <div class="sim-grid">
        <section class="panel stack" aria-labelledby="h-registrant">
          <h2 id="h-registrant">Add registrant</h2>
          <p class="small muted">As if the person registered on GoTo's own form.</p>
          <ConsoleForm action="/sim/console/registrants">
            <Field id="reg-webinar" label="Webinar">
              <WebinarSelect id="reg-webinar" data={data} />
            </Field>
            <Field id="reg-email" label="Registrant email">
              <input id="reg-email" name="email" type="email" required />
            </Field>
            <Field id="reg-first" label="Registrant first name">
              <input id="reg-first" name="firstName" type="text" required />
            </Field>
            <Field id="reg-last" label="Registrant last name">
              <input id="reg-last" name="lastName" type="text" required />
            </Field>
            <button type="submit" class="button primary">
              Add registrant
            </button>
          </ConsoleForm>
        </section>

        <section class="panel stack" aria-labelledby="h-attendance">
          <h2 id="h-attendance">Record attendance</h2>
          <ConsoleForm action="/sim/console/attendance">
            <Field id="att-webinar" label="Webinar attended">
              <WebinarSelect id="att-webinar" data={data} />
            </Field>
            <Field id="att-email" label="Attendee email">
              <input id="att-email" name="email" type="email" required />
            </Field>
            <Field id="att-join" label="Joined (UTC)">
              <input id="att-join" name="joinTime" type="datetime-local" value={toLocalInput(joinDefault)} required />
            </Field>
            <Field id="att-leave" label="Left (UTC)">
              <input
                id="att-leave"
                name="leaveTime"
                type="datetime-local"
                value={toLocalInput(joinDefault + 45 * 60_000)}
                required
              />
            </Field>
            <button type="submit" class="button primary">
              Record attendance
            </button>
          </ConsoleForm>
        </section>
      </div>

      <section class="panel stack" aria-labelledby="h-state">
        <h2 id="h-state">State</h2>
        <form method="get" action="/sim" class="row-form">
          <Field id="state-webinar" label="Webinar to show">
            <WebinarSelect id="state-webinar" data={data} />
          </Field>
          <button type="submit" class="button">
            Show state
          </button>
        </form>
        <StateView sim={sim} webinar={data.selected} now={data.now} />
      </section>

      <div class="sim-grid">
        <section class="panel stack" aria-labelledby="h-faults">
          <h2 id="h-faults">Faults</h2>
          <ConsoleForm action="/sim/console/faults">
            <Field id="f-error" label="Error rate (0 to 1, answers 500/503)">
              <input
                id="f-error"
                name="errorRate"
                type="number"
                min="0"
                max="1"
                step="0.05"
                value={String(settings.errorRate)}
              />
            </Field>
            <Field id="f-rate" label="Rate limit (requests per second per token)">
              <input
                id="f-rate"
                name="rateLimitPerSecond"
                type="number"
                min="1"
                value={String(settings.rateLimitPerSecond)}
              />
            </Field>
            <Field id="f-latency" label="Added latency (ms)">
              <input
                id="f-latency"
                name="latencyMs"
                type="number"
                min="0"
                max="60000"
                value={String(settings.latencyMs)}
              />
            </Field>
            <Field id="f-rotation" label="Refresh token rotation">
              <select id="f-rotation" name="refreshTokenRotation">
                {(["sometimes", "always", "never"] as const).map((r) => (
                  <option value={r} selected={settings.refreshTokenRotation === r}>
                    {r}
                  </option>
                ))}
              </select>
            </Field>
            <div class="field">
              <label>
                <input type="checkbox" name="expireTokensNow" value="true" /> Expire every access token now
              </label>
            </div>
            <button type="submit" class="button primary">
              Apply faults
            </button>
          </ConsoleForm>
        </section>
        <section class="panel stack" aria-labelledby="h-reset">
          <h2 id="h-reset">Webhook deliveries</h2>
          <ul class="sim-list small">
            {listDeliveries(sim.sql, 10).map((d) => (
              <li>
                {d.event_name} → {d.url} <span class="badge">{d.state}</span>
              </li>
            ))}
          </ul>
          <ConsoleForm action="/sim/console/reset">
            <button type="submit" class="button danger">
              Reset simulator
            </button>
          </ConsoleForm>
        </section>
      </div>
    </div>
  );
};

const CallLog: FC<{ sim: SimServices }> = ({ sim }) => {
  const calls = all<{
    id: number;
    at: number;
    method: string;
    path: string;
    status: number;
    duration_ms: number;
    principal: string | null;
  }>(sim.sql, "SELECT * FROM api_calls ORDER BY id DESC LIMIT 50");
  if (calls.length === 0) return <p class="muted">No API calls yet. They appear here as the app makes them.</p>;
  return (
    <table aria-label="API calls">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Call</th>
          <th>Status</th>
          <th>ms</th>
          <th>Organizer</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((call) => (
          <tr class={call.status >= 400 ? "sim-failed" : undefined}>
            <td class="small">{isoTime(call.at)}</td>
            <td class="mono small">{`${call.method} ${call.path}`}</td>
            <td>{call.status}</td>
            <td>{call.duration_ms}</td>
            <td class="small">{call.principal ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

const ConsolePage: FC<{ sim: SimServices; data: ConsoleData; flash?: Flash }> = (props) => (
  <Document title="GoToWebinar simulator" bodyClass="admin">
    <header class="topbar">
      <a class="brand" href="/sim">
        <img src="/img/favicon.svg" alt="" width="28" height="28" />
        <span>GoToWebinar simulator</span>
      </a>
      <a class="button subtle" href="/admin">
        Back to Rollcall
      </a>
    </header>
    <main id="main" class="content sim-main">
      <div id="alerts" aria-live="polite" />
      <link rel="stylesheet" href="/css/sim.css" />
      <div class="page-header">
        <h1>GoToWebinar simulator</h1>
        <p class="lead">
          A stand-in for GoTo's OAuth server and REST API. Rollcall talks to it exactly as it would to GoTo.
        </p>
      </div>
      <ConsoleBody sim={props.sim} data={props.data} flash={props.flash} />
      <section class="panel stack" aria-labelledby="h-log">
        <h2 id="h-log">API calls from the app</h2>
        <div id="call-log" class="table-wrap" hx-get="/sim/console/log" hx-trigger="every 2s" hx-swap="innerHTML">
          <CallLog sim={props.sim} />
        </div>
      </section>
    </main>
  </Document>
);

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
  if (c.req.header("HX-Request") === "true") return c.html(<ConsoleBody sim={sim} data={data} flash={flash} />, status);
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
