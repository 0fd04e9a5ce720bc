import * as v from "valibot";
import { ATTRIBUTION_DIMENSIONS } from "../db/queries/attribution";
import { isCalendarDay } from "../lib/validation";

/** Shapes of the attribution routes of the JSON API: they validate the queries and describe the answers. */

const By = v.optional(
  v.picklist(ATTRIBUTION_DIMENSIONS, "by must be one of utm_source, utm_medium, utm_campaign, referrer or form."),
  "utm_source",
);
const Format = v.optional(
  v.picklist(["json", "csv"], "format must be json or csv (or leave it out and send Accept: text/csv)."),
);
const Day = (name: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date as YYYY-MM-DD.`),
      v.check(isCalendarDay, `${name} must be a real calendar date.`),
      v.description("YYYY-MM-DD, a UTC day"),
    ),
  );

export const WebinarAttributionQuery = v.object({ by: By, format: Format });

export const AttributionQuery = v.pipe(
  v.object({ by: By, from: Day("from"), to: Day("to"), format: Format }),
  v.check((q) => !q.from || !q.to || q.from <= q.to, "to must be on or after from."),
);

export const AttributionGroup = v.object({
  key: v.pipe(
    v.string(),
    v.description(
      "The group: a UTM value (trimmed, lower case), a referrer host, or for `form` `form:<id>`, `handler:<id>`, `goto` (GoTo's registration page) or `unknown`; `(none)` when there is no value",
    ),
  ),
  label: v.pipe(v.string(), v.description("The group's name as the admin pages show it")),
  registered: v.number(),
  attended: v.number(),
  attendance_rate: v.pipe(
    v.nullable(v.number()),
    v.description("attended / registered in webinars that had ended; null when none had"),
  ),
  engaged: v.pipe(
    v.number(),
    v.description("Registered registrants who answered a poll or survey or asked a question"),
  ),
});

const Totals = v.object({
  registered: v.number(),
  attended: v.number(),
  attendance_rate: v.nullable(v.number()),
  engaged: v.number(),
});

export const WebinarAttribution = v.object({
  webinar_id: v.string(),
  by: v.picklist(ATTRIBUTION_DIMENSIONS),
  groups: v.array(AttributionGroup),
  totals: Totals,
  truncated: v.pipe(v.boolean(), v.description("True when only the 1,000 largest groups are given")),
});

export const RangeAttribution = v.object({
  from: v.string(),
  to: v.string(),
  by: v.picklist(ATTRIBUTION_DIMENSIONS),
  groups: v.array(AttributionGroup),
  totals: Totals,
  truncated: v.boolean(),
});
