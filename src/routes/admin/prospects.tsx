import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { listCampaigns } from "../../db/queries/campaigns";
import type { JobRow } from "../../db/queries/jobs";
import { listLists } from "../../db/queries/lists";
import { mergeProspects } from "../../db/queries/merge";
import {
  countProspects,
  findActiveProspect,
  type ProspectFilters,
  type ProspectListItem,
  type ProspectRow,
  prospectDetail,
  prospectPage,
  prospectTotals,
  tagsInUse,
} from "../../db/queries/prospect-reports";
import type { Keyset } from "../../db/queries/reports";
import { bulkActionForm } from "../../domain/bulk";
import { MergeError } from "../../domain/merge";
import { cleanText } from "../../domain/text";
import type { AppEnv } from "../../env";
import { csvHeaders } from "../../lib/csv";
import { CSV_PAGE_SIZE, csvStream } from "../../lib/csv-stream";
import { decodeKeyset, encodeKeyset, PageCursorParam } from "../../lib/cursor";
import { clientIp, formFields, isPartialHtmx } from "../../lib/request";
import { ExportFormatParam } from "../../lib/validation";
import { validForm, validQuery } from "../../middleware/validate";
import { startBulkAction } from "../../services/bulk";
import { PROSPECT_EXPORT, prospectExportName } from "../../views/csv-exports";
import { BulkPanel, type BulkPanelProps } from "../../views/pages/admin/bulk";
import { ProspectDetailPage } from "../../views/pages/admin/prospect-detail";
import { MergeChoosePage, MergeConfirmPage } from "../../views/pages/admin/prospect-merge";
import {
  FILTER_NAMES,
  filterQuery,
  type ProspectFilterChoices,
  type ProspectFilterValues,
  ProspectsPage,
} from "../../views/pages/admin/prospects";

const NO_SUCH_LIST = "There is no such list. Choose one from the menu.";
const NO_SUCH_CAMPAIGN = "There is no such campaign. Choose one from the menu.";

const PAGE_SIZE = 50;

const ScoreParam = (label: string) =>
  v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^(-?\d{1,9})?$/, `${label} must be a whole number, like 20 or -5.`)),
    "",
  );
const ChoiceParam = (message: string) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, message)), "");

/** The prospect list's filters as the query string carries them; "" is "any". */
const FILTER_ENTRIES = {
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "Search for at most 200 characters.")), ""),
  list: ChoiceParam(NO_SUCH_LIST),
  tag: v.optional(
    v.pipe(v.string(), v.transform(cleanText), v.trim(), v.maxLength(100, "Use at most 100 characters for a tag.")),
    "",
  ),
  campaign: ChoiceParam(NO_SUCH_CAMPAIGN),
  min_score: ScoreParam("Score at least"),
  max_score: ScoreParam("Score at most"),
};

const SCORE_ORDER = "Score at most must not be below Score at least.";

const ProspectsQuery = v.pipe(
  v.object({ ...FILTER_ENTRIES, cursor: PageCursorParam, format: ExportFormatParam }),
  v.forward(
    v.check((f) => f.min_score === "" || f.max_score === "" || Number(f.min_score) <= Number(f.max_score), SCORE_ORDER),
    ["max_score"],
  ),
);

/** Add to list or Tag, for every prospect the filters match. */
const BulkForm = bulkActionForm(FILTER_ENTRIES);

const Who = v.pipe(v.string(), v.trim(), v.maxLength(254, "Use at most 254 characters."));
const MergeForm = v.object({
  a: v.pipe(Who, v.nonEmpty("Choose the first prospect.")),
  b: v.pipe(Who, v.nonEmpty("Choose the second prospect.")),
  master: v.pipe(v.optional(v.string(), ""), v.nonEmpty("Choose which prospect to keep.")),
});

const MERGE_TITLE = "Merge prospects";

/** Prospects: search, the prospect page and Merge prospects. */
export const prospectRoutes = new Hono<AppEnv>();

