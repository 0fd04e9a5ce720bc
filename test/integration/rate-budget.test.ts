import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callGateway } from "../../src/sync/gateway-client";
import type { GatewayResult } from "../../src/sync/gateway-errors";
import { rateBudget } from "../../src/sync/rate-budget";
import {
  addConnector,
  adminSession,
  callback,
  connectorRow,
  consent,
  controlJson,
  discoveryDone,
  newOrganizer,
  startVerify,
  verifiedConnector,
} from "./connector-helpers";

const simulator = () => env.GOTO_SIMULATOR.getByName("default");

interface SimCall {
  id: number;
  at: number;
  status: number;
}

/** The rate-limited GoTo requests the simulator has logged after call id `after`. */
/** GoTo's calls after `after` (OAuth's aside); with `pathEnd`, only those to paths ending so. */
async function simCalls(after: number, pathEnd = ""): Promise<SimCall[]> {
  return runInDurableObject(simulator(), (_instance, state) =>
    state.storage.sql
      .exec<{ id: number; at: number; status: number }>(
        "SELECT id, at, status FROM api_calls WHERE id > ? AND path NOT LIKE '/oauth/%' AND path LIKE ? ORDER BY id",
        after,
        `%${pathEnd}`,
      )
      .toArray(),
  );
}

async function lastCallId(): Promise<number> {
  return runInDurableObject(
    simulator(),
    (_instance, state) =>
      state.storage.sql.exec<{ n: number | null }>("SELECT MAX(id) AS n FROM api_calls").one().n ?? 0,
  );
}

/** The most requests that arrived at the simulator inside one of its one-second windows. */
function worstSecond(calls: SimCall[]): number {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let worst = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= 1000) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}

const failures = (results: GatewayResult<unknown>[]) => results.filter((r) => !r.ok);

let connectors: string[] = [];

beforeAll(async () => {
  await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000, refreshTokenRotation: "never" });
  await rateBudget(env).setLimit(1000);
  const session = await adminSession();
  connectors = [];
  for (let i = 0; i < 3; i++) connectors.push((await verifiedConnector(session)).connectorId);
  for (const id of connectors) await discoveryDone(id);
}, 60_000);

/** The simulator at `simulatorLimit` in client scope (one limit for every token), the budget at `budgetLimit`. */
async function limits(simulatorLimit: number, budgetLimit: number): Promise<void> {
  await controlJson("PUT", "/faults", { rateLimitPerSecond: simulatorLimit, rateLimitScope: "client" });
  await rateBudget(env).setLimit(budgetLimit);
  await new Promise((resolve) => setTimeout(resolve, 1_100)); // earlier calls leave the simulator's window
}

describe("GoToRateBudget: one GoTo limit for every connector", () => {
  it("keeps 3 connectors hammering at once under the shared limit: no 429 reaches a caller, all succeed", async () => {
    await limits(30, 30);
    const since = await lastCallId();
    const results = await Promise.all(
      connectors.flatMap((id) => Array.from({ length: 60 }, () => callGateway(env, id, "getMe", undefined))),
    );
    expect(failures(results)).toEqual([]);
    expect(results).toHaveLength(180);
    // Only the test's own calls: a connector's alarm (discovery, webhook set-up) may call GoTo meanwhile.
    const calls = await simCalls(since, "/rest/v1/me");
    // The budget leaves 75 ms for the hop to GoTo to vary; on a crowded machine one hop can take
    // longer and draw a 429, which is retried. Three gateways limiting themselves drew ~200 here.
    expect(calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(5);
    const accepted = calls.filter((c) => c.status === 200);
    expect(accepted).toHaveLength(180);
    expect(worstSecond(accepted)).toBeLessThanOrEqual(30);
  }, 60_000);

  it("serves a connector's 3 calls among the first ones although another has 200 queued before them", async () => {
    // At GoTo's default 10/s the import queues for 21 s, longer than a GoTo call may take (15 s):
    // waiting in line must not count as GoTo timing out.
    await limits(10, 10);
    const [importer, forms] = connectors;
    if (!importer || !forms) throw new Error("no connectors");
    const failedBefore = (await env.GOTO_GATEWAY.getByName(importer).health()).callsLastHour.failed;
    const done: string[] = [];
    const track = (who: string, p: Promise<GatewayResult<unknown>>) =>
      p.then((r) => {
        done.push(who);
        return r;
      });
    const imports = Array.from({ length: 200 }, () => track("import", callGateway(env, importer, "getMe", undefined)));
    // The import is under way (its first answers are back) before the form registrations start.
    while (done.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = done.length;
    const registrations = Array.from({ length: 3 }, () => track("forms", callGateway(env, forms, "getMe", undefined)));
    const results = await Promise.all([...imports, ...registrations]);
    expect(failures(results)).toEqual([]);
    const positions = done.flatMap((who, i) => (who === "forms" ? [i] : []));
    expect(positions).toHaveLength(3);
    // Round-robin: each of the 3 waits for at most one import call (plus the few already granted
    // when they arrived); first come, first served would put them after all 200.
    expect(Math.max(...positions)).toBeLessThan(started + 15);
    expect(done.slice(-20).every((who) => who === "import")).toBe(true);
    // No request gave up while it waited for its turn (a timeout is logged as a failed call).
    expect((await env.GOTO_GATEWAY.getByName(importer).health()).callsLastHour.failed).toBe(failedBefore);
  }, 60_000);

  it("backs off for everyone on GoTo's 429s (GoTo allows less than the budget) and callers still get answers", async () => {
    await limits(10, 20);
    const since = await lastCallId();
    const results = await Promise.all(
      connectors.flatMap((id) => Array.from({ length: 30 }, () => callGateway(env, id, "getMe", undefined))),
    );
    expect(failures(results)).toEqual([]);
    const calls = await simCalls(since);
    const refused = calls.filter((c) => c.status === 429).length;
    expect(refused).toBeGreaterThan(0); // GoTo did refuse some...
    // ...and each refusal paused every connector and lowered the budget, so refusals stay few
    // (a budget that kept going at 20/s against 10/s would draw one for every call it let through).
    expect(refused).toBeLessThanOrEqual(15);
    expect(calls.filter((c) => c.status === 200).length).toBe(90);
  }, 60_000);

  it("takes a permit for a verification's organizer check too, so verifying while GoTo's second is spent waits instead of failing", async () => {
    await limits(1, 1);
    const [busy] = connectors;
    if (!busy) throw new Error("no connectors");
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    const redirect = await consent(authorize, organizer.email);
    // Another connector's call has just spent GoTo's one request of this second.
    expect(await callGateway(env, busy, "getMe", undefined)).toMatchObject({ ok: true });
    const res = await callback(session, cookie, redirect);
    expect(res.status).toBe(303);
    expect(await connectorRow(connectorId)).toMatchObject({ status: "verified" });
  }, 60_000);

  it("asks again when a verification's organizer check meets a 429 (GoTo allowing less than the budget)", async () => {
    await limits(1, 2);
    const [busy] = connectors;
    if (!busy) throw new Error("no connectors");
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    const redirect = await consent(authorize, organizer.email);
    const since = await lastCallId();
    expect(await callGateway(env, busy, "getMe", undefined)).toMatchObject({ ok: true });
    // The budget's next permit comes within GoTo's second, so the organizer check meets a 429.
    const res = await callback(session, cookie, redirect);
    expect(res.status).toBe(303);
    expect(await connectorRow(connectorId)).toMatchObject({ status: "verified" });
    expect((await simCalls(since)).filter((c) => c.status === 429).length).toBeGreaterThan(0);
    await limits(100_000, 1000);
  }, 60_000);
});
