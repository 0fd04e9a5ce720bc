import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { call, form, rows, type Session } from "../helpers";

/** Posts a dynamic list's form (name and builder fields) as the browser does. */
export function postList(session: Session, path: string, fields: Record<string, string>): Promise<Response> {
  return call(path, {
    method: "POST",
    cookie: session.cookie,
    ...form({ _csrf: session.csrf, op: "save", ...fields }),
  });
}

/** Builder fields for one condition at the top level. */
export function condition(i: number, fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [`conditions.${i}.${k}`, v]));
}

/** Runs the job runner's alarm until no job is due (each run works up to its budget). */
export async function runJobs(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const due = await rows("SELECT id FROM jobs WHERE state IN ('queued', 'running')");
    if (due.length === 0) return;
    const runner = env.JOB_RUNNER.getByName("jobs");
    // The runner's own alarm may be set already (or running); wake sets it if not.
    await runner.wake();
    await runDurableObjectAlarm(runner);
  }
  throw new Error("jobs still due after 20 runs");
}

export async function membersOf(listId: string): Promise<string[]> {
  const found = await rows<{ prospect_id: string }>(
    "SELECT prospect_id FROM list_members WHERE list_id = ? ORDER BY prospect_id",
    listId,
  );
  return found.map((r) => r.prospect_id);
}

export async function joinedAt(listId: string): Promise<Record<string, string>> {
  const found = await rows<{ prospect_id: string; created_at: string }>(
    "SELECT prospect_id, created_at FROM list_members WHERE list_id = ?",
    listId,
  );
  return Object.fromEntries(found.map((r) => [r.prospect_id, r.created_at]));
}

/** Many active prospects at once (one statement), with ids that sort after `prefix`. */
export async function bulkProspects(prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `pro_${prefix}${String(i).padStart(5, "0")}`);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await env.DB.prepare(
      `INSERT INTO prospects (id, email, source, created_at, updated_at)
       SELECT value, lower(value) || '@bulk.example.com', 'manual', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
       FROM json_each(?)`,
    )
      .bind(JSON.stringify(chunk))
      .run();
  }
  return ids;
}
