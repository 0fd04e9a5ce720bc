import { Hono } from "hono";
import { describeRoute, resolver, validator } from "hono-openapi";
import type * as v from "valibot";
import { KEYSET_CURSOR, listContent, listResponse, today } from "../../api/list-response";
import { List, ListIdParam, ListList, ListMember, ListMemberList, ListQuery } from "../../api/list-schemas";
import { ErrorBody } from "../../api/schemas";
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
import { ApiError } from "../../lib/errors";
import { listCriteria } from "../../services/lists";

/**
 * The list routes of the JSON API: lists with member counts (and a dynamic list's criteria), and
 * a list's members, who joined last first. Both are keyset pages, and answer CSV (`?format=csv` or
 * `Accept: text/csv`) with the same rows, every page streamed.
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
): v.InferOutput<typeof List> {
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
    responses: { 200: { description: "A page of lists", content: listContent(ListList, List) }, ...errors },
  }),
  validator("query", ListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const query = c.req.valid("query");
    return listResponse(c, query, {
      item: List,
      json: (item: v.InferOutput<typeof List>) => item,
      cursor: KEYSET_CURSOR,
      page: async (after, limit) => {
        const page = await listPage(db, { limit, after });
        const criteria = page.rows.flatMap((l) => {
          const parsed = listCriteria(l);
          return parsed ? [parsed] : [];
        });
        const { names } = await criteriaTargets(db, criteria);
        const describe = (l: ListWithCount) => {
          const parsed = listCriteria(l);
          return parsed ? criteriaSentence(parsed, names) : null;
        };
        return { rows: page.rows.map((l) => listJson(l, describe)), next: page.next };
      },
      fileName: ["lists", today()],
    });
  },
);

listApi.get(
  "/lists/:id/members",
  describeRoute({
    summary: "A list's members",
    description: "Prospects in the list, who joined last first, with when each joined.",
    responses: {
      200: { description: "A page of members", content: listContent(ListMemberList, ListMember) },
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
    const query = c.req.valid("query");
    return listResponse(c, query, {
      item: ListMember,
      json: (item: v.InferOutput<typeof ListMember>) => item,
      cursor: KEYSET_CURSOR,
      page: async (after, limit) => {
        const page = await memberPage(db, { listId: list.id, limit, after });
        const merged = await mergedEmailsOf(
          db,
          page.rows.map((m) => m.prospectId),
        );
        return { rows: page.rows.map((m) => memberJson(m, merged.get(m.prospectId) ?? [])), next: page.next };
      },
      fileName: [list.name, "members", today()],
    });
  },
);
