import type { FC } from "hono/jsx";
import type { JobRow } from "../../../db/queries/jobs";
import type { ActionTaken, RuleSummary } from "../../../db/queries/rules";
import { MODE_WORDS } from "../../../domain/rules";
import { plural } from "../../../lib/plural";
import { DataTable, EmptyState, Flash, PageHeader, Pager, PostButton, Time } from "../../components";
import { ActionTakenWords, TriggerWords } from "./rule-parts";

/** Automation: the rules list, a rule's page and its apply job's progress (the form is ./rule-form.tsx). */

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
            <a class="button" href={`${BASE}/${r.id}/edit`}>
              Edit
            </a>
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
          <p class="muted">These criteria no longer read; edit the rule and choose them again.</p>
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
