import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { type AuditActor, recordAudit } from "../../db/queries/audit";
import { listCampaigns } from "../../db/queries/campaigns";
import { findConnector, listConnectors } from "../../db/queries/connectors";
import { countConnectorWebinars } from "../../db/queries/webinars";
import type { AppEnv } from "../../env";
import { clientIp } from "../../lib/request";
import { EmailField } from "../../lib/validation";
import { validForm } from "../../middleware/validate";
import {
  type ConnectorSettings,
  connectorDetail,
  connectorHealth,
  createConnector,
  deleteConnector,
  setConnectorPaused,
  syncConnectorNow,
  updateConnectorSettings,
} from "../../services/connectors";
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

function actor(c: Context<AppEnv>): AuditActor {
  return { actorId: c.get("user")?.id ?? null, ip: clientIp(c) };
}

function settings(form: v.InferOutput<typeof ConnectorFormSchema>): ConnectorSettings {
  return {
    organizerEmail: form.organizerEmail,
    createProspects: form.createProspects === "on",
    campaign: form.campaign,
  };
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
    const id = await createConnector(c.env, settings(c.req.valid("form")), actor(c));
    return c.redirect(`/admin/connectors/${id}?flash=created`, 303);
  },
);

connectorRoutes.get("/:id", async (c) => {
  const connector = await loadConnector(c);
  const now = new Date().toISOString();
  const { health, webinars, counts, backlog } = await connectorDetail(c.env, connector.id, now);
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
  const { health, backlog } = await connectorHealth(c.env, connector.id);
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
    await updateConnectorSettings(c.env, connector, settings(c.req.valid("form")), actor(c));
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
  await recordAudit(createDb(c.env.DB), {
    ...actor(c),
    action: "connector.verify_started",
    subject: connector.organizerEmail,
  });
  return c.redirect(request.url.toString(), 303);
});

connectorRoutes.post("/:id/sync", async (c) => {
  const connector = await loadConnector(c);
  if (!(await syncConnectorNow(c.env, connector))) {
    throw new HTTPException(409, {
      message: "Only a verified connector that is not paused can sync. Verify or resume it first.",
    });
  }
  return c.redirect(`/admin/connectors/${connector.id}?flash=syncing`, 303);
});

connectorRoutes.post("/:id/pause", async (c) => {
  const connector = await loadConnector(c);
  await setConnectorPaused(c.env, connector, true, actor(c));
  return c.redirect(`/admin/connectors/${connector.id}?flash=paused`, 303);
});

connectorRoutes.post("/:id/resume", async (c) => {
  const connector = await loadConnector(c);
  await setConnectorPaused(c.env, connector, false, actor(c));
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
  await deleteConnector(c.env, connector, actor(c));
  return c.redirect("/admin/connectors?deleted=1", 303);
});
