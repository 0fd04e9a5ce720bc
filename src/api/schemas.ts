import * as v from "valibot";

/** The JSON API's shapes. The same schemas validate requests and generate openapi.json. */

export const ErrorBody = v.object({
  error: v.object({
    code: v.pipe(v.string(), v.description("A stable machine-readable code, e.g. `unauthorized`.")),
    message: v.pipe(v.string(), v.description("What went wrong and what to do about it.")),
  }),
});

export const ListQuery = v.object({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, "limit must be a whole number from 1 to 500."),
      v.transform(Number),
      v.minValue(1, "limit must be a whole number from 1 to 500."),
      v.maxValue(500, "limit must be a whole number from 1 to 500."),
    ),
    "100",
  ),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(200, "cursor is not one this API gave out."))),
});

export const ApiKeyInfo = v.object({
  id: v.string(),
  name: v.string(),
  prefix: v.string(),
  created_at: v.string(),
  last_used_at: v.nullable(v.string()),
});

export const AuditEntry = v.object({
  id: v.string(),
  at: v.string(),
  action: v.string(),
  subject: v.nullable(v.string()),
  actor_id: v.nullable(v.string()),
});

export const AuditPage = v.object({
  data: v.array(AuditEntry),
  next_cursor: v.nullable(v.string()),
});
