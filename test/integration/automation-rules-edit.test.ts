import { beforeAll, describe, expect, it } from "vitest";
import { afterFactsChanged } from "../../src/db/queries/activities";
import { runBatch } from "../../src/db/queries/statements";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { db, seedProspect } from "./report-seed";
import {
  actionsTaken,
  addRule,
  jobsDone,
  listIdsOf,
  newStaticList,
  type RuleSpec,
  ruleFields,
  scoreOf,
  tagsOf,
} from "./rule-helpers";

/**
 * Editing a rule: its name, criteria, actions and mode change through the Edit form, the audit log
 * records the rule before and after, and what the rule already did stays: a prospect it acted on
 * is not acted on again (once per prospect), whatever the new criteria say.
 */

let admin: Session;
let list: string;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  list = await newStaticList("Edit follow-up");
});

const now = () => new Date().toISOString();

async function setTag(prospectId: string, tag: string): Promise<void> {
  const at = now();
  await runBatch(db(), [
    {
      toSQL: () => ({
        sql: "INSERT INTO prospect_tags (prospect_id, tag, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        params: [prospectId, tag, at],
      }),
    },
    ...afterFactsChanged({ ids: [prospectId] }, at),
  ]);
}

async function postEdit(ruleId: string, spec: RuleSpec) {
  const res = await call(`/admin/automation/rules/${ruleId}`, {
    method: "POST",
    cookie: admin.cookie,
    ...form({ _csrf: admin.csrf, ...ruleFields(spec) }),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

async function ruleRow(id: string) {
  const [row] = await rows<{ name: string; mode: string; criteria: string; updated_at: string }>(
    "SELECT name, mode, criteria, updated_at FROM rules WHERE id = ?",
    id,
  );
  return row;
}

describe("editing an automation rule", () => {
  it("shows the saved rule in the Edit form, saying what happens to prospects who already match", async () => {
    const rule = await addRule(admin, {
      name: "Edit form shows me",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "edit-shown" }] },
      actions: [{ type: "add_tag", tag: "shown-tag" }],
    });
    const res = await call(`/admin/automation/rules/${rule}/edit`, { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Edit rule: Edit form shows me");
    expect(html).toContain('value="Edit form shows me"');
    expect(html).toContain('value="edit-shown"');
    expect(html).toContain('value="shown-tag"');
    expect(html).toContain("Prospects who already match");
    expect(html).toContain("never acts twice on anyone");
    expect(html).toContain(`action="/admin/automation/rules/${rule}"`);
    const page = await (await call(`/admin/automation/rules/${rule}`, { cookie: admin.cookie })).text();
    expect(page).toContain(`href="/admin/automation/rules/${rule}/edit"`);
    expect((await call("/admin/automation/rules/rul_nothere/edit", { cookie: admin.cookie })).status).toBe(404);
  });

  it("changes name, criteria, actions and mode; the audit log has before and after; a once action taken is not taken again", async () => {
    const rule = await addRule(admin, {
      name: "Edit me",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "edit-old" }] },
      actions: [{ type: "adjust_score", points: 5 }],
    });
    const acted = await seedProspect("edit-acted@example.com");
    await setTag(acted, "edit-old");
    expect(await scoreOf(acted)).toBe(5);
    // Matches only the new criteria, before the edit: applied to on save.
    const waiting = await seedProspect("edit-waiting@example.com");
    await setTag(waiting, "edit-new");
    expect(await scoreOf(waiting)).toBe(0);
    await setTag(acted, "edit-new");

    const saved = await postEdit(rule, {
      name: "Edited rule",
      mode: "once",
      start: "existing",
      criteria: { match: "any", conditions: [{ kind: "tag", tag: "edit-new" }] },
      actions: [
        { type: "adjust_score", points: 5 },
        { type: "add_to_list", listId: list },
      ],
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/admin/automation/rules/${rule}?edited=1`);
    await jobsDone();

    const row = await ruleRow(rule);
    expect(row?.name).toBe("Edited rule");
    expect(JSON.parse(row?.criteria ?? "{}").match).toBe("any");
    const actions = await rows<{ position: number; type: string }>(
      "SELECT position, type FROM rule_actions WHERE rule_id = ? ORDER BY position",
      rule,
    );
    expect(actions.map((a) => a.type)).toEqual(["adjust_score", "add_to_list"]);

    // The prospect acted on under the old criteria matches the new ones too: nothing again.
    expect(await scoreOf(acted)).toBe(5);
    expect(await listIdsOf(acted)).toEqual([]);
    await setTag(acted, "edit-again");
    expect(await scoreOf(acted)).toBe(5);
    // The one who matched only the new criteria was acted on by the apply job, once.
    expect(await scoreOf(waiting)).toBe(5);
    expect(await listIdsOf(waiting)).toEqual([list]);
    const taken = await actionsTaken(rule);
    expect(taken.filter((t) => t.subject_id === acted).map((t) => t.type)).toEqual(["adjust_score"]);
    expect(taken.filter((t) => t.subject_id === waiting).map((t) => [t.type, t.trigger])).toEqual([
      ["adjust_score", "apply"],
      ["add_to_list", "apply"],
    ]);

    const [audit] = await rows<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit_log WHERE subject = ? ORDER BY id DESC LIMIT 1",
      rule,
    );
    expect(audit?.action).toBe("rule.updated");
    const detail = JSON.parse(audit?.detail ?? "{}");
    expect(detail.before.name).toBe("Edit me");
    expect(detail.after.name).toBe("Edited rule");
    expect(detail.before.actions).toHaveLength(1);
    expect(detail.after.actions).toHaveLength(2);
    expect(detail.before.criteria).not.toBe(detail.after.criteria);
    expect(detail.start).toBe("existing");

    const page = await (await call(`/admin/automation/rules/${rule}?edited=1`, { cookie: admin.cookie })).text();
    expect(page).toContain("Rule: Edited rule");
    expect(page).toContain("What the rule already did stays");
  });

  it("only from now on: who matches the new criteria at save is noted, not acted on, until a new match; mode repeat then acts again", async () => {
    const rule = await addRule(admin, {
      name: "Edit from now on",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "fromnow-old" }] },
      actions: [{ type: "add_tag", tag: "fromnow-done" }],
    });
    const p = await seedProspect("edit-fromnow@example.com");
    await setTag(p, "fromnow-new");
    const saved = await postEdit(rule, {
      name: "Edit from now on",
      mode: "repeat",
      start: "new",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "fromnow-new" }] },
      actions: [{ type: "add_tag", tag: "fromnow-done" }],
    });
    expect(saved.status).toBe(303);
    await jobsDone();
    expect((await ruleRow(rule))?.mode).toBe("repeat");
    expect(await tagsOf(p)).toEqual(["fromnow-new"]);
    expect(await actionsTaken(rule)).toEqual([]);
    // A new prospect matching from now on is acted on.
    const later = await seedProspect("edit-fromnow-later@example.com");
    await setTag(later, "fromnow-new");
    expect(await tagsOf(later)).toEqual(["fromnow-done", "fromnow-new"]);
  });

  it("refuses a name another rule has, a list that is gone, and bad fields with 422, changing nothing", async () => {
    await addRule(admin, {
      name: "Edit taken name",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "taken-x" }] },
      actions: [{ type: "add_tag", tag: "x" }],
    });
    const rule = await addRule(admin, {
      name: "Edit refused",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "refused-x" }] },
      actions: [{ type: "add_tag", tag: "y" }],
    });
    const before = await ruleRow(rule);
    const base: RuleSpec = {
      name: "Edit refused",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "refused-new" }] },
      actions: [{ type: "add_tag", tag: "y" }],
    };
    const taken = await postEdit(rule, { ...base, name: "Edit taken name" });
    expect(taken.status).toBe(422);
    expect(taken.html).toContain("There is already a rule with this name");
    expect(taken.html).toContain("Edit rule: Edit refused");
    const gone = await postEdit(rule, { ...base, actions: [{ type: "add_to_list", listId: "lst_gone" }] });
    expect(gone.status).toBe(422);
    const blank = await postEdit(rule, { ...base, name: "" });
    expect(blank.status).toBe(422);
    expect(await ruleRow(rule)).toEqual(before);
    const actions = await rows<{ tag: string }>("SELECT tag FROM rule_actions WHERE rule_id = ?", rule);
    expect(actions.map((a) => a.tag)).toEqual(["y"]);
    // Keeping its own name is no clash.
    expect((await postEdit(rule, base)).status).toBe(303);
    expect((await postEdit("rul_nothere", base)).status).toBe(404);
  });
});
