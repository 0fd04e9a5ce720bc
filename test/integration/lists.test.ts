import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { mergeProspects } from "../../src/db/queries/merge";
import { recordAcceptedSubmission } from "../../src/db/queries/submissions";
import { parseCriteria } from "../../src/domain/criteria";
import { saveDynamicList } from "../../src/services/lists";
import { type IncomingAttendance, type IncomingRegistrant, ingest } from "../../src/sync/ingest";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { bulkProspects, condition, joinedAt, membersOf, postList, runJobs } from "./lists-helpers";
import { db, seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";

let admin: Session;
let adminId: string;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  const [user] = await rows<{ id: string }>("SELECT id FROM users WHERE email = ?", ADMIN.email);
  adminId = user?.id ?? "";
});

async function page(path: string): Promise<{ status: number; html: string }> {
  const res = await call(path, { cookie: admin.cookie });
  return { status: res.status, html: await res.text() };
}

async function dynamicList(name: string, conditions: Record<string, unknown>[], match = "all"): Promise<string> {
  const parsed = parseCriteria({ match, conditions });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const saved = await saveDynamicList(env, {
    id: null,
    name,
    criteria: parsed.criteria,
    actor: { id: adminId, ip: null },
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  await runJobs();
  return saved.list.id;
}

describe("Lists > Add dynamic list", () => {
  it("saves the list, finds its members in bounded steps with progress, and shows the criteria in words", async () => {
    const connector = await seedConnector();
    const webinar = await seedWebinar(connector, "Product tour", [[-5, -4]]);
    const crowd = await bulkProspects("crowd", 1100);
    const long = await seedProspect("long@example.com");
    const short = await seedProspect("short@example.com");
    const exact = await seedProspect("exact@example.com");
    await seedRegistration(long, webinar, "approved", { attended: true, minutes: 45 });
    await seedRegistration(short, webinar, "approved", { attended: true, minutes: 19 });
    await seedRegistration(exact, webinar, "registered", { attended: true, minutes: 20 });
    await seedRegistration(crowd[0] ?? "", webinar, "approved");

    const res = await postList(admin, "/admin/lists/dynamic", {
      name: "Attended the tour",
      match: "all",
      ...condition(0, { kind: "attended_minutes", minutes: "20", scope: "webinar", webinarId: webinar }),
    });
    expect(res.status).toBe(303);
    const listId = /\/admin\/lists\/(lst_[\w-]+)/.exec(res.headers.get("location") ?? "")?.[1] ?? "";
    expect(listId).not.toBe("");

    const [queued] = await rows<{ state: string; kind: string }>(
      "SELECT state, kind FROM jobs WHERE subject = ?",
      listId,
    );
    expect(queued).toEqual({ state: "queued", kind: "list_recompute" });
    const before = await page(`/admin/lists/${listId}`);
    expect(before.html).toContain("Attended “Product tour” for at least 20 minutes");
    expect(before.html).toContain('hx-trigger="every 1s"');

    await runJobs();
    const [job] = await rows<{ state: string; steps: number; done: number; total: number }>(
      "SELECT state, steps, done, total FROM jobs WHERE subject = ?",
      listId,
    );
    const active =
      (await rows<{ n: number }>("SELECT count(*) AS n FROM prospects WHERE merged_into_id IS NULL"))[0]?.n ?? 0;
    expect(job).toEqual({ state: "done", steps: Math.ceil((active + 1) / 500), done: active, total: active });
    expect(await membersOf(listId)).toEqual([exact, long].sort());

    const after = await page(`/admin/lists/${listId}`);
    expect(after.html).toContain("long@example.com");
    expect(after.html).not.toContain("short@example.com");
    expect(after.html).not.toContain('hx-trigger="every 1s"');
    // The progress poll that sees the job done brings the members along, out of band.
    const poll = await page(`/admin/lists/${listId}/progress`);
    expect(poll.html).toContain('hx-swap-oob="outerHTML"');
    expect(poll.html).toContain("exact@example.com");

    const [audit] = await rows<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit_log WHERE subject = ? ORDER BY id",
      listId,
    );
    expect(audit?.action).toBe("list.created");
    expect(JSON.parse(audit?.detail ?? "{}")).toMatchObject({
      kind: "dynamic",
      criteria: "Attended “Product tour” for at least 20 minutes",
    });
  });

  it("a criteria change queues a new recompute (cancelling one still active) and finds the members again", async () => {
    const a = await seedProspect("score-a@example.com", { score: 80 });
    const b = await seedProspect("score-b@example.com", { score: 20 });
    const res = await postList(admin, "/admin/lists/dynamic", {
      name: "Scored",
      match: "all",
      ...condition(0, { kind: "score", op: "at_least", value: "50" }),
    });
    const listId = /\/admin\/lists\/(lst_[\w-]+)/.exec(res.headers.get("location") ?? "")?.[1] ?? "";
    const edit = await postList(admin, `/admin/lists/${listId}/criteria`, {
      name: "Scored low",
      match: "all",
      ...condition(0, { kind: "score", op: "at_most", value: "30" }),
    });
    expect(edit.status).toBe(303);
    // The first job is cancelled, unless the runner's alarm finished it first; the second is the one that counts.
    await runJobs();
    const states = await rows<{ state: string }>(
      "SELECT state FROM jobs WHERE subject = ? ORDER BY created_at, id",
      listId,
    );
    expect(states).toHaveLength(2);
    expect(["cancelled", "done"]).toContain(states[0]?.state);
    expect(states[1]?.state).toBe("done");
    const members = await membersOf(listId);
    expect(members).toContain(b);
    expect(members).not.toContain(a);
    const actions = await rows<{ action: string }>(
      "SELECT action FROM audit_log WHERE subject = ? ORDER BY id",
      listId,
    );
    expect(actions.map((x) => x.action)).toEqual(["list.created", "list.criteria_changed"]);
    expect((await page(`/admin/lists/${listId}`)).html).toContain("List: Scored low");
  });

  it("the preview counts the matches of criteria not saved yet; the builder adds, groups and removes", async () => {
    await seedProspect("preview-1@preview.example", { company: "Preview Co" });
    await seedProspect("preview-2@preview.example", { company: "Preview Co" });
    const fields = { match: "all", ...condition(0, { kind: "email_domain", domain: "preview.example" }) };
    const res = await call("/admin/lists/preview", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, ...fields }),
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("<strong>2</strong> prospects match now.");
    expect(html).toContain("preview-1@preview.example");

    const builder = await call("/admin/lists/builder", {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, ...fields, op: "add-group" }),
      headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
    });
    const fragment = await builder.text();
    expect(fragment).toContain('name="conditions.1.match"');
    expect(fragment).toContain('name="conditions.1.conditions.0.kind"');
    expect(fragment).toContain('hx-swap-oob="innerHTML"');
    // A kind changed: its own fields appear (score has op and value, not domain).
    const changed = await call("/admin/lists/builder", {
      method: "POST",
      cookie: admin.cookie,
      ...form({
        _csrf: admin.csrf,
        match: "all",
        "conditions.0.kind": "score",
        "conditions.0.domain": "x.com",
        op: "refresh",
      }),
      headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
    });
    const changedHtml = await changed.text();
    expect(changedHtml).toContain('name="conditions.0.value"');
    expect(changedHtml).not.toContain('name="conditions.0.domain"');
  });
});

