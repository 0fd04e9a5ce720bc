import { Hono } from "hono";
import { describeRoute, resolver, validator } from "hono-openapi";
import type * as v from "valibot";
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
import { decodeKeyset, encodeKeyset } from "../../lib/cursor";
import { ApiError } from "../../lib/errors";
import {
  type Activity as ActivitySchema,
  IdParam,
  ProspectList,
  ProspectListQuery,
  type Prospect as ProspectSchema,
  ProspectWithActivity,
  RegistrantList,
  RegistrantListQuery,
  type Registrant as RegistrantSchema,
  Webinar,
  WebinarList,
  WebinarListQuery,
  type Webinar as WebinarSchema,
} from "./report-schemas";
import { ErrorBody } from "./schemas";

/** The webinar and prospect routes of the JSON API (F27); mounted inside /api/v1 behind its API key check. */
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

export function webinarJson(w: WebinarWithCounts): v.InferOutput<typeof WebinarSchema> {
  return {
    id: w.id,
    connector_id: w.connectorId,
    webinar_key: w.webinarKey,
    subject: w.subject,
    starts_at: w.startsAt,
    ends_at: w.endsAt,
    time_zone: w.timeZone,
    status: w.phase,
    counts: w.counts,
    last_synced_at: w.lastSyncedAt,
    next_sync_at: w.nextSyncAt,
  };
}

export function registrantJson(r: RegistrantRow): v.InferOutput<typeof RegistrantSchema> {
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

function prospectJson(p: ProspectListItem): v.InferOutput<typeof ProspectSchema> {
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
    responses: { 200: { description: "A page of webinars", content: json(WebinarList) }, ...errors },
  }),
  validator("query", WebinarListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const page = await webinarPage(createDb(c.env.DB), {
      filter: status,
      limit,
      after: cursor ? decodeKeyset(cursor) : null,
      now: new Date().toISOString(),
    });
    return c.json({ data: page.rows.map(webinarJson), next_cursor: page.next ? encodeKeyset(page.next) : null });
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
      "`registered`, `attended` or `absent` (empty until every session has ended); oldest registration first.",
    responses: { 200: { description: "A page of registrants", content: json(RegistrantList) }, ...errors, ...notFound },
  }),
  validator("param", IdParam, (r) => {
    if (!r.success) noWebinar();
  }),
  validator("query", RegistrantListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const db = createDb(c.env.DB);
    const { status, limit, cursor } = c.req.valid("query");
    const after = cursor ? decodeKeyset(cursor) : null;
    const webinar = await findWebinar(db, c.req.valid("param").id);
    if (!webinar) noWebinar();
    const page = await registrantPage(db, { webinar, filter: status, limit, after, now: new Date().toISOString() });
    return c.json({ data: page.rows.map(registrantJson), next_cursor: page.next ? encodeKeyset(page.next) : null });
  },
);

reportApi.get(
  "/prospects",
  describeRoute({
    summary: "Prospects, newest first",
    description:
      "With `email`, the prospect with that email; an email merged away (F22) finds the prospect it was merged into.",
    responses: { 200: { description: "A page of prospects", content: json(ProspectList) }, ...errors },
  }),
  validator("query", ProspectListQuery, (r) => {
    if (!r.success) invalid(r.error);
  }),
  async (c) => {
    const { email, limit, cursor } = c.req.valid("query");
    const page = await prospectPage(createDb(c.env.DB), {
      email,
      limit,
      after: cursor ? decodeKeyset(cursor) : null,
    });
    return c.json({ data: page.rows.map(prospectJson), next_cursor: page.next ? encodeKeyset(page.next) : null });
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
