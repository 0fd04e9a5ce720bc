import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { findOrCreateCampaign, listCampaigns } from "../../db/queries/campaigns";
import { findConnector, insertConnector, listConnectors, updateConnector } from "../../db/queries/connectors";
import { connectorBacklog, countConnectorWebinars, listConnectorWebinars } from "../../db/queries/webinars";
import type { AppEnv } from "../../env";
import { newId } from "../../lib/encoding";
import { clientIp } from "../../lib/request";
import { EmailField } from "../../lib/validation";
import { validForm } from "../../middleware/validate";
import type { GatewayHealth } from "../../sync/gateway";
import { gotoOAuth } from "../../sync/goto-env";
import { OAUTH_COOKIE, OAUTH_COOKIE_MAX_AGE, sealOAuthState } from "../../sync/verification";
import { PageHeader } from "../../views/components";
import { ConnectorDetailPage, DeleteConnectorPage, SyncHealth } from "../../views/pages/admin/connector-detail";
import {
  ChooseConnectorPage,
  ConnectorForm,
  type ConnectorFormValues,
  ConnectorsPage,
} from "../../views/pages/admin/connectors";

const ConnectorFormSchema = v.object({
  organizerEmail: EmailField,
  createProspects: v.optional(v.literal("on")),
  campaign: v.pipe(v.string(), v.trim(), v.maxLength(100, "Use at most 100 characters for the campaign name.")),
});

const SUGGESTED_CAMPAIGN = "GoToWebinar Sync";

const FLASHES: Record<string, { kind: "success" | "error" | "info"; text: string }> = {
  created: { kind: "success", text: "Connector added. Verify it to start syncing." },
  verified: { kind: "success", text: "Verified with GoTo. Discovery of past and upcoming webinars has started." },
  saved: { kind: "success", text: "Changes saved." },
  paused: { kind: "info", text: "Paused: no discovery or sync until you resume. Nothing is lost." },
  resumed: { kind: "success", text: "Resumed: discovery runs now." },
  syncing: { kind: "info", text: "Discovery started." },
};

export const connectorRoutes = new Hono<AppEnv>();

function readForm(body: Record<string, string>): ConnectorFormValues {
  return {
    organizerEmail: body.organizerEmail ?? "",
    createProspects: body.createProspects === "on",
    campaign: body.campaign ?? "",
  };
}

async function loadConnector(c: Context<AppEnv>) {
  const connector = await findConnector(createDb(c.env.DB), c.req.param("id") ?? "");
  if (!connector) throw new HTTPException(404, { message: "There is no such connector. It may have been deleted." });
  return connector;
}

async function gatewayHealth(c: Context<AppEnv>, connectorId: string): Promise<GatewayHealth | null> {
  try {
    return await c.env.GOTO_GATEWAY.getByName(connectorId).health();
  } catch {
    return null; // the page still renders from D1 if the gateway cannot answer right now
  }
}

function audit(c: Context<AppEnv>, action: string, subject: string): Promise<void> {
  return recordAudit(createDb(c.env.DB), { actorId: c.get("user")?.id ?? null, action, subject, ip: clientIp(c) });
}

connectorRoutes.get("/", async (c) => {
  const connectors = await listConnectors(createDb(c.env.DB));
  const flash = c.req.query("deleted") ? "Connector deleted. Its webinars, prospects and activities stay." : undefined;
  return c.render(<ConnectorsPage connectors={connectors} flash={flash} />, { title: "Connectors" });
});

connectorRoutes.get("/new", (c) => c.render(<ChooseConnectorPage />, { title: "Add Connector" }));

async function renderNewForm(c: Context<AppEnv>, values: ConnectorFormValues, errors: Record<string, string>) {
  const campaigns = await listCampaigns(createDb(c.env.DB));
  return c.render(
    <>
      <PageHeader
        title="Add a GoToWebinar connector"
        lead="After saving, verify the connector on GoTo's consent page: Rollcall never sees a GoTo password."
      />
      <section class="panel">
        <ConnectorForm
          action="/admin/connectors"
          values={values}
          errors={errors}
          campaigns={campaigns}
          csrfToken={c.get("csrfToken")}
          submitLabel="Save connector"
        />
      </section>
    </>,
    { title: "Add a GoToWebinar connector" },
  );
}

