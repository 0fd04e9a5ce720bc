// P6 (issue 11): exporting 100,000 registrants as one streamed CSV download, against reading the
// same rows as JSON pages of 500 through the API, in the same run. Each measurement starts on a
// freshly started runtime over the same persisted D1, so both read from a cold page cache and the
// runtime's resident memory (sampled from /proc while the download runs) starts from the same
// floor; RSS only ever shows the high-water mark, so a fresh process is the only fair start.
// The 100,000 rows are seeded through /sim/sync's baseline insert (the P3 baseline's plain
// multi-row INSERTs), 50,000 at a time, all with one registration time, so the keyset's ties are
// broken by id on every page.
import { readdirSync, readFileSync } from "node:fs";
import { connectorWith, future, jsonOf, login, post, sleep } from "./connectors.ts";
import { type BenchResult, type BenchWorker, startBenchWorker } from "./harness.ts";

const ROWS = 100_000;
const PER_SEED = 50_000;
const JSON_LIMIT = 500;
const ROUNDS = 2;

/** The workerd processes started below this Node process (their parent chain leads here). */
function workerdPids(): number[] {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...names].filter(([pid, name]) => name.startsWith("workerd") && mine(pid)).map(([pid]) => pid);
}

/** A memory figure of /proc/<pid>/status (VmRSS now, VmHWM the peak so far), summed, in MB. */
function statusMb(pids: number[], field: "VmRSS" | "VmHWM"): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const line = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += Number(line?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/**
 * Samples the runtime's resident memory (all its workerd processes, summed) every 25 ms while
 * `work` runs; the idle figure first. The process list is read again every half second: the
 * runtime starts a second workerd on its first request.
 */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ ms: number; idleMb: number; peakMb: number; hwmMb: number; result: T }> {
  let pids = workerdPids();
  const idleMb = statusMb(pids, "VmRSS");
  let peakMb = idleMb;
  let ticks = 0;
  const timer = setInterval(() => {
    if (++ticks % 20 === 0) pids = workerdPids();
    peakMb = Math.max(peakMb, statusMb(pids, "VmRSS"));
  }, 25);
  const t0 = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - t0;
    pids = workerdPids();
    return { ms, idleMb, peakMb: Math.max(peakMb, statusMb(pids, "VmRSS")), hwmMb: statusMb(pids, "VmHWM"), result };
  } finally {
    clearInterval(timer);
  }
}

/** A fresh runtime on the same state, woken by one API call that reads no registrant. */
async function freshRuntime(worker: BenchWorker, key: string): Promise<void> {
  await worker.restart();
  await jsonOf(await worker.fetch("/api/v1/key", { headers: { authorization: `Bearer ${key}` } }), "warm-up");
  await sleep(500);
}

