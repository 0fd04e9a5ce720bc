import { asc, eq } from "drizzle-orm";
import type { FilterKind, FilterRule } from "../../domain/filters";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { filters } from "../schema";

export type FilterRow = typeof filters.$inferSelect;

export async function listFilters(db: Db): Promise<FilterRow[]> {
  return db.select().from(filters).orderBy(asc(filters.kind), asc(filters.value));
}

export async function filterRules(db: Db): Promise<FilterRule[]> {
  return db.select({ id: filters.id, kind: filters.kind, value: filters.value }).from(filters);
}

export async function addFilter(db: Db, kind: FilterKind, value: string, note: string | null): Promise<string> {
  const id = newId("flt");
  await db.insert(filters).values({ id, kind, value, note });
  return id;
}

export async function deleteFilter(db: Db, id: string): Promise<boolean> {
  const deleted = await db.delete(filters).where(eq(filters.id, id)).returning({ id: filters.id });
  return deleted.length > 0;
}
