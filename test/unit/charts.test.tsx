import { describe, expect, it } from "vitest";
import {
  funnel,
  GOTO_PAGE_LABEL,
  minutesHistogram,
  registrationTimeline,
  type ShapeGroup,
} from "../../src/domain/report-shape";
import { BarChart } from "../../src/views/charts/bar-chart";
import { ColumnChart } from "../../src/views/charts/column-chart";
import { LineChart } from "../../src/views/charts/line-chart";
import { RateChart } from "../../src/views/charts/rate-chart";

async function html(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

function svgOf(page: string): string {
  const svg = /<svg[\s\S]*<\/svg>/.exec(page)?.[0];
  if (!svg) throw new Error(`no svg in ${page.slice(0, 200)}`);
  return svg;
}

/** What every chart must have: a title and desc the SVG is labelled by, no style attribute, a table. */
function expectAccessible(page: string, id: string, title: string): void {
  const svg = svgOf(page);
  expect(svg).toContain(`<title id="${id}-title">${title}</title>`);
  expect(svg).toMatch(new RegExp(`<desc id="${id}-desc">[^<]+</desc>`));
  expect(svg).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
  expect(svg).toContain('role="img"');
  expect(page).not.toMatch(/\sstyle=/);
  expect(page).toContain("<table>");
}

const g = (
  day: string,
  source: ShapeGroup["source"],
  formId: string | null,
  n: number,
  bucket: number | null = null,
) => ({
  day,
  source,
  formId,
  handlerId: null,
  attended: bucket !== null,
  bucket,
  n,
});

describe("report shape (numbers behind the charts)", () => {
  const groups: ShapeGroup[] = [
    g("2026-11-01", "form", "frm_a", 3),
    g("2026-11-01", "form", "frm_a", 2, 2),
    g("2026-11-03", "form", "frm_b", 4, 0),
    g("2026-11-03", "gotowebinar", null, 5),
    g("2026-11-02", "gotowebinar", null, 1, 6),
  ];
  const names = new Map([
    ["form:frm_a", "Spring form"],
    ["form:frm_b", "Partner form"],
  ]);

  it("cumulates per source over every day from the first to the last, GoTo's page last", () => {
    const t = registrationTimeline(groups, names);
    expect(t.days).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"]);
    expect(t.series.map((s) => [s.label, s.cumulative])).toEqual([
      ["Spring form", [5, 5, 5]],
      ["Partner form", [0, 0, 4]],
      [GOTO_PAGE_LABEL, [0, 1, 6]],
    ]);
    expect(t.total).toEqual([5, 6, 15]);
  });

  it("keeps the latest days when there are too many, carrying the earlier ones in", () => {
    const t = registrationTimeline(groups, names, 2);
    expect(t.days).toEqual(["2026-11-02", "2026-11-03"]);
    expect(t.total).toEqual([6, 15]);
  });

  it("counts attended registrations per minutes band; the bands add up to the attended", () => {
    const h = minutesHistogram(groups);
    expect(h.map((b) => b.n)).toEqual([4, 0, 2, 0, 0, 0, 1]);
    expect(h[0]?.label).toBe("0–14 min");
    expect(h.at(-1)?.label).toBe("120+ min");
  });

  it("gives funnel rates of the registered and of the step before, 0 when nobody registered", () => {
    const f = funnel({ registered: 200, accepted: 150, attended: 90, engaged: 30 });
    expect(f.map((s) => [s.label, s.n, s.ofRegistered, s.ofPrevious])).toEqual([
      ["Registered", 200, 1, 1],
      ["Accepted", 150, 0.75, 0.75],
      ["Attended", 90, 0.45, 0.6],
      ["Engaged", 30, 0.15, 1 / 3],
    ]);
    expect(funnel({ registered: 0, accepted: 0, attended: 0, engaged: 0 }).map((s) => s.ofRegistered)).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

describe("SVG charts", () => {
  it("a bar chart draws one bar per value, labelled, scaled to the largest, with the same numbers in its table", async () => {
    const page = await html(
      <BarChart
        id="c1"
        title="Funnel"
        desc="Registered to engaged."
        series={["Prospects"]}
        groupHeading="Step"
        groups={[
          { label: "Registered", values: [1234] },
          { label: "Attended", values: [617], valueLabels: ["617 · 50%"] },
        ]}
      />,
    );
    expectAccessible(page, "c1", "Funnel");
    const svg = svgOf(page);
    expect([...svg.matchAll(/data-value="(\d+)"/g)].map((m) => m[1])).toEqual(["1234", "617"]);
    expect(svg).toContain(">1,234<");
    expect(svg).toContain(">617 · 50%<");
    // 1,234 on an axis to 2,000 over 304 units; 617 half of it.
    expect(svg).toContain('width="187.6"');
    expect(svg).toContain('width="93.8"');
    const table = page.slice(page.indexOf("<table>"));
    expect(table).toContain('<th scope="row">Registered</th><td class="num" data-value="1234">1,234</td>');
    expect(table).toContain('<td class="num" data-value="617">617 · 50%</td>');
  });

  it("a rate chart puts several series on a 0–100 % axis, told apart by pattern as well as colour", async () => {
    const page = await html(
      <RateChart
        id="rates"
        title="Attendance and no-show rate"
        desc="Per webinar."
        series={["Attendance rate", "No-show rate"]}
        rowHeading="Webinar"
        rows={[{ label: "Launch", rates: [0.6, 0.4] }]}
      />,
    );
    expectAccessible(page, "rates", "Attendance and no-show rate");
    const svg = svgOf(page);
    expect(svg).toContain('<pattern id="rates-p1"');
    expect(svg).toContain('fill="url(#rates-p1)"');
    expect(svg).toContain(">60%<");
    expect(svg).toContain(">40%<");
    expect(svg).toContain("Attendance rate</text>");
    // 60 % of the 304 units: the axis ends at 100 %, not at the largest rate.
    expect(svg).toContain('width="182.4"');
  });

  it("a column chart draws a histogram with its counts and bin labels", async () => {
    const page = await html(
      <ColumnChart
        id="h"
        title="Minutes attended"
        desc="Bands."
        bins={[
          { label: "0–14", n: 3 },
          { label: "15–29", n: 7 },
        ]}
        axisLabel="Minutes attended"
        headings={["Minutes attended", "Attendees"]}
      />,
    );
    expectAccessible(page, "h", "Minutes attended");
    const svg = svgOf(page);
    expect([...svg.matchAll(/data-value="(\d+)"/g)].map((m) => m[1])).toEqual(["3", "7"]);
    expect(svg).toContain(">15–29<");
  });

  it("a line chart draws a line per series and the total, with a legend giving each final figure", async () => {
    const page = await html(
      <LineChart
        id="l"
        title="Registrations over time"
        desc="Cumulative."
        xs={["2026-11-01", "2026-11-02"]}
        xHeading="Day"
        series={[
          { label: "Spring form", values: [2, 5] },
          { label: "GoTo's page", values: [1, 1] },
        ]}
        total={{ label: "All sources", values: [3, 6] }}
      />,
    );
    expectAccessible(page, "l", "Registrations over time");
    const svg = svgOf(page);
    expect([...svg.matchAll(/data-total="(\d+)"/g)].map((m) => m[1])).toEqual(["5", "1", "6"]);
    expect(svg).toContain("Spring form: 5</text>");
    expect(svg).toContain('stroke-dasharray="7 3"');
    expect(page).toContain('data-series="All sources" data-value="6"');
  });

  it("shows an empty state instead of an empty chart", async () => {
    const page = await html(
      <LineChart id="e" title="T" desc="D" xs={[]} xHeading="Day" series={[]} empty="Nobody is registered yet." />,
    );
    expect(page).not.toContain("<svg");
    expect(page).toContain("Nobody is registered yet.");
  });
});
