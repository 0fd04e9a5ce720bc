/** The console's webinar panels: the Create webinar form and the Webinars table with its actions. */

import type { FC } from "hono/jsx";
import type { SimServices } from "../http";
import { sessionsOf } from "../model-webinars";
import { isoTime } from "../storage";
import { type ConsoleData, statusOf, toLocalInput } from "./data";
import { ConsoleForm, Field } from "./form";

export const CreateWebinarPanel: FC<{ data: ConsoleData; tomorrow: number }> = ({ data, tomorrow }) => (
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
);

export const WebinarsPanel: FC<{ sim: SimServices; data: ConsoleData }> = ({ sim, data }) => (
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
);
