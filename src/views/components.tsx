import type { Child, FC } from "hono/jsx";

export const PageHeader: FC<{ title: string; lead?: Child; actions?: Child }> = (props) => (
  <div class="page-header">
    <div>
      <h1 dir="auto">{props.title}</h1>
      {props.lead && <p class="lead">{props.lead}</p>}
    </div>
    {props.actions && <div class="actions">{props.actions}</div>}
  </div>
);

/** An area that has no data yet says what will be there and what to do, instead of a bare table. */
export const EmptyState: FC<{ title: string; children: Child; action?: Child }> = (props) => (
  <section class="empty-state">
    <h2>{props.title}</h2>
    <div>{props.children}</div>
    {props.action && <div class="actions">{props.action}</div>}
  </section>
);

export const Flash: FC<{ kind: "success" | "error" | "info"; children: Child }> = (props) => (
  <div class={`flash flash-${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
    {props.children}
  </div>
);

/** Copies the value of the element with this id to the clipboard (public/js/copy.js). */
export const CopyButton: FC<{ target: string; label?: string }> = ({ target, label = "Copy" }) => (
  <button type="button" class="button copy-button" data-copy={target} aria-live="polite">
    {label}
  </button>
);

export const CsrfField: FC<{ token: string | null }> = ({ token }) => (
  <input type="hidden" name="_csrf" value={token ?? ""} />
);

export interface FieldProps {
  label: string;
  name: string;
  type?: string;
  value?: string;
  error?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  maxlength?: number;
  minlength?: number;
}

/** A labelled control (the children, whose id is `f-<name>`) with its error message under it. */
export const LabelledField: FC<{ name: string; label: string; error?: string | undefined; children: Child }> = (p) => (
  <div class={p.error ? "field has-error" : "field"}>
    <label for={`f-${p.name}`}>{p.label}</label>
    {p.children}
    {p.error && (
      <small class="error" id={`f-${p.name}-error`}>
        {p.error}
      </small>
    )}
  </div>
);

/** The attributes that tie the control `f-<name>` to its error message, when it has one. */
export function invalidAttrs(name: string, error: string | undefined): Record<string, string> {
  return error ? { "aria-invalid": "true", "aria-describedby": `f-${name}-error` } : {};
}

/** A labelled input with its error message tied to it for screen readers. */
export const Field: FC<FieldProps> = (p) => (
  <LabelledField name={p.name} label={p.label} error={p.error}>
    <input
      id={`f-${p.name}`}
      name={p.name}
      type={p.type ?? "text"}
      value={p.value ?? ""}
      required={p.required}
      autocomplete={p.autocomplete}
      maxlength={p.maxlength}
      minlength={p.minlength}
      {...invalidAttrs(p.name, p.error)}
    />
    {p.hint && <small class="hint">{p.hint}</small>}
  </LabelledField>
);

/** A filter form's values as sent, and its messages, by field name. */
export interface FilterForm {
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** A filter's drop-down: `any` first (the empty value: no filter), then the choices, the current one selected. */
export const FilterSelect: FC<{
  name: string;
  label: string;
  any: string;
  choices: readonly { id: string; name: string }[];
  form: FilterForm;
}> = ({ name, form, ...p }) => (
  <LabelledField name={name} label={p.label} error={form.errors[name]}>
    <select id={`f-${name}`} name={name} {...invalidAttrs(name, form.errors[name])}>
      <option value="">{p.any}</option>
      {p.choices.map((c) => (
        <option value={c.id} selected={form.values[name] === c.id}>
          {c.name}
        </option>
      ))}
    </select>
  </LabelledField>
);

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export const Time: FC<{ iso: string | null | undefined }> = ({ iso }) =>
  iso ? <time datetime={iso}>{formatTime(iso)}</time> : <span class="muted">never</span>;

/**
 * The link to the next page of a keyset-paged list, after the list's own buttons if it has any;
 * nothing when there is neither.
 */
export const Pager: FC<{ nextHref: string | null | undefined; children?: Child }> = ({ nextHref, children }) =>
  nextHref || children ? (
    <p class="pager">
      {children}
      {nextHref && (
        <a class="button" href={nextHref}>
          Next page
        </a>
      )}
    </p>
  ) : null;

/** A column heading: its text, or its text with a class (`num` right-aligns a column of numbers). */
export type Column = string | { label: Child; class?: string };

/**
 * A list as a table that becomes cards on phones (public/css/app.css): every cell of a row says
 * its column in `data-label`. The rows are the children.
 */
export const DataTable: FC<{ columns: readonly Column[]; class?: string; children: Child }> = (p) => (
  <div class="table-wrap">
    <table class={p.class ? `responsive ${p.class}` : "responsive"}>
      <thead>
        <tr>
          {p.columns.map((col) =>
            typeof col === "string" ? (
              <th scope="col">{col}</th>
            ) : (
              <th scope="col" class={col.class}>
                {col.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{p.children}</tbody>
    </table>
  </div>
);

/** With a target, htmx posts the form itself and puts the answer in place of the target. */
function htmxReplace(action: string, target: string | undefined): Record<string, string> {
  return target ? { "hx-post": action, "hx-target": target, "hx-swap": "outerHTML" } : {};
}

/** A one-field form that adds something by its name (a list, a campaign, an API key). */
export const NameForm: FC<{
  action: string;
  csrfToken: string | null;
  submit: string;
  value?: string | undefined;
  error?: string | undefined;
  maxlength: number;
  hint?: string;
  /** For htmx: the element the answer replaces (outerHTML). */
  target?: string;
}> = (p) => (
  <form method="post" action={p.action} {...htmxReplace(p.action, p.target)} class="row-form" novalidate>
    <CsrfField token={p.csrfToken} />
    <Field label="Name" name="name" value={p.value} error={p.error} required maxlength={p.maxlength} hint={p.hint} />
    <button type="submit" class="button primary">
      {p.submit}
    </button>
  </form>
);

/** A button that posts with the CSRF token; for htmx, `target` is the element the answer replaces. */
export const PostButton: FC<{
  action: string;
  csrfToken: string | null;
  kind?: "primary" | "danger" | "subtle";
  target?: string;
  confirm?: string;
  children: Child;
}> = (p) => (
  <form method="post" action={p.action} {...htmxReplace(p.action, p.target)} hx-confirm={p.confirm} class="inline">
    <CsrfField token={p.csrfToken} />
    <button type="submit" class={p.kind ? `button ${p.kind}` : "button"}>
      {p.children}
    </button>
  </form>
);
