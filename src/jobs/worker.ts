import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../data/schema.ts';
import type { Db } from '../data/repositories/cases.ts';
import type { Clock } from '../services/clock.ts';

/**
 * The job runner. Jobs live in the `jobs` table (see `enqueueJob` in queue.ts); any number of
 * workers, on PGlite or PostgreSQL, take due jobs with `select ... for update skip locked` and mark
 * them locked, so each job runs on one worker at a time. A worker that dies leaves its jobs locked;
 * after STALE_LOCK_MS another worker takes them again. A worker that is stopped gives back at once
 * the jobs it took but had not started, and, when its grace period runs out, the one it is
 * running. A failed job is tried again later, waiting twice as long each time, until it has had
 * `max_attempts`; then it is marked failed with its last error kept. Delivery is at least once:
 * handlers must be safe to run twice.
 */

export interface ClaimedJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  /** Attempts so far, this one included. */
  attempts: number;
  maxAttempts: number;
  runAt: Date;
}

export interface JobContext {
  now: Date;
  log: Logger;
  /** True when this is the job's last permitted attempt: a failure now fails the job for good. */
  lastAttempt: boolean;
}

export type JobHandler = (job: ClaimedJob, context: JobContext) => Promise<void>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

/** Thrown by a handler when trying again cannot help (bad payload, a request the provider refuses). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** A job locked for longer than this is taken to belong to a worker that died. */
export const STALE_LOCK_MS = 5 * 60_000;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const MAX_ERROR_LENGTH = 2_000;

/** How long to wait before trying a job again after its nth failed attempt: 2^n × 30 s, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** attempts * BASE_BACKOFF_MS, MAX_BACKOFF_MS);
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Takes up to `limit` due jobs (of `kinds`, when given) and locks them for `workerId`, counting the
 * attempt. Rows another transaction is taking at the same moment are skipped, not waited for.
 */
