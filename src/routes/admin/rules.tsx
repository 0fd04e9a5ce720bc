import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { criteriaChoices } from "../../db/queries/lists";
import { findRule, ruleActionsPage } from "../../db/queries/rules";
import {
  applyOp,
  type Criteria,
  criteriaFromFields,
  draftFromFields,
  fieldsOfDraft,
  NEW_DRAFT,
  parseOp,
} from "../../domain/criteria";
import {
  applyActionOp,
  NEW_ACTION,
  parseRuleFields,
  type RuleDraft,
  type RuleInput,
  ruleDraftFromFields,
  ruleDraftOf,
} from "../../domain/rules";
import type { AppEnv } from "../../env";
import { decodePosition, encodePosition, PageCursorParam } from "../../lib/cursor";
import { clientIp, formFields, isPartialHtmx } from "../../lib/request";
import { validForm, validQuery } from "../../middleware/validate";
import {
  applyRuleNow,
  deleteRule,
  editRule,
  pauseRule,
  previewRule,
  resumeRule,
  ruleCriteria,
  ruleJobProgress,
  ruleWords,
  saveRule,
} from "../../services/rules";
import type { PreviewResult } from "../../views/pages/admin/criteria-builder";
import { ActionsBuilder } from "../../views/pages/admin/rule-actions";
import { RuleBuilderFragment, RuleFormPage, RulePreview } from "../../views/pages/admin/rule-form";
import { RuleDetail, RuleJobProgress } from "../../views/pages/admin/rules";

/** A rule form is a few KB; anything far bigger is not one, and is answered before it is read. */
const MAX_BODY = 64 * 1024;
const TOO_LARGE = "This rule is too large to save: use fewer conditions and actions, and shorter values.";
const PAGE_SIZE = 50;
const PREVIEW_SAMPLE = 5;

/**
 * The Add rule form as one schema over its fields: name, how often, when to start, the criteria
 * builder's fields and the actions, each problem under its field (src/domain/rules.ts). What only
 * the database knows (the name is free, the lists, campaigns and webinars named exist) is
 * checked by the service, with the same 422 page.
 */
const RuleForm = v.pipe(
  v.record(v.string(), v.string()),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const fields = dataset.value;
    const parsed = parseRuleFields(fields);
    if (parsed.ok) return parsed.rule;
    for (const [key, message] of Object.entries(parsed.errors)) {
      addIssue({ message, path: [{ type: "object", origin: "value", input: fields, key, value: fields[key] }] });
    }
    return NEVER;
  }),
);

const TakenQuery = v.object({ cursor: PageCursorParam, edited: v.optional(v.literal("1", "Leave edited out or 1.")) });
const ResumeQuery = v.object({ how: v.optional(v.picklist(["act", "note"], "Choose how to resume."), "note") });

/** Automation > rules: Add rule (builder, actions, live preview), a rule's page, edit, pause, resume, apply, delete. */
export const ruleRoutes = new Hono<AppEnv>();

function actor(c: Context<AppEnv>) {
  const user = c.get("user");
  if (!user) throw new Error("rules need a signed-in user");
  return { id: user.id, ip: clientIp(c) };
}

async function preview(c: Context<AppEnv>, criteria: Criteria | null): Promise<PreviewResult | null> {
  return criteria ? previewRule(c.env, criteria, PREVIEW_SAMPLE) : null;
}

async function renderForm(
  c: Context<AppEnv>,
  draft: RuleDraft,
  errors: Record<string, string>,
  criteria: Criteria | null,
  editing?: { id: string; name: string },
) {
  const [choices, shown] = await Promise.all([criteriaChoices(createDb(c.env.DB)), preview(c, criteria)]);
  return c.render(
    <RuleFormPage
      draft={draft}
      editing={editing}
      errors={errors}
      choices={choices}
      preview={shown}
      csrfToken={c.get("csrfToken")}
    />,
    { title: editing ? `Edit rule: ${editing.name}` : "Add rule" },
  );
}

const NEW_RULE: RuleDraft = { name: "", mode: "once", start: "existing", criteria: NEW_DRAFT, actions: [NEW_ACTION] };

ruleRoutes.get("/new", (c) => renderForm(c, NEW_RULE, {}, null));

