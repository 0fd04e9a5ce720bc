import { type Context, Hono } from "hono";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { listCampaigns } from "../../db/queries/campaigns";
import {
  OVERVIEW_SORTS,
  type OverviewFilter,
  type OverviewPosition,
  organizerOptions,
  overviewPage,
} from "../../db/queries/webinar-overview";
import type { AppEnv } from "../../env";
import { decodeKeyset, decodeRanked, encodeKeyset, encodeRanked, PageCursorParam } from "../../lib/cursor";
import { DayParam, dayAfter, dayStart } from "../../lib/validation";
import { validQuery } from "../../middleware/validate";
import {
  type OverviewChoices,
  type OverviewValues,
  overviewQueryString,
  WebinarsPage,
} from "../../views/pages/admin/webinars";

const PAGE_SIZE = 50;

const Id = (what: string) =>
  v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_-]{0,100}$/, `Choose ${what} from the list.`)), "");

const OverviewQuery = v.pipe(
  v.object({
    show: v.optional(v.picklist(["upcoming", "finished", "all"], "Show upcoming, finished or all webinars."), "all"),
    organizer: Id("an organizer"),
    campaign: Id("a campaign"),
    from: DayParam("first"),
    to: DayParam("last"),
    sort: v.optional(
      v.picklist(OVERVIEW_SORTS, "Sort by date, registered, attended, absent, attendance rate or engaged."),
      "date",
    ),
    dir: v.optional(v.picklist(["", "asc", "desc"], "Sort ascending or descending."), ""),
    cursor: PageCursorParam,
  }),
  v.forward(
    v.check((q) => q.from === "" || q.to === "" || q.from <= q.to, "The last date must be on or after the first."),
    ["to"],
  ),
);

type Query = v.InferOutput<typeof OverviewQuery>;

/** Reports > Webinars: the overview of every webinar's figures, filtered and sorted. */
export const webinarOverviewRoutes = new Hono<AppEnv>();

async function choices(c: Context<AppEnv>): Promise<OverviewChoices> {
  const db = createDb(c.env.DB);
  const [organizers, campaigns] = await Promise.all([organizerOptions(db), listCampaigns(db)]);
  return { organizers, campaigns: campaigns.map((cmp) => ({ id: cmp.id, name: cmp.name })) };
}

const FIELDS = ["show", "organizer", "campaign", "from", "to", "sort", "dir"] as const;

function valuesOf(raw: Record<string, string | undefined>): OverviewValues {
  const value = (f: (typeof FIELDS)[number]) => (raw[f] ?? "").slice(0, 100);
  return {
    show: value("show"),
    organizer: value("organizer"),
    campaign: value("campaign"),
    from: value("from"),
    to: value("to"),
    sort: value("sort"),
    dir: value("dir"),
  };
}

/** A link with a filter we cannot apply: the page again with what to fix (400, as other broken links). */
async function refuse(c: Context<AppEnv>, values: Record<string, string>, errors: Record<string, string>) {
  c.status(400);
  return c.render(
    <WebinarsPage values={valuesOf(values)} choices={await choices(c)} errors={errors} rows={[]} nextHref={null} />,
    { title: "Webinars" },
  );
}

function decodePosition(q: Query): OverviewPosition | null {
  if (!q.cursor) return null;
  if (q.sort === "date") return { kind: "date", at: decodeKeyset(q.cursor) };
  return { kind: "ranked", ...decodeRanked(q.cursor) };
}

webinarOverviewRoutes.get(
  "/",
  validQuery(OverviewQuery, (c, { values, errors }) => refuse(c, values, errors)),
  async (c) => {
    const q = c.req.valid("query");
    const opts = await choices(c);
    const errors: Record<string, string> = {};
    if (q.organizer && !opts.organizers.some((o) => o.id === q.organizer)) {
      errors.organizer = "There is no such organizer; choose one from the list.";
    }
    if (q.campaign && !opts.campaigns.some((cmp) => cmp.id === q.campaign)) {
      errors.campaign = "There is no such campaign; choose one from the list.";
    }
    if (Object.keys(errors).length > 0) return refuse(c, q, errors);
    const dir = q.dir || (q.sort === "date" && q.show === "upcoming" ? "asc" : "desc");
    const filter: OverviewFilter = {
      show: q.show,
      connectorId: q.organizer || null,
      campaignId: q.campaign || null,
      from: q.from ? dayStart(q.from) : null,
      to: q.to ? dayAfter(q.to) : null,
      sort: q.sort,
      dir,
    };
    const page = await overviewPage(createDb(c.env.DB), {
      filter,
      limit: PAGE_SIZE,
      after: decodePosition(q),
      now: new Date().toISOString(),
    });
    const values = valuesOf({ ...q, dir });
    const next = page.next
      ? page.next.kind === "date"
        ? encodeKeyset(page.next.at)
        : encodeRanked({ value: page.next.value, id: page.next.id })
      : null;
    const nextHref = next ? `/admin/webinars${overviewQueryString(values, next)}` : null;
    return c.render(<WebinarsPage values={values} choices={opts} errors={{}} rows={page.rows} nextHref={nextHref} />, {
      title: "Webinars",
    });
  },
);
