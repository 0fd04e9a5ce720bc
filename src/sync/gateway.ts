import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { migrateDurableStorage } from "../lib/do-schema";

/** Storage migrations; later issues append to this list. */
const MIGRATIONS: string[][] = [];

/**
 * GoToGateway: one per connector, the only code that talks to GoTo for it (tokens, rate budget,
 * webinar discovery). The connectors issue fills it in; today it keeps its schema version so
 * later migrations of its storage have a starting point.
 */
export class GoToGateway extends DurableObject<Env> {
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
