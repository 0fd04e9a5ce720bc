import { asc, eq } from "drizzle-orm";
import type { FilterKind, FilterRule } from "../../domain/filters";
import { newId } from "../../lib/encoding";
import { isolateCache } from "../../lib/isolate-cache";
import type { Db } from "../client";
import { filters } from "../schema";

export type FilterRow = typeof filters.$inferSelect;

export async function listFilters(db: Db): Promise<FilterRow[]> {
  return db.select().from(filters).orderBy(asc(filters.kind), asc(filters.value));
}

export async function filterRules(db: Db): Promise<FilterRule[]> {
  return db.select({ id: filters.id, kind: filters.kind, value: filters.value }).from(filters);
}

/** How long an isolate trusts its copy of the filters; writes through this module clear it at once. */
export const FILTER_CACHE_MS = 10_000;

const cache = isolateCache<"filters", FilterRule[]>({ ttlMs: FILTER_CACHE_MS });

/**
 * The filters as the submission path reads them: from the isolate's copy when it is under 10 s
 * old, else from D1. A change made in another isolate shows within that time.
 */
export async function cachedFilterRules(db: Db, now: number): Promise<FilterRule[]> {
  return cache.get("filters", now, () => filterRules(db));
}

export async function addFilter(db: Db, kind: FilterKind, value: string, note: string | null): Promise<string> {
  const id = newId("flt");
  await db.insert(filters).values({ id, kind, value, note });
  cache.forget();
  return id;
}

export async function deleteFilter(db: Db, id: string): Promise<boolean> {
  const deleted = await db.delete(filters).where(eq(filters.id, id)).returning({ id: filters.id });
  cache.forget();
  return deleted.length > 0;
}
