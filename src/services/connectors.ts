import { createDb } from "../db/client";
import { type AuditActor, recordAudit } from "../db/queries/audit";
import { findOrCreateCampaign } from "../db/queries/campaigns";
import { type ConnectorRow, insertConnector, updateConnector } from "../db/queries/connectors";
import {
  connectorBacklog,
  countConnectorWebinars,
  listConnectorWebinars,
  type WebinarRow,
} from "../db/queries/webinars";
import { newId } from "../lib/encoding";
import type { GatewayHealth } from "../sync/gateway";

/**
 * A connector as the marketer changes it: each change is written to D1, told to the connector's
 * gateway (which owns its tokens and its alarm), and audited, in that order.
 */

/** What the connector form sets. */
export interface ConnectorSettings {
  organizerEmail: string;
  createProspects: boolean;
  /** A campaign name, found or created; empty for none. */
  campaign: string;
}

type Connector = Pick<ConnectorRow, "id" | "organizerEmail" | "status" | "paused">;

type Backlog = Awaited<ReturnType<typeof connectorBacklog>>;

export interface ConnectorDetail {
  health: GatewayHealth | null;
  backlog: Backlog;
  webinars: WebinarRow[];
  counts: Awaited<ReturnType<typeof countConnectorWebinars>>;
}

async function gatewayHealth(env: Env, connectorId: string): Promise<GatewayHealth | null> {
  try {
    return await env.GOTO_GATEWAY.getByName(connectorId).health();
  } catch {
    return null; // the page still renders from D1 if the gateway cannot answer right now
  }
}

/** The connector page: the gateway's health beside D1's webinars, their counts and the outbox backlog. */
export async function connectorDetail(env: Env, connectorId: string, now: string): Promise<ConnectorDetail> {
  const db = createDb(env.DB);
  const [health, webinars, counts, backlog] = await Promise.all([
    gatewayHealth(env, connectorId),
    listConnectorWebinars(db, connectorId),
    countConnectorWebinars(db, connectorId, now),
    connectorBacklog(db, connectorId),
  ]);
  return { health, webinars, counts, backlog };
}

/** The health panel the connector page polls. */
export async function connectorHealth(
  env: Env,
  connectorId: string,
): Promise<{ health: GatewayHealth | null; backlog: Backlog }> {
  const [health, backlog] = await Promise.all([
    gatewayHealth(env, connectorId),
    connectorBacklog(createDb(env.DB), connectorId),
  ]);
  return { health, backlog };
}

/** A new connector, unverified until the marketer verifies it with GoTo. */
export async function createConnector(env: Env, settings: ConnectorSettings, actor: AuditActor): Promise<string> {
  const db = createDb(env.DB);
  const campaign = settings.campaign ? await findOrCreateCampaign(db, settings.campaign) : null;
  const id = newId("con");
  await insertConnector(db, {
    id,
    organizerEmail: settings.organizerEmail,
    createProspects: settings.createProspects,
    campaignId: campaign?.id ?? null,
    createdBy: actor.actorId,
  });
  await recordAudit(db, { ...actor, action: "connector.created", subject: settings.organizerEmail });
  return id;
}

/** New settings; another organizer means the verification no longer holds, so the gateway forgets its tokens. */
export async function updateConnectorSettings(
  env: Env,
  connector: Connector,
  settings: ConnectorSettings,
  actor: AuditActor,
): Promise<void> {
  const db = createDb(env.DB);
  const campaign = settings.campaign ? await findOrCreateCampaign(db, settings.campaign) : null;
  const emailChanged = settings.organizerEmail !== connector.organizerEmail;
  await updateConnector(db, connector.id, {
    organizerEmail: settings.organizerEmail,
    createProspects: settings.createProspects,
    campaignId: campaign?.id ?? null,
    ...(emailChanged ? { status: "unverified" as const, verifiedAt: null } : {}),
  });
  if (emailChanged) await env.GOTO_GATEWAY.getByName(connector.id).forget();
  await recordAudit(db, { ...actor, action: "connector.updated", subject: settings.organizerEmail });
}

/** Discovery now; false when the connector is not verified or is paused. */
export async function syncConnectorNow(env: Env, connector: Connector): Promise<boolean> {
  if (connector.status !== "verified" || connector.paused) return false;
  await env.GOTO_GATEWAY.getByName(connector.id).syncNow();
  return true;
}

/** Pauses or resumes discovery and sync; nothing is lost while paused. */
export async function setConnectorPaused(
  env: Env,
  connector: Connector,
  paused: boolean,
  actor: AuditActor,
): Promise<void> {
  const db = createDb(env.DB);
  await updateConnector(db, connector.id, { paused });
  await env.GOTO_GATEWAY.getByName(connector.id).setPaused(paused);
  await recordAudit(db, {
    ...actor,
    action: paused ? "connector.paused" : "connector.resumed",
    subject: connector.organizerEmail,
  });
}

/** Deletes the connector; its webinars, prospects and activities stay. The gateway forgets its tokens. */
export async function deleteConnector(env: Env, connector: Connector, actor: AuditActor): Promise<void> {
  const db = createDb(env.DB);
  await updateConnector(db, connector.id, { deletedAt: new Date().toISOString() });
  await env.GOTO_GATEWAY.getByName(connector.id).forget();
  await recordAudit(db, { ...actor, action: "connector.deleted", subject: connector.organizerEmail });
}
