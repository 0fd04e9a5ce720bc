import type { Child, FC } from "hono/jsx";

/**
 * Shared parts of the server-drawn SVG charts. Colours are the Okabe-Ito palette (told apart
 * with the common colour blindnesses); every series also has its own fill pattern or dash, so
 * a grey print keeps them apart. Only presentation attributes, never `style`: the pages' CSP
 * refuses inline styles.
 */
export const PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#000000",
  "#F0E442",
] as const;
export const INK = "#1d2433";
export const MUTED_INK = "#5d6679";
export const GRID = "#dfe3ec";

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length] ?? INK;
}

/** Line dashes, one per series (the first solid). */
const DASHES = ["", "7 3", "2 3", "9 3 2 3", "4 4", "1 2"] as const;
export function dash(i: number): string | undefined {
  return DASHES[i % DASHES.length] || undefined;
}

export type PatternKind = "solid" | "hatch" | "dots" | "cross" | "back";
const PATTERN_KINDS: readonly PatternKind[] = ["solid", "hatch", "dots", "cross", "back"];
export function patternOf(i: number): PatternKind {
  return PATTERN_KINDS[i % PATTERN_KINDS.length] ?? "solid";
}

/** The fill of series `i` in chart `chartId`: a plain colour, or a pattern over it. */
export function fillOf(chartId: string, i: number): string {
  return patternOf(i) === "solid" ? colour(i) : `url(#${chartId}-p${i})`;
}

/** The `<pattern>` definitions for series 0 to n - 1 of one chart (ids are the chart's own). */
export const Patterns: FC<{ chartId: string; count: number }> = ({ chartId, count }) => (
  <defs>
    {Array.from({ length: count }, (_, i) => {
      const kind = patternOf(i);
      if (kind === "solid") return null;
      const c = colour(i);
      return (
        <pattern id={`${chartId}-p${i}`} width="6" height="6" patternUnits="userSpaceOnUse">
          <rect width="6" height="6" fill={c} fill-opacity="0.35" />
          {kind === "hatch" && <path d="M0 6 L6 0 M-1 1 L1 -1 M5 7 L7 5" stroke={c} stroke-width="1.6" />}
          {kind === "back" && <path d="M0 0 L6 6 M5 -1 L7 1 M-1 5 L1 7" stroke={c} stroke-width="1.6" />}
          {kind === "dots" && <circle cx="3" cy="3" r="1.6" fill={c} />}
          {kind === "cross" && <path d="M3 0 V6 M0 3 H6" stroke={c} stroke-width="1.4" />}
        </pattern>
      );
    })}
  </defs>
);

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Rounds up to 1, 2 or 5 times a power of ten, so the axis ends on a readable figure. */
function niceMax(n: number): number {
  if (n <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

/** The axis end for these values: a round figure at or above the largest (1 when all are 0). */
export function axisMax(values: readonly number[]): number {
  return niceMax(Math.max(0, ...values));
}

/** Every chart's drawing width in SVG units; the viewBox scales it to the page. */
export const WIDTH = 400;

/** Cuts a label drawn in the SVG (the table beside it has the whole of it). */
export function clip(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

export interface ChartProps {
  /** A page-unique id: the SVG's title, description and pattern ids hang off it. */
  id: string;
  title: string;
  /** What the chart shows, in a sentence or two, for screen readers (the SVG's `<desc>`). */
  desc: string;
  /** Shown instead of the chart when there is nothing to draw (a general sentence by default). */
  empty?: string | undefined;
}

/** One row of a chart's table: its heading cell, then one figure per column. */
export interface TableRow {
  label: string;
  cells: { text: string; value?: number | undefined; series?: string | undefined }[];
}

/** A chart's numbers as a table: the first column names the row, the others are figures. */
export const ChartTable: FC<{ title: string; heading: string; columns: string[]; rows: TableRow[] }> = (p) => (
  <table>
    <caption class="visually-hidden">{p.title}</caption>
    <thead>
      <tr>
        <th scope="col">{p.heading}</th>
        {p.columns.map((c) => (
          <th scope="col" class="num">
            {c}
          </th>
        ))}
      </tr>
    </thead>
    <tbody>
      {p.rows.map((r) => (
        <tr>
          <th scope="row">{r.label}</th>
          {r.cells.map((c) => (
            <td class="num" data-series={c.series} data-value={c.value}>
              {c.text}
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  </table>
);

/**
 * A chart with its heading and its numbers as a table beside it; when `isEmpty`, the chart's
 * empty message (or a general one) instead.
 */
export const ChartFigure: FC<{
  chart: ChartProps;
  isEmpty: boolean;
  width: number;
  height: number;
  svg: Child;
  table: Child;
  /** The table under the chart rather than beside it (a wide table). */
  stacked?: boolean | undefined;
}> = ({ chart: c, ...p }) => (
  <figure class={p.stacked ? "chart stacked" : "chart"} id={c.id} aria-labelledby={`${c.id}-heading`}>
    <h3 class="chart-title" id={`${c.id}-heading`}>
      {c.title}
    </h3>
    {p.isEmpty ? (
      <p class="muted">{c.empty ?? "Nothing to show yet."}</p>
    ) : (
      <div class="chart-body">
        <svg
          class="chart-svg"
          viewBox={`0 0 ${p.width} ${p.height}`}
          role="img"
          aria-labelledby={`${c.id}-title ${c.id}-desc`}
          font-family="system-ui, sans-serif"
          font-size="14"
          fill={INK}
        >
          <title id={`${c.id}-title`}>{c.title}</title>
          <desc id={`${c.id}-desc`}>{c.desc}</desc>
          {p.svg}
        </svg>
        {/* A scrolling region a keyboard can reach, named for screen readers. */}
        <section class="chart-table table-wrap" tabindex={0} aria-label={`${c.title}: the numbers`}>
          {p.table}
        </section>
      </div>
    )}
  </figure>
);
