import { eq, inArray, or } from "drizzle-orm";
import { checkMerge, type MergeRegistration, mergeFields, planMerge } from "../../domain/merge";
import { newId } from "../../lib/encoding";
import { createDb } from "../client";
import {
  activities,
  engagements,
  listMembers,
  prospectMerges,
  prospects,
  prospectTags,
  registrations,
  submissions,
} from "../schema";
import { afterFactsChanged, recomputeScores } from "./activities";
import { mergeRuleHistory } from "./rule-runs";
import { prepareStatement } from "./statements";

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
 * Merges `otherId` into `masterId` in one D1 batch, so it happens completely or not at all.
 * The rules are in src/domain/merge.ts. The statements that move rows also drop, by SQL, any
 * duplicate that ingestion wrote after the rows were read, so a racing poll cannot break the batch.
 */
export async function mergeProspects(
  d1: D1Database,
  input: { masterId: string; otherId: string; mergedBy: string | null; now: string },
): Promise<MergeResult> {
  const { masterId, otherId, now } = input;
  const db = createDb(d1);
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

  const run = (query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement => {
    const { sql: text, params } = query.toSQL();
    return d1.prepare(text).bind(...params);
  };
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < plan.dropActivityIds.length; i += IDS_PER_STATEMENT) {
    statements.push(
      run(db.delete(activities).where(inArray(activities.id, plan.dropActivityIds.slice(i, i + IDS_PER_STATEMENT)))),
    );
  }
  for (let i = 0; i < plan.dropRegistrationIds.length; i += IDS_PER_STATEMENT) {
    statements.push(
      run(
        db
          .delete(registrations)
          .where(inArray(registrations.id, plan.dropRegistrationIds.slice(i, i + IDS_PER_STATEMENT))),
      ),
    );
  }
  statements.push(
    // Rows written between the read above and this batch: the master's copy wins.
    d1
      .prepare(
        `DELETE FROM activities WHERE prospect_id = ?1
         AND dedupe_key IN (SELECT dedupe_key FROM activities WHERE prospect_id = ?2)`,
      )
      .bind(otherId, masterId),
    d1
      .prepare(
        `DELETE FROM registrations WHERE prospect_id = ?1
         AND webinar_id IN (SELECT webinar_id FROM registrations WHERE prospect_id = ?2)`,
      )
      .bind(otherId, masterId),
    run(db.update(activities).set({ prospectId: masterId }).where(eq(activities.prospectId, otherId))),
    run(
      db
        .update(registrations)
        .set({ prospectId: masterId, updatedAt: now })
        .where(eq(registrations.prospectId, otherId)),
    ),
    run(db.update(submissions).set({ prospectId: masterId }).where(eq(submissions.prospectId, otherId))),
    // Engagement keys are unique across prospects, so the rows move as they are.
    run(db.update(engagements).set({ prospectId: masterId }).where(eq(engagements.prospectId, otherId))),
    d1
      .prepare(
        `INSERT OR IGNORE INTO list_members (list_id, prospect_id, ${listMembers.addedAt.name})
         SELECT list_id, ?2, ${listMembers.addedAt.name} FROM list_members WHERE prospect_id = ?1`,
      )
      .bind(otherId, masterId),
    d1.prepare("DELETE FROM list_members WHERE prospect_id = ?").bind(otherId),
    d1
      .prepare(
        `INSERT OR IGNORE INTO prospect_tags (prospect_id, tag, ${prospectTags.addedAt.name})
         SELECT ?2, tag, ${prospectTags.addedAt.name} FROM prospect_tags WHERE prospect_id = ?1`,
      )
      .bind(otherId, masterId),
    d1.prepare("DELETE FROM prospect_tags WHERE prospect_id = ?").bind(otherId),
    // The master keeps both prospects' rule history: a rule that acted on either does not act again.
    ...mergeRuleHistory(masterId, otherId).map((s) => prepareStatement(d1, s)),
    // Earlier merges into the merged-away prospect now point at the master, so GoTo registrants
    // with any of those emails land on the master too.
    run(db.update(prospectMerges).set({ masterId }).where(eq(prospectMerges.masterId, otherId))),
    run(
      db.update(prospects).set({ mergedIntoId: masterId, updatedAt: now }).where(eq(prospects.mergedIntoId, otherId)),
    ),
    run(
      db.insert(prospectMerges).values({
        id: newId("mrg"),
        masterId,
        mergedId: otherId,
        email: other.email,
        mergedBy: input.mergedBy,
        createdAt: now,
      }),
    ),
    run(db.update(prospects).set({ mergedIntoId: masterId, updatedAt: now }).where(eq(prospects.id, otherId))),
    run(
      db
        .update(prospects)
        .set({ ...fields, updatedAt: now })
        .where(eq(prospects.id, masterId)),
    ),
    // Both scores from the activities where they now are: the master's sum, and 0 for the other.
    prepareStatement(d1, recomputeScores([masterId, otherId], now)),
    // The master keeps the union of both memberships (moved above) and joins the dynamic lists
    // it matches now that it holds both prospects' facts.
    ...afterFactsChanged({ ids: [masterId] }, now, { merge: true }).map((s) => prepareStatement(d1, s)),
  );
  // One D1 batch: it runs as one transaction, so the merge happens completely or not at all.
  await d1.batch(statements);

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
