import { and, eq, inArray, sql } from "drizzle-orm";
import {
  type FunnelStep,
  funnel,
  minutesHistogram,
  type RegistrationTimeline,
  registrationTimeline,
  type ShapeGroup,
} from "../../domain/report-shape";
import type { Db } from "../client";
import { formHandlers, forms, registrationTallies } from "../schema";
import { isRegistered, tallyRegistered, type WebinarWithCounts } from "./reports";

/**
 * The webinar report's chart queries. The timeline and the histogram read the same tallies with
 * the same registered condition as `countsFor`, so the charts add up to the report's counts.
 */

/**
 * The webinar's registered registrations grouped by day (UTC), source, form and minutes band,
 * read from its tallies (the bands are MINUTE_BOUNDS; the triggers that keep the tallies use the same).
 */
export async function registrationShape(db: Db, webinarId: string): Promise<ShapeGroup[]> {
  const t = registrationTallies;
  const rows = await db
    .select({
      day: t.day,
      source: t.source,
      formId: t.formId,
      handlerId: t.handlerId,
      attended: t.attended,
      bucket: t.bucket,
      n: sql<number>`sum(${t.n})`,
    })
    .from(t)
    .where(and(eq(t.webinarId, webinarId), tallyRegistered, sql`${t.n} > 0`))
    .groupBy(t.day, t.source, t.formId, t.handlerId, t.attended, t.bucket);
  return rows.map((r) => ({
    day: r.day,
    source: r.source === "form" ? "form" : "gotowebinar",
    formId: r.formId || null,
    handlerId: r.handlerId || null,
    attended: r.attended === 1,
    bucket: r.attended === 1 ? r.bucket : null,
    n: r.n,
  }));
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
