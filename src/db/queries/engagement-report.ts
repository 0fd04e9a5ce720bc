import { type SQL, sql } from "drizzle-orm";
import type { EngagementDrill } from "../../domain/engagement-drill";
import type { Db } from "../client";
import { keysetPage } from "./keyset-page";
import type { PersonSummary } from "./person-columns";
import type { Keyset } from "./reports";

/**
 * The webinar page's attendance per session and engagement: figures from `webinar_sessions`,
 * `session_attendance` and `engagements`, and the prospects behind each figure (the same rows
 * the figure counts), for the drill-down, its CSV export and bulk actions.
 */

export interface SessionSummary {
  sessionKey: string;
  startsAt: string;
  endsAt: string;
  attended: number;
  averageMinutes: number;
  averageShare: number;
}

/** Each session whose attendance was read, in order: how many attended, for how long on average. */
export async function sessionSummaries(db: Db, webinarId: string): Promise<SessionSummary[]> {
  const rows = await db.all<{
    session_key: string;
    starts_at: string;
    ends_at: string;
    attended: number;
    minutes: number | null;
    share: number | null;
  }>(sql`SELECT ws.session_key, ws.starts_at, ws.ends_at, count(sa.prospect_id) AS attended,
        avg(sa.minutes) AS minutes, avg(sa.share) AS share
      FROM webinar_sessions ws
      LEFT JOIN session_attendance sa ON sa.webinar_id = ws.webinar_id AND sa.session_key = ws.session_key
      WHERE ws.webinar_id = ${webinarId}
      GROUP BY ws.session_key ORDER BY ws.starts_at, ws.session_key`);
  return rows.map((r) => ({
    sessionKey: r.session_key,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    attended: r.attended,
    averageMinutes: Math.round(r.minutes ?? 0),
    averageShare: Math.round(r.share ?? 0),
  }));
}

export interface PollResult {
  question: string;
  /** Prospects who answered it. */
  respondents: number;
  answers: { answer: string; prospects: number }[];
}

export interface AskedQuestion {
  prospectId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  question: string;
  answer: string | null;
  occurredAt: string;
}

export interface EngagementSummary {
  /** Distinct prospects per kind. */
  counts: { poll: number; survey: number; question: number };
  polls: PollResult[];
  questions: { total: number; rows: AskedQuestion[] };
}

/** The answers of a row as text values (a column that is not a JSON array has none). */
const ANSWERS = sql.raw(`json_each(CASE WHEN json_valid(e.answers) THEN e.answers ELSE '[]' END) ea`);

/** Polls shown with their answers; the rest are counted in the kinds' totals. */
const POLL_ROWS = 400;

