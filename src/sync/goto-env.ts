import { createGoToOAuth, type GoToOAuth } from "../gotowebinar/oauth";

export const OAUTH_CALLBACK_PATH = "/oauth/goto/callback";

/**
 * How this Worker reaches GoTo. The production entry (src/index.ts) always reaches GoTo itself,
 * `LIVE_GOTO`; the development entry (src/dev/) can put the GoToWebinar simulator in GoTo's place
 * (GOTO_MODE=simulator). The GoTo client code and the GoTo URLs are the same either way: only the
 * `fetch` differs. The app hands it to routes as the context variable `goto`; GoToGateway asks its
 * own `goto()`.
 */
export interface GoToLink {
  /** The `fetch` every GoTo call goes through. */
  fetch: typeof fetch;
  /**
   * GoTo is the local simulator: the OAuth redirect and the webhook callbacks use the app's own
   * origin (the simulator reaches a local app directly), not PUBLIC_URL's.
   */
  simulator: boolean;
  /** The consent page the browser is sent to, when it is not GoTo's own. */
  authorizeUrl?: (requestOrigin: string) => string;
}

/** GoTo itself, through the global `fetch`. */
export const LIVE_GOTO: GoToLink = { fetch: (input, init) => fetch(input, init), simulator: false };

/**
 * How long one GoTo call may take, headers and the whole body: `GOTO_TIMEOUT_MS` (1,000 to
 * 60,000), else the client's default of 15 s.
 */
export function gotoTimeoutMs(env: Env): number | undefined {
  const ms = Number(env.GOTO_TIMEOUT_MS ?? "");
  return Number.isInteger(ms) && ms >= 1000 && ms <= 60_000 ? ms : undefined;
}

export class GoToNotConfiguredError extends Error {
  constructor(what: string) {
    super(`${what} is not set, so Rollcall cannot talk to GoTo. Set it as a Worker secret (see the README).`);
    this.name = "GoToNotConfiguredError";
  }
}

/**
 * The OAuth client for the connector verification. Live, the redirect URI is PUBLIC_URL's (it
 * must match what is registered with GoTo); with the simulator, the app's own origin, and the
 * browser goes to the simulator's consent page instead of GoTo's.
 */
export function gotoOAuth(env: Env, goto: GoToLink, requestOrigin: string): GoToOAuth {
  if (!env.GOTO_CLIENT_ID) throw new GoToNotConfiguredError("GOTO_CLIENT_ID");
  if (!env.GOTO_CLIENT_SECRET) throw new GoToNotConfiguredError("GOTO_CLIENT_SECRET");
  const origin = goto.simulator || !env.PUBLIC_URL ? requestOrigin : new URL(env.PUBLIC_URL).origin;
  return createGoToOAuth({
    fetch: goto.fetch,
    clientId: env.GOTO_CLIENT_ID,
    clientSecret: env.GOTO_CLIENT_SECRET,
    redirectUri: `${origin}${OAUTH_CALLBACK_PATH}`,
    ...(gotoTimeoutMs(env) === undefined ? {} : { timeoutMs: gotoTimeoutMs(env) }),
    ...(goto.authorizeUrl ? { authorizeUrl: goto.authorizeUrl(requestOrigin) } : {}),
  });
}
