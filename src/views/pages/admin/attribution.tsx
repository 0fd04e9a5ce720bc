import type { FC } from "hono/jsx";
import {
  ATTRIBUTION_DIMENSIONS,
  type Attribution,
  type AttributionDimension,
  attendanceRateOf,
  MAX_GROUPS,
} from "../../../db/queries/attribution";
import { percent } from "../../../domain/report-shape";
import { DataTable, EmptyState, Flash, PageHeader } from "../../components";

export const DIMENSION_LABEL: Record<AttributionDimension, string> = {
  utm_source: "UTM source",
  utm_medium: "UTM medium",
  utm_campaign: "UTM campaign",
  referrer: "Referrer",
  form: "Form",
};

/** The webinar's attribution by one dimension (the page, the htmx section, or `format=csv`). */
export function webinarAttributionHref(webinarId: string): (by: string, format?: "csv") => string {
  return (by, format) => `/admin/webinars/${webinarId}/attribution?by=${by}${format ? `&format=${format}` : ""}`;
}

/**
 * Where a webinar's registrants (or those of many webinars) came from: one tab per dimension,
 * a table of registered, attended, attendance rate and engaged per group, a total line, CSV.
 * `href(by)` is this view for another dimension; the tabs swap the section in place with htmx
 * and are plain links without it.
 */
export const AttributionSection: FC<{
  data: Attribution;
  href: (by: AttributionDimension) => string;
  csvHref: string;
  /** The heading level-2 text; the section's id is `attribution`. */
  title?: string;
}> = ({ data, href, csvHref, title = "Where registrants came from" }) => (
  <section class="panel" id="attribution" aria-labelledby="attribution-title">
    <div class="panel-head">
      <h2 id="attribution-title">{title}</h2>
      {data.rows.length > 0 && (
        <a class="button" href={csvHref} download>
          Export CSV
        </a>
      )}
    </div>
    <nav class="tabs" aria-label="Group registrants by">
      {ATTRIBUTION_DIMENSIONS.map((by) => (
        <a
          href={href(by)}
          hx-get={href(by)}
          hx-target="#attribution"
          hx-swap="outerHTML"
          aria-current={by === data.by ? "page" : undefined}
        >
          {DIMENSION_LABEL[by]}
        </a>
      ))}
    </nav>
    {data.rows.length === 0 ? (
      <EmptyState title="No registrants yet">
        <p>Once people register, this shows which forms, campaigns and sites brought them.</p>
      </EmptyState>
    ) : (
      <>
        {data.truncated && (
          <Flash kind="info">
            Only the {MAX_GROUPS} largest groups are shown and totalled; the CSV file has the same.
          </Flash>
        )}
        <DataTable
          class="attribution"
          columns={[
            DIMENSION_LABEL[data.by],
            { label: "Registered", class: "num" },
            { label: "Attended", class: "num" },
            { label: "Attendance rate", class: "num" },
            { label: "Engaged", class: "num" },
          ]}
        >
          {data.rows.map((r) => (
            <tr data-group={r.key}>
              <td data-label={DIMENSION_LABEL[data.by]} class="wrap">
                <bdi>{r.label}</bdi>
              </td>
              <td data-label="Registered" class="num">
                {r.registered}
              </td>
              <td data-label="Attended" class="num">
                {r.attended}
              </td>
              <td data-label="Attendance rate" class="num">
                {percent(attendanceRateOf(r))}
              </td>
              <td data-label="Engaged" class="num">
                {r.engaged}
              </td>
            </tr>
          ))}
          <tr class="total" data-group="(total)">
            <td data-label={DIMENSION_LABEL[data.by]}>
              <strong>Total</strong>
            </td>
            <td data-label="Registered" class="num">
              {data.totals.registered}
            </td>
            <td data-label="Attended" class="num">
              {data.totals.attended}
            </td>
            <td data-label="Attendance rate" class="num">
              {percent(attendanceRateOf(data.totals))}
            </td>
            <td data-label="Engaged" class="num">
              {data.totals.engaged}
            </td>
          </tr>
        </DataTable>
        <p class="muted small">
          UTM values are compared without case. The attendance rate counts webinars that have ended. Engaged registrants
          answered a poll or survey or asked a question.
        </p>
      </>
    )}
  </section>
);

/** The attribution of one webinar on its own page (the webinar page shows the same section). */
export const WebinarAttributionPage: FC<{
  webinar: { id: string; subject: string };
  data: Attribution;
  href: (by: AttributionDimension) => string;
  csvHref: string;
}> = ({ webinar, ...section }) => (
  <>
    <PageHeader
      title={webinar.subject}
      lead="Where this webinar's registrants came from."
      actions={
        <a class="button subtle" href={`/admin/webinars/${webinar.id}`}>
          Back to the webinar
        </a>
      }
    />
    <AttributionSection {...section} />
  </>
);

/** Attribution across the webinars starting in a date range. */
export const AttributionPage: FC<{
  values: { from: string; to: string };
  errors: Record<string, string>;
  data: Attribution | null;
  href: (by: AttributionDimension) => string;
  csvHref: string;
}> = ({ values, errors, data, href, csvHref }) => (
  <>
    <PageHeader
      title="Attribution"
      lead="Registrations, attendance and engagement of the webinars starting in these dates (UTC), by where the registrants came from."
      actions={
        <a class="button subtle" href="/admin/webinars">
          All webinars
        </a>
      }
    />
    <section class="panel">
      <form method="get" action="/admin/webinars/attribution" class="grid-form" novalidate>
        <input type="hidden" name="by" value={data?.by ?? "utm_source"} />
        {(["from", "to"] as const).map((name) => (
          <div class={errors[name] ? "field has-error" : "field"}>
            <label for={`f-${name}`}>
              {name === "from" ? "Webinars starting on or after" : "Starting on or before"}
            </label>
            <input
              id={`f-${name}`}
              name={name}
              type="date"
              value={values[name]}
              {...(errors[name] ? { "aria-invalid": "true", "aria-describedby": `f-${name}-error` } : {})}
            />
            {errors[name] && (
              <small class="error" id={`f-${name}-error`}>
                {errors[name]}
              </small>
            )}
          </div>
        ))}
        <p class="form-actions">
          <button type="submit" class="button primary">
            Apply
          </button>
        </p>
      </form>
    </section>
    {errors.by && <Flash kind="error">{errors.by}</Flash>}
    {data ? (
      <AttributionSection data={data} href={href} csvHref={csvHref} title="By source" />
    ) : (
      <section class="panel">
        <EmptyState title="Nothing shown yet">
          <p>Fix what is marked above, then apply again.</p>
        </EmptyState>
      </section>
    )}
  </>
);

/**
 * The section as the webinar page shows it: htmx fetches it (by form) once the page has loaded,
 * so grouping a large webinar's registrations never holds up the page; without JavaScript the
 * link opens the same section as a page.
 */
export const WebinarAttribution: FC<{ webinarId: string }> = ({ webinarId }) => {
  const href = webinarAttributionHref(webinarId)("form");
  return (
    <section
      class="panel"
      id="attribution"
      aria-labelledby="attribution-title"
      hx-get={href}
      hx-trigger="load"
      hx-swap="outerHTML"
    >
      <h2 id="attribution-title">Where registrants came from</h2>
      <p>
        <a href={href}>
          See registrations, attendance and engagement by form, UTM source, medium, campaign and referrer
        </a>
      </p>
    </section>
  );
};
