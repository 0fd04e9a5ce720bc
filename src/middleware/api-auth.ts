import type { MiddlewareHandler } from "hono";
import { authenticateApiKey } from "../auth/api-keys";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** `/api/v1`: `Authorization: Bearer <key>` with an active key, or 401 JSON. */
export function requireApiKey(): MiddlewareHandler<AppEnv & { Variables: { apiKeyId: string } }> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) {
      throw new ApiError(
        401,
        "unauthorized",
        "Send an API key as `Authorization: Bearer <key>`. Keys are made in Settings > API keys.",
      );
    }
    // The scheme name is case-insensitive (RFC 7235); the key is not.
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    if (!match?.[1]) {
      throw new ApiError(
        401,
        "invalid_authorization_header",
        "The Authorization header must be `Bearer <key>`, with exactly one space.",
      );
    }
    const key = await authenticateApiKey(createDb(c.env.DB), match[1]);
    if (!key) {
      throw new ApiError(
        401,
        "invalid_api_key",
        "This API key is not valid: it may be mistyped or revoked. Make a new one in Settings > API keys.",
      );
    }
    c.set("apiKeyId", key.id);
    await next();
  };
}
