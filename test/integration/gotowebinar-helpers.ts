import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { createGoToClient, type GoToClient } from "../../src/gotowebinar/client";
import { createGoToOAuth, type GoToOAuth, type GoToTokens } from "../../src/gotowebinar/oauth";
import { simulatorFetch } from "../../src/simulator/stub-fetch";

/**
 * Test helpers for the GoTo client against the real simulator: the control API through the
 * Worker's own entry point, and a token obtained through the simulator's OAuth with our oauth.ts.
 */

export const ORIGIN = "http://localhost";
export const REDIRECT_URI = `${ORIGIN}/oauth/goto/callback`;

/** A request to the simulator (control API, consent form) through the Worker, as a same-origin script. */
export function sim(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if ((init.method ?? "GET").toUpperCase() !== "GET" && !headers.has("origin")) headers.set("origin", ORIGIN);
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers, redirect: "manual" }));
}

/** Calls the control API with a JSON body and returns its JSON answer; fails the test on a non-2xx. */
export async function control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await sim(`/sim/control${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export function oauthFor(): GoToOAuth {
  return createGoToOAuth({
    fetch: simulatorFetch(env),
    clientId: env.GOTO_CLIENT_ID ?? "",
    clientSecret: env.GOTO_CLIENT_SECRET ?? "",
    redirectUri: REDIRECT_URI,
    authorizeUrl: `${ORIGIN}/sim/oauth/authorize`,
  });
}

/** Consents as `organizerEmail` through the simulator's script form; returns the code and state it redirected with. */
export async function consent(
  oauth: GoToOAuth,
  organizerEmail: string,
): Promise<{ code: string; state: string; codeVerifier: string }> {
  const request = oauth.createAuthorizationRequest();
  const res = await sim(`${request.url.pathname}${request.url.search}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ organizerEmail, decision: "allow" }).toString(),
  });
  expect(res.status, await res.clone().text()).toBe(302);
  const location = new URL(res.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect(location.searchParams.get("state")).toBe(request.state);
  const code = location.searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return { code, state: request.state, codeVerifier: request.codeVerifier };
}

export interface Connected {
  organizerKey: string;
  accountKey: string;
  email: string;
  oauth: GoToOAuth;
  tokens: GoToTokens;
  client: GoToClient;
}

let counter = 0;

/** Creates an organizer in the simulator and connects to it as Rollcall will: consent, code exchange, client. */
export async function connectOrganizer(name = "organizer"): Promise<Connected> {
  const email = `${name}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const created = await control<{ organizerKey: string; accountKey: string }>("POST", "/organizers", {
    email,
    firstName: "Grace",
    lastName: "Hopper",
  });
  const oauth = oauthFor();
  const { code, codeVerifier } = await consent(oauth, email);
  const tokens = await oauth.exchangeCode({ code, codeVerifier });
  const client = createGoToClient({ fetch: simulatorFetch(env), accessToken: tokens.accessToken });
  return {
    organizerKey: String(created.organizerKey),
    accountKey: String(created.accountKey),
    email,
    oauth,
    tokens,
    client,
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface SimWebinar {
  webinarKey: string;
}

/** A webinar made on GoTo's side (control API), `startInMs` from now (negative for a past one), one hour long. */
export async function makeWebinar(
  organizerEmail: string,
  startInMs: number,
  extra: Record<string, unknown> = {},
): Promise<SimWebinar> {
  const start = Date.now() + startInMs;
  const webinar = await control<SimWebinar>("POST", "/webinars", {
    organizerEmail,
    subject: `Webinar ${crypto.randomUUID().slice(0, 6)}`,
    times: [{ startTime: iso(start), endTime: iso(start + HOUR) }],
    timeZone: "Europe/Berlin",
    ...extra,
  });
  return { ...webinar, webinarKey: String(webinar.webinarKey) };
}

/** Sets the simulator's fault injection; `rateLimitPerSecond` high by default so only the rate-limit test meets 429s. */
export function faults(settings: Record<string, unknown>): Promise<unknown> {
  return control("PUT", "/faults", settings);
}

export const NO_FAULTS = {
  errorRate: 0,
  latencyMs: 0,
  rateLimitPerSecond: 10_000,
  badAnswerRate: 0,
  badAnswerKinds: ["htmlErrorPage", "htmlOk", "truncated", "empty", "wrongFields"],
  ambiguousRate: 0,
  ambiguousKinds: ["error500", "hang"],
  slowBodyMs: 0,
  paths: null,
};