const registrant = (
  key: string,
  email: string,
  status: IncomingRegistrant["status"] = "APPROVED",
): IncomingRegistrant => ({
  registrantKey: key,
  email,
  firstName: null,
  lastName: null,
  status,
  joinUrl: null,
  registrationDate: "2026-11-01T10:00:00.000Z",
});

describe("membership follows what is recorded, in the same batch", () => {
  it("ingestion: attendance joins, a re-poll changes nothing, absentees join once attendance is read after the end", async () => {
    const connector = await seedConnector();
    const webinar = await seedWebinar(connector, "Ingested tour", [[-3, -2]]);
    const attended = await dynamicList("Ingested 20+", [
      { kind: "attended_minutes", minutes: 20, scope: "webinar", webinarId: webinar },
    ]);
    const absent = await dynamicList("Ingested absent", [
      { kind: "webinar_status", status: "absent", scope: "webinar", webinarId: webinar },
    ]);
    const webinarRow = {
      id: webinar,
      subject: "Ingested tour",
      endsAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    };
    const registrants = [
      registrant("9001", "ing-long@example.com"),
      registrant("9002", "ing-short@example.com"),
      registrant("9003", "ing-away@example.com"),
    ];
    const base = {
      webinar: webinarRow,
      connector: { createProspects: true, campaignId: null },
      registrants,
      complete: true,
      fetchedAt: new Date().toISOString(),
    };
    // A poll after the end that did not read attendance (a webhook event, say): nobody is absent yet.
    await ingest(db(), { ...base, attendance: null, now: new Date().toISOString() });
    expect(await membersOf(absent)).toEqual([]);
    const ids = Object.fromEntries(
      (await rows<{ id: string; email: string }>("SELECT id, email FROM prospects WHERE email LIKE 'ing-%'")).map(
        (r) => [r.email, r.id],
      ),
    );
    const attendance: IncomingAttendance[] = [
      {
        registrantKey: "9001",
        email: "ing-long@example.com",
        firstName: null,
        lastName: null,
        minutes: 35,
        firstJoin: null,
      },
      {
        registrantKey: "9002",
        email: "ing-short@example.com",
        firstName: null,
        lastName: null,
        minutes: 5,
        firstJoin: null,
      },
    ];
    await ingest(db(), { ...base, attendance, now: new Date().toISOString() });
    expect(await membersOf(attended)).toEqual([ids["ing-long@example.com"]]);
    expect(await membersOf(absent)).toEqual([ids["ing-away@example.com"]]);

    const joined = { attended: await joinedAt(attended), absent: await joinedAt(absent) };
    // The same poll again, and again later: nothing moves, nobody re-joins.
    await ingest(db(), { ...base, attendance, now: new Date().toISOString() });
    await ingest(db(), { ...base, attendance: [...attendance].reverse(), now: new Date().toISOString() });
    expect(await joinedAt(attended)).toEqual(joined.attended);
    expect(await joinedAt(absent)).toEqual(joined.absent);

    // A later pass finds the short attendee stayed longer: they join, nobody else moves.
    const more = attendance.map((a) => (a.registrantKey === "9002" ? { ...a, minutes: 25 } : a));
    await ingest(db(), { ...base, attendance: more, now: new Date().toISOString() });
    expect(await membersOf(attended)).toEqual([ids["ing-long@example.com"], ids["ing-short@example.com"]].sort());
    expect((await joinedAt(attended))[ids["ing-long@example.com"] ?? ""]).toBe(
      joined.attended[ids["ing-long@example.com"] ?? ""],
    );

    // The last pass finds the one who was away after all: no longer absent.
    const late: IncomingAttendance = {
      registrantKey: "9003",
      email: "ing-away@example.com",
      firstName: null,
      lastName: null,
      minutes: 3,
      firstJoin: null,
    };
    await ingest(db(), { ...base, attendance: [...more, late], now: new Date().toISOString() });
    expect(await membersOf(absent)).toEqual([]);
  });

  it("a form submission's tag, list and fields, and a hand-added static member, move dynamic lists in the same batch", async () => {
    const staticList = (await rows<{ id: string }>("SELECT id FROM lists WHERE name = 'Customers'"))[0]?.id;
    const customersId = staticList ?? "lst_customers_test";
    if (!staticList)
      await env.DB.prepare("INSERT INTO lists (id, name) VALUES (?, 'Customers')").bind(customersId).run();
    const tagged = await dynamicList("Tagged VIP", [{ kind: "tag", tag: "vip" }]);
    const customersInSpain = await dynamicList("Customers in Spain", [
      { kind: "list_member", listId: customersId },
      { kind: "country", value: "Spain" },
    ]);
    const now = new Date().toISOString();
    const submitted = await recordAcceptedSubmission(db(), env.DB, {
      formId: null,
      handlerId: null,
      email: "form-vip@example.com",
      values: { email: "form-vip@example.com" },
      utm: {},
      referrer: null,
      ip: null,
      dedupeKey: `lists-test-${crypto.randomUUID()}`,
      now,
      prospect: { fields: { country: "Spain" }, custom: {} },
      actions: [{ type: "add_tag", tag: "vip" }],
      pushRequest: null,
    });
    const prospectId = submitted.prospectId ?? "";
    expect(await membersOf(tagged)).toEqual([prospectId]);
    expect(await membersOf(customersInSpain)).toEqual([]);

    // By hand, on the static list's page: the dynamic list that uses it follows at once.
    const add = await call(`/admin/lists/${customersId}/members`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, who: "FORM-VIP@example.com" }),
    });
    expect(add.status).toBe(200);
    expect(await membersOf(customersId)).toEqual([prospectId]);
    expect(await membersOf(customersInSpain)).toEqual([prospectId]);
    // Adding again changes nothing (the join time stays).
    const joined = await joinedAt(customersId);
    await call(`/admin/lists/${customersId}/members`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, who: prospectId }),
    });
    expect(await joinedAt(customersId)).toEqual(joined);

    const remove = await call(`/admin/lists/${customersId}/members/${prospectId}/remove`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf }),
    });
    expect(remove.status).toBe(200);
    expect(await membersOf(customersId)).toEqual([]);
    expect(await membersOf(customersInSpain)).toEqual([]);
    const actions = await rows<{ action: string }>(
      "SELECT action FROM audit_log WHERE subject = ? ORDER BY id",
      customersId,
    );
    expect(actions.map((a) => a.action)).toEqual(["list.member_added", "list.member_added", "list.member_removed"]);

    // A dynamic list's members cannot be changed by hand.
    const refused = await call(`/admin/lists/${tagged}/members`, {
      method: "POST",
      cookie: admin.cookie,
      ...form({ _csrf: admin.csrf, who: prospectId }),
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("change the criteria instead");
  });

  it("a merge keeps the union of both prospects' memberships on the master, and adds lists it now matches", async () => {
    const m = await seedProspect("merge-m@example.com", { company: "Acme", score: 30 });
    const o = await seedProspect("merge-o@example.com", { country: "Portugal", score: 40 });
    const acme = await dynamicList("Merge Acme", [{ kind: "company", op: "is", value: "Acme" }]);
    const portugal = await dynamicList("Merge Portugal", [{ kind: "country", value: "Portugal" }]);
    const connector = await seedConnector();
    const w = await seedWebinar(connector, "Merge tour", [[-3, -2]]);
    await seedRegistration(o, w, "approved", { attended: true, minutes: 30 });
    const attended = await dynamicList("Merge attended", [
      { kind: "webinar_status", status: "attended", scope: "webinar", webinarId: w },
    ]);
    expect(await membersOf(acme)).toContain(m);
    expect(await membersOf(portugal)).toContain(o);
    await mergeProspects(env.DB, { masterId: m, otherId: o, mergedBy: null, now: new Date().toISOString() });
    expect(await membersOf(acme)).toContain(m);
    expect(await membersOf(portugal)).toContain(m);
    expect(await membersOf(attended)).toContain(m);
    for (const list of [acme, portugal, attended]) expect(await membersOf(list)).not.toContain(o);
  });
});

