import type { D1Migration } from "cloudflare:test";
import type { DevEnv } from "../src/dev/env";

// The tests run the development entry (wrangler.dev.toml): production's bindings, the simulator's,
// and the test-only ones of vitest.config.ts.
declare global {
  namespace Cloudflare {
    interface Env extends DevEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
