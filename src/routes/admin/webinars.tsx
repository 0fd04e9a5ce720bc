import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import type { JobRow } from "../../db/queries/jobs";
import { listLists } from "../../db/queries/lists";
import {
  type Keyset,
  REGISTRANT_FILTERS,
  type RegistrantFilter,
  type RegistrantRow,
  registrantPage,
  type WebinarWithCounts,
  webinarWithCounts,
} from "../../db/queries/reports";
import { bulkActionForm } from "../../domain/bulk";
import type { AppEnv } from "../../env";
import { csvFileName, csvHeaders, localDate } from "../../lib/csv";
import { CSV_PAGE_SIZE, csvStream } from "../../lib/csv-stream";
import { decodeKeyset, encodeKeyset, PageCursorParam } from "../../lib/cursor";
import { clientIp, isPartialHtmx } from "../../lib/request";
import { ExportFormatParam } from "../../lib/validation";
import { brokenLink, validForm, validQuery } from "../../middleware/validate";
import { startBulkAction } from "../../services/bulk";
import { type SyncNowOutcome, syncWebinarNow, webinarDetail, webinarSyncPanel } from "../../services/webinar-detail";
import { REGISTRANT_EXPORT } from "../../views/csv-exports";
import { BulkPanel } from "../../views/pages/admin/bulk";
import {
  RegistrantsPage,
  SyncPanel,
  type SyncPanelProps,
  WebinarDetailPage,
} from "../../views/pages/admin/webinar-detail";

const PAGE_SIZE = 50;

const StatusParam = v.optional(
  v.picklist(REGISTRANT_FILTERS, "Choose registered, accepted, attended, absent, cancelled or denied prospects."),
  "registered",
);

const RegistrantsQuery = v.object({
  status: StatusParam,
  cursor: PageCursorParam,
  format: ExportFormatParam,
});

/** Add to list or Tag, for every prospect behind one of the webinar's counts. */
const BulkForm = bulkActionForm({ status: StatusParam });

/** Webinars: the list, the webinar page, the prospects behind each count, Sync now. */
export const webinarRoutes = new Hono<AppEnv>();

async function loadWebinar(c: Context<AppEnv>): Promise<WebinarWithCounts> {
  const webinar = await webinarWithCounts(createDb(c.env.DB), c.req.param("id") ?? "", new Date().toISOString());
  if (!webinar) throw new HTTPException(404, { message: "There is no such webinar. Find it in the webinar list." });
  return webinar;
}

/** What the panel says after Sync now, and the status it answers with. */
function syncNowAnswer(outcome: SyncNowOutcome): {
  flash: NonNullable<SyncPanelProps["flash"]>;
  status: 200 | 409 | 503;
} {
  if (outcome.kind === "refused") return { flash: { kind: "error", text: outcome.reason }, status: 409 };
  if (outcome.kind === "unavailable") {
    return {
      flash: { kind: "error", text: "The sync engine could not start a sync right now. Try again in a minute." },
      status: 503,
    };
  }
  return {
    flash: { kind: "info", text: "Sync started: registrants and attendance are being read from GoTo." },
    status: 200,
  };
}

webinarRoutes.get("/:id", async (c) => {
  const webinar = await loadWebinar(c);
  const page = await webinarDetail(c.env, webinar);
  return c.render(
    <WebinarDetailPage
      webinar={webinar}
      connector={page.connector}
      sync={{ ...page.sync, csrfToken: c.get("csrfToken") }}
      outboxRows={page.outboxRows}
      unmatched={page.unmatched}
      charts={page.charts}
      engagement={page.engagement}
    />,
    { title: webinar.subject },
  );
});

