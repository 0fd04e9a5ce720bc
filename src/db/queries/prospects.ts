import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";

/** Emails are stored lower-case and trimmed; lookups normalise the same way. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewProspect {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  campaignId: string | null;
  source: "form" | "gotowebinar" | "manual";
}

const LOOKUP_CHUNK = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Active (not merged-away) prospects by email: email → prospect id. Emails must be normalised. */
export async function activeProspectsByEmail(db: Db, emails: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks([...new Set(emails)], LOOKUP_CHUNK)) {
    const rows = await db.all<{ id: string; email: string }>(sql`
      SELECT id, email FROM prospects
      WHERE merged_into_id IS NULL AND email IN (SELECT value FROM json_each(${JSON.stringify(chunk)}))`);
    for (const r of rows) found.set(r.email, r.id);
  }
  return found;
}

/**
 * Emails of merged-away prospects → the active master they ended in (a master may itself
 * have been merged later, so the chain is followed to its end).
 */
export async function mastersByMergedEmail(db: Db, emails: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks([...new Set(emails)], LOOKUP_CHUNK)) {
    const rows = await db.all<{ email: string; id: string }>(sql`
      WITH RECURSIVE chain(email, id, depth) AS (
        SELECT pm.email, pm.master_id, 0 FROM prospect_merges pm
        WHERE pm.email IN (SELECT value FROM json_each(${JSON.stringify(chunk)}))
        UNION ALL
        SELECT chain.email, p.merged_into_id, chain.depth + 1 FROM chain
        JOIN prospects p ON p.id = chain.id
        WHERE p.merged_into_id IS NOT NULL AND chain.depth < 20
      )
      SELECT chain.email, chain.id FROM chain JOIN prospects p ON p.id = chain.id
      WHERE p.merged_into_id IS NULL`);
    for (const r of rows) if (!found.has(r.email)) found.set(r.email, r.id);
  }
  return found;
}

/**
 * Many new prospects in one statement (the rows as one JSON parameter). A row whose email became
 * active meanwhile (a form, at the same moment) is skipped by the unique index; the batch it is in
 * then fails on its registration's foreign key and the whole group is retried, finding that prospect.
 */
export function insertProspects(rows: readonly NewProspect[], now: string): SQL {
  return sql`
    INSERT OR IGNORE INTO prospects (id, email, first_name, last_name, campaign_id, source, score, custom_fields, created_at, updated_at)
    SELECT value ->> 'id', value ->> 'email', value ->> 'firstName', value ->> 'lastName', value ->> 'campaignId',
           value ->> 'source', 0, '{}', ${now}, ${now}
    FROM json_each(${JSON.stringify(rows)})`;
}
