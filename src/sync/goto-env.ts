import type { Env } from "../env";
import { createGoToOAuth, type GoToOAuth } from "../gotowebinar/oauth";
import { simulatorFetch } from "../simulator/stub-fetch";

export const OAUTH_CALLBACK_PATH = "/oauth/goto/callback";

export function isSimulatorMode(env: Env): boolean {
  return env.GOTO_MODE === "simulator";
}

/**
 * The `fetch` every GoTo call goes through: the global one in live mode, the simulator's Durable
 * Object stub in simulator mode. Same client code and same GoTo URLs either way.
 */
export function gotoFetch(env: Env): typeof fetch {
  return isSimulatorMode(env) ? simulatorFetch(env) : (input, init) => fetch(input, init);
}

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
 * The OAuth client for the connector verification. In live mode the redirect URI is PUBLIC_URL's
 * (it must match what is registered with GoTo); in simulator mode the app's own origin, and the
 * browser goes to the simulator's consent page instead of GoTo's.
 */
export function gotoOAuth(env: Env, requestOrigin: string): GoToOAuth {
  if (!env.GOTO_CLIENT_ID) throw new GoToNotConfiguredError("GOTO_CLIENT_ID");
  if (!env.GOTO_CLIENT_SECRET) throw new GoToNotConfiguredError("GOTO_CLIENT_SECRET");
  const simulator = isSimulatorMode(env);
  const origin = simulator || !env.PUBLIC_URL ? requestOrigin : new URL(env.PUBLIC_URL).origin;
  return createGoToOAuth({
    fetch: gotoFetch(env),
    clientId: env.GOTO_CLIENT_ID,
    clientSecret: env.GOTO_CLIENT_SECRET,
    redirectUri: `${origin}${OAUTH_CALLBACK_PATH}`,
    ...(gotoTimeoutMs(env) === undefined ? {} : { timeoutMs: gotoTimeoutMs(env) }),
    ...(simulator ? { authorizeUrl: `${requestOrigin}/sim/oauth/authorize` } : {}),
  });
}
