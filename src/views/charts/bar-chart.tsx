import type { FC } from "hono/jsx";
import {
  axisMax,
  ChartFigure,
  type ChartProps,
  ChartTable,
  clip,
  colour,
  fillOf,
  formatCount,
  GRID,
  MUTED_INK,
  Patterns,
  WIDTH,
} from "./frame";

export interface BarGroup {
  label: string;
  /** One value per series. */
  values: number[];
  /** Written at the end of each bar and in the table; the value itself when absent. */
  valueLabels?: string[];
}

export interface BarChartProps extends ChartProps {
  groups: BarGroup[];
  /** The series' names (a legend when there are two or more; the table's column headings). */
  series: string[];
  /** The axis end; by default a round figure above the largest value. */
  max?: number;
  /** The table's first column heading. */
  groupHeading: string;
  /** Extra table columns after the values, one cell per group each. */
  extraColumns?: { heading: string; cells: string[] }[];
}

/** A group label longer than this is cut with an ellipsis: at 14 px bold it still fits the 400-unit width (the table beside the chart keeps it whole). */
const LABEL_CHARS = 40;
const BAR = 18;
const GAP = 4;
const LABEL = 20;
const GROUP_GAP = 12;
const VALUE_ROOM = 96;

/**
 * Horizontal bars, grouped: each group's label above its bars, one bar per series with its value
 * written beside it. Reusable for counts (the funnel) and for rates across webinars (max 1, the
 * labels as percentages).
 */
export const BarChart: FC<BarChartProps> = (p) => {
  const multi = p.series.length > 1;
  const legendHeight = multi ? 22 : 0;
  const groupHeight = LABEL + p.series.length * (BAR + GAP) + GROUP_GAP;
  const height = legendHeight + p.groups.length * groupHeight + 4;
  const max = p.max ?? axisMax(p.groups.flatMap((g) => g.values));
  const plot = WIDTH - VALUE_ROOM;
  const label = (g: BarGroup, s: number): string => g.valueLabels?.[s] ?? formatCount(g.values[s] ?? 0);
  const svg = (
    <>
      <Patterns chartId={p.id} count={p.series.length} />
      {multi && (
        <g class="chart-legend">
          {p.series.map((name, s) => {
            const x = s * (WIDTH / p.series.length);
            return (
              <>
                <rect x={x} y="4" width="14" height="12" fill={fillOf(p.id, s)} stroke={colour(s)} />
                <text x={x + 20} y="14">
                  {clip(name, 26)}
                </text>
              </>
            );
          })}
        </g>
      )}
      {p.groups.map((g, gi) => {
        const top = legendHeight + gi * groupHeight;
        return (
          <g class="chart-group" data-label={g.label}>
            <text x="0" y={top + 15} font-weight="600">
              {clip(g.label, LABEL_CHARS)}
            </text>
            {p.series.map((name, s) => {
              const value = g.values[s] ?? 0;
              const w = max > 0 ? Math.max(0, Math.min(1, value / max)) * plot : 0;
              const y = top + LABEL + s * (BAR + GAP);
              return (
                <>
                  <rect x="0" y={y} width={plot} height={BAR} fill="none" stroke={GRID} />
                  <rect
                    x="0"
                    y={y}
                    width={w.toFixed(1)}
                    height={BAR}
                    fill={fillOf(p.id, s)}
                    stroke={colour(s)}
                    data-series={name}
                    data-value={value}
                  >
                    <title>{`${g.label}, ${name}: ${label(g, s)}`}</title>
                  </rect>
                  <text x={plot + 6} y={y + 14} fill={MUTED_INK}>
                    {label(g, s)}
                  </text>
                </>
              );
            })}
          </g>
        );
      })}
    </>
  );
  const table = (
    <ChartTable
      title={p.title}
      heading={p.groupHeading}
      columns={[...p.series, ...(p.extraColumns?.map((c) => c.heading) ?? [])]}
      rows={p.groups.map((g, gi) => ({
        label: g.label,
        cells: [
          ...p.series.map((_, s) => ({ text: label(g, s), value: g.values[s] ?? 0 })),
          ...(p.extraColumns?.map((c) => ({ text: c.cells[gi] ?? "" })) ?? []),
        ],
      }))}
    />
  );
  return (
    <ChartFigure chart={p} isEmpty={p.groups.length === 0} width={WIDTH} height={height} svg={svg} table={table} />
  );
};
