import { Hono } from "hono";
import { mountConsole } from "./console/routes";
import { mountControl } from "./control";
import { mountEngagementControl } from "./control-engagement";
import { SimError } from "./errors";
import {
  ambiguousAnswer,
  badAnswer,
  chance,
  htmlErrorPage,
  injectedFailure,
  pathMatches,
  pick,
  trickle,
} from "./faults";
import { goToError, invalidTokenResponse, type SimApp, type SimEnv, type SimServices } from "./http";
import { JsonInt, jsonText } from "./json";
import { mountOAuth, tokenOwner } from "./oauth";
import { mountRegistrants } from "./registrants";
import { mountRest } from "./rest";
import { readSettings } from "./settings";
import { newIncident } from "./storage";
import { mountWebhooks } from "./webhooks-api";

/** How many API calls the log keeps. */
const CALL_LOG_KEEP = 1000;

/** Paths GoTo itself serves (as opposed to the control API and the console). */
function isGoToPath(path: string): boolean {
  return path.startsWith("/sim/oauth/token") || path.startsWith("/sim/admin/") || path.startsWith("/sim/G2W/");
}

function needsToken(path: string): boolean {
  return path.startsWith("/sim/admin/") || path.startsWith("/sim/G2W/");
}

/**
 * The simulator's HTTP surface, all under /sim: GoTo's OAuth and REST paths (with the call log,
 * injected faults, token check and rate limit in front), the control API and the console.
 */
export function createSimApp(services: SimServices, transaction: <T>(fn: () => T) => T): SimApp {
  const app = new Hono<SimEnv>({ strict: false }).basePath("/sim");

  app.use(async (c, next) => {
    c.set("sim", services);
    const path = c.req.path;
    if (!isGoToPath(path)) {
      // The control API and console are open by design; refuse only cross-site browser posts.
      const origin = c.req.header("origin");
      if (c.req.method !== "GET" && origin && origin !== new URL(c.req.url).origin) {
        return c.json({ error: { code: "forbidden", message: "Cross-origin requests are refused." } }, 403);
      }
      return next();
    }
    const started = services.now();
    const settings = readSettings(services.sql);
    let principal: string | null = null;
    // The answer faults hit only the GoTo paths `paths` matches; the rate limit is GoTo's, for every path.
    const faulty = pathMatches(settings, path.replace(/^\/sim/, ""));
    // One fault per call at most: an injected 5xx, else an unusable answer, else an ambiguous one.
    const failed = faulty && chance(settings.errorRate);
    const badKind = faulty && !failed && chance(settings.badAnswerRate) ? pick(settings.badAnswerKinds) : null;
    const ambiguousKind =
      faulty && !failed && badKind === null && chance(settings.ambiguousRate) ? pick(settings.ambiguousKinds) : null;
    if (faulty && settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
    if (failed) {
      c.res = injectedFailure();
    } else if (badKind === "htmlErrorPage") {
      c.res = htmlErrorPage();
    } else if (needsToken(path)) {
      const owner = tokenOwner(services, c.req.header("authorization"));
      if (!owner) {
        c.res = invalidTokenResponse();
      } else if (
        !services.allowRequest(
          settings.rateLimitScope === "client" ? `client:${owner.token.client_id}` : `token:${owner.token.token}`,
          settings.rateLimitPerSecond,
        )
      ) {
        principal = owner.organizer.email;
        c.res = jsonText(
          { errorCode: "TooManyRequests", description: "Rate limit exceeded.", incident: newIncident() },
          429,
        );
      } else {
        principal = owner.organizer.email;
        c.set("token", owner.token);
        c.set("organizer", owner.organizer);
        await next();
      }
    } else {
      await next();
    }
    if (badKind !== null && badKind !== "htmlErrorPage") c.res = await badAnswer(badKind, c.res);
    if (ambiguousKind !== null) c.res = await ambiguousAnswer(ambiguousKind, c.res);
    else if (faulty && settings.slowBodyMs > 0) c.res = await trickle(c.res, settings.slowBodyMs);
    const url = new URL(c.req.url);
    services.sql.exec(
      "INSERT INTO api_calls (at, method, path, status, duration_ms, principal) VALUES (?, ?, ?, ?, ?, ?)",
      started,
      c.req.method,
      `${url.pathname.replace(/^\/sim/, "")}${url.search}`,
      c.res.status,
      services.now() - started,
      principal,
    );
    services.sql.exec("DELETE FROM api_calls WHERE id <= (SELECT MAX(id) FROM api_calls) - ?", CALL_LOG_KEEP);
  });

  mountOAuth(app);
  mountRest(app);
  mountRegistrants(app);
  mountWebhooks(app);
  mountControl(app, transaction);
  mountEngagementControl(app, transaction);
  mountConsole(app, transaction);

  app.notFound((c) => {
    if (isGoToPath(c.req.path))
      return jsonText({ errorCode: "NOT_FOUND", message: "No route matches this path." }, 404);
    return c.json({ error: { code: "not_found", message: "There is no such simulator route." } }, 404);
  });

  app.onError((error, c) => {
    const path = c.req.path;
    if (error instanceof SimError) {
      if (isGoToPath(path)) return goToError(error);
      const extra = Object.fromEntries(
        Object.entries(error.extra).map(([k, value]) => [k, value instanceof JsonInt ? value.digits : value]),
      );
      return jsonText({ error: { code: error.errorCode, message: error.message, ...extra } }, error.status);
    }
    console.error(JSON.stringify({ level: "error", msg: "simulator error", path, error: String(error) }));
    if (isGoToPath(path)) {
      return jsonText(
        { errorCode: "InternalServerError", description: "An internal error occurred.", incident: newIncident() },
        500,
      );
    }
    return c.json({ error: { code: "internal_error", message: "The simulator failed on this request." } }, 500);
  });

  return app;
}
