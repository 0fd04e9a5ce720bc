import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";

/**
 * Where registrants came from: per webinar or across the webinars starting in a date range, the
 * registered registrants (as `countsFor` in reports.ts counts them), how many attended and how many
 * engaged (at least one `engagements` row for the webinar), grouped by one dimension:
 *
 * - utm_source, utm_medium, utm_campaign: the registration's UTM value, trimmed and lower-cased
 *   (`Newsletter` and `newsletter ` are one source); none or empty is "(none)". Registrations
 *   made on GoTo's own registration page carry no UTM, so they are "(none)" too.
 * - referrer: the host of the registration's referrer (lower-cased, without `www.` and port);
 *   none is "(none)".
 * - form: the Rollcall form or form handler whose submission made the registration (its
 *   `form_id` / `handler_id`), or GoTo's
 *   registration page; a form registration whose submission is not known is "(unknown form)", one
 *   whose form was deleted since "(deleted form)".
 *
 * The sums over the groups are the webinar's registered and attended counts.
 */

export const ATTRIBUTION_DIMENSIONS = ["utm_source", "utm_medium", "utm_campaign", "referrer", "form"] as const;
export type AttributionDimension = (typeof ATTRIBUTION_DIMENSIONS)[number];

export const NONE = "(none)";
export const UNKNOWN_FORM = "(unknown form)";
export const DELETED_FORM = "(deleted form)";
export const GOTO_PAGE = "GoTo registration page";

/** At most this many groups; the rest are cut (`truncated`), largest groups first. */
export const MAX_GROUPS = 1000;

export interface AttributionRow {
  /** What the group is: the UTM value, the host, or `form:<id>`, `handler:<id>`, `goto`, `unknown`. */
  key: string;
  /** How the page names it. */
  label: string;
  registered: number;
  /** Registered in webinars that had ended when asked: the base of the attendance rate. */
  registeredEnded: number;
  attended: number;
  engaged: number;
}

export interface Attribution {
  by: AttributionDimension;
  rows: AttributionRow[];
  totals: Omit<AttributionRow, "key" | "label">;
  truncated: boolean;
}

export function attendanceRateOf(row: { registeredEnded: number; attended: number }): number | null {
  return row.registeredEnded === 0 ? null : row.attended / row.registeredEnded;
}

const isRegistered = sql`(r.status IN ('registered', 'waiting', 'approved') OR r.attended = 1)`;

function utmKey(field: string): SQL {
  const value = sql`lower(trim(CASE WHEN json_valid(r.utm) THEN json_extract(r.utm, ${`$.${field}`}) END))`;
  return sql`coalesce(nullif(${value}, ''), ${NONE})`;
}

/**
 * The host of `r.referrer`: after the scheme, before the first `/`, `?`, `#` or `:` (port), without
 * a leading `www.`. Written with literals and one level of `replace` per separator, so the
 * expression grows linearly and binds no parameters.
 */
function referrerHost(): SQL {
  const ref = "lower(trim(r.referrer))";
  const rest = `(CASE WHEN instr(${ref}, '://') > 0 THEN substr(${ref}, instr(${ref}, '://') + 3) ELSE ${ref} END)`;
  const cuts = `replace(replace(replace(${rest}, '?', '/'), '#', '/'), ':', '/')`;
  const host = `substr(${cuts}, 1, instr(${cuts} || '/', '/') - 1)`;
  const bare = `(CASE WHEN substr(${host}, 1, 4) = 'www.' THEN substr(${host}, 5) ELSE ${host} END)`;
  return sql.raw(`coalesce(nullif(${bare}, ''), '${NONE}')`);
}

/** The group of a registration and its name (null: the group is its own name). */
function dimension(by: AttributionDimension): { key: SQL; label: SQL; joins: SQL } {
  if (by === "referrer") return { key: referrerHost(), label: sql`NULL`, joins: sql`` };
  if (by === "form") {
    return {
      key: sql`CASE WHEN r.source = 'gotowebinar' THEN 'goto'
                    WHEN r.form_id IS NOT NULL THEN 'form:' || r.form_id
                    WHEN r.handler_id IS NOT NULL THEN 'handler:' || r.handler_id
                    ELSE 'unknown' END`,
      label: sql`CASE WHEN r.source = 'gotowebinar' THEN ${GOTO_PAGE}
                      WHEN f.id IS NOT NULL THEN f.name
                      WHEN h.id IS NOT NULL THEN h.name || ' (form handler)'
                      WHEN r.form_id IS NOT NULL OR r.handler_id IS NOT NULL THEN ${DELETED_FORM}
                      ELSE ${UNKNOWN_FORM} END`,
      joins: sql`LEFT JOIN forms f ON f.id = r.form_id
                 LEFT JOIN form_handlers h ON h.id = r.handler_id`,
    };
  }
  return { key: utmKey(by), label: sql`NULL`, joins: sql`` };
}

/** Which registrations: one webinar's, or those of the scheduled webinars starting in [from, to). */
export type AttributionScope = { webinarId: string } | { from: string; to: string };

export async function attribution(
  db: Db,
  opts: { by: AttributionDimension; scope: AttributionScope; now: string },
): Promise<Attribution> {
  const { key, label, joins } = dimension(opts.by);
  const scope =
    "webinarId" in opts.scope
      ? sql`FROM registrations r JOIN webinars w ON w.id = r.webinar_id ${joins}
            WHERE r.webinar_id = ${opts.scope.webinarId}`
      : sql`FROM webinars w JOIN registrations r ON r.webinar_id = w.id ${joins}
            WHERE w.starts_at >= ${opts.scope.from} AND w.starts_at < ${opts.scope.to} AND w.status = 'scheduled'`;
  const ended = sql`(w.status = 'scheduled' AND w.ends_at <= ${opts.now})`;
  const engaged = sql`EXISTS (SELECT 1 FROM engagements e WHERE e.prospect_id = r.prospect_id AND e.webinar_id = r.webinar_id)`;
  const rows = await db.all<{
    group_key: string;
    group_label: string | null;
    registered: number;
    registeredEnded: number;
    attended: number;
    engaged: number;
  }>(sql`
    SELECT group_key, max(group_label) AS group_label, count(*) AS registered,
           sum(ended) AS registeredEnded, sum(attended) AS attended, sum(engaged) AS engaged
    FROM (
      SELECT ${key} AS group_key, ${label} AS group_label, r.attended AS attended,
             CASE WHEN ${ended} THEN 1 ELSE 0 END AS ended, CASE WHEN ${engaged} THEN 1 ELSE 0 END AS engaged
      ${scope} AND ${isRegistered}
    )
    GROUP BY group_key
    ORDER BY registered DESC, group_key ASC
    LIMIT ${MAX_GROUPS + 1}`);
  const kept = rows.slice(0, MAX_GROUPS).map(({ group_key, group_label, ...counts }) => ({
    key: group_key,
    label: group_label ?? group_key,
    ...counts,
  }));
  const totals = { registered: 0, registeredEnded: 0, attended: 0, engaged: 0 };
  for (const r of kept) {
    totals.registered += r.registered;
    totals.registeredEnded += r.registeredEnded;
    totals.attended += r.attended;
    totals.engaged += r.engaged;
  }
  return { by: opts.by, rows: kept, totals, truncated: rows.length > MAX_GROUPS };
}
