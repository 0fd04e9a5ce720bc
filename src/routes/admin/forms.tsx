import { type Context, Hono } from "hono";
import { createDb } from "../../db/client";
import { findForm, listForms } from "../../db/queries/forms";
import { listFormSubmissions } from "../../db/queries/submissions";
import { parseBuilder } from "../../domain/form-builder";
import { type FormAction, liveProblems, withRegistrationFields } from "../../domain/forms";
import type { AppEnv } from "../../env";
import { clientIp, formFields } from "../../lib/request";
import { choicesFor } from "../../services/form-choices";
import { saveBuilderForm } from "../../services/forms";
import type { ActionChoices } from "../../views/pages/admin/form-actions";
import {
  type BuilderForm,
  type BuilderProps,
  FormBuilder,
  FormPreview,
  NEW_FORM,
} from "../../views/pages/admin/form-builder";
import { FormList, SubmissionList } from "../../views/pages/admin/form-list";

/** Admin > Forms: the list, the builder with its live preview, and each form's submissions. */
export const formRoutes = new Hono<AppEnv>();

function choices(c: Context<AppEnv>): Promise<ActionChoices> {
  return choicesFor(c.env);
}

async function renderBuilder(
  c: Context<AppEnv>,
  props: Omit<BuilderProps, "choices" | "csrfToken" | "origin">,
  status: 200 | 422 = 200,
) {
  c.status(status);
  return c.render(
    <FormBuilder
      {...props}
      choices={await choices(c)}
      csrfToken={c.get("csrfToken")}
      origin={new URL(c.req.url).origin}
    />,
    { title: props.form.id ? `Form: ${props.form.name}` : "New form" },
  );
}

formRoutes.get("/", async (c) => {
  const forms = await listForms(createDb(c.env.DB));
  return c.render(<FormList forms={forms} />, { title: "Forms" });
});

formRoutes.get("/new", (c) => renderBuilder(c, { form: NEW_FORM, errors: {}, problems: [] }));

/** The preview pane, re-rendered from the builder's current values as the marketer types. */
formRoutes.post("/preview", async (c) => {
  const { input } = parseBuilder(await formFields(c), []);
  return c.html(<FormPreview form={{ id: null, ...input }} />);
});

formRoutes.get("/:id", async (c) => {
  const form = await findForm(createDb(c.env.DB), c.req.param("id"));
  if (!form) return c.notFound();
  const problems = form.status === "draft" ? liveProblems(form) : [];
  return renderBuilder(c, {
    form,
    errors: {},
    problems,
    problemTitle: "Before this form can go live:",
    flash: c.req.query("saved") ? "Form saved." : undefined,
  });
});

async function save(c: Context<AppEnv>, id: string | null) {
  const db = createDb(c.env.DB);
  const existing = id ? await findForm(db, id) : null;
  if (id && !existing) return c.notFound();
  const body = await formFields(c);
  const previous: FormAction[] = existing?.actions ?? [];
  const { input, errors } = parseBuilder(body, previous);
  const candidate: BuilderForm = { id, ...input };
  if (body.op === "add_field") {
    return renderBuilder(c, { form: candidate, errors, problems: [] });
  }
  if (body.op === "add_registration_fields") {
    return renderBuilder(c, {
      form: { ...candidate, fields: withRegistrationFields(candidate) },
      errors,
      problems: [],
    });
  }
  const saved = await saveBuilderForm(
    c.env,
    { id, input, errors, refreshGoTo: body.op === "refresh_goto" },
    { actorId: c.get("user")?.id ?? null, ip: clientIp(c) },
  );
  if (saved.kind === "invalid") {
    return renderBuilder(c, { form: candidate, errors: saved.errors, problems: saved.problems }, 422);
  }
  if (saved.blockers.length > 0) {
    return renderBuilder(
      c,
      {
        form: { ...saved.form, id: saved.id, status: "draft" },
        errors: {},
        problems: saved.blockers,
        problemTitle: "Saved as a draft. The form cannot go live until these are fixed:",
      },
      422,
    );
  }
  return c.redirect(`/admin/forms/${saved.id}?saved=1`, 303);
}

formRoutes.post("/", (c) => save(c, null));
formRoutes.post("/:id", (c) => save(c, c.req.param("id")));

formRoutes.get("/:id/submissions", async (c) => {
  const db = createDb(c.env.DB);
  const form = await findForm(db, c.req.param("id"));
  if (!form) return c.notFound();
  const submissions = await listFormSubmissions(db, form.id);
  return c.render(
    <SubmissionList
      title={`Submissions: ${form.name}`}
      backHref={`/admin/forms/${form.id}`}
      submissions={submissions}
    />,
    {
      title: `Submissions: ${form.name}`,
    },
  );
});
