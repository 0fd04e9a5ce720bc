// npm run soak: N registrations through the public form while GoTo (the simulator) fails 30 % of
// the registrant calls, some of them ambiguously, and the whole runtime is SIGKILLed and restarted
// on its persisted state. Afterwards every accepted registration must be in GoTo exactly once and
// in Rollcall once; prints a summary, the time to recover after each kill, and exits 1 if not.
//
//   npm run soak -- --n 10000 --kills 2 --rate 20 --faults auto
//
// Flags (or the env var in brackets):
//   --n N               registrations, default 2000 [SOAK_N]
//   --kills K           hard kills while posting, default 2 [SOAK_KILLS]
//   --rate R            form posts per second, default 20 [SOAK_RATE]
//   --in-flight C       most posts in flight at once, default 48
//   --fault-rate F      share of GoTo registrant calls that fail, default 0.3 [SOAK_FAULT_RATE]
//   --faults MODE       full: errorRate + badAnswerRate + ambiguousRate limited to the registrant
//                       paths; errors: errorRate only (what the simulator had first); auto (the
//                       default): full, or errors when the simulator refuses the full set
//   --mix E:B:A         how the fault rate splits between error, bad answer and ambiguous, default
//                       1:1:1 (an ambiguous call that hangs holds the webinar's outbox for the
//                       client's deadline, so the ambiguous share sets how long the soak takes)
//   --rate-limit L      GoTo's limit in the simulator and the gateway's, requests/s, default 200
//   --goto-timeout-ms T the client's deadline for one GoTo answer (GOTO_TIMEOUT_MS), default 3000:
//                       each ambiguous hang costs the webinar's outbox that long
//   --down-ms MS        how long the runtime stays dead before the restart begins, default 3000
//   --pause-s S         after each restart, hold every post (new and retries) for S seconds, so the
//                       recovery measured is the outbox resuming on its own; default 0
//   --drain-s S         deadline for the outbox to drain after the last post, default 900
//   --leave-stored      a visitor whose failed post is already in D1 does not retry it: shows
//                       whether Rollcall alone gets such a registration to GoTo (waits 120 s more)
//   --port P            default: a free port; --keep keeps the state directory
// Results also go to test/bench/results/soak-latest.json (ignored by git).
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bin, root, run, wranglerEnv } from "./lib.mjs";

const { values: flags } = parseArgs({
  options: {
    n: { type: "string", default: process.env.SOAK_N ?? "2000" },
    kills: { type: "string", default: process.env.SOAK_KILLS ?? "2" },
    rate: { type: "string", default: process.env.SOAK_RATE ?? "20" },
    "in-flight": { type: "string", default: "48" },
    "fault-rate": { type: "string", default: process.env.SOAK_FAULT_RATE ?? "0.3" },
    faults: { type: "string", default: process.env.SOAK_FAULTS ?? "auto" },
    mix: { type: "string", default: "1:1:1" },
    "rate-limit": { type: "string", default: "200" },
    "goto-timeout-ms": { type: "string", default: process.env.SOAK_GOTO_TIMEOUT_MS ?? "3000" },
    "down-ms": { type: "string", default: "3000" },
    "pause-s": { type: "string", default: "0" },
    "drain-s": { type: "string", default: "900" },
    port: { type: "string", default: "0" },
    keep: { type: "boolean", default: false },
    "leave-stored": { type: "boolean", default: false },
  },
});
const N = Number(flags.n);
const KILLS = Number(flags.kills);
const RATE = Number(flags.rate);
const IN_FLIGHT = Number(flags["in-flight"]);
const FAULT_RATE = Number(flags["fault-rate"]);
const RATE_LIMIT = Number(flags["rate-limit"]);
const DOWN_MS = Number(flags["down-ms"]);
const PAUSE_MS = Number(flags["pause-s"]) * 1000;
const DRAIN_MS = Number(flags["drain-s"]) * 1000;
if (![N, KILLS, RATE, IN_FLIGHT, FAULT_RATE, RATE_LIMIT, DOWN_MS, PAUSE_MS, DRAIN_MS].every(Number.isFinite) || N < 1) {
  console.error("soak: numeric flags only (see the top of scripts/soak.mjs)");
  process.exit(2);
}
const MIX = flags.mix.split(":").map(Number);
if (MIX.length !== 3 || !MIX.every((x) => Number.isFinite(x) && x >= 0) || MIX[0] + MIX[1] + MIX[2] <= 0) {
  console.error("soak: --mix is three shares, like 1:1:1");
  process.exit(2);
}
if (!["auto", "full", "errors"].includes(flags.faults)) {
  console.error("soak: --faults is auto, full or errors");
  process.exit(2);
}

