import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, rows } from "../helpers";
import { adminSession, controlJson } from "./connector-helpers";
import { DAY, inboxOf, session, signedEvent, syncFixture, syncNow, webhooksReady } from "./sync-helpers";

/** Emails GoTo has been seen to hold: the simulator's control API refuses them, so they go straight into its storage. */
const ODD_EMAILS = [
  "javascript:alert(1)",
  "<script>alert(1)</script>@x",
  "eve@example.com\r\nBcc: all@example.com",
  "",
  "no-at-sign.example.com",
];

async function insertSimRegistrants(webinarKey: string, emails: string[]): Promise<string[]> {
  const keys = emails.map((_, i) => `9${String(Date.now()).slice(-9)}${String(i).padStart(9, "0")}`);
  await runInDurableObject(env.GOTO_SIMULATOR.getByName("default"), (_instance, state) => {
    for (const [i, email] of emails.entries()) {
      state.storage.sql.exec(
        `INSERT INTO registrants (registrant_key, webinar_key, email, email_lower, first_name, last_name, status,
           registration_ms, time_zone, type, extra, responses) VALUES (?, ?, ?, ?, ?, ?, 'APPROVED', ?, 'UTC', 'REGULAR', '{}', '[]')`,
        keys[i],
        webinarKey,
        email,
        email.toLowerCase(),
        "Odd\u202Eevil",
        "Input",
        Date.now(),
      );
    }
  });
  return keys;
}

describe("what GoTo sends is checked before it is stored", () => {
  it("polling: invalid emails become unmatched registrants with the reason, never prospects; the page shows why; names lose bidi controls", async () => {
    const fx = await syncFixture([{ subject: "Odd \u202Einput\u200B", times: [session(6 * DAY)] }], async (key) => {
      await controlJson("POST", `/webinars/${key}/registrants`, {
        email: "Fine@Example.com",
        firstName: "Fi\u200Bne",
        lastName: "Person",
      });
    });
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    const keys = await insertSimRegistrants(webinar.webinarKey, ODD_EMAILS);
    await syncNow(webinar.id);

    const prospects = await rows<{ email: string; first_name: string }>(
      `SELECT p.email, p.first_name FROM prospects p JOIN registrations r ON r.prospect_id = p.id WHERE r.webinar_id = ?`,
      webinar.id,
    );
    expect(prospects).toEqual([{ email: "fine@example.com", first_name: "Fine" }]);
    const unmatched = await rows<{ registrant_key: string; email: string; reason: string; first_name: string }>(
      "SELECT registrant_key, email, reason, first_name FROM unmatched_registrants WHERE webinar_id = ? ORDER BY registrant_key",
      webinar.id,
    );
    expect(unmatched.map((u) => u.registrant_key)).toEqual([...keys].sort());
    for (const u of unmatched) {
      expect(u.reason).toMatch(/^GoTo's email is not valid: /);
      expect(u.first_name).toBe("Oddevil");
    }
    expect(
      (await rows("SELECT id FROM prospects WHERE email LIKE '%script%' OR email LIKE 'javascript:%'")).length,
    ).toBe(0);
    const [stored] = await rows<{ subject: string }>("SELECT subject FROM webinars WHERE id = ?", webinar.id);
    expect(stored?.subject).toBe("Odd input");

    const admin = await adminSession();
    const page = await (await call(`/admin/webinars/${webinar.id}`, { cookie: admin.cookie })).text();
    expect(page).toContain("GoTo&#39;s email is not valid: Enter a valid email address");
    expect(page).not.toContain("<script>alert(1)</script>");

    // Polled again: nothing changes.
    const before = await rows(
      "SELECT * FROM unmatched_registrants WHERE webinar_id = ? ORDER BY registrant_key",
      webinar.id,
    );
    await syncNow(webinar.id);
    expect(
      await rows("SELECT * FROM unmatched_registrants WHERE webinar_id = ? ORDER BY registrant_key", webinar.id),
    ).toEqual(before);
  }, 60_000);

  it("webhook events: an invalid email in a signed registrant.added is an unmatched registrant with the reason", async () => {
    await controlJson("PUT", "/faults", { webhookDelivery: "record" });
    const fx = await syncFixture([{ subject: "Hooked", times: [session(6 * DAY)] }]);
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    const secret = await webhooksReady(fx.connectorId);
    for (const [i, email] of ["<script>alert(1)</script>@x", "eve@example.com\r\nBcc: x@example.com"].entries()) {
      const res = await signedEvent(
        fx.connectorId,
        {
          eventName: "registrant.added",
          eventKey: `odd-email-${i}-${crypto.randomUUID()}`,
          webinarKey: webinar.webinarKey,
          registrantKey: `8100000000000000${i}`,
          email,
          firstName: "Hook",
          lastName: "Event",
          status: "APPROVED",
        },
        secret,
      );
      expect(res.status).toBe(200);
    }
    const sync = env.WEBINAR_SYNC.getByName(webinar.id);
    // The object's alarm ingests the inbox (the events scheduled it at once).
    const deadline = Date.now() + 20_000;
    while ((await inboxOf(sync)).some((e) => !e.processed) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const unmatched = await rows<{ registrant_key: string; reason: string }>(
      "SELECT registrant_key, reason FROM unmatched_registrants WHERE webinar_id = ? ORDER BY registrant_key",
      webinar.id,
    );
    expect(unmatched.map((u) => u.registrant_key)).toEqual(["81000000000000000", "81000000000000001"]);
    expect(unmatched.every((u) => u.reason.startsWith("GoTo's email is not valid: "))).toBe(true);
    expect((await rows("SELECT id FROM registrations WHERE webinar_id = ?", webinar.id)).length).toBe(0);
    await controlJson("PUT", "/faults", { webhookDelivery: "fetch" });
  }, 60_000);
});
