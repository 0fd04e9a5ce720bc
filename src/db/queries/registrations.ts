import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { registrations, type unmatchedRegistrants, webinars } from "../schema";
import { runBatch } from "./statements";

export type RegistrationRow = typeof registrations.$inferSelect;
export type RegistrationStatus = RegistrationRow["status"];

/** What ingestion needs of a webinar's registrations. */
export interface KnownRegistration {
  id: string;
  prospectId: string;
  registrantKey: string | null;
  joinUrl: string | null;
  status: RegistrationStatus;
  attended: boolean;
  minutesAttended: number;
  updatedAt: string;
}

export async function webinarRegistrations(db: Db, webinarId: string): Promise<KnownRegistration[]> {
  return db
    .select({
      id: registrations.id,
      prospectId: registrations.prospectId,
      registrantKey: registrations.registrantKey,
      joinUrl: registrations.joinUrl,
      status: registrations.status,
      attended: registrations.attended,
      minutesAttended: registrations.minutesAttended,
      updatedAt: registrations.updatedAt,
    })
    .from(registrations)
    .where(eq(registrations.webinarId, webinarId));
}

export interface RegistrationWrite {
  id: string;
  prospectId: string;
  webinarId: string;
  registrantKey: string | null;
  joinUrl: string | null;
  status: RegistrationStatus;
  source: "form" | "gotowebinar";
  attended: boolean;
  minutesAttended: number;
  registeredAt: string;
}

/**
 * Many registrations in one statement: new ones inserted, existing (prospect, webinar) rows
 * updated with what GoTo says now. Source, UTM and registration time of an existing row stay.
 */
export function upsertRegistrations(rows: readonly RegistrationWrite[], now: string): SQL {
  return sql`
    INSERT INTO registrations (id, prospect_id, webinar_id, registrant_key, join_url, status, source, attended,
                               minutes_attended, registered_at, updated_at)
    SELECT value ->> 'id', value ->> 'prospectId', value ->> 'webinarId', value ->> 'registrantKey', value ->> 'joinUrl',
           value ->> 'status', value ->> 'source', value ->> 'attended', value ->> 'minutesAttended',
           value ->> 'registeredAt', ${now}
    FROM json_each(${JSON.stringify(rows.map((r) => ({ ...r, attended: r.attended ? 1 : 0 })))}) WHERE true
    ON CONFLICT (prospect_id, webinar_id) DO UPDATE SET
      registrant_key = excluded.registrant_key, join_url = excluded.join_url, status = excluded.status,
      attended = excluded.attended, minutes_attended = excluded.minutes_attended, error_message = NULL,
      updated_at = excluded.updated_at`;
}

/** The outbox pushed a form registration: GoTo's key, join URL and status (a statement, for a batch). */
export function registrationPushed(
  db: Db,
  id: string,
  result: { registrantKey: string; joinUrl: string | null; status: "registered" | "waiting" | "approved" | "denied" },
  now: string,
) {
  return db
    .update(registrations)
    .set({ ...result, errorMessage: null, updatedAt: now })
    .where(eq(registrations.id, id));
}

/** GoTo refused a form registration: the marketer sees GoTo's reason. */
export async function markRegistrationError(db: Db, id: string, message: string, now: string): Promise<void> {
  await db
    .update(registrations)
    .set({ status: "error", errorMessage: message, updatedAt: now })
    .where(and(eq(registrations.id, id), sql`${registrations.status} IN ('pending', 'error')`));
}

export async function findRegistration(db: Db, id: string): Promise<RegistrationRow | null> {
  const [row] = await db.select().from(registrations).where(eq(registrations.id, id)).limit(1);
  return row ?? null;
}

/** What a visitor's confirmation page shows: their registration as GoTo answered it, and its webinar. */
export interface ConfirmationRow {
  status: RegistrationStatus;
  joinUrl: string | null;
  subject: string;
  description: string | null;
  times: string;
  startsAt: string;
  endsAt: string;
  timeZone: string | null;
}

