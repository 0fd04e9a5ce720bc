import type { Child, FC } from "hono/jsx";
import {
  type Choice,
  CRITERIA_LIMITS,
  CRITERION_KINDS,
  type Draft,
  type DraftCondition,
  type FieldSpec,
  isDraftGroup,
  kindOf,
} from "../../../domain/criteria";
import { formatTime } from "../../components";

/**
 * The criteria builder (dynamic lists now, automation rules later): conditions and groups, each
 * condition's inputs those of its kind. Inputs are named by their path (`conditions.1.minutes`),
 * the same path its error has. Every button and kind change posts the whole form to `builderUrl`,
 * which answers this component for the draft after the change.
 */

export interface CriteriaChoices {
  webinars: { id: string; name: string; startsAt: string }[];
  campaigns: { id: string; name: string }[];
  lists: { id: string; name: string }[];
}

export interface BuilderContext {
  /** The form the builder is in (its id), posted whole on every change. */
  formId: string;
  builderUrl: string;
  choices: CriteriaChoices;
  errors: Record<string, string>;
}

/** htmx attributes of a builder control: post the form, replace the builder. */
function rebuild(ctx: BuilderContext, op: string, trigger?: string): Record<string, string> {
  return {
    "hx-post": ctx.builderUrl,
    "hx-include": `#${ctx.formId}`,
    "hx-target": "#criteria-builder",
    "hx-swap": "outerHTML",
    "hx-vals": JSON.stringify({ op }),
    ...(trigger ? { "hx-trigger": trigger } : {}),
  };
}

const OpButton: FC<{ ctx: BuilderContext; op: string; label: string; kind?: string; aria?: string }> = (p) => (
  <button
    type="submit"
    name="op"
    value={p.op}
    formaction={p.ctx.builderUrl}
    class={p.kind ? `button ${p.kind}` : "button"}
    aria-label={p.aria}
    {...rebuild(p.ctx, p.op)}
  >
    {p.label}
  </button>
);

const ErrorText: FC<{ id: string; message: string | undefined }> = ({ id, message }) =>
  message ? (
    <small class="error" id={id}>
      {message}
    </small>
  ) : null;

function idOf(name: string): string {
  return `c-${name.replace(/\./g, "-")}`;
}

const SECTIONS = ["Webinars", "Prospect", "Engagement"] as const;

const MatchSelect: FC<{ name: string; value: string; label: string; error?: string | undefined }> = (p) => (
  <span class="match-select">
    <label for={idOf(p.name)} class="visually-hidden">
      {p.label}
    </label>
    <select id={idOf(p.name)} name={p.name} aria-invalid={p.error ? "true" : undefined}>
      <option value="all" selected={p.value !== "any"}>
        all
      </option>
      <option value="any" selected={p.value === "any"}>
        any
      </option>
    </select>
  </span>
);

function choicesFor(field: FieldSpec, ctx: BuilderContext): readonly Choice[] | null {
  switch (field.type) {
    case "select":
      return field.options;
    case "webinar":
      return ctx.choices.webinars.map((w) => ({ value: w.id, label: `${w.name} (${formatTime(w.startsAt)})` }));
    case "campaign":
      return ctx.choices.campaigns.map((c) => ({ value: c.id, label: c.name }));
    case "list":
      return ctx.choices.lists.map((l) => ({ value: l.id, label: l.name }));
    default:
      return null;
  }
}

