// P7: five connectors of one deployment share GoTo's limit (10 requests/s for the OAuth client,
// the simulator in its default `client` scope). One imports its history (past webinars: discovery
// and a poll of each), four take a trickle of form registrations meanwhile. Figures: the 429s
// GoTo answered (callers can see no more than these), the share of the limit GoTo saw used while
// the import ran, and the longest wait of the quietest connector against the same connectors'
// waits with the budget idle, in the same run.
import {
  type Admin,
  budgetLimit,
  collectCalls,
  connectorWith,
  createdInGoTo,
  DAY,
  future,
  HOUR,
  jsonOf,
  login,
  post,
  register,
  type SimCall,
  sleep,
} from "./connectors.ts";
import { type BenchResult, type BenchWorker, startBenchWorker } from "./harness.ts";

const P7 = "P7 five connectors sharing one budget";
const GOTO_LIMIT = 10; // the simulator's default, GoTo's documented default
const PAST_WEBINARS = 80;
const QUIET = 4;
const TRICKLE_EVERY_MS = 2_000;
const TRICKLE_MS = 16_000;
/** The gateway gives a call up to GoTo's 429s after this many in a row (src/sync/gateway.ts). */
const RATE_LIMITED_TRIES = 8;

/** The most calls inside one of GoTo's one-second windows. */
function busiestSecond(calls: SimCall[]): number {
  let worst = 0;
  let start = 0;
  for (let end = 0; end < calls.length; end++) {
    while ((calls[end]?.at ?? 0) - (calls[start]?.at ?? 0) >= 1000) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}

interface Quiet {
  connectorId: string;
  organizerEmail: string;
  webinar: { id: string; key: string };
}

/**
 * Each quiet connector registers one visitor every TRICKLE_EVERY_MS (staggered) for `ms`; answers
 * each connector's waits from register() returning to the registrant existing in GoTo.
 */
async function trickle(worker: BenchWorker, quiet: Quiet[], tag: string, ms: number): Promise<number[][]> {
  const returned = quiet.map(() => new Map<string, number>());
  const t0 = Date.now();
  await Promise.all(
    quiet.map(async (q, i) => {
      await sleep((i * TRICKLE_EVERY_MS) / quiet.length);
      for (let n = 0; Date.now() - t0 < ms; n++) {
        const next = t0 + (i * TRICKLE_EVERY_MS) / quiet.length + (n + 1) * TRICKLE_EVERY_MS;
        const email = `${tag}-${i}-${n}@example.com`;
        returned[i]?.set(email, await register(worker, q.webinar.id, email));
        await sleep(Math.max(0, next - Date.now()));
      }
    }),
  );
  return Promise.all(
    quiet.map(async (q, i) => {
      const sent = returned[i] ?? new Map<string, number>();
      const inGoTo = await createdInGoTo(worker, q.webinar.key, new Set(sent.keys()), 120_000);
      return [...sent].map(([email, at]) => (inGoTo.get(email) ?? Number.NaN) - at);
    }),
  );
}

async function pastWebinarsImporter(
  worker: BenchWorker,
  admin: Admin,
): Promise<{ connectorId: string; organizerEmail: string; webinars: { id: string; key: string }[] }> {
  const times = Array.from({ length: PAST_WEBINARS }, (_, i) => {
    const start = Date.now() - (i + 2) * DAY;
    return [{ startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() }];
  });
  return connectorWith(worker, admin, times, async (key) => {
    const people = [0, 1].map((n) => ({ email: `past-${key}-${n}@example.com`, firstName: "P", lastName: "W" }));
    await jsonOf(await post(worker, `/sim/control/webinars/${key}/registrants`, people), "registrants");
  });
}

/** Waits until every webinar has been polled once; answers how many polls ended in an error. */
async function allPolled(worker: BenchWorker, webinars: { id: string }[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (const w of webinars) {
    for (;;) {
      const status = await jsonOf<{ lastPoll: unknown; lastError: unknown }>(
        await worker.fetch(`/sim/sync/webinars/${w.id}/status`),
        "status",
      );
      if (status.lastPoll || status.lastError) break;
      if (Date.now() > deadline) throw new Error(`webinar ${w.id} was never polled`);
      await sleep(250);
    }
  }
  let errors = 0;
  for (const w of webinars) {
    const status = await jsonOf<{ lastError: unknown }>(await worker.fetch(`/sim/sync/webinars/${w.id}/status`), "s");
    if (status.lastError) errors++;
  }
  return errors;
}

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  try {
    const admin = await login(worker);
    await budgetLimit(worker, GOTO_LIMIT);
    const quiet: Quiet[] = [];
    for (let i = 0; i < QUIET; i++) {
      const c = await connectorWith(worker, admin, [future(3 + i)], async () => undefined);
      const webinar = c.webinars[0];
      if (!webinar) throw new Error("no webinar");
      quiet.push({ connectorId: c.connectorId, organizerEmail: c.organizerEmail, webinar });
    }
    await sleep(3_000); // the first polls pass
    await trickle(worker, quiet, "warm-up", 1); // each webinar's first registration (cold objects)
    const idle = (await trickle(worker, quiet, "idle", 6_000)).flat();

    const log = collectCalls(worker);
    const kickoff = Date.now();
    const importing = pastWebinarsImporter(worker, admin);
    // The trickle starts once the import's discovery has listed the webinars.
    while (!log.calls().some((c) => c.at > kickoff && c.path.includes("/webinars?"))) await sleep(200);
    const busy = await trickle(worker, quiet, "busy", TRICKLE_MS);
    const importer = await importing;
    const pollErrors = await allPolled(worker, importer.webinars, 300_000);
    await sleep(1_500);
    await log.stop();

    const calls = log.calls();
    const imports = calls.filter((c) => c.principal === importer.organizerEmail);
    // The share is measured while the import keeps the budget busy: from its first poll of a past
    // webinar (discovery before it is a few calls, then D1 writes) to its last call.
    const first = imports.find((c) => c.path.includes("/registrants"))?.at ?? 0;
    const last = imports.at(-1)?.at ?? 0;
    const during = calls.filter((c) => c.at >= first && c.at <= last);
    const perSecond = ((during.length - 1) / (last - first)) * 1000;
    const refused = calls.filter((c) => c.status === 429).length;
    const accepted = calls.filter((c) => c.status !== 429);

    const byConnector = quiet.map((q, i) => ({
      email: q.organizerEmail,
      calls: calls.filter((c) => c.principal === q.organizerEmail).length,
      longest: Math.max(...(busy[i] ?? [])),
    }));
    const quietest = [...byConnector].sort((a, b) => a.calls - b.calls)[0];
    const longestAny = Math.max(...byConnector.map((c) => c.longest));
    const registrations = busy.flat().length;

    return [
      {
        name: `${P7}: 429s answered to callers`,
        figure: Math.floor(refused / RATE_LIMITED_TRIES),
        unit: "429s",
        note: `at most: a caller gets a 429 only after ${RATE_LIMITED_TRIES} for its call; GoTo answered ${refused} 429s in the whole run (the gateway retries each); polls ended in an error: ${pollErrors} of ${importer.webinars.length}`,
      },
      {
        name: `${P7}: share of the limit used`,
        figure: perSecond / GOTO_LIMIT,
        unit: "× limit",
        note: `${during.length} GoTo calls in ${((last - first) / 1000).toFixed(1)} s while the import's polls ran (${imports.length} calls the import's in all); busiest GoTo second: ${busiestSecond(accepted)} accepted of ${GOTO_LIMIT}`,
      },
      {
        name: `${P7}: longest wait of the quietest connector`,
        figure: quietest?.longest ?? Number.NaN,
        unit: "ms",
        baseline: { name: "the longest wait of the same connectors, budget idle", figure: Math.max(...idle) },
        note: `register() returned → in GoTo; ${registrations} registrations from ${QUIET} connectors every ${TRICKLE_EVERY_MS / 1000} s during the import; longest of any of them ${longestAny.toFixed(0)} ms`,
      },
    ];
  } finally {
    await worker.dispose();
  }
}
