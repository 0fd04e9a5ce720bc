import { type Context, Hono } from "hono";
import * as v from "valibot";
import { createApiKey } from "../../auth/api-keys";
import { createDb } from "../../db/client";
import { listApiKeys, revokeApiKey } from "../../db/queries/api-keys";
import { recordAudit } from "../../db/queries/audit";
import type { AppEnv } from "../../env";
import { clientIp } from "../../lib/request";
import { NameField } from "../../lib/validation";
import { validForm } from "../../middleware/validate";
import { ApiKeysPage, type ApiKeysPageState } from "../../views/pages/admin/api-keys";

const NewKeyForm = v.object({ name: NameField("a name for the key", 80) });

export const apiKeyRoutes = new Hono<AppEnv>();

async function renderKeys(c: Context<AppEnv>, state: ApiKeysPageState, status: 200 | 201 | 404 | 422 = 200) {
  const keys = await listApiKeys(createDb(c.env.DB));
  c.status(status);
  return c.render(<ApiKeysPage keys={keys} csrfToken={c.get("csrfToken")} state={state} />, { title: "API keys" });
}

apiKeyRoutes.get("/", (c) => renderKeys(c, {}));

apiKeyRoutes.post(
  "/",
  validForm(NewKeyForm, (c, { values, errors }) => renderKeys(c, { name: values.name ?? "", errors }, 422)),
  async (c) => {
    const { name } = c.req.valid("form");
    const db = createDb(c.env.DB);
    const created = await createApiKey(db, name, c.get("user")?.id ?? null);
    await recordAudit(db, {
      actorId: c.get("user")?.id ?? null,
      action: "api_key.created",
      subject: `${name} (${created.prefix}…)`,
      ip: clientIp(c),
    });
    // The key is in this response and nowhere else: only its hash is stored.
    c.header("Cache-Control", "no-store");
    return renderKeys(c, { created: { name: name, key: created.key } }, 201);
  },
);

apiKeyRoutes.post("/:id/revoke", async (c) => {
  const db = createDb(c.env.DB);
  const revoked = await revokeApiKey(db, c.req.param("id"), new Date().toISOString());
  if (!revoked) return renderKeys(c, { error: "That key does not exist or was already revoked." }, 404);
  await recordAudit(db, {
    actorId: c.get("user")?.id ?? null,
    action: "api_key.revoked",
    subject: `${revoked.name} (${revoked.prefix}…)`,
    ip: clientIp(c),
  });
  return renderKeys(c, { flash: `Revoked “${revoked.name}”. Requests with it are refused from now on.` });
});
