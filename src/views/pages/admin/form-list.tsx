import type { FC } from "hono/jsx";
import type { SubmissionRow } from "../../../db/queries/submissions";
import { DataTable, EmptyState, PageHeader, Time } from "../../components";

export const FormList: FC<{
  forms: { id: string; name: string; status: string; updatedAt: string; accepted: number; filtered: number }[];
}> = ({ forms }) => (
  <div id="forms">
    <PageHeader
      title="Forms"
      lead="Registration forms for your own site: hosted pages, embeds and form handlers."
      actions={
        <>
          <a class="button primary" href="/admin/forms/new">
            New form
          </a>
          <a class="button" href="/admin/form-handlers">
            Form handlers
          </a>
          <a class="button" href="/admin/filters">
            Filters
          </a>
        </>
      }
    />
    {forms.length === 0 ? (
      <EmptyState title="No forms yet">
        <p>Build a form with the completion action Register for webinar, then put it on your site.</p>
      </EmptyState>
    ) : (
      <section class="panel">
        <DataTable columns={["Name", "Status", "Accepted", "Filtered", "Changed"]}>
          {forms.map((f) => (
            <tr>
              <td data-label="Name">
                <a href={`/admin/forms/${f.id}`}>
                  <bdi>{f.name}</bdi>
                </a>
              </td>
              <td data-label="Status">{f.status === "live" ? "Live" : "Draft"}</td>
              <td data-label="Accepted">
                <a href={`/admin/forms/${f.id}/submissions`}>{f.accepted}</a>
              </td>
              <td data-label="Filtered">{f.filtered}</td>
              <td data-label="Changed">
                <Time iso={f.updatedAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    )}
  </div>
);

function summary(data: string): string {
  try {
    const values = JSON.parse(data) as Record<string, string>;
    return [values.firstName, values.lastName].filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

function utmText(utm: string | null): string {
  if (!utm) return "";
  try {
    return Object.entries(JSON.parse(utm) as Record<string, string>)
      .map(([k, v]) => `${k.replace("utm_", "")}=${v}`)
      .join(", ");
  } catch {
    return "";
  }
}

const ACTION_LABELS: Record<string, string> = {
  register_webinar: "Register for webinar",
  add_to_list: "Add to list",
  assign_campaign: "Assign campaign",
};

/** The completion actions that did not run because their webinar, list or campaign was deleted. */
function skippedText(skipped: string | null): string[] {
  if (!skipped) return [];
  try {
    return (JSON.parse(skipped) as { type: string; id: string }[]).map(
      (a) => `${ACTION_LABELS[a.type] ?? a.type} skipped: ${a.id} no longer exists`,
    );
  } catch {
    return [];
  }
}

/** Every submission, accepted or filtered, and for a filtered one the rule that matched. */
export const SubmissionList: FC<{ title: string; backHref: string; submissions: SubmissionRow[] }> = (p) => (
  <div id="submissions">
    <PageHeader
      title={p.title}
      lead="Accepted submissions ran the completion actions; filtered ones saw the thank-you and ran none."
      actions={
        <a class="button" href={p.backHref}>
          Back
        </a>
      }
    />
    {p.submissions.length === 0 ? (
      <EmptyState title="No submissions yet">
        <p>Submissions appear here as visitors send the form.</p>
      </EmptyState>
    ) : (
      <section class="panel">
        <DataTable columns={["When", "Email", "Name", "Result", "UTM", "Referrer"]}>
          {p.submissions.map((s) => {
            let email = "";
            try {
              email = (JSON.parse(s.data) as Record<string, string>).email ?? "";
            } catch {
              email = "";
            }
            return (
              <tr>
                <td data-label="When">
                  <Time iso={s.createdAt} />
                </td>
                <td data-label="Email" class="wrap">
                  {s.prospectId ? <a href={`/admin/prospects/${s.prospectId}`}>{email}</a> : email}
                </td>
                <td data-label="Name">{summary(s.data)}</td>
                <td data-label="Result">
                  {s.status === "filtered" ? (
                    <span class="badge warn">Filtered: {s.filterReason}</span>
                  ) : (
                    <span class="badge ok">Accepted</span>
                  )}
                  {skippedText(s.skippedActions).map((text) => (
                    <>
                      {" "}
                      <span class="badge warn">{text}</span>
                    </>
                  ))}
                </td>
                <td data-label="UTM" class="wrap">
                  {utmText(s.utm)}
                </td>
                <td data-label="Referrer" class="wrap">
                  {s.referrer ?? ""}
                </td>
              </tr>
            );
          })}
        </DataTable>
      </section>
    )}
  </div>
);
