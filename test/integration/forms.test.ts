import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, form, rows, type Session } from "../helpers";
import { adminSession } from "./connector-helpers";
import { builderBody, expectStatus, liveForm, NAME_FIELDS, saveForm, submit, webinarsFor } from "./form-helpers";

let session: Session;
let webinar: { id: string; webinarKey: string };
let quiz: { id: string; webinarKey: string };
let past: { id: string };

beforeAll(async () => {
  session = await adminSession();
  const made = await webinarsFor(session, [
    { subject: "Spring launch", startDays: 10 },
    {
      subject: "Quiz webinar",
      startDays: 12,
      questions: [
        { question: "How did you hear about us?", type: "shortAnswer", required: true },
        { question: "Team size", type: "multipleChoice", required: false, answers: ["1-10", "11-100", "100+"] },
      ],
    },
    { subject: "Old news", startDays: -5 },
  ]);
  [webinar, quiz, past] = made.webinars as unknown as [typeof webinar, typeof quiz, typeof past];
}, 60_000);

async function registerForm(extra: Record<string, string> = {}, fields = NAME_FIELDS): Promise<string> {
  return liveForm(
    session,
    builderBody(session, {
      name: `Form ${crypto.randomUUID().slice(0, 6)}`,
      fields,
      extra: { register_webinar: webinar.id, ...extra },
    }),
  );
}

const person = (email: string, more: Record<string, string> = {}) => ({
  email,
  firstName: "Ada",
  lastName: "Lovelace",
  ...more,
});

