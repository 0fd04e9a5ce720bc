import { and, asc, desc, eq, inArray, min, sql } from "drizzle-orm";
import type { Db } from "../client";
import { jobs } from "../schema";
import type { Statement } from "./statements";

/**
 * The `jobs` table: long work in bounded steps, run by the JobRunner Durable Object
 * (src/services/job-runner.ts). A job is queued with the batch that calls for it (a list's new
 * criteria and its recompute are saved together); each step's writes and the job's progress are
 * one batch; a newer job for the same kind and subject cancels the one still active.
 */

export type JobRow = typeof jobs.$inferSelect;
export type JobState = JobRow["state"];

const ACTIVE = ["queued", "running"] as const;

export interface NewJob {
  id: string;
  kind: string;
  subject: string;
  params?: Record<string, unknown>;
  createdBy: string | null;
  now: string;
}

/** Statements that cancel the subject's active job of this kind and queue a new one, for the caller's batch. */
export function queueJobStatements(job: NewJob): Statement[] {
  return [
    sql`UPDATE jobs SET state = 'cancelled', finished_at = ${job.now}, updated_at = ${job.now}
        WHERE kind = ${job.kind} AND subject = ${job.subject} AND state IN ('queued', 'running')`,
    sql`INSERT INTO jobs (id, kind, subject, state, params, run_at, created_by, created_at, updated_at)
        VALUES (${job.id}, ${job.kind}, ${job.subject}, 'queued', ${JSON.stringify(job.params ?? {})}, ${job.now},
                ${job.createdBy}, ${job.now}, ${job.now})`,
  ];
}

export async function findJob(db: Db, id: string): Promise<JobRow | null> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id)).limit(1);
  return row ?? null;
}

/** The newest job of this kind for the subject, whatever its state. */
export async function latestJob(db: Db, kind: string, subject: string): Promise<JobRow | null> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, kind), eq(jobs.subject, subject)))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(1);
  return row ?? null;
}

/** The active job due first, if one is due by `now`. */
export async function dueJob(db: Db, now: string): Promise<JobRow | null> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(inArray(jobs.state, [...ACTIVE]), sql`${jobs.runAt} <= ${now}`))
    .orderBy(asc(jobs.runAt), asc(jobs.createdAt))
    .limit(1);
  return row ?? null;
}

/** When the next active job is due (ISO), or null when there is none. */
export async function nextJobAt(db: Db): Promise<string | null> {
  const [row] = await db
    .select({ at: min(jobs.runAt) })
    .from(jobs)
    .where(inArray(jobs.state, [...ACTIVE]));
  return row?.at ?? null;
}

export interface StepProgress {
  cursor: string | null;
  done: number;
  total: number | null;
  finished: boolean;
}

/**
 * The job's progress after a step, as the last statement of the step's batch. It holds only if
 * the job is still at the step it was read at and still active, so a step run twice (an alarm
 * re-run) or a job cancelled meanwhile never moves the progress twice or revives it.
 */
export function advanceJob(job: Pick<JobRow, "id" | "steps">, progress: StepProgress, now: string): Statement {
  return sql`UPDATE jobs SET cursor = ${progress.cursor}, done = ${progress.done}, total = ${progress.total},
      steps = steps + 1, attempts = 0, last_error = NULL, updated_at = ${now},
      state = ${progress.finished ? "done" : "running"}, finished_at = ${progress.finished ? now : null}
    WHERE id = ${job.id} AND steps = ${job.steps} AND state IN ('queued', 'running')`;
}

/** A step that threw: tried again at `retryAt`, or failed for good when that is null. */
export async function jobStepFailed(
  db: Db,
  job: Pick<JobRow, "id" | "steps">,
  error: string,
  retryAt: string | null,
  now: string,
): Promise<void> {
  await db
    .update(jobs)
    .set(
      retryAt === null
        ? { state: "failed", lastError: error, attempts: sql`${jobs.attempts} + 1`, finishedAt: now, updatedAt: now }
        : { lastError: error, attempts: sql`${jobs.attempts} + 1`, runAt: retryAt, updatedAt: now },
    )
    .where(and(eq(jobs.id, job.id), eq(jobs.steps, job.steps), inArray(jobs.state, [...ACTIVE])));
}