webinarRoutes.get(
  "/:id/registrants",
  validQuery(RegistrantsQuery, async (c, input) => {
    // An unknown webinar is a 404 before its filter is looked at.
    await loadWebinar(c);
    return brokenLink(input);
  }),
  async (c) => {
    const webinar = await loadWebinar(c);
    const { status, cursor, format } = c.req.valid("query");
    const db = createDb(c.env.DB);
    const now = new Date().toISOString();
    const after = cursor ? decodeKeyset(cursor) : null;
    if (format === "csv") {
      // Every matching prospect from the first, whatever page the link was on.
      const body = await csvStream<RegistrantRow, Keyset>({
        columns: REGISTRANT_EXPORT,
        start: null,
        page: (after) => registrantPage(db, { webinar, filter: status, limit: CSV_PAGE_SIZE, after, now }),
        what: `webinar ${webinar.id} ${status}`,
      });
      const name = csvFileName([webinar.subject, status, localDate(webinar.startsAt, webinar.timeZone)], "webinar");
      await recordAudit(db, {
        actorId: c.get("user")?.id ?? null,
        action: "report.exported",
        subject: name.unicode,
        ip: clientIp(c),
      });
      return c.body(body, 200, csvHeaders(name));
    }
    const page = await registrantPage(db, {
      webinar,
      filter: status,
      limit: PAGE_SIZE,
      after,
      now,
    });
    const nextHref = page.next
      ? `/admin/webinars/${webinar.id}/registrants?status=${status}&cursor=${encodeKeyset(page.next)}`
      : null;
    const bulk = await bulkPanelProps(c, webinar, status);
    return c.render(
      <RegistrantsPage webinar={webinar} filter={status} rows={page.rows} nextHref={nextHref} bulk={bulk} />,
      { title: `${webinar.subject}: ${status}` },
    );
  },
);

/** The drill-down's bulk panel: its count's prospects, and the static lists to add them to. */
async function bulkPanelProps(c: Context<AppEnv>, webinar: WebinarWithCounts, status: RegistrantFilter) {
  const lists = await listLists(createDb(c.env.DB));
  return {
    action: `/admin/webinars/${webinar.id}/registrants/bulk`,
    hidden: { status },
    count: webinar.counts[status],
    lists: lists.filter((l) => l.kind === "static").map((l) => ({ id: l.id, name: l.name })),
    csrfToken: c.get("csrfToken"),
  };
}

/** The bulk panel again (422, with what to fix), or as it is after queueing (with the job's progress). */
async function answerBulk(
  c: Context<AppEnv>,
  webinar: WebinarWithCounts,
  status: RegistrantFilter,
  extra: { values?: Record<string, string>; errors?: Record<string, string>; job?: JobRow },
) {
  const panel = <BulkPanel {...(await bulkPanelProps(c, webinar, status))} {...extra} />;
  if (isPartialHtmx(c)) return c.html(panel);
  return c.render(panel, { title: `${webinar.subject}: ${status}` });
}

webinarRoutes.post(
  "/:id/registrants/bulk",
  validForm(BulkForm, async (c, { values, errors }) => {
    const webinar = await loadWebinar(c);
    const status = (REGISTRANT_FILTERS as readonly string[]).includes(values.status ?? "")
      ? (values.status as RegistrantFilter)
      : "registered";
    c.status(422);
    return answerBulk(c, webinar, status, { values, errors });
  }),
  async (c) => {
    const webinar = await loadWebinar(c);
    const form = c.req.valid("form");
    const user = c.get("user");
    if (!user) throw new Error("bulk actions need a signed-in user");
    const outcome = await startBulkAction(c.env, {
      source: { type: "webinar", webinarId: webinar.id, status: form.status },
      form,
      count: webinar.counts[form.status],
      describe: `${webinar.subject}: ${form.status}`,
      actor: { id: user.id, ip: clientIp(c) },
    });
    const values = Object.fromEntries(Object.entries(form).map(([k, val]) => [k, String(val)]));
    if (!outcome.ok) {
      c.status(422);
      return answerBulk(c, webinar, form.status, { values, errors: outcome.errors });
    }
    if (!isPartialHtmx(c)) return c.redirect(`/admin/bulk/${outcome.job.id}`, 303);
    return answerBulk(c, webinar, form.status, { job: outcome.job });
  },
);

webinarRoutes.post("/:id/sync", async (c) => {
  const webinar = await loadWebinar(c);
  const outcome = await syncWebinarNow(c.env, webinar, { actorId: c.get("user")?.id ?? null, ip: clientIp(c) });
  const { flash, status } = syncNowAnswer(outcome);
  if (!isPartialHtmx(c)) {
    if (status !== 200) throw new HTTPException(409, { message: flash.text });
    return c.redirect(`/admin/webinars/${webinar.id}`, 303);
  }
  const after = await webinarSyncPanel(
    c.env,
    (await webinarWithCounts(createDb(c.env.DB), webinar.id, new Date().toISOString())) ?? webinar,
  );
  return c.html(<SyncPanel {...after} csrfToken={c.get("csrfToken")} flash={flash} />, status);
});
