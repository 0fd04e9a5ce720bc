import { Hono } from "hono";
import { describeRoute, resolver, validator } from "hono-openapi";
import type * as v from "valibot";
import { Engagement, EngagementList, EngagementListQuery } from "../../api/engagement-schemas";
import { KEYSET_CURSOR, listContent, listResponse } from "../../api/list-response";
import { IdParam } from "../../api/report-schemas";
import { ErrorBody } from "../../api/schemas";
import { createDb } from "../../db/client";
import { type EngagementRow, engagementPage } from "../../db/queries/engagement-reports";
import { findWebinar } from "../../db/queries/reports";
import type { AppEnv } from "../../env";
import { localDate } from "../../lib/csv";
import { ApiError } from "../../lib/errors";

/** A webinar's engagement (polls, surveys, questions) in the JSON API; mounted inside /api/v1. */
export const engagementApi = new Hono<AppEnv>();

const json = (schema: Parameters<typeof resolver>[0]) => ({ "application/json": { schema: resolver(schema) } });

function noWebinar(): never {
  throw new ApiError(404, "not_found", "There is no webinar with this id. List them at /api/v1/webinars.");
}

function engagementJson(r: EngagementRow): v.InferOutput<typeof Engagement> {
  return {
    prospect_id: r.prospectId,
    email: r.email,
    session_key: r.sessionKey,
    kind: r.kind,
    question: r.question,
    answers: r.answers,
    occurred_at: r.occurredAt,
  };
}

engagementApi.get(
  "/webinars/:id/engagement",
  describeRoute({
    summary: "What a webinar's attendees did: poll answers, survey answers and questions",
    description:
      "One item per poll answer, survey answer or question asked, oldest first; `kind` keeps one of them. The CSV file is named after the webinar and its date.",
    responses: {
      200: { description: "A page of engagement", content: listContent(EngagementList, Engagement) },
      400: { description: "Invalid query or cursor", content: json(ErrorBody) },
      401: { description: "Missing, malformed or revoked API key", content: json(ErrorBody) },
      404: { description: "No such webinar", content: json(ErrorBody) },
    },
  }),
  validator("param", IdParam, (r) => {
    if (!r.success) noWebinar();
  }),
  validator("query", EngagementListQuery, (r) => {
    if (!r.success) {
      const message = r.error.map((i) => i.message).join(" ");
      throw new ApiError(400, "invalid_request", message || "The request is not valid.");
    }
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const query = c.req.valid("query");
    const webinar = await findWebinar(db, c.req.valid("param").id);
    if (!webinar) noWebinar();
    return listResponse(c, query, {
      item: Engagement,
      json: engagementJson,
      cursor: KEYSET_CURSOR,
      page: (after, limit) => engagementPage(db, { webinarId: webinar.id, kind: query.kind, limit, after }),
      fileName: [webinar.subject, "engagement", query.kind ?? "all", localDate(webinar.startsAt, webinar.timeZone)],
    });
  },
);
