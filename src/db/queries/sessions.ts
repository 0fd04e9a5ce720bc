import { and, desc, eq, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { sessions, users } from "../schema";
import { runBatch } from "./statements";

export interface SessionWithUser {
  id: string;
  expiresAt: string;
  user: { id: string; email: string; name: string; role: "admin" | "marketer"; active: boolean };
}

/**
 * Inserts a session and, in the same batch, ends the user's oldest ones beyond `keep` (and any
 * that expired), so logging in again and again never leaves an unlimited number alive.
 */
export async function insertSession(
  db: Db,
  row: { id: string; userId: string; expiresAt: string; ip: string | null; userAgent: string | null },
  keep: number,
  now: string,
): Promise<void> {
  await runBatch(db, [
    db.insert(sessions).values(row),
    sql`
      DELETE FROM ${sessions} WHERE ${sessions.userId} = ${row.userId}
      AND (${sessions.expiresAt} <= ${now} OR ${sessions.id} NOT IN (
        SELECT ${sessions.id} FROM ${sessions} WHERE ${sessions.userId} = ${row.userId}
        ORDER BY ${sessions.createdAt} DESC, rowid DESC LIMIT ${keep}))`,
  ]);
}

export interface SessionListItem {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

/** A user's sessions, newest first. */
export async function listUserSessions(db: Db, userId: string): Promise<SessionListItem[]> {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.createdAt), desc(sql`rowid`));
}

/** Ends one of the user's sessions; false when the user has no such session. */
export async function deleteOwnSession(db: Db, userId: string, id: string): Promise<boolean> {
  const gone = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, id)))
    .returning({ id: sessions.id });
  return gone.length > 0;
}

/** Ends every session of the user but `keepId`; returns how many ended. */
export async function deleteOtherSessions(db: Db, userId: string, keepId: string): Promise<number> {
  const gone = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepId)))
    .returning({ id: sessions.id });
  return gone.length;
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
