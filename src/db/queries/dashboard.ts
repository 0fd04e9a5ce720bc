import { sql } from "drizzle-orm";
import type { Db } from "../client";

export interface DashboardFigures {
  connectors: { total: number; verified: number; needAttention: number };
  upcomingWebinars: number;
  prospects: number;
  registrations: { pending: number; error: number };
}

/** The dashboard's figures in one round trip: each is a count over an indexed column. */
export async function dashboardFigures(db: Db, now: string): Promise<DashboardFigures> {
  const row = await db.get<Record<string, number> | undefined>(
    sql`SELECT
         (SELECT count(*) FROM connectors WHERE deleted_at IS NULL) AS connectors,
         (SELECT count(*) FROM connectors WHERE deleted_at IS NULL AND status = 'verified' AND paused = 0) AS verified,
         (SELECT count(*) FROM connectors WHERE deleted_at IS NULL AND (status != 'verified' OR paused = 1)) AS attention,
         (SELECT count(*) FROM webinars WHERE status = 'scheduled' AND ends_at >= ${now}) AS upcoming,
         (SELECT count(*) FROM prospects WHERE merged_into_id IS NULL) AS prospects,
         (SELECT count(*) FROM registrations WHERE status = 'pending') AS pending,
         (SELECT count(*) FROM registrations WHERE status = 'error') AS errors`,
  );
  return {
    connectors: { total: row?.connectors ?? 0, verified: row?.verified ?? 0, needAttention: row?.attention ?? 0 },
    upcomingWebinars: row?.upcoming ?? 0,
    prospects: row?.prospects ?? 0,
    registrations: { pending: row?.pending ?? 0, error: row?.errors ?? 0 },
  };
}
