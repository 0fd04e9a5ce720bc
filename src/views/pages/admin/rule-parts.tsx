import type { FC } from "hono/jsx";
import type { ActionTaken } from "../../../db/queries/rules";
import { describeTaken } from "../../../domain/rules";
import { ACTIVITY_TYPES, isActivityType } from "../../../domain/scoring";

/** Pieces the rule's page and the prospect's timeline share: an action taken and what triggered it. */

export function takenWords(t: ActionTaken): string {
  if (!t.action) return "An action this version no longer reads";
  const names = { list: () => t.listName, campaign: () => t.campaignName };
  if (t.outcome === "skipped") {
    if (t.action.type === "add_to_list") return "Skipped adding to a list that no longer exists";
    if (t.action.type === "remove_from_list") return "Skipped removing from a list that no longer exists";
    if (t.action.type === "assign_campaign") return "Skipped assigning a campaign that no longer exists";
  }
  return describeTaken(t.action, names);
}

export const ActionTakenWords: FC<{ taken: ActionTaken }> = ({ taken }) => (
  <span class={taken.outcome === "skipped" ? "muted" : undefined}>{takenWords(taken)}</span>
);

function activityLabel(type: string): string {
  return isActivityType(type) ? ACTIVITY_TYPES[type].label : type.replace(/_/g, " ");
}

export const TriggerWords: FC<{ taken: ActionTaken }> = ({ taken }) => {
  if (taken.trigger === "apply") return <span class="muted">Applied to prospects who already matched</span>;
  const a = taken.triggerActivity;
  if (taken.trigger === "activity" && a) {
    return (
      <span>
        {activityLabel(a.type)}
        {a.webinarId && (
          <>
            {" "}
            <a href={`/admin/webinars/${a.webinarId}`}>{a.webinarSubject ?? "a webinar"}</a>
          </>
        )}
      </span>
    );
  }
  if (taken.trigger === "activity") return <span class="muted">An activity since merged away</span>;
  if (taken.trigger === "attendance" && taken.triggerWebinar) {
    return (
      <span>
        The attendance of{" "}
        <a href={`/admin/webinars/${taken.triggerWebinar.id}`}>{taken.triggerWebinar.subject ?? "a webinar"}</a>, read
        after it ended
      </span>
    );
  }
  return <span class="muted">A change to the prospect</span>;
};

/** One match of a rule on a prospect: the actions it took together. */
export interface Firing {
  key: string;
  ruleId: string;
  ruleName: string;
  ruleDeleted: boolean;
  takenAt: string;
  actions: ActionTaken[];
  /** The score adjustment among them (its points are on the score_adjusted activity). */
  points: number;
}

/** Actions taken, grouped by the match that took them, newest first. */
export function firingsOf(taken: readonly ActionTaken[]): Firing[] {
  const byKey = new Map<string, Firing>();
  for (const t of taken) {
    const key = `${t.ruleId} ${t.subjectId} ${t.generation}`;
    let f = byKey.get(key);
    if (!f) {
      f = {
        key,
        ruleId: t.ruleId,
        ruleName: t.ruleName,
        ruleDeleted: t.ruleDeleted,
        takenAt: t.takenAt,
        actions: [],
        points: 0,
      };
      byKey.set(key, f);
    }
    f.actions.push(t);
    if (t.action?.type === "adjust_score" && t.outcome === "done") f.points += t.action.points;
  }
  for (const f of byKey.values()) f.actions.sort((a, b) => a.id - b.id);
  return [...byKey.values()].sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
}

export const FiringWords: FC<{ firing: Firing }> = ({ firing }) => {
  const first = firing.actions[0];
  return (
    <>
      <strong>
        Rule{" "}
        {firing.ruleDeleted ? (
          <>“{firing.ruleName}” (deleted)</>
        ) : (
          <a href={`/admin/automation/rules/${firing.ruleId}`}>“{firing.ruleName}”</a>
        )}
      </strong>
      : {firing.actions.map((t) => takenWords(t)).join("; ")}
      {first && (
        <div class="muted small">
          Triggered by: <TriggerWords taken={first} />
        </div>
      )}
    </>
  );
};
