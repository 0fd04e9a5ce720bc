import { type Context, Hono } from "hono";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { addFilter, deleteFilter, listFilters } from "../../db/queries/filters";
import { type FilterKind, validateFilter } from "../../domain/filters";
import type { AppEnv } from "../../env";
import { clientIp, formFields } from "../../lib/request";
import { FiltersPage } from "../../views/pages/admin/filters";

/** Admin > Forms > Filters: IP ranges and email domains whose submissions run no completion action. */
export const filterRoutes = new Hono<AppEnv>();

async function render(
  c: Context<AppEnv>,
  state: { flash?: string; kind?: string; value?: string; note?: string; error?: string },
) {
  const filters = await listFilters(createDb(c.env.DB));
  return c.render(<FiltersPage filters={filters} state={state} csrfToken={c.get("csrfToken")} />, { title: "Filters" });
}

filterRoutes.get("/", (c) => render(c, {}));

filterRoutes.post("/", async (c) => {
  const body = await formFields(c);
  const kind: FilterKind | null = body.kind === "ip_range" || body.kind === "email_domain" ? body.kind : null;
  const value = body.value ?? "";
  const note = (body.note ?? "").trim().slice(0, 200) || null;
  if (!kind) {
    c.status(422);
    return render(c, { value, note: note ?? "", error: "Choose IP range or email domain." });
  }
  const checked = validateFilter(kind, value.slice(0, 300));
  if ("error" in checked) {
    c.status(422);
    return render(c, { kind, value, note: note ?? "", error: checked.error });
  }
  const db = createDb(c.env.DB);
  await addFilter(db, kind, checked.value, note);
  await recordAudit(db, {
    actorId: c.get("user")?.id ?? null,
    action: "filter.added",
    subject: checked.value,
    ip: clientIp(c),
  });
  return render(c, {
    flash: `Filter ${checked.value} added. Matching submissions are kept but run no completion action.`,
  });
});

filterRoutes.post("/:id/delete", async (c) => {
  const db = createDb(c.env.DB);
  if (!(await deleteFilter(db, c.req.param("id")))) return c.notFound();
  await recordAudit(db, {
    actorId: c.get("user")?.id ?? null,
    action: "filter.deleted",
    subject: c.req.param("id"),
    ip: clientIp(c),
  });
  return render(c, { flash: "Filter removed." });
});
