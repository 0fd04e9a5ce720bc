import { sql } from "drizzle-orm";
import { ACTIVITY_TYPES, type ActivityType, isActivityType } from "../../domain/scoring";
import { isolateCache } from "../../lib/isolate-cache";
import type { Db } from "../client";
import { scoringRules } from "../schema";

/** The marketer's points per activity type; types without a rule use the defaults. */
export async function loadScoringRules(db: Db): Promise<Map<string, number>> {
  const rows = await db.select().from(scoringRules);
  return new Map(rows.map((r) => [r.activityType, r.points]));
}

/** How long an isolate trusts its copy of the scoring rules; a change through this module clears it at once. */
export const SCORING_CACHE_MS = 10_000;

const cache = isolateCache<"rules", Map<string, number>>({ ttlMs: SCORING_CACHE_MS });

/**
 * The scoring rules as the form submission path reads them: from the isolate's copy when it is
 * under 10 s old, else from D1. A change made in another isolate applies within that time.
 */
export async function cachedScoringRules(db: Db, now: number): Promise<Map<string, number>> {
  return cache.get("rules", now, () => loadScoringRules(db));
}

/** Every activity type with its points in force (rule or default), in the defaults' order. */
export async function effectivePoints(db: Db): Promise<{ type: ActivityType; points: number; isDefault: boolean }[]> {
  const rules = await loadScoringRules(db);
  return (Object.keys(ACTIVITY_TYPES) as ActivityType[]).map((type) => ({
    type,
    points: rules.get(type) ?? ACTIVITY_TYPES[type].defaultPoints,
    isDefault: !rules.has(type),
  }));
}

/** Sets one type's points. Activities already written keep theirs: each is scored once, when written. */
export async function setScoringRule(db: Db, type: string, points: number): Promise<void> {
  if (!isActivityType(type)) throw new RangeError(`unknown activity type ${type}`);
  await db
    .insert(scoringRules)
    .values({ activityType: type, points })
    .onConflictDoUpdate({
      target: scoringRules.activityType,
      set: { points, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` },
    });
  cache.forget();
}
