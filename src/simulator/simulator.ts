import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { migrateDurableStorage } from "../lib/do-schema";

/** Storage migrations; later issues append to this list. */
const MIGRATIONS: string[][] = [];

/**
 * GoToSimulator: a faithful GoToWebinar (OAuth and REST v2) with its own SQLite state, served
 * under /sim in simulator mode only. The simulator issue fills it in.
 */
export class GoToSimulator extends DurableObject<Env> {
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

  /** Every /sim request (from the Worker route or from simulatorFetch) arrives here. */
  override async fetch(_request: Request): Promise<Response> {
    return Response.json(
      { errorCode: "NOT_FOUND", message: "The simulator does not serve this path yet." },
      { status: 404 },
    );
  }
}
