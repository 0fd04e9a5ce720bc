import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { migrateDurableStorage } from "../lib/do-schema";
import type { WebhookEvent } from "./webhook-events";

/** Storage migrations; the sync engine appends its jobs and outbox tables. */
const MIGRATIONS: string[][] = [
  [
    "CREATE TABLE webinar (id INTEGER PRIMARY KEY CHECK (id = 1), webinar_id TEXT NOT NULL, connector_id TEXT NOT NULL, tracked_at TEXT NOT NULL)",
    // Webhook events waiting for ingestion (the sync engine consumes them like a poll's results).
    "CREATE TABLE inbox (event_key TEXT PRIMARY KEY, event_name TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL)",
  ],
];

/**
 * WebinarSync: one per webinar (`getByName(webinarId)`): tiered polling, the registration outbox
 * and ingestion. Discovery tells it about its webinar with `track`; the sync engine issue builds
 * the polling and the outbox on top of what it records here.
 */
export class WebinarSync extends DurableObject<Env> {
  private version = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.version = migrateDurableStorage(ctx.storage.sql, MIGRATIONS);
    });
  }

  async schemaVersion(): Promise<number> {
    return this.version;
  }

  /** Discovery found this webinar new, changed or cancelled. Idempotent. */
  async track(input: { webinarId: string; connectorId: string }): Promise<void> {
    this.ctx.storage.sql.exec(
      `INSERT INTO webinar (id, webinar_id, connector_id, tracked_at) VALUES (1, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET tracked_at = excluded.tracked_at`,
      input.webinarId,
      input.connectorId,
      new Date().toISOString(),
    );
  }

  /** A registrant webhook event for this webinar, kept for ingestion. Idempotent per event key. */
  async receiveEvent(event: WebhookEvent & { webinarId: string; connectorId: string }): Promise<void> {
    this.ctx.storage.sql.exec(
      "INSERT OR IGNORE INTO inbox (event_key, event_name, payload, received_at) VALUES (?, ?, ?, ?)",
      event.eventKey,
      event.eventName,
      event.payload,
      new Date().toISOString(),
    );
  }

  async inbox(): Promise<{ eventKey: string; eventName: string; payload: string }[]> {
    return this.ctx.storage.sql
      .exec<{ event_key: string; event_name: string; payload: string }>("SELECT * FROM inbox ORDER BY received_at")
      .toArray()
      .map((r) => ({ eventKey: r.event_key, eventName: r.event_name, payload: r.payload }));
  }

  async tracked(): Promise<{ webinarId: string; connectorId: string; trackedAt: string } | null> {
    const row = this.ctx.storage.sql
      .exec<{ webinar_id: string; connector_id: string; tracked_at: string }>("SELECT * FROM webinar WHERE id = 1")
      .toArray()[0];
    return row ? { webinarId: row.webinar_id, connectorId: row.connector_id, trackedAt: row.tracked_at } : null;
  }
}
