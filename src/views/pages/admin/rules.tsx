import type { FC } from "hono/jsx";
import type { JobRow } from "../../../db/queries/jobs";
import type { ActionTaken, RuleSummary } from "../../../db/queries/rules";
import {
  ACTION_LABELS,
  type DraftAction,
  MAX_ACTIONS,
  MAX_TAG,
  MODE_WORDS,
  RULE_ACTION_TYPES,
  type RuleDraft,
} from "../../../domain/rules";
import { plural } from "../../../lib/plural";
import { CsrfField, DataTable, EmptyState, Field, Flash, PageHeader, Pager, PostButton, Time } from "../../components";
import { CriteriaBuilder, type CriteriaChoices, CriteriaPreview, type PreviewResult } from "./criteria-builder";
import { ActionTakenWords, TriggerWords } from "./rule-parts";

export const RULE_FORM_ID = "rule-form";
const BASE = "/admin/automation/rules";

const StatusBadge: FC<{ status: RuleSummary["status"] }> = ({ status }) =>
  status === "active" ? <span class="badge ok">Active</span> : <span class="badge warn">Paused</span>;

/** Automation > rules: every rule with what it does, and how many prospects it acted on. */
export const RulesSection: FC<{ rules: RuleSummary[]; words: Map<string, { when: string; actions: string[] }> }> = ({
  rules,
  words,
}) => (
  <section class="panel" id="rules">
    <div class="panel-head">
      <h2>Automation rules</h2>
      <a class="button primary" href={`${BASE}/new`}>
        Add rule
      </a>
    </div>
    {rules.length === 0 ? (
      <EmptyState title="No automation rules yet">
        <p>
          A rule acts on prospects who match its criteria as webinar activity arrives: “Absent from Product tour → add
          the tag no-show, add to the list Recording follow-up, adjust the score by −5”.
        </p>
      </EmptyState>
    ) : (
      <DataTable columns={["Name", "When", "Then", "Status", { label: "Acted on", class: "num" }]}>
        {rules.map((r) => {
          const w = words.get(r.id);
          return (
            <tr>
              <td data-label="Name">
                <a href={`${BASE}/${r.id}`} class="wrap">
                  <bdi>{r.name}</bdi>
                </a>
                <div class="muted small">{MODE_WORDS[r.mode]}</div>
              </td>
              <td data-label="When" class="wrap">
                {w?.when ?? <span class="muted">criteria that no longer read</span>}
              </td>
              <td data-label="Then" class="wrap">
                {(w?.actions ?? []).join("; ")}
              </td>
              <td data-label="Status">
                <StatusBadge status={r.status} />
              </td>
              <td data-label="Acted on" class="num">
                {r.actedOn.toLocaleString("en-US")}
              </td>
            </tr>
          );
        })}
      </DataTable>
    )}
  </section>
);

function idOf(name: string): string {
  return `r-${name.replace(/\./g, "-")}`;
}

const ErrorText: FC<{ id: string; message: string | undefined }> = ({ id, message }) =>
  message ? (
    <small class="error" id={id}>
      {message}
    </small>
  ) : null;

/** htmx: post the whole form to the actions endpoint, replace the actions. */
function rebuildActions(op: string, trigger?: string): Record<string, string> {
  return {
    "hx-post": `${BASE}/actions`,
    "hx-include": `#${RULE_FORM_ID}`,
    "hx-target": "#rule-actions",
    "hx-swap": "outerHTML",
    "hx-vals": JSON.stringify({ op }),
    ...(trigger ? { "hx-trigger": trigger } : {}),
  };
}

const SelectField: FC<{
  name: string;
  label: string;
  value: string;
  placeholder: string;
  options: { value: string; label: string }[];
  error: string | undefined;
}> = (p) => {
  const id = idOf(p.name);
  return (
    <div class={p.error ? "field has-error" : "field"}>
      <label for={id}>{p.label}</label>
      <select
        id={id}
        name={p.name}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={p.error ? `${id}-error` : undefined}
      >
        <option value="">{p.placeholder}</option>
        {p.value !== "" && !p.options.some((o) => o.value === p.value) && (
          <option value={p.value} selected>
            (deleted)
          </option>
        )}
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
      <ErrorText id={`${id}-error`} message={p.error} />
    </div>
  );
};

