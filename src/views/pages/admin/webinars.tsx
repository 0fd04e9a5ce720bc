import type { FC } from "hono/jsx";
import type { OverviewRow, OverviewSort, SortDirection } from "../../../db/queries/webinar-overview";
import { percent } from "../../../domain/report-shape";
import { RateChart } from "../../charts/rate-chart";
import {
  DataTable,
  EmptyState,
  FilterSelect,
  Flash,
  invalidAttrs,
  LabelledField,
  PageHeader,
  Pager,
} from "../../components";
import { PhaseBadge, registrantsHref } from "./webinar-parts";
import { ZonedTime } from "./zoned-time";

/** What the filter form shows: the query string as sent (or as the server filled it in). */
export interface OverviewValues {
  show: string;
  organizer: string;
  campaign: string;
  from: string;
  to: string;
  sort: string;
  dir: string;
}

export interface OverviewChoices {
  organizers: { id: string; organizerEmail: string; organizerName: string | null; deleted: boolean }[];
  campaigns: { id: string; name: string }[];
}

const FIELDS = ["show", "organizer", "campaign", "from", "to", "sort", "dir"] as const;

/** The overview's query string with the given changes; `show=all` and empty values are left out. */
export function overviewQueryString(values: OverviewValues, cursor?: string): string {
  const q = new URLSearchParams();
  for (const f of FIELDS) if (values[f] && !(f === "show" && values[f] === "all")) q.set(f, values[f]);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `?${s}` : "";
}

const TABS: { show: string; label: string }[] = [
  { show: "upcoming", label: "Upcoming" },
  { show: "finished", label: "Finished" },
  { show: "all", label: "All" },
];

const SORT_LABEL: Record<OverviewSort, string> = {
  date: "Date",
  registered: "Registered",
  attended: "Attended",
  absent: "Absent",
  rate: "Attendance rate",
  engaged: "Engaged",
};

const EMPTY: Record<string, string> = {
  upcoming: "No upcoming webinars. Webinars scheduled in GoTo appear here within 10 minutes of discovery.",
  finished: "No finished webinars yet. Once a webinar's last session ends, it moves here with its attendance.",
  all: "No webinars yet. Verify a connector: discovery brings in its webinars, a year back and a year ahead.",
};

export function organizerLabel(o: { organizerEmail: string; organizerName: string | null }): string {
  return o.organizerName ? `${o.organizerName} (${o.organizerEmail})` : o.organizerEmail;
}

const ORDER_WORDS: Record<OverviewSort, { asc: string; desc: string }> = {
  date: { asc: "earliest first", desc: "latest first" },
  registered: { asc: "lowest first", desc: "highest first" },
  attended: { asc: "lowest first", desc: "highest first" },
  absent: { asc: "lowest first", desc: "highest first" },
  rate: { asc: "lowest first", desc: "highest first" },
  engaged: { asc: "lowest first", desc: "highest first" },
};

/** A column heading that sorts by it: descending first, ascending on a second click. */
const SortHeading: FC<{ sort: OverviewSort; values: OverviewValues }> = ({ sort, values }) => {
  const current = values.sort === sort;
  const dir: SortDirection = current && values.dir === "desc" ? "asc" : "desc";
  const href = `/admin/webinars${overviewQueryString({ ...values, sort, dir })}`;
  return (
    <a href={href} title={`Sort by ${SORT_LABEL[sort].toLowerCase()}`}>
      {SORT_LABEL[sort]}
      {current && (
        <>
          <span aria-hidden="true">{values.dir === "asc" ? " ↑" : " ↓"}</span>
          <span class="visually-hidden">
            {` (${values.dir === "asc" ? ORDER_WORDS[sort].asc : ORDER_WORDS[sort].desc})`}
          </span>
        </>
      )}
    </a>
  );
};

