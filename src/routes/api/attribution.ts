import { type Context, Hono } from "hono";
import { describeRoute, resolver, validator } from "hono-openapi";
import type * as v from "valibot";
import {
  AttributionGroup,
  AttributionQuery,
  RangeAttribution,
  WebinarAttribution,
  WebinarAttributionQuery,
} from "../../api/attribution-schemas";
import { csvColumnsOf, wantsCsv } from "../../api/list-response";
import { IdParam } from "../../api/report-schemas";
import { ErrorBody } from "../../api/schemas";
import { createDb } from "../../db/client";
import { type Attribution, attendanceRateOf, attribution } from "../../db/queries/attribution";
import { findWebinar } from "../../db/queries/reports";
import { defaultAttributionRange } from "../../domain/attribution";
import type { AppEnv } from "../../env";
import { CSV_BOM, csvFileName, csvHeader, csvHeaders, csvRows, localDate } from "../../lib/csv";
import { ApiError } from "../../lib/errors";
import { dayAfter, dayStart } from "../../lib/validation";

/** Where registrants came from, per webinar and across webinars; mounted inside /api/v1 behind its API key check. */
export const attributionApi = new Hono<AppEnv>();

const json = (schema: Parameters<typeof resolver>[0]) => ({ "application/json": { schema: resolver(schema) } });
const CSV_COLUMNS = csvColumnsOf(AttributionGroup);
const csvContent = {
  "text/csv": {
    schema: {
      type: "string" as const,
      description: `With \`?format=csv\` or \`Accept: text/csv\`: UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting, a header line \`${CSV_COLUMNS.map((c) => c.header).join(",")}\`, then one line per group.`,
    },
  },
};
const errors = {
  400: { description: "Invalid query", content: json(ErrorBody) },
  401: { description: "Missing, malformed or revoked API key", content: json(ErrorBody) },
};
const DIMENSIONS_TEXT =
  "`by`: `utm_source`, `utm_medium`, `utm_campaign` (the registration's UTM value, trimmed and lower-cased; `(none)` without one, as for GoTo's own registration page), `referrer` (the referrer's host without `www.`) or `form` (the Rollcall form or form handler, or `goto` for GoTo's registration page). Counts: registered (as the webinar's `counts.registered`), attended, engaged (registered registrants with a poll answer, survey answer or question); largest groups first.";

function invalid(issues: readonly { message: string }[]): never {
  const message = issues.map((i) => i.message).join(" ");
  throw new ApiError(400, "invalid_request", message || "The request is not valid.");
}

function groupsJson(data: Attribution): {
  groups: v.InferOutput<typeof AttributionGroup>[];
  totals: v.InferOutput<typeof WebinarAttribution>["totals"];
  truncated: boolean;
} {
  return {
    groups: data.rows.map((r) => ({
      key: r.key,
      label: r.label,
      registered: r.registered,
      attended: r.attended,
      attendance_rate: attendanceRateOf(r),
      engaged: r.engaged,
    })),
    totals: {
      registered: data.totals.registered,
      attended: data.totals.attended,
      attendance_rate: attendanceRateOf(data.totals),
      engaged: data.totals.engaged,
    },
    truncated: data.truncated,
  };
}

function csvAnswer(c: Context<AppEnv>, data: Attribution, fileName: readonly string[]): Response {
  const rows = groupsJson(data).groups as Record<string, unknown>[];
  return c.body(
    `${CSV_BOM}${csvHeader(CSV_COLUMNS)}${csvRows(CSV_COLUMNS, rows)}`,
    200,
    csvHeaders(csvFileName(fileName)),
  );
}

attributionApi.get(
  "/webinars/:id/attribution",
  describeRoute({
    summary: "Where one webinar's registrants came from",
    description: DIMENSIONS_TEXT,
    responses: {
      200: { description: "The groups", content: { ...json(WebinarAttribution), ...csvContent } },
      ...errors,
      404: { description: "No such webinar", content: json(ErrorBody) },
    },
  }),
  validator("param", IdParam, (r) => {
    if (!r.success) throw new ApiError(404, "not_found", "There is no webinar with this id.");
  }),
  validator("query", WebinarAttributionQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const webinar = await findWebinar(db, c.req.valid("param").id);
    if (!webinar)
      throw new ApiError(404, "not_found", "There is no webinar with this id. List them at /api/v1/webinars.");
    const { by, format } = c.req.valid("query");
    const data = await attribution(db, { by, scope: { webinarId: webinar.id }, now: new Date().toISOString() });
    if (wantsCsv(c, format)) {
      return csvAnswer(c, data, [webinar.subject, "attribution", by, localDate(webinar.startsAt, webinar.timeZone)]);
    }
    return c.json({ webinar_id: webinar.id, by, ...groupsJson(data) });
  },
);

attributionApi.get(
  "/attribution",
  describeRoute({
    summary: "Where the registrants of the webinars in a date range came from",
    description: `The scheduled webinars starting from \`from\` to \`to\` (UTC days, both included; by default 90 days back to 90 days ahead). ${DIMENSIONS_TEXT}`,
    responses: {
      200: { description: "The groups", content: { ...json(RangeAttribution), ...csvContent } },
      ...errors,
    },
  }),
  validator("query", AttributionQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const q = c.req.valid("query");
    const fallback = defaultAttributionRange(Date.now());
    const from = q.from ?? (q.to && q.to < fallback.from ? q.to : fallback.from);
    const to = q.to ?? (q.from && q.from > fallback.to ? q.from : fallback.to);
    const data = await attribution(createDb(c.env.DB), {
      by: q.by,
      scope: { from: dayStart(from), to: dayAfter(to) },
      now: new Date().toISOString(),
    });
    if (wantsCsv(c, q.format)) return csvAnswer(c, data, ["attribution", q.by, from, to]);
    return c.json({ from, to, by: q.by, ...groupsJson(data) });
  },
);
