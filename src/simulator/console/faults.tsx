/** The console's Faults panel (errors, rate limit, latency, bad, ambiguous and slow answers, paths, token rotation) and Webhook deliveries panel with reset. */

import type { FC } from "hono/jsx";
import { listDeliveries } from "../delivery";
import type { SimServices } from "../http";
import type { SimSettings } from "../settings";
import { ConsoleForm, Field } from "./form";

export const FaultsPanel: FC<{ settings: SimSettings }> = ({ settings }) => (
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
        <input id="f-latency" name="latencyMs" type="number" min="0" max="60000" value={String(settings.latencyMs)} />
      </Field>
      <Field id="f-bad" label="Bad answer rate (0 to 1: HTML pages, cut-off, empty or malformed answers)">
        <input
          id="f-bad"
          name="badAnswerRate"
          type="number"
          min="0"
          max="1"
          step="0.05"
          value={String(settings.badAnswerRate)}
        />
      </Field>
      <Field id="f-ambiguous" label="Ambiguous rate (0 to 1: the call takes effect, then 500 or no end)">
        <input
          id="f-ambiguous"
          name="ambiguousRate"
          type="number"
          min="0"
          max="1"
          step="0.05"
          value={String(settings.ambiguousRate)}
        />
      </Field>
      <Field id="f-slow" label="Slow body (ms the answer takes to trickle out)">
        <input id="f-slow" name="slowBodyMs" type="number" min="0" max="60000" value={String(settings.slowBodyMs)} />
      </Field>
      <Field id="f-paths" label="Only on GoTo paths matching (regular expression; empty for all)">
        <input id="f-paths" name="paths" type="text" maxlength={200} value={settings.paths ?? ""} />
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
);

export const DeliveriesPanel: FC<{ sim: SimServices }> = ({ sim }) => (
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
);
