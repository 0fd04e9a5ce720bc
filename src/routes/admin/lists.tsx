import { type Context, Hono } from "hono";
import * as v from "valibot";
import { createDb } from "../../db/client";
import {
  criteriaChoices,
  findList,
  type ListRow,
  listLists,
  memberPage,
  previewCriteria,
} from "../../db/queries/lists";
import {
  applyOp,
  type Criteria,
  criteriaFromFields,
  type Draft,
  draftFromCriteria,
  draftFromFields,
  fieldsOfDraft,
  NEW_DRAFT,
  parseOp,
} from "../../domain/criteria";
import type { AppEnv } from "../../env";
import { decodeKeyset, encodeKeyset, PageCursorParam } from "../../lib/cursor";
import { clientIp, formFields, isPartialHtmx } from "../../lib/request";
import { NameField } from "../../lib/validation";
import { type InvalidInput, validForm, validQuery } from "../../middleware/validate";
import {
  addStaticMember,
  createStaticList,
  deleteList,
  listCriteria,
  listCriteriaWords,
  listDeletion,
  recomputeProgress,
  removeStaticMember,
  saveDynamicList,
} from "../../services/lists";
import { CriteriaPreview, type PreviewResult } from "../../views/pages/admin/criteria-builder";
import { ListDeletePage } from "../../views/pages/admin/list-delete";
import {
  BuilderFragment,
  DynamicListPage,
  JobProgress,
  ListDetail,
  ListsPage,
  MembersSection,
  type MembersView,
} from "../../views/pages/admin/lists";

const ListForm = v.object({ name: NameField("a list name") });

/**
 * A dynamic list's form: its name and the criteria builder's fields, validated here as criteria
 * (every problem named by its field's path). What only the database knows (the name is free, the
 * webinars and lists named exist) is checked by the service, with the same 422 page.
 */
const DynamicListForm = v.pipe(
  v.record(v.string(), v.string()),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const fields = dataset.value;
    const name = v.safeParse(NameField("a list name"), fields.name ?? "");
    const criteria = criteriaFromFields(fields);
    const issue = (key: string, message: string) =>
      addIssue({ message, path: [{ type: "object", origin: "value", input: fields, key, value: fields[key] }] });
    if (!name.success) issue("name", name.issues[0]?.message ?? "Enter a list name.");
    if (!criteria.ok) for (const [key, message] of Object.entries(criteria.errors)) issue(key, message);
    if (!name.success || !criteria.ok) return NEVER;
    return { name: name.output, criteria: criteria.criteria };
  }),
);

const MembersQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "Search for at most 200 characters.")), ""),
  cursor: PageCursorParam,
});

const WhoForm = v.object({
  who: v.pipe(
    v.string("Enter the prospect's email or id."),
    v.trim(),
    v.nonEmpty("Enter the prospect's email or id."),
    v.maxLength(254, "Use at most 254 characters."),
  ),
});

const PAGE_SIZE = 50;
const PREVIEW_SAMPLE = 10;

/** Admin > Lists: static lists (forms and people add to them) and dynamic lists (criteria fill them). */
export const listRoutes = new Hono<AppEnv>();

function actor(c: Context<AppEnv>) {
  const user = c.get("user");
  if (!user) throw new Error("lists need a signed-in user");
  return { id: user.id, ip: clientIp(c) };
}

async function renderLists(c: Context<AppEnv>, state: { flash?: string; name?: string; error?: string }) {
  const lists = await listLists(createDb(c.env.DB));
  return c.render(<ListsPage lists={lists} state={state} csrfToken={c.get("csrfToken")} />, { title: "Lists" });
}

const ListsQuery = v.object({
  deleted: v.optional(v.literal("1", "Leave deleted out or set it to 1.")),
});

listRoutes.get(
  "/",
  validQuery(ListsQuery, (c) => renderLists(c, {})),
  (c) => {
    const { deleted } = c.req.valid("query");
    return renderLists(c, deleted === undefined ? {} : { flash: "List deleted; its prospects stay." });
  },
);

listRoutes.post(
  "/",
  validForm(ListForm, (c, { values, errors }) => {
    c.status(422);
    return renderLists(c, { name: values.name ?? "", error: errors.name });
  }),
  async (c) => {
    const { list, created } = await createStaticList(c.env, c.req.valid("form").name, actor(c));
    return renderLists(c, {
      flash: created
        ? `List “${list.name}” is ready. Add it to a form's completion actions, or add members on its page.`
        : `There is already a list “${list.name}”.`,
    });
  },
);

async function preview(c: Context<AppEnv>, criteria: Criteria | null): Promise<PreviewResult | null> {
  if (!criteria) return null;
  return previewCriteria(createDb(c.env.DB), criteria, new Date().toISOString(), PREVIEW_SAMPLE);
}

