import type { FC } from "hono/jsx";
import {
  axisMax,
  ChartFigure,
  type ChartProps,
  ChartTable,
  colour,
  fillOf,
  formatCount,
  GRID,
  MUTED_INK,
  Patterns,
  WIDTH,
} from "./frame";

export interface ColumnChartProps extends ChartProps {
  /** One column per bin, left to right: its short label under the axis and its count. */
  bins: { label: string; n: number }[];
  /** Under the axis, e.g. "Minutes attended". */
  axisLabel: string;
  /** The table's headings: the bin and the count. */
  headings: [string, string];
}

const HEIGHT = 220;
const LEFT = 8;
const TOP = 18;
const BOTTOM = 44;

/** Vertical columns touching each other (a histogram), each with its count on top. */
export const ColumnChart: FC<ColumnChartProps> = (p) => {
  const max = axisMax(p.bins.map((b) => b.n));
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT * 2) / Math.max(1, p.bins.length);
  const base = TOP + plotH;
  const svg = (
    <>
      <Patterns chartId={p.id} count={1} />
      <line x1={LEFT} y1={base} x2={WIDTH - LEFT} y2={base} stroke={MUTED_INK} />
      <line x1={LEFT} y1={TOP} x2={WIDTH - LEFT} y2={TOP} stroke={GRID} stroke-dasharray="3 3" />
      <text x={WIDTH - LEFT} y={TOP - 4} text-anchor="end" fill={MUTED_INK} font-size="12">
        {formatCount(max)}
      </text>
      {p.bins.map((b, i) => {
        const h = (b.n / max) * plotH;
        const x = LEFT + i * slot;
        return (
          <g class="chart-bin" data-label={b.label}>
            <rect
              x={(x + 1).toFixed(1)}
              y={(base - h).toFixed(1)}
              width={(slot - 2).toFixed(1)}
              height={h.toFixed(1)}
              fill={fillOf(p.id, 0)}
              stroke={colour(0)}
              data-value={b.n}
            >
              <title>{`${b.label}: ${formatCount(b.n)}`}</title>
            </rect>
            <text x={(x + slot / 2).toFixed(1)} y={(base - h - 4).toFixed(1)} text-anchor="middle" font-size="13">
              {formatCount(b.n)}
            </text>
            <text x={(x + slot / 2).toFixed(1)} y={base + 17} text-anchor="middle" font-size="13" fill={MUTED_INK}>
              {b.label}
            </text>
          </g>
        );
      })}
      <text x={WIDTH / 2} y={HEIGHT - 8} text-anchor="middle" fill={MUTED_INK}>
        {p.axisLabel}
      </text>
    </>
  );
  const table = (
    <ChartTable
      title={p.title}
      heading={p.headings[0]}
      columns={[p.headings[1]]}
      rows={p.bins.map((b) => ({ label: b.label, cells: [{ text: formatCount(b.n), value: b.n }] }))}
    />
  );
  const isEmpty = p.bins.every((b) => b.n === 0);
  return <ChartFigure chart={p} isEmpty={isEmpty} width={WIDTH} height={HEIGHT} svg={svg} table={table} />;
};
