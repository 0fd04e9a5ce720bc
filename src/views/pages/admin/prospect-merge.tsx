import type { FC } from "hono/jsx";
import type { ProspectRow } from "../../../db/queries/prospect-reports";
import { plural } from "../../../lib/plural";
import { CsrfField, Field, Flash, PageHeader } from "../../components";
import { personName } from "./webinar-parts";

const LEAD = "Choose two prospects that are the same person, then the one to keep.";

/** Step 1: choose the two prospects, by email or id. */
export const MergeChoosePage: FC<{
  a: string;
  b: string;
  errors: { a?: string | undefined; b?: string | undefined; _form?: string | undefined };
}> = ({ a, b, errors }) => (
  <>
    <PageHeader title="Merge prospects" lead={LEAD} />
    {errors._form && <Flash kind="error">{errors._form}</Flash>}
    <section class="panel narrow">
      <form method="get" action="/admin/prospects/merge" class="stack" novalidate>
        <Field label="First prospect (email)" name="a" value={a} error={errors.a} maxlength={254} />
        <Field label="Second prospect (email)" name="b" value={b} error={errors.b} maxlength={254} />
        <div class="form-actions">
          <button type="submit" class="button primary">
            Continue
          </button>
          <a class="button subtle" href="/admin/prospects">
            Cancel
          </a>
        </div>
      </form>
      <p class="muted small">You can also tick two prospects in the prospect list.</p>
    </section>
  </>
);

const Side: FC<{
  prospect: ProspectRow;
  totals: { activities: number; registrations: number };
  checked: boolean;
}> = ({ prospect, totals, checked }) => (
  <label class="card panel merge-side" for={`master-${prospect.id}`}>
    <span class="merge-choice">
      <input type="radio" name="master" id={`master-${prospect.id}`} value={prospect.id} checked={checked} required />{" "}
      Keep this one
    </span>
    <strong class="merge-email">
      <bdi>{prospect.email}</bdi>
    </strong>
    <span>{personName(prospect) ? <bdi>{personName(prospect)}</bdi> : <span class="muted">(no name)</span>}</span>
    {prospect.company && <span class="muted">{prospect.company}</span>}
    <span>
      Score {prospect.score} · {plural(totals.activities, "activity", "activities")} ·{" "}
      {plural(totals.registrations, "webinar registration")}
    </span>
  </label>
);

/** Step 2: choose the master and confirm. */
export const MergeConfirmPage: FC<{
  first: ProspectRow;
  second: ProspectRow;
  totals: Record<string, { activities: number; registrations: number }>;
  master: string;
  error?: string | undefined;
  csrfToken: string | null;
}> = ({ first, second, totals, master, error, csrfToken }) => (
  <>
    <PageHeader title="Merge prospects" lead={LEAD} />
    {error && <Flash kind="error">{error}</Flash>}
    <form method="post" action="/admin/prospects/merge" class="stack">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="a" value={first.id} />
      <input type="hidden" name="b" value={second.id} />
      <fieldset class="merge-sides">
        <legend>Which prospect do you keep?</legend>
        {[first, second].map((p) => (
          <Side prospect={p} totals={totals[p.id] ?? { activities: 0, registrations: 0 }} checked={master === p.id} />
        ))}
      </fieldset>
      <section class="panel">
        <h2>What happens</h2>
        <ul>
          <li>The prospect you keep stays as it is; its empty fields are filled from the other one.</li>
          <li>
            The other one's activities and webinar registrations move to it. Where both have the same activity, or a
            registration for the same webinar, one is kept.
          </li>
          <li>Its score becomes the sum of its activities' points.</li>
          <li>
            The other email is recorded: GoTo registrants with it land on the prospect you keep. A Rollcall form with
            that email creates a new prospect.
          </li>
          <li>A merge cannot be undone.</li>
        </ul>
      </section>
      <div class="form-actions">
        <button type="submit" class="button primary">
          Merge prospects
        </button>
        <a class="button subtle" href="/admin/prospects/merge">
          Choose others
        </a>
      </div>
    </form>
  </>
);
