import type { FC } from "hono/jsx";
import { ACTION_LABELS, type DraftAction, MAX_ACTIONS, MAX_TAG, RULE_ACTION_TYPES } from "../../../domain/rules";
import type { CriteriaChoices } from "./criteria-builder";

/** A rule form's actions: one row per action, each with the fields its type needs, rebuilt by htmx as they change. */

/** The rule form's id, which the action buttons include in what they post. */
export const RULE_FORM_ID = "rule-form";
const BASE = "/admin/automation/rules";

function idOf(name: string): string {
  return `r-${name.replace(/\./g, "-")}`;
}

export const ErrorText: FC<{ id: string; message: string | undefined }> = ({ id, message }) =>
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
