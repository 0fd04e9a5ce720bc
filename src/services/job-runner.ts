import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client";
import { advanceJob, dueJob, jobStepFailed, nextJobAt } from "../db/queries/jobs";
import { runBatch } from "../db/queries/statements";
import { backoffDelay } from "../domain/backoff";
import type { Env } from "../env";
import { errorFields, log } from "../lib/log";
import { JOB_KINDS } from "./jobs";

/** One alarm run works at most this long, then re-arms at once (alarms are capped at 15 minutes). */
const RUN_BUDGET_MS = 20_000;
/** While a run works, the stored alarm is this far out: a run that dies with its object resumes then. */
const WATCHDOG_MS = 30_000;
const RETRY = { baseMs: 2_000, maxMs: 5 * 60_000 };
const MAX_ATTEMPTS = 6;

/**
 * JobRunner: one per deployment (`getByName("jobs")`). The D1 `jobs` table is the queue and the
 * progress the pages show; this object only drives it with its one alarm, set at the earliest
 * due job after every run and after `wake()`. A run takes due jobs one step at a time (each step's
 * writes and progress one D1 batch, see src/services/jobs.ts), for up to 20 s, then re-arms.
 * A step that throws is retried with backoff and fails the job after 6 attempts. Nothing of the
 * queue lives in this object, so losing it (eviction, deploy) loses nothing: the next wake or
 * alarm picks up from D1.
 */
export class JobRunner extends DurableObject<Env> {
  private running = false;

  /** Work was queued: make sure the alarm is set for it. */
  async wake(): Promise<void> {
    if (!this.running) await this.arm();
  }

  override async alarm(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const started = Date.now();
    const db = createDb(this.env.DB);
    try {
      await this.ctx.storage.setAlarm(started + WATCHDOG_MS);
      while (Date.now() - started < RUN_BUDGET_MS) {
        const now = new Date().toISOString();
        const job = await dueJob(db, now);
        if (!job) break;
        const kind = JOB_KINDS[job.kind];
        try {
          if (!kind) throw new Error(`no job kind ${job.kind}`);
          const step = await kind.step(db, job, now);
          await runBatch(db, [...step.statements, advanceJob(job, step, now)]);
        } catch (error) {
          const attempts = job.attempts + 1;
          const retryAt =
            kind && attempts < MAX_ATTEMPTS
              ? new Date(Date.now() + backoffDelay(job.attempts, RETRY)).toISOString()
              : null;
          log("warn", "job step failed", { jobId: job.id, kind: job.kind, attempts, ...errorFields(error) });
          await jobStepFailed(db, job, error instanceof Error ? error.message : String(error), retryAt, now);
        }
      }
    } finally {
      this.running = false;
      await this.arm();
    }
  }

  /** The one alarm, at the earliest active job (now if it is due); none when there is nothing to do. */
  private async arm(): Promise<void> {
    const at = await nextJobAt(createDb(this.env.DB));
    if (at === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const when = Math.max(Date.parse(at), Date.now());
    const current = await this.ctx.storage.getAlarm();
    if (current !== when) await this.ctx.storage.setAlarm(when);
  }
}
