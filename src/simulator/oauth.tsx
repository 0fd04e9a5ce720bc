import type { Child } from "hono/jsx";
import * as v from "valibot";
import { Document } from "../views/layout";
import type { SimApp, SimContext, SimServices, TokenRow } from "./http";
import { jsonText } from "./json";
import { createOrganizer, listOrganizers, type OrganizerRow, organizerByEmail, organizerByKey } from "./model";
import { ROTATE_EVERY_NTH_REFRESH, readSettings } from "./settings";
import { newOpaqueToken, one } from "./storage";

/**
 * GoTo's OAuth server: the consent page and its script form at /oauth/authorize, the token
 * endpoint with HTTP Basic client authentication, and /admin/rest/v1/me (in rest.ts).
 */
export const CODE_TTL_MS = 5 * 60_000;
export const ACCESS_TTL_S = 3600;
export const REFRESH_TTL_MS = 30 * 24 * 3600_000;
export const DEFAULT_SCOPE = "collab: identity:scim.me";
const DEFAULT_CLIENT = { id: "rollcall-dev-client", secret: "rollcall-dev-secret" };

function client(sim: SimServices): { id: string; secret: string } {
  return {
    id: sim.env.GOTO_CLIENT_ID || DEFAULT_CLIENT.id,
    secret: sim.env.GOTO_CLIENT_SECRET || DEFAULT_CLIENT.secret,
  };
}

const PkceChallenge = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._~-]{43,128}$/));

const AuthorizeParams = v.object({
  client_id: v.pipe(v.string(), v.nonEmpty()),
  response_type: v.optional(v.string(), "code"),
  redirect_uri: v.optional(v.string()),
  state: v.optional(v.string()),
  scope: v.optional(v.string()),
  code_challenge: v.optional(PkceChallenge),
  code_challenge_method: v.optional(v.string()),
});
type AuthorizeParams = v.InferOutput<typeof AuthorizeParams>;

const AUTHORIZE_KEYS = [
  "client_id",
  "response_type",
  "redirect_uri",
  "state",
  "scope",
  "code_challenge",
  "code_challenge_method",
] as const;

/** Redirect URIs on the app's own origin (or PUBLIC_URL's) are registered for the dev client. */
function redirectAllowed(c: SimContext, redirectUri: string): boolean {
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return false;
  }
  const origins = new Set([new URL(c.req.url).origin]);
  const publicUrl = c.get("sim").env.PUBLIC_URL;
  if (publicUrl) {
    try {
      origins.add(new URL(publicUrl).origin);
    } catch {
      // an unparsable PUBLIC_URL registers nothing
    }
  }
  return origins.has(target.origin) && !target.hash;
}

function redirectWith(uri: string, params: Record<string, string | undefined>, fragment = false): Response {
  const url = new URL(uri);
  const search = fragment ? new URLSearchParams() : url.searchParams;
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  if (fragment) url.hash = search.toString();
  return new Response(null, { status: 302, headers: { location: url.toString(), "cache-control": "no-store" } });
}

function ErrorCard(props: { title: string; message: string }): Child {
  return (
    <Document title="GoTo sign-in (simulator)" bodyClass="auth">
      <main class="auth-card" id="main">
        <p class="sim-tag">GoToWebinar simulator</p>
        <h1>{props.title}</h1>
        <p>{props.message}</p>
      </main>
    </Document>
  );
}

type Checked =
  | { ok: true; params: AuthorizeParams; redirectUri: string; explicitRedirect: boolean }
  | { ok: false; response: Response };

/** Client and redirect URI errors are shown, never redirected (RFC 6749 §4.1.2.1); the rest redirect. */
function checkAuthorize(c: SimContext, raw: Record<string, unknown>): Checked {
  const sim = c.get("sim");
  const parsed = v.safeParse(AuthorizeParams, raw);
  const clientId = typeof raw.client_id === "string" ? raw.client_id : "";
  if (clientId !== client(sim).id) {
    return {
      ok: false,
      response: c.html(
        ErrorCard({ title: "Unknown application", message: "client_id is not a registered OAuth client." }) as string,
        400,
      ),
    };
  }
  const redirectUri =
    typeof raw.redirect_uri === "string" && raw.redirect_uri !== ""
      ? raw.redirect_uri
      : `${new URL(c.req.url).origin}/oauth/goto/callback`;
  if (!redirectAllowed(c, redirectUri)) {
    return {
      ok: false,
      response: c.html(
        ErrorCard({
          title: "Redirect not allowed",
          message: "redirect_uri is not registered for this client.",
        }) as string,
        400,
      ),
    };
  }
  const state = typeof raw.state === "string" ? raw.state : undefined;
  if (!parsed.success) {
    return {
      ok: false,
      response: redirectWith(redirectUri, {
        error: "invalid_request",
        error_description: "Malformed authorization request.",
        state,
      }),
    };
  }
  const params = parsed.output;
  if (params.response_type !== "code" && params.response_type !== "token") {
    return { ok: false, response: redirectWith(redirectUri, { error: "unsupported_response_type", state }) };
  }
  const method = params.code_challenge_method;
  if ((method !== undefined && method !== "S256" && method !== "plain") || (method && !params.code_challenge)) {
    return {
      ok: false,
      response: redirectWith(redirectUri, {
        error: "invalid_request",
        error_description: "Unsupported code_challenge_method.",
        state,
      }),
    };
  }
  return {
    ok: true,
    params,
    redirectUri,
    explicitRedirect: typeof raw.redirect_uri === "string" && raw.redirect_uri !== "",
  };
}

