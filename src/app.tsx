import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { bootstrapAdmin } from "./auth/accounts";
import { createDb } from "./db/client";
import type { AppEnv } from "./env";
import { BROKEN_PAGE_LINK, InvalidCursorError } from "./lib/cursor";
import { ApiError } from "./lib/errors";
import { errorFields, log } from "./lib/log";
import { isHtmx } from "./lib/request";
import { loadSession, requireAdmin, requireUser } from "./middleware/auth";
import { csrfProtection } from "./middleware/csrf";
import { requestContext } from "./middleware/request-context";
import { noStore, securityHeaders } from "./middleware/security-headers";
import { apiKeyRoutes } from "./routes/admin/api-keys";
import { attributionRoutes } from "./routes/admin/attribution";
import { automationRoutes } from "./routes/admin/automation";
import { bulkRoutes } from "./routes/admin/bulk";
import { campaignRoutes } from "./routes/admin/campaigns";
import { connectorRoutes } from "./routes/admin/connectors";
import { dashboardRoutes } from "./routes/admin/dashboard";
import { filterRoutes } from "./routes/admin/filters";
import { formHandlerRoutes } from "./routes/admin/form-handlers";
import { formRoutes } from "./routes/admin/forms";
import { listRoutes } from "./routes/admin/lists";
import { prospectRoutes } from "./routes/admin/prospects";
import { ruleRoutes } from "./routes/admin/rules";
import { sessionRoutes } from "./routes/admin/sessions";
import { settingsIndexRoutes } from "./routes/admin/settings";
import { userRoutes } from "./routes/admin/users";
import { webinarEngagementRoutes } from "./routes/admin/webinar-engagement";
import { webinarOverviewRoutes } from "./routes/admin/webinar-overview";
import { webinarRoutes } from "./routes/admin/webinars";
import { apiV1 } from "./routes/api/v1";
import { authRoutes } from "./routes/auth";
import { confirmationRoutes } from "./routes/forms/confirmation";
import { publicFormRoutes } from "./routes/forms/public";
import { oauthRoutes } from "./routes/oauth";
import { webhookRoutes } from "./routes/webhooks";
import { type GoToLink, LIVE_GOTO } from "./sync/goto-env";
import { ErrorFragment, ErrorPage } from "./views/pages/errors";
import { adminRenderer } from "./views/renderer";

/** D1 bindings whose first admin is known to exist; after that bootstrap costs nothing. */
const bootstrapped = new WeakSet<D1Database>();

/** Areas only administrators may open; the tests read this list to check every route under it. */
export const ADMIN_ONLY_PREFIXES = ["/admin/settings/users", "/admin/settings/api-keys"] as const;

/** Paths outside the browser area and the methods each answers. */
const METHODS_ALLOWED: readonly (readonly [string, string])[] = [
  ["/f/theme.css", "GET, HEAD"],
  ["/f/:formId/embed.js", "GET, HEAD"],
  ["/f/:formId", "GET, HEAD, POST"],
  ["/fh/:handlerId", "POST"],
  ["/confirm/:token", "GET, HEAD"],
  ["/confirm/:token/status", "GET, HEAD"],
  ["/confirm/:token/calendar.ics", "GET, HEAD"],
  ["/webhooks/goto", "GET, HEAD"],
  ["/webhooks/goto/:connectorId", "GET, HEAD, POST"],
];

function methodNotAllowed(c: Context<AppEnv>, allow: string): Response | Promise<Response> {
  c.header("Allow", allow);
  const message = `This address answers ${allow.replace(/, (\w+)$/, " and $1")} only.`;
  if (c.req.path.startsWith("/webhooks/")) return c.json({ error: { code: "method_not_allowed", message } }, 405);
  return c.html(<ErrorPage status={405} title="Method not allowed" message={message} />, 405);
}

/** What the development entry adds to the app; the production entry passes nothing. */
export interface AppOptions {
  /** How a request with these bindings reaches GoTo; GoTo itself unless given. */
  goto?: (env: Env) => GoToLink;
  /**
   * Mounts areas ahead of the browser area, so its session and CSRF middleware never run for them
   * (the development entry's GoToWebinar simulator under /sim: its control API and GoTo paths are
   * not session pages).
   */
  mount?: (app: Hono<AppEnv>) => void;
}

