import { sql } from "drizzle-orm";
import { ACTIVITY_TYPES, type ActivityType, isActivityType } from "../../domain/scoring";
import type { Db } from "../client";
import { scoringRules } from "../schema";

/** The marketer's points per activity type (F21); types without a rule use the defaults. */
export async function loadScoringRules(db: Db): Promise<Map<string, number>> {
  const rows = await db.select().from(scoringRules);
  return new Map(rows.map((r) => [r.activityType, r.points]));
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
}
