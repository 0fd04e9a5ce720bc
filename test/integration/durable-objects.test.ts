import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { migrateDurableStorage } from "../../src/lib/do-schema";

/** The schema version an object's constructor migrated its storage to, read from its `meta` table. */
function schemaVersion<T extends Rpc.DurableObjectBranded>(stub: DurableObjectStub<T>): Promise<number> {
  return runInDurableObject(stub, (_instance, state) => {
    const row = state.storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")
      .toArray()[0];
    return row ? Number(row.value) : 0;
  });
}

describe("Durable Object storage schema", () => {
  it("applies each migration once and records the version", async () => {
    const stub = env.WEBINAR_SYNC.getByName(`schema-${crypto.randomUUID()}`);
    await runInDurableObject(stub, (_instance, state) => {
      const migrations = [
        ["CREATE TABLE test_jobs (id INTEGER PRIMARY KEY, run_at TEXT NOT NULL)"],
        [
          "ALTER TABLE test_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
          "CREATE INDEX test_jobs_run_at ON test_jobs (run_at)",
        ],
      ];
      expect(migrateDurableStorage(state.storage.sql, migrations.slice(0, 1), "test_version")).toBe(1);
      state.storage.sql.exec("INSERT INTO test_jobs (run_at) VALUES ('2026-11-28T00:00:00Z')");
      expect(migrateDurableStorage(state.storage.sql, migrations, "test_version")).toBe(2);
      // Running again changes nothing: no "duplicate column" error, the row is still there.
      expect(migrateDurableStorage(state.storage.sql, migrations, "test_version")).toBe(2);
      const row = state.storage.sql.exec<{ attempts: number }>("SELECT attempts FROM test_jobs").one();
      expect(row.attempts).toBe(0);
    });
  });

  it("gives each bound class a live object (GoToGateway, GoToRateBudget, WebinarSync)", async () => {
    expect(await schemaVersion(env.GOTO_GATEWAY.getByName(`c-${crypto.randomUUID()}`))).toBeGreaterThanOrEqual(0);
    expect(await schemaVersion(env.GOTO_RATE_BUDGET.getByName(`b-${crypto.randomUUID()}`))).toBe(1);
    expect(await schemaVersion(env.WEBINAR_SYNC.getByName(`w-${crypto.randomUUID()}`))).toBeGreaterThanOrEqual(0);
  });
});
