import type { MiddlewareHandler } from "hono";
import { usableRedirect } from "../domain/forms";
import type { AppEnv } from "../env";

/**
 * A strict CSP: scripts and styles only from our own origin (no inline script anywhere; htmx's
 * indicator styles use a constructed stylesheet, which CSP allows). Pages may not be framed,
 * except where a route (the public forms, see {@link formCsp}) sets its own header first.
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The public forms' CSP: as strict as the admin's, except that any site may frame the form and
 * the form may post on to its own redirect's origin.
 */
export function formCsp(redirectUrl: string | null): string {
  let formAction = "'self'";
  const redirect = usableRedirect(redirectUrl);
  if (redirect) formAction += ` ${new URL(redirect).origin}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action ${formAction}`,
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors *",
  ].join("; ");
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    if (!h.has("Content-Security-Policy")) {
      h.set("Content-Security-Policy", ADMIN_CSP);
      h.set("X-Frame-Options", "DENY");
    }
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "strict-origin-when-cross-origin");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (new URL(c.req.url).protocol === "https:") {
      h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  };
}

/** Pages behind a login and API answers hold private data: no browser or proxy may keep a copy. */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
}