const ConditionFieldInput: FC<{
  field: FieldSpec;
  path: string;
  value: string;
  ctx: BuilderContext;
  /** Other inputs depend on this one: changing it re-renders the condition. */
  drives: boolean;
}> = ({ field, path, value, ctx, drives }) => {
  const name = `${path}.${field.name}`;
  const id = idOf(name);
  const error = ctx.errors[name];
  const described = error ? `${id}-error` : undefined;
  const choices = choicesFor(field, ctx);
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={id}>{field.label}</label>
      {choices ? (
        <select
          id={id}
          name={name}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={described}
          {...(drives ? rebuild(ctx, "refresh", "change") : {})}
        >
          {field.type !== "select" && <option value="">{`Pick ${field.label.toLowerCase()}…`}</option>}
          {value !== "" && !choices.some((c) => c.value === value) && (
            <option value={value} selected>
              (deleted)
            </option>
          )}
          {choices.map((c) => (
            <option value={c.value} selected={c.value === value}>
              {c.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={name}
          type={field.type === "number" ? "number" : "text"}
          value={value}
          inputmode={field.type === "number" ? "numeric" : undefined}
          min={field.type === "number" ? field.min : undefined}
          max={field.type === "number" ? field.max : undefined}
          maxlength={field.type === "text" ? field.maxlength : undefined}
          placeholder={field.type === "text" ? field.placeholder : undefined}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={described}
        />
      )}
      {field.hint && <small class="hint">{field.hint}</small>}
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
};

const ConditionRow: FC<{
  condition: DraftCondition;
  path: string;
  label: string;
  removeOp: string;
  ctx: BuilderContext;
}> = ({ condition, path, label, removeOp, ctx }) => {
  const kind = kindOf(condition.kind);
  const kindName = `${path}.kind`;
  const drivers = new Set(kind?.fields.flatMap((f) => (f.showWhen ? [f.showWhen.param] : [])) ?? []);
  const rowError = ctx.errors[path] ?? ctx.errors[kindName];
  return (
    <fieldset class="condition">
      <legend>{label}</legend>
      <div class="condition-fields">
        <div class={rowError ? "field has-error" : "field"}>
          <label for={idOf(kindName)}>Kind</label>
          <select
            id={idOf(kindName)}
            name={kindName}
            aria-invalid={rowError ? "true" : undefined}
            aria-describedby={rowError ? `${idOf(kindName)}-error` : undefined}
            {...rebuild(ctx, "refresh", "change")}
          >
            {!kind && <option value="">Choose a kind…</option>}
            {SECTIONS.map((section) => {
              const kinds = CRITERION_KINDS.filter((k) => k.section === section);
              return kinds.length === 0 ? null : (
                <optgroup label={section}>
                  {kinds.map((k) => (
                    <option value={k.kind} selected={k.kind === condition.kind}>
                      {k.label}
                    </option>
                  ))}
                </optgroup>
              );
            })}
          </select>
          <ErrorText id={`${idOf(kindName)}-error`} message={rowError} />
        </div>
        {kind?.fields
          .filter((f) => !f.showWhen || f.showWhen.values.includes(condition.values[f.showWhen.param] ?? ""))
          .map((f) => (
            <ConditionFieldInput
              field={f}
              path={path}
              value={condition.values[f.name] ?? ""}
              ctx={ctx}
              drives={drivers.has(f.name)}
            />
          ))}
      </div>
      <noscript>
        <button type="submit" name="op" value="refresh" formaction={ctx.builderUrl} class="button subtle">
          Show this kind's settings
        </button>
      </noscript>
      <OpButton ctx={ctx} op={removeOp} label="Remove" kind="subtle" aria={`Remove ${label.toLowerCase()}`} />
    </fieldset>
  );
};

function conditionCount(draft: Draft): number {
  return draft.items.reduce((n, item) => n + (isDraftGroup(item) ? item.conditions.length : 1), 0);
}

export const CriteriaBuilder: FC<{ draft: Draft; ctx: BuilderContext }> = ({ draft, ctx }) => {
  const room = conditionCount(draft) < CRITERIA_LIMITS.conditions;
  const topRoom = room && draft.items.length < CRITERIA_LIMITS.items;
  return (
    <div id="criteria-builder" class="criteria-builder">
      <p class="match-line">
        Prospects who match{" "}
        <MatchSelect name="match" value={draft.match} label="Match all or any" error={ctx.errors.match} /> of these:
      </p>
      <ErrorText id="c-match-error" message={ctx.errors.match} />
      <ErrorText id="c-conditions-error" message={ctx.errors.conditions} />
      {draft.items.map((item, i) =>
        isDraftGroup(item) ? (
          <fieldset class="condition-group">
            <legend>
              Group {i + 1}:{" "}
              <MatchSelect
                name={`conditions.${i}.match`}
                value={item.match}
                label={`Group ${i + 1} matches all or any`}
              />{" "}
              of
            </legend>
            <ErrorText id={`c-conditions-${i}-match-error`} message={ctx.errors[`conditions.${i}.match`]} />
            <ErrorText id={`c-conditions-${i}-conditions-error`} message={ctx.errors[`conditions.${i}.conditions`]} />
            {item.conditions.map((c, j) => (
              <ConditionRow
                condition={c}
                path={`conditions.${i}.conditions.${j}`}
                label={`Condition ${i + 1}.${j + 1}`}
                removeOp={`remove:${i}.${j}`}
                ctx={ctx}
              />
            ))}
            <div class="builder-actions">
              {room && item.conditions.length < CRITERIA_LIMITS.perGroup && (
                <OpButton ctx={ctx} op={`add-to:${i}`} label="Add condition to group" />
              )}
              <OpButton ctx={ctx} op={`remove:${i}`} label="Remove group" kind="subtle" />
            </div>
          </fieldset>
        ) : (
          <ConditionRow
            condition={item}
            path={`conditions.${i}`}
            label={`Condition ${i + 1}`}
            removeOp={`remove:${i}`}
            ctx={ctx}
          />
        ),
      )}
      <div class="builder-actions">
        {topRoom && <OpButton ctx={ctx} op="add" label="Add condition" />}
        {topRoom && <OpButton ctx={ctx} op="add-group" label="Add group" />}
        {!topRoom && <span class="muted">That is as many conditions as criteria can hold.</span>}
      </div>
    </div>
  );
};

export interface PreviewResult {
  count: number;
  prospects: { id: string; email: string; firstName: string | null; lastName: string | null; score: number }[];
}

/** The live preview: how many prospects match now, and the newest of them. */
export const CriteriaPreview: FC<{ preview: PreviewResult | null; problems: number }> = ({ preview, problems }) =>
  preview === null ? (
    <p class="muted" role="status">
      {problems > 0
        ? `Finish the conditions to see who matches (${problems === 1 ? "one thing" : `${problems} things`} to fix).`
        : "Add a condition to see who matches."}
    </p>
  ) : (
    <div role="status">
      <p class="preview-count">
        <strong>{preview.count.toLocaleString("en-US")}</strong>{" "}
        {preview.count === 1 ? "prospect matches now." : "prospects match now."}
      </p>
      {preview.prospects.length > 0 && (
        <ul class="plain-list preview-list">
          {preview.prospects.map((p) => (
            <li>
              <a href={`/admin/prospects/${p.id}`}>
                <bdi>{p.email}</bdi>
              </a>{" "}
              <span class="muted">
                {[p.firstName, p.lastName].filter(Boolean).join(" ")} · score {p.score}
              </span>
            </li>
          ))}
        </ul>
      )}
      {preview.count > preview.prospects.length && (
        <p class="muted">The newest {preview.prospects.length} are shown; the list keeps all of them.</p>
      )}
    </div>
  );

/**
 * The live preview beside a criteria form: when `trigger` fires, htmx posts the whole form to
 * `action` and puts the answer inside.
 */
export const PreviewPanel: FC<{ action: string; formId: string; trigger: string; children: Child }> = (p) => (
  <aside class="panel builder-preview">
    <h2>Who matches</h2>
    <div
      id="criteria-preview"
      hx-post={p.action}
      hx-include={`#${p.formId}`}
      hx-trigger={p.trigger}
      hx-swap="innerHTML"
    >
      {p.children}
    </div>
  </aside>
);
