import type { FC } from "hono/jsx";
import type { WebinarCharts } from "../../../db/queries/report-charts";
import type {
  OutboxRow,
  RegistrantFilter,
  RegistrantRow,
  UnmatchedRow,
  WebinarWithCounts,
} from "../../../db/queries/reports";
import { REGISTRANT_FILTERS } from "../../../db/queries/reports";
import { webinarSessions } from "../../../domain/webinars";
import { plural } from "../../../lib/plural";
import type { WebinarEngagementModel } from "../../../services/webinar-engagement";
import { CsrfField, DataTable, EmptyState, Flash, PageHeader, Pager, Time } from "../../components";
import { WebinarAttribution } from "./attribution";
import { BulkPanel, type BulkPanelProps } from "./bulk";
import { EngagementProgress, type EngagementProgressView } from "./engagement-progress";
import { WebinarChartsSection } from "./webinar-charts";
import { EngagementPanel, SessionsSideBySide } from "./webinar-engagement";
import {
  COUNT_LABEL,
  DrillActions,
  PhaseBadge,
  ProspectCells,
  personName,
  REGISTRATION_LABEL,
  RegistrationBadge,
  registrantsCsvHref,
  registrantsHref,
} from "./webinar-parts";

/** What the webinar's WebinarSync said about itself, narrowed to what the page shows. */
export interface SyncEngineStatus {
  available: boolean;
  lastError: string | null;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  facts: { label: string; value: string }[];
  /** Registrations the outbox is retrying, by id: why the last attempt failed and when the next is. */
  retrying: Record<string, { lastError: string; nextAt: string }>;
  engagement?: EngagementProgressView | null;
}

export interface SyncPanelProps {
  webinar: WebinarWithCounts;
  outbox: { pending: number; error: number };
  engine: SyncEngineStatus;
  canSync: { ok: true } | { ok: false; reason: string };
  csrfToken: string | null;
  flash?: { kind: "success" | "error" | "info"; text: string } | undefined;
}

