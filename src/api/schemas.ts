import * as v from "valibot";
import { LIST_PARAMS } from "./list-response";

/** The JSON API's shapes. The same schemas validate requests and generate openapi.json. */

export const ErrorBody = v.object({
  error: v.object({
    code: v.pipe(v.string(), v.description("A stable machine-readable code, e.g. `unauthorized`.")),
    message: v.pipe(v.string(), v.description("What went wrong and what to do about it.")),
  }),
});

export const ListQuery = v.object(LIST_PARAMS);

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
