import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { DOUBLE_SUBMIT_WINDOW_MS, type ProspectUpdate } from "../../domain/form-submission";
import type { FormAction } from "../../domain/forms";
import { newId } from "../../lib/encoding";
import type { Db } from "../client";
import { submissions } from "../schema";
import { type PlannedActivity, type RecordedActivity, recordActivitiesOfActiveProspect } from "./activities";
import type { CriteriaInForce } from "./criteria";
import { runBatch } from "./statements";

export type SubmissionRow = typeof submissions.$inferSelect;

export interface SubmissionInput {
  formId: string | null;
  handlerId: string | null;
  email: string;
  /** The validated values, stored as sent. */
  values: Record<string, string>;
  utm: Record<string, string>;
  referrer: string | null;
  ip: string | null;
  dedupeKey: string;
  now: string;
}

/** An accepted submission with everything computed before the batch: its id, its activities, GoTo's body. */
export interface AcceptedInput extends SubmissionInput {
  submissionId: string;
  prospect: ProspectUpdate;
  actions: FormAction[];
  /** What GoTo's create-registrant call gets for the registration action (JSON), kept with the pending row. */
  pushRequest: string | null;
  /** The activities this submission records, planned under the scoring rules in force. */
  activities: PlannedActivity[];
  /** Whether dynamic lists and rules exist; unset, the batch judges both (see cachedCriteriaInForce). */
  inForce?: CriteriaInForce;
}

export interface RecordedSubmission {
  submissionId: string;
  /** True when this was a double submit: the first one's rows stand, nothing new was written. */
  duplicate: boolean;
  prospectId: string | null;
  registration: { id: string; webinarId: string; status: string } | null;
  /** The activities this submission recorded that were new (none for a double submit). */
  activities: RecordedActivity[];
}

/**
 * True when no submission with this key was stored within the window either side of `now`. Used
 * as the INSERT's own condition: D1 runs one statement at a time, so of two concurrent double
 * submits the second sees the first's row and inserts nothing.
 */
function noRecentTwin(dedupeKey: string, now: string): SQL {
  const at = Date.parse(now);
  const since = new Date(at - DOUBLE_SUBMIT_WINDOW_MS).toISOString();
  const until = new Date(at + DOUBLE_SUBMIT_WINDOW_MS).toISOString();
  return sql`NOT EXISTS (SELECT 1 FROM submissions WHERE dedupe_key = ${dedupeKey}
                         AND created_at > ${since} AND created_at < ${until})`;
}

/** A filtered submission: stored with the rule that matched, and nothing else runs. */
export async function recordFilteredSubmission(db: Db, input: SubmissionInput, reason: string): Promise<void> {
  const utm = Object.keys(input.utm).length > 0 ? JSON.stringify(input.utm) : null;
  await db.run(
    sql`INSERT INTO submissions (id, form_id, handler_id, data, status, filter_reason, utm, referrer, ip, dedupe_key, created_at)
        SELECT ${newId("sub")}, ${input.formId}, ${input.handlerId}, ${JSON.stringify(input.values)}, 'filtered', ${reason},
               ${utm}, ${input.referrer}, ${input.ip}, ${input.dedupeKey}, ${input.now}
        WHERE ${noRecentTwin(input.dedupeKey, input.now)}`,
  );
}

const TARGET_TABLE = { register_webinar: "webinars", add_to_list: "lists", assign_campaign: "campaigns" } as const;

/** The id an action points at, for the actions that point at a row. */
function actionTarget(action: FormAction): { type: keyof typeof TARGET_TABLE; id: string } | null {
  if (action.type === "register_webinar") return { type: action.type, id: action.webinarId };
  if (action.type === "add_to_list") return { type: action.type, id: action.listId };
  if (action.type === "assign_campaign") return { type: action.type, id: action.campaignId };
  return null;
}

/**
 * Records on the submission which actions' targets no longer exist (deleted since the form was
 * saved); the statements of those actions check the same and write nothing, so the batch never
 * fails a foreign key and the visitor's submission is kept.
 */
