import type { FC } from "hono/jsx";
import type { RuleSummary } from "../../../db/queries/rules";
import { Flash, PageHeader } from "../../components";
import { RulesSection } from "./rules";

/** Admin > Automation: automation rules, and the way to the scoring rules. */
export const AutomationPage: FC<{
  rules: RuleSummary[];
  words: Map<string, { when: string; actions: string[] }>;
  flash?: string | undefined;
}> = ({ rules, words, flash }) => (
  <>
    <PageHeader
      title="Automation"
      lead="Rules on webinar status and prospect fields that add to lists, tag, adjust scores and assign campaigns, and the scoring rules that give points per activity."
    />
    {flash && <Flash kind="success">{flash}</Flash>}
    <RulesSection rules={rules} words={words} />
    <section class="cards">
      <a class="card panel link-card" href="/admin/automation/scoring">
        <h2>Scoring rules</h2>
        <p>Points per activity type: Registered, Accepted, Attended and more.</p>
      </a>
    </section>
  </>
);
