import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCriteria } from "../../src/domain/criteria";
import { saveDynamicList } from "../../src/services/lists";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { runJobs } from "./lists-helpers";
import { seedProspect } from "./report-seed";
import { addRule, newStaticList } from "./rule-helpers";

/**
 * Deleting a list: its Delete page says how many members it has and what uses it; a list nothing
 * uses is deleted with its memberships (the prospects stay), audited; one that a rule's action, a
 * rule's or a dynamic list's criteria, a form or a form handler uses is refused with 409 and what
 * to change, and stays whole.
 */

let admin: Session;
let adminId: string;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  const [user] = await rows<{ id: string }>("SELECT id FROM users WHERE email = ?", ADMIN.email);
  adminId = user?.id ?? "";
});

async function addMembers(listId: string, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await seedProspect(`${prefix}-${i}@example.com`);
    await env.DB.prepare("INSERT INTO list_members (list_id, prospect_id) VALUES (?, ?)").bind(listId, p).run();
    ids.push(p);
  }
  return ids;
}

async function deletePage(listId: string) {
  const res = await call(`/admin/lists/${listId}/delete`, { cookie: admin.cookie });
  return { status: res.status, html: await res.text() };
}

async function postDelete(listId: string) {
  const res = await call(`/admin/lists/${listId}/delete`, {
    method: "POST",
    cookie: admin.cookie,
    ...form({ _csrf: admin.csrf }),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

async function listExists(listId: string): Promise<boolean> {
  return (await rows("SELECT id FROM lists WHERE id = ?", listId)).length === 1;
}

async function memberCount(listId: string): Promise<number> {
  const [row] = await rows<{ n: number }>("SELECT count(*) AS n FROM list_members WHERE list_id = ?", listId);
  return row?.n ?? -1;
}

describe("deleting a list", () => {
  it("confirms with the member count, deletes the list and its memberships, keeps the prospects, audits it", async () => {
    const list = await newStaticList("Delete me");
    const members = await addMembers(list, 3, "del-free");
    const detail = await (await call(`/admin/lists/${list}`, { cookie: admin.cookie })).text();
    expect(detail).toContain(`href="/admin/lists/${list}/delete"`);

    const page = await deletePage(list);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Delete list: Delete me");
    expect(page.html).toContain("3 members");
    expect(page.html).toContain("No rule, form, form handler or criteria use this list.");
    expect(page.html).toContain(`action="/admin/lists/${list}/delete"`);

    const deleted = await postDelete(list);
    expect(deleted.status).toBe(303);
    expect(deleted.location).toBe("/admin/lists?deleted=1");
    expect(await listExists(list)).toBe(false);
    expect(await memberCount(list)).toBe(0);
    const kept = await rows("SELECT id FROM prospects WHERE id IN (?, ?, ?)", ...members);
    expect(kept).toHaveLength(3);
    const [audit] = await rows<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit_log WHERE subject = ? ORDER BY id DESC LIMIT 1",
      list,
    );
    expect(audit?.action).toBe("list.deleted");
    expect(JSON.parse(audit?.detail ?? "{}")).toEqual({ name: "Delete me", kind: "static", members: 3 });
    const lists = await (await call("/admin/lists?deleted=1", { cookie: admin.cookie })).text();
    expect(lists).toContain("List deleted; its prospects stay.");
    expect(lists).not.toContain(">Delete me<");
    expect((await postDelete(list)).status).toBe(404);
    expect((await deletePage(list)).status).toBe(404);
  });

  it("deletes a dynamic list with its stored criteria", async () => {
    const parsed = parseCriteria({ match: "all", conditions: [{ kind: "tag", tag: "del-dynamic" }] });
    if (!parsed.ok) throw new Error("criteria");
    const saved = await saveDynamicList(env, {
      id: null,
      name: "Delete dynamic",
      criteria: parsed.criteria,
      actor: { id: adminId, ip: null },
    });
    if (!saved.ok) throw new Error("save");
    await runJobs();
    expect((await postDelete(saved.list.id)).status).toBe(303);
    expect(await listExists(saved.list.id)).toBe(false);
    expect(await rows("SELECT owner_id FROM criteria_sets WHERE owner_id = ?", saved.list.id)).toEqual([]);
    expect(await rows("SELECT owner_id FROM criteria_conditions WHERE owner_id = ?", saved.list.id)).toEqual([]);
  });

  it("refuses (409) a list a rule action, rule criteria, a dynamic list, a form or a form handler use, saying what to change", async () => {
    const list = await newStaticList("Delete refused");
    await addMembers(list, 2, "del-used");
    const actionRule = await addRule(admin, {
      name: "Adds to the kept list",
      criteria: { match: "all", conditions: [{ kind: "tag", tag: "del-kept" }] },
      actions: [{ type: "add_to_list", listId: list }],
    });
    const criteriaRule = await addRule(admin, {
      name: "Reads the kept list",
      criteria: { match: "all", conditions: [{ kind: "list_member", listId: list }] },
      actions: [{ type: "add_tag", tag: "in-kept" }],
    });
    const parsed = parseCriteria({ match: "all", conditions: [{ kind: "list_member", listId: list }] });
    if (!parsed.ok) throw new Error("criteria");
    const dynamic = await saveDynamicList(env, {
      id: null,
      name: "Members of the kept list",
      criteria: parsed.criteria,
      actor: { id: adminId, ip: null },
    });
    if (!dynamic.ok) throw new Error("save");
    await runJobs();
    const now = new Date().toISOString();
    const actions = JSON.stringify([{ type: "add_to_list", listId: list }]);
    await env.DB.prepare("INSERT INTO forms (id, name, actions, updated_at) VALUES ('frm_del_kept', 'Kept form', ?, ?)")
      .bind(actions, now)
      .run();
    await env.DB.prepare(
      `INSERT INTO form_handlers (id, name, actions, success_url, error_url, updated_at)
       VALUES ('fh_del_kept', 'Kept handler', ?, 'https://example.com/ok', 'https://example.com/no', ?)`,
    )
      .bind(actions, now)
      .run();

    const page = await deletePage(list);
    expect(page.status).toBe(200);
    expect(page.html).toContain("2 members");
    expect(page.html).toContain("cannot be deleted yet");
    expect(page.html).not.toContain(`action="/admin/lists/${list}/delete"`);
    for (const name of [
      "Adds to the kept list",
      "Reads the kept list",
      "Members of the kept list",
      "Kept form",
      "Kept handler",
    ]) {
      expect(page.html).toContain(name);
    }
    expect(page.html).toContain(`/admin/automation/rules/${actionRule}/edit`);
    expect(page.html).toContain(`/admin/automation/rules/${criteriaRule}/edit`);
    expect(page.html).toContain(`/admin/lists/${dynamic.list.id}/edit`);

    const refused = await postDelete(list);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("The list was not deleted");
    expect(refused.html).toContain("edit the form&#39;s completion actions");
    expect(await listExists(list)).toBe(true);
    expect(await memberCount(list)).toBe(2);
    expect(await rows("SELECT id FROM audit_log WHERE subject = ? AND action = 'list.deleted'", list)).toEqual([]);

    // Once each use is changed, the list can go.
    await env.DB.prepare("DELETE FROM forms WHERE id = 'frm_del_kept'").run();
    await env.DB.prepare("DELETE FROM form_handlers WHERE id = 'fh_del_kept'").run();
    for (const rule of [actionRule, criteriaRule]) {
      const res = await call(`/admin/automation/rules/${rule}/delete`, {
        method: "POST",
        cookie: admin.cookie,
        ...form({ _csrf: admin.csrf }),
      });
      expect(res.status).toBe(303);
    }
    const stillDynamic = await postDelete(list);
    expect(stillDynamic.status).toBe(409);
    expect(stillDynamic.html).toContain("Members of the kept list");
    expect(stillDynamic.html).not.toContain("Adds to the kept list");
    expect((await postDelete(dynamic.list.id)).status).toBe(303);
    expect((await postDelete(list)).status).toBe(303);
    expect(await listExists(list)).toBe(false);
  });
});
