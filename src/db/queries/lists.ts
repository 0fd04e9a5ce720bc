import { asc, desc, eq, sql } from "drizzle-orm";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { listMembers, lists, prospects } from "../schema";

export type ListRow = typeof lists.$inferSelect;

export async function listLists(db: Db): Promise<(ListRow & { members: number })[]> {
  return db
    .select({
      id: lists.id,
      name: lists.name,
      createdAt: lists.createdAt,
      members: sql<number>`(SELECT count(*) FROM ${listMembers} WHERE ${listMembers.listId} = ${lists.id})`,
    })
    .from(lists)
    .orderBy(asc(lists.name));
}

export async function findList(db: Db, id: string): Promise<ListRow | null> {
  const [row] = await db.select().from(lists).where(eq(lists.id, id)).limit(1);
  return row ?? null;
}

/** The list with this name, created if there is none. */
export async function findOrCreateList(db: Db, name: string): Promise<ListRow> {
  await db
    .insert(lists)
    .values({ id: newId("lst"), name })
    .onConflictDoNothing();
  const [row] = await db.select().from(lists).where(eq(lists.name, name)).limit(1);
  if (!row) throw new Error(`list ${name} vanished`);
  return row;
}

export async function listMembersOf(
  db: Db,
  listId: string,
  limit = 500,
): Promise<
  { prospectId: string; email: string; firstName: string | null; lastName: string | null; addedAt: string }[]
> {
  return db
    .select({
      prospectId: prospects.id,
      email: prospects.email,
      firstName: prospects.firstName,
      lastName: prospects.lastName,
      addedAt: listMembers.addedAt,
    })
    .from(listMembers)
    .innerJoin(prospects, eq(prospects.id, listMembers.prospectId))
    .where(eq(listMembers.listId, listId))
    .orderBy(desc(listMembers.addedAt))
    .limit(limit);
}