describe("forms and dynamic lists", () => {
  it("a form's Add to list cannot pick a dynamic list", async () => {
    const { actionTargetErrors } = await import("../../src/db/queries/forms");
    const listId = await dynamicList("Not for forms", [{ kind: "tag", tag: "forms" }]);
    const errors = await actionTargetErrors(db(), [{ type: "add_to_list", listId }], new Date().toISOString());
    expect(errors.add_to_list).toMatch(/Pick a static list/);
  });
});

describe("a list's page", () => {
  it("searches and pages the members with the cursor codec, who joined last first", async () => {
    const listId = "lst_paging";
    await env.DB.prepare("INSERT INTO lists (id, name) VALUES (?, 'Paging')").bind(listId).run();
    const people = await bulkProspects("paging", 60);
    for (const [i, id] of people.entries()) {
      await env.DB.prepare("INSERT INTO list_members (list_id, prospect_id, created_at) VALUES (?, ?, ?)")
        .bind(listId, id, new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString())
        .run();
    }
    const first = await page(`/admin/lists/${listId}`);
    const emails = (html: string) =>
      [...html.matchAll(/<bdi>(pro_paging\d+@bulk\.example\.com)<\/bdi>/g)].map((m) => m[1]);
    expect(emails(first.html)).toHaveLength(50);
    expect(emails(first.html)[0]).toBe("pro_paging00059@bulk.example.com");
    const next = /href="(\/admin\/lists\/lst_paging\?q=&amp;cursor=[^"]+)"/
      .exec(first.html)?.[1]
      ?.replace(/&amp;/g, "&");
    expect(next).toBeDefined();
    const second = await page(next ?? "");
    expect(emails(second.html)).toHaveLength(10);
    expect(new Set([...emails(first.html), ...emails(second.html)]).size).toBe(60);
    const found = await page(`/admin/lists/${listId}?q=paging00007`);
    expect(emails(found.html)).toEqual(["pro_paging00007@bulk.example.com"]);
    expect((await page(`/admin/lists/${listId}?cursor=broken`)).status).toBe(400);
    expect((await page(`/admin/lists/${listId}?q=${"x".repeat(201)}`)).status).toBe(422);
  });
});

