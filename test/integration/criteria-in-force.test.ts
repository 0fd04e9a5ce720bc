import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { cachedCriteriaInForce, forgetCriteriaInForce } from "../../src/db/queries/criteria";
import { ADMIN, login, type Session } from "../helpers";
import { builderBody, liveForm, NAME_FIELDS, submit } from "./form-helpers";
import { condition, membersOf, postList } from "./lists-helpers";

/**
 * The public submission path leaves the dynamic-list and rule statements out of its batch when
 * none exist, read from a 10-second per-isolate copy: a list or rule saved through this isolate is
 * judged from the next submission on; one written elsewhere within the copy's time.
 */
let admin: Session;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
});

describe("criteria in force", () => {
  it("is read from D1, kept for its time, and read again at once after forget()", async () => {
    const db = createDb(env.DB);
    forgetCriteriaInForce();
    const t0 = 1_000_000;
    expect(await cachedCriteriaInForce(db, t0)).toEqual({ lists: false, rules: false });
    // Written behind the cache's back (another isolate): seen once the copy is 10 s old.
    await env.DB.prepare(
      "INSERT INTO lists (id, name, kind, criteria) VALUES ('lst_in_force', 'In force', 'dynamic', '{}')",
    ).run();
    expect(await cachedCriteriaInForce(db, t0 + 9_999)).toEqual({ lists: false, rules: false });
    expect(await cachedCriteriaInForce(db, t0 + 10_000)).toEqual({ lists: true, rules: false });
    await env.DB.prepare("DELETE FROM lists WHERE id = 'lst_in_force'").run();
    forgetCriteriaInForce();
    expect(await cachedCriteriaInForce(db, t0 + 10_001)).toEqual({ lists: false, rules: false });
  });

  it("a dynamic list saved in the admin is kept current by the very next form submission", async () => {
    const db = createDb(env.DB);
    // The submission path has read "no dynamic lists" and keeps that copy.
    expect((await cachedCriteriaInForce(db, Date.now())).lists).toBe(false);
    const res = await postList(admin, "/admin/lists/dynamic", {
      name: "From example.org",
      match: "all",
      ...condition(0, { kind: "email_domain", domain: "example.org" }),
    });
    expect(res.status).toBe(303);
    const listId = /\/admin\/lists\/(lst_[\w-]+)/.exec(res.headers.get("location") ?? "")?.[1] ?? "";
    const formId = await liveForm(admin, builderBody(admin, { name: "In force form", fields: NAME_FIELDS }));
    expect((await submit(formId, { email: "new@example.org", firstName: "N", lastName: "Ew" })).status).toBe(200);
    const [prospect] = (
      await env.DB.prepare("SELECT id FROM prospects WHERE email = 'new@example.org'").all<{ id: string }>()
    ).results;
    expect(await membersOf(listId)).toEqual([prospect?.id]);
  });
});
