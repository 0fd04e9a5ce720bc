import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { RegistrationRequest } from "../../src/sync/outbox-contract";
import { rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import { DAY, pollDone, session, syncFixture } from "./sync-helpers";

/** A prospect and its `pending` registration, as the forms write them before the hand-off. */
async function pendingRegistration(webinarId: string, tag: string): Promise<RegistrationRequest> {
  const now = new Date().toISOString();
  const request: RegistrationRequest = {
    registrationId: `reg_${tag}`,
    webinarId,
    prospectId: `pro_${tag}`,
    registrant: { email: `${tag}@example.com`, firstName: "Rita", lastName: "Recovery" },
  };
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO prospects (id, email, first_name, last_name, source, created_at, updated_at) VALUES (?, ?, 'Rita', 'Recovery', 'form', ?, ?)",
    ).bind(request.prospectId, request.registrant.email, now, now),
    env.DB.prepare(
      "INSERT INTO registrations (id, prospect_id, webinar_id, status, source, registered_at, updated_at) VALUES (?, ?, ?, 'pending', 'form', ?, ?)",
    ).bind(request.registrationId, request.prospectId, webinarId, now, now),
  ]);
  return request;
}

function storedAlarm(stub: DurableObjectStub): Promise<number | null> {
  return runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(async () => {
  await controlJson("PUT", "/faults", { errorRate: 0, latencyMs: 0 });
});

describe("WebinarSync recovers in seconds", () => {
  it("keeps its alarm a few seconds out while a job runs, so a crash mid-push resumes within 5 s, and GoTo gets the registration once", async () => {
    const fx = await syncFixture([{ subject: "Crash course", times: [session(5 * DAY)] }]);
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    const stub = env.WEBINAR_SYNC.getByName(webinar.id);
    await pollDone(webinar.id, ""); // the first poll

    // GoTo answers slowly: the push is in flight for seconds. Registering arms the alarm at once.
    await controlJson("PUT", "/faults", { latencyMs: 4_000 });
    const request = await pendingRegistration(webinar.id, "crash-1");
    await stub.register(request);

    // Once the run has started, its watchdog is in the future, and only seconds away.
    const during = await waitFor(
      () => storedAlarm(stub),
      (at) => at !== null && at > Date.now(),
    );
    expect((during ?? 0) - Date.now()).toBeLessThanOrEqual(5_000);

    // A hard stop of every object (storage kept, memory lost) in the middle of the push.
    await abortAllDurableObjects();
    // Stubs die with their objects: the restarted object is reached through a new one.
    const restarted = env.WEBINAR_SYNC.getByName(webinar.id);
    const after = await storedAlarm(restarted);
    expect(after).not.toBeNull();
    expect((after ?? 0) - Date.now()).toBeLessThanOrEqual(5_000);

    // The work resumes from storage: the registration reaches GoTo exactly once and is approved in D1.
    await controlJson("PUT", "/faults", { latencyMs: 0 });
    await waitFor(
      async () => (await restarted.status()).outbox,
      (o) => o.waiting === 0 && o.done === 1,
    );
    const state = await controlJson<{ registrants: { email: string }[] }>(
      "GET",
      `/state?webinarKey=${webinar.webinarKey}`,
    );
    expect(state.registrants.filter((r) => r.email === "crash-1@example.com")).toHaveLength(1);
    const [row] = await rows<{ status: string }>("SELECT status FROM registrations WHERE id = 'reg_crash-1'");
    expect(row?.status).toBe("approved");
  }, 60_000);
});
