import type { FC } from "hono/jsx";
import type { RuleDraft } from "../../../domain/rules";
import { CsrfField, Field, Flash, PageHeader } from "../../components";
import type { CriteriaChoices, PreviewResult } from "./criteria-builder";
import { CriteriaBuilder, CriteriaPreview, PreviewPanel } from "./criteria-builder";
import { ActionsBuilder, ErrorText, RULE_FORM_ID } from "./rule-actions";

/** The Add rule and Edit rule form: name, criteria builder, actions, how often, where to start, the live preview. */

const BASE = "/admin/automation/rules";

const Choice: FC<{ name: string; value: string; checked: boolean; label: string; hint: string }> = (p) => (
  <label class="choice">
    <input type="radio" name={p.name} value={p.value} checked={p.checked} />
    <span>
      {p.label}
      <small class="muted"> {p.hint}</small>
    </span>
  </label>
);

/** One radio choice of the form (its field `name`), with the error of that field under it. */
const ChoiceSet: FC<{
  name: string;
  legend: string;
  note?: string;
  /** The option that is checked. */
  value: string;
  options: { value: string; label: string; hint: string }[];
  errors: Record<string, string>;
}> = (p) => (
  <fieldset class={p.errors[p.name] ? "choices has-error" : "choices"}>
    <legend>{p.legend}</legend>
    {p.note && <p class="muted small">{p.note}</p>}
    {p.options.map((o) => (
      <Choice name={p.name} value={o.value} checked={p.value === o.value} label={o.label} hint={o.hint} />
    ))}
    <ErrorText id={`r-${p.name}-error`} message={p.errors[p.name]} />
  </fieldset>
);

export interface RuleFormProps {
  draft: RuleDraft;
  /** The rule being edited; unset for Add rule. */
  editing?: { id: string; name: string } | undefined;
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

/** Where a rule starts, on Add rule; on Edit, what happens to prospects who already match, said before saving. */
const START_CHOICES = {
  add: {
    legend: "On save",
    options: [
      {
        value: "existing",
        label: "Apply to prospects who already match",
        hint: "A job with a progress bar acts on them; the rule page shows it.",
      },
      {
        value: "new",
        label: "Only from now on",
        hint: "Prospects who match now are left as they are; the rule acts on new matches.",
      },
    ],
  },
  edit: {
    legend: "Prospects who already match",
    note: "What the rule already did stays. A prospect it already acted on is not acted on again for the same match: a once-per-prospect rule never acts twice on anyone, whatever the new criteria. Changed actions apply to the next matches only.",
    options: [
      {
        value: "existing",
        label: "Apply to prospects who match now",
        hint: "A job acts on those who match the saved criteria and were not acted on yet.",
      },
      {
        value: "new",
        label: "Only from now on",
        hint: "Prospects who match the saved criteria now are noted, not acted on; the rule acts on new matches.",
      },
    ],
  },
};

const MODE_OPTIONS = [
  { value: "once", label: "Once per prospect", hint: "A prospect who matches again later is not acted on again." },
  {
    value: "repeat",
    label: "Each time a prospect newly matches",
    hint: "After it stopped matching, a new match acts again.",
  },
];

/** Automation > Add rule (and a rule's Edit): name, criteria builder, actions, how often, where to start; the live preview beside. */
export const RuleFormPage: FC<RuleFormProps> = (p) => {
  const ctx = { formId: RULE_FORM_ID, builderUrl: `${BASE}/builder`, choices: p.choices, errors: p.errors };
  const problems = Object.keys(p.errors).length;
  return (
    <div id="rule-form-page">
      <PageHeader
        title={p.editing ? `Edit rule: ${p.editing.name}` : "Add rule"}
        lead="When a prospect matches the criteria, the rule takes its actions, as webinar activity and prospect changes are recorded."
        actions={
          <a class="button" href={p.editing ? `${BASE}/${p.editing.id}` : "/admin/automation"}>
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
        <form
          id={RULE_FORM_ID}
          method="post"
          action={p.editing ? `${BASE}/${p.editing.id}` : BASE}
          novalidate
          class="panel"
        >
          <CsrfField token={p.csrfToken} />
          {p.editing && <input type="hidden" name="editing" value={p.editing.id} />}
          <Field label="Name" name="name" value={p.draft.name} error={p.errors.name} required maxlength={100} />
          <h2>When</h2>
          <CriteriaBuilder draft={p.draft.criteria} ctx={ctx} />
          <h2>Then</h2>
          <ActionsBuilder actions={p.draft.actions} choices={p.choices} errors={p.errors} />
          <ChoiceSet
            name="mode"
            legend="How often"
            value={p.draft.mode === "repeat" ? "repeat" : "once"}
            options={MODE_OPTIONS}
            errors={p.errors}
          />
          <ChoiceSet
            name="start"
            {...START_CHOICES[p.editing ? "edit" : "add"]}
            value={p.draft.start === "new" ? "new" : "existing"}
            errors={p.errors}
          />
          <button type="submit" name="op" value="save" class="button primary">
            {p.editing ? "Save changes" : "Save rule"}
          </button>
        </form>
        <PreviewPanel
          action={`${BASE}/preview`}
          formId={RULE_FORM_ID}
          trigger={`input from:#${RULE_FORM_ID} delay:500ms, change from:#${RULE_FORM_ID}`}
        >
          <RulePreview preview={p.preview} problems={problems} />
        </PreviewPanel>
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