describe("the form builder", () => {
  it("offers upcoming webinars only in the Register for webinar picker", async () => {
    const page = await (await call("/admin/forms/new", { cookie: session.cookie })).text();
    expect(page).toContain(`value="${webinar.id}"`);
    expect(page).not.toContain(`value="${past.id}"`);
  });

  it("refuses to save Register for webinar without required email, first and last name (422)", async () => {
    const fields = [NAME_FIELDS[0], { ...NAME_FIELDS[1], required: false }] as typeof NAME_FIELDS;
    const res = await saveForm(
      session,
      builderBody(session, { name: "Incomplete", fields, extra: { register_webinar: webinar.id } }),
    );
    const html = await expectStatus(res, 422);
    expect(html).toContain("Register for webinar needs first name as a required field");
    expect(html).toContain("Register for webinar needs last name as a required field");
    expect(await rows("SELECT * FROM forms WHERE name = 'Incomplete'")).toHaveLength(0);
  });

  it("refuses a past webinar picked by hand", async () => {
    const res = await saveForm(
      session,
      builderBody(session, { name: "Past", fields: NAME_FIELDS, extra: { register_webinar: past.id } }),
    );
    expect(await expectStatus(res, 422)).toContain("Pick an upcoming webinar");
  });

  it("catches a required GoTo question left unmapped: the form stays a draft until it is mapped", async () => {
    const fields = [
      ...NAME_FIELDS,
      { key: "custom", custom: "heard", label: "How did you hear about us?" },
      { key: "custom", custom: "team", type: "select", label: "Team size", options: "1-10, 11-100, 100+" },
    ];
    const res = await saveForm(
      session,
      builderBody(session, { name: "Quiz form", fields, extra: { register_webinar: quiz.id } }),
    );
    const html = await expectStatus(res, 422);
    expect(html).toContain("cannot go live");
    expect(html).toContain("GoTo requires an answer to “How did you hear about us?”");
    const [saved] = await rows<{ id: string; status: string; actions: string }>(
      "SELECT * FROM forms WHERE name = 'Quiz form'",
    );
    expect(saved?.status).toBe("draft");
    const questions = JSON.parse(saved?.actions ?? "[]")[0].goto.questions as {
      questionKey: string;
      question: string;
    }[];
    expect(questions.map((q) => q.question)).toEqual(["How did you hear about us?", "Team size"]);
    // A draft is not reachable by visitors.
    expect((await call(`/f/${saved?.id}`)).status).toBe(404);

    const [heard, team] = questions;
    const mapped = builderBody(session, {
      name: "Quiz form",
      fields,
      extra: {
        register_webinar: quiz.id,
        [`map_${heard?.questionKey}`]: "custom_heard",
        [`map_${team?.questionKey}`]: "custom_team",
      },
    });
    expect((await saveForm(session, mapped, saved?.id)).status).toBe(303);
    expect((await rows<{ status: string }>("SELECT status FROM forms WHERE id = ?", saved?.id))[0]?.status).toBe(
      "live",
    );

    // Answers go with the registration: the outbox pushes them to GoTo.
    const ok = await submit(saved?.id ?? "", {
      ...person("quiz@example.com"),
      custom_heard: "A podcast",
      custom_team: "11-100",
    });
    await expectStatus(ok, 200);
    const [reg] = await rows<{ id: string }>(
      "SELECT r.id FROM registrations r JOIN prospects p ON p.id = r.prospect_id WHERE p.email = 'quiz@example.com'",
    );
    const { runInDurableObject } = await import("cloudflare:test");
    const request = await runInDurableObject(
      env.WEBINAR_SYNC.getByName(quiz.id),
      (_o, state) =>
        state.storage.sql
          .exec<{ request: string }>("SELECT request FROM outbox WHERE registration_id = ?", reg?.id)
          .toArray()[0]?.request,
    );
    const answerKey = (
      JSON.parse(saved?.actions ?? "[]")[0].goto.questions[1].answers as { answerKey: string; answer: string }[]
    ).find((a) => a.answer === "11-100")?.answerKey;
    expect(JSON.parse(request ?? "{}").responses).toEqual([
      { questionKey: heard?.questionKey, responseText: "A podcast" },
      { questionKey: team?.questionKey, answerKey },
    ]);
    const bad = await submit(saved?.id ?? "", {
      ...person("quiz2@example.com"),
      custom_heard: "x",
      custom_team: "nope",
    });
    expect(await expectStatus(bad, 422)).toContain("Team size: pick one of the choices.");
  });

  it("previews the form from the builder's current values", async () => {
    const res = await call("/admin/forms/preview", {
      method: "POST",
      cookie: session.cookie,
      ...form(
        builderBody(session, {
          name: "P",
          fields: [...NAME_FIELDS, { key: "company", label: "Your <b>company</b>" }],
          extra: { theme_accent: "#ff0000" },
        }),
      ),
    });
    const html = await expectStatus(res, 200);
    expect(html).toContain("Your &lt;b&gt;company&lt;/b&gt;");
    expect(html).toContain("accent=%23ff0000");
    expect(html).not.toContain("<html");
  });
});

