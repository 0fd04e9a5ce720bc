import { createDb } from "../db/client";
import { type AuditActor, recordAudit } from "../db/queries/audit";
import { type WebinarCharts, webinarCharts } from "../db/queries/report-charts";
import {
  type OutboxRow,
  outboxRegistrations,
  type UnmatchedRow,
  unmatchedFor,
  type WebinarWithCounts,
  webinarConnector,
} from "../db/queries/reports";
import { syncRefusal } from "../domain/webinars";
import { errorFields, log } from "../lib/log";
import { plural } from "../lib/plural";
import type { SyncStatus } from "../sync/webinar-sync";
import type { SyncEngineStatus, SyncPanelProps } from "../views/pages/admin/webinar-detail";
import { type WebinarEngagementModel, webinarEngagement } from "./webinar-engagement";

/** The webinar page's "Sync with GoTo" panel, without what the request adds (CSRF token, flash). */
export type SyncPanelModel = Omit<SyncPanelProps, "csrfToken" | "flash">;

export type SyncNowOutcome = { kind: "started" } | { kind: "refused"; reason: string } | { kind: "unavailable" };

/** The sync engine's own report; the page still renders from D1 alone if it cannot answer. */
async function engineStatus(env: Env, webinarId: string): Promise<SyncEngineStatus> {
  let report: SyncStatus;
  try {
    report = await env.WEBINAR_SYNC.getByName(webinarId).status();
  } catch {
    return { available: false, lastError: null, lastSyncAt: null, nextSyncAt: null, facts: [], retrying: {} };
  }
  const facts: SyncEngineStatus["facts"] = [{ label: "Being pushed to GoTo", value: String(report.outbox.waiting) }];
  const retrying = report.outbox.retrying;
  if (retrying.length > 0) {
    const latest = retrying.reduce((a, b) => (b.nextAt > a.nextAt ? b : a));
    facts.push({
      label: "Retrying",
      value: `${plural(retrying.length, "registration")}: ${latest.lastError} Rollcall tries again on its own.`,
    });
  }
  if (report.waitingForConnector) {
    facts.push({ label: "Connector", value: "needs attention: registrations wait until it is verified or resumed" });
  }
  return {
    available: true,
    lastError: report.lastError?.message ?? null,
    lastSyncAt: report.lastSyncAt,
    nextSyncAt: report.nextSyncAt,
    facts,
    engagement: report.engagement,
    retrying: Object.fromEntries(
      report.outbox.retrying.map((r) => [r.registrationId, { lastError: r.lastError, nextAt: r.nextAt }]),
    ),
  };
}

type WebinarConnector = Awaited<ReturnType<typeof webinarConnector>>;

/** What the webinar page shows: the sync panel, its connector, the outbox's rows and the unmatched registrants. */
export interface WebinarDetailModel {
  sync: SyncPanelModel;
  connector: WebinarConnector;
  outboxRows: OutboxRow[];
  unmatched: { count: number; rows: UnmatchedRow[] };
  charts: WebinarCharts;
  engagement: WebinarEngagementModel;
}

function panel(
  webinar: WebinarWithCounts,
  outbox: { pending: number; error: number },
  engine: SyncEngineStatus,
  connector: WebinarConnector,
): SyncPanelModel {
  const refusal = syncRefusal(webinar.phase, connector);
  return {
    webinar,
    outbox: { pending: outbox.pending, error: outbox.error },
    engine,
    canSync: refusal ? { ok: false, reason: refusal } : { ok: true },
  };
}

/** The webinar page from D1 and the webinar's sync engine, each read once and all at the same time. */
export async function webinarDetail(env: Env, webinar: WebinarWithCounts): Promise<WebinarDetailModel> {
  const db = createDb(env.DB);
  const [outbox, engine, connector, unmatched, charts, engagement] = await Promise.all([
    outboxRegistrations(db, webinar.id),
    engineStatus(env, webinar.id),
    webinarConnector(db, webinar.connectorId),
    unmatchedFor(db, webinar.id),
    webinarCharts(db, webinar),
    webinarEngagement(db, webinar.id),
  ]);
  return {
    sync: panel(webinar, outbox, engine, connector),
    connector,
    outboxRows: outbox.rows,
    unmatched,
    charts,
    engagement,
  };
}

/** The panel alone (Sync now swaps it in place): D1's outbox counts and connector, the engine's report. */
export async function webinarSyncPanel(env: Env, webinar: WebinarWithCounts): Promise<SyncPanelModel> {
  const db = createDb(env.DB);
  const [outbox, engine, connector] = await Promise.all([
    outboxRegistrations(db, webinar.id, 0),
    engineStatus(env, webinar.id),
    webinarConnector(db, webinar.connectorId),
  ]);
  return panel(webinar, outbox, engine, connector);
}

/** Sync now: asks the webinar's sync engine for a poll, when the webinar and its connector allow it. */
export async function syncWebinarNow(env: Env, webinar: WebinarWithCounts, actor: AuditActor): Promise<SyncNowOutcome> {
  const db = createDb(env.DB);
  const refusal = syncRefusal(webinar.phase, await webinarConnector(db, webinar.connectorId));
  if (refusal) return { kind: "refused", reason: refusal };
  try {
    await withObjectRetry(() => env.WEBINAR_SYNC.getByName(webinar.id).syncNow());
  } catch (error) {
    log("warn", "Sync now could not reach the webinar's sync engine", { webinarId: webinar.id, ...errorFields(error) });
    return { kind: "unavailable" };
  }
  await recordAudit(db, { ...actor, action: "webinar.sync_now", subject: webinar.subject });
  return { kind: "started" };
}

/**
 * A Durable Object call that failed with an error the runtime marks retryable (the object was
 * reset or moved, e.g. while it was starting) is tried once more on a fresh stub, as Cloudflare
 * advises; an overloaded object is not pressed further.
 */
async function withObjectRetry<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const flags = error as { retryable?: unknown; overloaded?: unknown };
    if (flags?.retryable !== true || flags.overloaded === true) throw error;
    return await call();
  }
}
