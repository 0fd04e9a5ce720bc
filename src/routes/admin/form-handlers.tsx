import { type Context, Hono } from "hono";
import { createDb } from "../../db/client";
import { findHandler, listHandlers } from "../../db/queries/forms";
import { listHandlerSubmissions } from "../../db/queries/submissions";
import { parseBuilder, parseHandlerSettings } from "../../domain/form-builder";
import { handlerLiveProblems } from "../../domain/forms";
import type { AppEnv } from "../../env";
import { clientIp, formFields } from "../../lib/request";
import { choicesFor } from "../../services/form-choices";
import { saveFormHandler } from "../../services/forms";
import { type HandlerDraft, HandlerEditor, HandlerList } from "../../views/pages/admin/form-handlers";
import { SubmissionList } from "../../views/pages/admin/form-list";

/** Admin > Forms > Form handlers: posts from the customer's own HTML forms. */
export const formHandlerRoutes = new Hono<AppEnv>();

const EMPTY: HandlerDraft = {
  id: null,
  name: "",
  fieldMap: { email: "email", first_name: "firstName", last_name: "lastName" },
  actions: [],
  successUrl: "",
  errorUrl: "",
  allowedOrigins: [],
};

async function render(
  c: Context<AppEnv>,
  handler: HandlerDraft,
  errors: Record<string, string>,
  problems: string[],
  status: 200 | 422 = 200,
) {
  c.status(status);
  return c.render(
    <HandlerEditor
      handler={handler}
      errors={errors}
      problems={problems}
      choices={await choicesFor(c.env)}
      csrfToken={c.get("csrfToken")}
      origin={new URL(c.req.url).origin}
      flash={c.req.query("saved") ? "Form handler saved." : undefined}
    />,
    { title: handler.id ? `Form handler: ${handler.name}` : "New form handler" },
  );
}

formHandlerRoutes.get("/", async (c) => {
  const handlers = await listHandlers(createDb(c.env.DB));
  return c.render(<HandlerList handlers={handlers} />, { title: "Form handlers" });
});

formHandlerRoutes.get("/new", (c) => render(c, EMPTY, {}, []));

formHandlerRoutes.get("/:id", async (c) => {
  const handler = await findHandler(createDb(c.env.DB), c.req.param("id"));
  if (!handler) return c.notFound();
  return render(c, handler, {}, handlerLiveProblems(handler));
});

async function save(c: Context<AppEnv>, id: string | null) {
  const db = createDb(c.env.DB);
  const existing = id ? await findHandler(db, id) : null;
  if (id && !existing) return c.notFound();
  const body = await formFields(c);
  const settings = parseHandlerSettings(body);
  // The actions come from the same controls as a form's; the field rows do not exist here.
  const { input, errors: actionErrors } = parseBuilder({ ...body, name: body.name ?? "" }, existing?.actions ?? []);
  const draft: HandlerDraft = {
    id,
    name: input.name,
    fieldMap: settings.fieldMap,
    actions: input.actions,
    successUrl: settings.successUrl,
    errorUrl: settings.errorUrl,
    allowedOrigins: settings.allowedOrigins,
  };
  const saved = await saveFormHandler(
    c.env,
    { id, input: draft, errors: { ...settings.errors, ...actionErrors }, refreshGoTo: body.op === "refresh_goto" },
    { actorId: c.get("user")?.id ?? null, ip: clientIp(c) },
  );
  if (saved.kind === "invalid") return render(c, draft, saved.errors, saved.problems, 422);
  return c.redirect(`/admin/form-handlers/${saved.id}?saved=1`, 303);
}

formHandlerRoutes.post("/", (c) => save(c, null));
formHandlerRoutes.post("/:id", (c) => save(c, c.req.param("id")));

formHandlerRoutes.get("/:id/submissions", async (c) => {
  const db = createDb(c.env.DB);
  const handler = await findHandler(db, c.req.param("id"));
  if (!handler) return c.notFound();
  const submissions = await listHandlerSubmissions(db, handler.id);
  return c.render(
    <SubmissionList
      title={`Submissions: ${handler.name}`}
      backHref={`/admin/form-handlers/${handler.id}`}
      submissions={submissions}
    />,
    { title: `Submissions: ${handler.name}` },
  );
});
