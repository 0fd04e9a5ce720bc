import type { FC } from "hono/jsx";
import type { ProspectDetail } from "../../../db/queries/prospect-reports";
import { isEngagementActivity } from "../../../domain/engagement";
import { ruleOfDedupeKey } from "../../../domain/rules";
import { ACTIVITY_TYPES, isActivityType } from "../../../domain/scoring";
import { plural, pluralWord } from "../../../lib/plural";
import { DataTable, EmptyState, Flash, PageHeader, Time } from "../../components";
import { type Firing, FiringWords, firingsOf } from "./rule-parts";
import { personName, RegistrationBadge } from "./webinar-parts";

function activityLabel(type: string): string {
  if (type === "score_adjusted") return "Score adjusted";
  return isActivityType(type) ? ACTIVITY_TYPES[type].label : type.replace(/_/g, " ");
}

function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

type TimelineEntry =
  | { kind: "activity"; at: string; activity: ProspectDetail["activities"][number] }
  | { kind: "firing"; at: string; firing: Firing };

/**
 * Activities and what rules did, newest first. A rule's score adjustment is an activity, shown
 * with the rule's other actions of the same match rather than on its own.
 */
function timelineOf(detail: ProspectDetail): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...detail.activities
      .filter((a) => ruleOfDedupeKey(a.dedupeKey) === null)
      .map((a) => ({ kind: "activity" as const, at: a.occurredAt, activity: a })),
    ...firingsOf(detail.ruleActions).map((f) => ({ kind: "firing" as const, at: f.takenAt, firing: f })),
  ];
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** One prospect: fields, score, registrations, the activity timeline (with what rules did) and merge history. */
export const ProspectDetailPage: FC<{ detail: ProspectDetail; flash?: string | undefined }> = ({ detail, flash }) => {
  const p = detail.prospect;
  const timeline = timelineOf(detail);
  const name = personName(p);
  return (
    <>
      <PageHeader
        title={name || p.email}
        lead={name ? p.email : undefined}
        actions={
          <>
            {!p.mergedIntoId && (
              <a class="button" href={`/admin/prospects/merge?a=${p.id}`}>
                Merge with another prospect
              </a>
            )}
            <a class="button subtle" href="/admin/prospects">
              All prospects
            </a>
          </>
        }
      />
      {flash && <Flash kind="success">{flash}</Flash>}
      {detail.mergedInto && (
        <Flash kind="info">
          This prospect was merged into{" "}
          <a href={`/admin/prospects/${detail.mergedInto.id}`}>{detail.mergedInto.email}</a>. Its activities and
          registrations live there now.
        </Flash>
      )}
      <section class="cards" aria-label="Summary">
        <article class="card panel">
          <h2>Score</h2>
          <p class="figure" data-score>
            {p.score}
          </p>
          <p class="muted small">
            The sum of its activities' points. See <a href="/admin/automation/scoring">scoring rules</a>.
          </p>
        </article>
        <article class="card panel">
          <h2>Webinars</h2>
          <p class="figure">{detail.registrations.length}</p>
          <p class="muted small">registrations</p>
        </article>
      </section>
      <section class="panel">
        <h2>Fields</h2>
        <dl class="facts">
          {(
            [
              ["Email", p.email],
              ["First name", p.firstName],
              ["Last name", p.lastName],
              ["Company", p.company],
              ["Job title", p.jobTitle],
              ["Phone", p.phone],
              ["Country", p.country],
              ["Campaign", p.campaignName],
              [
                "Came from",
                p.source === "form" ? "a Rollcall form" : p.source === "gotowebinar" ? "GoToWebinar" : "added by hand",
              ],
            ] as [string, string | null][]
          ).map(([label, value]) => (
            <div>
              <dt>{label}</dt>
              <dd>{value ?? <span class="muted">none</span>}</dd>
            </div>
          ))}
          <div>
            <dt>Created</dt>
            <dd>
              <Time iso={p.createdAt} />
            </dd>
          </div>
        </dl>
      </section>
      <section class="panel">
        <h2>Webinar registrations</h2>
        {detail.registrations.length === 0 ? (
          <p class="muted">No webinar registrations yet.</p>
        ) : (
          <DataTable
            columns={["Webinar", "Starts", "Registration", { label: "Minutes attended", class: "num" }, "Via"]}
          >
            {detail.registrations.map((r) => (
              <tr>
                <td data-label="Webinar">
                  <a href={`/admin/webinars/${r.webinarId}`}>{r.webinarSubject}</a>
                </td>
                <td data-label="Starts">
                  <Time iso={r.webinarStartsAt} />
                </td>
                <td data-label="Registration">
                  <RegistrationBadge status={r.status} /> {r.attended && <span class="badge ok">Attended</span>}
                  {r.errorMessage && <div class="error-text small">{r.errorMessage}</div>}
                </td>
                <td data-label="Minutes" class="num">
                  {r.attended ? r.minutesAttended : ""}
                </td>
                <td data-label="Via">{r.source === "form" ? "Rollcall form" : "GoTo"}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section class="panel">
        <h2>Activity</h2>
        {timeline.length === 0 ? (
          <EmptyState title="No activity yet">
            <p>
              Registered, Accepted, Attended, poll answers, survey answers and questions appear here as GoTo reports
              them, each with its points.
            </p>
          </EmptyState>
        ) : (
          <ol class="timeline">
            {timeline.map((entry) =>
              entry.kind === "firing" ? (
                <li>
                  <div class="timeline-what wrap">
                    <FiringWords firing={entry.firing} />
                  </div>
                  <div class="timeline-meta">
                    {entry.firing.points !== 0 && (
                      <>
                        <span class={entry.firing.points < 0 ? "points negative" : "points"}>
                          {signed(entry.firing.points)} {pluralWord(Math.abs(entry.firing.points), "point")}
                        </span>{" "}
                      </>
                    )}
                    <Time iso={entry.at} />
                  </div>
                </li>
              ) : (
                <li>
                  <div class="timeline-what wrap">
                    <strong>{activityLabel(entry.activity.type)}</strong>
                    {entry.activity.webinarId && (
                      <>
                        {" "}
                        <a href={`/admin/webinars/${entry.activity.webinarId}`}>
                          {entry.activity.webinarSubject ?? "a webinar"}
                        </a>
                      </>
                    )}
                    {entry.activity.minutes !== null && (
                      <span class="muted"> · {plural(entry.activity.minutes, "minute")}</span>
                    )}
                    {entry.activity.detail && isEngagementActivity(entry.activity.type) && (
                      <p class="timeline-detail muted wrap">{entry.activity.detail}</p>
                    )}
                  </div>
                  <div class="timeline-meta">
                    <span class={entry.activity.points < 0 ? "points negative" : "points"}>
                      {signed(entry.activity.points)} {pluralWord(Math.abs(entry.activity.points), "point")}
                    </span>{" "}
                    <Time iso={entry.at} />
                  </div>
                </li>
              ),
            )}
          </ol>
        )}
      </section>
      <section class="panel">
        <h2>Merge history</h2>
        {detail.merges.length === 0 ? (
          <p class="muted">No prospect has been merged into this one.</p>
        ) : (
          <ul class="plain-list">
            {detail.merges.map((m) => (
              <li>
                <a href={`/admin/prospects/${m.mergedId}`}>{m.email}</a> merged in on <Time iso={m.createdAt} />. GoTo
                registrants with that email land here.
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
};
