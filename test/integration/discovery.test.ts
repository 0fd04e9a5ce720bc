import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rateBudget } from "../../src/sync/rate-budget";
import { trackedWebinar } from "../../src/sync/sync-storage";
import { call, rows } from "../helpers";
import {
  addConnector,
  adminSession,
  callback,
  consent,
  controlJson,
  discoveryDone,
  newOrganizer,
  startVerify,
} from "./connector-helpers";

const DAY = 24 * 60 * 60 * 1000;

function times(offsetDays: number, sessions = 1): { startTime: string; endTime: string }[] {
  return Array.from({ length: sessions }, (_, i) => {
    const start = Date.now() + (offsetDays + i * 7) * DAY;
    return { startTime: new Date(start).toISOString(), endTime: new Date(start + 60 * 60 * 1000).toISOString() };
  });
}

describe("webinar discovery", () => {
  it("stores 250 webinars from several pages once, changes nothing when run again, and marks a cancelled one", async () => {
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000 });
    const session = await adminSession();
    const organizer = await newOrganizer();
    const keys: string[] = [];
    // Past and upcoming, some with several sessions, inside a year either way.
    for (let i = 0; i < 250; i++) {
      const created = await controlJson<{ webinarKey: string }>("POST", "/webinars", {
        organizerEmail: organizer.email,
        subject: `Webinar ${i}`,
        times: times(-300 + i * 2, i % 10 === 0 ? 3 : 1),
        timeZone: "Europe/Berlin",
      });
      keys.push(created.webinarKey);
    }
    // One far outside the window (two years back) is not part of discovery.
    await controlJson("POST", "/webinars", { organizerEmail: organizer.email, subject: "Ancient", times: times(-730) });

    const connectorId = await addConnector(session, organizer.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    expect((await callback(session, cookie, await consent(authorize, organizer.email))).status).toBe(303);
    const gateway = env.GOTO_GATEWAY.getByName(connectorId);
    await rateBudget(env).setLimit(1000);
    await discoveryDone(connectorId);

    const stored = await rows<{ webinar_key: string; updated_at: string; status: string; times: string }>(
      "SELECT webinar_key, updated_at, status, times FROM webinars WHERE connector_id = ? ORDER BY webinar_key",
      connectorId,
    );
    expect(stored).toHaveLength(250);
    expect(new Set(stored.map((w) => w.webinar_key))).toEqual(new Set(keys));
    expect(stored.every((w) => w.status === "scheduled")).toBe(true);
    expect(stored.filter((w) => (JSON.parse(w.times) as unknown[]).length === 3)).toHaveLength(25);
    const health = await gateway.health();
    expect(health.discovery).toMatchObject({ phase: "done", webinars: 250, added: 250, pages: 2, totalPages: 2 });
    // Every webinar's WebinarSync heard of it.
    const sample = await rows<{ id: string }>("SELECT id FROM webinars WHERE connector_id = ? LIMIT 3", connectorId);
    for (const { id } of sample) {
      const tracked = await runInDurableObject(env.WEBINAR_SYNC.getByName(id), (_instance, state) =>
        trackedWebinar(state.storage.sql),
      );
      expect(tracked).toMatchObject({ webinarId: id, connectorId });
    }

    // Again: nothing changes, not even updated_at.
    let since = new Date(Date.now() - 1).toISOString();
    await gateway.syncNow();
    await discoveryDone(connectorId, since);
    const again = await rows<{ webinar_key: string; updated_at: string; status: string; times: string }>(
      "SELECT webinar_key, updated_at, status, times FROM webinars WHERE connector_id = ? ORDER BY webinar_key",
      connectorId,
    );
    expect(again).toEqual(stored);
    expect((await gateway.health()).discovery).toMatchObject({ added: 0, changed: 0, cancelled: 0 });

    // A webinar cancelled in GoTo disappears from the listing: marked cancelled, the rest untouched.
    const cancelledKey = keys[200] ?? "";
    const cancel = await call(`/sim/control/webinars/${cancelledKey}/cancel`, { method: "POST" });
    expect(cancel.status).toBeLessThan(300);
    since = new Date(Date.now() - 1).toISOString();
    await gateway.syncNow();
    await discoveryDone(connectorId, since);
    const after = await rows<{ webinar_key: string; status: string }>(
      "SELECT webinar_key, status FROM webinars WHERE connector_id = ? AND status = 'cancelled'",
      connectorId,
    );
    expect(after).toEqual([{ webinar_key: cancelledKey, status: "cancelled" }]);
    expect(await rows("SELECT id FROM webinars WHERE connector_id = ?", connectorId)).toHaveLength(250);

    // The connector page shows them, and the sync health.
    const page = await (await call(`/admin/connectors/${connectorId}`, { cookie: session.cookie })).text();
    expect(page).toContain("Webinar 249");
    expect(page).toContain("1 cancelled");
    expect(page).toContain("GoTo API calls, last hour");

    // Registrations on their way to GoTo, and refused ones, show in the sync health (F6).
    const [w1, w2] = await rows<{ id: string }>("SELECT id FROM webinars WHERE connector_id = ? LIMIT 2", connectorId);
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO prospects (id, email, source, updated_at) VALUES ('pro_b1', 'b1@example.com', 'form', ?)",
      ).bind(now),
      env.DB.prepare(
        "INSERT INTO prospects (id, email, source, updated_at) VALUES ('pro_b2', 'b2@example.com', 'form', ?)",
      ).bind(now),
      env.DB.prepare(
        "INSERT INTO registrations (id, prospect_id, webinar_id, status, source, registered_at, updated_at) VALUES ('reg_b1', 'pro_b1', ?, 'pending', 'form', ?, ?)",
      ).bind(w1?.id, now, now),
      env.DB.prepare(
        "INSERT INTO registrations (id, prospect_id, webinar_id, status, source, registered_at, updated_at) VALUES ('reg_b2', 'pro_b2', ?, 'error', 'form', ?, ?)",
      ).bind(w2?.id, now, now),
    ]);
    const healthPanel = await (
      await call(`/admin/connectors/${connectorId}/health`, { cookie: session.cookie })
    ).text();
    expect(healthPanel).toMatch(/Registrations waiting to reach GoTo<\/dt><dd>1/);
    expect(healthPanel).toContain("1 refused by GoTo");
  }, 150_000);
});
