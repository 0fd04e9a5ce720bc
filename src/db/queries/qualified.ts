import { type AnyColumn, getTableName, type SQL, sql } from "drizzle-orm";

/**
 * `"table"."column"`, for the outer row in a correlated subquery. drizzle writes a single-table
 * select's columns unqualified, even inside `sql`, so `${submissions.formId} = ${forms.id}` would
 * come out as `"form_id" = "id"` and compare the inner table with itself.
 */
export function qualified(column: AnyColumn): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}
