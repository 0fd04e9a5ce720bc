// npm start: everything a newcomer needs, in order: htmx into public/, .dev.vars with a fresh
// SECRETS_KEY, local D1 migrations, then the app in simulator mode, and the URL and login to use.
import { spawn } from "node:child_process";
import { bin, ensureDevVars, root, run, waitForHttp, wranglerEnv } from "./lib.mjs";

const port = Number(process.env.PORT ?? 8787);
const host = "127.0.0.1";

await run(process.execPath, ["scripts/vendor.mjs"]);
const { created, vars } = ensureDevVars();
if (created) console.log("Created .dev.vars from .dev.vars.example (with a new SECRETS_KEY).");
console.log("Applying local D1 migrations…");
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"]);

const dev = spawn(
  bin("wrangler"),
  [
    "dev",
    "--config",
    "wrangler.dev.toml",
    "--ip",
    host,
    "--port",
    String(port),
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
  ],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: wranglerEnv },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

const url = `http://localhost:${port}`;
// The first request also creates the admin account from ADMIN_EMAIL / ADMIN_PASSWORD.
await waitForHttp(`http://${host}:${port}/login`, 90_000);
console.log(`
  Rollcall is running at ${url}  (GoTo mode: ${vars.GOTO_MODE ?? "live"})
  Log in as ${vars.ADMIN_EMAIL ?? "(ADMIN_EMAIL is not set in .dev.vars)"} with password ${vars.ADMIN_PASSWORD ?? "(ADMIN_PASSWORD is not set)"}
  GoToWebinar simulator console: ${url}/sim
  Press Ctrl+C to stop.
`);
