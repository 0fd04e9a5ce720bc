import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { createDb } from "../../src/db/client";
import { recordScoreAdjustments } from "../../src/db/queries/activities";
import { findOrCreateCampaign } from "../../src/db/queries/campaigns";
import { findOrCreateList } from "../../src/db/queries/lists";
import { refreshMemberships } from "../../src/db/queries/memberships";
import { pendingHandoffs } from "../../src/db/queries/registrations";
import { webinarCharts } from "../../src/db/queries/report-charts";
import { webinarWithCounts } from "../../src/db/queries/reports";
import { runRules } from "../../src/db/queries/rule-runs";
import { prepareStatement } from "../../src/db/queries/statements";
import { webinarKeyOwners } from "../../src/db/queries/webhook-events";
import { ADMIN, login, type Session } from "../helpers";
import { apiKey, seedWebinarFixture, type WebinarFixture } from "./report-seed";

/**
 * Every report query must be served by an index (style.md): this test runs the report pages and
 * API routes against a D1 binding that records each statement with its parameters, then asks
 * SQLite for the plan of every SELECT and refuses full scans of the tables that grow.
 */
const GROWING = [
  "registrations",
  "activities",
  "prospects",
  "webinars",
  "submissions",
  "prospect_merges",
  "engagements",
  "session_attendance",
];
/** Searching by a fragment of a name or email (`instr(email, ?)`) cannot use an index; that one scan is known. */
const ALLOWED_SCANS = [/\binstr\(/i];

interface Recorded {
  sql: string;
  params: unknown[];
}

function recordingD1(real: D1Database, log: Recorded[]): D1Database {
  const wrap = (statement: D1PreparedStatement, sql: string, params: unknown[]): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop, receiver) {
        if (prop === "bind") {
          return (...args: unknown[]) => {
            const bound = target.bind(...args);
            return wrap(bound, sql, args);
          };
        }
        if (prop === "first" || prop === "all" || prop === "raw" || prop === "run") log.push({ sql, params });
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql, []);
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function plan(sql: string, params: unknown[]): Promise<string[]> {
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

let fx: WebinarFixture;
let admin: Session;
let key: string;
let listId: string;
let campaignId: string;

beforeAll(async () => {
  fx = await seedWebinarFixture("plans");
  // An engagement, so the webinar page's engaged count (its charts' funnel) reads a row.
  await env.DB.prepare(
    `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, occurred_at, dedupe_key)
     VALUES ('eng_plans', ?, ?, 's1', 'poll', 'Which?', ?, 'plans-engagement')`,
  )
    .bind(fx.finished, Object.values(fx.people)[0] ?? "", new Date().toISOString())
    .run();
  listId = (await findOrCreateList(createDb(env.DB), "Plans list")).id;
  campaignId = (await findOrCreateCampaign(createDb(env.DB), "Plans campaign")).id;
  admin = await login(ADMIN.email, ADMIN.password);
  key = await apiKey();
});

describe("report queries use indexes", () => {
  it("no full scan of a growing table on the report pages and API routes", async () => {
    const log: Recorded[] = [];
    const app = createApp();
    const db = recordingD1(env.DB, log);
    const anyProspect = Object.values(fx.people)[0] ?? "";
    const pages = [
      `/admin/webinars`,
      `/admin/webinars?show=finished`,
      `/admin/webinars?sort=registered&dir=asc`,
      `/admin/webinars?sort=date&organizer=${fx.connectorId}&from=2020-01-01&to=2030-12-31`,
      `/admin/webinars?sort=engaged&campaign=${campaignId}`,
      `/admin/webinars/${fx.finished}/attribution?by=form`,
      `/admin/webinars/${fx.finished}/attribution?by=referrer&format=csv`,
      `/admin/webinars/attribution?by=utm_source&from=2020-01-01&to=2030-12-31`,
      `/admin/webinars/attribution?by=form`,
      `/admin/webinars/${fx.finished}`,
      `/admin/webinars/${fx.finished}/registrants?status=absent`,
      `/admin/prospects/${anyProspect}`,
      `/admin/prospects`,
      `/admin/prospects?q=ann`,
      `/admin/prospects?tag=vip&min_score=10&max_score=90`,
      `/admin/prospects?list=${listId}`,
      `/admin/prospects?campaign=${campaignId}&format=csv`,
      `/admin/webinars/${fx.finished}/registrants?status=cancelled`,
      `/admin/webinars/${fx.finished}/registrants?status=attended&format=csv`,
      `/admin/connectors/${fx.connectorId}`,
      `/admin/webinars/${fx.finished}/engaged?what=session&session=1`,
      `/admin/webinars/${fx.finished}/engaged?what=poll&question=Q&answer=A`,
      `/admin/webinars/${fx.finished}/engaged?what=poll`,
      `/admin/webinars/${fx.finished}/engaged?what=question&format=csv`,
      `/admin/webinars/${fx.finished}/engaged?what=survey`,
    ];
    const api = [
      `/api/v1/webinars?status=all`,
      `/api/v1/webinars/${fx.finished}`,
      `/api/v1/webinars/${fx.finished}/attribution?by=utm_campaign`,
      `/api/v1/attribution?by=referrer&from=2020-01-01&to=2030-12-31`,
      `/api/v1/attribution?by=form&format=csv`,
      `/api/v1/webinars/${fx.finished}/registrants?status=attended`,
      `/api/v1/prospects?email=ann-plans@example.com`,
      `/api/v1/prospects/${anyProspect}`,
      `/api/v1/prospects?format=csv`,
      `/api/v1/webinars/${fx.finished}/registrants?status=registered&format=csv`,
    ];
    for (const path of pages) {
      const res = await app.request(path, { headers: { cookie: admin.cookie } }, { ...env, DB: db });
      expect(res.status, path).toBe(200);
      await res.arrayBuffer(); // an export reads its pages as the body is read
    }
    for (const path of api) {
      const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } }, { ...env, DB: db });
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
    }
    const selects = log.filter((r) => /^\s*(select|with)\b/i.test(r.sql));
    expect(selects.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const { sql, params } of selects) {
      if (ALLOWED_SCANS.some((re) => re.test(sql))) continue;
      for (const detail of await plan(sql, params)) {
        const scan = /^SCAN (\w+)/.exec(detail);
        if (scan?.[1] && GROWING.includes(scan[1]) && !/USING (COVERING )?INDEX/.test(detail)) {
          offenders.push(`${detail}\n    in: ${sql.slice(0, 240)}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("no full scan in the sync's own D1 reads: the hand-off sweep and the webhook owner check", async () => {
    const log: Recorded[] = [];
    const db = createDb(recordingD1(env.DB, log));
    const olderThan = new Date().toISOString();
    await pendingHandoffs(db, { connectorId: fx.connectorId, olderThan, after: null, limit: 200 });
    await pendingHandoffs(db, {
      connectorId: fx.connectorId,
      olderThan,
      after: { updatedAt: "2000-01-01T00:00:00.000Z", id: "reg_a" },
      limit: 200,
    });
    await webinarKeyOwners(db, "1234567890123456789");
    expect(log.length).toBe(3);
    const offenders: string[] = [];
    for (const { sql, params } of log) {
      for (const detail of await plan(sql, params)) {
        // Stricter than above: a scan through an index still reads every row of it.
        if (/^SCAN /.test(detail)) offenders.push(`${detail}\n    in: ${sql.slice(0, 240)}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the webinar report's counts and charts read one webinar's tallies and its engagements' index, never its registrations", async () => {
    const log: Recorded[] = [];
    const db = createDb(recordingD1(env.DB, log));
    const webinar = await webinarWithCounts(db, fx.finished, new Date().toISOString());
    if (!webinar) throw new Error("no webinar");
    await webinarCharts(db, webinar);
    const tallyReads = log.filter((r) => /\bfrom "?registration_tallies"?/i.test(r.sql));
    expect(tallyReads.length).toBe(2);
    for (const { sql, params } of tallyReads) {
      expect((await plan(sql, params)).join("\n"), sql).toMatch(
        /^SEARCH registration_tallies USING INDEX sqlite_autoindex_registration_tallies_1 \(webinar_id=\?\)/m,
      );
    }
    const engaged = log.find((r) => /FROM engagements/i.test(r.sql));
    if (!engaged) throw new Error("the engaged count did not run");
    const details = (await plan(engaged.sql, engaged.params)).join("\n");
    expect(details).toMatch(/SEARCH engagements USING COVERING INDEX engagements_webinar_prospect_idx/);
    expect(details).toMatch(/SEARCH registrations USING INDEX registrations_prospect_webinar_unique/);
    expect(log.filter((r) => /\bfrom "?registrations"?\s/i.test(r.sql))).toEqual([]);
  });

  it("no full scan of a growing table in what the recorder appends for dynamic lists, nor on the list pages", async () => {
    const webinarId = fx.finished;
    const listId = "lst_plans_dynamic";
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO lists (id, name, kind, criteria) VALUES (?, 'Plans', 'dynamic', '{}')").bind(listId),
      env.DB.prepare(
        "INSERT INTO criteria_sets (owner_id, owner_type, match, updated_at) VALUES (?, 'list', 'all', ?)",
      ).bind(listId, now),
      ...[
        ["webinar_status", JSON.stringify({ status: "absent", scope: "campaign", webinarId: null, campaignId: "c" })],
        ["attended_minutes", JSON.stringify({ minutes: 20, scope: "webinar", webinarId, campaignId: null })],
        ["tag", JSON.stringify({ tag: "vip" })],
        ["list_member", JSON.stringify({ listId: "lst_other" })],
        ["email_domain", JSON.stringify({ domain: "example.com" })],
      ].map(([kind, params], i) =>
        env.DB.prepare(
          "INSERT INTO criteria_conditions (owner_id, group_no, position, group_match, kind, params) VALUES (?, ?, 0, 'all', ?, ?)",
        ).bind(listId, i, kind, params),
      ),
    ]);
    const offenders: string[] = [];
    const check = async (sql: string, params: unknown[]) => {
      for (const detail of await plan(sql, params)) {
        const scan = /^SCAN (\w+)/.exec(detail);
        if (
          scan?.[1] &&
          [...GROWING, "list_members", "prospect_tags"].includes(scan[1]) &&
          !/USING (COVERING )?INDEX/.test(detail)
        ) {
          offenders.push(`${detail}\n    in: ${sql.slice(0, 240)}`);
        }
      }
    };
    // The recorder's statements are about a few prospects: found by id, never by walking the active ones.
    const scopes = [
      { scope: { ids: Object.values(fx.people) }, by: /^SEARCH p USING INDEX sqlite_autoindex_prospects_1 \(id=\?\)/ },
      {
        scope: { email: "ann-plans@example.com", when: sql`1 = 1` },
        by: /^SEARCH p USING INDEX prospects_email_idx \(email=\?\)/,
      },
      {
        scope: { after: "pro_a", upTo: "pro_m" },
        by: /^SEARCH p USING INDEX sqlite_autoindex_prospects_1 \(id>\? AND id<\?\)/,
      },
    ];
    for (const { scope, by } of scopes) {
      for (const statement of refreshMemberships(scope, now)) {
        const { sql: text, params } = prepareStatementText(statement);
        await check(text, params);
        const onProspects = (await plan(text, params)).filter((d) => /^(SCAN|SEARCH) p\b/.test(d));
        expect(onProspects, JSON.stringify(scope)).toEqual([expect.stringMatching(by)]);
      }
    }
    const log: Recorded[] = [];
    const app = createApp();
    const db = recordingD1(env.DB, log);
    for (const path of [`/admin/lists`, `/admin/lists/${listId}`, `/admin/lists/${listId}?q=ann`]) {
      const res = await app.request(path, { headers: { cookie: admin.cookie } }, { ...env, DB: db });
      expect(res.status, path).toBe(200);
    }
    for (const path of [`/api/v1/lists`, `/api/v1/lists/${listId}/members`]) {
      const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } }, { ...env, DB: db });
      expect(res.status, path).toBe(200);
    }
    for (const { sql, params } of log.filter((r) => /^\s*(select|with)\b/i.test(r.sql))) {
      if (ALLOWED_SCANS.some((re) => re.test(sql))) continue;
      await check(sql, params);
    }
    expect(offenders).toEqual([]);
  });

  it("no full scan of a growing table in what the seam appends for automation rules, nor on the rule pages", async () => {
    const ruleId = "rul_plans";
    const listId = "lst_plans_static";
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO lists (id, name) VALUES (?, 'Plans static')").bind(listId),
      env.DB.prepare(
        "INSERT INTO rules (id, name, mode, status, criteria, updated_at) VALUES (?, 'Plans rule', 'repeat', 'active', '{}', ?)",
      ).bind(ruleId, now),
      env.DB.prepare(
        "INSERT INTO rule_actions (rule_id, position, type, list_id, tag, points) VALUES (?, 0, 'add_to_list', ?, NULL, NULL), (?, 1, 'add_tag', NULL, 'x', NULL), (?, 2, 'adjust_score', NULL, NULL, -5)",
      ).bind(ruleId, listId, ruleId, ruleId),
      env.DB.prepare(
        "INSERT INTO criteria_sets (owner_id, owner_type, match, updated_at) VALUES (?, 'rule', 'any', ?)",
      ).bind(ruleId, now),
      ...[
        [
          "webinar_status",
          JSON.stringify({ status: "absent", scope: "webinar", webinarId: fx.finished, campaignId: null }),
        ],
        ["tag", JSON.stringify({ tag: "vip" })],
        ["score", JSON.stringify({ op: "at_least", value: 10 })],
      ].map(([kind, params], i) =>
        env.DB.prepare(
          "INSERT INTO criteria_conditions (owner_id, group_no, position, group_match, kind, params) VALUES (?, ?, 0, 'all', ?, ?)",
        ).bind(ruleId, i, kind, params),
      ),
    ]);
    const offenders: string[] = [];
    const tables = [...GROWING, "list_members", "prospect_tags", "rule_matches", "rule_actions_taken"];
    const check = async (sql: string, params: unknown[]) => {
      for (const detail of await plan(sql, params)) {
        const scan = /^SCAN (\w+)/.exec(detail);
        if (scan?.[1] && tables.includes(scan[1]) && !/USING (COVERING )?INDEX/.test(detail)) {
          offenders.push(`${detail}\n    in: ${sql.slice(0, 240)}`);
        }
      }
    };
    const scopes = [
      { ids: Object.values(fx.people) },
      { email: "ann-plans@example.com", when: sql`1 = 1` },
      { after: "pro_a", upTo: "pro_m" },
    ];
    for (const scope of scopes) {
      for (const how of ["live", "apply", "note"] as const) {
        for (const statement of runRules(scope, now, recordScoreAdjustments, { how, activityIds: ["act_a"] })) {
          const { sql: text, params } = prepareStatementText(statement);
          await check(text, params);
        }
      }
    }
    const log: Recorded[] = [];
    const app = createApp();
    const db = recordingD1(env.DB, log);
    const prospect = Object.values(fx.people)[0];
    for (const path of ["/admin/automation", `/admin/automation/rules/${ruleId}`, `/admin/prospects/${prospect}`]) {
      const res = await app.request(path, { headers: { cookie: admin.cookie } }, { ...env, DB: db });
      expect(res.status, path).toBe(200);
    }
    for (const { sql, params } of log.filter((r) => /^\s*(select|with)\b/i.test(r.sql))) {
      if (ALLOWED_SCANS.some((re) => re.test(sql))) continue;
      await check(sql, params);
    }
    expect(offenders).toEqual([]);
  });
});

/** The SQL text and parameters of a statement, as D1 gets them. */
function prepareStatementText(statement: Parameters<typeof prepareStatement>[1]): { sql: string; params: unknown[] } {
  let captured: { sql: string; params: unknown[] } = { sql: "", params: [] };
  const fake = {
    prepare: (sql: string) => ({
      bind: (...params: unknown[]) => {
        captured = { sql, params };
        return {} as D1PreparedStatement;
      },
    }),
  } as unknown as D1Database;
  prepareStatement(fake, statement);
  return captured;
}
