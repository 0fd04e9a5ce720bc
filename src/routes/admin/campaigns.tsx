import { type Context, Hono } from "hono";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { findOrCreateCampaign, listCampaigns } from "../../db/queries/campaigns";
import type { AppEnv } from "../../env";
import { clientIp } from "../../lib/request";
import { NameField } from "../../lib/validation";
import { validForm } from "../../middleware/validate";
import { DataTable, EmptyState, Flash, NameForm, PageHeader, Time } from "../../views/components";

const CampaignForm = v.object({ name: NameField("a campaign name") });

/** Campaigns: where prospects came from. Connectors give the prospects they create one. */
export const campaignRoutes = new Hono<AppEnv>();

async function render(c: Context<AppEnv>, state: { flash?: string; name?: string; error?: string }) {
  const campaigns = await listCampaigns(createDb(c.env.DB));
  return c.render(
    <div id="campaigns">
      <PageHeader
        title="Campaigns"
        lead="Where prospects came from. A connector puts the prospects it creates in the campaign you choose for it."
      />
      {state.flash && <Flash kind="success">{state.flash}</Flash>}
      <section class="panel">
        <h2>Add a campaign</h2>
        <NameForm
          action="/admin/campaigns"
          csrfToken={c.get("csrfToken")}
          value={state.name}
          error={state.error}
          maxlength={100}
          submit="Add campaign"
        />
      </section>
      <section class="panel">
        {campaigns.length === 0 ? (
          <EmptyState title="No campaigns yet">
            <p>Add one above, or name one when you add a connector.</p>
          </EmptyState>
        ) : (
          <DataTable columns={["Name", "Connectors using it", "Created"]}>
            {campaigns.map((cmp) => (
              <tr>
                <td data-label="Name">{cmp.name}</td>
                <td data-label="Connectors">{cmp.connectorCount}</td>
                <td data-label="Created">
                  <Time iso={cmp.createdAt} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>,
    { title: "Campaigns" },
  );
}

campaignRoutes.get("/", (c) => render(c, {}));

campaignRoutes.post(
  "/",
  validForm(CampaignForm, (c, { values, errors }) => {
    c.status(422);
    return render(c, { name: values.name ?? "", error: errors.name });
  }),
  async (c) => {
    const campaign = await findOrCreateCampaign(createDb(c.env.DB), c.req.valid("form").name);
    await recordAudit(createDb(c.env.DB), {
      actorId: c.get("user")?.id ?? null,
      action: "campaign.created",
      subject: campaign.name,
      ip: clientIp(c),
    });
    return render(c, { flash: `Campaign “${campaign.name}” is ready.` });
  },
);
