import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

/**
 * Two independent checks on every mutating request of the session-authenticated areas:
 * 1. the browser must say the request is same-origin (`Sec-Fetch-Site`, else `Origin`): a
 *    request with neither header is refused, since every browser we support sends one;
 * 2. with a session, the per-session token must come back in the form field or the htmx header.
 * Public form endpoints, which take cross-origin posts by design, are mounted without this.
 */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const ownOrigin = new URL(c.req.url).origin;
    if (site !== undefined) {
      if (site !== "same-origin" && site !== "none") refuse();
    } else if (origin === undefined || origin !== ownOrigin) {
      refuse();
    }
    if (origin !== undefined && origin !== ownOrigin) refuse();

    const expected = c.get("csrfToken");
    if (expected) {
      let sent = c.req.header(CSRF_HEADER);
      if (!sent) {
        const type = c.req.header("content-type") ?? "";
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
          const body = await c.req.parseBody();
          const value = body[CSRF_FIELD];
          sent = typeof value === "string" ? value : undefined;
        }
      }
      if (sent !== expected) refuse();
    }
    return next();
  };
}

function refuse(): never {
  throw new HTTPException(403, {
    message: "This request did not come from a Rollcall page. Reload the page and try again.",
  });
}