function tooLarge() {
  return bodyLimit({
    maxSize: MAX_BODY,
    onError: async (c) => {
      c.status(422);
      return renderForm(c as Context<AppEnv>, NEW_RULE, { _form: TOO_LARGE }, null);
    },
  });
}

/** The rule a form edits (its hidden `editing` field), for the pages shown without htmx. */
async function editingOf(c: Context<AppEnv>, fields: Record<string, string>) {
  if (!fields.editing) return undefined;
  const rule = await findRule(createDb(c.env.DB), fields.editing);
  return rule ? { id: rule.id, name: rule.name } : undefined;
}

/** A criteria builder button or kind change: the builder and preview for the draft after it (the whole form without htmx). */
ruleRoutes.post("/builder", tooLarge(), async (c) => {
  const fields = await formFields(c);
  const draft = ruleDraftFromFields(fields);
  const criteria = applyOp(draftFromFields(fields), parseOp(fields.op));
  const parsed = criteriaFromFields(fieldsOfDraft(criteria));
  const next = { ...draft, criteria };
  const valid = parsed.ok ? parsed.criteria : null;
  if (!isPartialHtmx(c)) return renderForm(c, next, {}, valid, await editingOf(c, fields));
  const [choices, shown] = await Promise.all([criteriaChoices(createDb(c.env.DB)), preview(c, valid)]);
  return c.html(
    <RuleBuilderFragment
      draft={next}
      choices={choices}
      preview={shown}
      problems={parsed.ok ? 0 : Object.keys(parsed.errors).length}
    />,
  );
});

/** An action button or action type change: the actions for the draft after it (the whole form without htmx). */
ruleRoutes.post("/actions", tooLarge(), async (c) => {
  const fields = await formFields(c);
  const draft = ruleDraftFromFields(fields);
  const actions = applyActionOp(draft.actions, fields.op) ?? draft.actions;
  const next = { ...draft, actions: actions.length > 0 ? actions : [{ ...NEW_ACTION }] };
  if (!isPartialHtmx(c)) {
    const parsed = criteriaFromFields(fields);
    return renderForm(c, next, {}, parsed.ok ? parsed.criteria : null, await editingOf(c, fields));
  }
  const choices = await criteriaChoices(createDb(c.env.DB));
  return c.html(<ActionsBuilder actions={next.actions} choices={choices} errors={{}} />);
});

/** The live preview: valid criteria show how many prospects the rule would match now. */
ruleRoutes.post("/preview", tooLarge(), async (c) => {
  const parsed = criteriaFromFields(await formFields(c));
  return c.html(
    <RulePreview
      preview={await preview(c, parsed.ok ? parsed.criteria : null)}
      problems={parsed.ok ? 0 : Object.keys(parsed.errors).length}
    />,
  );
});

ruleRoutes.post(
  "/",
  tooLarge(),
  validForm(RuleForm, async (c, { values, errors }) => {
    c.status(422);
    return renderForm(c, ruleDraftFromFields(values), errors, null);
  }),
  async (c) => {
    const rule: RuleInput = c.req.valid("form");
    const saved = await saveRule(c.env, { rule, actor: actor(c) });
    if (!saved.ok) {
      c.status(422);
      return renderForm(c, ruleDraftFromFields(await formFields(c)), saved.errors, rule.criteria);
    }
    return c.redirect(`/admin/automation/rules/${saved.rule.id}`, 303);
  },
);

/** A rule's Edit form: the saved rule as a draft, with the preview of its criteria. */
ruleRoutes.get("/:id/edit", async (c) => {
  const rule = await findRule(createDb(c.env.DB), c.req.param("id"));
  if (!rule) return c.notFound();
  const criteria = ruleCriteria(rule);
  return renderForm(c, ruleDraftOf({ ...rule, criteria }), {}, criteria, { id: rule.id, name: rule.name });
});

ruleRoutes.post(
  "/:id",
  tooLarge(),
  validForm(RuleForm, async (c, { values, errors }) => {
    const rule = await findRule(createDb(c.env.DB), c.req.param("id") ?? "");
    if (!rule) return c.notFound();
    c.status(422);
    return renderForm(c, ruleDraftFromFields(values), errors, null, { id: rule.id, name: rule.name });
  }),
  async (c) => {
    const rule: RuleInput = c.req.valid("form");
    const id = c.req.param("id") ?? "";
    const saved = await editRule(c.env, { id, rule, actor: actor(c) });
    if (!saved.ok) {
      if (saved.gone) return c.notFound();
      const current = await findRule(createDb(c.env.DB), id);
      if (!current) return c.notFound();
      c.status(422);
      return renderForm(c, ruleDraftFromFields(await formFields(c)), saved.errors, rule.criteria, {
        id: current.id,
        name: current.name,
      });
    }
    return c.redirect(`/admin/automation/rules/${saved.rule.id}?edited=1`, 303);
  },
);

