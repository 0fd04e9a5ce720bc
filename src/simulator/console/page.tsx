/** The console page at /sim: the layout, and the #console fragment htmx swaps, assembled from the panels. */

import type { FC } from "hono/jsx";
import { Document } from "../../views/layout";
import type { SimServices } from "../http";
import { sessionsOf } from "../model-webinars";
import type { ConsoleData, Flash } from "./data";
import { EngagementPanel } from "./engagement";
import { DeliveriesPanel, FaultsPanel } from "./faults";
import { CallLog } from "./log";
import { OrganizersPanel } from "./organizers";
import { AttendancePanel, RegistrantPanel } from "./registrants";
import { StatePanel } from "./state";
import { CreateWebinarPanel, WebinarsPanel } from "./webinars";

export const ConsoleBody: FC<{ sim: SimServices; data: ConsoleData; flash?: Flash }> = ({ sim, data, flash }) => {
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
        <OrganizersPanel data={data} />
        <CreateWebinarPanel data={data} tomorrow={tomorrow} />
      </div>
      <WebinarsPanel sim={sim} data={data} />
      <div class="sim-grid">
        <RegistrantPanel data={data} />
        <AttendancePanel data={data} joinDefault={joinDefault} />
      </div>
      <EngagementPanel data={data} />
      <StatePanel sim={sim} data={data} />
      <div class="sim-grid">
        <FaultsPanel settings={settings} />
        <DeliveriesPanel sim={sim} />
      </div>
    </div>
  );
};

export const ConsolePage: FC<{ sim: SimServices; data: ConsoleData; flash?: Flash }> = (props) => (
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