describe("submissions", () => {
  it("record submission, prospect fields (F9), activities and a pending registration with UTM and referrer (F13), handed to the outbox", async () => {
    const before = await env.WEBINAR_SYNC.getByName(webinar.id).status();
    const id = await registerForm({ add_tag: "spring" }, [
      ...NAME_FIELDS,
      { key: "company", label: "Company" },
      { key: "custom", custom: "role", label: "Role" },
    ]);
    const res = await submit(id, {
      ...person("ada@example.com", { company: "Engines Ltd", custom_role: "Analyst" }),
      utm_source: "newsletter",
      utm_campaign: "spring",
      referrer: "https://customer.example/page?x=1",
    });
    expect(await expectStatus(res, 200)).toContain("Thank you");
    const [p] = await rows<Record<string, unknown>>(
      "SELECT * FROM prospects WHERE email = 'ada@example.com' AND merged_into_id IS NULL",
    );
    expect(p).toMatchObject({ first_name: "Ada", last_name: "Lovelace", company: "Engines Ltd", source: "form" });
    expect(JSON.parse(String(p?.custom_fields))).toEqual({ role: "Analyst" });
    const [reg] = await rows<Record<string, unknown>>("SELECT * FROM registrations WHERE prospect_id = ?", p?.id);
    expect(reg).toMatchObject({
      webinar_id: webinar.id,
      source: "form",
      referrer: "https://customer.example/page?x=1",
    });
    expect(JSON.parse(String(reg?.utm))).toEqual({ utm_source: "newsletter", utm_campaign: "spring" });
    const acts = await rows<{ type: string; points: number }>(
      "SELECT type, points FROM activities WHERE prospect_id = ? ORDER BY type",
      p?.id,
    );
    expect(acts.map((a) => a.type)).toEqual(["form_submitted", "webinar_registered"]);
    expect(p?.score).toBe(acts.reduce((s, a) => s + a.points, 0));
    expect(await rows("SELECT * FROM prospect_tags WHERE prospect_id = ? AND tag = 'spring'", p?.id)).toHaveLength(1);
    const [sub] = await rows<Record<string, unknown>>("SELECT * FROM submissions WHERE prospect_id = ?", p?.id);
    expect(sub).toMatchObject({ status: "accepted", form_id: id });
    // The registration names the form that made it: attribution by form groups by it.
    expect(reg?.form_id).toBe(id);
    // Handed to the webinar's outbox (waiting, or already pushed).
    const after = await env.WEBINAR_SYNC.getByName(webinar.id).status();
    expect(after.outbox.waiting + after.outbox.done).toBe(before.outbox.waiting + before.outbox.done + 1);
  });

  it("answers bad input with 422, the form, and what to fix per field", async () => {
    const id = await registerForm();
    const html = await expectStatus(await submit(id, { email: "not-an-email", firstName: "", lastName: "L" }), 422);
    expect(html).toContain("Email: enter a valid email address");
    expect(html).toContain("Enter your first name.");
    expect(html).toContain('value="not-an-email"');
    expect(await rows("SELECT * FROM prospects WHERE email = 'not-an-email'")).toHaveLength(0);
  });

  it("htmx gets the fragment, not the page", async () => {
    const id = await registerForm();
    const html = await expectStatus(await submit(id, { email: "x" }, { "hx-request": "true" }), 422);
    expect(html).not.toContain("<html");
    expect(html).toContain('id="rc-form"');
  });

  it("a double submit registers once", async () => {
    const id = await registerForm();
    const body = person("twice@example.com");
    const [a, b] = await Promise.all([submit(id, body), submit(id, body)]);
    await expectStatus(a, 200);
    await expectStatus(b, 200);
    await expectStatus(await submit(id, body), 200);
    // Different content, same person: a new submission, still one registration.
    await expectStatus(await submit(id, { ...body, firstName: "Adaline" }), 200);
    const prospects = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'twice@example.com'");
    expect(prospects).toHaveLength(1);
    expect(await rows("SELECT * FROM submissions WHERE prospect_id = ?", prospects[0]?.id)).toHaveLength(2);
    expect(await rows("SELECT * FROM registrations WHERE prospect_id = ?", prospects[0]?.id)).toHaveLength(1);
    expect(
      await rows("SELECT * FROM activities WHERE prospect_id = ? AND type = 'webinar_registered'", prospects[0]?.id),
    ).toHaveLength(1);
  });

  it("a merged-away email creates a new prospect that gets the registration (F22)", async () => {
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO prospects (id, email, source, updated_at) VALUES ('pro_master', 'master@example.com', 'manual', ?)",
      ).bind(now),
      env.DB.prepare(
        "INSERT INTO prospects (id, email, source, merged_into_id, updated_at) VALUES ('pro_gone', 'old@example.com', 'manual', 'pro_master', ?)",
      ).bind(now),
      env.DB.prepare(
        "INSERT INTO prospect_merges (id, master_id, merged_id, email) VALUES ('mrg_1', 'pro_master', 'pro_gone', 'old@example.com')",
      ),
    ]);
    const id = await registerForm();
    await expectStatus(await submit(id, person("old@example.com")), 200);
    const active = await rows<{ id: string }>(
      "SELECT id FROM prospects WHERE email = 'old@example.com' AND merged_into_id IS NULL",
    );
    expect(active).toHaveLength(1);
    expect(active[0]?.id).not.toBe("pro_gone");
    expect(active[0]?.id).not.toBe("pro_master");
    expect(
      await rows("SELECT * FROM registrations WHERE prospect_id = ? AND webinar_id = ?", active[0]?.id, webinar.id),
    ).toHaveLength(1);
    expect(await rows("SELECT * FROM registrations WHERE prospect_id IN ('pro_master', 'pro_gone')")).toHaveLength(0);
  });

  it("filtered visitors (by IP range and by email domain) see the thank-you, are not registered, and the submission says why", async () => {
    for (const [kind, value] of [
      ["ip_range", "203.0.113.0/24"],
      ["email_domain", "staff.example"],
    ] as const) {
      const res = await call("/admin/filters", {
        method: "POST",
        cookie: session.cookie,
        ...form({ _csrf: session.csrf, kind, value }),
      });
      await expectStatus(res, 200);
    }
    const id = await registerForm();
    expect(
      await expectStatus(await submit(id, person("visitor@example.com"), { "cf-connecting-ip": "203.0.113.77" }), 200),
    ).toContain("Thank you");
    expect(await expectStatus(await submit(id, person("me@staff.example")), 200)).toContain("Thank you");
    const subs = await rows<{ status: string; filter_reason: string; prospect_id: string | null }>(
      "SELECT * FROM submissions WHERE form_id = ? ORDER BY created_at",
      id,
    );
    expect(subs.map((s) => [s.status, s.filter_reason, s.prospect_id])).toEqual([
      ["filtered", "IP range 203.0.113.0/24", null],
      ["filtered", "email domain staff.example", null],
    ]);
    expect(
      await rows("SELECT * FROM prospects WHERE email IN ('visitor@example.com', 'me@staff.example')"),
    ).toHaveLength(0);
    const page = await (await call(`/admin/forms/${id}/submissions`, { cookie: session.cookie })).text();
    expect(page).toContain("Filtered: IP range 203.0.113.0/24");
    expect(page).toContain("Filtered: email domain staff.example");
    await call("/admin/filters", {
      method: "POST",
      cookie: session.cookie,
      ...form({ _csrf: session.csrf, kind: "ip_range", value: "10.0.0.1/8" }),
    }).then(async (r) => {
      expect(await expectStatus(r, 422)).toContain("did you mean 10.0.0.0/8");
    });
    for (const f of await rows<{ id: string }>("SELECT id FROM filters")) {
      await call(`/admin/filters/${f.id}/delete`, {
        method: "POST",
        cookie: session.cookie,
        ...form({ _csrf: session.csrf }),
      });
    }
  });

  it("a form saved in the admin serves its new version at once, and a form taken down answers 404 at once", async () => {
    const name = `Changing ${crypto.randomUUID().slice(0, 6)}`;
    const body = (status: "draft" | "live", message: string) =>
      builderBody(session, {
        name,
        fields: NAME_FIELDS,
        status,
        extra: { register_webinar: webinar.id, thank_you: message },
      });
    const id = await liveForm(session, body("live", "First thanks"));
    // Served once, so this isolate holds its copy.
    expect(await expectStatus(await submit(id, person(`v1-${id}@example.com`)), 200)).toContain("First thanks");
    expect(await expectStatus(await saveForm(session, body("live", "Second thanks"), id), 303)).toBe("");
    expect(await expectStatus(await submit(id, person(`v2-${id}@example.com`)), 200)).toContain("Second thanks");
    await expectStatus(await saveForm(session, body("draft", "Second thanks"), id), 303);
    await expectStatus(await call(`/f/${id}`), 404);
    await expectStatus(await submit(id, person(`v3-${id}@example.com`)), 404);
    expect(await rows("SELECT id FROM submissions WHERE form_id = ? AND data LIKE '%v3-%'", id)).toEqual([]);
  });

  it("a honeypot hit gets the thank-you and stores nothing", async () => {
    const id = await registerForm();
    expect(
      await expectStatus(await submit(id, { ...person("bot@example.com"), rc_website: "http://spam" }), 200),
    ).toContain("Thank you");
    expect(await rows("SELECT * FROM prospects WHERE email = 'bot@example.com'")).toHaveLength(0);
  });

  it("serves the hosted page with a CSP that lets customer sites frame it, and embed.js as JavaScript", async () => {
    const id = await registerForm();
    const page = await call(`/f/${id}?utm_source=ads&ref=https://customer.example/x`);
    const html = await expectStatus(page, 200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors *");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-frame-options")).toBeNull();
    expect(html).toContain('name="utm_source" value="ads"');
    expect(html).toContain('name="referrer" value="https://customer.example/x"');
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc="\/(vendor|js)\//);
    expect(html).not.toMatch(/\sstyle="/);
    const js = await call(`/f/${id}/embed.js`);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect(await js.text()).toContain(`"formId":"${id}"`);
    expect((await call("/f/frm_nope/embed.js")).status).toBe(404);
  });
});

