import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { csrfTokenFor, SESSION_COOKIE, validateSession } from "../auth/session";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";
import { isHtmx } from "../lib/request";

function isLocalhost(c: Context): boolean {
  const host = new URL(c.req.url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: !isLocalhost(c),
    path: "/",
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: !isLocalhost(c) });
}

/** Reads the session cookie, if any, and puts the user and the CSRF token on the context. */
export function loadSession(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await validateSession(createDb(c.env.DB), token);
      if (session) {
        c.set("user", session.user);
        c.set("sessionId", session.id);
        c.set("csrfToken", await csrfTokenFor(token));
        if (session.extended) setSessionCookie(c, token, session.expiresAt);
      } else {
        clearSessionCookie(c);
      }
    }
    await next();
  };
}

function loginRedirect(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url);
  const next = c.req.method === "GET" ? `${url.pathname}${url.search}` : "/admin";
  const location = `/login?next=${encodeURIComponent(next)}`;
  if (isHtmx(c)) {
    // htmx follows this header with a full page load instead of swapping the login page in.
    return c.body(null, 401, { "HX-Redirect": location });
  }
  return c.redirect(location, 302);
}

/** Every /admin route: without a valid session, go to the login page. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("user")) return loginRedirect(c);
    await next();
  };
}

export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) return loginRedirect(c);
    if (user.role !== "admin") {
      throw new HTTPException(403, { message: "Only administrators can open this page." });
    }
    await next();
  };
}