const ADMIN = { email: "admin@rollcall.test", password: "soak-admin-password" };
const VARS = {
  GOTO_MODE: "simulator",
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  SECRETS_KEY: "q83vEjkc8Dx6fdyd8Zz7yXgJx0YwTn1Pnq9xRtBSrRk=",
  GOTO_CLIENT_ID: "rollcall-dev-client",
  GOTO_CLIENT_SECRET: "rollcall-dev-secret",
  GOTO_TIMEOUT_MS: String(Number(flags["goto-timeout-ms"])),
};
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const REGISTRANT_PATHS = "/G2W/rest/v2/organizers/[^/]+/webinars/[^/]+/registrants";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const secs = (ms) => (ms / 1000).toFixed(1);
const say = (line) => console.log(`[${secs(Date.now() - t0).padStart(6)} s] ${line}`);

// ---------------------------------------------------------------------------------------------
// The runtime: a child process group on a fixed port and state directory.

const state = mkdtempSync(join(tmpdir(), "rollcall-soak-"));
const port = Number(flags.port) || (await freePort());
const origin = `http://127.0.0.1:${port}`;
let runtime = null; // { child, pid, log }
let up = false;
let starts = 0;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: p } = server.address();
      server.close(() => resolve(p));
    });
  });
}

async function startRuntime() {
  starts++;
  const log = createWriteStream(join(state, `runtime-${starts}.log`));
  const child = spawn(
    process.execPath,
    [join(root, "scripts", "soak-runtime.mjs"), join(state, "persist"), String(port)],
    {
      cwd: root,
      env: { ...wranglerEnv, SOAK_VARS: JSON.stringify(VARS) },
      // Its own process group, so one kill reaches workerd too.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stderr.pipe(log);
  const ready = new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      log.write(chunk);
      out += chunk;
      if (out.includes("READY")) resolve();
    });
    child.on("exit", (code, signal) =>
      reject(new Error(`runtime exited (${signal ?? code}) before ready; see ${log.path}`)),
    );
  });
  runtime = { child, pid: child.pid, log };
  await ready;
  // Ready means it answers: the first request also builds the app.
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not yet
    }
    if (i > 240) throw new Error("the runtime does not answer /healthz");
    await sleep(250);
  }
  up = true;
}

function killRuntime() {
  up = false;
  if (!runtime) return;
  try {
    process.kill(-runtime.pid, "SIGKILL");
  } catch (error) {
    if (error.code !== "ESRCH") throw error;
  }
  runtime = null;
}

