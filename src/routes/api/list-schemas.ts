import * as v from "valibot";

/** Shapes of the list routes (interfaces.md). The same schemas validate the queries and describe the answers. */

const IsoTime = v.pipe(v.string(), v.description("ISO-8601 UTC"));

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
  cursor: v.optional(v.pipe(v.string(), v.maxLength(300, "cursor is not one this API gave out."))),
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
    "Conditions with their `kind` (webinar_status, attended_minutes, email_domain, company, country, score, campaign, tag, list_member) and settings; a condition with `conditions` is a group with its own `match`.",
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

export const ListMember = v.object({
  id: v.string(),
  email: v.string(),
  first_name: v.nullable(v.string()),
  last_name: v.nullable(v.string()),
  company: v.nullable(v.string()),
  score: v.number(),
  campaign: v.pipe(v.nullable(v.string()), v.description("The campaign's name")),
  created_at: IsoTime,
  merged_emails: v.pipe(v.array(v.string()), v.description("Emails of prospects merged into this one")),
  joined_at: v.pipe(IsoTime, v.description("When the prospect joined the list")),
});

export const ListMemberList = v.object({ data: v.array(ListMember), next_cursor: v.nullable(v.string()) });
