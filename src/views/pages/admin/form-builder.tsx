import type { FC } from "hono/jsx";
import {
  FIELD_TYPES,
  type FormAction,
  type FormField,
  type FormTheme,
  missingRegistrationFields,
  registerAction,
} from "../../../domain/forms";
import { CopyButton, CsrfField, DataTable, Flash, PageHeader } from "../../components";
import { PublicForm, themeHref } from "../public/form";
import { type ActionChoices, ActionsEditor, fieldChoices, GoToMapping, PROSPECT_FIELD_OPTIONS } from "./form-actions";

export interface BuilderForm {
  id: string | null;
  name: string;
  status: "draft" | "live";
  fields: FormField[];
  actions: FormAction[];
  theme: FormTheme;
  thankYouMessage: string | null;
  redirectUrl: string | null;
}

export interface BuilderProps {
  form: BuilderForm;
  choices: ActionChoices;
  errors: Record<string, string>;
  /** Why the form was not saved, or cannot go live. */
  problems: string[];
  problemTitle?: string;
  flash?: string;
  csrfToken: string | null;
  origin: string;
}

export const NEW_FORM: BuilderForm = {
  id: null,
  name: "",
  status: "draft",
  fields: [
    { key: "email", type: "email", label: "Email", required: true, defaultValue: "", options: [] },
    { key: "firstName", type: "text", label: "First name", required: true, defaultValue: "", options: [] },
    { key: "lastName", type: "text", label: "Last name", required: true, defaultValue: "", options: [] },
  ],
  actions: [],
  theme: { accent: "#2457d6", background: "#ffffff", text: "#1d2330" },
  thankYouMessage: "Thank you for registering! GoTo will email you the link to join.",
  redirectUrl: null,
};

