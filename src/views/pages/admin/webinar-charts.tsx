import type { FC } from "hono/jsx";
import type { WebinarCharts } from "../../../db/queries/report-charts";
import { percent } from "../../../domain/report-shape";
import { BarChart } from "../../charts/bar-chart";
import { ColumnChart } from "../../charts/column-chart";
import { formatCount } from "../../charts/frame";
import { LineChart } from "../../charts/line-chart";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function shortDay(day: string): string {
  const [, m, d] = day.split("-");
  return `${MONTHS[Number(m) - 1] ?? m} ${Number(d)}`;
}

/** The webinar report's charts: registrations over time by source, the funnel, minutes attended. */
export const WebinarChartsSection: FC<{ charts: WebinarCharts }> = ({ charts }) => {
  const { timeline, funnel, minutes } = charts;
  const registered = timeline.total.at(-1) ?? 0;
  const attended = minutes.reduce((sum, b) => sum + b.n, 0);
  const sources = timeline.series.map((s) => `${s.label} ${formatCount(s.total)}`).join(", ");
  return (
    <section class="panel charts" aria-labelledby="webinar-charts-heading">
      <h2 id="webinar-charts-heading">Charts</h2>
      <LineChart
        id="chart-registrations"
        title="Registrations over time"
        desc={
          timeline.days.length === 0
            ? "Nobody is registered yet."
            : `Registered prospects, cumulative, per day (UTC) from ${timeline.days[0]} to ${timeline.days.at(-1)}, by where they registered: ${sources}; ${formatCount(registered)} in all.`
        }
        xs={timeline.days}
        shortX={shortDay}
        xHeading="Day (UTC)"
        series={timeline.series.map((s) => ({ label: s.label, values: s.cumulative }))}
        total={timeline.series.length > 1 ? { label: "All sources", values: timeline.total } : undefined}
        empty="Nobody is registered yet. Registrations from forms and from GoTo's own page appear here by day."
      />
      <BarChart
        id="chart-funnel"
        title="From registered to engaged"
        desc={`Of ${formatCount(funnel[0]?.n ?? 0)} registered: ${funnel
          .slice(1)
          .map((s) => `${formatCount(s.n)} ${s.label.toLowerCase()} (${percent(s.ofRegistered)})`)
          .join(", ")}. Engaged means they answered a poll or survey or asked a question.`}
        series={["Prospects (share of registered)"]}
        groupHeading="Step"
        groups={funnel.map((s, i) => ({
          label: s.label,
          values: [s.n],
          valueLabels: [i === 0 ? formatCount(s.n) : `${formatCount(s.n)} · ${percent(s.ofRegistered)}`],
        }))}
        extraColumns={[
          { heading: "Of the step before", cells: funnel.map((s, i) => (i === 0 ? "" : percent(s.ofPrevious))) },
        ]}
      />
      <ColumnChart
        id="chart-minutes"
        title="Minutes attended"
        desc={`How long the ${formatCount(attended)} attendees stayed, counted in bands of minutes: ${minutes
          .map((b) => `${b.label} ${formatCount(b.n)}`)
          .join(", ")}.`}
        bins={minutes.map((b) => ({ label: b.label.replace(" min", ""), n: b.n }))}
        axisLabel="Minutes attended"
        headings={["Minutes attended", "Attendees"]}
        empty="Nobody attended yet. Attendance is read after each session ends."
      />
    </section>
  );
};
