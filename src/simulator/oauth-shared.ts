/** What the OAuth endpoints share: lifetimes, the registered client, authorize parameters, token issuing, form fields. */

import * as v from "valibot";
import type { SimContext, SimServices } from "./http";
import { newOpaqueToken } from "./storage";

export const CODE_TTL_MS = 5 * 60_000;
export const ACCESS_TTL_S = 3600;
export const REFRESH_TTL_MS = 30 * 24 * 3600_000;
export const DEFAULT_SCOPE = "collab: identity:scim.me";
const DEFAULT_CLIENT = { id: "rollcall-dev-client", secret: "rollcall-dev-secret" };

export function client(sim: SimServices): { id: string; secret: string } {
  return {
    id: sim.env.GOTO_CLIENT_ID || DEFAULT_CLIENT.id,
    secret: sim.env.GOTO_CLIENT_SECRET || DEFAULT_CLIENT.secret,
  };
}

const PkceChallenge = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._~-]{43,128}$/));

export const AuthorizeParams = v.object({
  client_id: v.pipe(v.string(), v.nonEmpty()),
  response_type: v.optional(v.string(), "code"),
  redirect_uri: v.optional(v.string()),
  state: v.optional(v.string()),
  scope: v.optional(v.string()),
  code_challenge: v.optional(PkceChallenge),
  code_challenge_method: v.optional(v.string()),
});
export type AuthorizeParams = v.InferOutput<typeof AuthorizeParams>;

export const AUTHORIZE_KEYS = [
  "client_id",
  "response_type",
  "redirect_uri",
  "state",
  "scope",
  "code_challenge",
  "code_challenge_method",
] as const;

export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return btoa(String.fromCharCode(...array))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function issueToken(
  sim: SimServices,
  kind: "access" | "refresh",
  organizerKey: string,
  clientId: string,
  scope: string,
  code: string | null,
): string {
  const now = sim.now();
  const token = newOpaqueToken(kind);
  sim.sql.exec(
    "INSERT INTO tokens (token, kind, organizer_key, client_id, scope, code, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    token,
    kind,
    organizerKey,
    clientId,
    scope,
    code,
    now + (kind === "access" ? ACCESS_TTL_S * 1000 : REFRESH_TTL_MS),
    now,
  );
  return token;
}

export async function formFields(c: SimContext): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")) return {};
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") out[key] = value;
  return out;
}
