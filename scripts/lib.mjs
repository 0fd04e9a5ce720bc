// Helpers shared by the npm scripts: the project's own paths, running wrangler on the pinned Node,
// and waiting for a local server.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const bin = (name) => join(root, "node_modules", ".bin", name);

/** wrangler without metrics or update checks: this machine has no network beyond the registries. */
export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_NO_UPDATE_CHECK: "true",
  // No network here: no fetch of the `Request.cf` object either.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_UPDATE_NOTIFIER: "1",
};

export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: wranglerEnv,
      ...options,
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? code})`)),
    );
  });
}

/** Parses a .dev.vars / .env file: KEY=value lines, # comments. */
export function readVars(path) {
  const vars = {};
  if (!existsSync(path)) return vars;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

/** Creates .dev.vars from .dev.vars.example when missing, and fills an empty SECRETS_KEY. */
export function ensureDevVars() {
  const path = join(root, ".dev.vars");
  let created = false;
  if (!existsSync(path)) {
    writeFileSync(path, readFileSync(join(root, ".dev.vars.example"), "utf8"));
    created = true;
  }
  const text = readFileSync(path, "utf8");
  if (/^SECRETS_KEY=\s*$/m.test(text)) {
    writeFileSync(path, text.replace(/^SECRETS_KEY=\s*$/m, `SECRETS_KEY=${randomBytes(32).toString("base64")}`));
  }
  return { path, created, vars: readVars(path) };
}

export async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status < 500) return res;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s: ${lastError?.message ?? "no answer"}`);
}
