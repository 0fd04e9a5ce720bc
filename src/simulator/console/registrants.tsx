/** The console's Add registrant and Record attendance panels. */

import type { FC } from "hono/jsx";
import { type ConsoleData, toLocalInput } from "./data";
import { ConsoleForm, Field, WebinarSelect } from "./form";

export const RegistrantPanel: FC<{ data: ConsoleData }> = ({ data }) => (
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
);

export const AttendancePanel: FC<{ data: ConsoleData; joinDefault: number }> = ({ data, joinDefault }) => (
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
);
