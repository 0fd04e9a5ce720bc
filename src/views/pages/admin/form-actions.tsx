import type { FC } from "hono/jsx";
import type { UpcomingWebinar } from "../../../db/queries/forms";
import {
  type FormAction,
  type FormField,
  PROSPECT_FIELD_KEYS,
  PROSPECT_FIELDS,
  type RegisterAction,
  sourceForGoToField,
} from "../../../domain/forms";
import { DataTable, formatTime } from "../../components";

export interface ActionChoices {
  webinars: UpcomingWebinar[];
  lists: { id: string; name: string }[];
  campaigns: { id: string; name: string }[];
}

const Err: FC<{ id: string; message: string | undefined }> = ({ id, message }) =>
  message ? (
    <small class="error" id={`${id}-error`}>
      {message}
    </small>
  ) : null;

/** The completion actions of a form or form handler: one control each. */
export const ActionsEditor: FC<{ actions: FormAction[]; choices: ActionChoices; errors: Record<string, string> }> = ({
  actions,
  choices,
  errors,
}) => {
  const find = <T extends FormAction["type"]>(t: T) =>
    actions.find((a) => a.type === t) as Extract<FormAction, { type: T }> | undefined;
  const register = find("register_webinar");
  return (
    <fieldset class="panel">
      <legend>Completion actions</legend>
      <p class="hint">
        They run for every accepted submission. Filtered submissions (<a href="/admin/filters">Forms &gt; Filters</a>)
        see the thank-you but run none.
      </p>
      <div class="field">
        <label for="f-register_webinar">Register for webinar</label>
        <select id="f-register_webinar" name="register_webinar">
          <option value="">Do not register</option>
          {choices.webinars.map((w) => (
            <option value={w.id} selected={register?.webinarId === w.id}>
              {w.subject} ({formatTime(w.startsAt)})
            </option>
          ))}
        </select>
        <small class="hint">
          Only upcoming webinars are listed. A form that registers needs email, first name and last name as required
          fields.
        </small>
        <Err id="f-register_webinar" message={errors.register_webinar} />
      </div>
      <div class="field">
        <label for="f-add_to_list">Add to list</label>
        <select id="f-add_to_list" name="add_to_list">
          <option value="">No list</option>
          {choices.lists.map((l) => (
            <option value={l.id} selected={find("add_to_list")?.listId === l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <small class="hint">
          Make lists under <a href="/admin/lists">Lists</a>.
        </small>
        <Err id="f-add_to_list" message={errors.add_to_list} />
      </div>
      <div class="field">
        <label for="f-add_tag">Add tag</label>
        <input id="f-add_tag" name="add_tag" type="text" maxlength={50} value={find("add_tag")?.tag ?? ""} />
        <Err id="f-add_tag" message={errors.add_tag} />
      </div>
      <div class="field">
        <label for="f-adjust_score">Adjust score (points)</label>
        <input
          id="f-adjust_score"
          name="adjust_score"
          type="number"
          min={-1000}
          max={1000}
          step={1}
          value={String(find("adjust_score")?.points ?? "")}
        />
        <Err id="f-adjust_score" message={errors.adjust_score} />
      </div>
      <div class="field">
        <label for="f-assign_campaign">Assign campaign</label>
        <select id="f-assign_campaign" name="assign_campaign">
          <option value="">Keep the prospect's campaign</option>
          {choices.campaigns.map((cmp) => (
            <option value={cmp.id} selected={find("assign_campaign")?.campaignId === cmp.id}>
              {cmp.name}
            </option>
          ))}
        </select>
        <Err id="f-assign_campaign" message={errors.assign_campaign} />
      </div>
    </fieldset>
  );
};

/**
 * GoTo's own registration fields and questions for the picked webinar, each mapped to a
 * form field; a required one left unmapped is listed as a problem and keeps the form from going live.
 */
export const GoToMapping: FC<{
  action: RegisterAction | null;
  fields: { key: string; label: string }[];
  formFields: FormField[];
}> = ({ action, fields, formFields }) => {
  if (!action) return null;
  if (!action.goto) {
    return (
      <section class="panel" id="goto-mapping">
        <h2>GoTo registration questions</h2>
        <p>GoTo's questions for this webinar are read when you save. Save the form to see them.</p>
        <button type="submit" name="op" value="refresh_goto" class="button">
          Read GoTo's questions
        </button>
      </section>
    );
  }
  const extraFields = action.goto.fields.filter((f) => !["email", "firstName", "lastName"].includes(f.field));
  const picker = (name: string, selected: string | null, label: string) => (
    <select id={`f-${name}`} name={name} aria-label={label}>
      <option value="">Not mapped</option>
      {fields.map((f) => (
        <option value={f.key} selected={f.key === selected}>
          {f.label}
        </option>
      ))}
    </select>
  );
  return (
    <section class="panel" id="goto-mapping">
      <h2>GoTo registration questions</h2>
      <p class="hint">
        Read from GoTo {formatTime(action.goto.fetchedAt)}. Answers are sent with each registration.{" "}
        <button type="submit" name="op" value="refresh_goto" class="button subtle">
          Read again
        </button>
      </p>
      {extraFields.length + action.goto.questions.length === 0 ? (
        <p>This webinar asks only for email, first name and last name.</p>
      ) : (
        <DataTable columns={["GoTo asks", "Required", "Form field"]}>
          {extraFields.map((f) => (
            <tr>
              <td data-label="GoTo asks">
                <label for={`f-map_${f.field}`}>{f.field}</label>
              </td>
              <td data-label="Required">{f.required ? "Required" : "Optional"}</td>
              <td data-label="Form field">
                {picker(`map_${f.field}`, sourceForGoToField(action, formFields, f.field), f.field)}
              </td>
            </tr>
          ))}
          {action.goto.questions.map((q) => (
            <tr>
              <td data-label="GoTo asks">
                <label for={`f-map_${q.questionKey}`}>{q.question}</label>
                {q.type === "multipleChoice" && (
                  <small class="hint"> One of: {q.answers.map((a) => a.answer).join(", ")}</small>
                )}
              </td>
              <td data-label="Required">{q.required ? "Required" : "Optional"}</td>
              <td data-label="Form field">
                {picker(`map_${q.questionKey}`, action.mapping[q.questionKey] ?? null, q.question)}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
};

export function fieldChoices(fields: FormField[]): { key: string; label: string }[] {
  return fields.map((f) => ({ key: f.key, label: `${f.label} (${f.key})` }));
}

export const PROSPECT_FIELD_OPTIONS = PROSPECT_FIELD_KEYS.map((k) => ({ key: k, label: PROSPECT_FIELDS[k].label }));
