import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findForm, type StoredForm } from "../../src/db/queries/forms";
import { setScoringRule } from "../../src/db/queries/scoring";
import { processSubmission } from "../../src/services/submission";
import { call, form, rows, type Session } from "../helpers";
import { adminSession } from "./connector-helpers";
import { builderBody, expectStatus, liveForm, NAME_FIELDS, submit, visitorIp } from "./form-helpers";

/**
 * The submission's hot path over time: double submits are caught in a window that slides with
 * each post (the clock injected), posts are limited per form and IP by the platform's limiter, and
 * the filters are read from a short per-isolate cache that a change in admin clears at once.
 */

let session: Session;

beforeAll(async () => {
  session = await adminSession();
});

async function newForm(): Promise<StoredForm> {
  const id = await liveForm(
    session,
    builderBody(session, { name: `Window ${crypto.randomUUID().slice(0, 6)}`, fields: NAME_FIELDS }),
  );
  const stored = await findForm(createDb(env.DB), id);
  if (!stored) throw new Error("form not stored");
  return stored;
}

function post(form: StoredForm, email: string, now: Date, ip = visitorIp()) {
  return processSubmission(
    env,
    { formId: form.id, handlerId: null, fields: form.fields, actions: form.actions },
    { email, firstName: "Ada", lastName: "Lovelace" },
    { ip, utm: {}, referrer: null, now },
  );
}

async function storedCount(form: StoredForm): Promise<number> {
  return (await rows("SELECT id FROM submissions WHERE form_id = ?", form.id)).length;
}

const at = (iso: string) => new Date(iso);

describe("double submits in a sliding ten-minute window", () => {
  it("two posts 0.2 s apart across hh:30:00 are one submission", async () => {
    const form = await newForm();
    const first = await post(form, "boundary@example.com", at("2031-03-04T10:29:59.900Z"));
    const second = await post(form, "boundary@example.com", at("2031-03-04T10:30:00.100Z"));
    expect(first).toMatchObject({ kind: "accepted", duplicate: false });
    expect(second).toMatchObject({ kind: "accepted", duplicate: true });
    expect(await storedCount(form)).toBe(1);
  });

  it("9 min 59 s apart is one submission, 10 min 1 s apart is two", async () => {
    const form = await newForm();
    await post(form, "slide@example.com", at("2031-03-04T11:05:00.000Z"));
    expect(await post(form, "slide@example.com", at("2031-03-04T11:14:59.000Z"))).toMatchObject({ duplicate: true });
    expect(await storedCount(form)).toBe(1);
    expect(await post(form, "slide@example.com", at("2031-03-04T11:15:01.000Z"))).toMatchObject({ duplicate: false });
    expect(await storedCount(form)).toBe(2);
  });

  it("another email or other content in the window is a submission of its own", async () => {
    const form = await newForm();
    const now = at("2031-03-04T12:00:00.000Z");
    await post(form, "one@example.com", now);
    await post(form, "two@example.com", now);
    await processSubmission(
      env,
      { formId: form.id, handlerId: null, fields: form.fields, actions: form.actions },
      { email: "one@example.com", firstName: "Adaline", lastName: "Lovelace" },
      { ip: visitorIp(), utm: {}, referrer: null, now },
    );
    expect(await storedCount(form)).toBe(3);
  });

  it("ten concurrent identical posts are stored once and make one prospect and one Form submitted activity", async () => {
    const form = await newForm();
    const now = at("2031-03-04T13:29:59.950Z");
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(form, "race@example.com", new Date(now.getTime() + i * 20))),
    );
    expect(outcomes.filter((o) => o.kind === "accepted" && !o.duplicate)).toHaveLength(1);
    expect(await storedCount(form)).toBe(1);
    const prospects = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'race@example.com'");
    expect(prospects).toHaveLength(1);
    expect(
      await rows("SELECT id FROM activities WHERE prospect_id = ? AND type = 'form_submitted'", prospects[0]?.id),
    ).toHaveLength(1);
  });
});

describe("the per-form, per-IP limit (the Rate Limiting binding)", () => {
  // The local limiter counts in windows aligned to the minute. A fresh key's first 20 posts always
  // pass; if the minute turns during the burst the count starts again once, so 41 posts (well under
  // a minute) always meet a 429, wherever the clock stands.
  it("20 posts from one IP pass, then it answers 429 (plain and htmx); another IP and another form are not affected", async () => {
    const [formA, formB] = [await newForm(), await newForm()];
    const ip = visitorIp();
    const as = (i: number, headers: Record<string, string> = {}) =>
      submit(
        formA.id,
        { email: `burst${i}@example.com`, firstName: "B", lastName: "Urst" },
        { "cf-connecting-ip": ip, ...headers },
      );
    for (let i = 0; i < 20; i++) await expectStatus(await as(i), 200);
    let limited: Response | null = null;
    for (let i = 20; i < 41 && !limited; i++) {
      const res = await as(i);
      if (res.status === 429) limited = res;
      else await expectStatus(res, 200);
    }
    expect(limited, "no 429 within 41 posts").not.toBeNull();
    const page = await (limited as Response).text();
    expect(page).toContain("Too many submissions from your network");
    expect(page).toContain("<html");
    const fragment = await expectStatus(await as(99, { "hx-request": "true" }), 429);
    expect(fragment).toContain("Too many submissions from your network");
    expect(fragment).not.toContain("<html");
    expect(await rows("SELECT id FROM submissions WHERE data LIKE '%burst99@%'")).toHaveLength(0);
    // Another visitor on the same form, and the same visitor on another form, go through.
    await expectStatus(await submit(formA.id, { email: "other@example.com", firstName: "O", lastName: "Ther" }), 200);
    await expectStatus(
      await submit(
        formB.id,
        { email: "burst0@example.com", firstName: "B", lastName: "Urst" },
        { "cf-connecting-ip": ip },
      ),
      200,
    );
  });
});

