import type { FC } from "hono/jsx";
import type { ProspectListItem } from "../../../db/queries/prospect-reports";
import {
  DataTable,
  EmptyState,
  type FilterForm,
  FilterSelect,
  Flash,
  invalidAttrs,
  LabelledField,
  PageHeader,
  Pager,
  Time,
} from "../../components";
import { BulkPanel, type BulkPanelProps } from "./bulk";
import { personName } from "./webinar-parts";

/** The prospect list's filters, in the query string's names. */
export const FILTER_NAMES = ["q", "list", "tag", "campaign", "min_score", "max_score"] as const;
export type ProspectFilterValues = Record<(typeof FILTER_NAMES)[number], string>;

export interface ProspectFilterChoices {
  lists: { id: string; name: string }[];
  campaigns: { id: string; name: string }[];
  tags: string[];
}

/** The filters that are set, as a query string (without `?`), for page and export links. */
export function filterQuery(filters: ProspectFilterValues): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name] !== "") params.set(name, filters[name]);
  return params.toString();
}

/** A bound of the score range: a whole number, or empty for no bound. */
const ScoreField: FC<{ name: "min_score" | "max_score"; label: string; form: FilterForm }> = ({
  name,
  label,
  form,
}) => (
  <LabelledField name={name} label={label} error={form.errors[name]}>
    <input
      id={`f-${name}`}
      name={name}
      type="number"
      step={1}
      inputmode="numeric"
      value={form.values[name]}
      {...invalidAttrs(name, form.errors[name])}
    />
  </LabelledField>
);

/** Prospects: search and filter, export what matches, pick two to merge. */
export const ProspectsPage: FC<{
  filters: ProspectFilterValues;
  choices: ProspectFilterChoices;
  errors: Record<string, string>;
  prospects: ProspectListItem[];
  nextHref: string | null;
  exportHref: string | null;
  bulk?: BulkPanelProps | undefined;
}> = ({ filters, choices, errors, prospects, nextHref, exportHref, bulk }) => {
  const filtered = FILTER_NAMES.some((name) => filters[name] !== "");
  const form = { values: filters, errors };
  // A broken page or export link: its message does not belong to one of the fields.
  const linkError = Object.entries(errors).find(([name]) => !(FILTER_NAMES as readonly string[]).includes(name))?.[1];
  return (
    <>
      <PageHeader
        title="Prospects"
        lead="Everyone who registered on a Rollcall form or on GoTo's own page, with their score."
        actions={
          <>
            {exportHref && (
              <a
                class="button primary"
                href={exportHref}
                download
                title="Every prospect that matches the filters as a CSV file, not only this page"
              >
                Export CSV
              </a>
            )}
            <a class="button" href="/admin/prospects/merge">
              Merge prospects
            </a>
          </>
        }
      />
      {linkError && <Flash kind="error">{linkError}</Flash>}
      <section class="panel">
        <form method="get" action="/admin/prospects" class="grid-form" novalidate>
          <LabelledField name="q" label="Search by email or name" error={errors.q}>
            <input id="f-q" name="q" type="search" value={filters.q} maxlength={200} {...invalidAttrs("q", errors.q)} />
          </LabelledField>
          <FilterSelect name="list" label="List" any="Any list" choices={choices.lists} form={form} />
          <LabelledField name="tag" label="Tag" error={errors.tag}>
            <input
              id="f-tag"
              name="tag"
              type="text"
              list="f-tag-choices"
              value={filters.tag}
              maxlength={100}
              placeholder="Any tag"
              {...invalidAttrs("tag", errors.tag)}
            />
            <datalist id="f-tag-choices">
              {choices.tags.map((t) => (
                <option value={t} />
              ))}
            </datalist>
          </LabelledField>
          <FilterSelect name="campaign" label="Campaign" any="Any campaign" choices={choices.campaigns} form={form} />
          <ScoreField name="min_score" label="Score at least" form={form} />
          <ScoreField name="max_score" label="Score at most" form={form} />
          <p class="form-actions">
            <button type="submit" class="button primary">
              Search
            </button>{" "}
            {filtered && (
              <a class="button subtle" href="/admin/prospects">
                Clear
              </a>
            )}
          </p>
        </form>
      </section>
      <section class="panel">
        {prospects.length === 0 ? (
          Object.keys(errors).length > 0 ? (
            <EmptyState title="Nothing searched yet">
              <p>Fix what is marked above, then search again.</p>
            </EmptyState>
          ) : filtered ? (
            <EmptyState title="No prospect matches">
              <p>
                {filters.q
                  ? `Nobody's email or name contains “${filters.q}” with these filters. Try part of the email, or the last name alone.`
                  : "No prospect matches these filters. Widen the score range or choose another list, tag or campaign."}
              </p>
            </EmptyState>
          ) : (
            <EmptyState title="No prospects yet">
              <p>
                Prospects arrive from form registrations and from GoToWebinar registrants once a connector is verified
                and its webinars sync.
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
            <Pager nextHref={nextHref}>
              <button type="submit" class="button">
                Merge the two chosen
              </button>
            </Pager>
          </form>
        )}
      </section>
      {bulk && <BulkPanel {...bulk} />}
    </>
  );
};
