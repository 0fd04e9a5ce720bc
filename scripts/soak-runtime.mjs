// The runtime the soak kills: the development Worker (wrangler.dev.toml: the app with its D1,
// Durable Objects and the GoTo simulator) in wrangler's programmatic dev server, on a fixed port
// and a fixed persisted state directory, so a restart after SIGKILL comes back on the same data.
// Started by scripts/soak.mjs as the leader of its own process group (workerd is a child of this
// process): killing the group kills both, with no cleanup, like a machine losing power. Prints
// `READY <port>` once it answers.
//   SOAK_VARS='{"GOTO_MODE":"simulator",...}' node scripts/soak-runtime.mjs <persist-dir> <port>
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";
import { root } from "./lib.mjs";

const [persist, port] = process.argv.slice(2);
if (!persist || !port) {
  console.error("usage: node scripts/soak-runtime.mjs <persist-dir> <port>");
  process.exit(2);
}

const vars = JSON.parse(process.env.SOAK_VARS ?? "{}");

const worker = await unstable_startWorker({
  config: join(root, "wrangler.dev.toml"),
  envFiles: [],
  dev: {
    server: { hostname: "127.0.0.1", port: Number(port) },
    inspector: false,
    persist,
    logLevel: "error",
    watch: false,
  },
  bindings: Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { type: "plain_text", value }])),
});
await worker.ready;
console.log(`READY ${port}`);

// A gentle stop (the soak's end) disposes; the kills are SIGKILL and never get here.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    worker.dispose().finally(() => process.exit(0));
  });
}
