import type { FC } from "hono/jsx";
import type { JobRow } from "../../../db/queries/jobs";
import type { ListRow, ListWithCount, MemberRow } from "../../../db/queries/lists";
import type { Draft } from "../../../domain/criteria";
import { plural } from "../../../lib/plural";
import {
  CsrfField,
  DataTable,
  EmptyState,
  Field,
  Flash,
  NameForm,
  PageHeader,
  Pager,
  PostButton,
  Time,
} from "../../components";
import type { CriteriaChoices, PreviewResult } from "./criteria-builder";
import { CriteriaBuilder, CriteriaPreview, PreviewPanel } from "./criteria-builder";

const KindBadge: FC<{ kind: ListRow["kind"] }> = ({ kind }) => (
  <span class={kind === "dynamic" ? "badge ok" : "badge muted"}>{kind === "dynamic" ? "Dynamic" : "Static"}</span>
);

export const ListsPage: FC<{
  lists: ListWithCount[];
  state: { flash?: string; name?: string; error?: string };
  csrfToken: string | null;
}> = ({ lists, state, csrfToken }) => (
  <div id="lists">
    <PageHeader
      title="Lists"
      lead="Static lists hold the prospects forms and you add to them; dynamic lists hold the prospects who match their criteria, and keep up by themselves as webinar activity arrives."
      actions={
        <a class="button primary" href="/admin/lists/new">
          Add dynamic list
        </a>
      }
    />
    {state.flash && <Flash kind="success">{state.flash}</Flash>}
    <section class="panel">
      <h2>Add a static list</h2>
      <NameForm
        action="/admin/lists"
        csrfToken={csrfToken}
        value={state.name}
        error={state.error}
        maxlength={100}
        submit="Add list"
      />
    </section>
    <section class="panel">
      {lists.length === 0 ? (
        <EmptyState title="No lists yet">
          <p>Add a static list above and pick it in a form's completion actions, or add a dynamic list.</p>
        </EmptyState>
      ) : (
        <DataTable columns={["Name", "Kind", { label: "Members", class: "num" }, "Changed"]}>
          {lists.map((l) => (
            <tr>
              <td data-label="Name">
                <a href={`/admin/lists/${l.id}`} class="wrap">
                  <bdi>{l.name}</bdi>
                </a>
              </td>
              <td data-label="Kind">
                <KindBadge kind={l.kind} />
              </td>
              <td data-label="Members" class="num">
                {l.members.toLocaleString("en-US")}
              </td>
              <td data-label="Changed">
                <Time iso={l.updatedAt ?? l.createdAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  </div>
);

export interface DynamicListFormProps {
  list: { id: string | null; name: string };
  draft: Draft;
  errors: Record<string, string>;
  choices: CriteriaChoices;
  preview: PreviewResult | null;
  problems: number;
  csrfToken: string | null;
}

export const LIST_FORM_ID = "list-form";

/** Lists > Add dynamic list, and a dynamic list's Edit criteria: name, criteria builder, live preview. */
export const DynamicListPage: FC<DynamicListFormProps> = (p) => {
  const action = p.list.id ? `/admin/lists/${p.list.id}/criteria` : "/admin/lists/dynamic";
  const ctx = { formId: LIST_FORM_ID, builderUrl: "/admin/lists/builder", choices: p.choices, errors: p.errors };
  const problems = Object.keys(p.errors).length;
  return (
    <div id="dynamic-list">
      <PageHeader
        title={p.list.id ? `Edit criteria: ${p.list.name}` : "Add dynamic list"}
        lead="Prospects join when they match and leave when they stop matching, as webinar activity and prospect changes are recorded."
        actions={
          <a class="button" href={p.list.id ? `/admin/lists/${p.list.id}` : "/admin/lists"}>
            Cancel
          </a>
        }
      />
      {problems > 0 && (
        <Flash kind="error">
          {p.errors._form ?? "The list was not saved. Fix what is marked below and save again."}
        </Flash>
      )}
      <div class="builder-layout">
        <form id={LIST_FORM_ID} method="post" action={action} novalidate class="panel">
          <CsrfField token={p.csrfToken} />
          {p.list.id && <input type="hidden" name="listId" value={p.list.id} />}
          <Field label="Name" name="name" value={p.list.name} error={p.errors.name} required maxlength={100} />
          <h2>Criteria</h2>
          <CriteriaBuilder draft={p.draft} ctx={ctx} />
          <p class="muted">
            {p.list.id
              ? "Saving finds the members again with the new criteria; the list shows the progress."
              : "Saving finds the members who match now; the list shows the progress."}
          </p>
          <button type="submit" name="op" value="save" class="button primary">
            Save list
          </button>
        </form>
        <PreviewPanel
          action="/admin/lists/preview"
          formId={LIST_FORM_ID}
          // Typing, and choices in selects (they fire input too), debounced: a kind or scope change
          // re-renders the builder first, which brings its own preview out of band, so this one
          // reads the form after that swap instead of racing it.
          trigger={`input from:#${LIST_FORM_ID} delay:600ms`}
        >
          <CriteriaPreview preview={p.preview} problems={problems} />
        </PreviewPanel>
      </div>
    </div>
  );
};

/** The builder after a change, and the preview for it (out of band), for htmx. */
export const BuilderFragment: FC<{
  draft: Draft;
  choices: CriteriaChoices;
  preview: PreviewResult | null;
  problems: number;
}> = (p) => (
  <>
    <CriteriaBuilder
      draft={p.draft}
      ctx={{ formId: LIST_FORM_ID, builderUrl: "/admin/lists/builder", choices: p.choices, errors: {} }}
    />
    <div id="criteria-preview" hx-swap-oob="innerHTML">
      <CriteriaPreview preview={p.preview} problems={p.problems} />
    </div>
  </>
);

function percent(job: JobRow): number {
  if (!job.total) return job.state === "done" ? 100 : 0;
  return Math.min(100, Math.round((job.done / job.total) * 100));
}

/** A recompute's progress; it polls itself while the job is queued or running. */
export const JobProgress: FC<{ listId: string; job: JobRow | null }> = ({ listId, job }) => {
  if (!job) return <div id="list-job" />;
  const active = job.state === "queued" || job.state === "running";
  return (
    <div
      id="list-job"
      class="progress-block"
      {...(active
        ? { "hx-get": `/admin/lists/${listId}/progress`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" }
        : {})}
    >
      {active && (
        <>
          <p>
            {job.state === "queued"
              ? "Finding the members is about to start…"
              : `Finding the members: ${job.done.toLocaleString("en-US")} of ${plural(job.total ?? 0, "prospect")} checked…`}
          </p>
          <progress max={100} value={percent(job)} aria-label="Progress of finding the members">
            {percent(job)}%
          </progress>
        </>
      )}
      {job.state === "done" && (
        <p class="muted">
          Members found <Time iso={job.finishedAt} /> ({plural(job.done, "prospect")} checked); since then they follow
          each change as it is recorded.
        </p>
      )}
      {job.state === "failed" && (
        <Flash kind="error">
          Finding the members stopped: {job.lastError ?? "an error"}. Save the criteria again to retry.
        </Flash>
      )}
    </div>
  );
};

export interface MembersView {
  rows: MemberRow[];
  search: string;
  error?: string | undefined;
  nextHref: string | null;
}

/** The members, searchable and paged; `oob` when it comes along with another answer (htmx out of band). */
export const MembersSection: FC<{ list: ListRow; members: MembersView; csrfToken: string | null; oob?: boolean }> = ({
  list,
  members,
  csrfToken,
  oob,
}) => (
  <section class="panel" id="list-members" hx-swap-oob={oob ? "outerHTML" : undefined}>
    <div class="panel-head">
      <h2>Members ({list.kind === "dynamic" ? "matching the criteria" : "added by forms and by hand"})</h2>
      <form method="get" action={`/admin/lists/${list.id}`} class="inline-form">
        <div class={members.error ? "field has-error" : "field"}>
          <label for="member-search">Search members</label>
          <input
            id="member-search"
            name="q"
            type="search"
            value={members.search}
            maxlength={200}
            placeholder="Email or name"
          />
          {members.error && <small class="error">{members.error}</small>}
        </div>
        <button type="submit" class="button">
          Search
        </button>
      </form>
    </div>
    {members.rows.length === 0 ? (
      <EmptyState title={members.search ? "No member matches this search" : "No members yet"}>
        <p>
          {members.search
            ? "Try part of the email or the name."
            : list.kind === "dynamic"
              ? "Prospects join as soon as they match the criteria."
              : "Prospects join when a form with Add to list is submitted, or when you add them above."}
        </p>
      </EmptyState>
    ) : (
      <DataTable
        columns={["Email", "Name", { label: "Score", class: "num" }, "Joined", ...(list.kind === "static" ? [""] : [])]}
      >
        {members.rows.map((m) => (
          <tr>
            <td data-label="Email" class="wrap">
              <a href={`/admin/prospects/${m.prospectId}`}>
                <bdi>{m.email}</bdi>
              </a>
            </td>
            <td data-label="Name" class="wrap">
              <bdi>{[m.firstName, m.lastName].filter(Boolean).join(" ")}</bdi>
            </td>
            <td data-label="Score" class="num">
              {m.score}
            </td>
            <td data-label="Joined">
              <Time iso={m.addedAt} />
            </td>
            {list.kind === "static" && (
              <td data-label="">
                <PostButton
                  action={`/admin/lists/${list.id}/members/${m.prospectId}/remove`}
                  csrfToken={csrfToken}
                  kind="subtle"
                  target="#list"
                  confirm={`Remove ${m.email} from ${list.name}?`}
                >
                  Remove
                </PostButton>
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    )}
    <Pager nextHref={members.nextHref} />
  </section>
);

export const ListDetail: FC<{
  list: ListRow;
  words: { lead: string; lines: string[] } | null;
  job: JobRow | null;
  members: MembersView;
  state: { flash?: string; error?: string; who?: string };
  csrfToken: string | null;
}> = ({ list, words, job, members, state, csrfToken }) => (
  <div id="list">
    <PageHeader
      title={`List: ${list.name}`}
      lead={
        <>
          <KindBadge kind={list.kind} /> Created <Time iso={list.createdAt} />
          {list.updatedAt && (
            <>
              , changed <Time iso={list.updatedAt} />
            </>
          )}
          .
        </>
      }
      actions={
        <>
          {list.kind === "dynamic" && (
            <a class="button primary" href={`/admin/lists/${list.id}/edit`}>
              Edit criteria
            </a>
          )}
          <a class="button" href="/admin/lists">
            All lists
          </a>
          <a class="button danger" href={`/admin/lists/${list.id}/delete`}>
            Delete list
          </a>
        </>
      }
    />
    {state.flash && <Flash kind="success">{state.flash}</Flash>}
    {state.error && list.kind === "dynamic" && <Flash kind="error">{state.error}</Flash>}
    {list.kind === "dynamic" && (
      <section class="panel">
        <h2>Criteria</h2>
        {words ? (
          <>
            <p>{words.lead}</p>
            <ul class="plain-list criteria-words">
              {words.lines.map((line) => (
                <li>
                  <bdi>{line}</bdi>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p class="error-text">These criteria can no longer be read. Edit them to save them again.</p>
        )}
        <JobProgress listId={list.id} job={job} />
      </section>
    )}
    {list.kind === "static" && (
      <section class="panel">
        <h2>Add a member</h2>
        <form
          method="post"
          action={`/admin/lists/${list.id}/members`}
          hx-post={`/admin/lists/${list.id}/members`}
          hx-target="#list"
          hx-swap="outerHTML"
          class="row-form"
          novalidate
        >
          <CsrfField token={csrfToken} />
          <Field
            label="Prospect's email or id"
            name="who"
            value={state.who}
            error={state.error}
            required
            maxlength={254}
            hint="The prospect must exist; find one under Prospects."
          />
          <button type="submit" class="button primary">
            Add to list
          </button>
        </form>
      </section>
    )}
    <MembersSection list={list} members={members} csrfToken={csrfToken} />
  </div>
);
