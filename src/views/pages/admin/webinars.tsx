import type { FC } from "hono/jsx";
import type { WebinarFilter, WebinarWithCounts } from "../../../db/queries/reports";
import { DataTable, EmptyState, PageHeader, Pager, Time } from "../../components";
import { PhaseBadge, registrantsHref } from "./webinar-parts";

const TABS: { filter: WebinarFilter; label: string }[] = [
  { filter: "upcoming", label: "Upcoming" },
  { filter: "finished", label: "Finished" },
  { filter: "all", label: "All" },
];

const EMPTY: Record<WebinarFilter, string> = {
  upcoming: "No upcoming webinars. Webinars scheduled in GoTo appear here within 10 minutes of discovery.",
  finished: "No finished webinars yet. Once a webinar's last session ends, it moves here with its attendance.",
  all: "No webinars yet. Verify a connector: discovery brings in its webinars, a year back and a year ahead.",
};

/** Reports > Webinars: each count links to the prospects behind it. */
export const WebinarsPage: FC<{
  filter: WebinarFilter;
  webinars: WebinarWithCounts[];
  nextHref: string | null;
}> = ({ filter, webinars, nextHref }) => (
  <>
    <PageHeader
      title="Webinars"
      lead="Registered, attended and absent counts for every synced webinar. Absent counts appear once a webinar has ended."
    />
    <nav class="tabs" aria-label="Which webinars">
      {TABS.map((t) => (
        <a href={`/admin/webinars?show=${t.filter}`} aria-current={t.filter === filter ? "page" : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
    <section class="panel">
      {webinars.length === 0 ? (
        <EmptyState title="Nothing here yet" action={<a href="/admin/connectors">Go to Connectors</a>}>
          <p>{EMPTY[filter]}</p>
        </EmptyState>
      ) : (
        <DataTable
          columns={[
            "Webinar",
            "Starts",
            "Status",
            { label: "Registered", class: "num" },
            { label: "Attended", class: "num" },
            { label: "Absent", class: "num" },
          ]}
        >
          {webinars.map((w) => (
            <tr>
              <td data-label="Webinar">
                <a href={`/admin/webinars/${w.id}`}>
                  <bdi>{w.subject}</bdi>
                </a>
              </td>
              <td data-label="Starts">
                <Time iso={w.startsAt} />
              </td>
              <td data-label="Status">
                <PhaseBadge phase={w.phase} />
              </td>
              <td data-label="Registered" class="num">
                <a href={registrantsHref(w.id, "registered")}>{w.counts.registered}</a>
              </td>
              <td data-label="Attended" class="num">
                <a href={registrantsHref(w.id, "attended")}>{w.counts.attended}</a>
              </td>
              <td data-label="Absent" class="num">
                {w.phase === "finished" ? (
                  <a href={registrantsHref(w.id, "absent")}>{w.counts.absent}</a>
                ) : (
                  <span class="muted">after it ends</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Pager nextHref={nextHref} />
    </section>
  </>
);
