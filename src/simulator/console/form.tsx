/** The console's form parts: a labelled field, a form that htmx swaps (plain post without script), the webinar picker. */

import type { Child, FC } from "hono/jsx";
import type { ConsoleData } from "./data";

export const Field: FC<{ id: string; label: string; children: Child }> = ({ id, label, children }) => (
  <div class="field">
    <label for={id}>{label}</label>
    {children}
  </div>
);

/** A console form: htmx swaps #console; without script it is an ordinary post. */
export const ConsoleForm: FC<{ action: string; children: Child; class?: string }> = (props) => (
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

export const WebinarSelect: FC<{ id: string; data: ConsoleData }> = ({ id, data }) => (
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