async function filterChoices(c: Context<AppEnv>): Promise<ProspectFilterChoices> {
  const db = createDb(c.env.DB);
  const [lists, campaigns, tags] = await Promise.all([listLists(db), listCampaigns(db), tagsInUse(db)]);
  return {
    lists: lists.map((l) => ({ id: l.id, name: l.name })),
    campaigns: campaigns.map((cmp) => ({ id: cmp.id, name: cmp.name })),
    tags,
  };
}

/** Filters the page could not apply: the page again with the values as sent and what to fix (422). */
async function refuseFilters(c: Context<AppEnv>, values: Record<string, string>, errors: Record<string, string>) {
  const filters = Object.fromEntries(
    FILTER_NAMES.map((name) => [name, (values[name] ?? "").slice(0, 200)]),
  ) as ProspectFilterValues;
  c.status(422);
  return c.render(
    <ProspectsPage
      filters={filters}
      choices={await filterChoices(c)}
      errors={errors}
      prospects={[]}
      nextHref={null}
      exportHref={null}
    />,
    { title: "Prospects" },
  );
}

prospectRoutes.get(
  "/",
  validQuery(ProspectsQuery, (c, { values, errors }) => refuseFilters(c, values, errors)),
  async (c) => {
    const { cursor, format, ...filters } = c.req.valid("query");
    const { choices, list, campaign, applied, errors } = await applyFilters(c, filters);
    if (Object.keys(errors).length > 0) return refuseFilters(c, filters, errors);
    const db = createDb(c.env.DB);
    const after = cursor ? decodeKeyset(cursor) : null;
    if (format === "csv") {
      const body = await csvStream<ProspectListItem, Keyset>({
        columns: PROSPECT_EXPORT,
        start: null,
        page: (position) => prospectPage(db, { ...applied, limit: CSV_PAGE_SIZE, after: position }),
        what: "prospects",
      });
      const name = prospectExportName(filters, { list: list?.name, campaign: campaign?.name }, new Date());
      await recordAudit(db, {
        actorId: c.get("user")?.id ?? null,
        action: "report.exported",
        subject: name.unicode,
        ip: clientIp(c),
      });
      return c.body(body, 200, csvHeaders(name));
    }
    const page = await prospectPage(db, { ...applied, limit: PAGE_SIZE, after });
    const query = filterQuery(filters);
    const nextHref = page.next ? `/admin/prospects?${query}${query ? "&" : ""}cursor=${encodeKeyset(page.next)}` : null;
    const exportHref = page.rows.length > 0 ? `/admin/prospects?${query}${query ? "&" : ""}format=csv` : null;
    const count = page.rows.length === 0 ? 0 : await countProspects(db, applied);
    return c.render(
      <ProspectsPage
        filters={filters}
        choices={choices}
        errors={{}}
        prospects={page.rows}
        nextHref={nextHref}
        exportHref={exportHref}
        bulk={count > 0 ? await bulkPanelProps(c, filters, count) : undefined}
      />,
      { title: "Prospects" },
    );
  },
);

/** The filters as the query applies them, after checking the list and campaign chosen exist. */
async function applyFilters(c: Context<AppEnv>, filters: ProspectFilterValues) {
  const choices = await filterChoices(c);
  const list = choices.lists.find((l) => l.id === filters.list);
  const campaign = choices.campaigns.find((cmp) => cmp.id === filters.campaign);
  const errors: Record<string, string> = {};
  if (filters.list && !list) errors.list = NO_SUCH_LIST;
  if (filters.campaign && !campaign) errors.campaign = NO_SUCH_CAMPAIGN;
  if (filters.min_score !== "" && filters.max_score !== "" && Number(filters.min_score) > Number(filters.max_score)) {
    errors.max_score = SCORE_ORDER;
  }
  const applied: ProspectFilters = {
    search: filters.q || undefined,
    listId: filters.list || undefined,
    tag: filters.tag || undefined,
    campaignId: filters.campaign || undefined,
    minScore: filters.min_score === "" ? undefined : Number(filters.min_score),
    maxScore: filters.max_score === "" ? undefined : Number(filters.max_score),
  };
  return { choices, list, campaign, applied, errors };
}

function filterValues(values: Record<string, string>): ProspectFilterValues {
  return Object.fromEntries(
    FILTER_NAMES.map((name) => [name, (values[name] ?? "").slice(0, 200)]),
  ) as ProspectFilterValues;
}

