// Sync engine figures (issue 5, Done-when 4): outbox latency at a steady 5/s, P1b a burst of
// 500 against GoTo's rate limit, and P3 ingesting 10,000 registrants and 5,000 attendees against
// inserting the same rows straight into D1, all in the same run. The Worker is driven over HTTP;
// the sync engine's RPC is reached through /sim/sync, which exists only in simulator mode.
import { ADMIN, type BenchResult, type BenchWorker, percentile, startBenchWorker } from "./harness.ts";

const ORIGIN = "http://localhost";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GOTO_LIMIT = 10; // the simulator's default, GoTo's documented default

async function jsonOf<T>(res: Response, what: string): Promise<T> {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function post(
  worker: BenchWorker,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return worker.fetch(path, {
    method: body === undefined ? "POST" : (headers["x-method"] ?? "POST"),
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Admin {
  cookie: string;
  csrf: string;
}

async function login(worker: BenchWorker): Promise<Admin> {
  await (await worker.fetch("/login")).text();
  const res = await worker.fetch("/login", {
    method: "POST",
    body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, next: "/admin" }),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
    redirect: "manual",
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await worker.fetch("/admin", { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  if (!cookie || !csrf) throw new Error("login failed");
  return { cookie, csrf };
}

function adminForm(worker: BenchWorker, admin: Admin, path: string, fields: Record<string, string>): Promise<Response> {
  return worker.fetch(path, {
    method: "POST",
    body: new URLSearchParams({ _csrf: admin.csrf, ...fields }),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie: admin.cookie },
    redirect: "manual",
  });
}

/** A verified connector for a new organizer whose webinars exist first; returns the webinars' ids. */
async function connectorWith(
  worker: BenchWorker,
  admin: Admin,
  webinarTimes: { startTime: string; endTime: string }[][],
  prepare: (webinarKey: string, organizerEmail: string) => Promise<void>,
  gatewayLimit: number,
): Promise<{ connectorId: string; webinars: { id: string; key: string }[] }> {
  const organizerEmail = `bench-${crypto.randomUUID().slice(0, 8)}@example.com`;
  await jsonOf(
    await post(worker, "/sim/control/organizers", { email: organizerEmail, firstName: "B", lastName: "O" }),
    "organizer",
  );
  const keys: string[] = [];
  for (const [i, times] of webinarTimes.entries()) {
    const w = await jsonOf<{ webinarKey: string }>(
      await post(worker, "/sim/control/webinars", { organizerEmail, subject: `Bench ${i}`, times }),
      "webinar",
    );
    keys.push(w.webinarKey);
    await prepare(w.webinarKey, organizerEmail);
  }
  const added = await adminForm(worker, admin, "/admin/connectors", {
    organizerEmail,
    createProspects: "on",
    campaign: "GoToWebinar Sync",
  });
  const connectorId = /\/admin\/connectors\/(con_[A-Za-z0-9_-]+)/.exec(added.headers.get("location") ?? "")?.[1];
  if (!connectorId) throw new Error(`add connector: ${added.status}`);
  await jsonOf(
    await post(worker, `/sim/sync/connectors/${connectorId}/rate-limit`, { limit: gatewayLimit }),
    "rate limit",
  );
  const verify = await adminForm(worker, admin, `/admin/connectors/${connectorId}/verify`, {});
  const authorize = new URL(verify.headers.get("location") ?? "", ORIGIN);
  const oauthCookie = (verify.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const consent = new URLSearchParams(authorize.searchParams);
  consent.set("organizerEmail", organizerEmail);
  consent.set("decision", "allow");
  const allowed = await worker.fetch("/sim/oauth/authorize", {
    method: "POST",
    body: consent,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  const back = new URL(allowed.headers.get("location") ?? "", ORIGIN);
  const done = await worker.fetch(`${back.pathname}${back.search}`, {
    headers: { cookie: `${admin.cookie}; ${oauthCookie}` },
    redirect: "manual",
  });
  if (done.status !== 303) throw new Error(`verification: ${done.status}`);
  const webinars: { id: string; key: string }[] = [];
  for (const key of keys) {
    for (let i = 0; ; i++) {
      const res = await worker.fetch(`/sim/sync/webinars?connectorId=${connectorId}&webinarKey=${key}`);
      if (res.status === 200) {
        webinars.push({ id: ((await res.json()) as { id: string }).id, key });
        break;
      }
      await res.arrayBuffer();
      if (i > 600) throw new Error("discovery did not find the webinar");
      await sleep(100);
    }
  }
  return { connectorId, webinars };
}

function future(days: number): { startTime: string; endTime: string }[] {
  const start = Date.now() + days * DAY;
  return [{ startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() }];
}

async function register(worker: BenchWorker, webinarId: string, email: string): Promise<number> {
  const res = await post(worker, `/sim/sync/webinars/${webinarId}/registrations`, {
    email,
    firstName: "Ben",
    lastName: "Ch",
  });
  return (await jsonOf<{ returnedAt: number }>(res, "register")).returnedAt;
}

/** When each of these emails was created in GoTo (the simulator's registration time), once all are there. */
async function createdInGoTo(
  worker: BenchWorker,
  webinarKey: string,
  emails: Set<string>,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await jsonOf<{ registrants: { email: string; registrationDate: string }[] }>(
      await worker.fetch(`/sim/control/state?webinarKey=${webinarKey}`),
      "state",
    );
    const found = new Map(
      state.registrants
        .filter((r) => emails.has(r.email.toLowerCase()))
        .map((r) => [r.email.toLowerCase(), Date.parse(r.registrationDate)]),
    );
    if (found.size === emails.size) return found;
    if (Date.now() > deadline) throw new Error(`only ${found.size} of ${emails.size} reached GoTo`);
    await sleep(250);
  }
}

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  try {
    const admin = await login(worker);
    const results: BenchResult[] = [];

    // (a) and (b): GoTo's default limit; the gateway keeps 80% of it (src/sync/gateway.ts bucketFor).
    const outbox = await connectorWith(worker, admin, [future(5), future(6)], async () => undefined, GOTO_LIMIT);
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

    // (c): the simulator's rate limit lifted, the gateway's too.
    await jsonOf(
      await post(worker, "/sim/control/faults", { rateLimitPerSecond: 100_000 }, { "x-method": "PUT" }),
      "faults",
    );
    const REGISTRANTS = 10_000;
    const ATTENDEES = 5_000;
    const start = Date.now() - 3 * HOUR;
    const times = [{ startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() }];
    const big = await connectorWith(
      worker,
      admin,
      [times],
      async (key) => {
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
      },
      1000,
    );
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
