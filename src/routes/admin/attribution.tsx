import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { ATTRIBUTION_DIMENSIONS, type Attribution, attribution } from "../../db/queries/attribution";
import { recordAudit } from "../../db/queries/audit";
import { findWebinar } from "../../db/queries/reports";
import { defaultAttributionRange } from "../../domain/attribution";
import type { AppEnv } from "../../env";
import { CSV_BOM, type CsvFileName, csvFileName, csvHeader, csvHeaders, csvRows, localDate } from "../../lib/csv";
import { clientIp, isPartialHtmx } from "../../lib/request";
import { DayParam, dayAfter, dayStart, ExportFormatParam } from "../../lib/validation";
import { brokenLink, validQuery } from "../../middleware/validate";
import { attributionExport } from "../../views/csv-exports";
import {
  AttributionPage,
  AttributionSection,
  DIMENSION_LABEL,
  WebinarAttributionPage,
  webinarAttributionHref,
} from "../../views/pages/admin/attribution";

const ByParam = v.optional(
  v.picklist(ATTRIBUTION_DIMENSIONS, "Group by utm_source, utm_medium, utm_campaign, referrer or form."),
);

const WebinarQuery = v.object({ by: ByParam, format: ExportFormatParam });

const RangeQuery = v.pipe(
  v.object({ by: ByParam, from: DayParam("first"), to: DayParam("last"), format: ExportFormatParam }),
  v.forward(
    v.check((q) => q.from === "" || q.to === "" || q.from <= q.to, "The last date must be on or after the first."),
    ["to"],
  ),
);

/** Reports: where registrants came from, per webinar and across webinars. */
export const attributionRoutes = new Hono<AppEnv>();

async function csvAnswer(c: Context<AppEnv>, data: Attribution, name: CsvFileName): Promise<Response> {
  const columns = attributionExport(DIMENSION_LABEL[data.by]);
  await recordAudit(createDb(c.env.DB), {
    actorId: c.get("user")?.id ?? null,
    action: "report.exported",
    subject: name.unicode,
    ip: clientIp(c),
  });
  return c.body(`${CSV_BOM}${csvHeader(columns)}${csvRows(columns, data.rows)}`, 200, csvHeaders(name));
}

attributionRoutes.get(
  "/attribution",
  validQuery(RangeQuery, async (c, { values, errors }) => {
    c.status(400);
    return c.render(
      <AttributionPage
        values={{ from: (values.from ?? "").slice(0, 20), to: (values.to ?? "").slice(0, 20) }}
        errors={errors}
        data={null}
        href={() => "/admin/webinars/attribution"}
        csvHref="/admin/webinars/attribution"
      />,
      { title: "Attribution" },
    );
  }),
  async (c) => {
    const q = c.req.valid("query");
    const by = q.by ?? "utm_source";
    const fallback = defaultAttributionRange(Date.now());
    // One date given beyond the default other end: the range is that one day's side of it.
    const range = {
      from: q.from || (q.to && q.to < fallback.from ? q.to : fallback.from),
      to: q.to || (q.from && q.from > fallback.to ? q.from : fallback.to),
    };
    const data = await attribution(createDb(c.env.DB), {
      by,
      scope: { from: dayStart(range.from), to: dayAfter(range.to) },
      now: new Date().toISOString(),
    });
    const href = (b: string, format?: "csv") =>
      `/admin/webinars/attribution?${new URLSearchParams({ by: b, ...range, ...(format ? { format } : {}) })}`;
    if (q.format === "csv") return csvAnswer(c, data, csvFileName(["attribution", by, range.from, range.to]));
    if (isPartialHtmx(c)) {
      return c.html(<AttributionSection data={data} href={href} csvHref={href(by, "csv")} title="By source" />);
    }
    return c.render(<AttributionPage values={range} errors={{}} data={data} href={href} csvHref={href(by, "csv")} />, {
      title: "Attribution",
    });
  },
);

attributionRoutes.get(
  "/:id/attribution",
  validQuery(WebinarQuery, async (c, input) => {
    if (!(await findWebinar(createDb(c.env.DB), c.req.param("id") ?? ""))) throw noWebinar();
    return brokenLink(input);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const webinar = await findWebinar(db, c.req.param("id") ?? "");
    if (!webinar) throw noWebinar();
    const { by = "form", format } = c.req.valid("query");
    const data = await attribution(db, { by, scope: { webinarId: webinar.id }, now: new Date().toISOString() });
    const href = webinarAttributionHref(webinar.id);
    if (format === "csv") {
      return csvAnswer(
        c,
        data,
        csvFileName([webinar.subject, "attribution", by, localDate(webinar.startsAt, webinar.timeZone)], "webinar"),
      );
    }
    if (isPartialHtmx(c)) return c.html(<AttributionSection data={data} href={href} csvHref={href(by, "csv")} />);
    return c.render(<WebinarAttributionPage webinar={webinar} data={data} href={href} csvHref={href(by, "csv")} />, {
      title: `${webinar.subject}: attribution`,
    });
  },
);

function noWebinar(): HTTPException {
  return new HTTPException(404, { message: "There is no such webinar. Find it in the webinar list." });
}