const ActionRow: FC<{
  action: DraftAction;
  index: number;
  choices: CriteriaChoices;
  errors: Record<string, string>;
  removable: boolean;
}> = ({ action, index, choices, errors, removable }) => {
  const path = `actions.${index}`;
  const typeName = `${path}.type`;
  const typeError = errors[typeName] ?? errors[path];
  const valueField = (() => {
    switch (action.type) {
      case "add_to_list":
      case "remove_from_list":
        return (
          <SelectField
            name={`${path}.listId`}
            label="List"
            value={action.listId}
            placeholder="Pick a static list…"
            options={choices.lists.map((l) => ({ value: l.id, label: l.name }))}
            error={errors[`${path}.listId`]}
          />
        );
      case "assign_campaign":
        return (
          <SelectField
            name={`${path}.campaignId`}
            label="Campaign"
            value={action.campaignId}
            placeholder="Pick a campaign…"
            options={choices.campaigns.map((c) => ({ value: c.id, label: c.name }))}
            error={errors[`${path}.campaignId`]}
          />
        );
      case "adjust_score": {
        const id = idOf(`${path}.points`);
        const error = errors[`${path}.points`];
        return (
          <div class={error ? "field has-error" : "field"}>
            <label for={id}>Points (+ or −)</label>
            <input
              id={id}
              name={`${path}.points`}
              type="text"
              inputmode="numeric"
              value={action.points}
              placeholder="-5"
              maxlength={6}
              class="points-input"
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
            <ErrorText id={`${id}-error`} message={error} />
          </div>
        );
      }
      default: {
        const id = idOf(`${path}.tag`);
        const error = errors[`${path}.tag`];
        return (
          <div class={error ? "field has-error" : "field"}>
            <label for={id}>Tag</label>
            <input
              id={id}
              name={`${path}.tag`}
              type="text"
              value={action.tag}
              maxlength={MAX_TAG}
              placeholder="no-show"
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
            <ErrorText id={`${id}-error`} message={error} />
          </div>
        );
      }
    }
  })();
  return (
    <fieldset class="condition">
      <legend>Action {index + 1}</legend>
      <div class="condition-fields">
        <div class={typeError ? "field has-error" : "field"}>
          <label for={idOf(typeName)}>Do</label>
          <select
            id={idOf(typeName)}
            name={typeName}
            aria-invalid={typeError ? "true" : undefined}
            aria-describedby={typeError ? `${idOf(typeName)}-error` : undefined}
            {...rebuildActions("refresh", "change")}
          >
            {action.type === "" && <option value="">Choose an action…</option>}
            {RULE_ACTION_TYPES.map((t) => (
              <option value={t} selected={t === action.type}>
                {ACTION_LABELS[t]}
              </option>
            ))}
          </select>
          <ErrorText id={`${idOf(typeName)}-error`} message={typeError} />
        </div>
        {valueField}
      </div>
      <noscript>
        <button type="submit" name="op" value="refresh" formaction={`${BASE}/actions`} class="button subtle">
          Show this action's settings
        </button>
      </noscript>
      {removable && (
        <button
          type="submit"
          name="op"
          value={`remove-action:${index}`}
          formaction={`${BASE}/actions`}
          class="button subtle"
          aria-label={`Remove action ${index + 1}`}
          {...rebuildActions(`remove-action:${index}`)}
        >
          Remove
        </button>
      )}
    </fieldset>
  );
};