export async function claimJobs(db: Kysely<Database>, workerId: string, now: Date, limit = 1, kinds?: readonly string[]): Promise<ClaimedJob[]> {
  if (kinds?.length === 0 || limit < 1) return [];
  const staleBefore = new Date(now.getTime() - STALE_LOCK_MS);
  return db.transaction().execute(async (trx) => {
    let due = trx
      .selectFrom('jobs')
      .select('id')
      .where('done_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('run_at', '<=', now)
      .whereRef('attempts', '<', 'max_attempts')
      .where((eb) => eb.or([eb('locked_at', 'is', null), eb('locked_at', '<', staleBefore)]));
    if (kinds) due = due.where('kind', 'in', kinds);
    const rows = await due.orderBy('run_at').orderBy('id').limit(limit).forUpdate().skipLocked().execute();
    if (rows.length === 0) return [];
    const claimed = await trx
      .updateTable('jobs')
      .set({ locked_at: now, locked_by: workerId, attempts: sql`attempts + 1` })
      .where('id', 'in', rows.map((r) => r.id))
      .returningAll()
      .execute();
    return claimed
      .map((row) => ({ id: Number(row.id), kind: row.kind, payload: row.payload ?? {}, attempts: row.attempts, maxAttempts: row.max_attempts, runAt: row.run_at }))
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  });
}

/** Gives claimed jobs back, untouched, for another worker (used when stopping before running them). */
export async function releaseJobs(db: Db, workerId: string, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('jobs')
    .set({ locked_at: null, locked_by: null, attempts: sql`greatest(attempts - 1, 0)` })
    .where('id', 'in', [...ids])
    .where('locked_by', '=', workerId)
    .where('done_at', 'is', null)
    .execute();
}

/**
 * Fails jobs whose worker died on their last permitted attempt: they cannot be claimed again, so
 * without this they would stay locked and pending for ever.
 */
export async function failAbandonedJobs(db: Db, now: Date): Promise<number> {
  const rows = await db
    .updateTable('jobs')
    .set({
      failed_at: now,
      locked_at: null,
      locked_by: null,
      last_error: sql`coalesce(last_error || ' / ', '') || 'the worker running its last attempt stopped without finishing it'`,
    })
    .where('done_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('locked_at', '<', new Date(now.getTime() - STALE_LOCK_MS))
    .whereRef('attempts', '>=', 'max_attempts')
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Makes sure one pending job of `kind` exists (a recurring job's next run), adding it for `runAt`
 * when there is none. Serialised by an advisory lock, so workers starting together add one, not two.
 * `exceptJobId`: the running job itself, which does not count as the next run.
 */
export async function ensureScheduled(db: Kysely<Database>, kind: string, payload: Record<string, unknown>, runAt: Date, exceptJobId?: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`redress-job:${kind}`}))`.execute(trx);
    let pending = trx.selectFrom('jobs').select('id').where('kind', '=', kind).where('done_at', 'is', null).where('failed_at', 'is', null);
    if (exceptJobId !== undefined) pending = pending.where('id', '<>', exceptJobId);
    if (await pending.limit(1).executeTakeFirst()) return false;
    await trx.insertInto('jobs').values({ kind, payload: JSON.stringify(payload), run_at: runAt, created_at: runAt }).execute();
    return true;
  });
}

export type JobOutcome = 'done' | 'retried' | 'failed';

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** Runs one claimed job and records how it went. Never throws for the handler's sake. */
export async function runJob(options: { db: Kysely<Database>; handlers: JobHandlers; clock: Clock; log: Logger; workerId: string }, job: ClaimedJob): Promise<JobOutcome> {
  const { db, clock, workerId } = options;
  const log = options.log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
  try {
    const handler = options.handlers[job.kind];
    if (!handler) throw new PermanentJobError(`No handler for jobs of kind "${job.kind}"`);
    await handler(job, { now: clock.now(), log, lastAttempt: job.attempts >= job.maxAttempts });
  } catch (error) {
    const lastError = errorText(error);
    const now = clock.now();
    const giveUp = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    await db
      .updateTable('jobs')
      .set(giveUp ? { failed_at: now, last_error: lastError, locked_at: null, locked_by: null } : { run_at: new Date(now.getTime() + backoffMs(job.attempts)), last_error: lastError, locked_at: null, locked_by: null })
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .execute();
    if (giveUp) log.error({ error: lastError }, 'job failed for good');
    else log.warn({ error: lastError, retryInMs: backoffMs(job.attempts) }, 'job failed; will try again');
    return giveUp ? 'failed' : 'retried';
  }
  const finished = await db
    .updateTable('jobs')
    .set({ done_at: clock.now(), locked_at: null, locked_by: null })
    .where('id', '=', job.id)
    .where('done_at', 'is', null)
    // Unlocked: this worker gave the job back when its grace period ran out (see `giveBackCutOff`),
    // yet the handler got to the end before the process exited and nobody has taken it since.
    // Recording it done now is what stops it running twice.
    .where((eb) => eb.or([eb('locked_by', '=', workerId), eb('locked_by', 'is', null)]))
    .returning('id')
    .execute();
  // Another worker took the job over as stale while this one ran it: that worker records the outcome.
  if (finished.length === 0) log.warn('job finished after its lock was taken over by another worker');
  else log.debug('job done');
  return 'done';
}

/**
 * Gives back a job whose handler is still running when the worker must stop, so that another
 * worker runs it again at once rather than after STALE_LOCK_MS. The cut-off attempt is not
 * counted: the shutdown, not the job, ended it (a worker that dies instead counts it, as it
 * cannot say). A job finished in the meantime is left alone.
 */
async function giveBackCutOff(db: Db, workerId: string, job: ClaimedJob): Promise<boolean> {
  const rows = await db
    .updateTable('jobs')
    .set({
      locked_at: null,
      locked_by: null,
      attempts: sql`greatest(attempts - 1, 0)`,
      last_error: sql`coalesce(last_error || ' / ', '') || 'the worker stopped before this attempt finished'`,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .where('done_at', 'is', null)
    .where('failed_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length > 0;
}

/**
 * The jobs a worker holds: claimed and not yet started, and the one running. Shared between the
 * run loop and `stop`, so that stopping gives back the waiting ones at once instead of after the
 * running one finishes (which may be never, within the grace period).
 */
export interface JobsInHand {
  waiting: Set<number>;
  running?: ClaimedJob;
}

export interface RunOptions {
  db: Kysely<Database>;
  handlers: JobHandlers;
  clock: Clock;
  log: Logger;
  workerId?: string;
  /** Jobs claimed per round trip. */
  batchSize?: number;
  /** The most jobs to run in this call. */
  limit?: number;
  /** Checked before each job: when true, claimed jobs not yet started are given back. */
  shouldStop?: () => boolean;
  /** Kept up to date with the jobs claimed and running, for `startWorker`'s stop. */
  inHand?: JobsInHand;
}

export interface RunSummary {
  done: number;
  retried: number;
  failed: number;
}

/**
 * Runs due jobs until none is left (or `limit` have run), one at a time. Jobs a handler adds that
 * are due now run in the same call. Tests call this directly; `startWorker` calls it in a loop.
 */
export async function runDueJobs(options: RunOptions): Promise<RunSummary> {
  const workerId = options.workerId ?? newWorkerId();
  const kinds = Object.keys(options.handlers);
  const limit = options.limit ?? 1_000;
  const summary: RunSummary = { done: 0, retried: 0, failed: 0 };
  let ran = 0;
  const failed = await failAbandonedJobs(options.db, options.clock.now());
  if (failed > 0) options.log.warn({ jobs: failed }, 'jobs abandoned on their last attempt marked failed');
  const inHand = options.inHand ?? { waiting: new Set<number>() };
  while (ran < limit && !options.shouldStop?.()) {
    const jobs = await claimJobs(options.db, workerId, options.clock.now(), Math.min(options.batchSize ?? 10, limit - ran), kinds);
    if (jobs.length === 0) break;
    for (const job of jobs) inHand.waiting.add(job.id);
    for (const job of jobs) {
      if (options.shouldStop?.()) {
        // Those `stop` already gave back are gone from `waiting`; releasing twice would be harmless anyway.
        const left = [...inHand.waiting];
        inHand.waiting.clear();
        await releaseJobs(options.db, workerId, left);
        return summary;
      }
      inHand.waiting.delete(job.id);
      inHand.running = job;
      try {
        summary[await runJob({ ...options, workerId }, job)] += 1;
      } finally {
        inHand.running = undefined;
      }
      ran += 1;
    }
  }
  return summary;
}

export interface WorkerOptions {
  db: Kysely<Database>;
  handlers: JobHandlers;
  clock: Clock;
  log: Logger;
  /** How long to wait when there is nothing to do. */
  pollMs?: number;
  workerId?: string;
  batchSize?: number;
}

export interface StopOptions {
  /**
   * How long the job in hand may take to finish. When it runs out the job is given back for
   * another worker to run again at once, and `stop` resolves without it. Without this, `stop`
   * waits for the job however long it takes.
   */
  graceMs?: number;
}

export interface RunningWorker {
  readonly workerId: string;
  /**
   * Stops taking jobs and gives back at once those taken but not started; lets the job in hand
   * finish (or, after `graceMs`, gives it back too); resolves when stopped.
   */
  stop(options?: StopOptions): Promise<void>;
}

/**
 * Polls for due jobs until stopped. Nothing a handler or the database does stops the loop: errors
 * are logged and the loop carries on after a pause.
 */
export function startWorker(options: WorkerOptions): RunningWorker {
  const workerId = options.workerId ?? newWorkerId();
  const pollMs = options.pollMs ?? 1_000;
  const log = options.log.child({ workerId });
  const inHand: JobsInHand = { waiting: new Set() };
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const loop = (async () => {
    log.info({ kinds: Object.keys(options.handlers), pollMs }, 'job worker started');
    while (!stopping) {
      let ran = 0;
      try {
        const summary = await runDueJobs({ ...options, log, workerId, limit: 100, shouldStop: () => stopping, inHand });
        ran = summary.done + summary.retried + summary.failed;
      } catch (error) {
        log.error({ error: errorText(error) }, 'job worker could not read the queue; trying again shortly');
      }
      if (!stopping && ran === 0) await pause(pollMs);
    }
    log.info('job worker stopped');
  })();

  /** Gives back the jobs taken but not started; a failure leaves them to the stale-lock reclaim. */
  const giveBackWaiting = async () => {
    const waiting = [...inHand.waiting];
    inHand.waiting.clear();
    if (waiting.length === 0) return;
    try {
      await releaseJobs(options.db, workerId, waiting);
      log.info({ jobs: waiting.length }, 'stopping: gave back jobs taken but not started');
    } catch (error) {
      log.warn({ error: errorText(error), jobs: waiting.length }, `stopping: could not give back jobs taken but not started; they are taken up again after ${STALE_LOCK_MS / 60_000} minutes`);
    }
  };

  const giveBackRunning = async () => {
    const job = inHand.running;
    if (!job) return;
    try {
      if (await giveBackCutOff(options.db, workerId, job)) log.warn({ jobId: job.id, kind: job.kind }, 'stopping: the job in hand did not finish in time; given back to run again');
    } catch (error) {
      log.warn({ error: errorText(error), jobId: job.id }, `stopping: could not give back the job in hand; it is taken up again after ${STALE_LOCK_MS / 60_000} minutes`);
    }
  };

  return {
    workerId,
    async stop(stopOptions: StopOptions = {}) {
      stopping = true;
      wake?.();
      await giveBackWaiting();
      if (stopOptions.graceMs === undefined) return loop;
      let timer: NodeJS.Timeout | undefined;
      const outOfTime = new Promise<'out of time'>((resolve) => {
        timer = setTimeout(() => resolve('out of time'), Math.max(0, stopOptions.graceMs ?? 0));
      });
      try {
        if ((await Promise.race([loop, outOfTime])) === 'out of time') await giveBackRunning();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
