/** The console's Organizers panel: the organizers so far and the form to add one. */

import type { FC } from "hono/jsx";
import type { ConsoleData } from "./data";
import { ConsoleForm, Field } from "./form";

export const OrganizersPanel: FC<{ data: ConsoleData }> = ({ data }) => (
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
);
