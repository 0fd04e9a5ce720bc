import type { FC } from "hono/jsx";
import type { StoredHandler } from "../../../db/queries/forms";
import { type FormAction, registerAction } from "../../../domain/forms";
import { CsrfField, DataTable, EmptyState, Flash, PageHeader } from "../../components";
import { type ActionChoices, ActionsEditor, GoToMapping } from "./form-actions";

export type HandlerDraft = Omit<StoredHandler, "id"> & { id: string | null; actions: FormAction[] };

export const HandlerList: FC<{ handlers: (StoredHandler & { accepted: number })[] }> = ({ handlers }) => (
  <div id="form-handlers">
    <PageHeader
      title="Form handlers"
      lead="Keep your own HTML form and point its action at Rollcall: fields are mapped, actions run, and the visitor is sent to your success or error page."
      actions={
        <a class="button primary" href="/admin/form-handlers/new">
          New form handler
        </a>
      }
    />
    {handlers.length === 0 ? (
      <EmptyState title="No form handlers yet">
        <p>Create one, then set your form's action to the address it shows.</p>
      </EmptyState>
    ) : (
      <section class="panel">
        <DataTable columns={["Name", "Allowed origins", "Accepted"]}>
          {handlers.map((h) => (
            <tr>
              <td data-label="Name">
                <a href={`/admin/form-handlers/${h.id}`}>
                  <bdi>{h.name}</bdi>
                </a>
              </td>
              <td data-label="Allowed origins">{h.allowedOrigins.join(", ") || "any"}</td>
              <td data-label="Accepted">
                <a href={`/admin/form-handlers/${h.id}/submissions`}>{h.accepted}</a>
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    )}
  </div>
);

const TextArea: FC<{ name: string; label: string; value: string; error?: string; hint?: string; rows?: number }> = (
  p,
) => (
  <div class={p.error ? "field has-error" : "field"}>
    <label for={`f-${p.name}`}>{p.label}</label>
    <textarea id={`f-${p.name}`} name={p.name} rows={p.rows ?? 4}>
      {p.value}
    </textarea>
    {p.hint && <small class="hint">{p.hint}</small>}
    {p.error && <small class="error">{p.error}</small>}
  </div>
);

const Url: FC<{ name: string; label: string; value: string; error?: string }> = (p) => (
  <div class={p.error ? "field has-error" : "field"}>
    <label for={`f-${p.name}`}>{p.label}</label>
    <input id={`f-${p.name}`} name={p.name} type="url" value={p.value} maxlength={1000} />
    {p.error && <small class="error">{p.error}</small>}
  </div>
);

export const HandlerEditor: FC<{
  handler: HandlerDraft;
  errors: Record<string, string>;
  problems: string[];
  choices: ActionChoices;
  csrfToken: string | null;
  origin: string;
  flash?: string;
}> = (p) => {
  const h = p.handler;
  const fieldKeys = [...new Set(Object.values(h.fieldMap))];
  return (
    <div id="form-handler">
      <PageHeader
        title={h.id ? `Form handler: ${h.name}` : "New form handler"}
        actions={
          h.id && (
            <a class="button" href={`/admin/form-handlers/${h.id}/submissions`}>
              Submissions
            </a>
          )
        }
      />
      {p.flash && <Flash kind="success">{p.flash}</Flash>}
      {p.problems.length > 0 && (
        <div class="flash flash-error" role="alert">
          <strong>Fix these first:</strong>
          <ul>
            {p.problems.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
        </div>
      )}
      {h.id && (
        <section class="panel">
          <p>
            Set your form's action to <code id="handler-url">{`${p.origin}/fh/${h.id}`}</code> with method POST.
          </p>
        </section>
      )}
      <form method="post" action={h.id ? `/admin/form-handlers/${h.id}` : "/admin/form-handlers"} novalidate>
        <CsrfField token={p.csrfToken} />
        <section class="panel">
          <div class={p.errors.name ? "field has-error" : "field"}>
            <label for="f-name">Name</label>
            <input id="f-name" name="name" type="text" maxlength={100} value={h.name} />
            {p.errors.name && <small class="error">{p.errors.name}</small>}
          </div>
          <TextArea
            name="field_map"
            label="Field mapping"
            value={Object.entries(h.fieldMap)
              .map(([theirs, ours]) => `${theirs} = ${ours}`)
              .join("\n")}
            error={p.errors.field_map}
            hint="One a line: your form's field name = a prospect field (email, firstName, lastName, company, jobTitle, phone, country) or custom_<name>."
            rows={6}
          />
          <Url name="success_url" label="Success URL" value={h.successUrl} error={p.errors.success_url} />
          <Url name="error_url" label="Error URL" value={h.errorUrl} error={p.errors.error_url} />
          <TextArea
            name="allowed_origins"
            label="Allowed origins"
            value={h.allowedOrigins.join("\n")}
            error={p.errors.allowed_origins}
            hint="One a line, like https://www.example.com. Posts from other sites are refused. Leave empty to accept any."
            rows={3}
          />
        </section>
        <ActionsEditor actions={h.actions} choices={p.choices} errors={p.errors} />
        <GoToMapping
          action={registerAction(h.actions)}
          fields={fieldKeys.map((k) => ({ key: k, label: k }))}
          formFields={fieldKeys.map((k) => ({
            key: k,
            type: "text",
            label: k,
            required: false,
            defaultValue: "",
            options: [],
          }))}
        />
        <button type="submit" name="op" value="save" class="button primary">
          Save form handler
        </button>
      </form>
    </div>
  );
};