describe("the filters cache", () => {
  async function filterPost(fields: Record<string, string>, path = "/admin/filters"): Promise<Response> {
    return call(path, { method: "POST", cookie: session.cookie, ...form({ _csrf: session.csrf, ...fields }) });
  }

  it("a filter added in admin applies to the very next submission, and one removed stops at once", async () => {
    const f = await newForm();
    const visitor = (email: string) => ({ email, firstName: "F", lastName: "Ilter" });
    await expectStatus(await submit(f.id, visitor("warm@cache.example")), 200);
    await expectStatus(await filterPost({ kind: "email_domain", value: "cache.example" }), 200);
    await expectStatus(await submit(f.id, visitor("next@cache.example")), 200);
    const [filter] = await rows<{ id: string }>("SELECT id FROM filters WHERE value = 'cache.example'");
    await expectStatus(await filterPost({}, `/admin/filters/${filter?.id}/delete`), 200);
    await expectStatus(await submit(f.id, visitor("after@cache.example")), 200);
    const subs = await rows<{ data: string; status: string }>(
      "SELECT data, status FROM submissions WHERE form_id = ? ORDER BY created_at",
      f.id,
    );
    expect(subs.map((s) => [JSON.parse(s.data).email, s.status])).toEqual([
      ["warm@cache.example", "accepted"],
      ["next@cache.example", "filtered"],
      ["after@cache.example", "accepted"],
    ]);
  });

  it("a filter written elsewhere (another isolate) applies within ten seconds", async () => {
    const f = await newForm();
    const t0 = at("2031-05-06T07:08:00.000Z");
    expect(await post(f, "a@elsewhere.example", t0)).toMatchObject({ kind: "accepted" });
    await env.DB.prepare(
      "INSERT INTO filters (id, kind, value) VALUES ('flt_elsewhere', 'email_domain', 'elsewhere.example')",
    ).run();
    // Within the ten seconds the isolate's copy answers: no D1 read per post.
    expect(await post(f, "b@elsewhere.example", new Date(t0.getTime() + 1_000))).toMatchObject({ kind: "accepted" });
    expect(await post(f, "c@elsewhere.example", new Date(t0.getTime() + 10_001))).toMatchObject({ kind: "filtered" });
    await env.DB.prepare("DELETE FROM filters WHERE id = 'flt_elsewhere'").run();
  });
});

describe("the scoring rules cache", () => {
  async function formPoints(email: string): Promise<number | undefined> {
    const [row] = await rows<{ points: number }>(
      "SELECT a.points FROM activities a JOIN prospects p ON p.id = a.prospect_id WHERE p.email = ? AND a.type = 'form_submitted'",
      email,
    );
    return row?.points;
  }

  it("a rule saved through the scoring module applies to the very next submission; one written elsewhere within ten seconds", async () => {
    const f = await newForm();
    const t0 = at("2032-02-03T04:05:00.000Z");
    expect(await post(f, "warm@score.example", t0)).toMatchObject({ kind: "accepted" });
    expect(await formPoints("warm@score.example")).toBe(3);

    await setScoringRule(createDb(env.DB), "form_submitted", 7);
    expect(await post(f, "next@score.example", new Date(t0.getTime() + 1_000))).toMatchObject({ kind: "accepted" });
    expect(await formPoints("next@score.example")).toBe(7);

    // Another isolate's change: this isolate's copy answers for up to ten seconds, then D1 does.
    await env.DB.prepare("UPDATE scoring_rules SET points = 11 WHERE activity_type = 'form_submitted'").run();
    expect(await post(f, "soon@score.example", new Date(t0.getTime() + 2_000))).toMatchObject({ kind: "accepted" });
    expect(await formPoints("soon@score.example")).toBe(7);
    expect(await post(f, "later@score.example", new Date(t0.getTime() + 12_001))).toMatchObject({ kind: "accepted" });
    expect(await formPoints("later@score.example")).toBe(11);
    await env.DB.prepare("DELETE FROM scoring_rules WHERE activity_type = 'form_submitted'").run();
  });
});
