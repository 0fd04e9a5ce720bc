// Benchmark harness: the development Worker (wrangler.dev.toml: the app with the GoToWebinar
// simulator) driven directly through wrangler's programmatic dev server (Miniflare underneath;
// `wrangler dev` costs 2-4x throughput, see platform-notes), with its own empty, migrated state. Figures are measured in the same run as their baselines, so ratios hold
// whatever the machine is doing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_startWorker } from "wrangler";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ADMIN = { email: "admin@rollcall.test", password: "bench-admin-password" };

export interface BenchResult {
  /** Starts with the result's id where the issue gives one ("P1b burst of 500 ..."). */
  name: string;
  figure: number;
  unit: string;
  /** What the figure is compared with, measured in the same run. */
  baseline?: { name: string; figure: number };
  /** What the figure or ratio should reach, as people read it ("ratio ≤ 1.10"). */
  target?: string;
  note?: string;
}

export interface BenchWorker {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Stops the runtime and starts a fresh one on the same persisted state (D1, Durable Objects). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/** `seedSql`: a SQL file run against the migrated local D1 before the Worker starts (bulk data for a read benchmark). */
export async function startBenchWorker(opts: { seedSql?: string } = {}): Promise<BenchWorker> {
  const state = mkdtempSync(join(tmpdir(), "rollcall-bench-"));
  const wrangler = (args: string[], what: string) => {
    const run = spawnSync(join(ROOT, "node_modules", ".bin", "wrangler"), args, {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`${what} failed: ${run.stderr}${run.stdout}`);
  };
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], "migrations");
  if (opts.seedSql) wrangler(["d1", "execute", "DB", "--local", "--persist-to", state, "--file", opts.seedSql], "seed");
  const vars: Record<string, string> = {
    GOTO_MODE: "simulator",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SECRETS_KEY: "q83vEjkc8Dx6fdyd8Zz7yXgJx0YwTn1Pnq9xRtBSrRk=",
    GOTO_CLIENT_ID: "rollcall-dev-client",
    GOTO_CLIENT_SECRET: "rollcall-dev-secret",
  };
  const start = async () => {
    const started = await unstable_startWorker({
      config: join(ROOT, "wrangler.dev.toml"),
      envFiles: [],
      dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, persist: state, logLevel: "error" },
      bindings: Object.fromEntries(
        Object.entries(vars).map(([k, value]) => [k, { type: "plain_text" as const, value }]),
      ),
    });
    await started.ready;
    return started;
  };
  let worker = await start();
  return {
    async fetch(path, init) {
      return (await worker.fetch(`http://localhost${path}`, init as never)) as unknown as Response;
    },
    async restart() {
      await worker.dispose();
      worker = await start();
    },
    async dispose() {
      await worker.dispose();
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/** Sends `total` requests with `concurrency` in flight; every answer must have the expected status. */
export async function load(
  total: number,
  concurrency: number,
  send: (i: number) => Promise<Response>,
  expectStatus = 200,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  async function lane(): Promise<void> {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      const res = await send(i);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== expectStatus) failures++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    perSecond: total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}
