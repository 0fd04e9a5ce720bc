// Helpers the benchmarks share: the admin login, verified connectors through the simulator's
// OAuth, registrations through /sim/sync (the sync engine's bench surface, simulator mode only).
import { ADMIN, type BenchWorker } from "./harness.ts";

const ORIGIN = "http://localhost";
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export async function jsonOf<T>(res: Response, what: string): Promise<T> {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function post(
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Admin {
  cookie: string;
  csrf: string;
}

export async function login(worker: BenchWorker): Promise<Admin> {
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

export function adminForm(
  worker: BenchWorker,
  admin: Admin,
  path: string,
  fields: Record<string, string>,
): Promise<Response> {
  return worker.fetch(path, {
    method: "POST",
    body: new URLSearchParams({ _csrf: admin.csrf, ...fields }),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie: admin.cookie },
    redirect: "manual",
  });
}

/** A verified connector for a new organizer whose webinars exist first; answers once discovery has found them. */
export async function connectorWith(
  worker: BenchWorker,
  admin: Admin,
  webinarTimes: { startTime: string; endTime: string }[][],
  prepare: (webinarKey: string, organizerEmail: string) => Promise<void>,
): Promise<{ connectorId: string; organizerEmail: string; webinars: { id: string; key: string }[] }> {
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
  return { connectorId, organizerEmail, webinars };
}

export function future(days: number): { startTime: string; endTime: string }[] {
  const start = Date.now() + days * DAY;
  return [{ startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() }];
}

export async function register(worker: BenchWorker, webinarId: string, email: string): Promise<number> {
  const res = await post(worker, `/sim/sync/webinars/${webinarId}/registrations`, {
    email,
    firstName: "Ben",
    lastName: "Ch",
  });
  return (await jsonOf<{ returnedAt: number }>(res, "register")).returnedAt;
}

/** When each of these emails was created in GoTo (the simulator's registration time), once all are there. */
export async function createdInGoTo(
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

/** The GoTo limit the deployment's shared rate budget spends (requests per second). */
export async function budgetLimit(worker: BenchWorker, limit: number): Promise<void> {
  await jsonOf(await post(worker, "/sim/sync/rate-limit", { limit }), "rate limit");
}

/** A GoTo call as the simulator's call log has it (token requests left out). */
export interface SimCall {
  at: number;
  method: string;
  path: string;
  status: number;
  principal: string | null;
}

/** Keeps every GoTo call the simulator logs (its log answers the newest 200, so it is read often). */
export function collectCalls(worker: BenchWorker): { calls: () => SimCall[]; stop: () => Promise<void> } {
  const seen = new Map<string, SimCall>();
  let running = true;
  const read = async (): Promise<void> => {
    const { calls } = await jsonOf<{ calls: (Omit<SimCall, "at"> & { at: string; durationMs: number })[] }>(
      await worker.fetch("/sim/control/calls"),
      "calls",
    );
    for (const c of calls) {
      if (c.path.startsWith("/oauth/")) continue; // token requests are not rate limited
      const key = `${c.at}|${c.method}|${c.path}|${c.status}|${c.principal}|${c.durationMs}`;
      seen.set(key, { at: Date.parse(c.at), method: c.method, path: c.path, status: c.status, principal: c.principal });
    }
  };
  const loop = (async () => {
    while (running) {
      await read();
      await sleep(1_000);
    }
    await read();
  })();
  return {
    calls: () => [...seen.values()].sort((a, b) => a.at - b.at),
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
