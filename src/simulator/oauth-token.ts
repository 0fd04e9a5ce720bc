/** The token endpoint /oauth/token: HTTP Basic client auth, the authorization_code (PKCE) and refresh_token grants. */

import type { SimApp, TokenRow } from "./http";
import { jsonText } from "./json";
import { type OrganizerRow, organizerByKey } from "./model-organizers";
import { ACCESS_TTL_S, base64url, client, formFields, issueToken } from "./oauth-shared";
import { ROTATE_EVERY_NTH_REFRESH, readSettings } from "./settings";
import { one } from "./storage";

function oauthError(error: string, description: string, status: 400 | 401 = 400): Response {
  const headers: Record<string, string> = { "cache-control": "no-store", pragma: "no-cache" };
  if (status === 401) headers["www-authenticate"] = 'Basic realm="oauth"';
  return jsonText({ error, error_description: description }, status, headers);
}

function tokenResponse(organizer: OrganizerRow, fields: { access: string; refresh?: string; scope: string }): Response {
  return jsonText(
    {
      access_token: fields.access,
      token_type: "Bearer",
      refresh_token: fields.refresh,
      expires_in: ACCESS_TTL_S,
      scope: fields.scope,
      principal: organizer.email,
      organizer_key: organizer.organizer_key,
      account_key: organizer.account_key,
    },
    200,
    { "cache-control": "no-store", pragma: "no-cache" },
  );
}

function basicClient(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  let decoded: string;
  try {
    decoded = atob(match[1]);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
}

async function pkceMatches(method: string | null, challenge: string, verifier: string | undefined): Promise<boolean> {
  if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  if (method === "S256") {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    return base64url(digest) === challenge;
  }
  return verifier === challenge;
}

interface CodeRow extends Record<string, SqlStorageValue> {
  code: string;
  organizer_key: string;
  client_id: string;
  redirect_uri: string | null;
  code_challenge: string | null;
  code_challenge_method: string | null;
  scope: string;
  expires_at: number;
  used_at: number | null;
}

export function mountToken(app: SimApp): void {
  app.post("/oauth/token", async (c) => {
    const sim = c.get("sim");
    const credentials = basicClient(c.req.header("authorization"));
    const expected = client(sim);
    if (!credentials) return oauthError("invalid_client", "Client authentication with HTTP Basic is required.", 401);
    if (credentials.id !== expected.id || credentials.secret !== expected.secret) {
      return oauthError("invalid_client", "client not found", 401);
    }
    const form = await formFields(c);
    const now = sim.now();
    if (form.grant_type === "authorization_code") {
      if (!form.code) return oauthError("invalid_request", "code is required.");
      const row = one<CodeRow>(sim.sql, "SELECT * FROM auth_codes WHERE code = ?", form.code);
      if (!row || row.client_id !== credentials.id)
        return oauthError("invalid_grant", "The authorization code is invalid.");
      if (row.used_at !== null) {
        // RFC 6749 §4.1.2: a reused code revokes what it issued.
        sim.sql.exec("UPDATE tokens SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL", now, row.code);
        return oauthError("invalid_grant", "The authorization code has already been used.");
      }
      sim.sql.exec("UPDATE auth_codes SET used_at = ? WHERE code = ?", now, row.code);
      if (row.expires_at <= now) return oauthError("invalid_grant", "The authorization code has expired.");
      if (row.redirect_uri !== null && form.redirect_uri !== row.redirect_uri) {
        return oauthError("invalid_grant", "redirect_uri does not match the authorization request.");
      }
      if (
        row.code_challenge !== null &&
        !(await pkceMatches(row.code_challenge_method, row.code_challenge, form.code_verifier))
      ) {
        return oauthError("invalid_grant", "code_verifier does not match the code_challenge.");
      }
      const organizer = organizerByKey(sim.sql, row.organizer_key);
      if (!organizer) return oauthError("invalid_grant", "The organizer no longer exists.");
      const access = issueToken(sim, "access", organizer.organizer_key, credentials.id, row.scope, row.code);
      const refresh = issueToken(sim, "refresh", organizer.organizer_key, credentials.id, row.scope, row.code);
      return tokenResponse(organizer, { access, refresh, scope: row.scope });
    }
    if (form.grant_type === "refresh_token") {
      if (!form.refresh_token) return oauthError("invalid_request", "refresh_token is required.");
      const row = one<TokenRow>(
        sim.sql,
        "SELECT * FROM tokens WHERE token = ? AND kind = 'refresh'",
        form.refresh_token,
      );
      if (!row || row.client_id !== credentials.id || row.revoked_at !== null || row.expires_at <= now) {
        return oauthError("invalid_grant", "The refresh token is invalid, expired or revoked.");
      }
      const organizer = organizerByKey(sim.sql, row.organizer_key);
      if (!organizer) return oauthError("invalid_grant", "The organizer no longer exists.");
      const uses = row.uses + 1;
      sim.sql.exec("UPDATE tokens SET uses = ? WHERE token = ?", uses, row.token);
      const rotation = readSettings(sim.sql).refreshTokenRotation;
      const rotate = rotation === "always" || (rotation === "sometimes" && uses >= ROTATE_EVERY_NTH_REFRESH);
      const access = issueToken(sim, "access", organizer.organizer_key, credentials.id, row.scope, row.code);
      let refresh: string | undefined;
      if (rotate) {
        sim.sql.exec("UPDATE tokens SET revoked_at = ? WHERE token = ?", now, row.token);
        refresh = issueToken(sim, "refresh", organizer.organizer_key, credentials.id, row.scope, row.code);
      }
      return tokenResponse(organizer, { access, refresh, scope: row.scope });
    }
    if (!form.grant_type) return oauthError("invalid_request", "grant_type is required.");
    return oauthError("unsupported_grant_type", `grant_type ${form.grant_type} is not supported.`);
  });
}
