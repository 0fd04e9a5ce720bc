import { createDb } from "../../db/client";
import { listCampaigns } from "../../db/queries/campaigns";
import { listUpcomingWebinars } from "../../db/queries/forms";
import { listLists } from "../../db/queries/lists";
import type { Env } from "../../env";
import type { ActionChoices } from "../../views/pages/admin/form-actions";

/** What the completion-action pickers offer: upcoming webinars only (F7), static lists, campaigns. */
export async function choicesFor(env: Env): Promise<ActionChoices> {
  const db = createDb(env.DB);
  const [webinars, lists, campaigns] = await Promise.all([
    listUpcomingWebinars(db, new Date().toISOString()),
    listLists(db),
    listCampaigns(db),
  ]);
  // Add to list offers static lists: a dynamic list's members follow its criteria alone.
  return { webinars, lists: lists.filter((l) => l.kind === "static"), campaigns };
}
