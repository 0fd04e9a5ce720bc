// Foundation figures: what authentication costs per request, against a bare endpoint of the same
// Worker in the same run.
import { ADMIN, type BenchResult, load, startBenchWorker } from "./harness.ts";

const TOTAL = 1500;
const CONCURRENCY = 20;

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  try {
    await (await worker.fetch("/login")).text(); // creates the first admin
    const form = new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, next: "/admin" });
    const loginTimes: number[] = [];
    let cookie = "";
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const res = await worker.fetch("/login", {
        method: "POST",
        body: form,
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" },
        redirect: "manual",
      });
      await res.arrayBuffer();
      loginTimes.push(performance.now() - t0);
      if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
      cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    }
    loginTimes.sort((a, b) => a - b);

    const page = await (await worker.fetch("/admin", { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const created = await worker.fetch("/admin/settings/api-keys", {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf, name: "bench" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost", cookie },
    });
    const key = /id="new-key"[^>]*value="([^"]+)"/.exec(await created.text())?.[1];
    if (!key) throw new Error("could not create an API key");

    // Warm up, then measure the three paths in the same run.
    await load(200, CONCURRENCY, () => worker.fetch("/healthz"));
    const bare = await load(TOTAL, CONCURRENCY, () => worker.fetch("/healthz"));
    const session = await load(TOTAL, CONCURRENCY, () => worker.fetch("/admin/settings", { headers: { cookie } }));
    const api = await load(TOTAL, CONCURRENCY, () =>
      worker.fetch("/api/v1/key", { headers: { authorization: `Bearer ${key}` } }),
    );
    for (const [name, r] of Object.entries({ bare, session, api })) {
      if (r.failures > 0) throw new Error(`${name}: ${r.failures} unexpected statuses`);
    }
    const bareRef = { name: "bare endpoint /healthz", figure: bare.perSecond };
    return [
      {
        name: "bare endpoint /healthz, requests/s (20 in flight)",
        figure: bare.perSecond,
        unit: "req/s",
        note: `p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms`,
      },
      {
        name: "page behind a session (/admin/settings), requests/s",
        figure: session.perSecond,
        unit: "req/s",
        baseline: bareRef,
        note: `p50 ${session.p50.toFixed(1)} ms, p99 ${session.p99.toFixed(1)} ms`,
      },
      {
        name: "API call with a bearer key (/api/v1/key), requests/s",
        figure: api.perSecond,
        unit: "req/s",
        baseline: bareRef,
        note: `p50 ${api.p50.toFixed(1)} ms, p99 ${api.p99.toFixed(1)} ms`,
      },
      {
        name: "login (PBKDF2-SHA256, 100,000 iterations), median",
        figure: loginTimes[5] ?? Number.NaN,
        unit: "ms",
        note: "sequential, 10 logins",
      },
    ];
  } finally {
    await worker.dispose();
  }
}