async function renderBuilder(
  c: Context<AppEnv>,
  list: { id: string | null; name: string },
  draft: Draft,
  errors: Record<string, string>,
  criteria: Criteria | null,
) {
  const [choices, shown] = await Promise.all([criteriaChoices(createDb(c.env.DB)), preview(c, criteria)]);
  if (list.id) choices.lists = choices.lists.filter((l) => l.id !== list.id);
  return c.render(
    <DynamicListPage
      list={list}
      draft={draft}
      errors={errors}
      choices={choices}
      preview={shown}
      problems={Object.keys(errors).length}
      csrfToken={c.get("csrfToken")}
    />,
    { title: list.id ? `Edit criteria: ${list.name}` : "Add dynamic list" },
  );
}

listRoutes.get("/new", (c) => renderBuilder(c, { id: null, name: "" }, NEW_DRAFT, {}, null));

/** A builder button or kind change: the builder for the draft after it (the whole page without htmx). */
listRoutes.post("/builder", async (c) => {
  const fields = await formFields(c);
  const draft = applyOp(draftFromFields(fields), parseOp(fields.op));
  const listId = fields.listId && /^lst_[A-Za-z0-9_-]{1,60}$/.test(fields.listId) ? fields.listId : null;
  const parsed = criteriaFromFields(fieldsOfDraft(draft));
  const criteria = parsed.ok ? parsed.criteria : null;
  if (!isPartialHtmx(c))
    return renderBuilder(c, { id: listId, name: (fields.name ?? "").slice(0, 100) }, draft, {}, criteria);
  const [choices, shown] = await Promise.all([criteriaChoices(createDb(c.env.DB)), preview(c, criteria)]);
  if (listId) choices.lists = choices.lists.filter((l) => l.id !== listId);
  return c.html(
    <BuilderFragment
      draft={draft}
      choices={choices}
      preview={shown}
      problems={parsed.ok ? 0 : Object.keys(parsed.errors).length}
    />,
  );
});

/** The live preview: valid criteria show their count and first matches; anything else how many things to fix. */
listRoutes.post("/preview", async (c) => {
  const parsed = criteriaFromFields(await formFields(c));
  return c.html(
    <CriteriaPreview
      preview={await preview(c, parsed.ok ? parsed.criteria : null)}
      problems={parsed.ok ? 0 : Object.keys(parsed.errors).length}
    />,
  );
});

function invalidDynamic(list: (c: Context<AppEnv>) => Promise<{ id: string | null; name: string } | null>) {
  return async (c: Context<AppEnv>, { values, errors }: InvalidInput) => {
    const target = await list(c);
    if (!target) return c.notFound();
    c.status(422);
    const draft = draftFromFields(values);
    return renderBuilder(c, { id: target.id, name: (values.name ?? "").slice(0, 100) }, draft, errors, null);
  };
}

listRoutes.post(
  "/dynamic",
  validForm(
    DynamicListForm,
    invalidDynamic(async () => ({ id: null, name: "" })),
  ),
  async (c) => {
    const { name, criteria } = c.req.valid("form");
    const saved = await saveDynamicList(c.env, { id: null, name, criteria, actor: actor(c) });
    if (!saved.ok) {
      c.status(422);
      return renderBuilder(c, { id: null, name }, draftFromCriteria(criteria), saved.errors, null);
    }
    return c.redirect(`/admin/lists/${saved.list.id}`, 303);
  },
);

async function dynamicList(c: Context<AppEnv>): Promise<ListRow | null> {
  const list = await findList(createDb(c.env.DB), c.req.param("id") ?? "");
  return list && list.kind === "dynamic" ? list : null;
}

listRoutes.get("/:id/edit", async (c) => {
  const list = await dynamicList(c);
  if (!list) return c.notFound();
  const criteria = listCriteria(list);
  return renderBuilder(c, list, criteria ? draftFromCriteria(criteria) : NEW_DRAFT, {}, criteria);
});

listRoutes.post("/:id/criteria", validForm(DynamicListForm, invalidDynamic(dynamicList)), async (c) => {
  const list = await dynamicList(c);
  if (!list) return c.notFound();
  const { name, criteria } = c.req.valid("form");
  const saved = await saveDynamicList(c.env, { id: list.id, name, criteria, actor: actor(c) });
  if (!saved.ok) {
    c.status(422);
    return renderBuilder(c, { id: list.id, name }, draftFromCriteria(criteria), saved.errors, null);
  }
  return c.redirect(`/admin/lists/${list.id}`, 303);
});

async function membersView(
  c: Context<AppEnv>,
  list: ListRow,
  q: string,
  cursor: string | undefined,
): Promise<MembersView> {
  const page = await memberPage(createDb(c.env.DB), {
    listId: list.id,
    search: q || undefined,
    limit: PAGE_SIZE,
    after: cursor ? decodeKeyset(cursor) : null,
  });
  const nextHref = page.next
    ? `/admin/lists/${list.id}?q=${encodeURIComponent(q)}&cursor=${encodeKeyset(page.next)}`
    : null;
  return { rows: page.rows, search: q, nextHref };
}