async function readJsonPages(worker: BenchWorker, path: string, key: string): Promise<number> {
  let rows = 0;
  let cursor: string | null = null;
  do {
    const res = await worker.fetch(`${path}&limit=${JSON_LIMIT}${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const page = await jsonOf<{ data: unknown[]; next_cursor: string | null }>(res, "json page");
    rows += page.data.length;
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

/** Reads the download as it streams, keeping nothing but counts; checks the BOM and the line ends. */
async function readCsv(worker: BenchWorker, path: string, key: string): Promise<{ lines: number; bytes: number }> {
  const res = await worker.fetch(`${path}&format=csv`, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200 || !res.body) throw new Error(`csv: ${res.status} ${await res.text()}`);
  let lines = 0;
  let bytes = 0;
  let first = true;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (first && (chunk[0] !== 0xef || chunk[1] !== 0xbb || chunk[2] !== 0xbf)) throw new Error("no BOM");
    first = false;
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
  }
  return { lines, bytes };
}

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  try {
    const admin = await login(worker);
    const created = await worker.fetch("/admin/settings/api-keys", {
      method: "POST",
      body: new URLSearchParams({ _csrf: admin.csrf, name: "bench" }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://localhost",
        cookie: admin.cookie,
      },
    });
    const key = /id="new-key"[^>]*value="([^"]+)"/.exec(await created.text())?.[1];
    if (!key) throw new Error("could not create an API key");

    // A webinar a month out: after its first poll the sync engine leaves it alone for hours.
    const { webinars } = await connectorWith(worker, admin, [future(30)], async () => undefined);
    const webinar = webinars[0];
    if (!webinar) throw new Error("no webinar");
    for (let i = 0; ; i++) {
      const status = await jsonOf<{ lastPoll: unknown }>(
        await worker.fetch(`/sim/sync/webinars/${webinar.id}/status`),
        "status",
      );
      if (status.lastPoll) break;
      if (i > 1200) throw new Error("no first poll");
      await sleep(250);
    }
    const seedStart = Date.now();
    for (let i = 0; i < ROWS / PER_SEED; i++) {
      await jsonOf(
        await post(worker, `/sim/sync/webinars/${webinar.id}/baseline-insert`, {
          registrants: PER_SEED,
          attendees: PER_SEED / 2,
          tag: `p6-${i}`,
        }),
        "seed",
      );
    }
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const path = `/api/v1/webinars/${webinar.id}/registrants?status=registered`;
    const csvRuns: Awaited<ReturnType<typeof measured<{ lines: number; bytes: number }>>>[] = [];
    const jsonRuns: Awaited<ReturnType<typeof measured<number>>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await freshRuntime(worker, key);
      const csv = await measured(() => readCsv(worker, path, key));
      if (csv.result.lines !== ROWS + 1) throw new Error(`csv had ${csv.result.lines} lines, not ${ROWS + 1}`);
      csvRuns.push(csv);
      console.error(
        `P6 round ${round + 1}: CSV ${(csv.ms / 1000).toFixed(2)} s, RSS ${csv.idleMb.toFixed(0)} → ${csv.peakMb.toFixed(0)} MB`,
      );
      await freshRuntime(worker, key);
      const json = await measured(() => readJsonPages(worker, path, key));
      if (json.result !== ROWS) throw new Error(`json pages had ${json.result} rows, not ${ROWS}`);
      jsonRuns.push(json);
      console.error(
        `P6 round ${round + 1}: JSON ${(json.ms / 1000).toFixed(2)} s, RSS ${json.idleMb.toFixed(0)} → ${json.peakMb.toFixed(0)} MB`,
      );
    }
    const best = <T extends { ms: number }>(runs: T[]): T => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const csv = best(csvRuns);
    const json = best(jsonRuns);
    const peak = (runs: { peakMb: number }[]) => Math.max(...runs.map((r) => r.peakMb));
    const hwm = (runs: { hwmMb: number }[]) => Math.max(...runs.map((r) => r.hwmMb));
    const idle = (runs: { idleMb: number }[]) => Math.max(...runs.map((r) => r.idleMb));
    const mb = (n: number) => n.toFixed(0);
    return [
      {
        name: "P6 CSV export of 100,000 registrants",
        figure: csv.ms / 1000,
        unit: "s",
        baseline: { name: `the same rows as ${ROWS / JSON_LIMIT} JSON pages of ${JSON_LIMIT}`, figure: json.ms / 1000 },
        target: "ratio ≤ 1.5",
        note: `best of ${ROUNDS} each, fresh runtime each; ${(csv.result.bytes / 1e6).toFixed(1)} MB streamed; runtimes ${csvRuns.map((r) => (r.ms / 1000).toFixed(1)).join(", ")} s (CSV) and ${jsonRuns.map((r) => (r.ms / 1000).toFixed(1)).join(", ")} s (JSON); seeding took ${seedSeconds.toFixed(0)} s`,
      },
      {
        name: "P6 peak memory of the runtime during the CSV export",
        figure: peak(csvRuns),
        unit: "MB RSS",
        baseline: { name: "the same during the JSON pages", figure: peak(jsonRuns) },
        note: `the runtime's resident set (its workerd processes: the Worker, Durable Objects and local D1), sampled every 25 ms (the kernel's high-water marks, summed over the processes: ${mb(hwm(csvRuns))} MB CSV, ${mb(hwm(jsonRuns))} MB JSON); idle before: ${mb(idle(csvRuns))} MB (CSV), ${mb(idle(jsonRuns))} MB (JSON)`,
      },
    ];
  } finally {
    await worker.dispose();
  }
}