/** The rule's actions, one or more; each button posts the form and gets this back for the new draft. */
export const ActionsBuilder: FC<{
  actions: DraftAction[];
  choices: CriteriaChoices;
  errors: Record<string, string>;
}> = ({ actions, choices, errors }) => (
  <div id="rule-actions" class="criteria-builder">
    <ErrorText id="r-actions-error" message={errors.actions} />
    {actions.map((a, i) => (
      <ActionRow action={a} index={i} choices={choices} errors={errors} removable={actions.length > 1} />
    ))}
    <div class="builder-actions">
      {actions.length < MAX_ACTIONS ? (
        <button
          type="submit"
          name="op"
          value="add-action"
          formaction={`${BASE}/actions`}
          class="button"
          {...rebuildActions("add-action")}
        >
          Add action
        </button>
      ) : (
        <span class="muted">That is as many actions as a rule can hold.</span>
      )}
    </div>
  </div>
);

const Choice: FC<{ name: string; value: string; checked: boolean; label: string; hint: string }> = (p) => (
  <label class="choice">
    <input type="radio" name={p.name} value={p.value} checked={p.checked} />
    <span>
      {p.label}
      <small class="muted"> {p.hint}</small>
    </span>
  </label>
);

export interface RuleFormProps {
  draft: RuleDraft;
  errors: Record<string, string>;
  choices: CriteriaChoices;
  preview: PreviewResult | null;
  csrfToken: string | null;
}

/** The live preview's words for a rule: who it would act on now. */
export const RulePreview: FC<{ preview: PreviewResult | null; problems: number }> = ({ preview, problems }) =>
  preview === null ? (
    <CriteriaPreview preview={null} problems={problems} />
  ) : (
    <div role="status">
      <p class="preview-count">
        Would match <strong>{preview.count.toLocaleString("en-US")}</strong>{" "}
        {preview.count === 1 ? "prospect" : "prospects"} now.
      </p>
      {preview.prospects.length > 0 && (
        <ul class="plain-list preview-list">
          {preview.prospects.map((p) => (
            <li>
              <a href={`/admin/prospects/${p.id}`} class="wrap">
                <bdi>{p.email}</bdi>
              </a>{" "}
              <span class="muted">score {p.score}</span>
            </li>
          ))}
        </ul>
      )}
      {preview.count > preview.prospects.length && (
        <p class="muted small">The newest {preview.prospects.length} are shown.</p>
      )}
    </div>
  );

/** Automation > Add rule: name, criteria builder, actions, how often, where to start; the live preview beside. */
export const RuleFormPage: FC<RuleFormProps> = (p) => {
  const ctx = { formId: RULE_FORM_ID, builderUrl: `${BASE}/builder`, choices: p.choices, errors: p.errors };
  const problems = Object.keys(p.errors).length;
  return (
    <div id="rule-form-page">
      <PageHeader
        title="Add rule"
        lead="When a prospect matches the criteria, the rule takes its actions, as webinar activity and prospect changes are recorded."
        actions={
          <a class="button" href="/admin/automation">
            Cancel
          </a>
        }
      />
      {problems > 0 && (
        <Flash kind="error">
          <p>{p.errors._form ?? "The rule was not saved. Fix these and save again:"}</p>
          {!p.errors._form && (
            <ul class="plain-list wrap">
              {[...new Set(Object.values(p.errors))].map((m) => (
                <li>{m}</li>
              ))}
            </ul>
          )}
        </Flash>
      )}
      <div class="builder-layout">
        <form id={RULE_FORM_ID} method="post" action={BASE} novalidate class="panel">
          <CsrfField token={p.csrfToken} />
          <Field label="Name" name="name" value={p.draft.name} error={p.errors.name} required maxlength={100} />
          <h2>When</h2>
          <CriteriaBuilder draft={p.draft.criteria} ctx={ctx} />
          <h2>Then</h2>
          <ActionsBuilder actions={p.draft.actions} choices={p.choices} errors={p.errors} />
          <fieldset class={p.errors.mode ? "choices has-error" : "choices"}>
            <legend>How often</legend>
            <Choice
              name="mode"
              value="once"
              checked={p.draft.mode !== "repeat"}
              label="Once per prospect"
              hint="A prospect who matches again later is not acted on again."
            />
            <Choice
              name="mode"
              value="repeat"
              checked={p.draft.mode === "repeat"}
              label="Each time a prospect newly matches"
              hint="After it stopped matching, a new match acts again."
            />
            <ErrorText id="r-mode-error" message={p.errors.mode} />
          </fieldset>
          <fieldset class={p.errors.start ? "choices has-error" : "choices"}>
            <legend>On save</legend>
            <Choice
              name="start"
              value="existing"
              checked={p.draft.start !== "new"}
              label="Apply to prospects who already match"
              hint="A job with a progress bar acts on them; the rule page shows it."
            />
            <Choice
              name="start"
              value="new"
              checked={p.draft.start === "new"}
              label="Only from now on"
              hint="Prospects who match now are left as they are; the rule acts on new matches."
            />
            <ErrorText id="r-start-error" message={p.errors.start} />
          </fieldset>
          <button type="submit" name="op" value="save" class="button primary">
            Save rule
          </button>
        </form>
        <aside class="panel builder-preview">
          <h2>Who matches</h2>
          <div
            id="criteria-preview"
            hx-post={`${BASE}/preview`}
            hx-include={`#${RULE_FORM_ID}`}
            hx-trigger={`input from:#${RULE_FORM_ID} delay:500ms, change from:#${RULE_FORM_ID}`}
            hx-swap="innerHTML"
          >
            <RulePreview preview={p.preview} problems={problems} />
          </div>
        </aside>
      </div>
    </div>
  );
};

