import type { Db } from "../db/client";
import { type ConnectorRow, updateConnector } from "../db/queries/connectors";
import { markWebinarsCancelled, type WebinarFacts, webinarFingerprints, writeWebinars } from "../db/queries/webinars";
import { DISCOVERY_INTERVAL_MS, discoveryWindow, planDiscovery } from "../domain/discovery";
import { cleanText } from "../domain/text";
import type { GoToClient } from "../gotowebinar/client";
import { GOTO_MAX_PAGE_SIZE } from "../gotowebinar/constants";
import type { GoToWebinar } from "../gotowebinar/schemas";
import { newId } from "../lib/encoding";
import { log } from "../lib/log";

/** What the connector page shows while discovery runs (an htmx-polled progress bar). */
export interface DiscoveryProgress {
  phase: "queued" | "listing" | "storing" | "done" | "waiting" | "failed";
  pages: number;
  totalPages?: number;
  webinars: number;
  startedAt: string | null;
  finishedAt?: string;
  added?: number;
  changed?: number;
  cancelled?: number;
  error?: string;
}

type Call = <M extends keyof GoToClient>(
  method: M,
  args: Parameters<GoToClient[M]>[0],
) => Promise<Awaited<ReturnType<GoToClient[M]>>>;

export interface DiscoveryDeps {
  env: Env;
  db: Db;
  connector: ConnectorRow;
  organizerKey: string;
  call: Call;
  progress: (p: DiscoveryProgress) => void;
  now?: () => Date;
}

/** A guard against a listing that never ends (GoTo answering the same page forever). */
const MAX_PAGES = 500;

function facts(w: GoToWebinar): WebinarFacts {
  return {
    webinarKey: w.webinarKey,
    subject: cleanText(w.subject),
    description: w.description ? cleanText(w.description) : null,
    times: w.times.map((t) => ({ startTime: t.startTime, endTime: t.endTime })),
    timeZone: w.timeZone ?? null,
    registrationUrl: w.registrationUrl ?? null,
    approvalType: w.approvalType ?? null,
  };
}

/**
 * Lists the organizer's webinars from a year back to a year ahead, page by page, and brings D1 in
 * line: new and changed webinars written, vanished ones cancelled, and each touched webinar's
 * WebinarSync told. Returns when the next discovery is due.
 */
export async function runDiscovery(deps: DiscoveryDeps): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const window = discoveryWindow(startedAt);
  const progress: DiscoveryProgress = { phase: "listing", pages: 0, webinars: 0, startedAt: startedAt.toISOString() };
  deps.progress(progress);

  const listed: WebinarFacts[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await deps.call("listWebinars", {
      organizerKey: deps.organizerKey,
      fromTime: window.fromTime,
      toTime: window.toTime,
      page,
      size: GOTO_MAX_PAGE_SIZE,
    });
    listed.push(...result.items.map(facts));
    progress.pages = page + 1;
    progress.webinars = listed.length;
    if (result.page) progress.totalPages = result.page.totalPages;
    deps.progress(progress);
    const last = result.page ? page + 1 >= result.page.totalPages : true;
    if (last || result.items.length === 0) break;
  }

  progress.phase = "storing";
  deps.progress(progress);
  const stored = await webinarFingerprints(deps.db, deps.connector.id);
  const plan = planDiscovery(stored, listed, window, () => newId("web"));
  const at = now().toISOString();
  await writeWebinars(deps.db, deps.connector.id, plan.writes, at);
  await markWebinarsCancelled(deps.db, plan.cancelled, at);

  // Each new, changed or cancelled webinar's own Durable Object hears of it (it schedules polling).
  const touched = [...plan.writes.map((w) => w.id), ...plan.cancelled];
  for (const webinarId of touched) {
    await deps.env.WEBINAR_SYNC.getByName(webinarId).track({ webinarId, connectorId: deps.connector.id });
  }

  const next = now().getTime() + DISCOVERY_INTERVAL_MS + Math.floor(Math.random() * 30_000);
  await updateConnector(deps.db, deps.connector.id, {
    lastDiscoveryAt: at,
    nextDiscoveryAt: new Date(next).toISOString(),
    lastError: null,
    lastErrorAt: null,
  });
  const added = plan.writes.filter((w) => w.isNew).length;
  Object.assign(progress, {
    phase: "done",
    finishedAt: at,
    added,
    changed: plan.writes.length - added,
    cancelled: plan.cancelled.length,
  });
  deps.progress(progress);
  log("info", "discovery finished", {
    connectorId: deps.connector.id,
    listed: listed.length,
    added,
    changed: plan.writes.length - added,
    cancelled: plan.cancelled.length,
  });
  return next;
}
