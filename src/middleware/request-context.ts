import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { log } from "../lib/log";

/** Gives every request an id (echoed as `X-Request-Id`) and writes one JSON log line per request. */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("user", null);
    c.set("sessionId", null);
    c.set("csrfToken", null);
    const started = Date.now();
    await next();
    c.header("X-Request-Id", requestId);
    log("info", "request", {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - started,
      userId: c.get("user")?.id ?? null,
    });
  };
}
