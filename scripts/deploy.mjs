// npm run deploy: remote D1 migrations, then `wrangler deploy` in live mode. The simulator's
// control API is open by design, so a deployment never runs in simulator mode: GOTO_MODE is
// forced to "live" here whatever the local settings say.
import { bin, run } from "./lib.mjs";

await run(process.execPath, ["scripts/vendor.mjs"]);
console.log("Applying D1 migrations to the remote database…");
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--remote"]);
console.log("Deploying the Worker (GOTO_MODE=live)…");
await run(bin("wrangler"), ["deploy", "--var", "GOTO_MODE:live"]);
