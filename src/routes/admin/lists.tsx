import { type Context, Hono } from "hono";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { findList, findOrCreateList, listLists, listMembersOf } from "../../db/queries/lists";
import type { AppEnv } from "../../env";
import { NameField } from "../../lib/validation";
import { validForm } from "../../middleware/validate";
import { ListDetail, ListsPage } from "../../views/pages/admin/lists";

const ListForm = v.object({ name: NameField("a list name") });

/** Admin > Lists: static lists that forms (and later reports and rules) add prospects to. */
export const listRoutes = new Hono<AppEnv>();

async function render(c: Context<AppEnv>, state: { flash?: string; name?: string; error?: string }) {
  const lists = await listLists(createDb(c.env.DB));
  return c.render(<ListsPage lists={lists} state={state} csrfToken={c.get("csrfToken")} />, { title: "Lists" });
}

listRoutes.get("/", (c) => render(c, {}));

listRoutes.post(
  "/",
  validForm(ListForm, (c, { values, errors }) => {
    c.status(422);
    return render(c, { name: values.name ?? "", error: errors.name });
  }),
  async (c) => {
    const list = await findOrCreateList(createDb(c.env.DB), c.req.valid("form").name);
    return render(c, { flash: `List “${list.name}” is ready. Add it to a form's completion actions.` });
  },
);

listRoutes.get("/:id", async (c) => {
  const db = createDb(c.env.DB);
  const list = await findList(db, c.req.param("id"));
  if (!list) return c.notFound();
  const members = await listMembersOf(db, list.id);
  return c.render(<ListDetail list={list} members={members} />, { title: `List: ${list.name}` });
});
