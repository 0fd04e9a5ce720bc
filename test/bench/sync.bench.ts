// Sync engine figures (issue 5, Done-when 4): outbox latency at a steady 5/s, P1b a burst of
// 500 against GoTo's rate limit, and P3 ingesting 10,000 registrants and 5,000 attendees against
// inserting the same rows straight into D1, all in the same run. The Worker is driven over HTTP;
// the sync engine's RPC is reached through /sim/sync, which exists only in simulator mode.
import {
  budgetLimit,
  connectorWith,
  createdInGoTo,
  future,
  HOUR,
  jsonOf,
  login,
  post,
  register,
  sleep,
} from "./connectors.ts";
import { type BenchResult, percentile, startBenchWorker } from "./harness.ts";

const GOTO_LIMIT = 10; // the simulator's default, GoTo's documented default

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  try {
    const admin = await login(worker);
    const results: BenchResult[] = [];

    // (a) and (b): GoTo's default limit; the shared rate budget spends 95% of it (src/domain/rate-budget.ts).
    await budgetLimit(worker, GOTO_LIMIT);
    const outbox = await connectorWith(worker, admin, [future(5), future(6)], async () => undefined);
    const [steady, burst] = outbox.webinars;
    if (!steady || !burst) throw new Error("no webinars");
    await sleep(2_000); // let the first polls pass

    const STEADY = 100;
    const returned = new Map<string, number>();
    const t0 = Date.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < STEADY; i++) {
      const wait = t0 + i * 200 - Date.now();
      if (wait > 0) await sleep(wait);
      const email = `steady-${i}@example.com`;
      sends.push(register(worker, steady.id, email).then((at) => void returned.set(email, at)));
    }
    await Promise.all(sends);
    const steadyIn = await createdInGoTo(worker, steady.key, new Set(returned.keys()), 120_000);
    const latencies = [...returned]
      .map(([email, at]) => (steadyIn.get(email) ?? Number.NaN) - at)
      .sort((a, b) => a - b);
    results.push(
      {
        name: "outbox latency at 5/s, register() returned → in GoTo, p50",
        figure: percentile(latencies, 50),
        unit: "ms",
        note: `${STEADY} registrations at 5/s; GoTo limit ${GOTO_LIMIT}/s`,
      },
      {
        name: "outbox latency at 5/s, register() returned → in GoTo, p95",
        figure: percentile(latencies, 95),
        unit: "ms",
        note: `max ${latencies.at(-1)?.toFixed(0)} ms`,
      },
    );

    const BURST = 500;
    const emails = Array.from({ length: BURST }, (_, i) => `burst-${i}@example.com`);
    const burstStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < emails.length) {
          const email = emails[next++] ?? "";
          await register(worker, burst.id, email);
        }
      }),
    );
    const accepted = Date.now() - burstStart;
    const burstIn = await createdInGoTo(worker, burst.key, new Set(emails), 300_000);
    const allIn = Math.max(...burstIn.values()) - burstStart;
    results.push({
      name: "P1b burst of 500 registrations: until all are in GoTo",
      figure: allIn / 1000,
      unit: "s",
      baseline: { name: `500 / GoTo limit (${GOTO_LIMIT}/s)`, figure: BURST / GOTO_LIMIT },
      target: "ratio ≤ 1.10",
      note: `all 500 register() calls answered in ${(accepted / 1000).toFixed(1)} s`,
    });

    // (c): the simulator's rate limit lifted, the budget's too.
    await budgetLimit(worker, 1000);
    await jsonOf(
      await post(worker, "/sim/control/faults", { rateLimitPerSecond: 100_000 }, { "x-method": "PUT" }),
      "faults",
    );
    const REGISTRANTS = 10_000;
    const ATTENDEES = 5_000;
    const start = Date.now() - 3 * HOUR;
    const times = [{ startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() }];
    const big = await connectorWith(worker, admin, [times], async (key) => {
      const people = Array.from({ length: REGISTRANTS }, (_, i) => ({
        email: `big-${i}@example.com`,
        firstName: "Big",
        lastName: `N${i}`,
      }));
      await jsonOf(await post(worker, `/sim/control/webinars/${key}/registrants`, people), "bulk registrants");
      let i = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (i < ATTENDEES) {
            const n = i++;
            const res = await post(worker, `/sim/control/webinars/${key}/attendance`, {
              email: `big-${n}@example.com`,
              joinTime: new Date(start + 60_000).toISOString(),
              leaveTime: new Date(start + 60_000 + (10 + (n % 40)) * 60_000).toISOString(),
            });
            await jsonOf(res, "attendance");
          }
        }),
      );
    });
    const bigWebinar = big.webinars[0];
    if (!bigWebinar) throw new Error("no webinar");
    type Status = {
      lastSyncAt: string | null;
      lastPoll: {
        ms: number;
        registrants: number;
        attendees: number | null;
        activitiesWritten: number;
        prospectsCreated: number;
      } | null;
      lastError: unknown;
    };
    const statusOf = async (): Promise<Status> =>
      jsonOf<Status>(await worker.fetch(`/sim/sync/webinars/${bigWebinar.id}/status`), "status");
    let first: Status;
    for (let i = 0; ; i++) {
      first = await statusOf();
      if (first.lastPoll) break;
      if (i > 1200) throw new Error(`no poll: ${JSON.stringify(first)}`);
      await sleep(250);
    }
    const ingestPoll = first.lastPoll;
    if (!ingestPoll || ingestPoll.registrants !== REGISTRANTS || ingestPoll.attendees !== ATTENDEES) {
      throw new Error(`unexpected first poll: ${JSON.stringify(first)}`);
    }
    // The same poll again: nothing changed in GoTo, so nothing is written.
    await post(worker, `/sim/sync/webinars/${bigWebinar.id}/sync`, undefined);
    let again: Status;
    for (let i = 0; ; i++) {
      again = await statusOf();
      if ((again.lastSyncAt ?? "") > (first.lastSyncAt ?? "")) break;
      if (i > 1200) throw new Error("no second poll");
      await sleep(250);
    }
    const baseline = await jsonOf<{ ms: number; rows: number; statements: number }>(
      await post(worker, `/sim/sync/webinars/${bigWebinar.id}/baseline-insert`, {
        registrants: REGISTRANTS,
        attendees: ATTENDEES,
        tag: "baseline",
      }),
      "baseline",
    );
    results.push(
      {
        name: "P3 ingest 10,000 registrants + 5,000 attendees (GoTo calls, matching, all writes)",
        figure: ingestPoll.ms / 1000,
        unit: "s",
        baseline: {
          name: `the same ${baseline.rows} rows straight into D1 (${baseline.statements} INSERTs)`,
          figure: baseline.ms / 1000,
        },
        note: `${ingestPoll.prospectsCreated} prospects, ${ingestPoll.activitiesWritten} activities written`,
      },
      {
        name: "re-poll of the ingested webinar, nothing changed (nothing written)",
        figure: (again.lastPoll?.ms ?? Number.NaN) / 1000,
        unit: "s",
        note: `activities written: ${again.lastPoll?.activitiesWritten}`,
      },
    );
    return results;
  } finally {
    await worker.dispose();
  }
}
