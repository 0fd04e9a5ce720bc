import type { FC } from "hono/jsx";
import type { RegistrantFilter } from "../../../db/queries/reports";
import type { WebinarPhase } from "../../../domain/webinars";

/** Small pieces the webinar and prospect pages share: status words marketers know. */

export const PHASE_LABEL: Record<WebinarPhase, string> = {
  upcoming: "Upcoming",
  in_progress: "In progress",
  finished: "Finished",
  cancelled: "Cancelled",
};

export const PhaseBadge: FC<{ phase: WebinarPhase }> = ({ phase }) => (
  <span class={phase === "upcoming" || phase === "in_progress" ? "badge ok" : "badge muted"}>{PHASE_LABEL[phase]}</span>
);

export const REGISTRATION_LABEL: Record<string, string> = {
  pending: "Waiting to be sent to GoTo",
  registered: "Registered",
  waiting: "Waiting for approval",
  approved: "Accepted",
  denied: "Denied",
  error: "Refused by GoTo",
  cancelled: "Cancelled",
};

export const RegistrationBadge: FC<{ status: string }> = ({ status }) => (
  <span
    class={
      status === "error" || status === "denied"
        ? "badge warn"
        : status === "cancelled" || status === "pending"
          ? "badge muted"
          : "badge ok"
    }
  >
    {REGISTRATION_LABEL[status] ?? status}
  </span>
);

export const COUNT_LABEL: Record<RegistrantFilter, string> = {
  registered: "Registered",
  accepted: "Accepted",
  attended: "Attended",
  absent: "Absent",
  cancelled: "Cancelled",
  denied: "Denied",
};

export function registrantsHref(webinarId: string, filter: RegistrantFilter): string {
  return `/admin/webinars/${webinarId}/registrants?status=${filter}`;
}

/** The same prospects as a CSV file: all of them, not only the page shown. */
export function registrantsCsvHref(webinarId: string, filter: RegistrantFilter): string {
  return `${registrantsHref(webinarId, filter)}&format=csv`;
}

export function personName(p: { firstName: string | null; lastName: string | null }): string {
  return [p.firstName, p.lastName].filter((s) => s && s.trim() !== "").join(" ");
}

/** A registrant row's first two cells: the prospect (its name, or its email) linking to it, and the email. */
export const ProspectCells: FC<{
  row: { prospectId: string; email: string; firstName: string | null; lastName: string | null };
}> = ({ row }) => (
  <>
    <td data-label="Prospect">
      <a href={`/admin/prospects/${row.prospectId}`}>
        <bdi>{personName(row) || row.email}</bdi>
      </a>
    </td>
    <td data-label="Email">
      <bdi>{row.email}</bdi>
    </td>
  </>
);

/** A webinar drill-down page's actions: its CSV export (when it has rows) and the way back to the webinar. */
export const DrillActions: FC<{ webinarId: string; csv: { href: string; title: string } | null }> = ({
  webinarId,
  csv,
}) => (
  <>
    {csv && (
      <a class="button primary" href={csv.href} download title={csv.title}>
        Export CSV
      </a>
    )}
    <a class="button subtle" href={`/admin/webinars/${webinarId}`}>
      Back to the webinar
    </a>
  </>
);