connectorRoutes.get("/new/:type", (c) => {
  if (c.req.param("type") !== "gotowebinar") {
    throw new HTTPException(404, { message: "Rollcall has no connector of that type. Choose one from the list." });
  }
  return renderNewForm(c, { organizerEmail: "", createProspects: true, campaign: SUGGESTED_CAMPAIGN }, {});
});

connectorRoutes.post(
  "/",
  validForm(ConnectorFormSchema, (c, { values, errors }) => {
    c.status(422);
    return renderNewForm(c, readForm(values), errors);
  }),
  async (c) => {
    const form = c.req.valid("form");
    const db = createDb(c.env.DB);
    const campaign = form.campaign ? await findOrCreateCampaign(db, form.campaign) : null;
    const id = newId("con");
    await insertConnector(db, {
      id,
      organizerEmail: form.organizerEmail,
      createProspects: form.createProspects === "on",
      campaignId: campaign?.id ?? null,
      createdBy: c.get("user")?.id ?? null,
    });
    await audit(c, "connector.created", form.organizerEmail);
    return c.redirect(`/admin/connectors/${id}?flash=created`, 303);
  },
);

connectorRoutes.get("/:id", async (c) => {
  const connector = await loadConnector(c);
  const db = createDb(c.env.DB);
  const now = new Date().toISOString();
  const [health, webinars, counts, backlog] = await Promise.all([
    gatewayHealth(c, connector.id),
    listConnectorWebinars(db, connector.id),
    countConnectorWebinars(db, connector.id, now),
    connectorBacklog(db, connector.id),
  ]);
  const flash = FLASHES[c.req.query("flash") ?? ""];
  return c.render(
    <ConnectorDetailPage
      connector={connector}
      health={health}
      backlog={backlog}
      webinars={webinars}
      counts={counts}
      csrfToken={c.get("csrfToken")}
      flash={flash}
      now={now}
    />,
    { title: connector.organizerEmail },
  );
});

connectorRoutes.get("/:id/health", async (c) => {
  const connector = await loadConnector(c);
  const [health, backlog] = await Promise.all([
    gatewayHealth(c, connector.id),
    connectorBacklog(createDb(c.env.DB), connector.id),
  ]);
  return c.html(<SyncHealth connector={connector} health={health} backlog={backlog} />);
});

async function renderEditForm(
  c: Context<AppEnv>,
  id: string,
  values: ConnectorFormValues,
  errors: Record<string, string>,
) {
  const campaigns = await listCampaigns(createDb(c.env.DB));
  return c.render(
    <>
      <PageHeader title="Edit connector" />
      <section class="panel">
        <ConnectorForm
          action={`/admin/connectors/${id}`}
          values={values}
          errors={errors}
          campaigns={campaigns}
          csrfToken={c.get("csrfToken")}
          submitLabel="Save changes"
          emailLocked
        />
      </section>
    </>,
    { title: "Edit connector" },
  );
}

connectorRoutes.get("/:id/edit", async (c) => {
  const connector = await loadConnector(c);
  return renderEditForm(
    c,
    connector.id,
    {
      organizerEmail: connector.organizerEmail,
      createProspects: connector.createProspects,
      campaign: connector.campaignName ?? "",
    },
    {},
  );
});