export async function findConfirmation(db: Db, registrationId: string): Promise<ConfirmationRow | null> {
  const [row] = await db
    .select({
      status: registrations.status,
      joinUrl: registrations.joinUrl,
      subject: webinars.subject,
      description: webinars.description,
      times: webinars.times,
      startsAt: webinars.startsAt,
      endsAt: webinars.endsAt,
      timeZone: webinars.timeZone,
    })
    .from(registrations)
    .innerJoin(webinars, eq(webinars.id, registrations.webinarId))
    .where(eq(registrations.id, registrationId))
    .limit(1);
  return row ?? null;
}

export type UnmatchedWrite = typeof unmatchedRegistrants.$inferInsert;

/** GoTo registrants no prospect took (the connector does not create prospects): counted on the webinar page. */
export async function upsertUnmatched(db: Db, rows: readonly UnmatchedWrite[]): Promise<void> {
  const statements = [];
  for (let i = 0; i < rows.length; i += 500) {
    statements.push(
      sql`
        INSERT INTO unmatched_registrants (webinar_id, registrant_key, email, first_name, last_name, status, reason, seen_at)
        SELECT value ->> 'webinarId', value ->> 'registrantKey', value ->> 'email', value ->> 'firstName',
               value ->> 'lastName', value ->> 'status', value ->> 'reason', value ->> 'seenAt'
        FROM json_each(${JSON.stringify(rows.slice(i, i + 500))}) WHERE true
        ON CONFLICT (webinar_id, registrant_key) DO UPDATE SET status = excluded.status, email = excluded.email,
          reason = excluded.reason
        WHERE excluded.status IS NOT unmatched_registrants.status OR excluded.email IS NOT unmatched_registrants.email
          OR excluded.reason IS NOT unmatched_registrants.reason`,
    );
  }
  await runBatch(db, statements);
}

/**
 * Unmatched rows that no longer are: registrants that now have a prospect (`matched`), and, when
 * the whole list was read (`keep` not null), registrants GoTo no longer lists.
 */
export async function deleteUnmatched(
  db: Db,
  webinarId: string,
  input: { keep: readonly string[] | null; matched: readonly string[] },
): Promise<void> {
  if (input.keep !== null) {
    await db.run(sql`
      DELETE FROM unmatched_registrants WHERE webinar_id = ${webinarId}
      AND registrant_key NOT IN (SELECT value FROM json_each(${JSON.stringify(input.keep)}))`);
  }
  if (input.matched.length > 0) {
    await db.run(sql`
      DELETE FROM unmatched_registrants WHERE webinar_id = ${webinarId}
      AND registrant_key IN (SELECT value FROM json_each(${JSON.stringify(input.matched)}))`);
  }
}

/** A form registration still `pending` in D1, with what its hand-off to the outbox carried. */
export interface PendingHandoff {
  id: string;
  webinarId: string;
  prospectId: string;
  pushRequest: string;
  updatedAt: string;
}

/**
 * The connector's form registrations that have been `pending` since before `olderThan`, oldest
 * first, one page after `after` (keyset on updated_at, id). Served by registrations(status, updated_at).
 */
export async function pendingHandoffs(
  db: Db,
  input: { connectorId: string; olderThan: string; after: { updatedAt: string; id: string } | null; limit: number },
): Promise<PendingHandoff[]> {
  const after = input.after
    ? sql`AND (r.updated_at > ${input.after.updatedAt} OR (r.updated_at = ${input.after.updatedAt} AND r.id > ${input.after.id}))`
    : sql``;
  const found = await db.all<{
    id: string;
    webinar_id: string;
    prospect_id: string;
    push_request: string;
    updated_at: string;
  }>(sql`
    SELECT r.id, r.webinar_id, r.prospect_id, r.push_request, r.updated_at
    FROM registrations r JOIN webinars w ON w.id = r.webinar_id
    WHERE r.status = 'pending' AND r.updated_at < ${input.olderThan} AND r.push_request IS NOT NULL
      AND w.connector_id = ${input.connectorId} ${after}
    ORDER BY r.updated_at, r.id LIMIT ${input.limit}`);
  return found.map((r) => ({
    id: r.id,
    webinarId: r.webinar_id,
    prospectId: r.prospect_id,
    pushRequest: r.push_request,
    updatedAt: r.updated_at,
  }));
}
