import type { SQL } from "drizzle-orm";
import type { ProspectScope } from "./criteria";
import { refreshMemberships } from "./memberships";

/**
 * The seam after a prospect's facts change. Whatever changes a prospect's facts (the activity
 * recorder's activities and scores, ingestion's registrations, a form's fields, tags and lists,
 * a list member added or removed by hand, a merge) appends these statements to its own D1 batch,
 * after its writes: what depends on the facts is brought up to date in the same unit of work, for
 * those prospects only, never by scanning everyone on a timer. Dynamic lists today; automation
 * rules add their statements here, after the lists' (a rule may test list membership).
 */
export function afterFactsChanged(scope: ProspectScope, now: string, options: { merge?: boolean } = {}): SQL[] {
  return [...refreshMemberships(scope, now, { addOnly: options.merge === true })];
}