function ConsentPage(props: { params: AuthorizeParams; organizers: OrganizerRow[]; error?: string }): Child {
  const { params } = props;
  return (
    <Document title="Allow access (simulator)" bodyClass="auth">
      <main class="auth-card sim-consent" id="main">
        <p class="sim-tag">GoToWebinar simulator</p>
        <h1>Allow Rollcall to use your GoToWebinar account?</h1>
        <p class="muted">
          Rollcall asks for <code>{params.scope ?? DEFAULT_SCOPE}</code>. Pick the organizer to sign in as, or create
          one.
        </p>
        {props.error && (
          <div class="flash flash-error" role="alert">
            {props.error}
          </div>
        )}
        <form method="post" action="/sim/oauth/authorize" class="stack">
          {AUTHORIZE_KEYS.map((key) =>
            params[key] === undefined ? null : <input type="hidden" name={key} value={params[key]} />,
          )}
          <div class="field">
            <label for="organizerEmail">Organizer</label>
            <select id="organizerEmail" name="organizerEmail">
              {props.organizers.map((o) => (
                <option value={o.email}>{`${o.first_name} ${o.last_name} <${o.email}>`}</option>
              ))}
              <option value="">New organizer…</option>
            </select>
          </div>
          <fieldset class="sim-fieldset">
            <legend>New organizer</legend>
            <div class="field">
              <label for="newEmail">Email</label>
              <input id="newEmail" name="newEmail" type="email" autocomplete="off" />
            </div>
            <div class="field">
              <label for="firstName">First name</label>
              <input id="firstName" name="firstName" type="text" />
            </div>
            <div class="field">
              <label for="lastName">Last name</label>
              <input id="lastName" name="lastName" type="text" />
            </div>
          </fieldset>
          <div class="form-actions">
            <button type="submit" name="decision" value="allow" class="button primary">
              Allow
            </button>
            <button type="submit" name="decision" value="deny" class="button">
              Deny
            </button>
          </div>
        </form>
      </main>
    </Document>
  );
}

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return btoa(String.fromCharCode(...array))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function issueToken(
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

async function formFields(c: SimContext): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")) return {};
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") out[key] = value;
  return out;
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

export function mountOAuth(app: SimApp): void {
  app.get("/oauth/authorize", (c) => {
    const checked = checkAuthorize(c, c.req.query());
    if (!checked.ok) return checked.response;
    return c.html(ConsentPage({ params: checked.params, organizers: listOrganizers(c.get("sim").sql) }) as string);
  });

  app.post("/oauth/authorize", async (c) => {
    const sim = c.get("sim");
    const raw: Record<string, string> = { ...c.req.query(), ...(await formFields(c)) };
    const checked = checkAuthorize(c, raw);
    if (!checked.ok) return checked.response;
    const { params, redirectUri } = checked;
    const fragment = params.response_type === "token";
    if (raw.decision !== "allow") {
      return redirectWith(
        redirectUri,
        { error: "access_denied", error_description: "The user denied access.", state: params.state },
        fragment,
      );
    }
    const email = (raw.organizerEmail || raw.newEmail || "").trim();
    const emailOk = v.safeParse(v.pipe(v.string(), v.email(), v.maxLength(254)), email).success;
    if (!emailOk) {
      return c.html(
        ConsentPage({
          params,
          organizers: listOrganizers(sim.sql),
          error: "Pick an organizer, or enter the email of a new one.",
        }) as string,
        422,
      );
    }
    const local = email.split("@")[0] ?? "organizer";
    const { organizer } = createOrganizer(
      sim.sql,
      { email, firstName: raw.firstName?.trim() || local, lastName: raw.lastName?.trim() || "Organizer" },
      sim.now(),
    );
    const scope = params.scope?.trim() || DEFAULT_SCOPE;
    if (fragment) {
      const access = issueToken(sim, "access", organizer.organizer_key, params.client_id, scope, null);
      return redirectWith(
        redirectUri,
        {
          access_token: access,
          token_type: "Bearer",
          expires_in: String(ACCESS_TTL_S),
          principal: organizer.email,
          scope,
          state: params.state,
        },
        true,
      );
    }
    const code = base64url(crypto.getRandomValues(new Uint8Array(24)));
    sim.sql.exec(
      `INSERT INTO auth_codes (code, organizer_key, client_id, redirect_uri, code_challenge, code_challenge_method, scope, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      code,
      organizer.organizer_key,
      params.client_id,
      checked.explicitRedirect ? redirectUri : null,
      params.code_challenge ?? null,
      params.code_challenge ? (params.code_challenge_method ?? "plain") : null,
      scope,
      sim.now() + CODE_TTL_MS,
    );
    return redirectWith(redirectUri, { code, state: params.state });
  });

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

/** The organizer of a valid access token, or null (missing, unknown, expired or revoked). */
export function tokenOwner(
  sim: SimServices,
  authorization: string | undefined,
): { token: TokenRow; organizer: OrganizerRow } | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) return null;
  const token = one<TokenRow>(sim.sql, "SELECT * FROM tokens WHERE token = ? AND kind = 'access'", match[1]);
  if (!token || token.revoked_at !== null || token.expires_at <= sim.now()) return null;
  const organizer = organizerByKey(sim.sql, token.organizer_key);
  return organizer ? { token, organizer } : null;
}

export { organizerByEmail };
