import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/encoding";
import { ADMIN, call, login, rows, type Session } from "../helpers";
import { seedConnector, seedWebinar } from "./report-seed";
import { newStaticList, ruleFields } from "./rule-helpers";

/**
 * Automation > Add rule refuses every malformed body with 422 and says what to fix: bad and
 * conflicting actions, unknown or dynamic lists, unknown campaigns and webinars, points out of
 * range, missing or broken criteria, wrong types, huge inputs, bodies that are not forms. Never a
 * 5xx, and nothing is half-saved: no rule, action, stored criteria, job or audit entry appears.
 */

let admin: Session;
let base: Record<string, string>;
let list: string;
let dynamicList: string;
let campaign: string;
let webinar: string;

/** A small deterministic generator, so a failing body can be found again. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  const connector = await seedConnector();
  webinar = await seedWebinar(connector, "Inputs tour", [[-3, -2]]);
  list = await newStaticList("Inputs list");
  dynamicList = newId("lst");
  await env.DB.prepare("INSERT INTO lists (id, name, kind, criteria) VALUES (?, 'Inputs dynamic', 'dynamic', '{}')")
    .bind(dynamicList)
    .run();
  campaign = newId("cmp");
  await env.DB.prepare("INSERT INTO campaigns (id, name) VALUES (?, 'Inputs campaign')").bind(campaign).run();
  base = ruleFields({
    name: "Valid rule",
    mode: "once",
    start: "new",
    criteria: {
      match: "all",
      conditions: [
        { kind: "webinar_status", status: "absent", scope: "webinar", webinarId: webinar, campaignId: null },
      ],
    },
    actions: [
      { type: "add_tag", tag: "no-show" },
      { type: "add_to_list", listId: list },
      { type: "adjust_score", points: -5 },
      { type: "assign_campaign", campaignId: campaign },
    ],
  });
});

interface Case {
  label: string;
  fields?: Record<string, string | undefined>;
  /** A raw body instead of form fields. */
  raw?: { body: string | FormData; contentType: string | null };
  /** Words the answer must hold (the message that says what to fix). */
  says?: string;
}

function without(fields: Record<string, string>, ...prefixes: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter(([k]) => !prefixes.some((p) => k === p || k.startsWith(`${p}.`))),
  );
}

function withActions(actions: Record<string, string>[]): Record<string, string> {
  const out = without(base, "actions");
  actions.forEach((a, i) => {
    for (const [k, v] of Object.entries(a)) out[`actions.${i}.${k}`] = v;
  });
  return out;
}

function withCondition(condition: Record<string, string>): Record<string, string> {
  const out = without(base, "conditions");
  for (const [k, v] of Object.entries(condition)) out[`conditions.0.${k}`] = v;
  return out;
}

const POINTS = "Enter the points as a whole number from -1000 to 1000";