function skippedActions(submissionId: string, actions: FormAction[]): SQL[] {
  const checks: SQL[] = [];
  for (const action of actions) {
    const target = actionTarget(action);
    if (!target) continue;
    checks.push(
      sql`SELECT ${target.type} AS action_type, ${target.id} AS target_id
          WHERE NOT EXISTS (SELECT 1 FROM ${sql.raw(TARGET_TABLE[target.type])} WHERE id = ${target.id})`,
    );
  }
  if (checks.length === 0) return [];
  return [
    sql`UPDATE submissions SET skipped_actions = (
          SELECT nullif(json_group_array(json_object('type', action_type, 'id', target_id)), '[]')
          FROM (${sql.join(checks, sql` UNION ALL `)})
        ) WHERE id = ${submissionId}`,
  ];
}

/**
 * Records an accepted submission and every completion action in ONE D1 batch (atomic, in order):
 * the submission, the prospect (the active one with this email, else a new one), its fields, the
 * planned activities (Form submitted, Registered, adjusted score), the `pending` registration with
 * UTM and referrer, list, tag and campaign, and the score recomputed from the activities. An
 * action whose target was deleted since the form was saved is skipped and recorded as skipped.
 *
 * Every statement after the first runs only if this submission's row was inserted (`mine`): a
 * double submit (its twin stored within the window) changes nothing. Rows refer to the prospect by its active
 * email, not by an id chosen before the batch, so two first submits of a new email racing each
 * other both land on the one prospect the unique index lets in.
 */
