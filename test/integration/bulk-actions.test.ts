import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findJob, type JobRow } from "../../src/db/queries/jobs";
import { runBatch } from "../../src/db/queries/statements";
import { type Criteria, parseCriteria } from "../../src/domain/criteria";
import { BULK_STEP, bulkAction } from "../../src/services/bulk-action";
import { saveDynamicList } from "../../src/services/lists";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { bulkProspects, joinedAt, membersOf, runJobs } from "./lists-helpers";
import { seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";
import { addRule } from "./rule-helpers";

let admin: Session;
let adminId: string;
let webinar: string;
let absent: string[];
let attended: string[];

const ABSENT = 450;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  const [user] = await rows<{ id: string }>("SELECT id FROM users WHERE email = ?", ADMIN.email);
  adminId = user?.id ?? "";
  const connector = await seedConnector();
  webinar = await seedWebinar(connector, "Product tour", [[-5, -4]]);
  absent = await bulkProspects("absent", ABSENT);
  for (const [i, id] of absent.entries()) {
    await seedRegistration(id, webinar, i % 2 ? "approved" : "registered", {
      registeredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(),
    });
  }
  attended = [await seedProspect("long@example.com"), await seedProspect("short@example.com")];
  for (const id of attended) await seedRegistration(id, webinar, "approved", { attended: true, minutes: 30 });
});

function bulk(path: string, fields: Record<string, string>, htmx = true): Promise<Response> {
  const { body, headers } = form({ _csrf: admin.csrf, ...fields });
  return call(path, {
    method: "POST",
    cookie: admin.cookie,
    body,
    headers: htmx ? { ...headers, "hx-request": "true" } : headers,
  });
}

async function page(path: string): Promise<string> {
  return (await call(path, { cookie: admin.cookie })).text();
}

