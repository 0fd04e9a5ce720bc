import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { type EngagedRow, engagedPage } from "../../db/queries/engagement-report";
import type { JobRow } from "../../db/queries/jobs";
import { type Keyset, type WebinarWithCounts, webinarWithCounts } from "../../db/queries/reports";
import { bulkActionForm } from "../../domain/bulk";
import { DrillEntries, drillFields, drillOf, type EngagementDrill } from "../../domain/engagement-drill";
import type { AppEnv } from "../../env";
import { csvFileName, csvHeaders, localDate } from "../../lib/csv";
import { CSV_PAGE_SIZE, csvStream } from "../../lib/csv-stream";
import { decodeKeyset, encodeKeyset, PageCursorParam } from "../../lib/cursor";
import { clientIp, isPartialHtmx } from "../../lib/request";
import { ExportFormatParam } from "../../lib/validation";
import { brokenLink, validForm, validQuery } from "../../middleware/validate";
import { startBulkAction } from "../../services/bulk";
import { engagedDrillDown } from "../../services/webinar-engagement";
import { ENGAGED_EXPORT } from "../../views/engagement-exports";
import { BulkPanel, type BulkPanelProps } from "../../views/pages/admin/bulk";
import { EngagedPage, engagedHref } from "../../views/pages/admin/webinar-engagement";

const PAGE_SIZE = 50;

const DrillQuery = v.object({ ...DrillEntries, cursor: PageCursorParam, format: ExportFormatParam });

/** Add to list or Tag, for every prospect behind one engagement figure. */
const BulkForm = bulkActionForm(DrillEntries);

/** The prospects behind the webinar page's attendance per session and engagement figures. */
export const webinarEngagementRoutes = new Hono<AppEnv>();

async function loadWebinar(c: Context<AppEnv>): Promise<WebinarWithCounts> {
  const webinar = await webinarWithCounts(createDb(c.env.DB), c.req.param("id") ?? "", new Date().toISOString());
  if (!webinar) throw new HTTPException(404, { message: "There is no such webinar. Find it in the webinar list." });
  return webinar;
}

function drillOrFail(fields: Parameters<typeof drillOf>[0]): EngagementDrill {
  const found = drillOf(fields);
  if (!found.ok) throw new HTTPException(400, { message: found.message });
  return found.drill;
}

function bulkProps(
  c: Context<AppEnv>,
  webinar: WebinarWithCounts,
  drill: EngagementDrill,
  count: number,
  lists: { id: string; name: string }[],
): BulkPanelProps {
  return {
    action: `/admin/webinars/${webinar.id}/engaged/bulk`,
    hidden: drillFields(drill),
    count,
    lists,
    csrfToken: c.get("csrfToken"),
  };
}

webinarEngagementRoutes.get(
  "/:id/engaged",
  validQuery(DrillQuery, async (c, input) => {
    await loadWebinar(c);
    return brokenLink(input);
  }),
  async (c) => {
    const webinar = await loadWebinar(c);
    const query = c.req.valid("query");
    const drill = drillOrFail(query);
    const db = createDb(c.env.DB);
    if (query.format === "csv") {
      const body = await csvStream<EngagedRow, Keyset>({
        columns: ENGAGED_EXPORT,
        start: null,
        page: (after) => engagedPage(db, { webinarId: webinar.id, drill, limit: CSV_PAGE_SIZE, after }),
        what: `webinar ${webinar.id} engaged ${drill.what}`,
      });
      const name = csvFileName([webinar.subject, drill.what, localDate(webinar.startsAt, webinar.timeZone)], "webinar");
      await recordAudit(db, {
        actorId: c.get("user")?.id ?? null,
        action: "report.exported",
        subject: name.unicode,
        ip: clientIp(c),
      });
      return c.body(body, 200, csvHeaders(name));
    }
    const page = await engagedDrillDown(db, webinar, drill, {
      limit: PAGE_SIZE,
      after: query.cursor ? decodeKeyset(query.cursor) : null,
    });
    const nextHref = page.next ? engagedHref(webinar.id, drill, { cursor: encodeKeyset(page.next) }) : null;
    return c.render(
      <EngagedPage
        webinar={webinar}
        drill={drill}
        title={page.title}
        count={page.count}
        rows={page.rows}
        nextHref={nextHref}
        bulk={bulkProps(c, webinar, drill, page.count, page.lists)}
      />,
      { title: `${webinar.subject}: ${page.title}` },
    );
  },
);

async function answerBulk(
  c: Context<AppEnv>,
  webinar: WebinarWithCounts,
  drill: EngagementDrill,
  extra: { values?: Record<string, string>; errors?: Record<string, string>; job?: JobRow },
) {
  const page = await engagedDrillDown(createDb(c.env.DB), webinar, drill, { limit: 0, after: null });
  const panel = <BulkPanel {...bulkProps(c, webinar, drill, page.count, page.lists)} {...extra} />;
  if (isPartialHtmx(c)) return c.html(panel);
  return c.render(panel, { title: `${webinar.subject}: ${page.title}` });
}

webinarEngagementRoutes.post(
  "/:id/engaged/bulk",
  validForm(BulkForm, async (c, { values, errors }) => {
    const webinar = await loadWebinar(c);
    const found = drillOf({
      what: (["session", "poll", "survey", "question"] as const).find((w) => w === values.what) ?? "survey",
      session: /^\d{1,20}$/.test(values.session ?? "") ? (values.session ?? "") : "",
      question: (values.question ?? "").slice(0, 500),
      answer: (values.answer ?? "").slice(0, 500),
    });
    c.status(422);
    return answerBulk(c, webinar, found.ok ? found.drill : { what: "survey" }, { values, errors });
  }),
  async (c) => {
    const webinar = await loadWebinar(c);
    const form = c.req.valid("form");
    const drill = drillOrFail(form);
    const user = c.get("user");
    if (!user) throw new Error("bulk actions need a signed-in user");
    const db = createDb(c.env.DB);
    const { count, title } = await engagedDrillDown(db, webinar, drill, { limit: 0, after: null });
    const outcome = await startBulkAction(c.env, {
      source: { type: "engagement", webinarId: webinar.id, drill },
      form,
      count,
      describe: `${webinar.subject}: ${title}`,
      actor: { id: user.id, ip: clientIp(c) },
    });
    const values = Object.fromEntries(Object.entries(form).map(([k, val]) => [k, String(val)]));
    if (!outcome.ok) {
      c.status(422);
      return answerBulk(c, webinar, drill, { values, errors: outcome.errors });
    }
    if (!isPartialHtmx(c)) return c.redirect(`/admin/bulk/${outcome.job.id}`, 303);
    return answerBulk(c, webinar, drill, { job: outcome.job });
  },
);
