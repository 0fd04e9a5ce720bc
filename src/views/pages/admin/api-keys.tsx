import type { FC } from "hono/jsx";
import type { ApiKeyRow } from "../../../db/queries/api-keys";
import { CopyButton, DataTable, EmptyState, Flash, NameForm, PageHeader, PostButton, Time } from "../../components";

export interface ApiKeysPageState {
  created?: { name: string; key: string };
  flash?: string;
  error?: string;
  name?: string;
  errors?: Record<string, string>;
}

/** Settings > API keys, whole or as the `#api-keys` section that htmx swaps. */
export const ApiKeysPage: FC<{ keys: ApiKeyRow[]; csrfToken: string | null; state: ApiKeysPageState }> = ({
  keys,
  csrfToken,
  state,
}) => (
  <div id="api-keys" class="stack">
    <PageHeader
      title="API keys"
      lead={
        <>
          Keys let scripts and BI tools read webinar reports from <code>/api/v1</code>. Send one as{" "}
          <code>Authorization: Bearer &lt;key&gt;</code>.
        </>
      }
    />
    {state.created && (
      <div class="flash flash-success key-reveal" role="status">
        <p>
          <strong>Key “{state.created.name}” created.</strong> Copy it now: Rollcall keeps only a hash and cannot show
          it again.
        </p>
        <label for="new-key">New API key</label>
        <div class="copy-row">
          <input id="new-key" class="mono" type="text" readonly value={state.created.key} />
          <CopyButton target="new-key" label="Copy key" />
        </div>
      </div>
    )}
    {state.flash && <Flash kind="success">{state.flash}</Flash>}
    {state.error && <Flash kind="error">{state.error}</Flash>}
    <section class="panel">
      <h2>Create a key</h2>
      <NameForm
        action="/admin/settings/api-keys"
        target="#api-keys"
        csrfToken={csrfToken}
        value={state.name}
        error={state.errors?.name}
        maxlength={80}
        hint="Say who uses it, e.g. “Looker nightly export”."
        submit="Create API key"
      />
    </section>
    <section class="panel">
      <h2>Keys</h2>
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet">
          <p>Create one above when a script or BI tool needs to read your webinar reports.</p>
        </EmptyState>
      ) : (
        <DataTable columns={["Name", "Key", "Created", "Last used", "Status", "Actions"]}>
          {keys.map((k) => (
            <tr data-key-id={k.id}>
              <td data-label="Name">
                <bdi>{k.name}</bdi>
              </td>
              <td data-label="Key">
                <code>{k.prefix}…</code>
              </td>
              <td data-label="Created">
                <Time iso={k.createdAt} />
              </td>
              <td data-label="Last used">
                <Time iso={k.lastUsedAt} />
              </td>
              <td data-label="Status">
                {k.revokedAt ? <span class="badge muted">Revoked</span> : <span class="badge ok">Active</span>}
              </td>
              <td data-label="Actions">
                {!k.revokedAt && (
                  <PostButton
                    action={`/admin/settings/api-keys/${k.id}/revoke`}
                    csrfToken={csrfToken}
                    kind="danger"
                    target="#api-keys"
                    confirm={`Revoke “${k.name}”? Anything using it stops working at once.`}
                  >
                    Revoke
                  </PostButton>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  </div>
);
