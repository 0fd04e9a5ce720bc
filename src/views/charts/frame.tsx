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
export function niceMax(n: number): number {
  if (n <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

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
}

/** A chart with its heading and its numbers as a table beside it. */
export const ChartFigure: FC<
  ChartProps & {
    width: number;
    height: number;
    svg: Child;
    table: Child;
    empty?: string | undefined;
    /** The table under the chart rather than beside it (a wide table). */
    stacked?: boolean | undefined;
  }
> = (p) => (
  <figure class={p.stacked ? "chart stacked" : "chart"} id={p.id} aria-labelledby={`${p.id}-heading`}>
    <h3 class="chart-title" id={`${p.id}-heading`}>
      {p.title}
    </h3>
    {p.empty ? (
      <p class="muted">{p.empty}</p>
    ) : (
      <div class="chart-body">
        <svg
          class="chart-svg"
          viewBox={`0 0 ${p.width} ${p.height}`}
          role="img"
          aria-labelledby={`${p.id}-title ${p.id}-desc`}
          font-family="system-ui, sans-serif"
          font-size="14"
          fill={INK}
        >
          <title id={`${p.id}-title`}>{p.title}</title>
          <desc id={`${p.id}-desc`}>{p.desc}</desc>
          {p.svg}
        </svg>
        {/* A scrolling region a keyboard can reach, named for screen readers. */}
        <section class="chart-table table-wrap" tabindex={0} aria-label={`${p.title}: the numbers`}>
          {p.table}
        </section>
      </div>
    )}
  </figure>
);
