import { Hono } from "hono";
import { describeRoute, resolver, validator } from "hono-openapi";
import type * as v from "valibot";
import { createDb } from "../../db/client";
import {
  criteriaTargets,
  findList,
  type ListWithCount,
  listPage,
  type MemberRow,
  memberPage,
} from "../../db/queries/lists";
import { mergedEmailsOf } from "../../db/queries/prospect-reports";
import { criteriaSentence } from "../../domain/criteria";
import type { AppEnv } from "../../env";
import { decodeKeyset, encodeKeyset } from "../../lib/cursor";
import { ApiError } from "../../lib/errors";
import { listCriteria } from "../../services/lists";
import {
  ListIdParam,
  ListList,
  type ListMember,
  ListMemberList,
  ListQuery,
  type List as ListSchema,
} from "./list-schemas";
import { ErrorBody } from "./schemas";

/**
 * The list routes of the JSON API: lists with member counts (and a dynamic list's criteria), and
 * a list's members, who joined last first. Both are keyset pages; the `listJson` and `memberJson`
 * row shapes are what a CSV variant of these routes (`Accept: text/csv`, `?format=csv`, from the
 * CSV export module) writes as its rows, page after page through the same queries.
 */
export const listApi = new Hono<AppEnv>();

const json = (schema: Parameters<typeof resolver>[0]) => ({ "application/json": { schema: resolver(schema) } });
const errors = {
  400: { description: "Invalid query or cursor", content: json(ErrorBody) },
  401: { description: "Missing, malformed or revoked API key", content: json(ErrorBody) },
};

function invalid(issues: readonly { message: string }[]): never {
  const message = issues.map((i) => i.message).join(" ");
  throw new ApiError(400, "invalid_request", message || "The request is not valid.");
}

function noList(): never {
  throw new ApiError(404, "not_found", "There is no list with this id. List them at /api/v1/lists.");
}

export function listJson(
  list: ListWithCount,
  describe: (list: ListWithCount) => string | null,
): v.InferOutput<typeof ListSchema> {
  const criteria = listCriteria(list);
  return {
    id: list.id,
    name: list.name,
    kind: list.kind,
    members: list.members,
    ...(criteria
      ? {
          criteria: {
            match: criteria.match,
            conditions: criteria.conditions as unknown as Record<string, unknown>[],
            description: describe(list) ?? "",
          },
        }
      : {}),
    created_at: list.createdAt,
    updated_at: list.updatedAt ?? list.createdAt,
  };
}

export function memberJson(m: MemberRow, mergedEmails: string[]): v.InferOutput<typeof ListMember> {
  return {
    id: m.prospectId,
    email: m.email,
    first_name: m.firstName,
    last_name: m.lastName,
    company: m.company,
    score: m.score,
    campaign: m.campaignName,
    created_at: m.prospectCreatedAt,
    merged_emails: mergedEmails,
    joined_at: m.addedAt,
  };
}

listApi.get(
  "/lists",
  describeRoute({
    summary: "Static and dynamic lists with their member counts",
    description: "Newest first. A dynamic list carries its criteria, as data and in words.",
    responses: { 200: { description: "A page of lists", content: json(ListList) }, ...errors },
  }),
  validator("query", ListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const { limit, cursor } = c.req.valid("query");
    const page = await listPage(db, { limit, after: cursor ? decodeKeyset(cursor) : null });
    const criteria = page.rows.flatMap((l) => {
      const parsed = listCriteria(l);
      return parsed ? [parsed] : [];
    });
    const { names } = await criteriaTargets(db, criteria);
    const describe = (l: ListWithCount) => {
      const parsed = listCriteria(l);
      return parsed ? criteriaSentence(parsed, names) : null;
    };
    return c.json({
      data: page.rows.map((l) => listJson(l, describe)),
      next_cursor: page.next ? encodeKeyset(page.next) : null,
    });
  },
);

listApi.get(
  "/lists/:id/members",
  describeRoute({
    summary: "A list's members",
    description: "Prospects in the list, who joined last first, with when each joined.",
    responses: {
      200: { description: "A page of members", content: json(ListMemberList) },
      ...errors,
      404: { description: "No such list", content: json(ErrorBody) },
    },
  }),
  validator("param", ListIdParam, (r) => {
    if (!r.success) noList();
  }),
  validator("query", ListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const list = await findList(db, c.req.valid("param").id);
    if (!list) noList();
    const { limit, cursor } = c.req.valid("query");
    const page = await memberPage(db, { listId: list.id, limit, after: cursor ? decodeKeyset(cursor) : null });
    const merged = await mergedEmailsOf(
      db,
      page.rows.map((m) => m.prospectId),
    );
    return c.json({
      data: page.rows.map((m) => memberJson(m, merged.get(m.prospectId) ?? [])),
      next_cursor: page.next ? encodeKeyset(page.next) : null,
    });
  },
);
