import { and, count, eq, gte, lt } from "drizzle-orm";
import type { Db } from "../client";
import { loginFailures } from "../schema";

export async function recordLoginFailure(db: Db, email: string, ip: string, at: string): Promise<void> {
  await db.insert(loginFailures).values({ email, ip, at });
}

export async function countRecentFailures(
  db: Db,
  since: string,
  email: string,
  ip: string,
): Promise<{ byEmail: number; byIp: number }> {
  const [byEmail] = await db
    .select({ n: count() })
    .from(loginFailures)
    .where(and(eq(loginFailures.email, email), gte(loginFailures.at, since)));
  const [byIp] = await db
    .select({ n: count() })
    .from(loginFailures)
    .where(and(eq(loginFailures.ip, ip), gte(loginFailures.at, since)));
  return { byEmail: byEmail?.n ?? 0, byIp: byIp?.n ?? 0 };
}

export async function clearFailuresForEmail(db: Db, email: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.email, email));
}

export async function pruneLoginFailures(db: Db, before: string): Promise<void> {
  await db.delete(loginFailures).where(lt(loginFailures.at, before));
}