const Filters: FC<{ values: OverviewValues; choices: OverviewChoices; errors: Record<string, string> }> = ({
  values,
  choices,
  errors,
}) => {
  const form = { values: { ...values }, errors };
  const organizers = choices.organizers.map((o) => ({
    id: o.id,
    name: `${organizerLabel(o)}${o.deleted ? " (deleted connector)" : ""}`,
  }));
  return (
    <form method="get" action="/admin/webinars" class="grid-form" novalidate>
      <input type="hidden" name="show" value={values.show || "all"} />
      <FilterSelect name="organizer" label="Organizer" any="Every organizer" choices={organizers} form={form} />
      <FilterSelect name="campaign" label="Campaign" any="Any campaign" choices={choices.campaigns} form={form} />
      <LabelledField name="from" label="Starting on or after (UTC)" error={errors.from}>
        <input id="f-from" name="from" type="date" value={values.from} {...invalidAttrs("from", errors.from)} />
      </LabelledField>
      <LabelledField name="to" label="Starting on or before (UTC)" error={errors.to}>
        <input id="f-to" name="to" type="date" value={values.to} {...invalidAttrs("to", errors.to)} />
      </LabelledField>
      <LabelledField name="sort" label="Sort by" error={errors.sort}>
        <select id="f-sort" name="sort" {...invalidAttrs("sort", errors.sort)}>
          {(Object.keys(SORT_LABEL) as OverviewSort[]).map((s) => (
            <option value={s} selected={values.sort === s}>
              {SORT_LABEL[s]}
            </option>
          ))}
        </select>
      </LabelledField>
      <LabelledField name="dir" label="Order" error={errors.dir}>
        <select id="f-dir" name="dir" {...invalidAttrs("dir", errors.dir)}>
          <option value="desc" selected={values.dir === "desc"}>
            Highest or latest first
          </option>
          <option value="asc" selected={values.dir === "asc"}>
            Lowest or earliest first
          </option>
        </select>
      </LabelledField>
      <p class="form-actions">
        <button type="submit" class="button primary">
          Apply
        </button>{" "}
        <a
          class="button subtle"
          href={`/admin/webinars${values.show && values.show !== "all" ? `?show=${values.show}` : ""}`}
        >
          Clear
        </a>
      </p>
    </form>
  );
};

/**
 * Attendance and no-show rates of the finished webinars on this page, drawn and, beside the
 * drawing, as a table (for screen readers and copy-paste): the same figures as the rows above.
 */
const RatesSection: FC<{ rows: OverviewRow[] }> = ({ rows }) => {
  const rated = rows.filter((r) => r.attendanceRate !== null);
  if (rated.length === 0) return null;
  return (
    <section class="panel charts" id="attendance-rates" aria-labelledby="attendance-rates-title">
      <h2 id="attendance-rates-title">Attendance and no-show rates</h2>
      <RateChart
        id="rates-chart"
        title="Attendance and no-show rate per finished webinar"
        desc={`For each of the ${rated.length} finished webinars on this page: the share of its registrants who attended, and the share who did not.`}
        series={["Attendance rate", "No-show rate"]}
        rowHeading="Webinar"
        rows={rated.map((r) => ({
          label: r.subject,
          rates: [r.attendanceRate ?? 0, r.counts.registered ? r.counts.absent / r.counts.registered : 0],
        }))}
      />
    </section>
  );
};

