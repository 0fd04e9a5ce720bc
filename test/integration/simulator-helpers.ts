import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

/** Helpers shared by the simulator contract tests: raw requests, raw JSON text, no GoTo client. */
export const ORIGIN = "http://localhost";
export const CLIENT = { id: "rollcall-dev-client", secret: "rollcall-dev-secret" };
export const REDIRECT = `${ORIGIN}/oauth/goto/callback`;
export const BASIC = `Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`;
export const V2 = "/G2W/rest/v2";

export function sim(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}/sim${path}`, { redirect: "manual", ...init }));
}

export async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return sim(`/control${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function controlJson<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await control(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Empties the simulator and lifts the rate limit so tests are not throttled by accident. */
export async function resetSimulator(rateLimitPerSecond = 100_000): Promise<void> {
  await controlJson("POST", "/reset");
  await controlJson("PUT", "/faults", { rateLimitPerSecond, refreshTokenRotation: "never" });
}

export function tokenRequest(fields: Record<string, string>, authorization: string | null = BASIC): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (authorization) headers.authorization = authorization;
  return sim("/oauth/token", { method: "POST", headers, body: new URLSearchParams(fields) });
}

/** The authorize script form: returns the redirect Location. */
export async function authorize(email: string, extra: Record<string, string> = {}, decision = "allow"): Promise<URL> {
  const res = await sim("/oauth/authorize", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: CLIENT.id,
      response_type: "code",
      redirect_uri: REDIRECT,
      state: "st-123",
      organizerEmail: email,
      decision,
      ...extra,
    }),
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

export interface Connected {
  access: string;
  refresh: string;
  organizerKey: string;
  accountKey: string;
  email: string;
}

let counter = 0;

/** An organizer with a fresh token pair, through the real OAuth flow. */
export async function connect(email = `organizer-${++counter}@example.com`): Promise<Connected> {
  await control("POST", "/organizers", { email, firstName: "Olga", lastName: "Organizer" });
  const location = await authorize(email);
  const code = location.searchParams.get("code") ?? "";
  const res = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, string>;
  return {
    access: body.access_token ?? "",
    refresh: body.refresh_token ?? "",
    organizerKey: body.organizer_key ?? "",
    accountKey: body.account_key ?? "",
    email,
  };
}

export function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  headers.set("accept", "application/json");
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  return sim(path.startsWith("/admin") ? path : `${V2}${path}`, { ...init, headers });
}

export function hours(n: number): number {
  return Date.now() + n * 3600_000;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A webinar made through the control API (past or future), returning its key and session keys. */
export async function makeWebinar(
  organizerEmail: string,
  options: {
    startInHours?: number;
    lengthHours?: number;
    approvalType?: string;
    questions?: unknown[];
    subject?: string;
    times?: { startTime: string; endTime: string }[];
  } = {},
): Promise<{ webinarKey: string; sessions: { sessionKey: string; startTime: string; endTime: string }[] }> {
  const start = hours(options.startInHours ?? 48);
  const end = start + (options.lengthHours ?? 1) * 3600_000;
  return controlJson("POST", "/webinars", {
    organizerEmail,
    subject: options.subject ?? "Product tour",
    times: options.times ?? [{ startTime: iso(start), endTime: iso(end) }],
    timeZone: "Europe/Berlin",
    approvalType: options.approvalType,
    questions: options.questions,
  });
}

/** The digits of `field` in raw JSON text, when it is a bare number (null when quoted or absent). */
export function bareNumber(text: string, field: string): string | null {
  return new RegExp(`"${field}":(\\d+)`).exec(text)?.[1] ?? null;
}

export function quoted(text: string, field: string): string | null {
  return new RegExp(`"${field}":"(\\d+)"`).exec(text)?.[1] ?? null;
}

export { env };
