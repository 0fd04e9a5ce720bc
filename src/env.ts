import type { GoToLink } from "./sync/goto-env";

// The Worker's bindings are the global `Env`: generated from wrangler.toml by `npm run types` into
// worker-configuration.d.ts, with the settings of `.dev.vars` and the Worker secrets in
// worker-settings.d.ts. This module keeps only the app's own types.

export type Role = "admin" | "marketer";

/** The signed-in user as routes see it. */
export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** What middleware puts on the Hono context. */
export interface AppVariables {
  requestId: string;
  user: CurrentUser | null;
  sessionId: string | null;
  csrfToken: string | null;
  /** How this request reaches GoTo (GoTo itself, or the simulator in the development entry). */
  goto: GoToLink;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
