import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { RegistrationRequest } from "../../src/sync/outbox-contract";
import { rateBudget } from "../../src/sync/rate-budget";
import { rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import { DAY, pendingRegistrations, pollDone, session, syncFixture } from "./sync-helpers";

/** Waits for `done`; the objects' own alarms do the work. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterEach(async () => {
  await controlJson("PUT", "/faults", { errorRate: 0, rateLimitPerSecond: 10, latencyMs: 0 });
});

describe("registration outbox", () => {
  it("1,000 registrations under 30% failures and rate limiting reach GoTo exactly once, all registered in D1, through an eviction", async () => {
    const fx = await syncFixture([{ subject: "Big launch", times: [session(5 * DAY)] }]);
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    const stub = env.WEBINAR_SYNC.getByName(webinar.id);
    await pollDone(webinar.id, ""); // the first poll, before the faults
    // The budget is allowed more than GoTo gives, so GoTo's 429s happen too.
    await rateBudget(env).setLimit(60);
    await controlJson("PUT", "/faults", { errorRate: 0.3, rateLimitPerSecond: 40 });

    const requests = await pendingRegistrations(webinar.id, 1000, "bulk");
    for (let i = 0; i < requests.length; i += 100) {
      const answers = await Promise.all(requests.slice(i, i + 100).map((r) => stub.register(r)));
      expect(answers.every((a) => a.queued)).toBe(true);
    }
    // A double submit is queued once.
    const again = await stub.register(requests[0] as RegistrationRequest);
    expect(again.queued).toBe(false);

    // Evict the object in the middle of pushing: the outbox is in storage, the work resumes.
    await until(
      () => stub.status(),
      (s) => s.outbox.done >= 300,
      120_000,
    );
    await evictDurableObject(stub);
    const status = await until(
      () => stub.status(),
      (s) => s.outbox.waiting === 0,
      240_000,
    );
    expect(status.outbox).toMatchObject({ waiting: 0, done: 1000, errors: [] });

    await controlJson("PUT", "/faults", { errorRate: 0, rateLimitPerSecond: 100_000 });
    const state = await controlJson<{ registrants: { email: string; registrantKey: string }[] }>(
      "GET",
      `/state?webinarKey=${webinar.webinarKey}`,
    );
    const inGoTo = state.registrants.filter((r) => r.email.startsWith("bulk-"));
    expect(inGoTo).toHaveLength(1000);
    expect(new Set(inGoTo.map((r) => r.email.toLowerCase())).size).toBe(1000);
    const keyByEmail = new Map(inGoTo.map((r) => [r.email.toLowerCase(), r.registrantKey]));

    const stored = await rows<{ email: string; status: string; registrant_key: string; join_url: string }>(
      `SELECT p.email, r.status, r.registrant_key, r.join_url FROM registrations r JOIN prospects p ON p.id = r.prospect_id
       WHERE r.webinar_id = ? AND p.email LIKE 'bulk-%'`,
      webinar.id,
    );
    expect(stored).toHaveLength(1000);
    // Registered in GoTo, accepted at once (automatic approval): GoTo's status is APPROVED.
    expect(stored.filter((r) => r.status !== "approved")).toEqual([]);
    expect(stored.filter((r) => r.registrant_key !== keyByEmail.get(r.email))).toEqual([]);
    expect(stored.every((r) => r.join_url.includes(r.registrant_key))).toBe(true);
    const activities = await rows<{ type: string; n: number }>(
      "SELECT type, COUNT(*) AS n FROM activities WHERE webinar_id = ? GROUP BY type ORDER BY type",
      webinar.id,
    );
    expect(activities).toEqual([
      { type: "webinar_accepted", n: 1000 },
      { type: "webinar_registered", n: 1000 },
    ]);
    const scores = await rows<{ n: number }>(
      "SELECT COUNT(*) AS n FROM prospects WHERE id LIKE 'pro_bulk_%' AND score = 15",
    );
    expect(scores[0]?.n).toBe(1000);
  }, 420_000);

  it("a registration GoTo refuses is an error with GoTo's reason, not retried; a paused connector makes the outbox wait, then resume", async () => {
    const fx = await syncFixture([
      {
        subject: "With a required question",
        times: [session(9 * DAY)],
        questions: [{ question: "Which team are you on?", required: true }],
      },
      { subject: "Plain", times: [session(9 * DAY)] },
    ]);
    const [strict, plain] = fx.webinars;
    if (!strict || !plain) throw new Error("no webinars");

    const [refused] = await pendingRegistrations(strict.id, 1, "refused");
    const strictSync = env.WEBINAR_SYNC.getByName(strict.id);
    await strictSync.register(refused as RegistrationRequest);
    const failed = await until(
      () => strictSync.status(),
      (s) => s.outbox.errors.length > 0,
      20_000,
    );
    expect(failed.outbox.waiting).toBe(0);
    expect(failed.outbox.errors[0]).toMatchObject({ registrationId: "reg_refused_0", email: "refused-0@example.com" });
    expect(failed.outbox.errors[0]?.reason).toContain("Which team are you on?");
    const [row] = await rows<{ status: string; error_message: string }>(
      "SELECT status, error_message FROM registrations WHERE id = 'reg_refused_0'",
    );
    expect(row).toEqual({ status: "error", error_message: failed.outbox.errors[0]?.reason });
    // Not retried: nothing more to run, and GoTo never got it.
    await runDurableObjectAlarm(strictSync);
    expect((await strictSync.status()).outbox).toMatchObject({ waiting: 0, done: 0 });
    const strictState = await controlJson<{ registrants: unknown[] }>("GET", `/state?webinarKey=${strict.webinarKey}`);
    expect(strictState.registrants).toEqual([]);

    // Paused: the registration waits, without failing, and goes out once the connector resumes.
    const gateway = env.GOTO_GATEWAY.getByName(fx.connectorId);
    await gateway.setPaused(true);
    const [held] = await pendingRegistrations(plain.id, 1, "held");
    const plainSync = env.WEBINAR_SYNC.getByName(plain.id);
    await plainSync.register(held as RegistrationRequest);
    const waiting = await until(
      () => plainSync.status(),
      (s) => s.waitingForConnector,
      20_000,
    );
    expect(waiting.outbox).toMatchObject({ waiting: 1, errors: [] });
    expect(
      (await rows<{ status: string }>("SELECT status FROM registrations WHERE id = 'reg_held_0'"))[0]?.status,
    ).toBe("pending");
    await gateway.setPaused(false);
    const resumed = await until(
      () => plainSync.status(),
      (s) => s.outbox.done === 1,
      20_000,
    );
    expect(resumed.waitingForConnector).toBe(false);
    const [pushed] = await rows<{ status: string; registrant_key: string }>(
      "SELECT status, registrant_key FROM registrations WHERE id = 'reg_held_0'",
    );
    expect(pushed?.status).toBe("approved");
    expect(pushed?.registrant_key).toMatch(/^\d+$/);
  }, 120_000);
});
