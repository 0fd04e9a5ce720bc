import type { FC } from "hono/jsx";
import {
  axisMax,
  ChartFigure,
  type ChartProps,
  ChartTable,
  clip,
  colour,
  dash,
  formatCount,
  GRID,
  INK,
  MUTED_INK,
  WIDTH,
} from "./frame";

export interface LineSeries {
  label: string;
  /** One value per x position. */
  values: number[];
}

export interface LineChartProps extends ChartProps {
  /** The x positions' labels (e.g. days), left to right. */
  xs: string[];
  series: LineSeries[];
  /** Drawn thicker and in ink, after the series (e.g. all sources together). */
  total?: LineSeries;
  /** The table's first column heading. */
  xHeading: string;
  /** A shorter form of an x label for the axis (e.g. "Nov 3" for a date). */
  shortX?: (x: string) => string;
}

const PLOT_H = 170;
const TOP = 14;
const LEFT = 44;
const RIGHT = 10;
const LEGEND_ROW = 21;

/** Lines over the x positions, a legend of line samples under the axis, the numbers as a table. */
export const LineChart: FC<LineChartProps> = (p) => {
  const all = p.total ? [...p.series, p.total] : p.series;
  const max = axisMax(all.flatMap((s) => s.values));
  const plotW = WIDTH - LEFT - RIGHT;
  const n = p.xs.length;
  const xAt = (i: number): number => LEFT + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const yAt = (v: number): number => TOP + PLOT_H - (v / max) * PLOT_H;
  const base = TOP + PLOT_H;
  const short = p.shortX ?? ((x: string) => x);
  const legendTop = base + 34;
  const height = legendTop + all.length * LEGEND_ROW + 4;
  const path = (values: number[]): string =>
    values.map((v, i) => `${i === 0 ? "M" : "L"}${xAt(i).toFixed(1)} ${yAt(v).toFixed(1)}`).join(" ");
  const ticks = [0, max / 2, max];
  const xTicks = n <= 1 ? [0] : n === 2 ? [0, 1] : [0, Math.floor((n - 1) / 2), n - 1];
  const line = (s: LineSeries, i: number, isTotal: boolean) => {
    const stroke = isTotal ? INK : colour(i);
    const width = isTotal ? 3 : 2;
    const last = s.values.at(-1) ?? 0;
    return (
      <g class="chart-series" data-series={s.label} data-total={last}>
        {n === 1 ? (
          <circle cx={xAt(0)} cy={yAt(last)} r="4" fill={stroke} />
        ) : (
          <path
            d={path(s.values)}
            fill="none"
            stroke={stroke}
            stroke-width={width}
            stroke-dasharray={isTotal ? undefined : dash(i)}
          />
        )}
        <title>{`${s.label}: ${formatCount(last)}`}</title>
      </g>
    );
  };
  const svg = (
    <>
      {ticks.map((t) => (
        <>
          <line x1={LEFT} y1={yAt(t)} x2={WIDTH - RIGHT} y2={yAt(t)} stroke={t === 0 ? MUTED_INK : GRID} />
          <text x={LEFT - 6} y={yAt(t) + 4} text-anchor="end" font-size="12" fill={MUTED_INK}>
            {formatCount(Math.round(t))}
          </text>
        </>
      ))}
      {xTicks.map((i) => (
        <text
          x={xAt(i)}
          y={base + 18}
          text-anchor={n <= 1 ? "middle" : i === 0 ? "start" : i === n - 1 ? "end" : "middle"}
          font-size="13"
          fill={MUTED_INK}
        >
          {short(p.xs[i] ?? "")}
        </text>
      ))}
      {p.series.map((s, i) => line(s, i, false))}
      {p.total && line(p.total, 0, true)}
      <g class="chart-legend">
        {all.map((s, i) => {
          const isTotal = p.total !== undefined && i === all.length - 1;
          const y = legendTop + i * LEGEND_ROW;
          return (
            <>
              <line
                x1="0"
                y1={y - 4}
                x2="28"
                y2={y - 4}
                stroke={isTotal ? INK : colour(i)}
                stroke-width={isTotal ? 3 : 2}
                stroke-dasharray={isTotal ? undefined : dash(i)}
              />
              <text x="36" y={y}>
                {clip(s.label, 40)}: {formatCount(s.values.at(-1) ?? 0)}
              </text>
            </>
          );
        })}
      </g>
    </>
  );
  const table = (
    <ChartTable
      title={p.title}
      heading={p.xHeading}
      columns={all.map((s) => s.label)}
      rows={p.xs.map((x, i) => ({
        label: x,
        cells: all.map((s) => ({ text: formatCount(s.values[i] ?? 0), value: s.values[i] ?? 0, series: s.label })),
      }))}
    />
  );
  return <ChartFigure chart={p} isEmpty={n === 0} width={WIDTH} height={height} svg={svg} table={table} stacked />;
};