/** The prospect list's bulk panel: every prospect the filters match, and the static lists to add them to. */
async function bulkPanelProps(
  c: Context<AppEnv>,
  filters: ProspectFilterValues,
  count: number,
): Promise<BulkPanelProps> {
  const lists = await listLists(createDb(c.env.DB));
  return {
    action: "/admin/prospects/bulk",
    hidden: Object.fromEntries(
      FILTER_NAMES.filter((name) => filters[name] !== "").map((name) => [name, filters[name]]),
    ),
    count,
    lists: lists.filter((l) => l.kind === "static").map((l) => ({ id: l.id, name: l.name })),
    csrfToken: c.get("csrfToken"),
  };
}

/** The bulk panel again (422, with what to fix, filters' own problems included), or after queueing. */
async function answerBulk(
  c: Context<AppEnv>,
  filters: ProspectFilterValues,
  count: number,
  extra: { values?: Record<string, string>; errors?: Record<string, string>; job?: JobRow },
) {
  const errors = { ...extra.errors };
  // A filter the panel has no field for: said on the panel as a whole.
  const filterProblem = FILTER_NAMES.map((name) => errors[name]).find(Boolean);
  if (filterProblem && !errors._form) errors._form = `The filters cannot be applied: ${filterProblem}`;
  const panel = <BulkPanel {...(await bulkPanelProps(c, filters, count))} {...extra} errors={errors} />;
  if (isPartialHtmx(c)) return c.html(panel);
  return c.render(panel, { title: "Prospects" });
}

prospectRoutes.post(
  "/bulk",
  validForm(BulkForm, async (c, { values, errors }) => {
    // The panel again with its count, when the filters themselves are fine.
    const filters = filterValues(values);
    const applied = FILTER_NAMES.some((name) => errors[name]) ? null : await applyFilters(c, filters);
    const count =
      applied && Object.keys(applied.errors).length === 0
        ? await countProspects(createDb(c.env.DB), applied.applied)
        : 0;
    c.status(422);
    return answerBulk(c, filters, count, { values, errors });
  }),
  async (c) => {
    const form = c.req.valid("form");
    const filters = filterValues(form);
    const values = Object.fromEntries(Object.entries(form).map(([k, val]) => [k, String(val)]));
    const { list, campaign, applied, errors } = await applyFilters(c, filters);
    if (Object.keys(errors).length > 0) {
      c.status(422);
      return answerBulk(c, filters, 0, { values, errors });
    }
    const count = await countProspects(createDb(c.env.DB), applied);
    const user = c.get("user");
    if (!user) throw new Error("bulk actions need a signed-in user");
    const describe = [
      "Prospects",
      filters.q && `matching “${filters.q}”`,
      list && `in “${list.name}”`,
      filters.tag && `tagged “${filters.tag}”`,
      campaign && `of “${campaign.name}”`,
      filters.min_score && `score ≥ ${filters.min_score}`,
      filters.max_score && `score ≤ ${filters.max_score}`,
    ]
      .filter(Boolean)
      .join(", ");
    const outcome = await startBulkAction(c.env, {
      source: { type: "prospects", filters: applied },
      form,
      count,
      describe,
      actor: { id: user.id, ip: clientIp(c) },
    });
    if (!outcome.ok) {
      c.status(422);
      return answerBulk(c, filters, count, { values, errors: outcome.errors });
    }
    if (!isPartialHtmx(c)) return c.redirect(`/admin/bulk/${outcome.job.id}`, 303);
    return answerBulk(c, filters, count, { job: outcome.job });
  },
);

function chooseAgain(
  c: Context<AppEnv>,
  values: { a: string; b: string },
  errors: { a?: string; b?: string; _form?: string },
) {
  c.status(422);
  return c.render(<MergeChoosePage a={values.a} b={values.b} errors={errors} />, { title: MERGE_TITLE });
}

