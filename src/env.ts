import type { JobRunner } from "./services/job-runner";
import type { GoToSimulator } from "./simulator/simulator";
import type { GoToGateway } from "./sync/gateway";
import type { GoToRateBudget } from "./sync/rate-budget";
import type { WebinarSync } from "./sync/webinar-sync";

/** The Worker's bindings: wrangler.toml vars and bindings plus the secrets of `.dev.vars`. */
export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  GOTO_GATEWAY: DurableObjectNamespace<GoToGateway>;
  GOTO_RATE_BUDGET: DurableObjectNamespace<GoToRateBudget>;
  WEBINAR_SYNC: DurableObjectNamespace<WebinarSync>;
  GOTO_SIMULATOR: DurableObjectNamespace<GoToSimulator>;
  /** Runs the `jobs` table's long work in bounded steps (src/services/job-runner.ts). */
  JOB_RUNNER: DurableObjectNamespace<JobRunner>;
  /** Posts per form and client IP on the public forms (wrangler.toml: 20 a minute). */
  FORM_LIMITER: RateLimit;
  GOTO_MODE: string;
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
  SECRETS_KEY?: string;
  GOTO_CLIENT_ID?: string;
  GOTO_CLIENT_SECRET?: string;
  PUBLIC_URL?: string;
  /** How long one GoTo call may take, headers and body (ms); 15,000 when unset. */
  GOTO_TIMEOUT_MS?: string;
}

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
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

declare global {
  namespace Cloudflare {
    /** Types `exports` from "cloudflare:workers" (the Worker's own entry, reachable without network). */
    interface GlobalProps {
      mainModule: typeof import("./index");
    }
  }
}
