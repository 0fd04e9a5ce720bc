import { eq, inArray, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { checkMerge, type MergeRegistration, mergeFields, planMerge } from "../../domain/merge";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { activities, prospectMerges, prospects, registrations, submissions } from "../schema";

export interface MergeResult {
  masterId: string;
  mergedId: string;
  mergedEmail: string;
  droppedActivities: number;
  droppedRegistrations: number;
  score: number;
}

/** Ids per statement: far below D1's 100 bound parameters. */
const IDS_PER_STATEMENT = 90;

/**
 * Merges `otherId` into `masterId` (F22) in one D1 batch, so it happens completely or not at all.
 * The rules are in src/domain/merge.ts. The statements that move rows also drop, by SQL, any
 * duplicate that ingestion wrote after the rows were read, so a racing poll cannot break the batch.
 */
export async function mergeProspects(
  db: Db,
  input: { masterId: string; otherId: string; mergedBy: string | null; now: string },
): Promise<MergeResult> {
  const { masterId, otherId, now } = input;
  const pair = await db
    .select()
    .from(prospects)
    .where(or(eq(prospects.id, masterId), eq(prospects.id, otherId)));
  const master = pair.find((p) => p.id === masterId) ?? null;
  const other = masterId === otherId ? master : (pair.find((p) => p.id === otherId) ?? null);
  checkMerge(master, other);
  if (!master || !other) throw new Error("unreachable: checkMerge refuses missing prospects");

  const both = [masterId, otherId];
  const [acts, regs] = await Promise.all([
    db
      .select({
        id: activities.id,
        prospectId: activities.prospectId,
        dedupeKey: activities.dedupeKey,
        occurredAt: activities.occurredAt,
      })
      .from(activities)
      .where(inArray(activities.prospectId, both)),
    db
      .select({
        id: registrations.id,
        prospectId: registrations.prospectId,
        webinarId: registrations.webinarId,
        status: registrations.status,
        attended: registrations.attended,
        minutesAttended: registrations.minutesAttended,
      })
      .from(registrations)
      .where(inArray(registrations.prospectId, both)),
  ]);
  const plan = planMerge(masterId, acts, regs satisfies MergeRegistration[]);
  const fields = mergeFields(master, other);

  const statements: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < plan.dropActivityIds.length; i += IDS_PER_STATEMENT) {
    statements.push(
      db.delete(activities).where(inArray(activities.id, plan.dropActivityIds.slice(i, i + IDS_PER_STATEMENT))),
    );
  }
  for (let i = 0; i < plan.dropRegistrationIds.length; i += IDS_PER_STATEMENT) {
    statements.push(
      db
        .delete(registrations)
        .where(inArray(registrations.id, plan.dropRegistrationIds.slice(i, i + IDS_PER_STATEMENT))),
    );
  }
  statements.push(
    // Rows written between the read above and this batch: the master's copy wins.
    db.run(sql`DELETE FROM activities WHERE prospect_id = ${otherId}
      AND dedupe_key IN (SELECT dedupe_key FROM activities WHERE prospect_id = ${masterId})`),
    db.run(sql`DELETE FROM registrations WHERE prospect_id = ${otherId}
      AND webinar_id IN (SELECT webinar_id FROM registrations WHERE prospect_id = ${masterId})`),
    db.update(activities).set({ prospectId: masterId }).where(eq(activities.prospectId, otherId)),
    db.update(registrations).set({ prospectId: masterId, updatedAt: now }).where(eq(registrations.prospectId, otherId)),
    db.update(submissions).set({ prospectId: masterId }).where(eq(submissions.prospectId, otherId)),
    db.run(sql`INSERT OR IGNORE INTO list_members (list_id, prospect_id, added_at)
      SELECT list_id, ${masterId}, added_at FROM list_members WHERE prospect_id = ${otherId}`),
    db.run(sql`DELETE FROM list_members WHERE prospect_id = ${otherId}`),
    db.run(sql`INSERT OR IGNORE INTO prospect_tags (prospect_id, tag, added_at)
      SELECT ${masterId}, tag, added_at FROM prospect_tags WHERE prospect_id = ${otherId}`),
    db.run(sql`DELETE FROM prospect_tags WHERE prospect_id = ${otherId}`),
    // Earlier merges into the merged-away prospect now point at the master, so GoTo registrants
    // with any of those emails land on the master too.
    db.update(prospectMerges).set({ masterId }).where(eq(prospectMerges.masterId, otherId)),
    db.update(prospects).set({ mergedIntoId: masterId, updatedAt: now }).where(eq(prospects.mergedIntoId, otherId)),
    db.insert(prospectMerges).values({
      id: newId("mrg"),
      masterId,
      mergedId: otherId,
      email: other.email,
      mergedBy: input.mergedBy,
      createdAt: now,
    }),
    db.update(prospects).set({ mergedIntoId: masterId, score: 0, updatedAt: now }).where(eq(prospects.id, otherId)),
    db
      .update(prospects)
      .set({
        ...fields,
        score: sql`(SELECT coalesce(sum(points), 0) FROM activities WHERE prospect_id = ${masterId})`,
        updatedAt: now,
      })
      .where(eq(prospects.id, masterId)),
  );
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);

  const [after] = await db.select({ score: prospects.score }).from(prospects).where(eq(prospects.id, masterId));
  return {
    masterId,
    mergedId: otherId,
    mergedEmail: other.email,
    droppedActivities: plan.dropActivityIds.length,
    droppedRegistrations: plan.dropRegistrationIds.length,
    score: after?.score ?? 0,
  };
}
