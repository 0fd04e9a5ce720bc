import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callGateway } from "../../src/sync/gateway-client";
import { call, rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import {
  activityTypes,
  DAY,
  HOUR,
  inboxOf,
  MINUTE,
  pollDone,
  registrationOf,
  session,
  snapshot,
  syncFixture,
  syncNow,
} from "./sync-helpers";

const BEFORE = "2000-01-01T00:00:00.000Z";

async function addRegistrants(
  webinarKey: string,
  people: { email: string; firstName: string; lastName: string; status?: string }[],
): Promise<string[]> {
  const res = await controlJson<{ registrantKeys: string[] }>("POST", `/webinars/${webinarKey}/registrants`, people);
  return res.registrantKeys;
}

async function insertProspect(id: string, email: string, extra: { mergedInto?: string } = {}): Promise<void> {
  const now = new Date().toISOString();
  await env.DB.prepare(
    "INSERT INTO prospects (id, email, source, merged_into_id, created_at, updated_at) VALUES (?, ?, 'manual', ?, ?, ?)",
  )
    .bind(id, email, extra.mergedInto ?? null, now, now)
    .run();
}

describe("ingestion through the simulator", () => {
  it("turns GoTo-form registrants into prospects in the connector's campaign, matches known and merged emails, scores once", async () => {
    // A known prospect (stored lower-case) and a merge: old@ was merged into master@ (F22).
    await insertProspect("pro_known_1", "known@example.com");
    await insertProspect("pro_master_1", "master@example.com");
    await insertProspect("pro_merged_1", "old@example.com", { mergedInto: "pro_master_1" });
    await env.DB.prepare(
      "INSERT INTO prospect_merges (id, master_id, merged_id, email) VALUES ('mrg_1', 'pro_master_1', 'pro_merged_1', 'old@example.com')",
    ).run();

    const fx = await syncFixture([{ subject: "Upcoming tour", times: [session(3 * DAY)] }], async (key) => {
      await addRegistrants(key, [
        { email: "New.Person@Example.com", firstName: "New", lastName: "Person" },
        { email: "KNOWN@example.com", firstName: "Known", lastName: "Prospect" },
        { email: "old@example.com", firstName: "Old", lastName: "Email" },
        { email: "waits@example.com", firstName: "Wai", lastName: "Ting", status: "WAITING" },
      ]);
    });
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await pollDone(webinar.id, BEFORE);

    const [connector] = await rows<{ campaign_id: string }>(
      "SELECT campaign_id FROM connectors WHERE id = ?",
      fx.connectorId,
    );
    const created = await rows<{ email: string; campaign_id: string; source: string; first_name: string }>(
      "SELECT email, campaign_id, source, first_name FROM prospects WHERE source = 'gotowebinar' ORDER BY email",
    );
    expect(created).toEqual([
      {
        email: "new.person@example.com",
        campaign_id: connector?.campaign_id,
        source: "gotowebinar",
        first_name: "New",
      },
      { email: "waits@example.com", campaign_id: connector?.campaign_id, source: "gotowebinar", first_name: "Wai" },
    ]);
    expect(connector?.campaign_id).toBeTruthy();

    const known = await registrationOf(webinar.id, "known@example.com");
    expect(known.prospect_id).toBe("pro_known_1");
    expect(known).toMatchObject({ status: "approved", source: "gotowebinar", score: 15 });
    expect(known.registrant_key).toMatch(/^\d+$/);
    expect(known.join_url).toContain(String(known.registrant_key));
    // The merged-away email lands on the master, not on a new prospect and not on the merged one.
    const master = await registrationOf(webinar.id, "master@example.com");
    expect(master).toMatchObject({ prospect_id: "pro_master_1", status: "approved", score: 15 });
    expect(await rows("SELECT * FROM registrations WHERE prospect_id = 'pro_merged_1'")).toEqual([]);
    const waiting = await registrationOf(webinar.id, "waits@example.com");
    expect(waiting).toMatchObject({ status: "waiting", score: 10 });
    expect(await activityTypes(waiting.prospect_id, webinar.id)).toEqual(["webinar_registered"]);
    expect(await activityTypes("pro_known_1", webinar.id)).toEqual(["webinar_accepted", "webinar_registered"]);
    const status = await env.WEBINAR_SYNC.getByName(webinar.id).status();
    expect(status.lastError).toBeNull();
    expect(status.nextSyncAt).not.toBeNull();
    const [d1] = await rows<{ last_synced_at: string; next_sync_at: string }>(
      "SELECT last_synced_at, next_sync_at FROM webinars WHERE id = ?",
      webinar.id,
    );
    expect(d1?.last_synced_at).toBe(status.lastSyncAt);
    expect(d1?.next_sync_at).toBe(status.nextSyncAt);
    // Three days away: the 10-minute tier (plus at most 10% jitter).
    const until = Date.parse(d1?.next_sync_at ?? "") - Date.parse(d1?.last_synced_at ?? "");
    expect(until).toBeGreaterThan(9 * MINUTE);
    expect(until).toBeLessThan(12 * MINUTE);

    // A scoring rule applies to activities written after it, not to those already scored.
    await env.DB.prepare("INSERT INTO scoring_rules (activity_type, points) VALUES ('webinar_registered', 100)").run();
    await addRegistrants(webinar.webinarKey, [{ email: "late@example.com", firstName: "La", lastName: "Te" }]);
    await syncNow(webinar.id);
    expect((await registrationOf(webinar.id, "late@example.com")).score).toBe(105);
    expect((await registrationOf(webinar.id, "known@example.com")).score).toBe(15);
    await env.DB.prepare("DELETE FROM scoring_rules").run();
  }, 60_000);

  it("counts registrants as unmatched when the connector does not create prospects", async () => {
    const fx = await syncFixture(
      [{ subject: "No auto-create", times: [session(20 * DAY)] }],
      async (key) => {
        await addRegistrants(key, [
          { email: "stranger@example.com", firstName: "Str", lastName: "Anger" },
          { email: "stranger2@example.com", firstName: "Str", lastName: "Anger", status: "DENIED" },
        ]);
      },
      { createProspects: false },
    );
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await pollDone(webinar.id, BEFORE);
    expect(await rows("SELECT * FROM prospects WHERE email LIKE 'stranger%'")).toEqual([]);
    expect(await rows("SELECT * FROM registrations WHERE webinar_id = ?", webinar.id)).toEqual([]);
    const unmatched = await rows<{ email: string; status: string }>(
      "SELECT email, status FROM unmatched_registrants WHERE webinar_id = ? ORDER BY email",
      webinar.id,
    );
    expect(unmatched).toEqual([
      { email: "stranger2@example.com", status: "DENIED" },
      { email: "stranger@example.com", status: "APPROVED" },
    ]);
    // 20 days away: the hourly tier.
    const status = await env.WEBINAR_SYNC.getByName(webinar.id).status();
    const until = Date.parse(status.nextSyncAt ?? "") - Date.parse(status.lastSyncAt ?? "");
    expect(until).toBeGreaterThan(59 * MINUTE);
    expect(until).toBeLessThan(67 * MINUTE);
  }, 60_000);

  it("after the sessions end: Attended with minutes summed over sessions, the rest absent", async () => {
    const s1 = session(-5 * HOUR); // ended 4 hours ago
    const s2 = session(-90 * MINUTE); // ended half an hour ago
    const fx = await syncFixture([{ subject: "Two sessions", times: [s1, s2] }], async (key) => {
      await addRegistrants(key, [
        { email: "both@example.com", firstName: "Bo", lastName: "Th" },
        { email: "second@example.com", firstName: "Se", lastName: "Cond" },
        { email: "absent@example.com", firstName: "Ab", lastName: "Sent" },
      ]);
      const at = (s: { startTime: string }, fromMin: number, toMin: number) => ({
        joinTime: new Date(Date.parse(s.startTime) + fromMin * MINUTE).toISOString(),
        leaveTime: new Date(Date.parse(s.startTime) + toMin * MINUTE).toISOString(),
      });
      await controlJson("POST", `/webinars/${key}/attendance`, { email: "both@example.com", ...at(s1, 0, 30) });
      await controlJson("POST", `/webinars/${key}/attendance`, { email: "both@example.com", ...at(s2, 10, 30) });
      await controlJson("POST", `/webinars/${key}/attendance`, { email: "second@example.com", ...at(s2, 5, 50) });
    });
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await pollDone(webinar.id, BEFORE);

    expect(await registrationOf(webinar.id, "both@example.com")).toMatchObject({
      attended: 1,
      minutes_attended: 50,
      score: 40,
    });
    expect(await registrationOf(webinar.id, "second@example.com")).toMatchObject({ attended: 1, minutes_attended: 45 });
    expect(await registrationOf(webinar.id, "absent@example.com")).toMatchObject({ attended: 0, minutes_attended: 0 });
    const attendedActivity = await rows<{ minutes: number; points: number }>(
      "SELECT a.minutes, a.points FROM activities a JOIN prospects p ON p.id = a.prospect_id WHERE p.email = 'both@example.com' AND a.type = 'webinar_attended'",
    );
    expect(attendedActivity).toEqual([{ minutes: 50, points: 25 }]);
    // Absent is derived: registered, not attended, and every session over.
    const absent = await rows<{ email: string }>(
      `SELECT p.email FROM registrations r JOIN prospects p ON p.id = r.prospect_id JOIN webinars w ON w.id = r.webinar_id
       WHERE r.webinar_id = ? AND r.attended = 0 AND r.status IN ('registered', 'approved', 'waiting') AND w.ends_at < ?`,
      webinar.id,
      new Date().toISOString(),
    );
    expect(absent).toEqual([{ email: "absent@example.com" }]);
    // The passes due (end + 5 min and + 1 h of session 1, + 5 min of session 2) are done; the next
    // is session 2's + 1 h pass, half an hour from now.
    const status = await env.WEBINAR_SYNC.getByName(webinar.id).status();
    expect(Date.parse(status.nextSyncAt ?? "")).toBe(Date.parse(s2.endTime) + HOUR);
  }, 60_000);

  it("a registrant deleted in GoTo shows as cancelled, a denied one as denied; re-runs and duplicate events change nothing", async () => {
    const fx = await syncFixture([{ subject: "Changes", times: [session(10 * DAY)] }], async (key) => {
      await addRegistrants(key, [
        { email: "stays@example.com", firstName: "St", lastName: "Ays" },
        { email: "deleted@example.com", firstName: "De", lastName: "Leted" },
        { email: "denied@example.com", firstName: "De", lastName: "Nied" },
      ]);
    });
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await pollDone(webinar.id, BEFORE);
    const deleted = await registrationOf(webinar.id, "deleted@example.com");
    const denied = await registrationOf(webinar.id, "denied@example.com");
    expect(deleted.status).toBe("approved");

    const keys = { organizerKey: fx.organizerKey, webinarKey: webinar.webinarKey };
    const removed = await callGateway(env, fx.connectorId, "deleteRegistrant", {
      ...keys,
      registrantKey: String(deleted.registrant_key),
    });
    expect(removed.ok).toBe(true);
    const deny = await call(`/sim/control/webinars/${webinar.webinarKey}/registrants/${denied.registrant_key}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "DENIED" }),
    });
    expect(deny.status).toBe(200);
    await syncNow(webinar.id);

    expect(await registrationOf(webinar.id, "deleted@example.com")).toMatchObject({ status: "cancelled", score: 10 });
    expect(await activityTypes(deleted.prospect_id, webinar.id)).toEqual([
      "webinar_accepted",
      "webinar_registered",
      "webinar_registration_cancelled",
    ]);
    expect(await registrationOf(webinar.id, "denied@example.com")).toMatchObject({ status: "denied", score: 15 });
    expect(await activityTypes(denied.prospect_id, webinar.id)).toContain("webinar_registration_denied");

    // A webhook event for a new registrant enters the same ingestion.
    const [newKey] = await addRegistrants(webinar.webinarKey, [
      { email: "hooked@example.com", firstName: "Hoo", lastName: "Ked" },
    ]);
    const payload = `{"eventName":"registrant.added","eventVersion":"1.0.0","product":"g2w","eventKey":"ev-1","registrantKey":${newKey},"webinarKey":${webinar.webinarKey},"firstName":"Hoo","lastName":"Ked","email":"hooked@example.com","status":"APPROVED","joinUrl":"https://global.gotowebinar.com/join/${webinar.webinarKey}/${newKey}","registrationDate":"2030-01-01T10:00:00.000Z"}`;
    const sync = env.WEBINAR_SYNC.getByName(webinar.id);
    const event = {
      eventName: "registrant.added" as const,
      eventKey: "ev-1",
      webinarKey: webinar.webinarKey,
      registrantKey: newKey,
      email: "hooked@example.com",
      payload,
      webinarId: webinar.id,
      connectorId: fx.connectorId,
    };
    await sync.receiveEvent(event);
    await waitFor(async () => (await inboxOf(sync)).every((e) => e.processed));
    expect(await registrationOf(webinar.id, "hooked@example.com")).toMatchObject({
      status: "approved",
      registrant_key: newKey,
      score: 15,
    });

    // Now nothing may change: polls, alarm re-runs, the same event again and again under new keys.
    const before = await snapshot(webinar.id);
    await syncNow(webinar.id);
    await syncNow(webinar.id);
    const { runDurableObjectAlarm } = await import("cloudflare:test");
    await runDurableObjectAlarm(sync);
    await sync.receiveEvent(event);
    await sync.receiveEvent({ ...event, eventKey: "ev-2" });
    await sync.receiveEvent({ ...event, eventKey: "ev-3", eventName: "registrant.joined" });
    await waitFor(async () => (await inboxOf(sync)).every((e) => e.processed));
    await runDurableObjectAlarm(sync);
    expect(await snapshot(webinar.id)).toEqual(before);
    // The simulator's own webhook deliveries land in the same inbox; each event is kept once.
    const inbox = (await inboxOf(sync)).map((e) => e.eventKey);
    expect(inbox).toEqual(expect.arrayContaining(["ev-1", "ev-2", "ev-3"]));
    expect(new Set(inbox).size).toBe(inbox.length);
  }, 90_000);

  it("a cancelled webinar stops polling", async () => {
    const fx = await syncFixture([{ subject: "To cancel", times: [session(30 * DAY)] }]);
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await pollDone(webinar.id, BEFORE);
    expect((await env.WEBINAR_SYNC.getByName(webinar.id).status()).nextSyncAt).not.toBeNull();
    await env.DB.prepare("UPDATE webinars SET status = 'cancelled' WHERE id = ?").bind(webinar.id).run();
    await env.WEBINAR_SYNC.getByName(webinar.id).track({ webinarId: webinar.id, connectorId: fx.connectorId });
    expect((await env.WEBINAR_SYNC.getByName(webinar.id).status()).nextSyncAt).toBeNull();
    const [row] = await rows<{ next_sync_at: string | null }>(
      "SELECT next_sync_at FROM webinars WHERE id = ?",
      webinar.id,
    );
    expect(row?.next_sync_at).toBeNull();
  }, 60_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const { runDurableObjectAlarm } = await import("cloudflare:test");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
    void runDurableObjectAlarm;
  }
}
