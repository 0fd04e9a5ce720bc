import type { FC } from "hono/jsx";
import { ACTIVITY_TYPES, type ActivityType } from "../../../domain/scoring";
import { CsrfField, DataTable, Flash, PageHeader } from "../../components";

export interface ScoringRow {
  type: ActivityType;
  value: string;
  isDefault: boolean;
  error?: string | undefined;
}

/** Admin > Automation Settings > Scoring Rules. */
export const ScoringPage: FC<{ rows: ScoringRow[]; csrfToken: string | null; flash?: string | undefined }> = ({
  rows,
  csrfToken,
  flash,
}) => (
  <>
    <PageHeader
      title="Scoring rules"
      lead="Points per activity type. A prospect's score is the sum of its activities' points."
      actions={
        <a class="button subtle" href="/admin/automation">
          Automation
        </a>
      }
    />
    {flash && <Flash kind="success">{flash}</Flash>}
    {rows.some((r) => r.error) && (
      <Flash kind="error">Some points are not valid. Correct the fields marked below.</Flash>
    )}
    <section class="panel narrow">
      <p>
        Each activity is scored once, when it is recorded, with the points in force then. Changing a rule applies to
        activities recorded from now on; scores already given stay as they are, so a prospect's score never jumps
        without something happening to the prospect.
      </p>
      <form method="post" action="/admin/automation/scoring" novalidate>
        <CsrfField token={csrfToken} />
        <DataTable columns={["Activity", { label: "Default", class: "num" }, "Points"]}>
          {rows.map((r) => {
            const id = `f-points_${r.type}`;
            return (
              <tr>
                <td data-label="Activity">
                  <label for={id}>{ACTIVITY_TYPES[r.type].label}</label>
                </td>
                <td data-label="Default" class="num">
                  {ACTIVITY_TYPES[r.type].defaultPoints}
                </td>
                <td data-label="Points">
                  <div class={r.error ? "field has-error" : "field"}>
                    <input
                      id={id}
                      name={`points_${r.type}`}
                      type="number"
                      inputmode="numeric"
                      min={-1000}
                      max={1000}
                      step={1}
                      value={r.value}
                      class="points-input"
                      aria-invalid={r.error ? "true" : undefined}
                      aria-describedby={r.error ? `${id}-error` : undefined}
                    />
                    {r.error && (
                      <small class="error" id={`${id}-error`}>
                        {r.error}
                      </small>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
        <div class="form-actions">
          <button type="submit" class="button primary">
            Save scoring rules
          </button>
        </div>
      </form>
    </section>
  </>
);
