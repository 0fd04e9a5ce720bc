import type { FC } from "hono/jsx";
import { EmptyState, PageHeader } from "../../components";

/** Admin > Automation Settings: scoring rules now; automation rules come with a later issue. */
export const AutomationPage: FC = () => (
  <>
    <PageHeader
      title="Automation"
      lead="Rules on webinar status, and the scoring rules that give points per activity."
    />
    <section class="cards">
      <a class="card panel link-card" href="/admin/automation/scoring">
        <h2>Scoring rules</h2>
        <p>Points per activity type: Registered, Accepted, Attended and more.</p>
      </a>
    </section>
    <EmptyState title="No automation rules yet">
      <p>
        Automation rules (a prospect registered, attended or was absent for a webinar: add to a list, tag, adjust the
        score, assign a campaign) come with a later issue.
      </p>
    </EmptyState>
  </>
);
