import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { gotoAppState } from "../schema";

export async function getAppState(db: Db, key: string): Promise<string | null> {
  const [row] = await db.select().from(gotoAppState).where(eq(gotoAppState.key, key)).limit(1);
  return row?.value ?? null;
}

/** Sets a value unless one is there; returns the value in force (the first writer wins a race). */
export async function setAppStateOnce(db: Db, key: string, value: string): Promise<string> {
  await db.insert(gotoAppState).values({ key, value }).onConflictDoNothing();
  return (await getAppState(db, key)) ?? value;
}

export async function replaceAppState(db: Db, key: string, value: string): Promise<void> {
  await db.insert(gotoAppState).values({ key, value }).onConflictDoUpdate({ target: gotoAppState.key, set: { value } });
}
