import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { engagements, prospects } from "../schema";
import { keysetPage } from "./keyset-page";
import type { Keyset } from "./reports";

export type EngagementKind = "poll" | "survey" | "question";

export interface EngagementRow {
  id: string;
  prospectId: string;
  email: string;
  sessionKey: string;
  kind: EngagementKind;
  question: string;
  answers: string[];
  occurredAt: string;
}

/** The stored answers (a JSON array of strings); for a question, the organizer's answer when that is all there is. */
function answersOf(stored: string, answer: string | null): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    parsed = [];
  }
  const list = Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === "string") : [];
  return list.length === 0 && answer ? [answer] : list;
}

/**
 * A webinar's poll answers, survey answers and questions, oldest first, one page after `after`
 * (keyset on occurred_at, id), optionally of one kind. Served by engagements(webinar_id, kind,
 * occurred_at, id) with a kind and by engagements(webinar_id, occurred_at, id) without.
 */
export async function engagementPage(
  db: Db,
  opts: { webinarId: string; kind: EngagementKind | undefined; limit: number; after: Keyset | null },
): Promise<{ rows: EngagementRow[]; next: Keyset | null }> {
  const where: SQL[] = [eq(engagements.webinarId, opts.webinarId)];
  if (opts.kind) where.push(eq(engagements.kind, opts.kind));
  if (opts.after) {
    where.push(sql`(${engagements.occurredAt}, ${engagements.id}) > (${opts.after.at}, ${opts.after.id})`);
  }
  const found = await db
    .select({
      id: engagements.id,
      prospectId: engagements.prospectId,
      email: prospects.email,
      sessionKey: engagements.sessionKey,
      kind: engagements.kind,
      question: engagements.question,
      answers: engagements.answers,
      answer: engagements.answer,
      occurredAt: engagements.occurredAt,
    })
    .from(engagements)
    .innerJoin(prospects, eq(prospects.id, engagements.prospectId))
    .where(and(...where))
    .orderBy(asc(engagements.occurredAt), asc(engagements.id))
    .limit(opts.limit + 1);
  const { rows, next } = keysetPage(found, opts.limit, (r) => ({ at: r.occurredAt, id: r.id }));
  return { rows: rows.map(({ answer, answers, ...r }) => ({ ...r, answers: answersOf(answers, answer) })), next };
}
