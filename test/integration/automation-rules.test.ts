import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  afterFactsChanged,
  type NewActivity,
  planActivity,
  recordActivities,
  WEBINAR_ACTIVITY_TYPES,
  webinarActivityKey,
} from "../../src/db/queries/activities";
import { mergeProspects } from "../../src/db/queries/merge";
import { runBatch } from "../../src/db/queries/statements";
import { newId } from "../../src/lib/encoding";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { builderBody, liveForm, NAME_FIELDS, submit } from "./form-helpers";
import { apiKey, db, getJson, seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";
import { actionsTaken, addRule, jobsDone, listIdsOf, newStaticList, ruleFields, scoreOf, tagsOf } from "./rule-helpers";

/**
 * Automation rules as facts are recorded: once per prospect, again on each new match, paused,
 * previewed, merged, applied to who already matches (a job), every action recorded with what
 * triggered it. Facts change here the way the app changes them: activities through the recorder,
 * other facts followed by the seam (afterFactsChanged in src/db/queries/activities.ts) in the same batch.
 */

let admin: Session;
let webinar: string;
let list: string;
let campaign: string;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  const connector = await seedConnector();
  webinar = await seedWebinar(connector, "Rules tour", [[-3, -2]]);
  list = await newStaticList("Rules follow-up");
  campaign = newId("cmp");
  await env.DB.prepare("INSERT INTO campaigns (id, name) VALUES (?, 'Rules campaign')").bind(campaign).run();
});

const now = () => new Date().toISOString();

/** Records a webinar activity through the recorder, with the prospects' registrations as they are. */
async function record(
  prospectId: string,
  kind: "registered" | "attended",
  minutes: number | null = null,
): Promise<string> {
  const activity: NewActivity = planActivity(
    {
      prospectId,
      webinarId: webinar,
      type: WEBINAR_ACTIVITY_TYPES[kind],
      dedupeKey: webinarActivityKey(webinar, kind),
      minutes,
      detail: "Rules tour",
      occurredAt: now(),
    },
    new Map(),
  );
  await runBatch(db(), recordActivities([activity], now(), [prospectId]).statements);
  return activity.id;
}

/** A change of other facts (a tag here), followed by the seam, as the app's writers do. */
async function tag(prospectId: string, value: string, on: boolean): Promise<void> {
  const at = now();
  await runBatch(db(), [
    on
      ? {
          toSQL: () => ({
            sql: "INSERT INTO prospect_tags (prospect_id, tag, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            params: [prospectId, value, at],
          }),
        }
      : {
          toSQL: () => ({
            sql: "DELETE FROM prospect_tags WHERE prospect_id = ? AND tag = ?",
            params: [prospectId, value],
          }),
        },
    ...afterFactsChanged({ ids: [prospectId] }, at),
  ]);
}

async function judgeAgain(prospectId: string): Promise<void> {
  await runBatch(db(), afterFactsChanged({ ids: [prospectId] }, now()));
}