async function renderConfirm(
  c: Context<AppEnv>,
  first: ProspectRow,
  second: ProspectRow,
  master: string,
  error?: string,
) {
  const db = createDb(c.env.DB);
  const [t1, t2] = await Promise.all([prospectTotals(db, first.id), prospectTotals(db, second.id)]);
  return c.render(
    <MergeConfirmPage
      first={first}
      second={second}
      totals={{ [first.id]: t1, [second.id]: t2 }}
      master={master}
      error={error}
      csrfToken={c.get("csrfToken")}
    />,
    { title: MERGE_TITLE },
  );
}

const SAME = "You chose the same prospect twice. Choose two different prospects to merge.";

prospectRoutes.get("/merge", async (c) => {
  const picks = c.req.queries("pick") ?? [];
  const a = (picks[0] ?? c.req.query("a") ?? "").trim().slice(0, 254);
  const b = (picks[1] ?? c.req.query("b") ?? "").trim().slice(0, 254);
  if (picks.length > 0 && picks.length !== 2) {
    return chooseAgain(c, { a: "", b: "" }, { _form: "Tick exactly two prospects in the list to merge them." });
  }
  const db = createDb(c.env.DB);
  if (!a || !b) {
    // Coming from a prospect's page: show its email rather than its id.
    const known = a ? await findActiveProspect(db, a) : null;
    return c.render(<MergeChoosePage a={known?.email ?? a} b={b} errors={{}} />, { title: MERGE_TITLE });
  }
  const [first, second] = await Promise.all([findActiveProspect(db, a), findActiveProspect(db, b)]);
  const shown = { a: first?.email ?? a, b: second?.email ?? b };
  if (!first || !second) {
    const missing = "No prospect has this email (merged-away prospects cannot be merged again).";
    return chooseAgain(c, shown, { ...(first ? {} : { a: missing }), ...(second ? {} : { b: missing }) });
  }
  if (first.id === second.id) return chooseAgain(c, shown, { _form: SAME });
  return renderConfirm(c, first, second, first.id);
});

prospectRoutes.post("/merge", async (c) => {
  const body = await formFields(c);
  if (body.a?.trim() && body.a.trim() === body.b?.trim())
    return chooseAgain(c, { a: body.a, b: body.b }, { _form: SAME });
  const parsed = v.safeParse(MergeForm, body);
  const db = createDb(c.env.DB);
  if (!parsed.success) {
    const [first, second] = await Promise.all([
      findActiveProspect(db, body.a ?? ""),
      findActiveProspect(db, body.b ?? ""),
    ]);
    if (first && second && first.id !== second.id) {
      c.status(422);
      return renderConfirm(c, first, second, "", parsed.issues[0]?.message);
    }
    return chooseAgain(c, { a: body.a ?? "", b: body.b ?? "" }, { _form: parsed.issues[0]?.message ?? SAME });
  }
  const { a, b, master } = parsed.output;
  if (master !== a && master !== b) {
    return chooseAgain(c, { a, b }, { _form: "Choose one of the two prospects to keep." });
  }
  const otherId = master === a ? b : a;
  try {
    const result = await mergeProspects(c.env.DB, {
      masterId: master,
      otherId,
      mergedBy: c.get("user")?.id ?? null,
      now: new Date().toISOString(),
    });
    await recordAudit(db, {
      actorId: c.get("user")?.id ?? null,
      action: "prospect.merged",
      subject: `${result.mergedEmail} into ${result.masterId}`,
      ip: clientIp(c),
    });
    return c.redirect(`/admin/prospects/${result.masterId}?flash=merged`, 303);
  } catch (error) {
    if (error instanceof MergeError) return chooseAgain(c, { a: "", b: "" }, { _form: error.message });
    throw error;
  }
});

prospectRoutes.get("/:id", async (c) => {
  const detail = await prospectDetail(createDb(c.env.DB), c.req.param("id"));
  if (!detail) throw new HTTPException(404, { message: "There is no such prospect. Search for it in the list." });
  const flash =
    c.req.query("flash") === "merged"
      ? `Merged. ${detail.merges.at(-1)?.email ?? "The other prospect"} now lives on this prospect.`
      : undefined;
  return c.render(<ProspectDetailPage detail={detail} flash={flash} />, { title: detail.prospect.email });
});
