import { vValidator } from "@hono/valibot-validator";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import * as v from "valibot";
import { attemptLogin, LoginThrottledError } from "../auth/accounts";
import { createSession, invalidateSession, SESSION_COOKIE } from "../auth/session";
import { createDb } from "../db/client";
import { recordAudit } from "../db/queries/audit";
import type { AppEnv } from "../env";
import { plural } from "../lib/plural";
import { clientIp, nextIsMalformed, safeNextPath } from "../lib/request";
import { clearSessionCookie, setSessionCookie } from "../middleware/auth";
import { LoginPage } from "../views/pages/login";

const LoginForm = v.object({
  email: v.pipe(v.string(), v.trim(), v.maxLength(254)),
  password: v.pipe(v.string(), v.maxLength(200)),
  next: v.optional(v.string()),
});

export const authRoutes = new Hono<AppEnv>();

/** The answer to a `next` with control characters in it (CR/LF could split the redirect's headers). */
const BROKEN_LINK = "The link you followed is broken. Log in here to go to the dashboard.";

authRoutes.get("/login", (c) => {
  if (nextIsMalformed(c.req.query("next"))) return c.html(<LoginPage error={BROKEN_LINK} />, 400);
  if (c.get("user")) return c.redirect(safeNextPath(c.req.query("next")), 302);
  const notice = c.req.query("loggedOut") === "1" ? "You have logged out." : undefined;
  return c.html(<LoginPage next={safeNextPath(c.req.query("next"))} notice={notice} />);
});

authRoutes.post(
  "/login",
  vValidator("form", LoginForm, (result, c) => {
    if (!result.success) {
      return c.html(<LoginPage error="Enter your email and password." />, 422);
    }
  }),
  async (c) => {
    const { email, password, next } = c.req.valid("form");
    // Checked before any session exists, so a refused redirect never leaves one behind.
    if (nextIsMalformed(next)) return c.html(<LoginPage email={email} error={BROKEN_LINK} />, 400);
    const target = safeNextPath(next);
    if (!email || !password) {
      return c.html(<LoginPage email={email} next={target} error="Enter your email and password." />, 422);
    }
    const db = createDb(c.env.DB);
    try {
      const result = await attemptLogin(db, email, password, clientIp(c));
      if (!result.ok) {
        return c.html(
          <LoginPage email={email} next={target} error="That email and password do not match an active account." />,
          401,
        );
      }
      const session = await createSession(db, result.userId, {
        ip: clientIp(c),
        userAgent: c.req.header("user-agent") ?? null,
      });
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect(target, 303);
    } catch (error) {
      if (error instanceof LoginThrottledError) {
        const minutes = Math.ceil(error.retryAfterSeconds / 60);
        c.header("Retry-After", String(error.retryAfterSeconds));
        return c.html(
          <LoginPage
            email={email}
            next={target}
            error={`Too many failed attempts. Wait ${plural(minutes, "minute")} and try again, or ask an administrator to reset your password.`}
          />,
          429,
        );
      }
      throw error;
    }
  },
);

authRoutes.post("/logout", async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  const db = createDb(c.env.DB);
  if (token) await invalidateSession(db, token);
  const user = c.get("user");
  if (user) await recordAudit(db, { actorId: user.id, action: "logout", subject: user.email, ip: clientIp(c) });
  clearSessionCookie(c);
  return c.redirect("/login?loggedOut=1", 303);
});