async function stopRuntime() {
  if (!runtime) return;
  const { child, pid } = runtime;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(pid, "SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
  killRuntime();
}

process.on("exit", () => {
  if (runtime) {
    try {
      process.kill(-runtime.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

// ---------------------------------------------------------------------------------------------
// HTTP helpers against the runtime.

async function call(path, init = {}, timeoutMs = 30_000) {
  return fetch(`${origin}${path}`, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs), ...init });
}

async function json(method, path, body) {
  const res = await call(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    const error = new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    error.status = res.status;
    throw error;
  }
  return JSON.parse(text);
}

/** Retries a read while the runtime settles (a restart, a busy moment). */
async function patiently(what, fn, tries = 20) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= tries) throw new Error(`${what}: ${error.message}`);
      await sleep(1_000);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up: admin, a verified connector, one upcoming webinar, a live form with Register for webinar.

async function setUp() {
  await (await call("/login")).text(); // creates the admin account
  const login = await call("/login", {
    method: "POST",
    body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, next: "/admin" }),
    headers: { ...FORM, origin },
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await call("/admin", { headers: { cookie } })).text())?.[1];
  if (!cookie || !csrf) throw new Error(`admin login failed (${login.status})`);
  const post = (path, fields, extra = {}) =>
    call(path, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
      headers: { ...FORM, origin, cookie, ...extra },
    });

  const organizer = "soak@acme.test";
  await json("POST", "/sim/control/organizers", { email: organizer, firstName: "So", lastName: "Ak" });
  const start = new Date(Date.now() + 10 * 86_400_000);
  const webinar = await json("POST", "/sim/control/webinars", {
    organizerEmail: organizer,
    subject: "Soak webinar",
    times: [{ startTime: start.toISOString(), endTime: new Date(start.getTime() + 3_600_000).toISOString() }],
  });
  // GoTo's limit raised (GoTo grants more on request) in the simulator and in the shared budget.
  await json("PUT", "/sim/control/faults", { rateLimitPerSecond: RATE_LIMIT });
  const added = await post("/admin/connectors", { organizerEmail: organizer, createProspects: "on", campaign: "Soak" });
  const connectorId = /\/admin\/connectors\/(con_[\w-]+)/.exec(added.headers.get("location") ?? "")?.[1];
  if (!connectorId) throw new Error(`add connector: ${added.status}`);
  await json("POST", "/sim/sync/rate-limit", { limit: Math.min(RATE_LIMIT, 1000) });
  const verify = await post(`/admin/connectors/${connectorId}/verify`, {});
  const oauthCookie = (verify.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const authorize = new URL(verify.headers.get("location") ?? "", origin);
  const consent = new URLSearchParams(authorize.searchParams);
  consent.set("organizerEmail", organizer);
  consent.set("decision", "allow");
  const allowed = await call("/sim/oauth/authorize", { method: "POST", body: consent, headers: FORM });
  const back = new URL(allowed.headers.get("location") ?? "", origin);
  const done = await call(`${back.pathname}${back.search}`, { headers: { cookie: `${cookie}; ${oauthCookie}` } });
  if (done.status !== 303) throw new Error(`verification: ${done.status}`);

  let webinarId = "";
  for (let i = 0; i < 600 && !webinarId; i++) {
    const res = await call(`/sim/sync/webinars?connectorId=${connectorId}&webinarKey=${webinar.webinarKey}`);
    if (res.ok) webinarId = (await res.json()).id;
    else await res.arrayBuffer();
    if (!webinarId) await sleep(250);
  }
  if (!webinarId) throw new Error("discovery did not find the webinar");

  const fields = { name: "Soak form", status: "live", op: "save", register_webinar: webinarId };
  ["email", "firstName", "lastName"].forEach((key, i) => {
    Object.assign(fields, {
      [`field_${i}_key`]: key,
      [`field_${i}_type`]: key === "email" ? "email" : "text",
      [`field_${i}_label`]: key,
      [`field_${i}_required`]: "on",
      [`field_${i}_order`]: String(i + 1),
    });
  });
  const saved = await post("/admin/forms", fields);
  const formId = /\/admin\/forms\/(frm_[\w-]+)/.exec(saved.headers.get("location") ?? "")?.[1];
  if (!formId) throw new Error(`form not saved: ${saved.status}`);
  const keyPage = await (await post("/admin/settings/api-keys", { name: "soak" })).text();
  const apiKey = /id="new-key"[^>]*value="([^"]+)"/.exec(keyPage)?.[1];
  if (!apiKey) throw new Error("could not create an API key");
  return { webinarKey: webinar.webinarKey, webinarId, formId, apiKey, connectorId };
}

/**
 * 30 % of GoTo's registrant calls fail. The simulator's fault schema is strict, so a field it does
 * not know yet (400 "<field>: Invalid key") is dropped and its share goes to errorRate, until the
 * simulator takes the body; without `paths` the faults hit every GoTo call, token refreshes too.
 */
