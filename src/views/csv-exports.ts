import { type AttributionRow, attendanceRateOf } from "../db/queries/attribution";
import type { ProspectListItem } from "../db/queries/prospect-reports";
import type { RegistrantRow } from "../db/queries/reports";
import { type CsvColumn, type CsvFileName, csvFileName, spreadsheetTime } from "../lib/csv";
import type { ProspectFilterValues } from "./pages/admin/prospects";
import { REGISTRATION_LABEL } from "./pages/admin/webinar-parts";

/**
 * The columns of the admin exports, in the words of the pages: a marketer opens these in a
 * spreadsheet or imports them elsewhere. (The JSON API's CSV uses its field names instead.)
 */

const SOURCE_LABEL: Record<string, string> = {
  form: "Rollcall form",
  gotowebinar: "GoTo",
  manual: "Added by hand",
};

/** The prospects behind one of a webinar's counts. */
export const REGISTRANT_EXPORT: readonly CsvColumn<RegistrantRow>[] = [
  { header: "Email", value: (r) => r.email },
  { header: "First name", value: (r) => r.firstName },
  { header: "Last name", value: (r) => r.lastName },
  { header: "Company", value: (r) => r.company },
  { header: "Status", value: (r) => REGISTRATION_LABEL[r.status] ?? r.status },
  { header: "Attended", value: (r) => (r.attended ? "Yes" : "No") },
  { header: "Minutes attended", value: (r) => r.minutesAttended },
  { header: "Registered at (UTC)", value: (r) => spreadsheetTime(r.registeredAt) },
  { header: "Source", value: (r) => SOURCE_LABEL[r.source] ?? r.source },
  { header: "Score", value: (r) => r.score },
  { header: "Campaign", value: (r) => r.campaignName },
];

/** The prospect list, with its filters. */
export const PROSPECT_EXPORT: readonly CsvColumn<ProspectListItem>[] = [
  { header: "Email", value: (p) => p.email },
  { header: "First name", value: (p) => p.firstName },
  { header: "Last name", value: (p) => p.lastName },
  { header: "Company", value: (p) => p.company },
  { header: "Job title", value: (p) => p.jobTitle },
  { header: "Country", value: (p) => p.country },
  { header: "Score", value: (p) => p.score },
  { header: "Campaign", value: (p) => p.campaignName },
  { header: "Source", value: (p) => SOURCE_LABEL[p.source] ?? p.source },
  { header: "Created at (UTC)", value: (p) => spreadsheetTime(p.createdAt) },
  { header: "Merged emails", value: (p) => p.mergedEmails },
];

/** `prospects-vip-tag-webinar-score-from-20-2026-12-01.csv`: the filters that made the file, and the day. */
export function prospectExportName(
  filters: ProspectFilterValues,
  names: { list?: string | undefined; campaign?: string | undefined },
  now: Date,
): CsvFileName {
  const { min_score: min, max_score: max } = filters;
  const score = min && max ? `score ${min} to ${max}` : min ? `score from ${min}` : max ? `score up to ${max}` : "";
  return csvFileName([
    "prospects",
    names.list ?? "",
    filters.tag ? `tag ${filters.tag}` : "",
    names.campaign ?? "",
    score,
    filters.q ? `matching ${filters.q}` : "",
    now.toISOString().slice(0, 10),
  ]);
}

/** Where registrants came from, by one dimension: one line per source, form or referrer host. */
export function attributionExport(dimensionLabel: string): readonly CsvColumn<AttributionRow>[] {
  const rate = (r: AttributionRow) => {
    const value = attendanceRateOf(r);
    return value === null ? null : Math.round(value * 10_000) / 10_000;
  };
  return [
    { header: dimensionLabel, value: (r) => r.label },
    { header: "Registered", value: (r) => r.registered },
    { header: "Attended", value: (r) => r.attended },
    { header: "Attendance rate", value: rate },
    { header: "Engaged", value: (r) => r.engaged },
  ];
}