async function renderDetail(
  c: Context<AppEnv>,
  list: ListRow,
  members: MembersView,
  state: { flash?: string; error?: string; who?: string } = {},
) {
  const criteria = listCriteria(list);
  const [words, job] = await Promise.all([
    criteria ? listCriteriaWords(c.env, criteria) : Promise.resolve(null),
    list.kind === "dynamic" ? recomputeProgress(c.env, list.id) : Promise.resolve(null),
  ]);
  const view = (
    <ListDetail list={list} words={words} job={job} members={members} state={state} csrfToken={c.get("csrfToken")} />
  );
  return isPartialHtmx(c) ? c.html(view) : c.render(view, { title: `List: ${list.name}` });
}

listRoutes.get(
  "/:id",
  validQuery(MembersQuery, async (c, { values, errors }) => {
    const list = await findList(createDb(c.env.DB), c.req.param("id") ?? "");
    if (!list) return c.notFound();
    c.status(422);
    return renderDetail(c, list, {
      rows: [],
      search: (values.q ?? "").slice(0, 200),
      error: Object.values(errors)[0],
      nextHref: null,
    });
  }),
  async (c) => {
    const list = await findList(createDb(c.env.DB), c.req.param("id") ?? "");
    if (!list) return c.notFound();
    const { q, cursor } = c.req.valid("query");
    return renderDetail(c, list, await membersView(c, list, q, cursor));
  },
);

/** The recompute's progress bar, polled while it runs; when it is done, the first page of members comes along. */
listRoutes.get("/:id/progress", async (c) => {
  const list = await findList(createDb(c.env.DB), c.req.param("id"));
  if (!list) return c.notFound();
  const job = await recomputeProgress(c.env, list.id);
  const done = !job || (job.state !== "queued" && job.state !== "running");
  return c.html(
    <>
      <JobProgress listId={list.id} job={job} />
      {done && (
        <MembersSection
          list={list}
          members={await membersView(c, list, "", undefined)}
          csrfToken={c.get("csrfToken")}
          oob
        />
      )}
    </>,
  );
});

async function staticList(c: Context<AppEnv>): Promise<ListRow | null> {
  return findList(createDb(c.env.DB), c.req.param("id") ?? "");
}

listRoutes.post(
  "/:id/members",
  validForm(WhoForm, async (c, { values, errors }) => {
    const list = await staticList(c);
    if (!list) return c.notFound();
    c.status(422);
    return renderDetail(c, list, await membersView(c, list, "", undefined), {
      who: values.who ?? "",
      error: errors.who,
    });
  }),
  async (c) => {
    const list = await staticList(c);
    if (!list) return c.notFound();
    const { who } = c.req.valid("form");
    const added = await addStaticMember(c.env, { list, who, actor: actor(c) });
    if (!added.ok) c.status(422);
    const fresh = (await findList(createDb(c.env.DB), list.id)) ?? list;
    return renderDetail(
      c,
      fresh,
      await membersView(c, fresh, "", undefined),
      added.ok ? { flash: `${added.email} is in the list.` } : { who, error: added.error },
    );
  },
);

listRoutes.post("/:id/members/:prospectId/remove", async (c) => {
  const list = await staticList(c);
  if (!list) return c.notFound();
  const removed = await removeStaticMember(c.env, {
    list,
    prospectId: (c.req.param("prospectId") ?? "").slice(0, 100),
    actor: actor(c),
  });
  if (!removed.ok) c.status(422);
  const fresh = (await findList(createDb(c.env.DB), list.id)) ?? list;
  return renderDetail(
    c,
    fresh,
    await membersView(c, fresh, "", undefined),
    removed.ok ? { flash: `${removed.email} is no longer in the list.` } : { error: removed.error },
  );
});

/** The Delete page: how many members the list has and what uses it; deleting is a separate POST from it. */
listRoutes.get("/:id/delete", async (c) => {
  const deletion = await listDeletion(c.env, c.req.param("id"));
  if (!deletion) return c.notFound();
  return c.render(<ListDeletePage {...deletion} csrfToken={c.get("csrfToken")} />, {
    title: `Delete list: ${deletion.list.name}`,
  });
});

/** Deletes a list nothing uses; one a rule, form, handler or criteria use is refused (409) with what to change. */
listRoutes.post("/:id/delete", async (c) => {
  const deleted = await deleteList(c.env, { id: c.req.param("id"), actor: actor(c) });
  if (deleted.ok) return c.redirect("/admin/lists?deleted=1", 303);
  if (deleted.gone) return c.notFound();
  c.status(409);
  return c.render(<ListDeletePage {...deleted.deletion} refused csrfToken={c.get("csrfToken")} />, {
    title: `Delete list: ${deleted.deletion.list.name}`,
  });
});
