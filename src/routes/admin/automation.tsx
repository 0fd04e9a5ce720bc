import { type Context, Hono } from "hono";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { listRules } from "../../db/queries/rules";
import { effectivePoints, setScoringRule } from "../../db/queries/scoring";
import { ACTIVITY_TYPES, type ActivityType } from "../../domain/scoring";
import type { AppEnv } from "../../env";
import { clientIp } from "../../lib/request";
import { validForm } from "../../middleware/validate";
import { rulesWords } from "../../services/rules";
import { AutomationPage } from "../../views/pages/admin/automation";
import { ScoringPage, type ScoringRow } from "../../views/pages/admin/scoring";

const TYPES = Object.keys(ACTIVITY_TYPES) as ActivityType[];
const POINTS_MESSAGE = "Enter whole points from -1000 to 1000.";
const Points = v.pipe(
  v.string(POINTS_MESSAGE),
  v.trim(),
  v.regex(/^[-+]?\d{1,4}$/, POINTS_MESSAGE),
  v.transform(Number),
  v.minValue(-1000, POINTS_MESSAGE),
  v.maxValue(1000, POINTS_MESSAGE),
);
const ScoringForm = v.object(
  Object.fromEntries(TYPES.map((type) => [`points_${type}`, Points])) as Record<
    `points_${ActivityType}`,
    typeof Points
  >,
);

/** Automation: the area page (automation rules and the way to scoring rules) and Scoring Rules. */
export const automationRoutes = new Hono<AppEnv>();

automationRoutes.get("/", async (c) => {
  const rules = await listRules(createDb(c.env.DB));
  const all = await rulesWords(c.env, rules);
  const words = new Map(
    rules.map((r) => {
      const w = all.get(r.id);
      return [r.id, { when: w?.criteria?.sentence ?? "", actions: w?.actions ?? [] }] as const;
    }),
  );
  const flash = c.req.query("deleted") === "1" ? "The rule was deleted. What it already did stays." : undefined;
  return c.render(<AutomationPage rules={rules} words={words} flash={flash} />, { title: "Automation" });
});

async function renderScoring(c: Context<AppEnv>, flash?: string) {
  const rules = await effectivePoints(createDb(c.env.DB));
  const rows: ScoringRow[] = rules.map((r) => ({ type: r.type, value: String(r.points), isDefault: r.isDefault }));
  return c.render(<ScoringPage rows={rows} csrfToken={c.get("csrfToken")} flash={flash} />, {
    title: "Scoring rules",
  });
}

automationRoutes.get("/scoring", (c) => renderScoring(c));

automationRoutes.post(
  "/scoring",
  validForm(ScoringForm, (c, { values, errors }) => {
    const rows: ScoringRow[] = TYPES.map((type) => ({
      type,
      value: (values[`points_${type}`] ?? "").slice(0, 12),
      isDefault: false,
      error: errors[`points_${type}`] ? POINTS_MESSAGE : undefined,
    }));
    c.status(422);
    return c.render(<ScoringPage rows={rows} csrfToken={c.get("csrfToken")} />, { title: "Scoring rules" });
  }),
  async (c) => {
    const form = c.req.valid("form");
    const valid = TYPES.map((type): [ActivityType, number] => [type, form[`points_${type}`]]);
    const db = createDb(c.env.DB);
    const before = new Map((await effectivePoints(db)).map((r) => [r.type, r.points]));
    const changed = valid.filter(([type, points]) => before.get(type) !== points);
    for (const [type, points] of changed) await setScoringRule(db, type, points);
    if (changed.length > 0) {
      await recordAudit(db, {
        actorId: c.get("user")?.id ?? null,
        action: "scoring.updated",
        subject: changed.map(([type, points]) => `${type}=${points}`).join(", "),
        ip: clientIp(c),
      });
    }
    return renderScoring(
      c,
      changed.length > 0
        ? "Scoring rules saved. Activities recorded from now on get these points; scores already given stay."
        : "Nothing changed.",
    );
  },
);
