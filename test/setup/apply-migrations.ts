import { applyD1Migrations, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll } from "vitest";

// Storage is isolated per test file; applying is idempotent, so every file starts migrated.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// The gateways and webinar syncs keep re-arming their alarms (heartbeats, sweeps). One that fires
// while a file's environment is torn down logs into a closed channel and fails the run, so every
// file ends by clearing the alarms of the objects it made.
async function clearAlarms<T extends Rpc.DurableObjectBranded>(namespace: DurableObjectNamespace<T>): Promise<void> {
  for (const id of await listDurableObjectIds(namespace)) {
    await runInDurableObject(namespace.get(id), (_instance, state) => state.storage.deleteAlarm());
  }
}

afterAll(async () => {
  await clearAlarms(env.GOTO_GATEWAY);
  await clearAlarms(env.WEBINAR_SYNC);
  await clearAlarms(env.JOB_RUNNER);
});
