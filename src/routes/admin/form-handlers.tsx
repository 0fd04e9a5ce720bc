import { type Context, Hono } from "hono";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { actionTargetErrors, findHandler, listHandlers, type StoredHandler, saveHandler } from "../../db/queries/forms";
import { listHandlerSubmissions } from "../../db/queries/submissions";
import { parseBuilder } from "../../domain/form-builder";
import { checkRedirect, isProspectField, liveProblems, registerAction, saveProblems } from "../../domain/forms";
import type { AppEnv } from "../../env";
import { clientIp, formFields } from "../../lib/request";
import { type HandlerDraft, HandlerEditor, HandlerList } from "../../views/pages/admin/form-handlers";
import { SubmissionList } from "../../views/pages/admin/form-list";
import { readGoToForm } from "../forms/goto-questions";
import { handlerFields } from "../forms/public";
import { choicesFor } from "./form-choices";

/** Admin > Forms > Form handlers (F11): posts from the customer's own HTML forms. */
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
  return render(
    c,
    handler,
    {},
    liveProblems({ fields: handlerFields(handler), actions: handler.actions, theme: EMPTY_THEME }),
  );
});

const EMPTY_THEME = { accent: "#2457d6", background: "#ffffff", text: "#1d2330" };

function lines(text: string | undefined): string[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

async function save(c: Context<AppEnv>, id: string | null) {
  const db = createDb(c.env.DB);
  const existing = id ? await findHandler(db, id) : null;
  if (id && !existing) return c.notFound();
  const body = await formFields(c);
  const errors: Record<string, string> = {};
  const fieldMap: Record<string, string> = {};
  for (const line of lines(body.field_map).slice(0, 60)) {
    const [theirs = "", ours = ""] = line.split("=").map((s) => s.trim());
    const target = isProspectField(ours) || /^custom_[a-z0-9_]{1,40}$/.test(ours) ? ours : null;
    if (!/^[\w.[\]-]{1,100}$/.test(theirs) || !target) {
      errors.field_map = `“${line.slice(0, 60)}”: write one mapping a line, like first_name = firstName (targets: a prospect field or custom_<name>).`;
      break;
    }
    fieldMap[theirs] = target;
  }
  const origins: string[] = [];
  for (const line of lines(body.allowed_origins).slice(0, 50)) {
    try {
      const u = new URL(line);
      if ((u.protocol !== "https:" && u.protocol !== "http:") || u.origin !== line.replace(/\/$/, ""))
        throw new Error();
      origins.push(u.origin);
    } catch {
      errors.allowed_origins = `“${line.slice(0, 60)}” is not an origin: use https://www.example.com (no path).`;
    }
  }
  // The actions come from the same controls as a form's; the field rows do not exist here.
  const { input, errors: actionErrors } = parseBuilder({ ...body, name: body.name ?? "" }, existing?.actions ?? []);
  Object.assign(errors, actionErrors, await actionTargetErrors(db, input.actions, new Date().toISOString()));
  const urls = { success_url: "", error_url: "" };
  for (const k of ["success_url", "error_url"] as const) {
    const text = (body[k] ?? "").trim();
    const checked = checkRedirect(text);
    if (checked.ok) urls[k] = checked.href;
    else {
      errors[k] = checked.error;
      urls[k] = text;
    }
  }
  const draft: HandlerDraft = {
    id,
    name: input.name,
    fieldMap,
    actions: input.actions,
    successUrl: urls.success_url,
    errorUrl: urls.error_url,
    allowedOrigins: origins,
  };
  const fields = handlerFields({ ...draft, id: id ?? "" } as StoredHandler);
  const problems = saveProblems({ fields, actions: input.actions, theme: EMPTY_THEME }).map((p) =>
    p.replace("as a required field", "mapped from one of your form's fields"),
  );
  if (Object.keys(errors).length > 0 || problems.length > 0) return render(c, draft, errors, problems, 422);
  const register = registerAction(draft.actions);
  if (register && (!register.goto || body.op === "refresh_goto")) {
    const read = await readGoToForm(c.env, register.webinarId, new Date());
    if (!("error" in read)) register.goto = read;
  }
  const savedId = await saveHandler(db, id, draft, new Date().toISOString());
  await recordAudit(db, {
    actorId: c.get("user")?.id ?? null,
    action: id ? "form_handler.updated" : "form_handler.created",
    subject: savedId,
    ip: clientIp(c),
  });
  return c.redirect(`/admin/form-handlers/${savedId}?saved=1`, 303);
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
