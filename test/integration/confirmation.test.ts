import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { openToken, sealToken } from "../../src/lib/sealed-token";
import { call, rows, type Session } from "../helpers";
import { adminSession, controlJson } from "./connector-helpers";
import { builderBody, expectStatus, liveForm, NAME_FIELDS, submit, webinarsFor } from "./form-helpers";

let session: Session;
let auto: { id: string; webinarKey: string };
let manual: { id: string; webinarKey: string };
let autoForm = "";
let manualForm = "";

beforeAll(async () => {
  session = await adminSession();
  const made = await webinarsFor(session, [
    { subject: "Instant, confirmed; with a comma", startDays: 10 },
    { subject: "Approval needed", startDays: 11, approvalType: "MANUAL" },
  ]);
  [auto, manual] = made.webinars as unknown as [typeof auto, typeof manual];
  const build = (webinarId: string) =>
    liveForm(
      session,
      builderBody(session, {
        name: `Confirm ${crypto.randomUUID().slice(0, 6)}`,
        fields: NAME_FIELDS,
        extra: {
          register_webinar: webinarId,
          thank_you: "Thank you for registering! GoTo will email you the link to join.",
        },
      }),
    );
  autoForm = await build(auto.id);
  manualForm = await build(manual.id);
}, 60_000);

const person = (email: string) => ({ email, firstName: "Ada", lastName: "Lovelace" });

function tokenIn(html: string): string {
  const token = /\/confirm\/([A-Za-z0-9_-]+)\/status/.exec(html)?.[1];
  if (!token) throw new Error(`no confirmation token in: ${html.slice(0, 400)}`);
  return token;
}

