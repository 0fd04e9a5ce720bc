/**
 * The GoToRateBudget's own SQLite storage: the requests-per-second limit it spends, when one was
 * set (GoTo grants higher limits per client ID on request). Everything else it holds is in memory.
 */
export const BUDGET_MIGRATIONS: string[][] = [["CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)"]];

/** The limit set with `setLimit`, or null when the default applies. */
export function readLimit(sql: SqlStorage): number | null {
  const row = sql.exec<{ value: string }>("SELECT value FROM state WHERE key = 'limit'").toArray()[0];
  return row ? Number(row.value) : null;
}

export function writeLimit(sql: SqlStorage, limit: number): void {
  sql.exec(
    "INSERT INTO state (key, value) VALUES ('limit', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    String(limit),
  );
}