describe("automation rules as facts are recorded", () => {
  it("acts once per prospect when it newly matches, records each action with its trigger, and never again", async () => {
    const rule = await addRule(admin, {
      name: "Attended the tour",
      criteria: {
        match: "all",
        conditions: [
          { kind: "webinar_status", status: "attended", scope: "webinar", webinarId: webinar, campaignId: null },
        ],
      },
      actions: [
        { type: "add_tag", tag: "tour-attendee" },
        { type: "add_to_list", listId: list },
        { type: "adjust_score", points: 7 },
        { type: "assign_campaign", campaignId: campaign },
      ],
    });
    const p = await seedProspect("once@example.com");
    await seedRegistration(p, webinar, "registered");
    await record(p, "registered");
    expect(await actionsTaken(rule)).toEqual([]);
    expect(await tagsOf(p)).toEqual([]);

    await env.DB.prepare("UPDATE registrations SET attended = 1, minutes_attended = 30 WHERE prospect_id = ?")
      .bind(p)
      .run();
    const attended = await record(p, "attended", 30);
    expect(await tagsOf(p)).toEqual(["tour-attendee"]);
    expect(await listIdsOf(p)).toEqual([list]);
    expect(await scoreOf(p)).toBe(10 + 25 + 7);
    const [prospect] = await rows<{ campaign_id: string }>("SELECT campaign_id FROM prospects WHERE id = ?", p);
    expect(prospect?.campaign_id).toBe(campaign);
    const taken = await actionsTaken(rule);
    expect(taken.map((t) => [t.type, t.outcome, t.trigger, t.activity_id, t.generation])).toEqual([
      ["add_tag", "done", "activity", attended, 1],
      ["add_to_list", "done", "activity", attended, 1],
      ["adjust_score", "done", "activity", attended, 1],
      ["assign_campaign", "done", "activity", attended, 1],
    ]);
    const adjustments = await rows<{ dedupe_key: string; points: number; detail: string }>(
      "SELECT dedupe_key, points, detail FROM activities WHERE prospect_id = ? AND type = 'score_adjusted'",
      p,
    );
    expect(adjustments).toEqual([{ dedupe_key: `rule:${rule}:1`, points: 7, detail: "Attended the tour" }]);

    // The same facts again (a re-poll, an alarm re-run, a duplicate webhook): nothing more.
    await record(p, "attended", 30);
    await judgeAgain(p);
    expect(await actionsTaken(rule)).toHaveLength(4);
    expect(await scoreOf(p)).toBe(42);

    // The marketer takes the tag off; the prospect stops matching and matches again: a once rule stays done.
    await env.DB.prepare("DELETE FROM prospect_tags WHERE prospect_id = ?").bind(p).run();
    await env.DB.prepare("UPDATE registrations SET attended = 0 WHERE prospect_id = ?").bind(p).run();
    await judgeAgain(p);
    await env.DB.prepare("UPDATE registrations SET attended = 1 WHERE prospect_id = ?").bind(p).run();
    await judgeAgain(p);
    expect(await actionsTaken(rule)).toHaveLength(4);
    expect(await tagsOf(p)).toEqual([]);
    expect(await scoreOf(p)).toBe(42);
  });

  it("a repeat rule acts again each time the prospect newly matches, with its own score adjustment per match", async () => {
    const rule = await addRule(admin, {
      name: "VIP again",
      mode: "repeat",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "repeat-vip" }] },
      actions: [
        { type: "adjust_score", points: 3 },
        { type: "remove_from_list", listId: list },
      ],
    });
    const p = await seedProspect("repeat@example.com");
    await env.DB.prepare("INSERT INTO list_members (list_id, prospect_id) VALUES (?, ?)").bind(list, p).run();
    await tag(p, "repeat-vip", true);
    expect(await scoreOf(p)).toBe(3);
    expect(await listIdsOf(p)).toEqual([]);
    await tag(p, "repeat-vip", true);
    await judgeAgain(p);
    expect(await scoreOf(p)).toBe(3);
    await tag(p, "repeat-vip", false);
    expect(await scoreOf(p)).toBe(3);
    await tag(p, "repeat-vip", true);
    expect(await scoreOf(p)).toBe(6);
    const taken = await actionsTaken(rule);
    expect(taken.map((t) => [t.generation, t.type, t.trigger])).toEqual([
      [1, "adjust_score", "change"],
      [1, "remove_from_list", "change"],
      [2, "adjust_score", "change"],
      [2, "remove_from_list", "change"],
    ]);
    const keys = await rows<{ dedupe_key: string }>(
      "SELECT dedupe_key FROM activities WHERE prospect_id = ? ORDER BY dedupe_key",
      p,
    );
    expect(keys.map((k) => k.dedupe_key)).toEqual([`rule:${rule}:1`, `rule:${rule}:2`]);
  });

  it("a paused rule acts on no one; resumed from now on it leaves who matched alone, resumed with apply it acts on them", async () => {
    const rule = await addRule(admin, {
      name: "Pause me",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "pause-test" }] },
      actions: [{ type: "add_tag", tag: "pause-acted" }],
    });
    const post = (path: string) =>
      call(`/admin/automation/rules/${rule}/${path}`, {
        method: "POST",
        cookie: admin.cookie,
        ...form({ _csrf: admin.csrf }),
      });
    expect((await post("pause")).status).toBe(200);
    const [paused] = await rows<{ status: string }>("SELECT status FROM rules WHERE id = ?", rule);
    expect(paused?.status).toBe("paused");

    const early = await seedProspect("pause-early@example.com");
    await tag(early, "pause-test", true);
    expect(await tagsOf(early)).toEqual(["pause-test"]);

    expect((await post("resume?how=note")).status).toBe(200);
    await jobsDone();
    await judgeAgain(early);
    expect(await tagsOf(early)).toEqual(["pause-test"]);
    const late = await seedProspect("pause-late@example.com");
    await tag(late, "pause-test", true);
    expect(await tagsOf(late)).toEqual(["pause-acted", "pause-test"]);

    expect((await post("pause")).status).toBe(200);
    expect((await post("resume?how=act")).status).toBe(200);
    await jobsDone();
    expect(await tagsOf(early)).toEqual(["pause-acted", "pause-test"]);
    const taken = await actionsTaken(rule);
    expect(taken.map((t) => [t.subject_id, t.trigger])).toEqual(
      [
        [late, "change"],
        [early, "apply"],
      ].sort((a, b) => ((a[0] ?? "") < (b[0] ?? "") ? -1 : 1)),
    );
    const audit = await rows<{ action: string }>("SELECT action FROM audit_log WHERE subject = ? ORDER BY id", rule);
    expect(audit.map((a) => a.action)).toEqual([
      "rule.created",
      "rule.paused",
      "rule.resumed",
      "rule.paused",
      "rule.resumed",
    ]);
  });

  it("previews how many prospects would match now", async () => {
    for (let i = 0; i < 3; i++) await seedProspect(`preview-${i}@preview.example`);
    const body = form({
      _csrf: admin.csrf,
      ...ruleFields({
        name: "x",
        criteria: { match: "all", conditions: [{ kind: "email_domain", domain: "preview.example" }] },
        actions: [],
      }),
    });
    const res = await call("/admin/automation/rules/preview", {
      method: "POST",
      cookie: admin.cookie,
      body: body.body,
      headers: { ...body.headers, "HX-Request": "true" },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Would match <strong>3</strong> prospects now.");
  });

  it("applies a new rule to the prospects who already match, in bounded steps, once each, with its progress", async () => {
    const ids: string[] = [];
    const statements: D1PreparedStatement[] = [];
    const at = now();
    for (let i = 0; i < 1234; i++) {
      const id = `pro_bulk_${String(i).padStart(5, "0")}`;
      ids.push(id);
      statements.push(
        env.DB.prepare(
          "INSERT INTO prospects (id, email, company, source, created_at, updated_at) VALUES (?, ?, 'Bulk Co', 'manual', ?, ?)",
        ).bind(id, `bulk-${i}@example.com`, at, at),
      );
    }
    for (let i = 0; i < statements.length; i += 200) await env.DB.batch(statements.slice(i, i + 200));

    const rule = await addRule(admin, {
      name: "Bulk tag",
      start: "existing",
      criteria: { match: "all", conditions: [{ kind: "company", op: "is", value: "bulk co" }] },
      actions: [
        { type: "add_tag", tag: "bulk" },
        { type: "adjust_score", points: -2 },
      ],
    });
    const [job] = await rows<{ state: string; steps: number; done: number; total: number }>(
      "SELECT state, steps, done, total FROM jobs WHERE kind = 'rule_apply' AND subject = ?",
      rule,
    );
    expect(job?.state).toBe("done");
    expect(job?.steps).toBeGreaterThanOrEqual(3);
    expect(job?.done).toBe(job?.total);
    const [tagged] = await rows<{ n: number }>("SELECT count(*) AS n FROM prospect_tags WHERE tag = 'bulk'");
    expect(tagged?.n).toBe(1234);
    const [scored] = await rows<{ n: number; total: number }>(
      "SELECT count(*) AS n, sum(score) AS total FROM prospects WHERE company = 'Bulk Co'",
    );
    expect(scored).toEqual({ n: 1234, total: -2468 });
    const page = await (await call(`/admin/automation/rules/${rule}`, { cookie: admin.cookie })).text();
    expect(page).toContain("Applied to the prospects who matched");
    expect(page).toContain("1,234 prospects</dd>");
    expect(page).toContain("Applied to prospects who already matched");

    // Apply now runs it again: nobody is acted on twice.
    const again = await call(`/admin/automation/rules/${rule}/apply`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf }),
    });
    expect(again.status).toBe(200);
    await jobsDone();
    const [after] = await rows<{ n: number }>("SELECT count(*) AS n FROM rule_actions_taken WHERE rule_id = ?", rule);
    expect(after?.n).toBe(2 * 1234);
    const [rescored] = await rows<{ total: number }>(
      "SELECT sum(score) AS total FROM prospects WHERE company = 'Bulk Co'",
    );
    expect(rescored?.total).toBe(-2468);
  }, 120_000);

  it("shows a running job's progress bar, polled", async () => {
    const rule = await addRule(admin, {
      name: "Progress shown",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "never-used" }] },
      actions: [{ type: "add_tag", tag: "x" }],
    });
    // A step in the future keeps the runner off it; the page shows the job as it stands.
    await env.DB.prepare(
      `INSERT INTO jobs (id, kind, subject, state, params, steps, done, total, run_at, created_at, updated_at)
       VALUES (?, 'rule_apply', ?, 'running', '{"how":"act"}', 2, 500, 2000, '2100-01-01T00:00:00.000Z', ?, ?)`,
    )
      .bind(newId("job"), rule, now(), now())
      .run();
    const html = await (await call(`/admin/automation/rules/${rule}/progress`, { cookie: admin.cookie })).text();
    expect(html).toContain('hx-trigger="every 1s"');
    expect(html).toContain("500 of 2,000 prospects checked");
    expect(html).toContain('<progress max="100" value="25"');
    await env.DB.prepare("UPDATE jobs SET state = 'cancelled' WHERE subject = ?").bind(rule).run();
  });

  it("a merge: the master keeps both prospects' rule history, and a rule that acted on either does not act again", async () => {
    const rule = await addRule(admin, {
      name: "Merge once",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "merge-vip" }] },
      actions: [
        { type: "adjust_score", points: -5 },
        { type: "add_tag", tag: "merge-acted" },
      ],
    });
    const m = await seedProspect("merge-master@example.com");
    const o = await seedProspect("merge-other@example.com");
    await tag(o, "merge-vip", true);
    expect(await scoreOf(o)).toBe(-5);
    await mergeProspects(env.DB, { masterId: m, otherId: o, mergedBy: null, now: now() });
    expect(await tagsOf(m)).toEqual(["merge-acted", "merge-vip"]);
    expect(await scoreOf(m)).toBe(-5);
    await judgeAgain(m);
    const taken = await actionsTaken(rule);
    expect(taken.map((t) => [t.subject_id, t.prospect_id, t.type])).toEqual([
      [o, m, "adjust_score"],
      [o, m, "add_tag"],
    ]);
    const state = await rows<{ prospect_id: string; matching: number; generation: number }>(
      "SELECT prospect_id, matching, generation FROM rule_matches WHERE rule_id = ?",
      rule,
    );
    expect(state).toEqual([{ prospect_id: m, matching: 1, generation: 1 }]);

    // Both acted on: the merge keeps one score adjustment (one dedupe key), not two.
    const a = await seedProspect("merge-a@example.com");
    const b = await seedProspect("merge-b@example.com");
    await tag(a, "merge-vip", true);
    await tag(b, "merge-vip", true);
    await mergeProspects(env.DB, { masterId: a, otherId: b, mergedBy: null, now: now() });
    expect(await scoreOf(a)).toBe(-5);
    expect((await actionsTaken(rule)).filter((t) => t.prospect_id === a)).toHaveLength(4);

    // The prospect page and the API show the rule's actions.
    const page = await (await call(`/admin/prospects/${m}`, { cookie: admin.cookie })).text();
    expect(page).toContain("Merge once");
    expect(page).toContain("Added the tag “merge-acted”");
    const key = await apiKey();
    const json = await getJson<{
      activities: { type: string; points: number; rule_id: string | null; detail: string }[];
    }>(`/api/v1/prospects/${m}`, key);
    expect(json.body.activities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "score_adjusted", points: -5, rule_id: rule, detail: "Rule “Merge once”" }),
        expect.objectContaining({
          type: "rule_action",
          points: 0,
          rule_id: rule,
          detail: "Rule “Merge once”: Added the tag “merge-acted”",
        }),
      ]),
    );
  });

  it("a form submission's tag sets a rule off in the submission's own batch, the submission's activity its trigger", async () => {
    const rule = await addRule(admin, {
      name: "Form VIPs",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "form-vip" }] },
      actions: [
        { type: "add_to_list", listId: list },
        { type: "adjust_score", points: 4 },
      ],
    });
    const formId = await liveForm(
      admin,
      builderBody(admin, { name: "Rules form", fields: NAME_FIELDS, extra: { add_tag: "form-vip" } }),
    );
    const fields = { email: "form-vip@example.com", firstName: "Fo", lastName: "Rm" };
    expect((await submit(formId, fields)).status).toBe(200);
    const [p] = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'form-vip@example.com'");
    const id = p?.id ?? "";
    expect(await listIdsOf(id)).toEqual([list]);
    expect(await scoreOf(id)).toBe(3 + 4);
    const taken = await actionsTaken(rule);
    const [submitted] = await rows<{ id: string }>(
      "SELECT id FROM activities WHERE prospect_id = ? AND type = 'form_submitted'",
      id,
    );
    expect(taken.map((t) => [t.type, t.trigger, t.activity_id])).toEqual([
      ["add_to_list", "activity", submitted?.id],
      ["adjust_score", "activity", submitted?.id],
    ]);
    // The same visitor again (a double submit, then a later one): the rule has acted.
    expect((await submit(formId, fields)).status).toBe(200);
    expect((await submit(formId, { ...fields, firstName: "Form" })).status).toBe(200);
    expect(await actionsTaken(rule)).toHaveLength(2);
  });

  it("an action whose list is gone is recorded as skipped, and the rule's other actions still run", async () => {
    const gone = await newStaticList("Soon gone");
    const rule = await addRule(admin, {
      name: "List vanishes",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "vanish-test" }] },
      actions: [
        { type: "add_to_list", listId: gone },
        { type: "add_tag", tag: "vanish-acted" },
      ],
    });
    await env.DB.prepare("DELETE FROM lists WHERE id = ?").bind(gone).run();
    const p = await seedProspect("vanish-rule@example.com");
    await tag(p, "vanish-test", true);
    expect((await actionsTaken(rule)).map((t) => [t.type, t.outcome])).toEqual([
      ["add_to_list", "skipped"],
      ["add_tag", "done"],
    ]);
    expect(await tagsOf(p)).toEqual(["vanish-acted", "vanish-test"]);
    const page = await (await call(`/admin/automation/rules/${rule}`, { cookie: admin.cookie })).text();
    expect(page).toContain("Skipped adding to a list that no longer exists");
  });

  it("deleting a rule stops it at once and keeps what it did", async () => {
    const rule = await addRule(admin, {
      name: "Delete me",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "delete-test" }] },
      actions: [{ type: "add_tag", tag: "delete-acted" }],
    });
    const p = await seedProspect("delete-1@example.com");
    await tag(p, "delete-test", true);
    const res = await call(`/admin/automation/rules/${rule}/delete`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf }),
    });
    expect(res.status).toBe(303);
    const q = await seedProspect("delete-2@example.com");
    await tag(q, "delete-test", true);
    expect(await tagsOf(q)).toEqual(["delete-test"]);
    expect(await tagsOf(p)).toEqual(["delete-acted", "delete-test"]);
    expect((await call(`/admin/automation/rules/${rule}`, { cookie: admin.cookie })).status).toBe(404);
    const page = await (await call(`/admin/prospects/${p}`, { cookie: admin.cookie })).text();
    expect(page).toContain("“Delete me” (deleted)");
    const list = await (await call("/admin/automation", { cookie: admin.cookie })).text();
    expect(list).not.toContain("Delete me");
  });
});
