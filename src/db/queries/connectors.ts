import { and, desc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { campaigns, connectors, webinars } from "../schema";

export type ConnectorRow = typeof connectors.$inferSelect;
export type ConnectorStatus = ConnectorRow["status"];

export interface ConnectorListItem extends ConnectorRow {
  campaignName: string | null;
  webinarCount: number;
}

export async function listConnectors(db: Db): Promise<ConnectorListItem[]> {
  return db
    .select({
      ...getTableColumns(connectors),
      campaignName: campaigns.name,
      webinarCount: sql<number>`(SELECT count(*) FROM ${webinars} WHERE ${webinars.connectorId} = ${connectors.id})`,
    })
    .from(connectors)
    .leftJoin(campaigns, eq(campaigns.id, connectors.campaignId))
    .where(isNull(connectors.deletedAt))
    .orderBy(desc(connectors.createdAt));
}

export async function findConnector(
  db: Db,
  id: string,
): Promise<(ConnectorRow & { campaignName: string | null }) | null> {
  const [row] = await db
    .select({ connector: connectors, campaignName: campaigns.name })
    .from(connectors)
    .leftJoin(campaigns, eq(campaigns.id, connectors.campaignId))
    .where(and(eq(connectors.id, id), isNull(connectors.deletedAt)))
    .limit(1);
  return row ? { ...row.connector, campaignName: row.campaignName } : null;
}

export async function insertConnector(
  db: Db,
  row: {
    id: string;
    organizerEmail: string;
    createProspects: boolean;
    campaignId: string | null;
    createdBy: string | null;
  },
): Promise<void> {
  await db.insert(connectors).values({ ...row, type: "gotowebinar" });
}

export async function updateConnector(
  db: Db,
  id: string,
  patch: Partial<Omit<ConnectorRow, "id" | "type" | "createdAt" | "createdBy">>,
): Promise<void> {
  await db.update(connectors).set(patch).where(eq(connectors.id, id));
}
