import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { mergeProspects } from "../../db/queries/merge";
import {
  findActiveProspect,
  type ProspectRow,
  prospectDetail,
  prospectPage,
  prospectTotals,
} from "../../db/queries/prospect-reports";
import { MergeError } from "../../domain/merge";
import type { AppEnv } from "../../env";
import { decodeKeyset, encodeKeyset, PageCursorParam } from "../../lib/cursor";
import { clientIp, formFields } from "../../lib/request";
import { validQuery } from "../../middleware/validate";
import { ProspectDetailPage } from "../../views/pages/admin/prospect-detail";
import { MergeChoosePage, MergeConfirmPage } from "../../views/pages/admin/prospect-merge";
import { ProspectsPage } from "../../views/pages/admin/prospects";

const PAGE_SIZE = 50;

const SearchQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "Search for at most 200 characters.")), ""),
  cursor: PageCursorParam,
});

const Who = v.pipe(v.string(), v.trim(), v.maxLength(254, "Use at most 254 characters."));
const MergeForm = v.object({
  a: v.pipe(Who, v.nonEmpty("Choose the first prospect.")),
  b: v.pipe(Who, v.nonEmpty("Choose the second prospect.")),
  master: v.pipe(v.optional(v.string(), ""), v.nonEmpty("Choose which prospect to keep.")),
});

const MERGE_TITLE = "Merge prospects";

/** Prospects (F20, F22, F23): search, the prospect page and Merge prospects. */
export const prospectRoutes = new Hono<AppEnv>();

prospectRoutes.get(
  "/",
  validQuery(SearchQuery, (c, { values, errors }) => {
    c.status(422);
    return c.render(
      <ProspectsPage
        search={values.q?.slice(0, 200) ?? ""}
        error={Object.values(errors)[0]}
        prospects={[]}
        nextHref={null}
      />,
      { title: "Prospects" },
    );
  }),
  async (c) => {
    const { q, cursor } = c.req.valid("query");
    const page = await prospectPage(createDb(c.env.DB), {
      search: q || undefined,
      limit: PAGE_SIZE,
      after: cursor ? decodeKeyset(cursor) : null,
    });
    const nextHref = page.next ? `/admin/prospects?q=${encodeURIComponent(q)}&cursor=${encodeKeyset(page.next)}` : null;
    return c.render(<ProspectsPage search={q} prospects={page.rows} nextHref={nextHref} />, { title: "Prospects" });
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
