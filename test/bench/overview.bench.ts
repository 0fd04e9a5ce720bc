// P5c (issue 13): Reports > Webinars, the overview, with 1,000 webinars of three organizers: the
// first page by date (50 webinars counted) and the page sorted by a figure (all 1,000 counted, as
// ordering by a count needs every count), p95 over sequential requests after a warm-up. The data
// goes straight into the local D1 before the Worker starts (SQL built with recursive CTEs): no
// sync engine runs, so nothing else competes for the runtime while the pages are timed.
// 1,000 webinars from two years back to a year ahead, 0 to 120 registrants each (about 60,000
// registrations over 12,000 prospects), about half of a finished webinar's registrants attended and
// one attendee in five engaged (about 6,000 engagement rows); UTM values and referrer URLs on most
// registrations for the attribution figure.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { login } from "./connectors.ts";
import { type BenchResult, percentile, startBenchWorker } from "./harness.ts";

const WEBINARS = 1000;
const PROSPECTS = 12_000;
const ROUNDS = 40;
const WARM_UP = 3;

function seedSql(): string {
  const now = Date.now();
  const day = 86_400_000;
  const first = new Date(now - 730 * day).toISOString();
  return `
INSERT INTO campaigns (id, name) VALUES ('cmp_bench', 'Bench campaign');
INSERT INTO connectors (id, type, organizer_email, organizer_name, status, campaign_id)
VALUES ('con_a', 'gotowebinar', 'a@example.com', 'Organizer A', 'verified', 'cmp_bench'),
       ('con_b', 'gotowebinar', 'b@example.com', 'Organizer B', 'verified', NULL),
       ('con_c', 'gotowebinar', 'c@example.com', 'Organizer C', 'verified', NULL);
INSERT INTO webinars (id, connector_id, webinar_key, subject, times, starts_at, ends_at, time_zone, updated_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${WEBINARS - 1}),
t(i, s) AS (SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', '${first}', '+' || (i * 1095 / ${WEBINARS}) || ' days', '+' || (i % 9) || ' hours') FROM n)
SELECT printf('web_b%05d', i), CASE i % 3 WHEN 0 THEN 'con_a' WHEN 1 THEN 'con_b' ELSE 'con_c' END,
       CAST(1000000000 + i AS TEXT), 'Bench webinar ' || i,
       json_array(json_object('startTime', s, 'endTime', strftime('%Y-%m-%dT%H:%M:%fZ', s, '+1 hours'))),
       s, strftime('%Y-%m-%dT%H:%M:%fZ', s, '+1 hours'), 'Europe/Berlin', s
FROM t;
INSERT INTO prospects (id, email, source, updated_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${PROSPECTS - 1})
SELECT printf('pro_b%06d', i), 'p' || i || '@example.com', 'gotowebinar', '${first}' FROM n;
INSERT INTO registrations (id, prospect_id, webinar_id, registrant_key, status, source, attended, minutes_attended, utm, referrer, registered_at, updated_at)
WITH RECURSIVE j(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM j WHERE k < 119)
SELECT printf('reg_b%05d_%03d', w.rowid, j.k), printf('pro_b%06d', (w.rowid * 37 + j.k) % ${PROSPECTS}), w.id,
       CAST(w.rowid * 1000 + j.k AS TEXT),
       CASE WHEN j.k % 17 = 0 THEN 'cancelled' WHEN j.k % 5 = 0 THEN 'approved' ELSE 'registered' END, 'gotowebinar',
       CASE WHEN w.ends_at < '${new Date(now).toISOString()}' AND j.k % 2 = 0 THEN 1 ELSE 0 END,
       CASE WHEN w.ends_at < '${new Date(now).toISOString()}' AND j.k % 2 = 0 THEN 10 + j.k % 50 ELSE 0 END,
       CASE WHEN j.k % 4 = 0 THEN NULL ELSE json_object('utm_source', CASE j.k % 3 WHEN 0 THEN 'Newsletter' WHEN 1 THEN 'linkedin' ELSE 'partner-' || (w.rowid % 40) END,
                                                'utm_medium', CASE j.k % 2 WHEN 0 THEN 'email' ELSE 'social' END,
                                                'utm_campaign', 'campaign-' || (w.rowid % 25)) END,
       CASE WHEN j.k % 5 = 0 THEN NULL ELSE 'https://www.site' || (j.k % 30) || '.example/page/' || j.k || '?q=' || w.rowid END,
       w.starts_at, w.starts_at
FROM webinars w JOIN j ON j.k < (w.rowid * 7919) % 121;
INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, occurred_at, dedupe_key)
SELECT 'eng_' || r.id, r.webinar_id, r.prospect_id, '1', 'poll', 'Bench poll', r.registered_at, 'bench:' || r.id
FROM registrations r WHERE r.attended = 1 AND CAST(substr(r.id, -3) AS INTEGER) % 10 = 0;
`;
}

async function p95(
  fetchPage: () => Promise<Response>,
  expect = "Bench webinar",
): Promise<{ p95: number; p50: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARM_UP + ROUNDS; i++) {
    const t0 = performance.now();
    const res = await fetchPage();
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`overview answered ${res.status}: ${body.slice(0, 300)}`);
    if (!body.includes(expect)) throw new Error(`the page lacks ${expect}`);
    bytes = body.length;
    if (i >= WARM_UP) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { p95: percentile(times, 95), p50: percentile(times, 50), bytes };
}

export async function run(): Promise<BenchResult[]> {
  const file = join(mkdtempSync(join(tmpdir(), "rollcall-overview-")), "seed.sql");
  writeFileSync(file, seedSql());
  const t0 = performance.now();
  const worker = await startBenchWorker({ seedSql: file });
  const seedSeconds = (performance.now() - t0) / 1000;
  try {
    const admin = await login(worker);
    const get = (query: string) => () => worker.fetch(`/admin/webinars${query}`, { headers: { cookie: admin.cookie } });
    const byDate = await p95(get(""));
    const byFigure = await p95(get("?sort=registered&dir=desc"));
    const byRate = await p95(get("?show=finished&sort=rate&dir=asc&organizer=con_b"));
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const attribution = await p95(
      () =>
        worker.fetch(`/admin/webinars/attribution?by=referrer&from=${day(-800)}&to=${day(400)}`, {
          headers: { cookie: admin.cookie },
        }),
      "site29.example",
    );
    const note = (r: { p50: number; bytes: number }) =>
      `p50 ${r.p50.toFixed(0)} ms; ${ROUNDS} sequential requests after ${WARM_UP} to warm up; page ${(r.bytes / 1000).toFixed(0)} kB`;
    return [
      {
        name: "P5c Reports > Webinars overview with 1,000 webinars, p95 (sorted by registered: all 1,000 counted)",
        figure: byFigure.p95,
        unit: "ms",
        baseline: { name: "the first page by date (50 counted)", figure: byDate.p95 },
        note: `${note(byFigure)}; by date ${note(byDate)}; ~60,000 registrations, ~6,000 engagements; runtime start with seeding ${seedSeconds.toFixed(0)} s`,
      },
      {
        name: "P5c Reports > Webinars overview, one organizer's finished webinars by attendance rate, p95",
        figure: byRate.p95,
        unit: "ms",
        note: note(byRate),
      },
      {
        name: "Attribution across all 1,000 webinars by referrer host (~60,000 registrations), p95",
        figure: attribution.p95,
        unit: "ms",
        note: `${note(attribution)}; UTM on three in four registrations, a referrer URL on four in five (30 hosts, each URL distinct)`,
      },
    ];
  } finally {
    await worker.dispose();
  }
}
