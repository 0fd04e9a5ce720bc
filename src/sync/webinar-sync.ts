import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { migrateDurableStorage } from "../lib/do-schema";

/** Storage migrations; later issues append to this list. */
const MIGRATIONS: string[][] = [];

/**
 * WebinarSync: one per webinar (`getByName(webinarId)`): tiered polling, the registration outbox
 * and ingestion. The sync engine issue fills it in; today it keeps its schema version.
 */
export class WebinarSync extends DurableObject<Env> {
  private version = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.version = migrateDurableStorage(ctx.storage.sql, MIGRATIONS);
    });
  }

  /** The storage schema version; lets tests and later migrations see the object is alive. */
  async schemaVersion(): Promise<number> {
    return this.version;
  }
}
