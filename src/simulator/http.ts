import type { Context, Hono } from "hono";
import { goToErrorBody, invalid, type SimError } from "./errors";
import { jsonText, parseLossless } from "./json";
import type { OrganizerRow } from "./model-organizers";

/** What every simulator route can reach: the object's storage, the Worker env and the clock. */
export interface SimServices {
  sql: SqlStorage;
  env: Env;
  now(): number;
  /** The fetch used for webhook callbacks (validation GETs and event posts); injectable for tests. */
  deliveryFetch(): typeof fetch;
  /** Allows or refuses one request of a limiter (an OAuth client or one token) under the current rate limit. */
  allowRequest(limiter: string, limitPerSecond: number): boolean;
}

export interface TokenRow extends Record<string, SqlStorageValue> {
  token: string;
  kind: string;
  organizer_key: string;
  client_id: string;
  scope: string;
  code: string | null;
  expires_at: number;
  revoked_at: number | null;
  uses: number;
  created_at: number;
}

export interface SimEnv {
  Variables: { sim: SimServices; token: TokenRow; organizer: OrganizerRow };
}

export type SimApp = Hono<SimEnv>;
export type SimContext = Context<SimEnv>;

/** GoTo's API-gateway answer to a missing, expired or revoked token: 403, not 401. */
export function invalidTokenResponse(): Response {
  return jsonText({ int_err_code: "InvalidToken", msg: "Invalid token passed" }, 403, {
    "x-amzn-errortype": "UnauthorizedException",
  });
}

export function goToError(error: SimError): Response {
  return jsonText(goToErrorBody(error), error.status);
}

/** The request body as JSON, big integers kept as strings; 400 InvalidRequest when it is not JSON. */
export async function readJsonBody(c: SimContext): Promise<unknown> {
  const text = await c.req.text();
  const parsed = text.trim() === "" ? undefined : parseLossless(text);
  if (parsed === undefined) throw invalid("The request body must be JSON.");
  return parsed;
}

/** A 64-bit key from a path parameter (decimal digits), else 400. */
export function pathKey(c: SimContext, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!/^\d{1,19}$/.test(value)) throw invalid(`${name} must be a numeric key.`);
  return value.replace(/^0+(?=\d)/, "");
}

/** Key given as a JSON number (already a string when big) or a string of digits; null otherwise. */
export function keyOf(value: unknown): string | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === "string" && /^\d{1,19}$/.test(value)) return value;
  return null;
}
