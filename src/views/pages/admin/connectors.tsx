import type { FC } from "hono/jsx";
import type { CampaignRow } from "../../../db/queries/campaigns";
import type { ConnectorListItem, ConnectorRow } from "../../../db/queries/connectors";
import { CsrfField, DataTable, EmptyState, Field, Flash, PageHeader, Time } from "../../components";

/** The webinar connectors Rollcall offers; a new platform adds an entry here and its own form. */
export const CONNECTOR_TYPES = [
  {
    type: "gotowebinar",
    name: "GoToWebinar",
    description: "Registrations, approvals and attendance from GoTo's webinar platform, both ways.",
  },
] as const;

export const ConnectorStatusBadge: FC<{ connector: Pick<ConnectorRow, "status" | "paused"> }> = ({ connector }) => (
  <span class="badges">
    {connector.status === "verified" && (
      <span class="badge ok" title="Verified with GoTo">
        <span aria-hidden="true">✓</span> Verified
      </span>
    )}
    {connector.status === "unverified" && <span class="badge muted">Unverified</span>}
    {connector.status === "needs_reverification" && <span class="badge warn">Needs re-verification</span>}
    {connector.paused && <span class="badge muted">Paused</span>}
  </span>
);

export const ConnectorsPage: FC<{ connectors: ConnectorListItem[]; flash?: string }> = ({ connectors, flash }) => (
  <>
    <PageHeader
      title="Connectors"
      lead="GoToWebinar organizer accounts that Rollcall keeps in step with: their webinars, registrants and attendees."
      actions={
        <a class="button primary" href="/admin/connectors/new">
          Add Connector
        </a>
      }
    />
    {flash && <Flash kind="success">{flash}</Flash>}
    {connectors.length === 0 ? (
      <EmptyState
        title="No connectors yet"
        action={
          <a class="button primary" href="/admin/connectors/new">
            Add Connector
          </a>
        }
      >
        <p>
          Add a GoToWebinar connector for each organizer account whose webinars you want in Rollcall, then verify it on
          GoTo's consent page. Rollcall never asks for a GoTo password.
        </p>
      </EmptyState>
    ) : (
      <section class="panel">
        <DataTable columns={["Organizer", "Type", "Status", "Webinars", "Last discovery", "Campaign"]}>
          {connectors.map((c) => (
            <tr>
              <td data-label="Organizer">
                <a href={`/admin/connectors/${c.id}`}>{c.organizerEmail}</a>
                {c.organizerName && (
                  <div class="muted small">
                    <bdi>{c.organizerName}</bdi>
                  </div>
                )}
              </td>
              <td data-label="Type">GoToWebinar</td>
              <td data-label="Status">
                <ConnectorStatusBadge connector={c} />
              </td>
              <td data-label="Webinars">{c.webinarCount}</td>
              <td data-label="Last discovery">
                <Time iso={c.lastDiscoveryAt} />
              </td>
              <td data-label="Campaign">{c.campaignName ?? <span class="muted">none</span>}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    )}
  </>
);

export const ChooseConnectorPage: FC = () => (
  <>
    <PageHeader title="Add Connector" lead="Choose the webinar platform to connect." />
    <section class="cards">
      {CONNECTOR_TYPES.map((t) => (
        <a class="card link-card" href={`/admin/connectors/new/${t.type}`}>
          <h2>{t.name}</h2>
          <p>{t.description}</p>
        </a>
      ))}
    </section>
    <p class="muted">More webinar platforms will be listed here as Rollcall supports them.</p>
  </>
);

export interface ConnectorFormValues {
  organizerEmail: string;
  createProspects: boolean;
  campaign: string;
}

export const ConnectorForm: FC<{
  action: string;
  values: ConnectorFormValues;
  errors: Record<string, string>;
  campaigns: CampaignRow[];
  csrfToken: string | null;
  submitLabel: string;
  emailLocked?: boolean;
}> = (p) => (
  <form method="post" action={p.action} class="stack narrow" novalidate>
    <CsrfField token={p.csrfToken} />
    <Field
      label="Organizer email"
      name="organizerEmail"
      type="email"
      value={p.values.organizerEmail}
      error={p.errors.organizerEmail}
      required
      maxlength={254}
      hint={
        p.emailLocked
          ? "Verification checks this organizer; to connect another one, add another connector."
          : "The GoToWebinar organizer whose webinars to sync. They must have GoToWebinar enabled."
      }
    />
    <div class="field checkbox">
      <label>
        <input type="checkbox" name="createProspects" value="on" checked={p.values.createProspects} /> Create prospects
        if they don't exist
      </label>
      <small class="hint">
        When on, registrants and attendees Rollcall does not know yet become prospects, for past webinars too.
      </small>
    </div>
    <div class={p.errors.campaign ? "field has-error" : "field"}>
      <label for="f-campaign">Campaign for created prospects</label>
      <input
        id="f-campaign"
        name="campaign"
        type="text"
        list="campaign-names"
        value={p.values.campaign}
        maxlength={100}
        aria-invalid={p.errors.campaign ? "true" : undefined}
      />
      <datalist id="campaign-names">
        {p.campaigns.map((c) => (
          <option value={c.name} />
        ))}
      </datalist>
      <small class="hint">An existing campaign, or a new name to create one. Leave empty for none.</small>
      {p.errors.campaign && <small class="error">{p.errors.campaign}</small>}
    </div>
    <div class="form-actions">
      <button type="submit" class="button primary">
        {p.submitLabel}
      </button>{" "}
      <a class="button subtle" href="/admin/connectors">
        Cancel
      </a>
    </div>
  </form>
);