/** Polls the status fragment as the thank-you page does, until it stops asking again. */
async function finalStatus(token: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(`/confirm/${token}/status`, { headers: { "HX-Request": "true" } });
    const html = await expectStatus(res, 200);
    if (!html.includes("hx-trigger")) return html.replace(/&#39;/g, "'");
    if (Date.now() > deadline) throw new Error(`still pending: ${html}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function registrationOf(email: string, webinarId: string) {
  const [row] = await rows<{ id: string; status: string; join_url: string | null }>(
    `SELECT r.id, r.status, r.join_url FROM registrations r JOIN prospects p ON p.id = r.prospect_id
     WHERE p.email = ? AND r.webinar_id = ?`,
    email,
    webinarId,
  );
  if (!row) throw new Error(`no registration for ${email}`);
  return row;
}

/**
 * A registration only in Rollcall's database, in the given state. A registration GoTo holds would
 * be set right again by its webhook or poll, so a state written over one of those races them.
 */
async function standaloneRegistration(name: string, status: string, errorMessage: string | null = null) {
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 9 * 86_400_000).toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO connectors (id, type, organizer_email, status) VALUES (?, 'gotowebinar', ?, 'verified')",
    ).bind(`con_${name}`, `${name}@organizer.example`),
    env.DB.prepare(
      "INSERT INTO webinars (id, connector_id, webinar_key, subject, times, starts_at, ends_at, updated_at) VALUES (?, ?, ?, 'Standalone', '[]', ?, ?, ?)",
    ).bind(`web_${name}`, `con_${name}`, String(Math.floor(Math.random() * 1e9)), later, later, now),
    env.DB.prepare("INSERT INTO prospects (id, email, source, updated_at) VALUES (?, ?, 'form', ?)").bind(
      `pro_${name}`,
      `${name}@visitor.example`,
      now,
    ),
    env.DB.prepare(
      "INSERT INTO registrations (id, prospect_id, webinar_id, status, source, error_message, registered_at, updated_at) VALUES (?, ?, ?, ?, 'form', ?, ?, ?)",
    ).bind(`reg_${name}`, `pro_${name}`, `web_${name}`, status, errorMessage, now, now),
  ]);
  return `reg_${name}`;
}

describe("the thank-you page's confirmation", () => {
  it("shows the visitor's own join link, the one GoTo gave, and a calendar file", async () => {
    const email = "instant@visitor.example";
    const html = await expectStatus(await submit(autoForm, person(email), { "HX-Request": "true" }), 200);
    expect(html).toContain("Getting your join link from GoTo");
    const token = tokenIn(html);
    expect(html).toContain(`href="/confirm/${token}"`);
    const final = await finalStatus(token);
    const state = await controlJson<{ registrants: { email: string; joinUrl: string }[] }>(
      "GET",
      `/state?webinarKey=${auto.webinarKey}`,
    );
    const joinUrl = state.registrants.find((r) => r.email === email)?.joinUrl;
    expect(joinUrl).toMatch(/^https:\/\//);
    expect(final).toContain(`href="${joinUrl}"`);
    expect(final).toContain("Add to calendar");
    expect((await registrationOf(email, auto.id)).join_url).toBe(joinUrl);

    // The page without JavaScript says the same.
    const page = await expectStatus(await call(`/confirm/${token}`), 200);
    expect(page).toContain(`href="${joinUrl}"`);
    expect(page).toContain("Instant, confirmed; with a comma");
    expect(page).not.toContain('http-equiv="refresh"');

    const ics = await call(`/confirm/${token}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    const text = await ics.text();
    expect(text).toContain("SUMMARY:Instant\\, confirmed\\; with a comma");
    expect(text.replace(/\r\n /g, "")).toContain(`URL:${joinUrl}`);
  });

  it("says GoTo's email will follow while the registration waits for approval", async () => {
    const email = "approval@visitor.example";
    const token = tokenIn(await expectStatus(await submit(manualForm, person(email), { "HX-Request": "true" }), 200));
    const final = await finalStatus(token);
    expect((await registrationOf(email, manual.id)).status).toBe("waiting");
    expect(final).toContain("waits for the organizer's approval");
    expect(final).toContain("confirmation email");
    expect(final).not.toContain("Join the webinar");
    const text = await (await call(`/confirm/${token}/calendar.ics`)).text();
    expect(text).toContain("BEGIN:VEVENT");
    expect(text).not.toContain("URL:");
  });

  it("keeps polling while GoTo has not answered, then says the email will follow", async () => {
    // As if GoTo had not answered yet: the row still pending.
    const id = await standaloneRegistration("slow", "pending");
    const fresh = await sealToken(env.SECRETS_KEY, "registration-confirmation", { r: id }, Date.now());
    const polling = await expectStatus(await call(`/confirm/${fresh}/status`), 200);
    expect(polling).toContain('hx-trigger="every 500ms"');
    expect(polling).toContain("Getting your join link");
    const page = await expectStatus(await call(`/confirm/${fresh}`), 200);
    expect(page).toContain('http-equiv="refresh"');

    const old = await sealToken(env.SECRETS_KEY, "registration-confirmation", { r: id }, Date.now() - 10_000);
    const late = (await expectStatus(await call(`/confirm/${old}/status`), 200)).replace(/&#39;/g, "'");
    expect(late).not.toContain("hx-trigger");
    expect(late).toContain("GoTo's confirmation email with your join link will follow");
  });

  it("says GoTo did not confirm a registration it refused, and promises no email", async () => {
    // A refusal as the outbox leaves it (sync-outbox.test.ts proves GoTo's refusal lands so).
    const id = await standaloneRegistration("refused", "error", "Required question");
    const token = await sealToken(env.SECRETS_KEY, "registration-confirmation", { r: id }, Date.now());
    const html = await expectStatus(await call(`/confirm/${token}/status`), 200);
    expect(html).toContain("GoTo did not confirm the registration");
    expect(html).not.toContain("email");
    expect(html).not.toContain("global.gotowebinar.com");
    expect((await call(`/confirm/${token}/calendar.ics`)).status).toBe(409);
  });

  it("refuses a changed, foreign or expired token with a 4xx and shows nobody's registration", async () => {
    const email = "private@visitor.example";
    const token = tokenIn(await (await submit(autoForm, person(email), { "HX-Request": "true" })).text());
    await finalStatus(token);
    const reg = await registrationOf(email, auto.id);
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === "A" ? "B" : "A") + t.slice(i + 1);
    const tampered = [flip(token, 5), flip(token, token.length - 3), `${token}A`, token.slice(0, -1), "x", reg.id];
    for (const bad of tampered) {
      for (const suffix of ["", "/status", "/calendar.ics"]) {
        const res = await call(`/confirm/${bad}${suffix}`);
        const text = await res.text();
        expect(res.status, `${bad}${suffix}`).toBe(404);
        expect(text).not.toContain("global.gotowebinar.com");
      }
    }
    // A token sealed for another purpose does not open here.
    const foreign = await sealToken(env.SECRETS_KEY, "another-purpose", { r: reg.id }, Date.now());
    expect((await call(`/confirm/${foreign}/status`)).status).toBe(404);
    const expired = await sealToken(
      env.SECRETS_KEY,
      "registration-confirmation",
      { r: reg.id },
      Date.now() - 31 * 60_000,
    );
    const res = await call(`/confirm/${expired}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("expired");
    expect((await call(`/confirm/${token}`, { method: "POST" })).status).toBe(405);
  });

  it("gives a filtered visitor a plain thank-you: no link, no token, no promise of an email", async () => {
    const f = await call("/admin/filters", {
      method: "POST",
      cookie: session.cookie,
      body: new URLSearchParams({ _csrf: session.csrf, kind: "email_domain", value: "employee.example" }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(f.status, await f.clone().text()).toBeLessThan(400);
    const html = await expectStatus(
      await submit(autoForm, person("staff@employee.example"), { "HX-Request": "true" }),
      200,
    );
    expect(html).toContain("Thank you");
    expect(html).not.toContain("/confirm/");
    expect(html).not.toContain("email");
    expect(
      await rows(
        "SELECT 1 FROM registrations r JOIN prospects p ON p.id = r.prospect_id WHERE p.email = ?",
        "staff@employee.example",
      ),
    ).toHaveLength(0);
  });

  it("hands a form's success URL the confirmation page as a parameter", async () => {
    const id = await liveForm(
      session,
      builderBody(session, {
        name: `Redirect ${crypto.randomUUID().slice(0, 6)}`,
        fields: NAME_FIELDS,
        extra: { register_webinar: auto.id, redirect_url: "https://customer.example/thanks?x=1" },
      }),
    );
    const res = await submit(id, person("redirected@visitor.example"));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.origin + location.pathname).toBe("https://customer.example/thanks");
    expect(location.searchParams.get("x")).toBe("1");
    const page = new URL(location.searchParams.get("rollcall_confirmation") ?? "");
    expect(page.pathname).toMatch(/^\/confirm\/[A-Za-z0-9_-]+$/);
    const token = page.pathname.split("/")[2] ?? "";
    const opened = await openToken(env.SECRETS_KEY, "registration-confirmation", token, {
      now: Date.now(),
      maxAgeMs: 60_000,
      check: (p): p is { r: string } => typeof (p as { r?: unknown })?.r === "string",
    });
    expect(opened.ok && opened.payload.r).toBe((await registrationOf("redirected@visitor.example", auto.id)).id);
  });
});
