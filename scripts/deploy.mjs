// npm run deploy: remote D1 migrations, then `wrangler deploy` of the production Worker
// (wrangler.toml, entry src/index.ts). Its bundle holds no GoToWebinar simulator and no simulator
// binding, and it always talks to GoTo itself: the simulator is in the development Worker only
// (wrangler.dev.toml), whose control API is open by design and which is never deployed.
import { bin, run } from "./lib.mjs";

await run(process.execPath, ["scripts/vendor.mjs"]);
console.log("Applying D1 migrations to the remote database…");
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--remote", "--config", "wrangler.toml"]);
console.log("Deploying the Worker…");
await run(bin("wrangler"), ["deploy", "--config", "wrangler.toml"]);