async function jobCount(): Promise<number> {
  return (await rows<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE kind = 'bulk_action'"))[0]?.n ?? 0;
}

async function listCount(): Promise<number> {
  return (await rows<{ n: number }>("SELECT count(*) AS n FROM lists"))[0]?.n ?? 0;
}

async function tagged(tag: string): Promise<string[]> {
  const found = await rows<{ prospect_id: string }>(
    "SELECT prospect_id FROM prospect_tags WHERE tag = ? ORDER BY prospect_id",
    tag,
  );
  return found.map((r) => r.prospect_id);
}

function criteria(conditions: Record<string, unknown>[]): Criteria {
  const parsed = parseCriteria({ match: "all", conditions });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.criteria;
}

async function dynamicList(name: string, conditions: Record<string, unknown>[]): Promise<string> {
  const saved = await saveDynamicList(env, {
    id: null,
    name,
    criteria: criteria(conditions),
    actor: { id: adminId, ip: null },
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  await runJobs();
  return saved.list.id;
}

const sorted = (ids: string[]) => [...ids].sort();
const drill = () => `/admin/webinars/${webinar}/registrants`;

describe("bulk actions from a webinar's drill-down", () => {
  it("tags every absentee (more than one step), with progress, the result, the audit entry, and dynamic lists following", async () => {
    const noShows = await dynamicList("Tagged no-show", [{ kind: "tag", tag: "no-show" }]);
    expect(await membersOf(noShows)).toEqual([]);

    const html = await page(`${drill()}?status=absent`);
    expect(html).toContain(`Tag ${ABSENT} prospects`);
    expect(html).toContain(`Add ${ABSENT} prospects to the list`);

    const res = await bulk(`${drill()}/bulk`, { status: "absent", action: "tag", tag_name: "  no-show " });
    expect(res.status).toBe(200);
    const panel = await res.text();
    expect(panel).toContain('id="bulk-panel"');
    const jobId = /hx-get="\/admin\/bulk\/(job_[\w-]+)"/.exec(panel)?.[1] ?? "";
    expect(jobId).not.toBe("");
    expect(panel).toContain('hx-trigger="every 1s"');

    await runJobs();
    const [job] = await rows<{ state: string; steps: number; done: number; total: number }>(
      "SELECT state, steps, done, total FROM jobs WHERE id = ?",
      jobId,
    );
    expect(job?.state).toBe("done");
    expect(job?.steps).toBeGreaterThanOrEqual(Math.ceil(ABSENT / BULK_STEP));
    expect(job?.done).toBe(ABSENT);
    expect(job?.total).toBe(ABSENT);
    expect(await tagged("no-show")).toEqual(sorted(absent));
    // The dynamic list followed the tags in the steps' own batches.
    expect(await membersOf(noShows)).toEqual(sorted(absent));

    const progress = await (
      await call(`/admin/bulk/${jobId}`, { cookie: admin.cookie, headers: { "hx-request": "true" } })
    ).text();
    expect(progress).toContain(`${ABSENT} prospects tagged “no-show”`);
    expect(progress).not.toContain("hx-trigger");
    const full = await page(`/admin/bulk/${jobId}`);
    expect(full).toContain(`${ABSENT} prospects tagged “no-show”`);

    const [audit] = await rows<{ action: string; subject: string; detail: string }>(
      "SELECT action, subject, detail FROM audit_log WHERE action = 'prospects.bulk_tag' ORDER BY id DESC LIMIT 1",
    );
    expect(audit?.subject).toBe("no-show");
    expect(JSON.parse(audit?.detail ?? "{}")).toMatchObject({ jobId, count: ABSENT, of: "Product tour: absent" });
  });

  it("adds the attendees to a new list, and a re-run (the same action again, a step run twice) changes nothing", async () => {
    const before = await listCount();
    const res = await bulk(`${drill()}/bulk`, {
      status: "attended",
      action: "add_to_list",
      new_list: "Tour attendees",
    });
    expect(res.status).toBe(200);
    await runJobs();
    expect(await listCount()).toBe(before + 1);
    const [list] = await rows<{ id: string; kind: string }>("SELECT id, kind FROM lists WHERE name = 'Tour attendees'");
    expect(list?.kind).toBe("static");
    const listId = list?.id ?? "";
    expect(await membersOf(listId)).toEqual(sorted(attended));
    const joined = await joinedAt(listId);
    const [created] = await rows("SELECT action FROM audit_log WHERE action = 'list.created' AND subject = ?", listId);
    expect(created).toBeDefined();

    // The same list chosen from the menu, and named again: no second list, no second membership.
    expect((await bulk(`${drill()}/bulk`, { status: "attended", action: "add_to_list", list_id: listId })).status).toBe(
      200,
    );
    expect(
      (await bulk(`${drill()}/bulk`, { status: "attended", action: "add_to_list", new_list: "Tour attendees" })).status,
    ).toBe(200);
    await runJobs();
    expect(await listCount()).toBe(before + 1);
    expect(await membersOf(listId)).toEqual(sorted(attended));
    expect(await joinedAt(listId)).toEqual(joined);

    // One step's statements run twice (an alarm re-run) add nothing twice.
    const tagsBefore = await rows("SELECT prospect_id, tag, created_at FROM prospect_tags ORDER BY prospect_id, tag");
    const [row] = await rows<{ id: string }>(
      "SELECT id FROM jobs WHERE kind = 'bulk_action' ORDER BY created_at LIMIT 1",
    );
    const db = createDb(env.DB);
    const job = (await findJob(db, row?.id ?? "")) as JobRow;
    const first = await bulkAction.step(db, { ...job, cursor: null, done: 0, steps: 0 }, new Date().toISOString());
    expect(first.done).toBe(BULK_STEP);
    await runBatch(db, first.statements);
    await runBatch(db, first.statements);
    expect(await rows("SELECT prospect_id, tag, created_at FROM prospect_tags ORDER BY prospect_id, tag")).toEqual(
      tagsBefore,
    );
  });

  it("sets off automation rules in the steps' batches, once however often the bulk action runs", async () => {
    await addRule(admin, {
      name: "VIPs get five points",
      criteria: criteria([{ kind: "tag", tag: "vip" }]),
      actions: [{ type: "adjust_score", points: 5 }],
    });
    const scores = async () =>
      rows<{ id: string; score: number }>(
        "SELECT id, score FROM prospects WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        JSON.stringify(attended),
      );
    const before = await scores();
    for (let i = 0; i < 2; i++) {
      expect((await bulk(`${drill()}/bulk`, { status: "attended", action: "tag", tag_name: "vip" })).status).toBe(200);
      await runJobs();
    }
    expect(await scores()).toEqual(before.map((p) => ({ ...p, score: p.score + 5 })));
    const adjusted = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM activities WHERE type = 'score_adjusted' AND prospect_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(attended),
    );
    expect(adjusted[0]?.n).toBe(attended.length);
  });

  it("refuses a bad list, a dynamic list, an empty or oversized tag, a bad count with 422, the field marked, nothing queued", async () => {
    const dyn = await dynamicList("Dynamic attendees", [{ kind: "webinar_status", status: "attended", scope: "any" }]);
    const jobs = await jobCount();
    const lists = await listCount();
    const cases: [Record<string, string>, string, string][] = [
      [{ status: "absent", action: "add_to_list", list_id: "lst_nope" }, "f-list_id", "There is no such list"],
      [{ status: "absent", action: "add_to_list", list_id: dyn }, "f-list_id", "choose a static list"],
      [{ status: "absent", action: "add_to_list" }, "f-list_id", "Choose a list, or name a new one."],
      [{ status: "absent", action: "add_to_list", list_id: dyn, new_list: "X" }, "f-new_list", "not both"],
      [{ status: "absent", action: "add_to_list", new_list: "Dynamic attendees" }, "f-new_list", "dynamic list"],
      [{ status: "absent", action: "add_to_list", new_list: "x".repeat(101) }, "f-new_list", "at most 100"],
      [{ status: "absent", action: "tag", tag_name: "   " }, "f-tag_name", "Enter a tag."],
      [{ status: "absent", action: "tag" }, "f-tag_name", "Enter a tag."],
      [{ status: "absent", action: "tag", tag_name: "t".repeat(51) }, "f-tag_name", "at most 50"],
      [{ status: "absent", action: "delete_everyone" }, "", "Choose Add to list or Tag."],
    ];
    for (const [fields, field, message] of cases) {
      const res = await bulk(`${drill()}/bulk`, fields);
      expect(res.status, JSON.stringify(fields)).toBe(422);
      const html = await res.text();
      expect(html, JSON.stringify(fields)).toContain(message);
      if (field) expect(html, JSON.stringify(fields)).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    }
    // A count that does not exist, and a webinar that does not exist.
    expect((await bulk(`${drill()}/bulk`, { status: "everyone", action: "tag", tag_name: "x" })).status).toBe(422);
    expect(
      (await bulk("/admin/webinars/web_nope/registrants/bulk", { status: "absent", action: "tag", tag_name: "x" }))
        .status,
    ).toBe(404);
    // Without htmx: the same answers, as a page.
    expect((await bulk(`${drill()}/bulk`, { status: "absent", action: "tag", tag_name: "" }, false)).status).toBe(422);
    // An empty count has nothing to act on.
    const empty = await bulk(`${drill()}/bulk`, { status: "denied", action: "tag", tag_name: "x" });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("nothing to act on");
    expect(await jobCount()).toBe(jobs);
    expect(await listCount()).toBe(lists);
  });
});

describe("bulk actions from the filtered prospect list", () => {
  it("adds every prospect the filters match to a list, without htmx too", async () => {
    const html = await page("/admin/prospects?tag=no-show");
    expect(html).toContain(`Tag ${ABSENT} prospects`);
    const res = await bulk(
      "/admin/prospects/bulk",
      { tag: "no-show", action: "add_to_list", new_list: "Recording follow-up" },
      false,
    );
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/admin\/bulk\/job_/);
    await runJobs();
    const [list] = await rows<{ id: string }>("SELECT id FROM lists WHERE name = 'Recording follow-up'");
    expect(await membersOf(list?.id ?? "")).toEqual(sorted(absent));
    expect(await page(location)).toContain(`${ABSENT} prospects added to “Recording follow-up”`);
    const [audit] = await rows<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'prospects.bulk_add_to_list' ORDER BY id DESC LIMIT 1",
    );
    expect(JSON.parse(audit?.detail ?? "{}").of).toBe("Prospects, tagged “no-show”");
  });

  it("asks to confirm a large set, and refuses bad filters with 422, nothing queued", async () => {
    await bulkProspects("crowd", 700);
    const total =
      (await rows<{ n: number }>("SELECT count(*) AS n FROM prospects WHERE merged_into_id IS NULL"))[0]?.n ?? 0;
    expect(total).toBeGreaterThanOrEqual(1000);
    const shown = await page("/admin/prospects");
    expect(shown).toContain(`Tag ${total.toLocaleString("en-US")} prospects`);
    expect(shown).toContain(`Yes, all ${total.toLocaleString("en-US")} prospects`);
    const jobs = await jobCount();
    const refused: Record<string, string>[] = [
      { action: "tag", tag_name: "everyone" },
      { action: "tag", tag_name: "everyone", confirm: "12" },
      { action: "tag", tag_name: "x", list: "lst_nope" },
      { action: "tag", tag_name: "x", campaign: "cmp_nope" },
      { action: "tag", tag_name: "x", min_score: "ten" },
      { action: "tag", tag_name: "x", min_score: "10", max_score: "5" },
      { action: "tag", tag_name: "x", tag: "t".repeat(101) },
    ];
    for (const fields of refused) {
      const res = await bulk("/admin/prospects/bulk", fields);
      expect(res.status, JSON.stringify(fields)).toBe(422);
      const text = await res.text();
      if (!("list" in fields || "campaign" in fields || "min_score" in fields || "tag" in fields)) {
        expect(text).toContain("Tick the box to confirm");
      } else {
        expect(text).toContain("The filters cannot be applied");
      }
    }
    expect(await jobCount()).toBe(jobs);
    // A bad tag with good filters: the panel keeps its count.
    const badTag = await bulk("/admin/prospects/bulk", { action: "tag", tag_name: "" });
    expect(badTag.status).toBe(422);
    expect(await badTag.text()).toContain(`Tag ${total.toLocaleString("en-US")} prospects`);
    const ok = await bulk("/admin/prospects/bulk", { action: "tag", tag_name: "everyone", confirm: String(total) });
    expect(ok.status).toBe(200);
    await runJobs();
    expect((await tagged("everyone")).length).toBe(total);
  });
});
