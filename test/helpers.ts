import { env, exports } from "cloudflare:workers";
import { createUser } from "../src/auth/accounts";
import { createDb } from "../src/db/client";
import type { Role } from "../src/env";

export const ORIGIN = "http://localhost";
export const ADMIN = { email: "admin@rollcall.test", password: "test-admin-password-1" };

/** A request to the real Worker entry point, as a browser on our own origin would send it. */
export function call(
  path: string,
  init: RequestInit & { cookie?: string; sameOrigin?: boolean } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("cookie", init.cookie);
  const method = (init.method ?? "GET").toUpperCase();
  if (method !== "GET" && init.sameOrigin !== false && !headers.has("origin")) headers.set("origin", ORIGIN);
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers, redirect: "manual" }));
}

export function form(fields: Record<string, string>): { body: URLSearchParams; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(fields),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Logs in through the login form and returns the session cookie and the page's CSRF token. */
export async function login(email: string, password: string): Promise<Session> {
  const res = await call("/login", { method: "POST", ...form({ email, password, next: "/admin" }) });
  if (res.status !== 303) throw new Error(`login as ${email} failed with ${res.status}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  const page = await (await call("/admin", { cookie })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("no CSRF token on the dashboard");
  return { cookie, csrf };
}

let counter = 0;
export async function makeUser(
  role: Role,
  password = "a-long-test-password",
): Promise<{ id: string; email: string; password: string }> {
  // Make sure the bootstrap admin exists first, as it would on a real first request.
  await call("/login");
  const email = `${role}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const created = await createUser(createDb(env.DB), { email, name: `Test ${role}`, role, password });
  if (!created) throw new Error("could not create test user");
  return { id: created.id, email, password };
}

/** Rows of a table as plain objects, straight from D1. */
export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  const result = await env.DB.prepare(sql)
    .bind(...params)
    .all<T>();
  return result.results;
}
