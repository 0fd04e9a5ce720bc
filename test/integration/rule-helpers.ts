import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type Criteria, draftFromCriteria, fieldsOfDraft } from "../../src/domain/criteria";
import type { RuleAction } from "../../src/domain/rules";
import { call, form, rows, type Session } from "../helpers";

/** Shared by the automation rule tests: a rule saved through Automation > Add rule, and its job run. */

export interface RuleSpec {
  name: string;
  mode?: "once" | "repeat";
  start?: "existing" | "new";
  criteria: Criteria;
  actions: RuleAction[];
}

/** The Add rule form's fields for a rule, as the browser posts them. */
export function ruleFields(spec: RuleSpec): Record<string, string> {
  const fields: Record<string, string> = {
    name: spec.name,
    mode: spec.mode ?? "once",
    start: spec.start ?? "new",
    ...fieldsOfDraft(draftFromCriteria(spec.criteria)),
  };
  spec.actions.forEach((a, i) => {
    for (const [k, v] of Object.entries(a)) fields[`actions.${i}.${k}`] = String(v);
  });
  return fields;
}

export async function postRule(
  admin: Session,
  fields: Record<string, string>,
): Promise<{ status: number; html: string; location: string | null }> {
  const res = await call("/admin/automation/rules", {
    method: "POST",
    cookie: admin.cookie,
    ...form({ _csrf: admin.csrf, ...fields }),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

/** Saves a rule through the form and waits for its job (apply to who matches, or note who does). */
export async function addRule(admin: Session, spec: RuleSpec): Promise<string> {
  const saved = await postRule(admin, ruleFields(spec));
  if (saved.status !== 303 || !saved.location) {
    throw new Error(`saving rule ${spec.name} answered ${saved.status}: ${saved.html.slice(0, 2000)}`);
  }
  const id = saved.location.split("/").at(-1) ?? "";
  await jobsDone();
  return id;
}

/** Runs the JobRunner's alarm until no job is queued or running. */
export async function jobsDone(timeoutMs = 60_000): Promise<void> {
  const runner = env.JOB_RUNNER.getByName("jobs");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [active] = await rows<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE state IN ('queued', 'running')");
    if ((active?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error("jobs still active");
    await runDurableObjectAlarm(runner);
  }
}

export async function tagsOf(prospectId: string): Promise<string[]> {
  return (
    await rows<{ tag: string }>("SELECT tag FROM prospect_tags WHERE prospect_id = ? ORDER BY tag", prospectId)
  ).map((r) => r.tag);
}

export async function listIdsOf(prospectId: string): Promise<string[]> {
  return (
    await rows<{ list_id: string }>(
      "SELECT list_id FROM list_members WHERE prospect_id = ? ORDER BY list_id",
      prospectId,
    )
  ).map((r) => r.list_id);
}

export async function scoreOf(prospectId: string): Promise<number> {
  const [row] = await rows<{ score: number }>("SELECT score FROM prospects WHERE id = ?", prospectId);
  return row?.score ?? Number.NaN;
}

export async function actionsTaken(ruleId: string): Promise<
  {
    subject_id: string;
    prospect_id: string;
    generation: number;
    type: string;
    outcome: string;
    trigger: string;
    activity_id: string | null;
  }[]
> {
  return rows(
    `SELECT subject_id, prospect_id, generation, type, outcome, trigger, activity_id FROM rule_actions_taken
     WHERE rule_id = ? ORDER BY subject_id, generation, position`,
    ruleId,
  );
}

export async function newStaticList(name: string): Promise<string> {
  const id = `lst_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  await env.DB.prepare("INSERT INTO lists (id, name) VALUES (?, ?)").bind(id, name).run();
  return id;
}
