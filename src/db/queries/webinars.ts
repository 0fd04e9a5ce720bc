import { and, asc, desc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { fingerprint, type StoredWebinarFingerprint, type WebinarFacts } from "../../domain/discovery";
import { isolateCache } from "../../lib/isolate-cache";
import type { Db } from "../client";
import { webinars } from "../schema";
import { type ConnectorRow, findConnector } from "./connectors";
import { findWebinar } from "./reports";

export type WebinarRow = typeof webinars.$inferSelect;
/** Discovery writes webinars in this shape (defined with the discovery rules). */
export type { WebinarFacts };

export async function webinarFingerprints(db: Db, connectorId: string): Promise<StoredWebinarFingerprint[]> {
  const rows = await db.select().from(webinars).where(eq(webinars.connectorId, connectorId));
  return rows.map((r) => ({
    id: r.id,
    webinarKey: r.webinarKey,
    status: r.status,
    startsAt: r.startsAt,
    fingerprint: fingerprint(
      {
        webinarKey: r.webinarKey,
        subject: r.subject,
        description: r.description,
        times: JSON.parse(r.times) as WebinarFacts["times"],
        timeZone: r.timeZone,
        registrationUrl: r.registrationUrl,
        approvalType: r.approvalType,
      },
      r.status,
    ),
  }));
}

function rowValues(id: string, connectorId: string, f: WebinarFacts, now: string): typeof webinars.$inferInsert {
  const starts = f.times.map((t) => t.startTime).sort();
  const ends = f.times.map((t) => t.endTime).sort();
  return {
    id,
    connectorId,
    webinarKey: f.webinarKey,
    subject: f.subject,
    description: f.description,
    times: JSON.stringify(f.times),
    startsAt: starts[0] ?? now,
    endsAt: ends.at(-1) ?? now,
    timeZone: f.timeZone,
    registrationUrl: f.registrationUrl,
    approvalType: f.approvalType,
    status: "scheduled",
    updatedAt: now,
  };
}

/** 13 columns a row: 7 rows keep one statement under D1's 100 bound parameters. */
const ROWS_PER_STATEMENT = 7;

/**
 * Inserts new webinars and rewrites changed ones, in one D1 batch (atomic). The caller decides
 * what is new or changed from the fingerprints, so unchanged webinars cost no write at all.
 */
export async function writeWebinars(
  db: Db,
  connectorId: string,
  changes: { id: string; facts: WebinarFacts }[],
  now: string,
): Promise<void> {
  if (changes.length === 0) return;
  const statements = [];
  for (let i = 0; i < changes.length; i += ROWS_PER_STATEMENT) {
    const chunk = changes.slice(i, i + ROWS_PER_STATEMENT).map((c) => rowValues(c.id, connectorId, c.facts, now));
    statements.push(
      db
        .insert(webinars)
        .values(chunk)
        .onConflictDoUpdate({
          target: [webinars.connectorId, webinars.webinarKey],
          set: {
            subject: sql`excluded.subject`,
            description: sql`excluded.description`,
            times: sql`excluded.times`,
            startsAt: sql`excluded.starts_at`,
            endsAt: sql`excluded.ends_at`,
            timeZone: sql`excluded.time_zone`,
            registrationUrl: sql`excluded.registration_url`,
            approvalType: sql`excluded.approval_type`,
            status: sql`excluded.status`,
            updatedAt: sql`excluded.updated_at`,
          },
        }),
    );
  }
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

export async function markWebinarsCancelled(db: Db, ids: string[], now: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 90) {
    await db
      .update(webinars)
      .set({ status: "cancelled", updatedAt: now })
      .where(inArray(webinars.id, ids.slice(i, i + 90)));
  }
}

export async function listConnectorWebinars(db: Db, connectorId: string, limit = 200): Promise<WebinarRow[]> {
  return db
    .select()
    .from(webinars)
    .where(eq(webinars.connectorId, connectorId))
    .orderBy(desc(webinars.startsAt))
    .limit(limit);
}

export async function countConnectorWebinars(
  db: Db,
  connectorId: string,
  now: string,
): Promise<{ upcoming: number; past: number; cancelled: number }> {
  const [row] = await db
    .select({
      upcoming: sql<number>`sum(CASE WHEN ${webinars.status} = 'scheduled' AND ${webinars.endsAt} >= ${now} THEN 1 ELSE 0 END)`,
      past: sql<number>`sum(CASE WHEN ${webinars.status} = 'scheduled' AND ${webinars.endsAt} < ${now} THEN 1 ELSE 0 END)`,
      cancelled: sql<number>`sum(CASE WHEN ${webinars.status} = 'cancelled' THEN 1 ELSE 0 END)`,
    })
    .from(webinars)
    .where(eq(webinars.connectorId, connectorId));
  return { upcoming: row?.upcoming ?? 0, past: row?.past ?? 0, cancelled: row?.cancelled ?? 0 };
}

export async function webinarsInWindow(db: Db, connectorId: string, from: string, to: string): Promise<WebinarRow[]> {
  return db
    .select()
    .from(webinars)
    .where(and(eq(webinars.connectorId, connectorId), gte(webinars.startsAt, from), lte(webinars.startsAt, to)))
    .orderBy(asc(webinars.startsAt));
}

export async function findWebinarByKey(db: Db, connectorId: string, webinarKey: string): Promise<WebinarRow | null> {
  const [row] = await db
    .select()
    .from(webinars)
    .where(and(eq(webinars.connectorId, connectorId), eq(webinars.webinarKey, webinarKey)))
    .limit(1);
  return row ?? null;
}

export type WebinarHeading = Pick<WebinarRow, "subject" | "startsAt" | "endsAt" | "timeZone">;

/** What a hosted form page says about the webinar it registers for. */
export async function findWebinarHeading(db: Db, id: string): Promise<WebinarHeading | null> {
  const [row] = await db
    .select({
      subject: webinars.subject,
      startsAt: webinars.startsAt,
      endsAt: webinars.endsAt,
      timeZone: webinars.timeZone,
    })
    .from(webinars)
    .where(eq(webinars.id, id))
    .limit(1);
  return row ?? null;
}

/** The headings the public form pages showed lately; a webinar nobody has is not kept. */
const headings = isolateCache<string, WebinarHeading | null>({
  ttlMs: 60_000,
  maxEntries: 500,
  keep: (heading) => heading !== null,
});

/**
 * A webinar's heading as the public form pages show it: from the isolate's copy when under a
 * minute old, else from D1, so a form post's thank-you page costs no read of its own. A subject
 * or time changed in GoTo shows within that minute.
 */
export async function cachedWebinarHeading(db: Db, id: string, now: number): Promise<WebinarHeading | null> {
  return headings.get(id, now, () => findWebinarHeading(db, id));
}

/** Registrations of this connector's webinars still on their way to GoTo, and those GoTo refused. */
export async function connectorBacklog(db: Db, connectorId: string): Promise<{ pending: number; error: number }> {
  const row = await db.get<{ pending: number | null; error: number | null } | undefined>(
    sql`SELECT sum(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END) AS pending,
               sum(CASE WHEN r.status = 'error' THEN 1 ELSE 0 END) AS error
        FROM registrations r JOIN webinars w ON w.id = r.webinar_id
        WHERE w.connector_id = ${connectorId} AND r.status IN ('pending', 'error')`,
  );
  return { pending: row?.pending ?? 0, error: row?.error ?? 0 };
}

/** What a webinar's sync reads before each job: the webinar and its connector. */
export interface SyncTarget {
  webinar: WebinarRow;
  connector: ConnectorRow | null;
}

export async function findSyncTarget(db: Db, webinarId: string): Promise<SyncTarget | null> {
  const webinar = await findWebinar(db, webinarId);
  if (!webinar) return null;
  return { webinar, connector: await findConnector(db, webinar.connectorId) };
}

/** The webinar page shows when its WebinarSync last polled and when it polls next. */
export async function writeSyncTimes(
  db: Db,
  webinarId: string,
  times: { lastSyncedAt?: string | null; nextSyncAt: string | null },
): Promise<void> {
  await db.update(webinars).set(times).where(eq(webinars.id, webinarId));
}
