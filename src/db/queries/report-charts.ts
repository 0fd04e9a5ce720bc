import { and, eq, inArray, sql } from "drizzle-orm";
import {
  type FunnelStep,
  funnel,
  MINUTE_BOUNDS,
  minutesHistogram,
  type RegistrationTimeline,
  registrationTimeline,
  type ShapeGroup,
} from "../../domain/report-shape";
import type { Db } from "../client";
import { formHandlers, forms, registrations } from "../schema";
import { isRegistered, type WebinarWithCounts } from "./reports";

/**
 * The webinar report's chart queries. Each counts the same rows as `countsFor` (the same
 * `isRegistered` condition), so the charts add up to the report's counts.
 */

const bucket = sql.raw(
  `CASE ${MINUTE_BOUNDS.slice(1)
    .map((bound, i) => `WHEN minutes_attended < ${bound} THEN ${i}`)
    .join(" ")} ELSE ${MINUTE_BOUNDS.length - 1} END`,
);

/**
 * The webinar's registered registrations grouped by day (UTC), source, form and minutes bucket:
 * one scan of the webinar/status index, which holds every column read here.
 */
export async function registrationShape(db: Db, webinarId: string): Promise<ShapeGroup[]> {
  const rows = await db
    .select({
      day: sql<string>`substr(${registrations.registeredAt}, 1, 10)`,
      source: registrations.source,
      formId: registrations.formId,
      handlerId: registrations.handlerId,
      attended: sql<number>`${registrations.attended}`,
      bucket: sql<number | null>`CASE WHEN ${registrations.attended} = 1 THEN ${bucket} END`,
      n: sql<number>`count(*)`,
    })
    .from(registrations)
    .where(and(eq(registrations.webinarId, webinarId), isRegistered))
    .groupBy(sql`1, 2, 3, 4, 5, 6`);
  return rows.map((r) => ({ ...r, attended: r.attended === 1 }));
}

/** Names of the forms and form handlers in the groups, keyed as the timeline keys its series. */
export async function sourceNames(db: Db, groups: readonly ShapeGroup[]): Promise<Map<string, string>> {
  const formIds = [...new Set(groups.flatMap((g) => (g.formId ? [g.formId] : [])))];
  const handlerIds = [...new Set(groups.flatMap((g) => (g.handlerId && !g.formId ? [g.handlerId] : [])))];
  const names = new Map<string, string>();
  if (formIds.length > 0) {
    for (const f of await db.select({ id: forms.id, name: forms.name }).from(forms).where(inArray(forms.id, formIds))) {
      names.set(`form:${f.id}`, f.name);
    }
  }
  if (handlerIds.length > 0) {
    const rows = await db
      .select({ id: formHandlers.id, name: formHandlers.name })
      .from(formHandlers)
      .where(inArray(formHandlers.id, handlerIds));
    for (const h of rows) names.set(`handler:${h.id}`, h.name);
  }
  return names;
}

/**
 * Engaged registrants per webinar: registered registrations whose prospect has at least one
 * engagement row (poll, survey, question) for the webinar. Driven from the engagements, which are
 * far fewer than the registrations, through the webinar/prospect index of each.
 */
export async function engagedCounts(db: Db, webinarIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(webinarIds.map((id) => [id, 0]));
  for (let i = 0; i < webinarIds.length; i += 90) {
    const chunk = webinarIds.slice(i, i + 90);
    const rows = await db.all<{ webinar_id: string; n: number }>(sql`
      SELECT e.webinar_id, count(*) AS n
      FROM (SELECT DISTINCT webinar_id, prospect_id FROM engagements
            WHERE webinar_id IN (SELECT value FROM json_each(${JSON.stringify(chunk)}))) e
      JOIN registrations ON registrations.prospect_id = e.prospect_id AND registrations.webinar_id = e.webinar_id
      WHERE ${isRegistered}
      GROUP BY e.webinar_id`);
    for (const r of rows) out.set(r.webinar_id, r.n);
  }
  return out;
}

export interface WebinarCharts {
  timeline: RegistrationTimeline;
  funnel: FunnelStep[];
  minutes: { label: string; n: number }[];
  engaged: number;
}

/**
 * The webinar page's charts: the funnel from the report's own counts (`countsFor`, as the cards
 * and the JSON API show them) and the engaged count; the timeline and the histogram from one
 * grouped scan, whose totals are the registered and the attended counts.
 */
export async function webinarCharts(db: Db, webinar: WebinarWithCounts): Promise<WebinarCharts> {
  const [groups, engaged] = await Promise.all([registrationShape(db, webinar.id), engagedCounts(db, [webinar.id])]);
  const names = await sourceNames(db, groups);
  const n = engaged.get(webinar.id) ?? 0;
  return {
    timeline: registrationTimeline(groups, names),
    funnel: funnel({ ...webinar.counts, engaged: n }),
    minutes: minutesHistogram(groups),
    engaged: n,
  };
}
