import { type SQL, sql } from "drizzle-orm";
import { afterFactsChanged } from "./activities";

/**
 * Gives these active prospects a tag (those who have it keep when they got it), then brings what
 * depends on tags (dynamic lists, automation rules) up to date for them in the same batch.
 */
export function addTagStatements(prospectIds: readonly string[], tag: string, now: string): SQL[] {
  return [
    sql`INSERT INTO prospect_tags (prospect_id, tag, created_at)
        SELECT p.id, ${tag}, ${now} FROM prospects p
        WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(prospectIds)})) AND p.merged_into_id IS NULL
        ON CONFLICT DO NOTHING`,
    ...afterFactsChanged({ ids: prospectIds }, now),
  ];
}
