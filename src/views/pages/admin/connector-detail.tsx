import type { FC } from "hono/jsx";
import type { ConnectorRow } from "../../../db/queries/connectors";
import type { WebinarRow } from "../../../db/queries/webinars";
import { webinarSessions } from "../../../domain/webinars";
import { plural } from "../../../lib/plural";
import type { DiscoveryProgress } from "../../../sync/discovery";
import type { GatewayHealth } from "../../../sync/gateway";
import { DataTable, EmptyState, Flash, PageHeader, PostButton, Time } from "../../components";
import { ConnectorStatusBadge } from "./connectors";

type Connector = ConnectorRow & { campaignName: string | null };

const RUNNING: DiscoveryProgress["phase"][] = ["queued", "listing", "storing"];

function percent(p: DiscoveryProgress): number {
  if (p.phase === "done") return 100;
  if (p.phase === "storing") return 95;
  if (p.totalPages && p.totalPages > 0) return Math.min(90, Math.round((p.pages / p.totalPages) * 90));
  return p.phase === "queued" ? 2 : 10;
}

/** Sync health and discovery progress; polls itself while discovery runs. */
export interface Backlog {
  pending: number;
  error: number;
}

export const SyncHealth: FC<{ connector: Connector; health: GatewayHealth | null; backlog: Backlog }> = ({
  connector,
  health,
  backlog,
}) => {
  const progress = health?.discovery ?? null;
  const running = progress !== null && RUNNING.includes(progress.phase);
  return (
    <section
      id="sync-health"
      class="panel"
      hx-get={`/admin/connectors/${connector.id}/health`}
      hx-trigger={running ? "every 1s" : "every 30s"}
      hx-swap="outerHTML"
    >
      <h2>Sync health</h2>
      {progress && running && (
        <div class="progress-block">
          <p>
            {progress.phase === "queued" && "Discovery is about to start…"}
            {progress.phase === "listing" &&
              `Finding webinars: page ${progress.pages}${progress.totalPages ? ` of ${progress.totalPages}` : ""}, ${plural(progress.webinars, "webinar")} so far…`}
            {progress.phase === "storing" && `Saving ${plural(progress.webinars, "webinar")}…`}
          </p>
          <progress max={100} value={percent(progress)} aria-label="Discovery progress">
            {percent(progress)}%
          </progress>
        </div>
      )}
      {progress?.phase === "done" && (
        <p class="muted">
          Last discovery found {plural(progress.webinars, "webinar")}: {progress.added ?? 0} new,{" "}
          {progress.changed ?? 0} changed, {progress.cancelled ?? 0} cancelled.
        </p>
      )}
      <dl class="facts">
        <div>
          <dt>Last discovery</dt>
          <dd>
            <Time iso={connector.lastDiscoveryAt} />
          </dd>
        </div>
        <div>
          <dt>Next discovery</dt>
          <dd>
            {connector.paused ? (
              <span class="muted">paused</span>
            ) : connector.status !== "verified" ? (
              <span class="muted">after verification</span>
            ) : (
              <Time iso={health?.nextDiscoveryAt ?? connector.nextDiscoveryAt} />
            )}
          </dd>
        </div>
        <div>
          <dt>GoTo API calls, last hour</dt>
          <dd>
            {health ? health.callsLastHour.total : 0}
            {health && health.callsLastHour.rateLimited > 0 && ` (${health.callsLastHour.rateLimited} rate limited)`}
            {health && health.callsLastHour.failed > 0 && ` (${health.callsLastHour.failed} failed)`}
          </dd>
        </div>
        <div>
          <dt>Registrations waiting to reach GoTo</dt>
          <dd>
            {backlog.pending}
            {backlog.error > 0 && (
              <>
                {" "}
                <span class="error-text">({backlog.error} refused by GoTo: see each webinar's page)</span>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Last error</dt>
          <dd>
            {connector.lastError ? (
              <>
                <span class="error-text">{connector.lastError}</span>{" "}
                <span class="muted small">
                  (<Time iso={connector.lastErrorAt} />)
                </span>
              </>
            ) : (
              <span class="muted">none</span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
};

export const ConnectorDetailPage: FC<{
  connector: Connector;
  health: GatewayHealth | null;
  backlog: Backlog;
  webinars: WebinarRow[];
  counts: { upcoming: number; past: number; cancelled: number };
  csrfToken: string | null;
  flash?: { kind: "success" | "error" | "info"; text: string } | undefined;
  now: string;
}> = ({ connector, health, backlog, webinars, counts, csrfToken, flash, now }) => {
  const base = `/admin/connectors/${connector.id}`;
  return (
    <>
      <PageHeader
        title={connector.organizerEmail}
        lead={
          <>
            GoToWebinar connector <ConnectorStatusBadge connector={connector} />
          </>
        }
        actions={
          <>
            {connector.status !== "verified" && (
              <PostButton action={`${base}/verify`} csrfToken={csrfToken} kind="primary">
                {connector.status === "needs_reverification" ? "Verify again" : "Verify"}
              </PostButton>
            )}
            {connector.status === "verified" && !connector.paused && (
              <PostButton action={`${base}/sync`} csrfToken={csrfToken}>
                Sync now
              </PostButton>
            )}
            <a class="button" href={`${base}/edit`}>
              Edit
            </a>
            <PostButton action={`${base}/${connector.paused ? "resume" : "pause"}`} csrfToken={csrfToken}>
              {connector.paused ? "Resume" : "Pause"}
            </PostButton>
            <a class="button danger" href={`${base}/delete`}>
              Delete
            </a>
          </>
        }
      />
      {flash && <Flash kind={flash.kind}>{flash.text}</Flash>}
      {connector.status === "unverified" && (
        <Flash kind="info">
          Not verified yet. Verify sends you to GoTo's consent page; sign in there as {connector.organizerEmail} and
          allow Rollcall. You come back here with a green check.
        </Flash>
      )}
      {connector.status === "needs_reverification" && (
        <Flash kind="error">
          GoTo no longer accepts this connector's access. Syncing and registrations wait (nothing is lost) until you
          verify it again.
        </Flash>
      )}
      <SyncHealth connector={connector} health={health} backlog={backlog} />
      <section class="panel">
        <h2>Settings</h2>
        <dl class="facts">
          <div>
            <dt>Organizer</dt>
            <dd>
              {connector.organizerName ?? connector.organizerEmail}
              {connector.organizerKey && <span class="muted small"> (organizer key {connector.organizerKey})</span>}
            </dd>
          </div>
          <div>
            <dt>Create prospects if they don't exist</dt>
            <dd>{connector.createProspects ? "Yes" : "No"}</dd>
          </div>
          <div>
            <dt>Campaign for created prospects</dt>
            <dd>{connector.campaignName ?? <span class="muted">none</span>}</dd>
          </div>
          <div>
            <dt>Verified</dt>
            <dd>
              <Time iso={connector.verifiedAt} />
            </dd>
          </div>
        </dl>
      </section>
      <section class="panel">
        <h2>
          Webinars{" "}
          <span class="muted small">
            {counts.upcoming} upcoming, {counts.past} past, {counts.cancelled} cancelled
          </span>
        </h2>
        {webinars.length === 0 ? (
          <EmptyState title="No webinars found yet">
            <p>
              {connector.status === "verified"
                ? "Discovery looks a year back and a year ahead. New webinars appear within 10 minutes, or at once with Sync now."
                : "Webinars appear here once the connector is verified."}
            </p>
          </EmptyState>
        ) : (
          <DataTable columns={["Webinar", "Starts", "Sessions", "Status"]}>
            {webinars.map((w) => (
              <tr>
                <td data-label="Webinar">
                  {w.subject}
                  <div class="muted small">key {w.webinarKey}</div>
                </td>
                <td data-label="Starts">
                  <Time iso={w.startsAt} />
                </td>
                <td data-label="Sessions">{webinarSessions(w).length}</td>
                <td data-label="Status">
                  {w.status === "cancelled" ? (
                    <span class="badge muted">Cancelled</span>
                  ) : w.endsAt < now ? (
                    <span class="badge muted">Finished</span>
                  ) : (
                    <span class="badge ok">Upcoming</span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
};

export const DeleteConnectorPage: FC<{ connector: Connector; webinarCount: number; csrfToken: string | null }> = ({
  connector,
  webinarCount,
  csrfToken,
}) => (
  <>
    <PageHeader title="Delete connector?" />
    <section class="panel stack narrow">
      <p>
        Rollcall stops syncing <strong>{connector.organizerEmail}</strong> and forgets its GoTo access. The{" "}
        {plural(webinarCount, "webinar")}, and the prospects and activities it brought, stay in Rollcall.
      </p>
      <PostButton action={`/admin/connectors/${connector.id}/delete`} csrfToken={csrfToken} kind="danger">
        Delete connector
      </PostButton>{" "}
      <a class="button subtle" href={`/admin/connectors/${connector.id}`}>
        Keep it
      </a>
    </section>
  </>
);
