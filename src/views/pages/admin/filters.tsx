import type { FC } from "hono/jsx";
import type { FilterRow } from "../../../db/queries/filters";
import {
  CsrfField,
  DataTable,
  EmptyState,
  Flash,
  invalidAttrs,
  LabelledField,
  PageHeader,
  PostButton,
  Time,
} from "../../components";

export const FiltersPage: FC<{
  filters: FilterRow[];
  state: { flash?: string; kind?: string; value?: string; note?: string; error?: string };
  csrfToken: string | null;
}> = ({ filters, state, csrfToken }) => (
  <div id="filters">
    <PageHeader
      title="Filters"
      lead="Submissions from these IP ranges or email domains (your own staff, say) see the thank-you page, but no completion action runs: they are not registered."
    />
    {state.flash && <Flash kind="success">{state.flash}</Flash>}
    <section class="panel">
      <h2>Add a filter</h2>
      <form
        method="post"
        action="/admin/filters"
        class="row-form"
        novalidate
        hx-post="/admin/filters"
        hx-target="#filters"
        hx-swap="outerHTML"
      >
        <CsrfField token={csrfToken} />
        <div class="field">
          <label for="f-kind">Kind</label>
          <select id="f-kind" name="kind">
            <option value="ip_range" selected={state.kind !== "email_domain"}>
              IP range (CIDR, IPv4 or IPv6)
            </option>
            <option value="email_domain" selected={state.kind === "email_domain"}>
              Email domain
            </option>
          </select>
        </div>
        <LabelledField name="value" label="Value" error={state.error}>
          <input
            id="f-value"
            name="value"
            type="text"
            maxlength={300}
            value={state.value ?? ""}
            placeholder="203.0.113.0/24, 2001:db8::/32 or acme.com"
            {...invalidAttrs("value", state.error)}
          />
        </LabelledField>
        <LabelledField name="note" label="Note">
          <input
            id="f-note"
            name="note"
            type="text"
            maxlength={200}
            value={state.note ?? ""}
            placeholder="Office network"
          />
        </LabelledField>
        <button type="submit" class="button primary">
          Add filter
        </button>
      </form>
    </section>
    <section class="panel">
      {filters.length === 0 ? (
        <EmptyState title="No filters yet">
          <p>Add your office network or your company's email domain so staff testing a form are not registered.</p>
        </EmptyState>
      ) : (
        <DataTable columns={["Kind", "Value", "Note", "Added", "Remove"]}>
          {filters.map((f) => (
            <tr>
              <td data-label="Kind">{f.kind === "ip_range" ? "IP range" : "Email domain"}</td>
              <td data-label="Value">
                <code>{f.value}</code>
              </td>
              <td data-label="Note">{f.note ?? ""}</td>
              <td data-label="Added">
                <Time iso={f.createdAt} />
              </td>
              <td data-label="Remove">
                <PostButton action={`/admin/filters/${f.id}/delete`} csrfToken={csrfToken} kind="subtle">
                  Remove
                </PostButton>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  </div>
);
