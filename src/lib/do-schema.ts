/**
 * Durable Object SQLite has no `PRAGMA user_version`, so each object keeps its own schema version
 * in a `meta` table and applies the migrations past it, inside `blockConcurrencyWhile` so no call
 * sees a half-built schema. Migrations are plain SQL statement lists, index = version - 1.
 */
export function migrateDurableStorage(
  sql: SqlStorage,
  migrations: readonly (readonly string[])[],
  versionKey = "schema_version",
): number {
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", versionKey).toArray()[0];
  let version = row ? Number(row.value) : 0;
  for (; version < migrations.length; version++) {
    for (const statement of migrations[version] ?? []) sql.exec(statement);
    sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      versionKey,
      String(version + 1),
    );
  }
  return version;
}
