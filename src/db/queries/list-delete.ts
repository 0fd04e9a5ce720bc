import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import type { Statement } from "./statements";

/**
 * What uses a list, and deleting one that nothing uses. A list that a rule's action, a form's or a
 * form handler's completion action, or criteria ("is in the list", of a rule or a dynamic list)
 * point at is not deleted: those would silently stop doing what the marketer set up.
 */

export interface ListUse {
  kind: "rule_action" | "rule_criteria" | "list_criteria" | "form" | "form_handler";
  id: string;
  name: string;
}

/** Rules (not deleted) whose actions name the list. */
const RULE_ACTIONS = (listId: string) => sql`SELECT DISTINCT 'rule_action' AS kind, r.id, r.name
    FROM rule_actions a JOIN rules r ON r.id = a.rule_id
    WHERE a.list_id = ${listId} AND r.deleted_at IS NULL`;

/** Rules and dynamic lists whose stored criteria name the list (any kind whose list parameter is `listId`). */
const CRITERIA = (listId: string) => sql`SELECT DISTINCT
      CASE s.owner_type WHEN 'rule' THEN 'rule_criteria' ELSE 'list_criteria' END AS kind,
      s.owner_id AS id, coalesce(r.name, l.name, s.owner_id) AS name
    FROM criteria_conditions c JOIN criteria_sets s ON s.owner_id = c.owner_id
    LEFT JOIN rules r ON s.owner_type = 'rule' AND r.id = s.owner_id
    LEFT JOIN lists l ON s.owner_type = 'list' AND l.id = s.owner_id
    WHERE json_extract(c.params, '$.listId') = ${listId} AND s.owner_id <> ${listId}
      AND (s.owner_type <> 'rule' OR r.deleted_at IS NULL)`;

/** Forms and form handlers whose completion actions add to the list. */
const FORMS = (listId: string) => sql`SELECT 'form' AS kind, f.id, f.name FROM forms f
    WHERE EXISTS (SELECT 1 FROM json_each(f.actions) a
      WHERE a.value ->> 'type' = 'add_to_list' AND a.value ->> 'listId' = ${listId})
    UNION ALL
    SELECT 'form_handler' AS kind, h.id, h.name FROM form_handlers h
    WHERE EXISTS (SELECT 1 FROM json_each(h.actions) a
      WHERE a.value ->> 'type' = 'add_to_list' AND a.value ->> 'listId' = ${listId})`;

function uses(listId: string): SQL {
  return sql`${RULE_ACTIONS(listId)} UNION ALL ${CRITERIA(listId)} UNION ALL ${FORMS(listId)}`;
}

/** Everything that points at the list, by kind then name. */
export async function listUses(db: Db, listId: string): Promise<ListUse[]> {
  const found = await db.all<ListUse>(sql`SELECT kind, id, name FROM (${uses(listId)}) ORDER BY kind, name, id`);
  return found.map((r) => ({ kind: r.kind, id: String(r.id), name: String(r.name) }));
}

export async function listMemberCount(db: Db, listId: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM list_members WHERE list_id = ${listId}`);
  return row?.n ?? 0;
}

/**
 * Deleting a list, for one batch: only while nothing uses it (checked again in the statement, so
 * a rule or form saved meanwhile keeps it). Its memberships, stored criteria and active recompute
 * job go with it; the actions rules took keep their row, naming a list that is gone.
 * The audit entry is written only when the list went.
 */
export function deleteListStatements(
  listId: string,
  audit: { actorId: string; detail: string; ip: string | null },
): Statement[] {
  const gone = sql`NOT EXISTS (SELECT 1 FROM lists WHERE id = ${listId})`;
  return [
    sql`DELETE FROM list_members WHERE list_id = ${listId} AND NOT EXISTS (${uses(listId)})`,
    sql`DELETE FROM lists WHERE id = ${listId} AND NOT EXISTS (${uses(listId)})`,
    sql`DELETE FROM criteria_sets WHERE owner_id = ${listId} AND owner_type = 'list' AND ${gone}`,
    sql`UPDATE jobs SET state = 'cancelled', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
          finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE subject = ${listId} AND state IN ('queued', 'running') AND ${gone}`,
    sql`INSERT INTO audit_log (actor_id, action, subject, detail, ip)
        SELECT ${audit.actorId}, 'list.deleted', ${listId}, ${audit.detail}, ${audit.ip} WHERE ${gone}`,
  ];
}
