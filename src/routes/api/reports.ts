import { Hono } from "hono";
import { describeRoute, resolver, validator } from "hono-openapi";
import type * as v from "valibot";
import { KEYSET_CURSOR, listContent, listResponse, today } from "../../api/list-response";
import {
  type Activity as ActivitySchema,
  IdParam,
  Prospect,
  ProspectList,
  ProspectListQuery,
  ProspectWithActivity,
  Registrant,
  RegistrantList,
  RegistrantListQuery,
  Webinar,
  WebinarList,
  WebinarListQuery,
} from "../../api/report-schemas";
import { ErrorBody } from "../../api/schemas";
import { createDb } from "../../db/client";
import {
  type ProspectDetail,
  type ProspectListItem,
  prospectDetail,
  prospectPage,
} from "../../db/queries/prospect-reports";
import {
  findWebinar,
  type RegistrantRow,
  registrantPage,
  type WebinarWithCounts,
  webinarPage,
  webinarWithCounts,
} from "../../db/queries/reports";
import { describeTaken, ruleOfDedupeKey } from "../../domain/rules";
import type { AppEnv } from "../../env";
import { localDate } from "../../lib/csv";
import { ApiError } from "../../lib/errors";

/** The webinar and prospect routes of the JSON API; mounted inside /api/v1 behind its API key check. */
export const reportApi = new Hono<AppEnv>();

const json = (schema: Parameters<typeof resolver>[0]) => ({ "application/json": { schema: resolver(schema) } });
const errors = {
  400: { description: "Invalid query or cursor", content: json(ErrorBody) },
  401: { description: "Missing, malformed or revoked API key", content: json(ErrorBody) },
};
const notFound = { 404: { description: "No such id", content: json(ErrorBody) } };

function invalid(issues: readonly { message: string }[]): never {
  const message = issues.map((i) => i.message).join(" ");
  throw new ApiError(400, "invalid_request", message || "The request is not valid.");
}

export function webinarJson(w: WebinarWithCounts): v.InferOutput<typeof Webinar> {
  return {
    id: w.id,
    connector_id: w.connectorId,
    webinar_key: w.webinarKey,
    subject: w.subject,
    starts_at: w.startsAt,
    ends_at: w.endsAt,
    time_zone: w.timeZone,
    status: w.phase,
    counts: {
      registered: w.counts.registered,
      accepted: w.counts.accepted,
      attended: w.counts.attended,
      absent: w.counts.absent,
    },
    last_synced_at: w.lastSyncedAt,
    next_sync_at: w.nextSyncAt,
  };
}

export function registrantJson(r: RegistrantRow): v.InferOutput<typeof Registrant> {
  return {
    prospect_id: r.prospectId,
    email: r.email,
    first_name: r.firstName,
    last_name: r.lastName,
    status: r.status,
    attended: r.attended,
    minutes_attended: r.minutesAttended,
    registered_at: r.registeredAt,
    source: r.source,
  };
}

function prospectJson(p: ProspectListItem): v.InferOutput<typeof Prospect> {
  return {
    id: p.id,
    email: p.email,
    first_name: p.firstName,
    last_name: p.lastName,
    company: p.company,
    score: p.score,
    campaign: p.campaignName,
    created_at: p.createdAt,
    merged_emails: p.mergedEmails,
  };
}

/**
 * A prospect's activities and what automation rules did to it, newest first. A rule's score
 * adjustment is a `score_adjusted` activity (with its points); its other actions are `rule_action`
 * items with no points, so the points still add up to the score.
 */
function prospectActivitiesJson(detail: ProspectDetail): v.InferOutput<typeof ActivitySchema>[] {
  const activities = detail.activities.map((a) => {
    const ruleId = ruleOfDedupeKey(a.dedupeKey);
    return {
      type: a.type,
      webinar_id: a.webinarId,
      occurred_at: a.occurredAt,
      points: a.points,
      detail: ruleId && a.detail !== null ? `Rule “${a.detail}”` : a.detail,
      rule_id: ruleId,
    };
  });
  const ruleActions = detail.ruleActions.flatMap((t) =>
    t.action && t.action.type !== "adjust_score" && t.outcome === "done"
      ? [
          {
            type: "rule_action",
            webinar_id: null,
            occurred_at: t.takenAt,
            points: 0,
            detail: `Rule “${t.ruleName}”: ${describeTaken(t.action, { list: () => t.listName, campaign: () => t.campaignName })}`,
            rule_id: t.ruleId,
          },
        ]
      : [],
  );
  return [...activities, ...ruleActions].sort((a, b) =>
    a.occurred_at < b.occurred_at ? 1 : a.occurred_at > b.occurred_at ? -1 : 0,
  );
}

