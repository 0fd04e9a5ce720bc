import type { EngagedRow } from "../db/queries/engagement-report";
import type { CsvColumn } from "../lib/csv";

/** The prospects behind one of a webinar's engagement figures, as a spreadsheet reads them. */
export const ENGAGED_EXPORT: readonly CsvColumn<EngagedRow>[] = [
  { header: "Email", value: (r) => r.email },
  { header: "First name", value: (r) => r.firstName },
  { header: "Last name", value: (r) => r.lastName },
  { header: "Company", value: (r) => r.company },
  { header: "Score", value: (r) => r.score },
  { header: "Detail", value: (r) => r.detail },
];