describe("form handlers", () => {
  it("map the customer's field names, check the origin, and redirect to the success or error URL", async () => {
    const res = await call("/admin/form-handlers", {
      method: "POST",
      cookie: session.cookie,
      ...form({
        _csrf: session.csrf,
        name: "Site signup",
        field_map: "your_email = email\nfname = firstName\nlname = lastName\norg = company",
        success_url: "https://customer.example/thanks",
        error_url: "https://customer.example/oops",
        allowed_origins: "https://customer.example",
        register_webinar: webinar.id,
      }),
    });
    expect(res.status).toBe(303);
    const id = /\/admin\/form-handlers\/(fh_[\w-]+)/.exec(res.headers.get("location") ?? "")?.[1];
    const post = (fields: Record<string, string>, origin = "https://customer.example") =>
      call(`/fh/${id}`, {
        method: "POST",
        body: new URLSearchParams(fields),
        headers: { "content-type": "application/x-www-form-urlencoded", origin, "cf-connecting-ip": "198.18.0.9" },
      });
    const ok = await post({ your_email: "Handler@Example.com", fname: "Hal", lname: "Dler", org: "Acme" });
    expect(ok.status).toBe(303);
    const thanks = new URL(ok.headers.get("location") ?? "");
    expect(thanks.origin + thanks.pathname).toBe("https://customer.example/thanks");
    // The success page gets the visitor's confirmation page (join link, calendar) as a parameter.
    expect(thanks.searchParams.get("rollcall_confirmation")).toMatch(/^http:\/\/localhost\/confirm\/[\w-]+$/);
    const [p] = await rows<{ id: string; company: string }>(
      "SELECT * FROM prospects WHERE email = 'handler@example.com'",
    );
    expect(p?.company).toBe("Acme");
    expect(await rows("SELECT * FROM registrations WHERE prospect_id = ?", p?.id)).toHaveLength(1);
    const bad = await post({ your_email: "nope", fname: "Hal" });
    expect(bad.status).toBe(303);
    const loc = new URL(bad.headers.get("location") ?? "");
    expect(loc.origin + loc.pathname).toBe("https://customer.example/oops");
    expect(loc.searchParams.get("error_your_email")).toContain("valid email");
    const evil = await post({ your_email: "x@example.com", fname: "a", lname: "b" }, "https://evil.example");
    expect(evil.status).toBe(403);
  });

  it("refuses a handler with Register for webinar whose map lacks first or last name", async () => {
    const res = await call("/admin/form-handlers", {
      method: "POST",
      cookie: session.cookie,
      ...form({
        _csrf: session.csrf,
        name: "x",
        field_map: "e = email",
        success_url: "https://a.example/",
        error_url: "https://a.example/e",
        register_webinar: webinar.id,
      }),
    });
    expect(await expectStatus(res, 422)).toContain("first name mapped from one of your form");
  });
});