function noWebinar(): never {
  throw new ApiError(404, "not_found", "There is no webinar with this id. List them at /api/v1/webinars.");
}

reportApi.get(
  "/webinars",
  describeRoute({
    summary: "Webinars with their counts",
    description:
      "`upcoming` (including in progress) soonest first; `finished` and `all` newest first; cancelled ones only under `all`.",
    responses: { 200: { description: "A page of webinars", content: listContent(WebinarList, Webinar) }, ...errors },
  }),
  validator("query", WebinarListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const query = c.req.valid("query");
    const db = createDb(c.env.DB);
    const now = new Date().toISOString();
    return listResponse(c, query, {
      item: Webinar,
      json: webinarJson,
      cursor: KEYSET_CURSOR,
      page: (after, limit) => webinarPage(db, { filter: query.status, limit, after, now }),
      fileName: ["webinars", query.status, today()],
    });
  },
);

reportApi.get(
  "/webinars/:id",
  describeRoute({
    summary: "One webinar with its counts",
    responses: { 200: { description: "The webinar", content: json(Webinar) }, ...errors, ...notFound },
  }),
  validator("param", IdParam, (r) => {
    if (!r.success) noWebinar();
  }),
  async (c) => {
    const webinar = await webinarWithCounts(createDb(c.env.DB), c.req.valid("param").id, new Date().toISOString());
    if (!webinar) noWebinar();
    return c.json(webinarJson(webinar));
  },
);

reportApi.get(
  "/webinars/:id/registrants",
  describeRoute({
    summary: "The prospects behind one of a webinar's counts",
    description:
      "`registered`, `attended` or `absent` (empty until every session has ended); oldest registration first. The CSV file is named after the webinar, the status and the webinar's date.",
    responses: {
      200: { description: "A page of registrants", content: listContent(RegistrantList, Registrant) },
      ...errors,
      ...notFound,
    },
  }),
  validator("param", IdParam, (r) => {
    if (!r.success) noWebinar();
  }),
  validator("query", RegistrantListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const query = c.req.valid("query");
    const webinar = await findWebinar(db, c.req.valid("param").id);
    if (!webinar) noWebinar();
    const now = new Date().toISOString();
    return listResponse(c, query, {
      item: Registrant,
      json: registrantJson,
      cursor: KEYSET_CURSOR,
      page: (after, limit) => registrantPage(db, { webinar, filter: query.status, limit, after, now }),
      fileName: [webinar.subject, query.status, localDate(webinar.startsAt, webinar.timeZone)],
    });
  },
);

reportApi.get(
  "/prospects",
  describeRoute({
    summary: "Prospects, newest first",
    description:
      "With `email`, the prospect with that email; an email merged away finds the prospect it was merged into.",
    responses: { 200: { description: "A page of prospects", content: listContent(ProspectList, Prospect) }, ...errors },
  }),
  validator("query", ProspectListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const query = c.req.valid("query");
    const db = createDb(c.env.DB);
    return listResponse(c, query, {
      item: Prospect,
      json: prospectJson,
      cursor: KEYSET_CURSOR,
      page: (after, limit) => prospectPage(db, { email: query.email, limit, after }),
      fileName: ["prospects", today()],
    });
  },
);

reportApi.get(
  "/prospects/:id",
  describeRoute({
    summary: "One prospect with its activities and webinar registrations",
    description:
      "Activities newest first. A prospect merged into another answers 404 `prospect_merged`, naming the master.",
    responses: { 200: { description: "The prospect", content: json(ProspectWithActivity) }, ...errors, ...notFound },
  }),
  validator("param", IdParam, (r) => {
    if (!r.success) throw new ApiError(404, "not_found", "There is no prospect with this id.");
  }),
  async (c) => {
    const detail = await prospectDetail(createDb(c.env.DB), c.req.valid("param").id);
    if (!detail) throw new ApiError(404, "not_found", "There is no prospect with this id.");
    if (detail.mergedInto) {
      throw new ApiError(
        404,
        "prospect_merged",
        `This prospect was merged into ${detail.mergedInto.id}; ask for that one.`,
      );
    }
    return c.json({
      ...prospectJson(detail.prospect),
      activities: prospectActivitiesJson(detail),
      registrations: detail.registrations.map((r) => ({
        webinar_id: r.webinarId,
        status: r.status,
        attended: r.attended,
        minutes_attended: r.minutesAttended,
        registered_at: r.registeredAt,
        source: r.source,
      })),
    });
  },
);
