import { desc, lt } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog } from "../schema";

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subject?: string | null;
  detail?: string | null;
  ip?: string | null;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await auditStatement(db, entry);
}

/** The audit entry as a statement, for the batch of the change it records (both happen, or neither). */
export function auditStatement(db: Db, entry: AuditEntry) {
  return db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    subject: entry.subject ?? null,
    detail: entry.detail ?? null,
    ip: entry.ip ?? null,
  });
}

export async function recentAudit(db: Db, limit = 20): Promise<(typeof auditLog.$inferSelect)[]> {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
}

export type AuditRow = typeof auditLog.$inferSelect;

/** Newest first, keyset-paged on the id: `before` is the last id of the previous page. */
export async function auditPage(db: Db, limit: number, before: number | null): Promise<AuditRow[]> {
  const query = db.select().from(auditLog);
  const filtered = before === null ? query : query.where(lt(auditLog.id, before));
  return filtered.orderBy(desc(auditLog.id)).limit(limit);
}