export async function recordAcceptedSubmission(db: Db, input: AcceptedInput): Promise<RecordedSubmission> {
  const submissionId = input.submissionId;
  const mine = sql`EXISTS (SELECT 1 FROM submissions WHERE id = ${submissionId})`;
  const active = sql`(SELECT id FROM prospects WHERE email = ${input.email} AND merged_into_id IS NULL)`;
  const fromActive = sql`FROM prospects p WHERE p.email = ${input.email} AND p.merged_into_id IS NULL AND ${mine}`;
  const utm = Object.keys(input.utm).length > 0 ? JSON.stringify(input.utm) : null;
  const f = input.prospect.fields;
  const campaign = input.actions.find((a) => a.type === "assign_campaign")?.campaignId ?? null;
  const register = input.actions.find((a) => a.type === "register_webinar") ?? null;
  const registrationId = newId("reg");

  const statements: SQL[] = [
    sql`INSERT INTO submissions (id, form_id, handler_id, data, status, utm, referrer, ip, dedupe_key, created_at)
        SELECT ${submissionId}, ${input.formId}, ${input.handlerId}, ${JSON.stringify(input.values)}, 'accepted',
               ${utm}, ${input.referrer}, ${input.ip}, ${input.dedupeKey}, ${input.now}
        WHERE ${noRecentTwin(input.dedupeKey, input.now)}`,
    sql`INSERT INTO prospects (id, email, first_name, last_name, company, job_title, phone, country, custom_fields,
                               campaign_id, source, created_at, updated_at)
        SELECT ${newId("pro")}, ${input.email}, ${f.firstName ?? null}, ${f.lastName ?? null}, ${f.company ?? null},
               ${f.jobTitle ?? null}, ${f.phone ?? null}, ${f.country ?? null}, ${JSON.stringify(input.prospect.custom)},
               ${campaign ? sql`(SELECT id FROM campaigns WHERE id = ${campaign})` : null}, 'form', ${input.now}, ${input.now}
        WHERE ${mine}
        ON CONFLICT (email) WHERE merged_into_id IS NULL DO UPDATE SET
          first_name = coalesce(excluded.first_name, first_name),
          last_name = coalesce(excluded.last_name, last_name),
          company = coalesce(excluded.company, company),
          job_title = coalesce(excluded.job_title, job_title),
          phone = coalesce(excluded.phone, phone),
          country = coalesce(excluded.country, country),
          custom_fields = json_patch(custom_fields, excluded.custom_fields),
          campaign_id = coalesce(excluded.campaign_id, campaign_id),
          updated_at = excluded.updated_at`,
    sql`UPDATE submissions SET prospect_id = ${active} WHERE id = ${submissionId}`,
    ...skippedActions(submissionId, input.actions),
  ];
  if (register) {
    const webinarExists = sql`EXISTS (SELECT 1 FROM webinars WHERE id = ${register.webinarId})`;
    statements.push(
      sql`INSERT INTO registrations (id, prospect_id, webinar_id, status, source, form_id, handler_id, utm, referrer, push_request,
                                     registered_at, updated_at)
          SELECT ${registrationId}, p.id, ${register.webinarId}, 'pending', 'form', ${input.formId}, ${input.handlerId}, ${utm},
                 ${input.referrer}, ${input.pushRequest}, ${input.now}, ${input.now}
          ${fromActive} AND ${webinarExists}
          ON CONFLICT (prospect_id, webinar_id) DO UPDATE SET
            status = 'pending', error_message = NULL, registrant_key = NULL, join_url = NULL, source = 'form',
            form_id = excluded.form_id, handler_id = excluded.handler_id, utm = excluded.utm,
            referrer = excluded.referrer, push_request = excluded.push_request, updated_at = excluded.updated_at
          WHERE registrations.status IN ('cancelled', 'error')`,
    );
  }
  for (const action of input.actions) {
    if (action.type === "add_to_list") {
      statements.push(
        sql`INSERT INTO list_members (list_id, prospect_id, created_at)
            SELECT ${action.listId}, p.id, ${input.now} ${fromActive} AND EXISTS (SELECT 1 FROM lists WHERE id = ${action.listId})
            ON CONFLICT DO NOTHING`,
      );
    } else if (action.type === "add_tag") {
      statements.push(
        sql`INSERT INTO prospect_tags (prospect_id, tag, created_at) SELECT p.id, ${action.tag}, ${input.now} ${fromActive}
            ON CONFLICT DO NOTHING`,
      );
    }
  }
  const recording = recordActivitiesOfActiveProspect(
    { email: input.email, when: mine },
    input.activities,
    input.now,
    input.inForce,
  );
  const recordedAt = statements.length;
  statements.push(...recording.statements);
  const webinarId = register?.webinarId ?? "";
  statements.push(
    sql`SELECT (SELECT id FROM submissions WHERE id = ${submissionId}) AS submission_id, p.id AS prospect_id,
               r.id AS registration_id, r.status AS registration_status
        FROM prospects p LEFT JOIN registrations r ON r.prospect_id = p.id AND r.webinar_id = ${webinarId}
        WHERE p.email = ${input.email} AND p.merged_into_id IS NULL`,
  );
  const results = await runBatch(db, statements);
  const row = (results.at(-1)?.results as Record<string, unknown>[] | undefined)?.[0];
  const recorded = recording.newActivities(results.slice(recordedAt, recordedAt + recording.statements.length));
  return {
    submissionId,
    duplicate: !row?.submission_id,
    prospectId: (row?.prospect_id as string | undefined) ?? null,
    registration:
      register && row?.registration_id
        ? { id: String(row.registration_id), webinarId: register.webinarId, status: String(row.registration_status) }
        : null,
    activities: recorded,
  };
}

export async function listFormSubmissions(db: Db, formId: string, limit = 200): Promise<SubmissionRow[]> {
  return db
    .select()
    .from(submissions)
    .where(eq(submissions.formId, formId))
    .orderBy(desc(submissions.createdAt))
    .limit(limit);
}

export async function listHandlerSubmissions(db: Db, handlerId: string, limit = 200): Promise<SubmissionRow[]> {
  return db
    .select()
    .from(submissions)
    .where(and(eq(submissions.handlerId, handlerId)))
    .orderBy(desc(submissions.createdAt))
    .limit(limit);
}
