import type { FC } from "hono/jsx";
import type { ProspectListItem } from "../../../db/queries/prospect-reports";
import { DataTable, EmptyState, PageHeader, Time } from "../../components";
import { personName } from "./webinar-parts";

/** Prospects (F23): search by email or name, pick two to merge. */
export const ProspectsPage: FC<{
  search: string;
  error?: string | undefined;
  prospects: ProspectListItem[];
  nextHref: string | null;
  flash?: string | undefined;
}> = ({ search, error, prospects, nextHref }) => (
  <>
    <PageHeader
      title="Prospects"
      lead="Everyone who registered on a Rollcall form or on GoTo's own page, with their score."
      actions={
        <a class="button" href="/admin/prospects/merge">
          Merge prospects
        </a>
      }
    />
    <section class="panel">
      <form method="get" action="/admin/prospects" class="row-form">
        <div class={error ? "field has-error" : "field"}>
          <label for="f-q">Search by email or name</label>
          <input
            id="f-q"
            name="q"
            type="search"
            value={search}
            maxlength={200}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "f-q-error" : undefined}
          />
          {error && (
            <small class="error" id="f-q-error">
              {error}
            </small>
          )}
        </div>
        <button type="submit" class="button primary">
          Search
        </button>
        {search && (
          <a class="button subtle" href="/admin/prospects">
            Clear
          </a>
        )}
      </form>
    </section>
    <section class="panel">
      {prospects.length === 0 ? (
        search ? (
          <EmptyState title="No prospect matches">
            <p>Nobody's email or name contains “{search}”. Try part of the email, or the last name alone.</p>
          </EmptyState>
        ) : (
          <EmptyState title="No prospects yet">
            <p>
              Prospects arrive from form registrations and from GoToWebinar registrants once a connector is verified and
              its webinars sync.
            </p>
          </EmptyState>
        )
      ) : (
        <form method="get" action="/admin/prospects/merge">
          <DataTable
            columns={[
              { label: <span class="visually-hidden">Choose to merge</span> },
              "Name",
              "Email",
              { label: "Score", class: "num" },
              "Campaign",
              "Created",
            ]}
          >
            {prospects.map((p) => (
              <tr>
                <td data-label="Merge">
                  <input
                    type="checkbox"
                    name="pick"
                    value={p.id}
                    id={`pick-${p.id}`}
                    aria-label={`Choose ${p.email} to merge`}
                  />
                </td>
                <td data-label="Name">
                  <a href={`/admin/prospects/${p.id}`}>
                    <bdi>{personName(p) || "(no name)"}</bdi>
                  </a>
                </td>
                <td data-label="Email">
                  <a href={`/admin/prospects/${p.id}`}>
                    <bdi>{p.email}</bdi>
                  </a>
                  {p.mergedEmails.length > 0 && (
                    <div class="muted small">
                      also <bdi>{p.mergedEmails.join(", ")}</bdi>
                    </div>
                  )}
                </td>
                <td data-label="Score" class="num">
                  {p.score}
                </td>
                <td data-label="Campaign">{p.campaignName ?? <span class="muted">none</span>}</td>
                <td data-label="Created">
                  <Time iso={p.createdAt} />
                </td>
              </tr>
            ))}
          </DataTable>
          <p class="pager">
            <button type="submit" class="button">
              Merge the two chosen
            </button>
            {nextHref && (
              <a class="button" href={nextHref}>
                Next page
              </a>
            )}
          </p>
        </form>
      )}
    </section>
  </>
);