function cases(): Case[] {
  const c: Case[] = [];
  // The name.
  for (const [label, name, says] of [
    ["no name", undefined, "Enter a name for the rule."],
    ["empty name", "", "Enter a name for the rule."],
    ["blank name", "   ", "Enter a name for the rule."],
    ["invisible name", "\u200b\u202e", "Enter a name for the rule."],
    ["long name", "n".repeat(101), "Use at most 100 characters for the name."],
    ["very long name", "n".repeat(20_000), "Use at most 100 characters for the name."],
  ] as const) {
    c.push({ label, fields: { ...base, name }, says });
  }
  // How often, when to start.
  for (const mode of [undefined, "", "sometimes", "ONCE", "once ", "repeat;", "0"]) {
    c.push({
      label: `mode ${JSON.stringify(mode)}`,
      fields: { ...base, mode },
      says: "Choose whether the rule acts once per prospect or each time a prospect matches again.",
    });
  }
  for (const start of [undefined, "", "later", "EXISTING", "now", "1"]) {
    c.push({
      label: `start ${JSON.stringify(start)}`,
      fields: { ...base, start },
      says: "Choose whether the rule acts on prospects who already match, or only from now on.",
    });
  }
  // Criteria.
  c.push({ label: "no criteria", fields: without(base, "conditions", "match"), says: "Add at least one condition." });
  c.push({
    label: "match only",
    fields: { ...without(base, "conditions"), match: "all" },
    says: "Add at least one condition.",
  });
  for (const match of ["", "some", "ALL", "none"]) {
    c.push({ label: `match ${match}`, fields: { ...base, match }, says: "Choose all or any." });
  }
  for (const kind of ["", "unknown", "attended", "WEBINAR_STATUS", "__proto__", "constructor", "x".repeat(500)]) {
    c.push({
      label: `kind ${kind.slice(0, 20)}`,
      fields: { ...base, "conditions.0.kind": kind },
      says: "Choose a kind of condition",
    });
  }
  for (const minutes of ["", "0", "-1", "1441", "abc", "1.5", "1e3", "99999999999999999999", " ", "NaN"]) {
    c.push({
      label: `minutes ${minutes}`,
      fields: withCondition({ kind: "attended_minutes", minutes, scope: "any" }),
      says: "minute",
    });
  }
  for (const scope of ["", "all", "webinars", "none"]) {
    c.push({
      label: `scope ${scope}`,
      fields: { ...base, "conditions.0.scope": scope },
      says: "Choose which webinars",
    });
  }
  c.push({
    label: "webinar missing",
    fields: { ...base, "conditions.0.webinarId": "" },
    says: "Pick a webinar.",
  });
  c.push({
    label: "webinar unknown",
    fields: { ...base, "conditions.0.webinarId": "web_does_not_exist" },
    says: "That webinar does not exist any more",
  });
  c.push({
    label: "campaign scope without campaign",
    fields: { ...base, "conditions.0.scope": "campaign" },
    says: "Pick a campaign.",
  });
  c.push({
    label: "campaign scope unknown campaign",
    fields: { ...base, "conditions.0.scope": "campaign", "conditions.0.campaignId": "cmp_nope" },
    says: "That campaign does not exist any more",
  });
  for (const status of ["", "present", "ATTENDED", "absent ", "1"]) {
    c.push({ label: `status ${status}`, fields: { ...base, "conditions.0.status": status }, says: "Choose a status" });
  }
  for (const [label, condition, says] of [
    ["score op", { kind: "score", op: "more", value: "5" }, "Choose at least or at most."],
    ["score value", { kind: "score", op: "at_least", value: "lots" }, "Enter the score as a whole number."],
    ["score huge", { kind: "score", op: "at_least", value: "10000001" }, "Enter a score from"],
    ["tag empty", { kind: "tag", tag: "" }, "Enter a tag."],
    ["tag long", { kind: "tag", tag: "t".repeat(51) }, "Use at most 50 characters for a tag."],
    ["domain bad", { kind: "email_domain", domain: "not a domain" }, "Enter a domain like acme.com."],
    ["company op", { kind: "company", op: "like", value: "Acme" }, "Choose is or contains."],
    ["country empty", { kind: "country", value: "" }, "Enter a country."],
    ["list unknown", { kind: "list_member", listId: "lst_nope" }, "That list does not exist any more"],
    ["campaign unknown", { kind: "campaign", campaignId: "cmp_nope" }, "That campaign does not exist any more"],
    ["sessions which", { kind: "attended_sessions", which: "most", webinarId: "web_nope" }, "Choose which sessions"],
    [
      "sessions webinar unknown",
      { kind: "attended_sessions", which: "all", webinarId: "web_nope" },
      "That webinar does not exist any more",
    ],
    ["share 101", { kind: "attended_share", percent: "101", scope: "any" }, "Enter at most 100 %."],
    ["share words", { kind: "attended_share", percent: "most", scope: "any" }, "Enter the percent as a whole number."],
    [
      "poll no question",
      { kind: "poll_answered", question: "", answer: "Yes", scope: "any" },
      "Enter the poll question.",
    ],
    [
      "poll long answer",
      { kind: "poll_answered", question: "Q?", answer: "a".repeat(501), scope: "any" },
      "Use at most 500 characters",
    ],
    ["survey no campaign", { kind: "survey_completed", scope: "campaign" }, "Pick a campaign."],
    ["question no webinar", { kind: "question_asked", scope: "webinar", contains: "" }, "Pick a webinar."],
  ] as const) {
    c.push({ label: `condition ${label}`, fields: withCondition(condition), says });
  }
  const nested = { ...without(base, "conditions") };
  nested["conditions.0.match"] = "any";
  nested["conditions.0.conditions.0.match"] = "all";
  nested["conditions.0.conditions.0.conditions.0.kind"] = "tag";
  nested["conditions.0.conditions.0.conditions.0.tag"] = "x";
  c.push({ label: "group in a group", fields: nested, says: "A group cannot hold another group" });
  const many = { ...without(base, "conditions") };
  for (let i = 0; i < 25; i++) {
    many[`conditions.${i}.kind`] = "tag";
    many[`conditions.${i}.tag`] = `t${i}`;
  }
  c.push({ label: "too many conditions", fields: many, says: "Use at most 10 conditions and groups at the top" });
  // Actions.
  c.push({ label: "no actions", fields: without(base, "actions"), says: "Add at least one action." });
  c.push({
    label: "eleven actions",
    fields: withActions(Array.from({ length: 11 }, (_, i) => ({ type: "add_tag", tag: `tag-${i}` }))),
    says: "Use at most 10 actions in one rule.",
  });
  for (const type of ["", "delete_prospect", "ADD_TAG", "add-tag", "adjust score", "__proto__", "x".repeat(300)]) {
    c.push({
      label: `action type ${type.slice(0, 20)}`,
      fields: withActions([{ type, tag: "x" }]),
      says: "Choose an action",
    });
  }
  for (const points of ["", "0", "+0", "-0", "1001", "-1001", "abc", "1e3", "5.5", "99999999", "--5", "5-", " ", "½"]) {
    c.push({ label: `points ${points}`, fields: withActions([{ type: "adjust_score", points }]), says: POINTS });
  }
  c.push({ label: "points missing", fields: withActions([{ type: "adjust_score" }]), says: POINTS });
  for (const [label, action, says] of [
    ["add to no list", { type: "add_to_list" }, "Pick a list."],
    ["add to empty list", { type: "add_to_list", listId: "" }, "Pick a list."],
    ["add to unknown list", { type: "add_to_list", listId: "lst_nope" }, "That list does not exist any more"],
    ["add to a dynamic list", { type: "add_to_list", listId: "" }, "Pick a list."],
    ["remove from unknown list", { type: "remove_from_list", listId: "lst_gone" }, "That list does not exist any more"],
    ["tag missing", { type: "add_tag" }, "Enter a tag."],
    ["tag blank", { type: "add_tag", tag: "   " }, "Enter a tag."],
    ["tag invisible", { type: "remove_tag", tag: "\u200b" }, "Enter a tag."],
    ["tag long", { type: "add_tag", tag: "t".repeat(51) }, "Use at most 50 characters for a tag."],
    ["tag huge", { type: "add_tag", tag: "t".repeat(10_000) }, "Use at most 50 characters for a tag."],
    ["campaign missing", { type: "assign_campaign" }, "Pick a campaign."],
    ["campaign unknown", { type: "assign_campaign", campaignId: "cmp_nope" }, "That campaign does not exist any more"],
    ["list id too long", { type: "add_to_list", listId: "l".repeat(65) }, "Pick a list."],
  ] as const) {
    c.push({ label: `action ${label}`, fields: withActions([action]), says });
  }
  c.push({
    label: "action to a dynamic list",
    fields: withActions([{ type: "add_to_list", listId: dynamicList }]),
    says: "pick a static list",
  });
  c.push({
    label: "remove from a dynamic list",
    fields: withActions([{ type: "remove_from_list", listId: dynamicList }]),
    says: "pick a static list",
  });
  for (const [label, actions, says] of [
    [
      "two score adjustments",
      [
        { type: "adjust_score", points: "5" },
        { type: "adjust_score", points: "-2" },
      ],
      "Adjust the score once per rule",
    ],
    [
      "two campaigns",
      [
        { type: "assign_campaign", campaignId: campaign },
        { type: "assign_campaign", campaignId: campaign },
      ],
      "Assign one campaign per rule.",
    ],
    [
      "add and remove a tag",
      [
        { type: "add_tag", tag: "x" },
        { type: "remove_tag", tag: "x" },
      ],
      "add and remove the same tag",
    ],
    [
      "add and remove a list",
      [
        { type: "add_to_list", listId: list },
        { type: "remove_from_list", listId: list },
      ],
      "add to and remove from the same list",
    ],
    [
      "the same tag twice",
      [
        { type: "add_tag", tag: "x" },
        { type: "add_tag", tag: "x" },
      ],
      "listed twice",
    ],
  ] as const) {
    c.push({ label, fields: withActions(actions as unknown as Record<string, string>[]), says });
  }
  // Many unrelated fields and odd names: ignored or refused, never a crash.
  const noise: Record<string, string> = { ...without(base, "actions") };
  for (let i = 0; i < 500; i++) noise[`actions.${1000 + i}.type`] = "add_tag";
  c.push({ label: "action indexes out of range", fields: noise, says: "Add at least one action." });
  c.push({
    label: "negative action index",
    fields: { ...without(base, "actions"), "actions.-1.type": "add_tag", "actions.-1.tag": "x" },
    says: "Add at least one action.",
  });
  // Not a form.
  c.push({
    label: "json",
    raw: { body: JSON.stringify(base), contentType: "application/json" },
    says: "Enter a name for the rule.",
  });
  c.push({ label: "text", raw: { body: "name=x", contentType: "text/plain" }, says: "Enter a name for the rule." });
  c.push({ label: "no content type", raw: { body: "name=x", contentType: null }, says: "Enter a name for the rule." });
  c.push({
    label: "empty body",
    raw: { body: "", contentType: "application/x-www-form-urlencoded" },
    says: "Enter a name for the rule.",
  });
  const multipart = new FormData();
  for (const [k, v] of Object.entries(base)) multipart.append(k, v);
  multipart.set("name", new File(["x".repeat(100)], "name.txt"));
  c.push({
    label: "a file for the name",
    raw: { body: multipart, contentType: null },
    says: "Enter a name for the rule.",
  });
  c.push({
    label: "repeated fields as an array",
    raw: {
      body: `${new URLSearchParams(base).toString()}&name[]=a&name[]=b&actions.0.points[]=5&actions.0.type=adjust_score&actions.0.points=abc`,
      contentType: "application/x-www-form-urlencoded",
    },
    says: POINTS,
  });
  c.push({
    label: "a body over 64 KB",
    raw: {
      body: `${new URLSearchParams(base).toString()}&filler=${"x".repeat(70_000)}`,
      contentType: "application/x-www-form-urlencoded",
    },
    says: "This rule is too large to save",
  });
  // Generated: several things wrong at once, drawn from the cases above.
  const single = c.filter((x) => x.fields !== undefined);
  const rand = prng(11);
  const changedKeys = (fields: Record<string, string | undefined>) =>
    Object.keys({ ...base, ...fields }).filter((k) => fields[k] !== base[k]);
  for (let i = 0; c.length < 240; i++) {
    const a = single[Math.floor(rand() * single.length)] as Case;
    const b = single[Math.floor(rand() * single.length)] as Case;
    const fields: Record<string, string | undefined> = { ...base };
    for (const from of [a, b]) {
      for (const k of changedKeys(from.fields ?? {})) fields[k] = from.fields?.[k];
      for (const k of Object.keys(base)) if (from.fields && !(k in from.fields)) delete fields[k];
    }
    c.push({ label: `generated ${i}: ${a.label} + ${b.label}`, fields });
  }
  return c;
}

