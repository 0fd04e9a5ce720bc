// The Worker's settings that wrangler.toml does not hold: Worker secrets in production, `.dev.vars`
// locally (README, "Settings"). Each is optional and checked where it is used. `wrangler types`
// would read them from a developer's `.dev.vars` as required strings, so `npm run types` reads no
// env file and they are declared here, beside the generated worker-configuration.d.ts.
interface RollcallSettings {
  /** The first admin account, created once when no user exists. */
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
  /** base64 key for AES-GCM encryption of tokens and webhook secrets. */
  SECRETS_KEY?: string;
  /** The OAuth client registered with GoTo. */
  GOTO_CLIENT_ID?: string;
  GOTO_CLIENT_SECRET?: string;
  /** The public origin; when set and https, webhooks are registered with GoTo. */
  PUBLIC_URL?: string;
  /** How long one GoTo call may take, headers and body (ms); 15,000 when unset. */
  GOTO_TIMEOUT_MS?: string;
}

interface Env extends RollcallSettings {}

declare namespace Cloudflare {
  interface Env extends RollcallSettings {}
}
