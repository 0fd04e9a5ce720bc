/** /oauth/authorize: checks the request, shows the consent page, and answers with a code (or a token, implicit flow). */

import * as v from "valibot";
import type { SimApp, SimContext } from "./http";
import { createOrganizer, listOrganizers } from "./model-organizers";
import { ConsentPage, ErrorCard } from "./oauth-consent";
import {
  ACCESS_TTL_S,
  AuthorizeParams,
  base64url,
  CODE_TTL_MS,
  client,
  DEFAULT_SCOPE,
  formFields,
  issueToken,
} from "./oauth-shared";

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

export function mountAuthorize(app: SimApp): void {
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
}
