import type { AppVariables } from "../env";
import type { GoToSimulator } from "../simulator/simulator";

/**
 * The bindings of the development entry (wrangler.dev.toml): production's `Env` plus the
 * GoToWebinar simulator and the GoTo mode. Not ambient, so production code cannot reach them.
 */
export interface DevEnv extends Env {
  GOTO_SIMULATOR: DurableObjectNamespace<GoToSimulator>;
  /** `simulator` puts the GoToWebinar simulator in GoTo's place; anything else is GoTo itself. */
  GOTO_MODE: string;
}

export interface DevAppEnv {
  Bindings: DevEnv;
  Variables: AppVariables;
}

/**
 * The development entry's view of bindings typed as production's (the app's and the Durable
 * Objects' `env`): checked, so a run on the production config fails here rather than later.
 */
export function devEnv(env: Env): DevEnv {
  if (!("GOTO_SIMULATOR" in env)) {
    throw new Error("The development entry runs with wrangler.dev.toml: the GOTO_SIMULATOR binding is missing.");
  }
  return env as DevEnv;
}