/** Sync status and Sync now; Sync now swaps this panel in place. */
export const SyncPanel: FC<SyncPanelProps> = ({ webinar, outbox, engine, canSync, csrfToken, flash }) => {
  const action = `/admin/webinars/${webinar.id}/sync`;
  return (
    <section id="webinar-sync" class="panel">
      <div class="panel-head">
        <h2>Sync with GoTo</h2>
        {canSync.ok && (
          <form method="post" action={action} hx-post={action} hx-target="#webinar-sync" hx-swap="outerHTML">
            <CsrfField token={csrfToken} />
            <button type="submit" class="button">
              Sync now
            </button>
          </form>
        )}
      </div>
      {flash && <Flash kind={flash.kind}>{flash.text}</Flash>}
      {!canSync.ok && <p class="muted">{canSync.reason}</p>}
      <dl class="facts">
        <div>
          <dt>Last sync</dt>
          <dd>
            <Time iso={webinar.lastSyncedAt ?? engine.lastSyncAt} />
          </dd>
        </div>
        <div>
          <dt>Next sync</dt>
          <dd>
            {webinar.phase === "cancelled" ? (
              <span class="muted">none: cancelled</span>
            ) : (webinar.nextSyncAt ?? engine.nextSyncAt) ? (
              <Time iso={webinar.nextSyncAt ?? engine.nextSyncAt} />
            ) : (
              <span class="muted">not scheduled</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Waiting in the outbox</dt>
          <dd>{outbox.pending}</dd>
        </div>
        <div>
          <dt>Refused by GoTo</dt>
          <dd class={outbox.error > 0 ? "error-text" : undefined}>{outbox.error}</dd>
        </div>
        {engine.facts.map((f) => (
          <div>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
        <EngagementProgress progress={engine.engagement} />
        <div>
          <dt>Last sync error</dt>
          <dd>
            {!engine.available ? (
              <span class="muted">the sync engine has not reported yet</span>
            ) : engine.lastError ? (
              <span class="error-text">{engine.lastError}</span>
            ) : (
              <span class="muted">none</span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
};

const COUNTS = REGISTRANT_FILTERS;
/** The funnel's counts get the big cards; cancelled and denied the small ones below them. */
const MAIN_COUNTS: readonly RegistrantFilter[] = ["registered", "accepted", "attended", "absent"];
const MINOR_COUNTS: readonly RegistrantFilter[] = ["cancelled", "denied"];

/** GoTo's refusal, or for a registration still being pushed, why the last attempt failed and when the next is. */
const OutboxReason: FC<{
  errorMessage: string | null;
  retrying: { lastError: string; nextAt: string } | undefined;
}> = ({ errorMessage, retrying }) => {
  if (errorMessage) return <>{errorMessage}</>;
  if (retrying) {
    return (
      <>
        <span class="error-text">{retrying.lastError}</span>{" "}
        <span class="muted small">
          Rollcall tries again at <Time iso={retrying.nextAt} />.
        </span>
      </>
    );
  }
  return <span class="muted">none</span>;
};

export const WebinarDetailPage: FC<{
  webinar: WebinarWithCounts;
  connector: { id: string; organizerEmail: string } | null;
  sync: SyncPanelProps;
  outboxRows: OutboxRow[];
  unmatched: { count: number; rows: UnmatchedRow[] };
  charts: WebinarCharts;
  engagement?: WebinarEngagementModel | undefined;
}> = ({ webinar, connector, sync, outboxRows, unmatched, charts, engagement }) => {
  const sessions = webinarSessions(webinar);
  return (
    <>
      <PageHeader
        title={webinar.subject}
        lead={
          <>
            <PhaseBadge phase={webinar.phase} /> GoToWebinar {webinar.webinarKey}
            {connector && (
              <>
                {" "}
                from <a href={`/admin/connectors/${connector.id}`}>{connector.organizerEmail}</a>
              </>
            )}
          </>
        }
        actions={
          <a class="button subtle" href="/admin/webinars">
            All webinars
          </a>
        }
      />
      {[MAIN_COUNTS, MINOR_COUNTS].map((counts, i) => (
        <section class={i === 0 ? "cards" : "cards minor"} aria-label={i === 0 ? "Counts" : "Cancelled and denied"}>
          {counts.map((filter) => (
            <a class="card panel link-card" href={registrantsHref(webinar.id, filter)}>
              <h2>{COUNT_LABEL[filter]}</h2>
              {filter === "absent" && webinar.phase !== "finished" ? (
                <p class="muted">Counted once every session has ended.</p>
              ) : (
                <p class="figure" data-count={filter}>
                  {webinar.counts[filter]}
                </p>
              )}
            </a>
          ))}
        </section>
      ))}
      <WebinarChartsSection charts={charts} />
      <WebinarAttribution webinarId={webinar.id} />
      <section class="panel">
        <h2>Sessions</h2>
        <ol class="sessions">
          {sessions.map((s) => (
            <li>
              <Time iso={s.startTime} /> to <Time iso={s.endTime} />
            </li>
          ))}
        </ol>
        {webinar.timeZone && <p class="muted small">GoTo shows it in {webinar.timeZone}.</p>}
      </section>
      {engagement && (
        <>
          <SessionsSideBySide webinar={webinar} sessions={engagement.sessions} scheduled={sessions.length} />
          <EngagementPanel webinar={webinar} summary={engagement.engagement} />
        </>
      )}
      <SyncPanel {...sync} />
      <section class="panel">
        <h2>Outbox and errors</h2>
        {outboxRows.length === 0 ? (
          <p class="muted">
            Nothing waiting. Registrations from Rollcall forms show here until GoTo has them, and stay here with GoTo's
            reason if it refuses one.
          </p>
        ) : (
          <DataTable columns={["Prospect", "State", "GoTo's reason", "Since"]}>
            {outboxRows.map((r) => (
              <tr>
                <td data-label="Prospect">
                  <a href={`/admin/prospects/${r.prospectId}`}>
                    <bdi>{r.email}</bdi>
                  </a>
                </td>
                <td data-label="State">
                  <RegistrationBadge status={r.status} />
                </td>
                <td data-label="Reason">
                  <OutboxReason
                    errorMessage={r.errorMessage}
                    retrying={r.status === "pending" ? sync.engine.retrying[r.registrationId] : undefined}
                  />
                </td>
                <td data-label="Since">
                  <Time iso={r.registeredAt} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section class="panel">
        <h2>
          Unmatched registrants <span class="muted small">{unmatched.count}</span>
        </h2>
        {unmatched.count === 0 ? (
          <p class="muted">
            None. A GoTo registrant becomes unmatched when no prospect has the email and the connector does not create
            prospects, or when GoTo's email is not a valid email address.
          </p>
        ) : (
          <>
            <DataTable columns={["Email", "Name", "GoTo status", "Reason", "Seen"]}>
              {unmatched.rows.map((u) => (
                <tr>
                  <td data-label="Email">
                    <bdi>{u.email}</bdi>
                  </td>
                  <td data-label="Name">
                    <bdi>{personName(u)}</bdi>
                  </td>
                  <td data-label="GoTo status">{u.status}</td>
                  <td data-label="Reason">{u.reason ?? "No prospect has this email."}</td>
                  <td data-label="Seen">
                    <Time iso={u.seenAt} />
                  </td>
                </tr>
              ))}
            </DataTable>
            {unmatched.count > unmatched.rows.length && (
              <p class="muted small">Showing the first {unmatched.rows.length}.</p>
            )}
          </>
        )}
      </section>
    </>
  );
};

const EMPTY_COUNT: Record<RegistrantFilter, string> = {
  registered: "Nobody is registered yet. Registrations from forms and from GoTo's own page appear here.",
  accepted: "Nobody is accepted yet. GoTo accepts registrants itself, or after you approve them there.",
  attended: "Nobody attended yet. Attendance is read after each session ends.",
  absent: "Nobody is absent. Absent counts the registered who did not attend, once every session has ended.",
  cancelled: "Nobody cancelled. Registrants who cancel, or whom GoTo cancels, appear here.",
  denied: "Nobody was denied. Registrants the organizer refuses in GoTo appear here.",
};

/** The prospects behind one count: the same rows the count counts. */
export const RegistrantsPage: FC<{
  webinar: WebinarWithCounts;
  filter: RegistrantFilter;
  rows: RegistrantRow[];
  nextHref: string | null;
  bulk?: BulkPanelProps | undefined;
}> = ({ webinar, filter, rows, nextHref, bulk }) => (
  <>
    <PageHeader
      title={`${COUNT_LABEL[filter]}: ${webinar.subject}`}
      lead={
        filter === "absent" && webinar.phase !== "finished"
          ? "Absent is counted once every session has ended."
          : `${plural(webinar.counts[filter], "prospect")}.`
      }
      actions={
        <DrillActions
          webinarId={webinar.id}
          csv={
            rows.length > 0
              ? {
                  href: registrantsCsvHref(webinar.id, filter),
                  title: `All ${plural(webinar.counts[filter], `${COUNT_LABEL[filter].toLowerCase()} prospect`)} as a CSV file, not only this page`,
                }
              : null
          }
        />
      }
    />
    <nav class="tabs" aria-label="Which count">
      {COUNTS.map((f) => (
        <a href={registrantsHref(webinar.id, f)} aria-current={f === filter ? "page" : undefined}>
          {COUNT_LABEL[f]} ({webinar.counts[f]})
        </a>
      ))}
    </nav>
    <section class="panel">
      {rows.length === 0 ? (
        <EmptyState title={`No one ${COUNT_LABEL[filter].toLowerCase()}`}>
          <p>{EMPTY_COUNT[filter]}</p>
        </EmptyState>
      ) : (
        <DataTable
          columns={["Prospect", "Email", "Registration", { label: "Minutes", class: "num" }, "Registered", "Via"]}
        >
          {rows.map((r) => (
            <tr>
              <ProspectCells row={r} />
              <td data-label="Registration" title={REGISTRATION_LABEL[r.status]}>
                <RegistrationBadge status={r.status} /> {r.attended && <span class="badge ok">Attended</span>}
              </td>
              <td data-label="Minutes" class="num">
                {r.attended ? r.minutesAttended : ""}
              </td>
              <td data-label="Registered">
                <Time iso={r.registeredAt} />
              </td>
              <td data-label="Via">{r.source === "form" ? "Rollcall form" : "GoTo"}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <Pager nextHref={nextHref} />
    </section>
    {bulk && bulk.count > 0 && <BulkPanel {...bulk} />}
  </>
);
