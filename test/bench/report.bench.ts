// P5 (issue 13): one webinar's report at 100,000 registrants: the JSON report
// (`/api/v1/webinars/:id`, its counts) and the admin page with its charts (counts, registrations
// over time, funnel, minutes attended), p95 of sequential requests on a warm runtime. The rows are
// seeded through /sim/sync's baseline insert (as P6 does), 50,000 at a time, with registration
// times spread over 60 days, 60,000 attendees with 1 to 120 minutes and 10,000 engaged. Each is
// measured against the same request for a webinar with no registrants, in the same run.
import { connectorWith, future, jsonOf, login, post, sleep } from "./connectors.ts";
import { type BenchResult, type BenchWorker, percentile, startBenchWorker } from "./harness.ts";

const ROWS = 100_000;
const PER_SEED = 50_000;
const JSON_REQUESTS = 200;
const PAGE_REQUESTS = 60;

async function timed(worker: BenchWorker, path: string, headers: Record<string, string>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await worker.fetch(path, { headers });
    const body = await res.text();
    out.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
  }
  return out.sort((a, b) => a - b);
}

async function firstPoll(worker: BenchWorker, webinarId: string): Promise<void> {
  for (let i = 0; ; i++) {
    const status = await jsonOf<{ lastPoll: unknown }>(
      await worker.fetch(`/sim/sync/webinars/${webinarId}/status`),
      "status",
    );
    if (status.lastPoll) return;
    if (i > 1200) throw new Error("no first poll");
    await sleep(250);
  }
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

    // Webinars a month out: after the first poll the sync engine leaves them alone for hours.
    const { webinars } = await connectorWith(worker, admin, [future(30), future(31)], async () => undefined);
    const [big, empty] = webinars;
    if (!big || !empty) throw new Error("no webinars");
    await firstPoll(worker, big.id);
    await firstPoll(worker, empty.id);
    const seedStart = Date.now();
    for (let i = 0; i < ROWS / PER_SEED; i++) {
      await jsonOf(
        await post(worker, `/sim/sync/webinars/${big.id}/baseline-insert`, {
          registrants: PER_SEED,
          attendees: (PER_SEED * 3) / 5,
          engaged: PER_SEED / 10,
          spreadDays: 60,
          tag: `p5-${i}`,
        }),
        "seed",
      );
    }
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const api = { authorization: `Bearer ${key}` };
    const cookie = { cookie: admin.cookie };
    const report = await jsonOf<{ counts: { registered: number; attended: number } }>(
      await worker.fetch(`/api/v1/webinars/${big.id}`, { headers: api }),
      "report",
    );
    if (report.counts.registered !== ROWS) throw new Error(`registered ${report.counts.registered}, not ${ROWS}`);
    const page = await (await worker.fetch(`/admin/webinars/${big.id}`, { headers: cookie })).text();
    if (!page.includes('id="chart-funnel"') || !page.includes(`data-value="${ROWS}"`)) {
      throw new Error("the report page has no funnel of 100,000");
    }
    // Warm both paths (isolate, statement cache, D1 pages) before timing.
    await timed(worker, `/api/v1/webinars/${big.id}`, api, 10);
    await timed(worker, `/admin/webinars/${big.id}`, cookie, 5);

    const json = await timed(worker, `/api/v1/webinars/${big.id}`, api, JSON_REQUESTS);
    const jsonEmpty = await timed(worker, `/api/v1/webinars/${empty.id}`, api, JSON_REQUESTS);
    const html = await timed(worker, `/admin/webinars/${big.id}`, cookie, PAGE_REQUESTS);
    const htmlEmpty = await timed(worker, `/admin/webinars/${empty.id}`, cookie, PAGE_REQUESTS);
    const ms = (n: number) => n.toFixed(1);
    return [
      {
        name: "P5 webinar report JSON at 100,000 registrants, p95",
        figure: percentile(json, 95),
        unit: "ms",
        baseline: { name: "the same for a webinar with no registrants", figure: percentile(jsonEmpty, 95) },
        target: "≤ 50 ms",
        note: `${JSON_REQUESTS} sequential requests; p50 ${ms(percentile(json, 50))} ms, max ${ms(json.at(-1) ?? 0)} ms; seeding took ${seedSeconds.toFixed(0)} s`,
      },
      {
        name: "P5b webinar report page with charts at 100,000 registrants, p95",
        figure: percentile(html, 95),
        unit: "ms",
        baseline: { name: "the same page for a webinar with no registrants", figure: percentile(htmlEmpty, 95) },
        note: `${PAGE_REQUESTS} sequential requests; p50 ${ms(percentile(html, 50))} ms, max ${ms(html.at(-1) ?? 0)} ms; ${(page.length / 1024).toFixed(0)} KB of HTML; 60 days, 60,000 attendees, 10,000 engaged`,
      },
    ];
  } finally {
    await worker.dispose();
  }
}