describe("the job runner", () => {
  it("a step run twice (an alarm re-run) moves the progress and the members once", async () => {
    const { listRecompute, LIST_RECOMPUTE } = await import("../../src/services/list-recompute");
    const { advanceJob, findJob, queueJobStatements } = await import("../../src/db/queries/jobs");
    const { runBatch } = await import("../../src/db/queries/statements");
    const rich = await seedProspect("rerun-rich@example.com", { score: 999_999 });
    const listId = await dynamicList("Rerun", [{ kind: "score", op: "at_least", value: 999_999 }]);
    await env.DB.prepare("DELETE FROM list_members WHERE list_id = ?").bind(listId).run();
    // Queued without waking the runner (no alarm is set once its jobs are done): stepped by hand.
    const now = new Date().toISOString();
    await runBatch(
      db(),
      queueJobStatements({ id: "job_rerun", kind: LIST_RECOMPUTE, subject: listId, createdBy: null, now }),
    );
    let steps = 0;
    for (
      let job = await findJob(db(), "job_rerun");
      job && job.state !== "done";
      job = await findJob(db(), "job_rerun")
    ) {
      const step = await listRecompute.step(db(), job, now);
      await runBatch(db(), [...step.statements, advanceJob(job, step, now)]);
      const joined = await joinedAt(listId);
      await runBatch(db(), [...step.statements, advanceJob(job, step, now)]);
      expect(await joinedAt(listId)).toEqual(joined);
      expect((await findJob(db(), "job_rerun"))?.steps).toBe(++steps);
    }
    expect(steps).toBeGreaterThan(1);
    expect(await membersOf(listId)).toEqual([rich]);
  });

  it("fails a job of a kind it does not know, and leaves the others to run", async () => {
    const now = new Date().toISOString();
    await env.DB.prepare(
      "INSERT INTO jobs (id, kind, subject, state, run_at, updated_at) VALUES ('job_unknown', 'no_such_kind', 'x', 'queued', ?, ?)",
    )
      .bind(now, now)
      .run();
    await runJobs();
    const [job] = await rows<{ state: string; last_error: string }>(
      "SELECT state, last_error FROM jobs WHERE id = 'job_unknown'",
    );
    expect(job).toEqual({ state: "failed", last_error: "no job kind no_such_kind" });
  });
});

void createDb;
