import * as v from "valibot";
import { KIND_NAMES } from "../domain/criteria";
import { LIST_PARAMS } from "./list-response";
import { Prospect } from "./report-schemas";

/** Shapes of the list routes (interfaces.md). The same schemas validate the queries and describe the answers. */

const IsoTime = v.pipe(v.string(), v.description("ISO-8601 UTC"));

export const ListQuery = v.object({
  ...LIST_PARAMS,
});

export const ListIdParam = v.object({
  id: v.pipe(v.string(), v.maxLength(100, "id is at most 100 characters.")),
});

export const ListCriteria = v.pipe(
  v.object({
    match: v.picklist(["all", "any"]),
    conditions: v.array(v.record(v.string(), v.unknown())),
    description: v.pipe(v.string(), v.description("The criteria in words, as the list's page shows them")),
  }),
  v.description(
    `Conditions with their \`kind\` (${KIND_NAMES.join(", ")}) and settings; a condition with \`conditions\` is a group with its own \`match\`.`,
  ),
);

export const List = v.object({
  id: v.string(),
  name: v.string(),
  kind: v.picklist(["static", "dynamic"]),
  members: v.pipe(v.number(), v.description("How many prospects are in the list now")),
  criteria: v.pipe(v.optional(ListCriteria), v.description("Dynamic lists only")),
  created_at: IsoTime,
  updated_at: IsoTime,
});

export const ListList = v.object({ data: v.array(List), next_cursor: v.nullable(v.string()) });

/** A member is the prospect as `GET /prospects` shows it, and when it joined. */
export const ListMember = v.object({
  ...Prospect.entries,
  joined_at: v.pipe(IsoTime, v.description("When the prospect joined the list")),
});

export const ListMemberList = v.object({ data: v.array(ListMember), next_cursor: v.nullable(v.string()) });
