import { asc, count, eq } from "drizzle-orm";
import type { Role } from "../../env";
import type { Db } from "../client";
import { users } from "../schema";

export type UserRow = typeof users.$inferSelect;

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  return row ?? null;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.email));
}

export interface NewUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

/** Inserts a user; returns false when the email is taken (the unique index decides, not a read). */
export async function insertUser(db: Db, user: NewUser): Promise<boolean> {
  const rows = await db
    .insert(users)
    .values({ ...user, email: user.email.toLowerCase() })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return rows.length === 1;
}

export async function setUserPassword(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, id));
}

export async function setUserActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.update(users).set({ active }).where(eq(users.id, id));
}

export async function setUserRole(db: Db, id: string, role: Role): Promise<void> {
  await db.update(users).set({ role }).where(eq(users.id, id));
}

export async function touchLastLogin(db: Db, id: string, at: string): Promise<void> {
  await db.update(users).set({ lastLoginAt: at }).where(eq(users.id, id));
}
