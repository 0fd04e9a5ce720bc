import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "../client";

/**
 * D1 batches of raw SQL. drizzle's `db.batch` cannot take `db.run(sql\`...\`)` on D1 (0.45: its
 * prepared raw query has no statement to bind), and the bulk writes here are raw SQL over a JSON
 * parameter, so they go to D1's own `batch()`, which runs them in order as one transaction.
 */
const dialect = new SQLiteAsyncDialect();

/** A statement for {@link runBatch}: raw SQL, or a drizzle query builder. */
export type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } };

/** The D1 binding under a drizzle database (`createDb` sets `$client`; the `Db` type leaves it out). */
function d1Of(db: Db): D1Database {
  const client = (db as unknown as { $client?: D1Database }).$client;
  if (!client) throw new Error("this database has no D1 client");
  return client;
}

/** One statement as D1's own prepared statement, for a batch built with D1's `batch()`. */
export function prepareStatement(d1: D1Database, statement: Statement): D1PreparedStatement {
  const query = "toSQL" in statement ? statement.toSQL() : dialect.sqlToQuery(statement);
  return d1.prepare(query.sql).bind(...query.params);
}

/** Whether `error` is D1 refusing a write for the unique index on `column` (e.g. `"lists.name"`). */
export function isUniqueViolation(error: unknown, column: string): boolean {
  return String(error).includes("UNIQUE") && String(error).includes(column);
}

export async function runBatch(db: Db, statements: readonly Statement[]): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  const d1 = d1Of(db);
  return d1.batch(statements.map((statement) => prepareStatement(d1, statement)));
}
