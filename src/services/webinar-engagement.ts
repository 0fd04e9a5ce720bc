import type { Db } from "../db/client";
import {
  type EngagedRow,
  type EngagementSummary,
  engagedCount,
  engagedPage,
  engagementSummary,
  type SessionSummary,
  sessionSummaries,
} from "../db/queries/engagement-report";
import { listLists } from "../db/queries/lists";
import type { Keyset, WebinarWithCounts } from "../db/queries/reports";
import { drillTitle, type EngagementDrill } from "../domain/engagement-drill";
import { formatTime } from "../views/components";

/** The webinar page's attendance per session and engagement, read at once. */
export interface WebinarEngagementModel {
  sessions: SessionSummary[];
  engagement: EngagementSummary;
}

export async function webinarEngagement(db: Db, webinarId: string): Promise<WebinarEngagementModel> {
  const [sessions, engagement] = await Promise.all([sessionSummaries(db, webinarId), engagementSummary(db, webinarId)]);
  return { sessions, engagement };
}

/** One drill-down page: its words, how many prospects, a page of them, the static lists for Add to list. */
export interface EngagedDrillDown {
  title: string;
  count: number;
  rows: EngagedRow[];
  next: Keyset | null;
  lists: { id: string; name: string }[];
}

async function titleOf(db: Db, webinarId: string, drill: EngagementDrill): Promise<string> {
  if (drill.what !== "session") return drillTitle(drill, null);
  const sessions = await sessionSummaries(db, webinarId);
  const i = sessions.findIndex((s) => s.sessionKey === drill.sessionKey);
  const session = sessions[i];
  if (!session) return drillTitle(drill, null);
  const label = sessions.length === 1 ? "the session" : `session ${i + 1}`;
  return drillTitle(drill, `${label} (${formatTime(session.startsAt)})`);
}

export async function engagedDrillDown(
  db: Db,
  webinar: WebinarWithCounts,
  drill: EngagementDrill,
  opts: { limit: number; after: Keyset | null },
): Promise<EngagedDrillDown> {
  const [title, count, page, lists] = await Promise.all([
    titleOf(db, webinar.id, drill),
    engagedCount(db, webinar.id, drill),
    engagedPage(db, { webinarId: webinar.id, drill, limit: opts.limit, after: opts.after }),
    listLists(db),
  ]);
  return {
    title,
    count,
    rows: page.rows,
    next: page.next,
    lists: lists.filter((l) => l.kind === "static").map((l) => ({ id: l.id, name: l.name })),
  };
}
