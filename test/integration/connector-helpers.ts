import { expect } from "vitest";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";

/** Shared by the connector tests: add a connector through the admin UI, verify it through the simulator. */

export async function controlJson<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await call(`/sim/control${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function adminSession(): Promise<Session> {
  return login(ADMIN.email, ADMIN.password);
}

let organizerCount = 0;

export async function newOrganizer(): Promise<{ email: string; organizerKey: string }> {
  const email = `organizer-${++organizerCount}-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const created = await controlJson<{ organizerKey: string }>("POST", "/organizers", {
    email,
    firstName: "Olga",
    lastName: "Organizer",
  });
  return { email, organizerKey: created.organizerKey };
}

export async function addConnector(
  session: Session,
  organizerEmail: string,
  campaign = "GoToWebinar Sync",
): Promise<string> {
  const res = await call("/admin/connectors", {
    method: "POST",
    cookie: session.cookie,
    ...form({ _csrf: session.csrf, organizerEmail, createProspects: "on", campaign }),
  });
  expect(res.status).toBe(303);
  const id = /\/admin\/connectors\/(con_[A-Za-z0-9_-]+)/.exec(res.headers.get("location") ?? "")?.[1];
  if (!id) throw new Error("no connector id in the redirect");
  return id;
}

/** Starts Verify: returns the consent-page URL the browser is sent to and the sealed-state cookie. */
export async function startVerify(session: Session, connectorId: string): Promise<{ authorize: URL; cookie: string }> {
  const res = await call(`/admin/connectors/${connectorId}/verify`, {
    method: "POST",
    cookie: session.cookie,
    ...form({ _csrf: session.csrf }),
  });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get("set-cookie") ?? "";
  expect(setCookie).toMatch(/HttpOnly/i);
  return { authorize: new URL(res.headers.get("location") ?? ""), cookie: setCookie.split(";")[0] ?? "" };
}

/** What the simulator's consent page does when the person picks an organizer and clicks Allow or Deny. */
export async function consent(
  authorize: URL,
  organizerEmail: string,
  decision: "allow" | "deny" = "allow",
): Promise<URL> {
  const body = new URLSearchParams(authorize.searchParams);
  body.set("organizerEmail", organizerEmail);
  body.set("decision", decision);
  const res = await call("/sim/oauth/authorize", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

export async function callback(session: Session, oauthCookie: string, redirect: URL): Promise<Response> {
  return call(`${redirect.pathname}${redirect.search}`, { cookie: `${session.cookie}; ${oauthCookie}` });
}

/** The whole happy path: a verified connector for a new organizer. */
export async function verifiedConnector(
  session: Session,
): Promise<{ connectorId: string; organizer: { email: string; organizerKey: string } }> {
  const organizer = await newOrganizer();
  const connectorId = await addConnector(session, organizer.email);
  const { authorize, cookie } = await startVerify(session, connectorId);
  const redirect = await consent(authorize, organizer.email);
  const res = await callback(session, cookie, redirect);
  expect(res.status).toBe(303);
  return { connectorId, organizer };
}

export async function connectorRow(id: string): Promise<Record<string, unknown> | undefined> {
  return (await rows("SELECT * FROM connectors WHERE id = ?", id))[0];
}

/**
 * Runs the gateway's alarm if it is due, then waits until discovery has finished: right after
 * verification the alarm may already be running on its own, and then there is nothing to run.
 */
export async function discoveryDone(connectorId: string, startedAfter = "", timeoutMs = 60_000): Promise<void> {
  const { runDurableObjectAlarm } = await import("cloudflare:test");
  const { env } = await import("cloudflare:workers");
  const gateway = env.GOTO_GATEWAY.getByName(connectorId);
  await runDurableObjectAlarm(gateway);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const discovery = (await gateway.health()).discovery;
    const phase = discovery?.phase;
    if (phase === "done" && (discovery?.startedAt ?? "") > startedAfter) return;
    if (phase === "failed") throw new Error(`discovery failed: ${JSON.stringify((await gateway.health()).discovery)}`);
    if (Date.now() > deadline) throw new Error(`discovery still ${phase} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
