import type { FC } from "hono/jsx";
import { percent } from "../../domain/report-shape";
import { BarChart } from "./bar-chart";
import type { ChartProps } from "./frame";

export interface RateRow {
  label: string;
  /** One share (0 to 1) per series, e.g. attendance rate and no-show rate. */
  rates: number[];
}

/**
 * Rates side by side per row (e.g. each webinar's attendance and no-show rates), on one 0–100 %
 * axis, each bar labelled with its percentage; the table beside it has the same figures.
 */
export const RateChart: FC<ChartProps & { rows: RateRow[]; series: string[]; rowHeading: string }> = (p) => (
  <BarChart
    id={p.id}
    title={p.title}
    desc={p.desc}
    series={p.series}
    groupHeading={p.rowHeading}
    max={1}
    empty={p.empty}
    groups={p.rows.map((r) => ({ label: r.label, values: r.rates, valueLabels: r.rates.map(percent) }))}
  />
);
