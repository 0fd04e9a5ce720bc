// Browser-test harness: a real `wrangler dev` of the development Worker (wrangler.dev.toml: the
// app with the GoToWebinar simulator; fresh local state, simulator mode) and the system Chromium
// driven by playwright-core. Screenshots of every page visited go to test/browser/screenshots/
// (ignored by git) so anyone can look at what the tests saw. What the tests do in the app and in
// the simulator (connect an organizer, Sync now, build a form...) is in steps.ts and simulator.ts.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from "playwright-core";

import { Simulator } from "./simulator.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SCREENSHOTS = join(ROOT, "test", "browser", "screenshots");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

export const ADMIN = { email: "admin@rollcall.test", password: "browser-admin-password" };

export interface RunningApp {
  url: string;
  /** Runs SQL on the app's local D1 (`wrangler d1 execute --local`), for rows no public path writes yet. */
  sql(command: string): Promise<void>;
  stop(): Promise<void>;
}

const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_NO_UPDATE_CHECK: "true",
  NO_UPDATE_NOTIFIER: "1",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs SQL against a running app's local D1 (for rows no GoTo call in the simulator produces yet). */
function runToEnd(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")}: ${output}`))));
  });
}

/**
 * Starts the app the way `npm start` does, on a free port with its own empty state, so tests never
 * touch a developer's local data. Extra vars override the defaults.
 */
export async function startApp(vars: Record<string, string> = {}): Promise<RunningApp> {
  const state = mkdtempSync(join(tmpdir(), "rollcall-browser-"));
  await runToEnd(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const port = await freePort();
  const allVars: Record<string, string> = {
    GOTO_MODE: "simulator",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SECRETS_KEY: "q83vEjkc8Dx6fdyd8Zz7yXgJx0YwTn1Pnq9xRtBSrRk=",
    GOTO_CLIENT_ID: "rollcall-dev-client",
    GOTO_CLIENT_SECRET: "rollcall-dev-secret",
    ...vars,
  };
  const args = [
    "dev",
    "--config",
    "wrangler.dev.toml",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    state,
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
    "--inspector-port",
    String(await freePort()),
    // An empty env file stops wrangler from reading a developer's .dev.vars.
    "--env-file",
    "/dev/null",
    ...Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child: ChildProcess = spawn(WRANGLER, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`wrangler dev did not answer within 90s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    sql: (command) => runToEnd(["d1", "execute", "DB", "--local", "--persist-to", state, "--command", command]),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export function chromiumPath(): string | null {
  for (const candidate of CHROMIUM_CANDIDATES) if (candidate && existsSync(candidate)) return candidate;
  return null;
}

/** The system Chromium, or null outside CI when there is none (the caller skips); in CI a missing browser fails. */
export async function launchBrowser(): Promise<Browser | null> {
  const path = chromiumPath();
  if (!path) {
    if (process.env.CI) throw new Error("Chromium not found (install Debian's chromium: apt-get install -y chromium)");
    return null;
  }
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
}

export interface AppAndBrowser {
  readonly app: RunningApp;
  /** Null outside CI on a machine without Chromium: the tests skip. */
  readonly browser: Browser | null;
  /** The app's GoToWebinar simulator. */
  readonly sim: Simulator;
}

/** Starts Chromium and the app before a file's tests and stops both after them; read them inside a test. */
export function appAndBrowser(vars: Record<string, string> = {}): AppAndBrowser {
  let app: RunningApp | undefined;
  let browser: Browser | null = null;
  let sim: Simulator | undefined;
  before(async () => {
    browser = await launchBrowser();
    app = await startApp(vars);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });
  return {
    get app() {
      if (!app) throw new Error("the app starts before the file's tests: use it inside a test");
      return app;
    },
    get browser() {
      return browser;
    },
    get sim() {
      sim ??= new Simulator(this.app.url);
      return sim;
    },
  };
}

export interface CustomerSite {
  /** Its origin (another port than the app's), once the tests run. */
  readonly url: string;
  /** The HTML it answers every path with, as a test sets it; /thanks answers with the customer's own thank-you. */
  page: string;
}

/** A customer's web site on another origin, up for the file's tests, serving whatever page a test sets. */
export function customerSite(): CustomerSite {
  let server: Server | undefined;
  const site = { url: "", page: "" };
  before(async () => {
    const started = createHttpServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(req.url?.startsWith("/thanks") ? "<h1>Thanks from the customer site</h1>" : site.page);
    });
    server = started;
    await new Promise<void>((resolve) => started.listen(0, "127.0.0.1", resolve));
    site.url = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
  });
  after(() => {
    server?.close();
  });
  return site;
}

/** Saves a full-page screenshot; name it `<test file>-<step number>-<what>` so they sort by flow. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  // caret "initial": hiding the caret makes Playwright inject an inline style, which our CSP blocks.
  await page.screenshot({ path: file, fullPage: true, caret: "initial" });
  return file;
}

/**
 * Collects console errors and CSP violations so a test can assert a page ran cleanly. Statuses a
 * test provokes on purpose (a 401 for a wrong password, a 422 for a form error) can be allowed.
 */
export function watchConsole(page: Page, allowedStatuses: number[] = []): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const status = /responded with a status of (\d{3})/.exec(msg.text())?.[1];
    if (status && allowedStatuses.includes(Number(status))) return;
    problems.push(`${page.url()}: ${msg.text()}`);
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

export async function logIn(page: Page, url: string, email = ADMIN.email, password = ADMIN.password): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/admin/);
}

/** Nothing on the loaded page is wider than the window: long values wrap instead of scrolling it sideways. */
export async function assertNoSidewaysScroll(page: Page, what: string): Promise<void> {
  await page.waitForLoadState("load");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${what}: the page scrolls sideways by ${overflow}px`);
}

export interface AdminPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations of the page (watchConsole). */
  problems: string[];
  /** The main navigation. */
  nav: Locator;
}

/**
 * A new browser context (1280 × 900 unless `options` say otherwise) with a page logged in as the
 * admin and its console watched; `allowedStatuses` as for watchConsole.
 */
export async function openAdmin(
  browser: Browser,
  appUrl: string,
  { allowedStatuses = [], ...options }: BrowserContextOptions & { allowedStatuses?: number[] } = {},
): Promise<AdminPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = watchConsole(page, allowedStatuses);
  await logIn(page, appUrl);
  return { context, page, problems, nav: page.getByRole("navigation", { name: "Main" }) };
}

/**
 * Reloads the page every half second until `ready` holds (discovery, a sync, a job: work the app
 * does in the background); fails naming `what` when it still does not after `tries` reloads.
 */
export async function reloadUntil(page: Page, what: string, ready: () => Promise<boolean>, tries = 60): Promise<void> {
  for (let i = 0; !(await ready()); i++) {
    if (i >= tries) assert.fail(`timed out waiting for ${what}`);
    await page.waitForTimeout(500);
    await page.reload();
  }
}

/** Asks `probe` every half second until it answers something, and answers that; fails naming `what` after `timeoutMs`. */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