connectorRoutes.post(
  "/:id",
  validForm(ConnectorFormSchema, async (c, { values, errors }) => {
    // An unknown connector is a 404 before the form is looked at.
    const connector = await loadConnector(c);
    c.status(422);
    return renderEditForm(c, connector.id, readForm(values), errors);
  }),
  async (c) => {
    const connector = await loadConnector(c);
    const form = c.req.valid("form");
    const db = createDb(c.env.DB);
    const campaign = form.campaign ? await findOrCreateCampaign(db, form.campaign) : null;
    const emailChanged = form.organizerEmail !== connector.organizerEmail;
    await updateConnector(db, connector.id, {
      organizerEmail: form.organizerEmail,
      createProspects: form.createProspects === "on",
      campaignId: campaign?.id ?? null,
      // Another organizer means the verification no longer holds.
      ...(emailChanged ? { status: "unverified" as const, verifiedAt: null } : {}),
    });
    if (emailChanged) await c.env.GOTO_GATEWAY.getByName(connector.id).forget();
    await audit(c, "connector.updated", form.organizerEmail);
    return c.redirect(`/admin/connectors/${connector.id}?flash=saved`, 303);
  },
);

connectorRoutes.post("/:id/verify", async (c) => {
  const connector = await loadConnector(c);
  const origin = new URL(c.req.url).origin;
  const request = gotoOAuth(c.env, c.get("goto"), origin).createAuthorizationRequest();
  const sessionId = c.get("sessionId");
  const user = c.get("user");
  if (!sessionId || !user) throw new HTTPException(401, { message: "Log in again, then click Verify." });
  // State, PKCE verifier, connector, session and user travel in one sealed, short-lived HttpOnly cookie.
  const sealed = await sealOAuthState(c.env, { ...request, connectorId: connector.id, sessionId, userId: user.id });
  setCookie(c, OAUTH_COOKIE, sealed, {
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/oauth",
    maxAge: OAUTH_COOKIE_MAX_AGE,
  });
  await audit(c, "connector.verify_started", connector.organizerEmail);
  return c.redirect(request.url.toString(), 303);
});

connectorRoutes.post("/:id/sync", async (c) => {
  const connector = await loadConnector(c);
  if (connector.status !== "verified" || connector.paused) {
    throw new HTTPException(409, {
      message: "Only a verified connector that is not paused can sync. Verify or resume it first.",
    });
  }
  await c.env.GOTO_GATEWAY.getByName(connector.id).syncNow();
  return c.redirect(`/admin/connectors/${connector.id}?flash=syncing`, 303);
});

connectorRoutes.post("/:id/pause", async (c) => {
  const connector = await loadConnector(c);
  await updateConnector(createDb(c.env.DB), connector.id, { paused: true });
  await c.env.GOTO_GATEWAY.getByName(connector.id).setPaused(true);
  await audit(c, "connector.paused", connector.organizerEmail);
  return c.redirect(`/admin/connectors/${connector.id}?flash=paused`, 303);
});

connectorRoutes.post("/:id/resume", async (c) => {
  const connector = await loadConnector(c);
  await updateConnector(createDb(c.env.DB), connector.id, { paused: false });
  await c.env.GOTO_GATEWAY.getByName(connector.id).setPaused(false);
  await audit(c, "connector.resumed", connector.organizerEmail);
  return c.redirect(`/admin/connectors/${connector.id}?flash=resumed`, 303);
});

connectorRoutes.get("/:id/delete", async (c) => {
  const connector = await loadConnector(c);
  const counts = await countConnectorWebinars(createDb(c.env.DB), connector.id, new Date().toISOString());
  return c.render(
    <DeleteConnectorPage
      connector={connector}
      webinarCount={counts.upcoming + counts.past + counts.cancelled}
      csrfToken={c.get("csrfToken")}
    />,
    { title: "Delete connector?" },
  );
});

connectorRoutes.post("/:id/delete", async (c) => {
  const connector = await loadConnector(c);
  await updateConnector(createDb(c.env.DB), connector.id, { deletedAt: new Date().toISOString() });
  await c.env.GOTO_GATEWAY.getByName(connector.id).forget();
  await audit(c, "connector.deleted", connector.organizerEmail);
  return c.redirect("/admin/connectors?deleted=1", 303);
});