/** Reports > Webinars: every webinar's figures, each count linking to the prospects behind it. */
export const WebinarsPage: FC<{
  values: OverviewValues;
  choices: OverviewChoices;
  errors: Record<string, string>;
  rows: OverviewRow[];
  nextHref: string | null;
}> = ({ values, choices, errors, rows, nextHref }) => {
  const organizers = new Map(choices.organizers.map((o) => [o.id, o]));
  const filtered = Boolean(values.organizer || values.campaign || values.from || values.to);
  const refused = Object.keys(errors).length > 0;
  return (
    <>
      <PageHeader
        title="Webinars"
        lead="Registered, attended, absent and engaged registrants of every synced webinar. Absent counts and rates appear once a webinar has ended."
        actions={
          <a class="button" href="/admin/webinars/attribution">
            Attribution
          </a>
        }
      />
      <nav class="tabs" aria-label="Which webinars">
        {TABS.map((t) => (
          <a
            href={`/admin/webinars${overviewQueryString({ ...values, show: t.show, sort: values.sort, dir: "" })}`}
            aria-current={t.show === (values.show || "all") ? "page" : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {errors.show && <Flash kind="error">{errors.show}</Flash>}
      <section class="panel">
        <details class="filters" open={filtered || refused || values.sort !== "date" ? true : undefined}>
          <summary>Filter and sort</summary>
          <Filters values={values} choices={choices} errors={errors} />
        </details>
      </section>
      <section class="panel">
        {rows.length === 0 ? (
          refused ? (
            <EmptyState title="Nothing shown yet">
              <p>Fix what is marked above, then apply the filters again.</p>
            </EmptyState>
          ) : filtered ? (
            <EmptyState title="No webinar matches" action={<a href="/admin/webinars">Show every webinar</a>}>
              <p>No webinar matches these filters. Widen the dates or choose another organizer or campaign.</p>
            </EmptyState>
          ) : (
            <EmptyState title="Nothing here yet" action={<a href="/admin/connectors">Go to Connectors</a>}>
              <p>{EMPTY[values.show] ?? EMPTY.all}</p>
            </EmptyState>
          )
        ) : (
          <DataTable
            class="overview"
            columns={[
              "Webinar",
              "Organizer",
              { label: <SortHeading sort="date" values={values} /> },
              { label: <SortHeading sort="registered" values={values} />, class: "num" },
              { label: <SortHeading sort="attended" values={values} />, class: "num" },
              { label: <SortHeading sort="absent" values={values} />, class: "num" },
              { label: <SortHeading sort="rate" values={values} />, class: "num" },
              { label: <SortHeading sort="engaged" values={values} />, class: "num" },
            ]}
          >
            {rows.map((w) => {
              const organizer = organizers.get(w.connectorId);
              return (
                <tr data-webinar={w.id}>
                  <td data-label="Webinar" class="webinar">
                    <a href={`/admin/webinars/${w.id}`}>
                      <bdi>{w.subject}</bdi>
                    </a>{" "}
                    <PhaseBadge phase={w.phase} />
                  </td>
                  <td data-label="Organizer" class="organizer">
                    {organizer ? (
                      <>
                        {organizer.organizerName && <bdi>{organizer.organizerName}</bdi>}
                        <small class="organizer-email muted">{organizer.organizerEmail}</small>
                      </>
                    ) : (
                      <span class="muted">unknown</span>
                    )}
                  </td>
                  <td data-label="Starts">
                    <ZonedTime iso={w.startsAt} timeZone={w.timeZone} />
                  </td>
                  <td data-label="Registered" class="num">
                    <a href={registrantsHref(w.id, "registered")}>{w.counts.registered}</a>
                  </td>
                  <td data-label="Attended" class="num">
                    <a href={registrantsHref(w.id, "attended")}>{w.counts.attended}</a>
                  </td>
                  <td data-label="Absent" class="num">
                    {w.phase === "finished" ? (
                      <a href={registrantsHref(w.id, "absent")}>{w.counts.absent}</a>
                    ) : (
                      <span class="muted">after it ends</span>
                    )}
                  </td>
                  <td data-label="Attendance rate" class="num" data-rate="attendance">
                    {percent(w.attendanceRate)}
                  </td>
                  <td data-label="Engaged" class="num" data-count="engaged">
                    {w.engaged}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
        <Pager nextHref={nextHref} />
      </section>
      <RatesSection rows={rows} />
      <script src="/js/local-time.js" defer />
    </>
  );
};
