import { type SQL, sql } from "drizzle-orm";
import type { KindReading } from "../../domain/criteria";
import { criteriaMatches, type ProspectScope } from "./criteria";

/**
 * Dynamic list membership, as SQL for the batch that changed the facts it depends on. A member
 * is a prospect that matches the list's stored criteria when the batch runs, so the statements
 * are idempotent: a re-poll, an alarm re-run, a duplicate webhook or an event out of order leave
 * every membership as the facts say, and a member who still matches keeps the time it joined.
 */

export interface MembershipOptions {
  /** One list only (its recompute); all dynamic lists when unset. */
  listId?: string;
  /** Only add members (a merge keeps the union of both prospects' memberships on the master). */
  addOnly?: boolean;
  /** Only lists with a condition of these (kindsReading: the others cannot have changed). */
  reading?: readonly KindReading[];
}

export function refreshMemberships(scope: ProspectScope, now: string, options: MembershipOptions = {}): SQL[] {
  const source = {
    ownerType: "list" as const,
    ...(options.listId === undefined ? {} : { ownerId: options.listId }),
    ...(options.reading === undefined ? {} : { reading: options.reading }),
  };
  const member = (owner: SQL, prospect: SQL) =>
    sql`EXISTS (SELECT 1 FROM list_members lm WHERE lm.list_id = ${owner} AND lm.prospect_id = ${prospect})`;
  // Non-members are judged for joining, members for leaving: each pair once.
  const statements = [
    sql`${criteriaMatches(source, scope, now, (o, p) => sql`NOT ${member(o, p)}`)}
        INSERT INTO list_members (list_id, prospect_id, created_at)
        SELECT m.owner_id, m.prospect_id, ${now} FROM criteria_matches m
        WHERE m.ok = 1 AND EXISTS (SELECT 1 FROM lists l WHERE l.id = m.owner_id AND l.kind = 'dynamic')
        ON CONFLICT DO NOTHING`,
  ];
  if (!options.addOnly) {
    statements.push(
      sql`${criteriaMatches(source, scope, now, member)}
          DELETE FROM list_members
          WHERE (list_id, prospect_id) IN (SELECT m.owner_id, m.prospect_id FROM criteria_matches m WHERE m.ok = 0)`,
    );
  }
  return statements;
}
