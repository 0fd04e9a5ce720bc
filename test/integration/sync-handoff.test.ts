import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { FormAction, FormField } from "../../src/domain/forms";
import { processSubmission } from "../../src/services/submission";
import type { RegistrationRequest } from "../../src/sync/outbox-contract";
import { rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import { DAY, MINUTE, pollDone, session, syncFixture, syncSettled } from "./sync-helpers";

const FIELDS: FormField[] = (["email", "firstName", "lastName"] as const).map((key) => ({
  key,
  type: key === "email" ? "email" : "text",
  label: key,
  required: true,
  defaultValue: "",
  options: [],
}));

/**
 * The app's env with a WEBINAR_SYNC whose `register()` fails for 3 submissions in 10: one of the
 * three never reaches the object (overloaded, restarting), two reach it and lose the answer (a
 * deploy cutting the connection), so the outbox holds some and not others.
 */
function failingHandoffs(): { env: Env; failed: () => number } {
  let calls = 0;
  let failed = 0;
  const namespace = {
    getByName(name: string) {
      const real = env.WEBINAR_SYNC.getByName(name);
      return {
        async register(request: RegistrationRequest) {
          const n = calls++;
          if (n % 10 === 3) {
            failed++;
            throw new Error("Durable Object is overloaded");
          }
          if (n % 10 === 6 || n % 10 === 9) {
            await real.register(request);
            failed++;
            throw new Error("Network connection lost");
          }
          return real.register(request);
        },
      };
    },
  };
  return { env: { ...env, WEBINAR_SYNC: namespace as unknown as Env["WEBINAR_SYNC"] }, failed: () => failed };
}

/**
 * Runs the connector's gateway alarm (which sweeps first). The alarm is brought forward with
 * "Sync now", since the test helper and the real alarm can race for an alarm already due.
 */
async function sweep(connectorId: string): Promise<void> {
  const gateway = env.GOTO_GATEWAY.getByName(connectorId);
  await gateway.syncNow();
  await runDurableObjectAlarm(gateway);
}

describe("the hand-off between D1 and the outbox", () => {
  it("with register() failing for 30% of submissions, the sweep finds every pending one: all in GoTo exactly once, approved in D1", async () => {
    const fx = await syncFixture([{ subject: "Hand-off", times: [session(8 * DAY)] }]);
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    const sync = env.WEBINAR_SYNC.getByName(webinar.id);
    await pollDone(webinar.id, ""); // the first poll
    const actions: FormAction[] = [{ type: "register_webinar", webinarId: webinar.id, mapping: {}, goto: null }];

    const wrapped = failingHandoffs();
    const count = 40;
    for (let i = 0; i < count; i++) {
      const outcome = await processSubmission(
        wrapped.env,
        { formId: null, handlerId: null, fields: FIELDS, actions },
        { email: `handoff-${i}@example.com`, firstName: `Hand${i}`, lastName: "Off" },
        { ip: null, utm: {}, referrer: null, now: new Date() },
      );
      // The visitor sees the thank-you whatever happened to the hand-off.
      expect(outcome.kind).toBe("accepted");
    }
    expect(wrapped.failed()).toBe(12);

    // Time passes (the rows become older than the sweep's grace), then the connector's alarm sweeps.
    await env.DB.prepare("UPDATE registrations SET updated_at = ? WHERE webinar_id = ? AND status = 'pending'")
      .bind(new Date(Date.now() - MINUTE).toISOString(), webinar.id)
      .run();
    await sweep(fx.connectorId);

    // The outbox pushes everything it holds (its alarm runs the push).
    await syncSettled(webinar.id, (s) => s.outbox.waiting === 0 && s.outbox.done >= count);

    const state = await controlJson<{ registrants: { email: string }[] }>(
      "GET",
      `/state?webinarKey=${webinar.webinarKey}`,
    );
    const inGoTo = state.registrants.map((r) => r.email.toLowerCase()).filter((e) => e.startsWith("handoff-"));
    expect(inGoTo).toHaveLength(count);
    expect(new Set(inGoTo).size).toBe(count);
    const statuses = await rows<{ status: string; n: number }>(
      "SELECT status, COUNT(*) AS n FROM registrations WHERE webinar_id = ? GROUP BY status",
      webinar.id,
    );
    expect(statuses).toEqual([{ status: "approved", n: count }]);
    expect((await sync.status()).outbox).toMatchObject({ waiting: 0, done: count, errors: [] });

    // Another sweep finds nothing to offer: no registration is pushed twice.
    await env.DB.prepare("UPDATE registrations SET updated_at = ? WHERE webinar_id = ?")
      .bind(new Date(Date.now() - MINUTE).toISOString(), webinar.id)
      .run();
    await sweep(fx.connectorId);
    expect((await sync.status()).outbox).toMatchObject({ waiting: 0, done: count });
  }, 120_000);
});