async function setFaults() {
  const total = MIX[0] + MIX[1] + MIX[2];
  const share = (x) => Math.round(((FAULT_RATE * x) / total) * 1000) / 1000;
  const body =
    flags.faults === "errors"
      ? { errorRate: FAULT_RATE }
      : {
          errorRate: share(MIX[0]),
          badAnswerRate: share(MIX[1]),
          ambiguousRate: share(MIX[2]),
          paths: REGISTRANT_PATHS,
        };
  const dropped = [];
  for (;;) {
    try {
      await json("PUT", "/sim/control/faults", body);
      break;
    } catch (error) {
      const field = /"message":"(\w+): Invalid key/.exec(error.message)?.[1];
      if (flags.faults === "full" || error.status !== 400 || !field || !(field in body) || field === "errorRate") {
        throw error;
      }
      if (typeof body[field] === "number") body.errorRate = Math.round((body.errorRate + body[field]) * 1000) / 1000;
      delete body[field];
      dropped.push(field);
    }
  }
  if (dropped.length) say(`the simulator does not know ${dropped.join(", ")} yet: their share went to errorRate`);
  const mode = flags.faults === "errors" ? "errors" : dropped.length === 0 ? "full" : `without ${dropped.join(", ")}`;
  return { mode, ...body };
}

// ---------------------------------------------------------------------------------------------
// The visitors.

const runTag = Date.now().toString(36);
const visitors = Array.from({ length: N }, (_, i) => ({
  i,
  email: `soak-${runTag}-${i}@visitors.example`,
  attempts: 0,
  /**
   * accepted (a 2xx/3xx thank-you), refused (a 4xx: not a case for a retry), retrying (no answer or
   * a 5xx; retried once the runtime is up), failed (no answer after MAX_ATTEMPTS), or left (stored
   * in D1 though its answer was lost, and not retried: --leave-stored).
   */
  outcome: null,
  acceptedAt: null,
  firstFailure: null,
  /** The first attempt failed, yet its submission was in D1 when checked before the retry. */
  storedButAnswerLost: false,
}));
const retryQueue = [];
const MAX_ATTEMPTS = 6;
let inFlight = 0;
let posted = 0;
const counters = { accepted: 0, refused: 0, failedAttempts: 0, retries: 0 };

