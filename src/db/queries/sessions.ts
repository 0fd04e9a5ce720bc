import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { sessions, users } from "../schema";

export interface SessionWithUser {
  id: string;
  expiresAt: string;
  user: { id: string; email: string; name: string; role: "admin" | "marketer"; active: boolean };
}

export async function insertSession(
  db: Db,
  row: { id: string; userId: string; expiresAt: string; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db.insert(sessions).values(row);
}

export async function findSessionWithUser(db: Db, id: string): Promise<SessionWithUser | null> {
  const [row] = await db
    .select({
      id: sessions.id,
      expiresAt: sessions.expiresAt,
      user: { id: users.id, email: users.email, name: users.name, role: users.role, active: users.active },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  return row ?? null;
}

export async function extendSession(db: Db, id: string, expiresAt: string): Promise<void> {
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.delete(sessions).where(and(lt(sessions.expiresAt, now)));
}
