import { asc, count, eq, sql } from "drizzle-orm";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { campaigns, connectors } from "../schema";
import { qualified } from "./qualified";

export type CampaignRow = typeof campaigns.$inferSelect;

export async function listCampaigns(db: Db): Promise<(CampaignRow & { connectorCount: number })[]> {
  return db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      createdAt: campaigns.createdAt,
      connectorCount: sql<number>`(SELECT count(*) FROM ${connectors} WHERE ${connectors.campaignId} = ${qualified(campaigns.id)} AND ${connectors.deletedAt} IS NULL)`,
    })
    .from(campaigns)
    .orderBy(asc(campaigns.name));
}

export async function findCampaign(db: Db, id: string): Promise<CampaignRow | null> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id)).limit(1);
  return row ?? null;
}

/** The campaign with this name (case as first typed), created if there is none. */
export async function findOrCreateCampaign(db: Db, name: string): Promise<CampaignRow> {
  const trimmed = name.trim();
  await db
    .insert(campaigns)
    .values({ id: newId("cmp"), name: trimmed })
    .onConflictDoNothing();
  const [row] = await db.select().from(campaigns).where(eq(campaigns.name, trimmed)).limit(1);
  if (!row) throw new Error(`campaign ${trimmed} vanished`);
  return row;
}

export async function countCampaigns(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(campaigns);
  return row?.n ?? 0;
}
