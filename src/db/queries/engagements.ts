import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type EngagementItem, engagementDedupeKey } from "../../domain/engagement";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { registrations } from "../schema";
import { recordEngagementActivities } from "./activities";
import { activeProspectsByEmail, mastersByMergedEmail, normalizeEmail } from "./prospects";
import { loadScoringRules } from "./scoring";
import { runBatch } from "./statements";

/**
 * Engagement rows (one per poll answer, survey answer or question of a prospect in a session) and
 * their activities, written together: the rows first, then the activities through the activity
 * recorder, in one D1 batch. Only attendees matched to a prospect get rows.
 */

/** Items per D1 batch (the rows travel as one JSON parameter per statement). */
const ITEMS_PER_BATCH = 200;
const KEYS_PER_LOOKUP = 90;

export interface EngagementOutcome {
  /** Items of a matched prospect, written or already there. */
  matched: number;
  /** Items of people no prospect matched (left out). */
  unmatched: number;
  /** Activities the batches inserted (new engagement). */
  activitiesWritten: number;
}

interface EngagementRow {
  id: string;
  webinarId: string;
  prospectId: string;
  sessionKey: string;
  registrantKey: string | null;
  kind: EngagementItem["kind"];
  question: string;
  answers: string;
  answer: string | null;
  occurredAt: string;
  dedupeKey: string;
}

/**
 * Inserts by dedupe key; a question asked before the organizer answered it gets the answer when a
 * later read brings it (its activity keeps what it said when it was recorded).
 */
function insertEngagements(rows: readonly EngagementRow[]): SQL {
  return sql`INSERT INTO engagements (id, webinar_id, prospect_id, session_key, registrant_key, kind, question, answers,
      answer, occurred_at, dedupe_key)
    SELECT e.value ->> 'id', e.value ->> 'webinarId', e.value ->> 'prospectId', e.value ->> 'sessionKey',
      e.value ->> 'registrantKey', e.value ->> 'kind', e.value ->> 'question', e.value ->> 'answers',
      e.value ->> 'answer', e.value ->> 'occurredAt', e.value ->> 'dedupeKey'
    FROM json_each(${JSON.stringify(rows)}) e
    WHERE EXISTS (SELECT 1 FROM prospects p WHERE p.id = e.value ->> 'prospectId')
    ON CONFLICT (dedupe_key) DO UPDATE SET answer = excluded.answer
      WHERE engagements.answer IS NULL AND excluded.answer IS NOT NULL`;
}

/** The prospect of each attendee: the registrant key of a known registration, else an active prospect's email, else a merged-away email's master. */
async function matchProspects(
  db: Db,
  webinarId: string,
  items: readonly EngagementItem[],
): Promise<(item: EngagementItem) => string | null> {
  const keys = [...new Set(items.map((i) => i.registrantKey).filter((k): k is string => k !== null))];
  const byKey = new Map<string, string>();
  for (let i = 0; i < keys.length; i += KEYS_PER_LOOKUP) {
    const rows = await db
      .select({ registrantKey: registrations.registrantKey, prospectId: registrations.prospectId })
      .from(registrations)
      .where(
        and(
          eq(registrations.webinarId, webinarId),
          inArray(registrations.registrantKey, keys.slice(i, i + KEYS_PER_LOOKUP)),
        ),
      );
    for (const r of rows) if (r.registrantKey) byKey.set(r.registrantKey, r.prospectId);
  }
  const emails = items
    .filter((i) => !(i.registrantKey && byKey.has(i.registrantKey)) && i.email)
    .map((i) => normalizeEmail(i.email ?? ""));
  const active = emails.length > 0 ? await activeProspectsByEmail(db, emails) : new Map<string, string>();
  const leftover = emails.filter((e) => !active.has(e));
  const masters = leftover.length > 0 ? await mastersByMergedEmail(db, leftover) : new Map<string, string>();
  return (item) => {
    if (item.registrantKey && byKey.has(item.registrantKey)) return byKey.get(item.registrantKey) ?? null;
    if (!item.email) return null;
    const email = normalizeEmail(item.email);
    return active.get(email) ?? masters.get(email) ?? null;
  };
}

/** Writes one webinar's engagement items for the prospects they match; idempotent. */
export async function recordEngagements(
  db: Db,
  webinarId: string,
  items: readonly EngagementItem[],
  now: string,
): Promise<EngagementOutcome> {
  const outcome: EngagementOutcome = { matched: 0, unmatched: 0, activitiesWritten: 0 };
  if (items.length === 0) return outcome;
  const [prospectOf, rules] = await Promise.all([matchProspects(db, webinarId, items), loadScoringRules(db)]);
  const planned: { prospectId: string; webinarId: string; dedupeKey: string; item: EngagementItem }[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const prospectId = prospectOf(item);
    const dedupeKey = engagementDedupeKey(webinarId, item);
    if (prospectId === null || dedupeKey === null) {
      outcome.unmatched++;
      continue;
    }
    outcome.matched++;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    planned.push({ prospectId, webinarId, dedupeKey, item });
  }
  for (let i = 0; i < planned.length; i += ITEMS_PER_BATCH) {
    const chunk = planned.slice(i, i + ITEMS_PER_BATCH);
    const rows: EngagementRow[] = chunk.map(({ prospectId, dedupeKey, item }) => ({
      id: newId("eng"),
      webinarId,
      prospectId,
      sessionKey: item.sessionKey,
      registrantKey: item.registrantKey,
      kind: item.kind,
      question: item.question,
      answers: JSON.stringify(item.answers),
      answer: item.answer,
      occurredAt: item.occurredAt,
      dedupeKey,
    }));
    const recording = recordEngagementActivities(chunk, rules, now);
    const results = await runBatch(db, [insertEngagements(rows), ...recording.statements]);
    outcome.activitiesWritten += recording.newActivities(results.slice(1)).length;
  }
  return outcome;
}
