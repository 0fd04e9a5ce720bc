import type { FC } from "hono/jsx";
import type { JobRow } from "../../../db/queries/jobs";
import { BULK_CONFIRM_AT, bulkDoing, bulkResult, parseBulkParams } from "../../../domain/bulk";
import { CsrfField, Field, Flash } from "../../components";

export interface BulkPanelProps {
  /** Where both forms post. */
  action: string;
  /** The query the forms act on, as hidden fields (the page's own filters). */
  hidden: Record<string, string>;
  /** How many prospects match, all of them, not only the page shown. */
  count: number;
  /** Static lists to add to. */
  lists: { id: string; name: string }[];
  csrfToken: string | null;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  job?: JobRow | null;
}

const FIELDS = ["list_id", "new_list", "tag_name", "confirm"];

const fmt = (n: number) => n.toLocaleString("en-US");
const people = (n: number) => `${fmt(n)} ${n === 1 ? "prospect" : "prospects"}`;

function percent(job: JobRow): number {
  if (!job.total) return job.state === "done" ? 100 : 0;
  return Math.min(100, Math.round((job.done / job.total) * 100));
}

/** A bulk action's progress; it polls itself while the job is queued or running, then says what it did. */
export const BulkProgress: FC<{ job: JobRow }> = ({ job }) => {
  const params = parseBulkParams(job.params);
  const active = job.state === "queued" || job.state === "running";
  const total = job.total ?? params?.total ?? 0;
  return (
    <div
      id="bulk-job"
      class="progress-block"
      {...(active ? { "hx-get": `/admin/bulk/${job.id}`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" } : {})}
    >
      {active && params && (
        <>
          <p>
            {bulkDoing(params.action)}: {fmt(job.done)} of {fmt(total)} prospects…
          </p>
          <progress max={100} value={percent(job)} aria-label="Progress of the bulk action">
            {percent(job)}%
          </progress>
        </>
      )}
      {job.state === "done" && params && <Flash kind="success">{bulkResult(params.action, job.done)}.</Flash>}
      {job.state === "done" && params?.action.type === "add_to_list" && (
        <p>
          <a href={`/admin/lists/${params.action.listId}`}>Open “{params.action.listName}”</a>
        </p>
      )}
      {job.state === "failed" && (
        <Flash kind="error">The bulk action stopped: {job.lastError ?? "an error"}. Try again.</Flash>
      )}
      {job.state === "cancelled" && <Flash kind="error">The bulk action was cancelled.</Flash>}
    </div>
  );
};

/**
 * Add to list and Tag for every prospect behind a page (a webinar's count, the filtered prospect
 * list), with the count on the buttons; a large set needs a tick to confirm.
 */
export const BulkPanel: FC<BulkPanelProps> = (p) => {
  const values = p.values ?? {};
  const errors = p.errors ?? {};
  const which = values.action;
  // A problem no field of the panel shows (nothing to act on, an unknown action or count).
  const formError =
    errors._form ?? Object.entries(errors).find(([name]) => !FIELDS.includes(name) || which === undefined)?.[1];
  const err = (action: string, name: string) => (which === action ? errors[name] : undefined);
  const confirmBox = (action: string) =>
    p.count >= BULK_CONFIRM_AT && (
      <div class={err(action, "confirm") ? "field checkbox has-error" : "field checkbox"}>
        <label>
          <input
            type="checkbox"
            name="confirm"
            value={String(p.count)}
            aria-invalid={err(action, "confirm") ? "true" : undefined}
          />{" "}
          Yes, all {people(p.count)}
        </label>
        {err(action, "confirm") && <small class="error">{err(action, "confirm")}</small>}
      </div>
    );
  const hidden = Object.entries(p.hidden).map(([name, value]) => <input type="hidden" name={name} value={value} />);
  const form = (action: string, children: unknown) => (
    <form
      method="post"
      action={p.action}
      hx-post={p.action}
      hx-target="#bulk-panel"
      hx-swap="outerHTML"
      class="row-form"
      novalidate
    >
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="action" value={action} />
      {hidden}
      {children}
    </form>
  );
  return (
    <section class="panel bulk-panel" id="bulk-panel" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Act on all {people(p.count)}</h2>
      {formError && <Flash kind="error">{formError}</Flash>}
      {p.job && <BulkProgress job={p.job} />}
      {form(
        "add_to_list",
        <>
          <div class={err("add_to_list", "list_id") ? "field has-error" : "field"}>
            <label for="f-list_id">Add to list</label>
            <select
              id="f-list_id"
              name="list_id"
              aria-invalid={err("add_to_list", "list_id") ? "true" : undefined}
              aria-describedby={err("add_to_list", "list_id") ? "f-list_id-error" : undefined}
            >
              <option value="">Choose a static list…</option>
              {p.lists.map((l) => (
                <option value={l.id} selected={which === "add_to_list" && values.list_id === l.id}>
                  {l.name}
                </option>
              ))}
            </select>
            {err("add_to_list", "list_id") && (
              <small class="error" id="f-list_id-error">
                {err("add_to_list", "list_id")}
              </small>
            )}
          </div>
          <Field
            label="or a new list named"
            name="new_list"
            value={which === "add_to_list" ? (values.new_list ?? "") : ""}
            error={err("add_to_list", "new_list")}
            maxlength={100}
          />
          {confirmBox("add_to_list")}
          <button type="submit" class="button primary">
            Add {people(p.count)} to the list
          </button>
        </>,
      )}
      {form(
        "tag",
        <>
          <Field
            label="Tag"
            name="tag_name"
            value={which === "tag" ? (values.tag_name ?? "") : ""}
            error={err("tag", "tag_name")}
            maxlength={50}
            hint="Like no-show or hot-lead; prospects who have it keep it."
          />
          {confirmBox("tag")}
          <button type="submit" class="button primary">
            Tag {people(p.count)}
          </button>
        </>,
      )}
    </section>
  );
};