/** The criteria builder after a change, and the preview for it (out of band), for htmx. */
export const RuleBuilderFragment: FC<{
  draft: RuleDraft;
  choices: CriteriaChoices;
  preview: PreviewResult | null;
  problems: number;
}> = (p) => (
  <>
    <CriteriaBuilder
      draft={p.draft.criteria}
      ctx={{ formId: RULE_FORM_ID, builderUrl: `${BASE}/builder`, choices: p.choices, errors: {} }}
    />
    <div id="criteria-preview" hx-swap-oob="innerHTML">
      <RulePreview preview={p.preview} problems={p.problems} />
    </div>
  </>
);

function percent(job: JobRow): number {
  if (!job.total) return job.state === "done" ? 100 : 0;
  return Math.min(100, Math.round((job.done / job.total) * 100));
}

function howOf(job: JobRow): "act" | "note" {
  return job.params.includes('"note"') ? "note" : "act";
}

/** The rule's apply job; it polls itself while the job is queued or running. */
export const RuleJobProgress: FC<{ ruleId: string; job: JobRow | null }> = ({ ruleId, job }) => {
  if (!job) return <div id="rule-job" />;
  const active = job.state === "queued" || job.state === "running";
  const note = howOf(job) === "note";
  const doing = note ? "Noting who already matches" : "Applying the rule to prospects who already match";
  return (
    <div
      id="rule-job"
      class="progress-block"
      {...(active ? { "hx-get": `${BASE}/${ruleId}/progress`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" } : {})}
    >
      {active && (
        <>
          <p>
            {job.state === "queued"
              ? `${doing} is about to start…`
              : `${doing}: ${job.done.toLocaleString("en-US")} of ${plural(job.total ?? 0, "prospect")} checked…`}
          </p>
          <progress max={100} value={percent(job)} aria-label={doing}>
            {percent(job)}%
          </progress>
        </>
      )}
      {job.state === "done" && (
        <p class="muted">
          {note ? "Noted who already matched" : "Applied to the prospects who matched"} <Time iso={job.finishedAt} /> (
          {plural(job.done, "prospect")} checked); since then the rule acts as changes are recorded.
        </p>
      )}
      {job.state === "failed" && (
        <Flash kind="error">
          The run over existing prospects stopped: {job.lastError ?? "an error"}. Use Apply now to retry.
        </Flash>
      )}
    </div>
  );
};

export interface RuleDetailProps {
  rule: RuleSummary;
  words: { lead: string; lines: string[] } | null;
  actions: string[];
  job: JobRow | null;
  taken: ActionTaken[];
  nextHref: string | null;
  flash?: string | undefined;
  error?: string | undefined;
  csrfToken: string | null;
}

/** A rule's page: what it does, its state, its run over existing prospects, and every action it took. */
export const RuleDetail: FC<RuleDetailProps> = (p) => {
  const r = p.rule;
  return (
    <div id="rule">
      <PageHeader
        title={`Rule: ${r.name}`}
        lead={MODE_WORDS[r.mode]}
        actions={
          <a class="button" href="/admin/automation">
            All rules
          </a>
        }
      />
      {p.flash && <Flash kind="success">{p.flash}</Flash>}
      {p.error && <Flash kind="error">{p.error}</Flash>}
      <section class="panel">
        <div class="panel-head">
          <h2>
            <StatusBadge status={r.status} />
          </h2>
          <div class="row-actions-inline">
            {r.status === "active" ? (
              <>
                <PostButton action={`${BASE}/${r.id}/pause`} csrfToken={p.csrfToken} target="#rule">
                  Pause
                </PostButton>
                <PostButton action={`${BASE}/${r.id}/apply`} csrfToken={p.csrfToken} target="#rule">
                  Apply now
                </PostButton>
              </>
            ) : (
              <>
                <PostButton
                  action={`${BASE}/${r.id}/resume?how=act`}
                  csrfToken={p.csrfToken}
                  kind="primary"
                  target="#rule"
                >
                  Resume and apply to who matches
                </PostButton>
                <PostButton action={`${BASE}/${r.id}/resume?how=note`} csrfToken={p.csrfToken} target="#rule">
                  Resume from now on
                </PostButton>
              </>
            )}
            <PostButton
              action={`${BASE}/${r.id}/delete`}
              csrfToken={p.csrfToken}
              kind="danger"
              confirm={`Delete the rule “${r.name}”? It stops acting at once; what it already did stays.`}
            >
              Delete
            </PostButton>
          </div>
        </div>
        <RuleJobProgress ruleId={r.id} job={p.job} />
        <h3>When</h3>
        {p.words ? (
          <>
            <p>{p.words.lead}</p>
            <ul class="plain-list wrap">
              {p.words.lines.map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          </>
        ) : (
          <p class="muted">These criteria no longer read; delete the rule and add it again.</p>
        )}
        <h3>Then</h3>
        <ol class="plain-list wrap">
          {p.actions.map((a) => (
            <li>{a}</li>
          ))}
        </ol>
        <dl class="facts">
          <div>
            <dt>Acted on</dt>
            <dd>{plural(r.actedOn, "prospect")}</dd>
          </div>
          <div>
            <dt>Last action</dt>
            <dd>
              <Time iso={r.lastActedAt} />
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <Time iso={r.createdAt} />
            </dd>
          </div>
        </dl>
      </section>
      <section class="panel">
        <h2>Actions taken</h2>
        {p.taken.length === 0 ? (
          <EmptyState title="No actions yet">
            <p>Each action the rule takes appears here: on whom, what, what triggered it, and when.</p>
          </EmptyState>
        ) : (
          <DataTable columns={["Prospect", "Action", "Triggered by", "When"]}>
            {p.taken.map((t) => (
              <tr>
                <td data-label="Prospect">
                  <a href={`/admin/prospects/${t.prospectId}`} class="wrap">
                    <bdi>{t.email}</bdi>
                  </a>
                </td>
                <td data-label="Action" class="wrap">
                  <ActionTakenWords taken={t} />
                </td>
                <td data-label="Triggered by" class="wrap">
                  <TriggerWords taken={t} />
                </td>
                <td data-label="When">
                  <Time iso={t.takenAt} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <Pager nextHref={p.nextHref} />
      </section>
    </div>
  );
};
