/**
 * The webinar report's charts as numbers: cumulative registrations per source and day, the
 * funnel and the minutes-attended histogram, built from the grouped rows of one query. Pure, so
 * the page, its tables and the tests read the same figures.
 */

/** Lower bounds of the minutes-attended buckets; the last bucket is open-ended. */
export const MINUTE_BOUNDS = [0, 15, 30, 45, 60, 90, 120] as const;

export function minuteBucketLabel(i: number): string {
  const lo = MINUTE_BOUNDS[i] ?? 0;
  const hi = MINUTE_BOUNDS[i + 1];
  return hi === undefined ? `${lo}+ min` : `${lo}–${hi - 1} min`;
}

/** One group of registered registrations: a day (UTC), where they came from, and attendance. */
export interface ShapeGroup {
  day: string;
  source: "form" | "gotowebinar";
  formId: string | null;
  handlerId: string | null;
  attended: boolean;
  /** Index into MINUTE_BOUNDS, for attended groups; null otherwise. */
  bucket: number | null;
  n: number;
}

export interface SourceSeries {
  key: string;
  label: string;
  /** Cumulative registrations at the end of each day of `days`. */
  cumulative: number[];
  total: number;
}

export interface RegistrationTimeline {
  days: string[];
  series: SourceSeries[];
  /** Cumulative registrations of all sources together, per day. */
  total: number[];
}

export const GOTO_PAGE_LABEL = "GoTo's registration page";

function sourceKey(g: ShapeGroup): string {
  if (g.source === "gotowebinar") return "goto";
  if (g.formId) return `form:${g.formId}`;
  if (g.handlerId) return `handler:${g.handlerId}`;
  return "form:unknown";
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Every day from the first registration to the last (at most `maxDays`, the latest kept). */
export function registrationTimeline(
  groups: readonly ShapeGroup[],
  names: ReadonlyMap<string, string>,
  maxDays = 366,
): RegistrationTimeline {
  const perKey = new Map<string, Map<string, number>>();
  let first: string | null = null;
  let last: string | null = null;
  for (const g of groups) {
    const key = sourceKey(g);
    const byDay = perKey.get(key) ?? new Map<string, number>();
    byDay.set(g.day, (byDay.get(g.day) ?? 0) + g.n);
    perKey.set(key, byDay);
    if (first === null || g.day < first) first = g.day;
    if (last === null || g.day > last) last = g.day;
  }
  if (first === null || last === null) return { days: [], series: [], total: [] };
  const all: string[] = [];
  for (let d = first; d <= last; d = nextDay(d)) all.push(d);
  const days = all.slice(-maxDays);
  const firstShown = days[0] ?? first;
  const series: SourceSeries[] = [];
  for (const [key, byDay] of perKey) {
    let running = 0;
    for (const [day, n] of byDay) if (day < firstShown) running += n;
    const cumulative = days.map((d) => {
      running += byDay.get(d) ?? 0;
      return running;
    });
    const label =
      key === "goto"
        ? GOTO_PAGE_LABEL
        : (names.get(key) ?? (key === "form:unknown" ? "Rollcall form" : "A deleted form"));
    series.push({ key, label, cumulative, total: running });
  }
  // GoTo's page last, forms by size: the order of the legend, the table columns and the colours.
  series.sort((a, b) =>
    a.key === "goto" ? 1 : b.key === "goto" ? -1 : b.total - a.total || a.label.localeCompare(b.label),
  );
  const total = days.map((_, i) => series.reduce((sum, s) => sum + (s.cumulative[i] ?? 0), 0));
  return { days, series, total };
}

/** Attended registrations per minutes bucket; the buckets add up to the attended count. */
export function minutesHistogram(groups: readonly ShapeGroup[]): { label: string; n: number }[] {
  const counts = MINUTE_BOUNDS.map(() => 0);
  for (const g of groups) {
    if (g.attended && g.bucket !== null) counts[g.bucket] = (counts[g.bucket] ?? 0) + g.n;
  }
  return counts.map((n, i) => ({ label: minuteBucketLabel(i), n }));
}

export interface FunnelStep {
  label: string;
  n: number;
  /** Share of the registered, 0 to 1 (0 when nobody registered). */
  ofRegistered: number;
  /** Share of the step before, 0 to 1 (1 for the first step). */
  ofPrevious: number;
}

export function funnel(counts: {
  registered: number;
  accepted: number;
  attended: number;
  engaged: number;
}): FunnelStep[] {
  const steps: [string, number][] = [
    ["Registered", counts.registered],
    ["Accepted", counts.accepted],
    ["Attended", counts.attended],
    ["Engaged", counts.engaged],
  ];
  return steps.map(([label, n], i) => {
    const previous = i === 0 ? n : (steps[i - 1]?.[1] ?? 0);
    return {
      label,
      n,
      ofRegistered: counts.registered > 0 ? n / counts.registered : 0,
      ofPrevious: i === 0 ? 1 : previous > 0 ? n / previous : 0,
    };
  });
}

export function percent(share: number | null): string {
  return share === null ? "–" : `${Math.round(share * 1000) / 10}%`;
}