const FieldRow: FC<{ i: number; field: FormField | null; errors: Record<string, string> }> = ({ i, field, errors }) => {
  const custom = field?.key.startsWith("custom_") ?? false;
  const keyChoice = field ? (custom ? "custom" : field.key) : "";
  const name = (part: string) => `field_${i}_${part}`;
  const id = (part: string) => `f-field_${i}_${part}`;
  const err = (part: string) => errors[name(part)];
  const row = `Field ${i + 1}`;
  return (
    <tr class={field ? undefined : "blank-row"}>
      <td data-label="Order">
        <input
          id={id("order")}
          name={name("order")}
          type="number"
          min={1}
          max={99}
          value={String(i + 1)}
          aria-label={`${row} order`}
          class="narrow"
        />
      </td>
      <td data-label="Field">
        <select id={id("key")} name={name("key")} aria-label={`${row} field`}>
          <option value="">{field ? "—" : "Add a field…"}</option>
          {PROSPECT_FIELD_OPTIONS.map((o) => (
            <option value={o.key} selected={keyChoice === o.key}>
              {o.label}
            </option>
          ))}
          <option value="custom" selected={keyChoice === "custom"}>
            Custom field…
          </option>
        </select>
        <input
          id={id("custom")}
          name={name("custom")}
          type="text"
          maxlength={40}
          placeholder="custom field name"
          aria-label={`${row} custom field name`}
          value={custom ? (field?.key.slice(7) ?? "") : ""}
        />
        {(err("key") || err("custom")) && <small class="error">{err("key") ?? err("custom")}</small>}
      </td>
      <td data-label="Type">
        <select id={id("type")} name={name("type")} aria-label={`${row} type`}>
          {FIELD_TYPES.map((t) => (
            <option value={t} selected={field?.type === t}>
              {t}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Label">
        <input
          id={id("label")}
          name={name("label")}
          type="text"
          maxlength={100}
          value={field?.label ?? ""}
          aria-label={`${row} label`}
        />
        {err("label") && <small class="error">{err("label")}</small>}
      </td>
      <td data-label="Required">
        <input
          id={id("required")}
          name={name("required")}
          type="checkbox"
          checked={field?.required ?? false}
          aria-label={`${row} required`}
        />
      </td>
      <td data-label="Default / choices">
        <input
          id={id("default")}
          name={name("default")}
          type="text"
          maxlength={500}
          value={field?.defaultValue ?? ""}
          aria-label={`${row} default value`}
          placeholder="default"
        />
        <input
          id={id("options")}
          name={name("options")}
          type="text"
          value={field?.options.join(", ") ?? ""}
          aria-label={`${row} choices`}
          placeholder="choices, comma-separated (select)"
        />
        {(err("default") || err("options")) && <small class="error">{err("default") ?? err("options")}</small>}
      </td>
      <td data-label="Remove">
        {field && <input name={name("remove")} type="checkbox" aria-label={`${row} remove`} />}
      </td>
    </tr>
  );
};

/** The builder: fields, actions, GoTo's questions, look, and a live preview beside it. */
export const FormBuilder: FC<BuilderProps> = (p) => {
  const f = p.form;
  const action = f.id ? `/admin/forms/${f.id}` : "/admin/forms";
  const register = registerAction(f.actions);
  const snippet = f.id ? `<script src="${p.origin}/f/${f.id}/embed.js"></script>` : "";
  return (
    <div id="form-builder-page">
      <link rel="stylesheet" href="/css/forms.css" />
      <PageHeader
        title={f.id ? `Form: ${f.name}` : "New form"}
        lead="Build a registration form from prospect fields and your own fields, choose what happens on submit, and put it on your site."
        actions={
          f.id && (
            <a class="button" href={`/admin/forms/${f.id}/submissions`}>
              Submissions
            </a>
          )
        }
      />
      {p.flash && <Flash kind="success">{p.flash}</Flash>}
      {p.problems.length > 0 && (
        <div class="flash flash-error" role="alert" id="form-problems">
          <strong>{p.problemTitle ?? "The form was not saved:"}</strong>
          <ul>
            {p.problems.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
          {missingRegistrationFields(f).length > 0 && (
            <button type="submit" form="form-builder" name="op" value="add_registration_fields" class="button">
              Add email, first and last name as required fields
            </button>
          )}
        </div>
      )}
      {p.errors._form && <Flash kind="error">{p.errors._form}</Flash>}
      <div class="builder-grid">
        <form id="form-builder" method="post" action={action} novalidate>
          <CsrfField token={p.csrfToken} />
          <section class="panel">
            <div class={p.errors.name ? "field has-error" : "field"}>
              <label for="f-name">Form name</label>
              <input id="f-name" name="name" type="text" maxlength={100} required value={f.name} />
              {p.errors.name && <small class="error">{p.errors.name}</small>}
            </div>
            <fieldset class="field">
              <legend>Status</legend>
              <label>
                <input type="radio" name="status" value="draft" checked={f.status === "draft"} /> Draft (not reachable
                by visitors)
              </label>
              <label>
                <input type="radio" name="status" value="live" checked={f.status === "live"} /> Live
              </label>
            </fieldset>
          </section>
          <section class="panel">
            <h2>Fields</h2>
            <p class="hint">
              Prospect fields update the prospect record; custom fields are kept with it too. Order sets the order on
              the form.
            </p>
            <DataTable
              columns={["Order", "Field", "Type", "Label", "Required", "Default / choices", "Remove"]}
              class="builder-fields"
            >
              {f.fields.map((field, i) => (
                <FieldRow i={i} field={field} errors={p.errors} />
              ))}
              <FieldRow i={f.fields.length} field={null} errors={p.errors} />
            </DataTable>
            <button type="submit" name="op" value="add_field" class="button">
              Add field row
            </button>
          </section>
          <ActionsEditor actions={f.actions} choices={p.choices} errors={p.errors} />
          <GoToMapping action={register} fields={fieldChoices(f.fields)} formFields={f.fields} />
          <section class="panel">
            <h2>After submitting</h2>
            <div class={p.errors.thank_you ? "field has-error" : "field"}>
              <label for="f-thank_you">Thank-you message</label>
              <textarea id="f-thank_you" name="thank_you" rows={2} maxlength={1000}>
                {f.thankYouMessage ?? ""}
              </textarea>
              {p.errors.thank_you && <small class="error">{p.errors.thank_you}</small>}
            </div>
            <div class={p.errors.redirect_url ? "field has-error" : "field"}>
              <label for="f-redirect_url">Or redirect to (URL)</label>
              <input
                id="f-redirect_url"
                name="redirect_url"
                type="url"
                value={f.redirectUrl ?? ""}
                placeholder="https://www.example.com/thanks"
              />
              {p.errors.redirect_url && <small class="error">{p.errors.redirect_url}</small>}
            </div>
          </section>
          <section class="panel">
            <h2>Colours</h2>
            <div class="row-form">
              <div class="field">
                <label for="f-theme_accent">Button colour</label>
                <input id="f-theme_accent" name="theme_accent" type="color" value={f.theme.accent} />
              </div>
              <div class="field">
                <label for="f-theme_background">Background</label>
                <input id="f-theme_background" name="theme_background" type="color" value={f.theme.background} />
              </div>
              <div class="field">
                <label for="f-theme_text">Text</label>
                <input id="f-theme_text" name="theme_text" type="color" value={f.theme.text} />
              </div>
            </div>
            {p.errors.theme && <small class="error">{p.errors.theme}</small>}
          </section>
          <button type="submit" name="op" value="save" class="button primary">
            Save form
          </button>
        </form>
        <aside class="builder-side">
          <section class="panel">
            <h2>Preview</h2>
            <div
              id="form-preview"
              hx-post="/admin/forms/preview"
              hx-include="#form-builder"
              hx-trigger="input from:#form-builder delay:400ms, change from:#form-builder"
              hx-swap="innerHTML"
            >
              <FormPreview form={f} />
            </div>
          </section>
          {f.id && (
            <section class="panel">
              <h2>Put it on your site</h2>
              {f.status === "live" ? (
                <>
                  <p>
                    Hosted page:{" "}
                    <a href={`/f/${f.id}`} id="hosted-link" class="wrap">
                      {p.origin}/f/{f.id}
                    </a>
                  </p>
                  <label for="embed-snippet">Embed snippet</label>
                  <textarea id="embed-snippet" readonly rows={3}>
                    {snippet}
                  </textarea>
                  <CopyButton target="embed-snippet" label="Copy snippet" />
                </>
              ) : (
                <p>Make the form live to get its link and embed snippet.</p>
              )}
            </section>
          )}
        </aside>
      </div>
    </div>
  );
};

/** The preview: the public form itself, with the chosen colours, controls disabled. */
export const FormPreview: FC<{ form: BuilderForm }> = ({ form }) => (
  <div class="rc-preview">
    <link rel="stylesheet" href={themeHref(form.theme)} />
    <PublicForm
      form={{
        id: form.id ?? "preview",
        fields: form.fields,
        theme: form.theme,
        submitLabel: registerAction(form.actions) ? "Register" : "Submit",
      }}
      state={{ values: {}, errors: {}, utm: {}, referrer: null }}
      preview
    />
  </div>
);
