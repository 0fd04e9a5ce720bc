import { Hono } from "hono";
import { describeRoute, openAPIRouteHandler, resolver, validator } from "hono-openapi";
import { listContent, listResponse, today } from "../../api/list-response";
import { ApiKeyInfo, AuditEntry, AuditPage, ErrorBody, ListQuery } from "../../api/schemas";
import { createDb } from "../../db/client";
import { findApiKeyById } from "../../db/queries/api-keys";
import { type AuditRow, auditPage } from "../../db/queries/audit";
import type { AppEnv } from "../../env";
import { decodePosition, encodePosition } from "../../lib/cursor";
import { ApiError } from "../../lib/errors";
import { requireApiKey } from "../../middleware/api-auth";
import { attributionApi } from "./attribution";
import { engagementApi } from "./engagement";
import { listApi } from "./lists";
import { reportApi } from "./reports";

type ApiEnv = AppEnv & { Variables: { apiKeyId: string } };

const errorResponses = {
  401: {
    description: "Missing, malformed or revoked API key",
    content: { "application/json": { schema: resolver(ErrorBody) } },
  },
};

/** Invalid input answers 400 with the first problem named, in the API's error shape. */
function invalid(issues: readonly { message: string }[]): never {
  const message = issues.map((i) => i.message).join(" ");
  throw new ApiError(400, "invalid_request", message || "The request is not valid.");
}

export const apiV1 = new Hono<ApiEnv>();

apiV1.get(
  "/openapi.json",
  openAPIRouteHandler(apiV1, {
    documentation: {
      openapi: "3.1.0",
      info: {
        title: "Rollcall API",
        version: "1.0.0",
        description:
          "Webinar reports and prospect activity from Rollcall, as JSON. Authenticate with `Authorization: Bearer <api key>`.",
      },
      servers: [{ url: "/api/v1", description: "This Rollcall" }],
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "An API key from Settings > API keys" },
        },
      },
      security: [{ apiKey: [] }],
    },
    exclude: ["/api/v1/openapi.json"],
  }),
);

apiV1.use("*", async (c, next) => {
  if (c.req.path === "/api/v1/openapi.json") return next();
  return requireApiKey()(c, next);
});

apiV1.get(
  "/key",
  describeRoute({
    summary: "The API key making this request",
    description: "Answers with the key's name and use; a quick way to check that a key works.",
    responses: {
      200: { description: "The key", content: { "application/json": { schema: resolver(ApiKeyInfo) } } },
      ...errorResponses,
    },
  }),
  async (c) => {
    const key = await findApiKeyById(createDb(c.env.DB), c.get("apiKeyId"));
    if (!key) throw new ApiError(401, "invalid_api_key", "This API key no longer exists.");
    return c.json({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      created_at: key.createdAt,
      last_used_at: key.lastUsedAt,
    });
  },
);

apiV1.get(
  "/audit-log",
  describeRoute({
    summary: "The audit log, newest first",
    description: "Sign-ins, user changes and API key changes. Paged with `limit` and `cursor`.",
    responses: {
      200: { description: "A page of entries", content: listContent(AuditPage, AuditEntry) },
      400: { description: "Invalid query", content: { "application/json": { schema: resolver(ErrorBody) } } },
      ...errorResponses,
    },
  }),
  validator("query", ListQuery, (result) => {
    if (!result.success) invalid(result.error);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    return listResponse(c, c.req.valid("query"), {
      item: AuditEntry,
      json: (r: AuditRow) => ({
        id: String(r.id),
        at: r.createdAt,
        action: r.action,
        subject: r.subject,
        actor_id: r.actorId,
      }),
      cursor: { decode: decodePosition, encode: encodePosition },
      page: async (before, limit) => {
        const rows = await auditPage(db, limit + 1, before);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return { rows: page, next: rows.length > limit && last ? last.id : null };
      },
      fileName: ["audit-log", today()],
    });
  },
);

// Webinar and prospect reports (issue 5); mounted before the catch-all below.
apiV1.route("/", reportApi);
apiV1.route("/", attributionApi);
apiV1.route("/", listApi);
apiV1.route("/", engagementApi);

apiV1.all("*", () => {
  throw new ApiError(404, "not_found", "There is no such API route. See /api/v1/openapi.json.");
});