async function renderDetail(
  c: Context<AppEnv>,
  id: string,
  state: { flash?: string; error?: string; cursor?: string | undefined } = {},
) {
  const db = createDb(c.env.DB);
  const rule = await findRule(db, id);
  if (!rule) return c.notFound();
  const before = state.cursor ? decodePosition(state.cursor) : null;
  const [words, job, taken] = await Promise.all([
    ruleWords(c.env, rule),
    ruleJobProgress(c.env, rule.id),
    ruleActionsPage(db, { ruleId: rule.id, limit: PAGE_SIZE, before }),
  ]);
  const view = (
    <RuleDetail
      rule={rule}
      words={words.criteria}
      actions={words.actions}
      job={job}
      taken={taken.rows}
      nextHref={taken.next === null ? null : `/admin/automation/rules/${rule.id}?cursor=${encodePosition(taken.next)}`}
      flash={state.flash}
      error={state.error}
      csrfToken={c.get("csrfToken")}
    />
  );
  return isPartialHtmx(c) ? c.html(view) : c.render(view, { title: `Rule: ${rule.name}` });
}

ruleRoutes.get(
  "/:id",
  validQuery(TakenQuery, (c, { errors }) => {
    c.status(400);
    return renderDetail(c, c.req.param("id") ?? "", { error: Object.values(errors)[0] });
  }),
  (c) => {
    const query = c.req.valid("query");
    return renderDetail(c, c.req.param("id") ?? "", {
      cursor: query.cursor,
      ...(query.edited ? { flash: "Saved. What the rule already did stays; it acts on matches as it now says." } : {}),
    });
  },
);

/** The apply job's progress bar, polled while it runs. */
ruleRoutes.get("/:id/progress", async (c) => {
  const rule = await findRule(createDb(c.env.DB), c.req.param("id"));
  if (!rule) return c.notFound();
  return c.html(<RuleJobProgress ruleId={rule.id} job={await ruleJobProgress(c.env, rule.id)} />);
});

ruleRoutes.post("/:id/pause", async (c) => {
  const changed = await pauseRule(c.env, { id: c.req.param("id"), actor: actor(c) });
  if (!changed.ok) return c.notFound();
  return renderDetail(c, changed.rule.id, {
    flash: "Paused: the rule acts on no one until you resume it.",
  });
});

ruleRoutes.post(
  "/:id/resume",
  validQuery(ResumeQuery, (c, { errors }) => {
    c.status(422);
    return renderDetail(c, c.req.param("id") ?? "", { error: Object.values(errors)[0] });
  }),
  async (c) => {
    const { how } = c.req.valid("query");
    const changed = await resumeRule(c.env, { id: c.req.param("id") ?? "", how, actor: actor(c) });
    if (!changed.ok) return c.notFound();
    return renderDetail(c, changed.rule.id, {
      flash:
        how === "act"
          ? "Resumed: the rule acts on prospects who match now, then on each new match."
          : "Resumed: the rule acts on prospects who match from now on.",
    });
  },
);

ruleRoutes.post("/:id/apply", async (c) => {
  const changed = await applyRuleNow(c.env, { id: c.req.param("id"), actor: actor(c) });
  if (!changed.ok) {
    if (!(await findRule(createDb(c.env.DB), c.req.param("id")))) return c.notFound();
    c.status(422);
    return renderDetail(c, c.req.param("id"), { error: changed.error });
  }
  return renderDetail(c, changed.rule.id, {
    flash: "Applying the rule to prospects who match now; each is acted on at most as the rule says.",
  });
});

ruleRoutes.post("/:id/delete", async (c) => {
  const deleted = await deleteRule(c.env, { id: c.req.param("id"), actor: actor(c) });
  if (!deleted.ok) return c.notFound();
  return c.redirect("/admin/automation?deleted=1", 303);
});
