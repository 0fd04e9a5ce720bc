import * as v from "valibot";
import { LIST_PARAMS } from "./list-response";

/** Shapes of a webinar's engagement in the JSON API: the query it takes and the items it answers. */

export const EngagementListQuery = v.object({
  kind: v.optional(v.picklist(["poll", "survey", "question"], "kind must be one of poll, survey or question.")),
  ...LIST_PARAMS,
});

export const Engagement = v.object({
  prospect_id: v.string(),
  email: v.string(),
  session_key: v.pipe(v.string(), v.description("GoTo's key of the session it happened in, as decimal digits")),
  kind: v.picklist(["poll", "survey", "question"]),
  question: v.pipe(v.string(), v.description("The poll or survey question, or the question the attendee asked")),
  answers: v.pipe(
    v.array(v.string()),
    v.description("The attendee's answers to a poll or survey; for a question, the organizer's answer if any"),
  ),
  occurred_at: v.pipe(v.string(), v.description("ISO-8601 UTC")),
});

export const EngagementList = v.object({ data: v.array(Engagement), next_cursor: v.nullable(v.string()) });