function ipOf(i) {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

async function submit(v, formId) {
  v.attempts++;
  inFlight++;
  try {
    const res = await call(
      `/f/${formId}`,
      {
        method: "POST",
        body: new URLSearchParams({ email: v.email, firstName: "Soak", lastName: `V${v.i}`, utm_source: "soak" }),
        headers: { ...FORM, "cf-connecting-ip": ipOf(v.i) },
      },
      30_000,
    );
    await res.arrayBuffer();
    if (res.status < 400) {
      v.outcome = "accepted";
      v.acceptedAt = Date.now();
      counters.accepted++;
    } else if (res.status < 500) {
      v.outcome = "refused";
      v.refusedStatus = res.status;
      counters.refused++;
    } else {
      fail(v, `HTTP ${res.status}`);
    }
  } catch (error) {
    fail(v, error.cause?.code ?? error.name ?? String(error));
  } finally {
    inFlight--;
  }
}

function fail(v, reason) {
  counters.failedAttempts++;
  v.firstFailure ??= { reason, at: Date.now() };
  v.lastFailure = reason;
  if (v.attempts < MAX_ATTEMPTS) {
    v.outcome = "retrying";
    retryQueue.push(v);
  } else {
    v.outcome = "failed";
  }
}

/** Before a visitor's retry: is the failed submission already in Rollcall (its answer lost)? */
async function checkStored(v, apiKey) {
  try {
    const res = await call(`/api/v1/prospects?email=${encodeURIComponent(v.email)}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (res.ok) v.storedButAnswerLost = (await res.json()).data.length > 0;
    else await res.arrayBuffer();
  } catch {
    // unknown: counted as not stored
  }
}

// ---------------------------------------------------------------------------------------------
// Progress and the outbox's own view.

async function syncStatus(webinarId) {
  return json("GET", `/sim/sync/webinars/${webinarId}/status`);
}

async function goToRegistrants(webinarKey) {
  const s = await json("GET", `/sim/control/state?webinarKey=${webinarKey}`);
  return s.registrants.filter((r) => r.email.startsWith(`soak-${runTag}-`));
}

// ---------------------------------------------------------------------------------------------
// Main.

say(`state in ${state}, port ${port}; N=${N}, ${KILLS} kills, ${RATE}/s, faults ${flags.faults} ${FAULT_RATE}`);
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", join(state, "persist")], {
  stdio: ["ignore", "ignore", "inherit"],
});
await startRuntime();
say("runtime ready; setting up the connector, the webinar and the form");
const setup = await setUp();
const faults = await setFaults();
say(`form ${setup.formId} → webinar ${setup.webinarId} (GoTo ${setup.webinarKey}); faults ${JSON.stringify(faults)}`);

const kills = []; // { at, readyAt, startedAt, acceptedBefore: Set, firstInGoTo, outboxEmptyAt }
/** A kill waits at least this long after the previous restart was ready, so each recovery is seen. */
const KILL_GAP_MS = 5_000;
const killAfter = Array.from({ length: KILLS }, (_, k) => Math.floor(((k + 1) * N) / (KILLS + 1)));
let monitorStop = false;

/** After a restart: when is the outbox empty again (status polled every 500 ms)? */
async function watchRecovery(kill) {
  for (;;) {
    if (monitorStop) return;
    try {
      const s = await syncStatus(setup.webinarId);
      if (s.outbox.waiting === 0 && kill.outboxEmptyAt === null) {
        kill.outboxEmptyAt = Date.now();
        return;
      }
    } catch {
      // busy or down again
    }
    await sleep(500);
  }
}

async function killAndRestart() {
  // What the simulator holds just before the kill, to see that its state survives the restart.
  const goToBefore = await goToRegistrants(setup.webinarKey).then(
    (list) => list.length,
    () => null,
  );
  const kill = {
    goToBefore,
    goToAfter: null,
    faultsKept: null,
    at: Date.now(),
    acceptedBefore: visitors.filter((v) => v.outcome === "accepted").map((v) => v.email),
    inFlightAtKill: inFlight,
    startedAt: null,
    readyAt: null,
    outboxEmptyAt: null,
  };
  kills.push(kill);
  killRuntime();
  say(`KILL ${kills.length}: SIGKILL to the runtime's process group (${inFlight} posts in flight)`);
  await sleep(DOWN_MS);
  kill.startedAt = Date.now();
  await startRuntime();
  kill.readyAt = Date.now();
  say(
    `restart ${kills.length} ready after ${secs(kill.readyAt - kill.startedAt)} s (down ${secs(kill.readyAt - kill.at)} s)`,
  );
  try {
    const now = await json("GET", "/sim/control/faults");
    kill.faultsKept = Object.entries(faults).every(([k, value]) => typeof value !== "number" || now[k] === value);
    kill.goToAfter = (await goToRegistrants(setup.webinarKey)).length;
    say(
      `the simulator after the restart: ${kill.goToAfter} registrants (${goToBefore} before the kill), faults kept: ${kill.faultsKept}`,
    );
  } catch (error) {
    say(`could not read the simulator after the restart: ${error.message}`);
  }
  void watchRecovery(kill);
  if (PAUSE_MS > 0) {
    say(`holding every post for ${secs(PAUSE_MS)} s: the outbox recovers on its own`);
    await sleep(PAUSE_MS);
  }
}

const progress = setInterval(async () => {
  let outbox = "";
  if (up) {
    try {
      const s = await syncStatus(setup.webinarId);
      outbox = `; outbox waiting ${s.outbox.waiting}, done ${s.outbox.done}, errors ${s.outbox.errors.length}`;
    } catch {
      outbox = "; outbox status: no answer";
    }
  }
  say(
    `posted ${posted}/${N}, accepted ${counters.accepted}, refused ${counters.refused}, to retry ${retryQueue.length}, in flight ${inFlight}${up ? "" : " (runtime DOWN)"}${outbox}`,
  );
}, 5_000);

const postStart = Date.now();
const pending = new Set();
let restarting = null;
let nextAt = Date.now();
while (posted < N || retryQueue.length > 0 || inFlight > 0 || restarting) {
  const sinceReady = Date.now() - (kills.at(-1)?.readyAt ?? 0);
  if (
    posted < N &&
    kills.length < KILLS &&
    posted >= killAfter[kills.length] &&
    !restarting &&
    sinceReady > KILL_GAP_MS
  ) {
    restarting = killAndRestart().finally(() => {
      restarting = null;
    });
  }
  if (Date.now() < nextAt || inFlight >= IN_FLIGHT) {
    await sleep(Math.max(1, Math.min(20, nextAt - Date.now())));
    continue;
  }
  let v = null;
  if (restarting && up && PAUSE_MS > 0) {
    await sleep(50);
    continue;
  }
  if (up && retryQueue.length > 0) {
    v = retryQueue.shift();
    // Refused connections never reached the runtime; anything else may have been stored.
    if (v.attempts === 1 && v.firstFailure?.reason !== "ECONNREFUSED") await checkStored(v, setup.apiKey);
    if (v.storedButAnswerLost && flags["leave-stored"]) {
      v.outcome = "left";
      continue;
    }
    counters.retries++;
  } else if (posted < N) {
    v = visitors[posted++];
  } else {
    await sleep(50);
    continue;
  }
  // Paced without catching up: a slow moment is not followed by a burst.
  nextAt = Math.max(nextAt, Date.now() - 1000 / RATE) + 1000 / RATE;
  const p = submit(v, setup.formId).finally(() => pending.delete(p));
  pending.add(p);
}
await Promise.all(pending);
const postEnd = Date.now();
if (kills.length < KILLS)
  say(`WARNING: only ${kills.length} of ${KILLS} kills happened while posting; lower --rate or raise --n`);
say(`posting done in ${secs(postEnd - postStart)} s: accepted ${counters.accepted}, refused ${counters.refused}`);

// Drain: every accepted registration in GoTo and the outbox empty, or the deadline. Registrations
// left without a retry (--leave-stored) get 120 s more, but their absence is reported, not failed.
const acceptedEmails = visitors.filter((v) => v.outcome === "accepted").map((v) => v.email);
const leftEmails = visitors.filter((v) => v.outcome === "left").map((v) => v.email);
const LEFT_GRACE_MS = 120_000;
let drainedAt = null;
let lastStatus = null;
let drainPolls = 0;
while (Date.now() - postEnd < DRAIN_MS) {
  try {
    lastStatus = await syncStatus(setup.webinarId);
    // The simulator's full state is big at N=10,000: read it when the outbox is empty or twice a minute.
    if (lastStatus.outbox.waiting > 0 && drainPolls++ % 6 !== 0) {
      say(
        `draining: outbox waiting ${lastStatus.outbox.waiting}, done ${lastStatus.outbox.done}${lastStatus.lastError ? `; last sync error ${lastStatus.lastError.at}: ${lastStatus.lastError.message}` : ""}`,
      );
      await sleep(5_000);
      continue;
    }
    const inGoTo = new Set((await goToRegistrants(setup.webinarKey)).map((r) => r.email.toLowerCase()));
    const missing = acceptedEmails.filter((e) => !inGoTo.has(e)).length;
    const leftMissing = leftEmails.filter((e) => !inGoTo.has(e)).length;
    say(
      `draining: ${inGoTo.size} in GoTo, ${missing} accepted not yet${leftEmails.length ? `, ${leftMissing} of ${leftEmails.length} left-stored not yet` : ""}; outbox waiting ${lastStatus.outbox.waiting}`,
    );
    if (
      missing === 0 &&
      lastStatus.outbox.waiting === 0 &&
      (leftMissing === 0 || Date.now() - postEnd > LEFT_GRACE_MS)
    ) {
      drainedAt = Date.now();
      break;
    }
  } catch (error) {
    say(`draining: ${error.message}`);
  }
  await sleep(5_000);
}
monitorStop = true;
clearInterval(progress);

// ---------------------------------------------------------------------------------------------
// Verify: GoTo (the simulator's state) and Rollcall (D1 through the JSON API).

const goTo = await patiently("simulator state", () => goToRegistrants(setup.webinarKey));
const goToCount = new Map();
const receivedAt = new Map();
for (const r of goTo) {
  const e = r.email.toLowerCase();
  goToCount.set(e, (goToCount.get(e) ?? 0) + 1);
  const at = Date.parse(r.registrationDate);
  receivedAt.set(e, Math.min(receivedAt.get(e) ?? at, at));
}
const d1Count = new Map();
let cursor = "";
for (;;) {
  const page = await patiently("registrants API", async () => {
    const res = await call(
      `/api/v1/webinars/${setup.webinarId}/registrants?status=registered&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { headers: { authorization: `Bearer ${setup.apiKey}` } },
    );
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    return res.json();
  });
  for (const r of page.data) {
    if (r.source === "form" && r.email.startsWith(`soak-${runTag}-`))
      d1Count.set(r.email, (d1Count.get(r.email) ?? 0) + 1);
  }
  if (!page.next_cursor) break;
  cursor = page.next_cursor;
}
const finalStatus = await patiently("outbox status", () => syncStatus(setup.webinarId));
await stopRuntime();

const accepted = visitors.filter((v) => v.outcome === "accepted");
const acceptedSet = new Set(accepted.map((v) => v.email));
const missingInGoTo = accepted.filter((v) => !goToCount.has(v.email));
const doubledInGoTo = [...goToCount].filter(([, n]) => n > 1);
const missingInD1 = accepted.filter((v) => !d1Count.has(v.email));
const doubledInD1 = [...d1Count].filter(([, n]) => n > 1);
const inGoToNotAccepted = [...goToCount.keys()].filter((e) => !acceptedSet.has(e));
const inGoToNotInD1 = [...goToCount.keys()].filter((e) => !d1Count.has(e));
const failedOnce = visitors.filter((v) => v.firstFailure);

const killRows = kills.map((k, n) => {
  const after = [...receivedAt.values()].filter((at) => at >= k.readyAt);
  const first = after.length ? Math.min(...after) : null;
  const backlog = k.acceptedBefore.map((e) => receivedAt.get(e)).filter((at) => at !== undefined);
  const lastBacklog = backlog.length ? Math.max(...backlog) : null;
  return {
    kill: n + 1,
    killedAtS: (k.at - postStart) / 1000,
    downS: (k.readyAt - k.at) / 1000,
    restartS: (k.readyAt - k.startedAt) / 1000,
    inFlightAtKill: k.inFlightAtKill,
    firstNewInGoToS: first === null ? null : (first - k.readyAt) / 1000,
    outboxEmptyS: k.outboxEmptyAt === null ? null : (k.outboxEmptyAt - k.readyAt) / 1000,
    backlogAtKill: backlog.filter((at) => at > k.at).length,
    backlogInGoToS: lastBacklog === null ? null : Math.max(0, (lastBacklog - k.readyAt) / 1000),
    backlogMissing: k.acceptedBefore.length - backlog.length,
    simulatorKept:
      k.faultsKept === true && k.goToAfter !== null && k.goToBefore !== null && k.goToAfter >= k.goToBefore,
    goToBefore: k.goToBefore,
    goToAfter: k.goToAfter,
  };
});

const ok =
  missingInGoTo.length === 0 &&
  doubledInGoTo.length === 0 &&
  missingInD1.length === 0 &&
  doubledInD1.length === 0 &&
  inGoToNotInD1.length === 0 &&
  finalStatus.outbox.errors.length === 0 &&
  drainedAt !== null;

function describeFaults(set) {
  const parts = [
    ["errorRate", "500/503"],
    ["badAnswerRate", "bad answers"],
    ["ambiguousRate", "ambiguous"],
  ]
    .filter(([k]) => typeof set[k] === "number")
    .map(([k, what]) => `${what} ${set[k]}`);
  return `${parts.join(", ")} ${set.paths ? `on ${set.paths}` : "on every GoTo call"}`;
}
const f = (x) => (x === null || x === undefined ? "never" : `${x.toFixed(1)} s`);
const lines = [
  "",
  `## Soak: ${N} registrations through the public form, ${KILLS} hard kills, faults ${FAULT_RATE} (${describeFaults(faults)}), GoTo limit ${RATE_LIMIT}/s`,
  "",
  "| figure | value |",
  "|---|---|",
  `| submissions | ${N} at ${RATE}/s, ${IN_FLIGHT} in flight at most |`,
  `| accepted (2xx/3xx thank-you) | ${accepted.length} |`,
  `| of them accepted only on a retry | ${accepted.filter((v) => v.firstFailure).length} (${counters.retries} retries, ${counters.failedAttempts} failed attempts) |`,
  `| refused (4xx) | ${visitors.filter((v) => v.outcome === "refused").length} |`,
  `| never accepted (${MAX_ATTEMPTS} attempts) | ${visitors.filter((v) => v.outcome === "failed").length} |`,
  `| stored but answer lost (first attempt failed, already in D1 before the retry) | ${failedOnce.filter((v) => v.storedButAnswerLost).length}; of them in GoTo at the end ${failedOnce.filter((v) => v.storedButAnswerLost && goToCount.has(v.email)).length} |`,
  `| of those, left without a retry (--leave-stored) | ${leftEmails.length}; in GoTo at the end ${leftEmails.filter((e) => goToCount.has(e)).length} |`,
  `| in GoTo | ${goToCount.size} registrants; ${accepted.length - missingInGoTo.length} of the accepted |`,
  `| accepted missing in GoTo / doubled in GoTo | ${missingInGoTo.length} / ${doubledInGoTo.length} |`,
  `| in GoTo but never accepted | ${inGoToNotAccepted.length} |`,
  `| in Rollcall (D1, registered form registrations) | ${d1Count.size} |`,
  `| accepted missing in Rollcall / doubled in Rollcall | ${missingInD1.length} / ${doubledInD1.length} |`,
  `| in GoTo but not in Rollcall | ${inGoToNotInD1.length} |`,
  `| outbox at the end | waiting ${finalStatus.outbox.waiting}, done ${finalStatus.outbox.done}, refused by GoTo ${finalStatus.outbox.errors.length} |`,
  `| the webinar's last sync error | ${finalStatus.lastError ? `${finalStatus.lastError.at}: ${finalStatus.lastError.message}` : "none"} |`,
  `| posting | ${secs(postEnd - postStart)} s |`,
  `| drain after the last post | ${drainedAt === null ? `not drained within ${secs(DRAIN_MS)} s` : `${secs(drainedAt - postEnd)} s`} |`,
  "",
  "| kill | at (s into posting) | down (s) | restart to ready (s) | posts in flight | accepted, not yet in GoTo at the kill | first new registrant in GoTo after ready | those all in GoTo after ready | outbox empty after ready | simulator state kept (registrants before → after, faults) |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...killRows.map(
    (k) =>
      `| ${k.kill} | ${k.killedAtS.toFixed(1)} | ${k.downS.toFixed(1)} | ${k.restartS.toFixed(1)} | ${k.inFlightAtKill} | ${k.backlogAtKill + k.backlogMissing} | ${f(k.firstNewInGoToS)} | ${k.backlogMissing > 0 ? `${k.backlogMissing} never` : k.backlogAtKill === 0 ? "none waited" : f(k.backlogInGoToS)} | ${f(k.outboxEmptyS)} | ${k.simulatorKept ? "yes" : "NO"} (${k.goToBefore} → ${k.goToAfter}) |`,
  ),
  "",
  ok ? "soak: ok" : "soak: FAILED",
];
console.log(lines.join("\n"));
if (!ok) {
  const sample = (list) => list.slice(0, 5).map((x) => (typeof x === "string" ? x : (x.email ?? x[0])));
  console.log(
    JSON.stringify(
      {
        missingInGoTo: sample(missingInGoTo),
        doubledInGoTo: sample(doubledInGoTo),
        missingInD1: sample(missingInD1),
        doubledInD1: sample(doubledInD1),
        inGoToNotInD1: sample(inGoToNotInD1),
        outboxErrors: finalStatus.outbox.errors.slice(0, 5),
      },
      null,
      2,
    ),
  );
}
mkdirSync(join(root, "test", "bench", "results"), { recursive: true });
writeFileSync(
  join(root, "test", "bench", "results", "soak-latest.json"),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      flags,
      faults,
      ok,
      accepted: accepted.length,
      storedButAnswerLost: failedOnce.filter((v) => v.storedButAnswerLost).length,
      leftStored: leftEmails.length,
      leftStoredInGoTo: leftEmails.filter((e) => goToCount.has(e)).length,
      inGoTo: goToCount.size,
      inRollcall: d1Count.size,
      missingInGoTo: missingInGoTo.length,
      missingInD1: missingInD1.length,
      inGoToNotAccepted: inGoToNotAccepted.length,
      postingS: (postEnd - postStart) / 1000,
      drainS: drainedAt === null ? null : (drainedAt - postEnd) / 1000,
      kills: killRows,
      outbox: { waiting: finalStatus.outbox.waiting, done: finalStatus.outbox.done, errors: finalStatus.outbox.errors },
    },
    null,
    2,
  ),
);
// A failed soak keeps its state (D1, the objects, the runtime's logs) for a look.
if (flags.keep || !ok) say(`state kept in ${state} (runtime logs: runtime-*.log)`);
else rmSync(state, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
