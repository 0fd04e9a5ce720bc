/** The console's State panel: one webinar's sessions and registrants, with the minutes each attended. */

import type { FC } from "hono/jsx";
import type { SimServices } from "../http";
import { attendeesOf } from "../model-registrants";
import { sessionsOf } from "../model-webinars";
import type { RegistrantRow, WebinarRow } from "../rows";
import { all, isoTime } from "../storage";
import { type ConsoleData, statusOf } from "./data";
import { Field, WebinarSelect } from "./form";

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

export const StatePanel: FC<{ sim: SimServices; data: ConsoleData }> = ({ sim, data }) => (
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
);