interface Counts {
  rules: number;
  actions: number;
  criteria: number;
  conditions: number;
  jobs: number;
  audit: number;
}

async function counts(): Promise<Counts> {
  const count = async (sql: string) => (await rows<{ n: number }>(sql))[0]?.n ?? -1;
  return {
    rules: await count("SELECT count(*) AS n FROM rules"),
    actions: await count("SELECT count(*) AS n FROM rule_actions"),
    criteria: await count("SELECT count(*) AS n FROM criteria_sets WHERE owner_type = 'rule'"),
    conditions: await count(
      "SELECT count(*) AS n FROM criteria_conditions WHERE owner_id IN (SELECT owner_id FROM criteria_sets WHERE owner_type = 'rule')",
    ),
    jobs: await count("SELECT count(*) AS n FROM jobs WHERE kind = 'rule_apply'"),
    audit: await count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'rule.%'"),
  };
}

function send(c: Case, path = "/admin/automation/rules"): Promise<Response> {
  if (c.raw) {
    const headers: Record<string, string> = {};
    if (c.raw.contentType) headers["content-type"] = c.raw.contentType;
    const body = c.raw.body;
    if (typeof body === "string") {
      const withCsrf = c.raw.contentType?.includes("urlencoded")
        ? `_csrf=${encodeURIComponent(admin.csrf)}&${body}`
        : body;
      return call(path, {
        method: "POST",
        cookie: admin.cookie,
        headers: { ...headers, "x-csrf-token": admin.csrf },
        body: withCsrf,
      });
    }
    body.set("_csrf", admin.csrf);
    return call(path, { method: "POST", cookie: admin.cookie, body });
  }
  const fields = Object.fromEntries(
    Object.entries({ ...c.fields, _csrf: admin.csrf }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return call(path, {
    method: "POST",
    cookie: admin.cookie,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

function decodeEntities(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

describe("Add rule refuses malformed bodies", () => {
  it("a valid body saves (the corpus starts from it)", async () => {
    const before = await counts();
    const res = await send({ label: "valid", fields: { ...base, name: "Valid rule (saved once)" } });
    expect(res.status).toBe(303);
    const after = await counts();
    expect(after.rules).toBe(before.rules + 1);
    expect(after.actions).toBe(before.actions + 4);
  });

  it("answers 200+ malformed bodies with 422 and what to fix, never a 5xx, and saves nothing", async () => {
    const corpus = cases();
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const before = await counts();
    const failures: string[] = [];
    for (const c of corpus) {
      const res = await send(c);
      const html = decodeEntities(await res.text());
      if (res.status !== 422) failures.push(`${c.label}: ${res.status} ${html.slice(0, 300)}`);
      else if (c.says && !html.includes(c.says)) failures.push(`${c.label}: no "${c.says}" in the answer`);
      else if (!html.includes('class="flash flash-error"')) failures.push(`${c.label}: no error summary`);
      if (html.includes("<script>alert")) failures.push(`${c.label}: echoed a script`);
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  }, 300_000);

  it("a name already taken is refused, and so is a second rule racing for it", async () => {
    const fields = { ...base, name: "Taken name" };
    expect((await send({ label: "first", fields })).status).toBe(303);
    const before = await counts();
    const res = await send({ label: "second", fields });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("There is already a rule with this name; choose another.");
    expect(await counts()).toEqual(before);
  });

  it("an edit answers the same malformed bodies with 422, never a 5xx, and changes nothing of the rule", async () => {
    const saved = await send({ label: "to edit", fields: { ...base, name: "Rule to edit badly" } });
    expect(saved.status).toBe(303);
    const id = saved.headers.get("location")?.split("/").at(-1) ?? "";
    const state = async () => ({
      counts: await counts(),
      rule: await rows("SELECT name, mode, status, criteria, updated_at FROM rules WHERE id = ?", id),
      actions: await rows("SELECT * FROM rule_actions WHERE rule_id = ? ORDER BY position", id),
      conditions: await rows("SELECT * FROM criteria_conditions WHERE owner_id = ? ORDER BY group_no, position", id),
    });
    const before = await state();
    const failures: string[] = [];
    for (const c of cases()) {
      const res = await send(c, `/admin/automation/rules/${id}`);
      const html = decodeEntities(await res.text());
      if (res.status !== 422) failures.push(`${c.label}: ${res.status} ${html.slice(0, 300)}`);
      else if (c.says && !html.includes(c.says)) failures.push(`${c.label}: no "${c.says}" in the answer`);
    }
    expect(failures).toEqual([]);
    expect(await state()).toEqual(before);
  }, 300_000);
});