export async function engagementSummary(db: Db, webinarId: string, questionLimit = 100): Promise<EngagementSummary> {
  const [kinds, respondents, answers, asked, total] = await Promise.all([
    db.all<{ kind: string; n: number }>(
      sql`SELECT e.kind, count(DISTINCT e.prospect_id) AS n FROM engagements e WHERE e.webinar_id = ${webinarId} GROUP BY e.kind`,
    ),
    db.all<{ question: string; n: number }>(
      sql`SELECT e.question, count(DISTINCT e.prospect_id) AS n FROM engagements e
          WHERE e.webinar_id = ${webinarId} AND e.kind = 'poll' GROUP BY e.question ORDER BY e.question LIMIT ${POLL_ROWS}`,
    ),
    db.all<{ question: string; answer: string; n: number }>(
      sql`SELECT e.question, ea.value AS answer, count(DISTINCT e.prospect_id) AS n FROM engagements e, ${ANSWERS}
          WHERE e.webinar_id = ${webinarId} AND e.kind = 'poll' AND ea.type = 'text'
          GROUP BY e.question, ea.value ORDER BY e.question, n DESC, ea.value LIMIT ${POLL_ROWS * 4}`,
    ),
    db.all<{
      prospect_id: string;
      email: string;
      first_name: string | null;
      last_name: string | null;
      question: string;
      answer: string | null;
      occurred_at: string;
    }>(
      sql`SELECT e.prospect_id, p.email, p.first_name, p.last_name, e.question, e.answer, e.occurred_at
          FROM engagements e JOIN prospects p ON p.id = e.prospect_id
          WHERE e.webinar_id = ${webinarId} AND e.kind = 'question'
          ORDER BY e.occurred_at, e.id LIMIT ${questionLimit}`,
    ),
    db.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM engagements e WHERE e.webinar_id = ${webinarId} AND e.kind = 'question'`,
    ),
  ]);
  const count = (kind: string) => kinds.find((k) => k.kind === kind)?.n ?? 0;
  return {
    counts: { poll: count("poll"), survey: count("survey"), question: count("question") },
    polls: respondents.map((r) => ({
      question: r.question,
      respondents: r.n,
      answers: answers.filter((a) => a.question === r.question).map((a) => ({ answer: a.answer, prospects: a.n })),
    })),
    questions: {
      total: total[0]?.n ?? 0,
      rows: asked.map((q) => ({
        prospectId: q.prospect_id,
        email: q.email,
        firstName: q.first_name,
        lastName: q.last_name,
        question: q.question,
        answer: q.answer,
        occurredAt: q.occurred_at,
      })),
    },
  };
}

/** The ids of the prospects behind a drill, as SQL (a subquery of prospect ids). */
function drillIds(webinarId: string, drill: EngagementDrill): SQL {
  switch (drill.what) {
    case "session":
      return sql`SELECT sa.prospect_id FROM session_attendance sa
        WHERE sa.webinar_id = ${webinarId} AND sa.session_key = ${drill.sessionKey}`;
    case "poll":
      return sql`SELECT e.prospect_id FROM engagements e
        WHERE e.webinar_id = ${webinarId} AND e.kind = 'poll'
          ${drill.question === null ? sql`` : sql`AND e.question = ${drill.question}`}
          ${drill.answer === null || drill.question === null ? sql`` : sql`AND EXISTS (SELECT 1 FROM ${ANSWERS} WHERE ea.type = 'text' AND ea.value = ${drill.answer})`}`;
    case "survey":
    case "question":
      return sql`SELECT e.prospect_id FROM engagements e WHERE e.webinar_id = ${webinarId} AND e.kind = ${drill.what}`;
  }
}

/** What the drill-down says beside each prospect: the minutes and share, the questions asked, the answers given. */
function drillDetail(webinarId: string, drill: EngagementDrill): SQL {
  switch (drill.what) {
    case "session":
      return sql`(SELECT sa.minutes || ' min, ' || sa.share || '% of the session' FROM session_attendance sa
        WHERE sa.webinar_id = ${webinarId} AND sa.session_key = ${drill.sessionKey} AND sa.prospect_id = p.id)`;
    case "poll":
      return drill.question === null
        ? sql`(SELECT group_concat(e.question, ' | ') FROM engagements e
            WHERE e.webinar_id = ${webinarId} AND e.kind = 'poll' AND e.prospect_id = p.id)`
        : sql`(SELECT group_concat(ea.value, '; ') FROM engagements e, ${ANSWERS}
            WHERE e.webinar_id = ${webinarId} AND e.kind = 'poll' AND e.question = ${drill.question}
              AND e.prospect_id = p.id AND ea.type = 'text')`;
    case "survey":
      return sql`(SELECT count(*) || ' answers' FROM engagements e
        WHERE e.webinar_id = ${webinarId} AND e.kind = 'survey' AND e.prospect_id = p.id)`;
    case "question":
      return sql`(SELECT group_concat(e.question, ' | ') FROM engagements e
        WHERE e.webinar_id = ${webinarId} AND e.kind = 'question' AND e.prospect_id = p.id)`;
  }
}

export interface EngagedRow extends PersonSummary {
  detail: string | null;
}

export async function engagedCount(db: Db, webinarId: string, drill: EngagementDrill): Promise<number> {
  const row = await db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM prospects p WHERE p.id IN (${drillIds(webinarId, drill)}) AND p.merged_into_id IS NULL`,
  );
  return row?.n ?? 0;
}

/** A page of the prospects behind a drill, by prospect id (the keyset's both halves are the id). */
export async function engagedPage(
  db: Db,
  opts: { webinarId: string; drill: EngagementDrill; limit: number; after: Keyset | null },
): Promise<{ rows: EngagedRow[]; next: Keyset | null }> {
  const after = opts.after ? sql`AND p.id > ${opts.after.id}` : sql``;
  const found = await db.all<{
    id: string;
    email: string;
    first_name: string | null;
    last_name: string | null;
    company: string | null;
    score: number;
    detail: string | null;
  }>(sql`SELECT p.id, p.email, p.first_name, p.last_name, p.company, p.score, ${drillDetail(opts.webinarId, opts.drill)} AS detail
      FROM prospects p
      WHERE p.id IN (${drillIds(opts.webinarId, opts.drill)}) AND p.merged_into_id IS NULL ${after}
      ORDER BY p.id LIMIT ${opts.limit + 1}`);
  const { rows, next } = keysetPage(found, opts.limit, (r) => ({ at: r.id, id: r.id }));
  return {
    rows: rows.map((r) => ({
      prospectId: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      company: r.company,
      score: r.score,
      detail: r.detail,
    })),
    next,
  };
}
