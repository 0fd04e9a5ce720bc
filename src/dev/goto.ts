import { simulatorFetch } from "../simulator/stub-fetch";
import { type GoToLink, LIVE_GOTO } from "../sync/goto-env";
import { devEnv } from "./env";

/**
 * How the development entry reaches GoTo: with GOTO_MODE=simulator, the GoToSimulator Durable
 * Object answers GoTo's real URLs (src/simulator/stub-fetch.ts) and the browser consents on the
 * simulator's page; otherwise GoTo itself, as in production.
 */
export function devGoTo(env: Env): GoToLink {
  const dev = devEnv(env);
  if (dev.GOTO_MODE !== "simulator") return LIVE_GOTO;
  return {
    fetch: simulatorFetch(dev),
    simulator: true,
    authorizeUrl: (requestOrigin) => `${requestOrigin}/sim/oauth/authorize`,
  };
}