/** Builds the Worker's Hono app: one place that shows every area and the middleware in front of it. */
export function createApp(options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const goto = options.goto ?? (() => LIVE_GOTO);

  app.use(requestContext());
  app.use(async (c, next) => {
    c.set("goto", goto(c.env));
    await next();
  });
  app.use(securityHeaders());
  app.use(async (c, next) => {
    // The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD; after that this is a no-op.
    if (!bootstrapped.has(c.env.DB)) {
      await bootstrapAdmin(createDb(c.env.DB), c.env.ADMIN_EMAIL, c.env.ADMIN_PASSWORD);
      bootstrapped.add(c.env.DB);
    }
    await next();
  });

  app.get("/", (c) => c.redirect("/admin", 302));
  app.get("/healthz", (c) => c.json({ ok: true }));

  // Everything a browser session can change goes through the session and CSRF checks.
  const browser = new Hono<AppEnv>();
  browser.use(noStore());
  browser.use(loadSession());
  browser.use(csrfProtection());
  browser.route("/", authRoutes);

  const admin = new Hono<AppEnv>();
  admin.use(requireUser());
  admin.use(adminRenderer());
  admin.route("/", dashboardRoutes);
  admin.route("/connectors", connectorRoutes);
  admin.route("/campaigns", campaignRoutes);
  admin.route("/forms", formRoutes);
  admin.route("/form-handlers", formHandlerRoutes);
  admin.route("/filters", filterRoutes);
  admin.route("/bulk", bulkRoutes);
  admin.route("/lists", listRoutes);
  admin.route("/webinars", webinarOverviewRoutes);
  admin.route("/webinars", attributionRoutes);
  admin.route("/webinars", webinarRoutes);
  admin.route("/webinars", webinarEngagementRoutes);
  admin.route("/prospects", prospectRoutes);
  admin.route("/automation", automationRoutes);
  admin.route("/automation/rules", ruleRoutes);
  admin.route("/settings", settingsIndexRoutes);
  admin.route("/settings/sessions", sessionRoutes);
  for (const prefix of ADMIN_ONLY_PREFIXES) {
    const local = prefix.slice("/admin".length);
    admin.use(local, requireAdmin());
    admin.use(`${local}/*`, requireAdmin());
  }
  admin.route("/settings/users", userRoutes);
  admin.route("/settings/api-keys", apiKeyRoutes);
  browser.route("/admin", admin);

  const oauth = new Hono<AppEnv>();
  oauth.use(requireUser());
  oauth.use(adminRenderer());
  oauth.route("/", oauthRoutes);
  browser.route("/oauth", oauth);

  options.mount?.(app);
  app.use("/api/*", noStore());
  app.route("/api/v1", apiV1);
  app.route("/webhooks/goto", webhookRoutes);
  // Public forms: posts from customer sites by design, so no session or CSRF middleware.
  app.route("/", publicFormRoutes);
  app.route("/", confirmationRoutes);
  // Any other method on these paths would fall through to the browser area and its CSRF check:
  // answer it here, with the methods that do work.
  for (const [path, allow] of METHODS_ALLOWED) app.all(path, (c) => methodNotAllowed(c, allow));
  app.all("/f/*", (c) => c.notFound());
  app.all("/fh/*", (c) => c.notFound());
  app.all("/confirm/*", (c) => c.notFound());
  app.all("/webhooks/*", (c) =>
    c.json({ error: { code: "not_found", message: "Webhooks are posted to /webhooks/goto/<connector id>." } }, 404),
  );
  // Last: the browser area's session and CSRF middleware match every path below it.
  app.route("/", browser);

  app.notFound((c) => {
    if (c.req.path.startsWith("/api/")) {
      return c.json(
        { error: { code: "not_found", message: "There is no such API route. See /api/v1/openapi.json." } },
        404,
      );
    }
    return c.html(
      <ErrorPage
        status={404}
        title="Page not found"
        message="There is nothing at this address. Check the link, or start from the dashboard."
      />,
      404,
    );
  });

  app.onError((thrown, c) => {
    const requestId = c.get("requestId");
    const error = thrown instanceof InvalidCursorError ? cursorRefusal(c.req.path) : thrown;
    if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/webhooks/")) {
      if (error instanceof ApiError) {
        return c.json({ error: { code: error.code, message: error.message } }, error.status);
      }
      if (error instanceof HTTPException && error.status < 500) {
        return c.json({ error: { code: "bad_request", message: error.message } }, error.status);
      }
      log("error", "unhandled error", { requestId, path: c.req.path, ...errorFields(error) });
      return c.json(
        { error: { code: "internal_error", message: `Something went wrong on our side (request ${requestId}).` } },
        500,
      );
    }
    const known = error instanceof HTTPException && error.status < 500;
    if (!known) log("error", "unhandled error", { requestId, path: c.req.path, ...errorFields(error) });
    const status = known ? error.status : 500;
    const message = known
      ? error.message
      : "Something went wrong on our side. Try again; if it keeps happening, tell us the request id.";
    if (isHtmx(c)) {
      // Errors of htmx requests land in the page's alert slot instead of replacing the target.
      c.header("HX-Retarget", "#alerts");
      c.header("HX-Reswap", "innerHTML");
      return c.html(<ErrorFragment message={message} requestId={requestId} />, status);
    }
    const title =
      status === 403
        ? "Not allowed"
        : status === 404
          ? "Not found"
          : known
            ? "Request refused"
            : "Something went wrong";
    return c.html(<ErrorPage status={status} title={title} message={message} requestId={requestId} />, status);
  });

  return app;
}

/** A cursor we did not give out: the API's JSON error, or the admin's 400 page with its own words. */
function cursorRefusal(path: string): HTTPException {
  if (path.startsWith("/api/")) {
    return new ApiError(400, "invalid_cursor", "cursor is not one this API gave out; start again without it.");
  }
  return new HTTPException(400, { message: BROKEN_PAGE_LINK });
}
