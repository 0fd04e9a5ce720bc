import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from "arctic";
import { GOTO_AUTHORIZE_URL, GOTO_DEFAULT_TIMEOUT_MS, GOTO_SCOPES, GOTO_TOKEN_URL } from "./constants";
import { GoToError, oauthErrorFromAnswer } from "./errors";
import { type FetchFn, readAnswer, transportError, underDeadline, validate } from "./request";
import { type GoToTokenResponse, TokenResponseSchema } from "./schemas";

/**
 * GoTo OAuth (authorization code with PKCE S256, refresh). arctic builds the authorization URL,
 * state and verifier; the token calls are ours because arctic's use the global `fetch`, which
 * cannot reach the simulator's Durable Object. Ours take the injected `fetch`, so production and
 * simulator mode run the same code against the same URLs.
 */
export interface GoToOAuthOptions {
  fetch: FetchFn;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Where the browser is sent; in simulator mode the app's own `/sim/oauth/authorize`. */
  authorizeUrl?: string;
  /** Reached through `fetch`; stays GoTo's URL in simulator mode (the stub reroutes it). */
  tokenUrl?: string;
  timeoutMs?: number;
  scopes?: readonly string[];
}

export interface GoToAuthorizationRequest {
  /** Send the browser here. */
  url: URL;
  /** Keep both (short-lived HttpOnly cookie) to check the callback's `state` and to exchange the code. */
  state: string;
  codeVerifier: string;
}

export interface GoToTokens extends GoToTokenResponse {
  /** When the access token expires, from `expires_in` and the time the answer arrived. */
  expiresAt: Date;
}

export interface GoToOAuth {
  createAuthorizationRequest(): GoToAuthorizationRequest;
  /** Throws {@link GoToInvalidGrantError} for an unknown, expired or reused code or a wrong verifier. */
  exchangeCode(args: { code: string; codeVerifier: string | null }): Promise<GoToTokens>;
  /**
   * Throws {@link GoToInvalidGrantError} when the refresh token is no longer accepted (the
   * connector needs re-verification). `refreshToken` in the answer is usually `null`: keep the old one.
   */
  refresh(refreshToken: string): Promise<GoToTokens>;
}

function basicCredentials(clientId: string, clientSecret: string): string {
  const bytes = new TextEncoder().encode(`${clientId}:${clientSecret}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function createGoToOAuth(options: GoToOAuthOptions): GoToOAuth {
  const tokenUrl = options.tokenUrl ?? GOTO_TOKEN_URL;
  const timeoutMs = options.timeoutMs ?? GOTO_DEFAULT_TIMEOUT_MS;
  const arctic = new OAuth2Client(options.clientId, options.clientSecret, options.redirectUri);

  async function tokenRequest(params: Record<string, string>, context: string): Promise<GoToTokens> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await underDeadline(
        options.fetch(tokenUrl, {
          method: "POST",
          headers: {
            authorization: `Basic ${basicCredentials(options.clientId, options.clientSecret)}`,
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
          },
          body: new URLSearchParams(params).toString(),
          signal,
        }),
        signal,
      );
      const answer = await readAnswer(response, signal, context);
      if (!response.ok) throw oauthErrorFromAnswer(answer, context);
      const tokens = validate(TokenResponseSchema, answer, response.status, context);
      return { ...tokens, expiresAt: new Date(Date.now() + tokens.expiresIn * 1000) };
    } catch (error) {
      const typed = transportError(error, signal, timeoutMs, context);
      if (typed instanceof GoToError && typed.call === null) typed.call = context;
      throw typed;
    }
  }

  return {
    createAuthorizationRequest() {
      const state = generateState();
      const codeVerifier = generateCodeVerifier();
      const url = arctic.createAuthorizationURLWithPKCE(
        options.authorizeUrl ?? GOTO_AUTHORIZE_URL,
        state,
        CodeChallengeMethod.S256,
        codeVerifier,
        [...(options.scopes ?? GOTO_SCOPES)],
      );
      return { url, state, codeVerifier };
    },

    exchangeCode({ code, codeVerifier }) {
      const params: Record<string, string> = {
        grant_type: "authorization_code",
        code,
        // GoTo wants it identical to the one on the authorize request.
        redirect_uri: options.redirectUri,
      };
      if (codeVerifier !== null) params.code_verifier = codeVerifier;
      return tokenRequest(params, "exchange authorization code");
    },

    refresh(refreshToken) {
      return tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }, "refresh access token");
    },
  };
}
