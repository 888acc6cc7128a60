import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { enqueueJob } from '../../src/jobs/queue.ts';
import {
  backoffMs, claimJobs, ensureScheduled, PermanentJobError, runDueJobs, runJob, startWorker, STALE_LOCK_MS, type JobHandler, type JobHandlers,
} from '../../src/jobs/worker.ts';
import { fixedClock } from '../../src/services/clock.ts';

const log = pino({ level: 'silent' });
const T0 = new Date('2026-03-02T10:00:00Z');
const SECOND = 1_000;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('backoff', () => {
  it('doubles from a minute and stops growing at an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n) / SECOND)).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });
});

describe.each(testEngines)('job worker on %s', (engine) => {
  let database: TestDatabase;
  const db = () => database.db;
  const job = (id: number) => db().selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database?.dispose());
  afterEach(async () => {
    await db().deleteFrom('jobs').execute();
  });

  it('claims due jobs oldest first, locks them and counts the attempt, and leaves the rest', async () => {
    const later = await enqueueJob(db(), 'test', { n: 'later' }, new Date(T0.getTime() + 60 * SECOND));
    const second = await enqueueJob(db(), 'test', { n: 2 }, new Date(T0.getTime() - 10 * SECOND));
    const first = await enqueueJob(db(), 'test', { n: 1 }, new Date(T0.getTime() - 20 * SECOND));
    const other = await enqueueJob(db(), 'other-kind', {}, new Date(T0.getTime() - 30 * SECOND));

    const claimed = await claimJobs(db(), 'worker-a', T0, 10, ['test']);
    expect(claimed.map((j) => j.id)).toEqual([first, second]);
    expect(claimed[0]).toMatchObject({ kind: 'test', payload: { n: 1 }, attempts: 1, maxAttempts: 5 });
    expect(await job(first)).toMatchObject({ locked_by: 'worker-a', locked_at: T0, attempts: 1 });

    // Locked, not due, or of a kind this worker does not run: nothing more to take.
    expect(await claimJobs(db(), 'worker-b', T0, 10, ['test'])).toEqual([]);
    expect((await job(later)).locked_at).toBeNull();
    expect((await job(other)).locked_at).toBeNull();
    expect(await claimJobs(db(), 'worker-b', T0, 10, [])).toEqual([]);
  });

  it('never gives one job to two claimers working at the same time', async () => {
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await enqueueJob(db(), 'test', { i }, T0));
    const takeAll = async (workerId: string) => {
      const taken: number[] = [];
      for (;;) {
        const jobs = await claimJobs(db(), workerId, T0, 3);
        if (jobs.length === 0) return taken;
        taken.push(...jobs.map((j) => j.id));
      }
    };
    const [a, b, c] = await Promise.all([takeAll('a'), takeAll('b'), takeAll('c')]);
    // Each job once, and none lost; that the claimers really overlap is timing, so the skip itself is pinned by the next test.
    expect([...a, ...b, ...c].sort((x, y) => x - y)).toEqual(ids);
  });

  if (engine === 'postgres') {
    it('skips a job another transaction holds instead of waiting for it (FOR UPDATE SKIP LOCKED)', async () => {
      const held = await enqueueJob(db(), 'test', {}, new Date(T0.getTime() - 10 * SECOND));
      const free = await enqueueJob(db(), 'test', {}, T0);
      const locked = deferred();
      const release = deferred();
      const holder = db().transaction().execute(async (trx) => {
        await trx.selectFrom('jobs').select('id').where('id', '=', held).forUpdate().execute();
        locked.resolve();
        await release.promise;
      });
      await locked.promise;
      const claimed = await claimJobs(db(), 'b', T0, 10);
      release.resolve();
      await holder;
      expect(claimed.map((j) => j.id)).toEqual([free]);
      expect((await claimJobs(db(), 'c', T0, 10)).map((j) => j.id)).toEqual([held]);
    });
  }

  it('tries a failing job again later, waiting twice as long each time, then fails it keeping the last error', async () => {
    const clock = fixedClock(T0);
    let calls = 0;
    const handlers: JobHandlers = {
      flaky: async () => {
        calls += 1;
        throw new Error(`provider down (${calls})`);
      },
    };
    const id = await enqueueJob(db(), 'flaky', {}, T0, 3);

    expect(await runDueJobs({ db: db(), handlers, clock, log })).toEqual({ done: 0, retried: 1, failed: 0 });
    expect(await job(id)).toMatchObject({ attempts: 1, run_at: new Date(T0.getTime() + 60 * SECOND), last_error: 'Error: provider down (1)', locked_at: null, locked_by: null, failed_at: null });

    clock.advance(59 * SECOND);
    expect(await runDueJobs({ db: db(), handlers, clock, log })).toEqual({ done: 0, retried: 0, failed: 0 });
    clock.advance(1 * SECOND);
    expect(await runDueJobs({ db: db(), handlers, clock, log })).toEqual({ done: 0, retried: 1, failed: 0 });
    expect((await job(id)).run_at).toEqual(new Date(clock.now().getTime() + 120 * SECOND));

    clock.advance(120 * SECOND);
    expect(await runDueJobs({ db: db(), handlers, clock, log })).toEqual({ done: 0, retried: 0, failed: 1 });
    expect(await job(id)).toMatchObject({ attempts: 3, failed_at: clock.now(), done_at: null, last_error: 'Error: provider down (3)', locked_at: null });

    clock.advance(24 * 3_600 * SECOND);
    expect(await runDueJobs({ db: db(), handlers, clock, log })).toEqual({ done: 0, retried: 0, failed: 0 });
    expect(calls).toBe(3);
  });

  it('fails a job at once when its handler says trying again cannot help, and tells the handler which attempt is the last', async () => {
    const clock = fixedClock(T0);
    const seen: boolean[] = [];
    const handlers: JobHandlers = {
      hopeless: async () => {
        throw new PermanentJobError('no such thing');
      },
      watched: async (_job, context) => {
        seen.push(context.lastAttempt);
        throw new Error('again');
      },
    };
    const hopeless = await enqueueJob(db(), 'hopeless', {}, T0);
    const watched = await enqueueJob(db(), 'watched', {}, T0, 2);
    await runDueJobs({ db: db(), handlers, clock, log });
    expect(await job(hopeless)).toMatchObject({ attempts: 1, failed_at: T0, last_error: 'PermanentJobError: no such thing' });
    clock.advance(backoffMs(1));
    await runDueJobs({ db: db(), handlers, clock, log });
    expect(seen).toEqual([false, true]);
    expect((await job(watched)).failed_at).toEqual(clock.now());
  });

  it('marks a job done and keeps the error of an earlier attempt that failed', async () => {
    const clock = fixedClock(T0);
    let fail = true;
    const handlers: JobHandlers = {
      once: async () => {
        if (fail) throw new Error('first time unlucky');
      },
    };
    const id = await enqueueJob(db(), 'once', {}, T0);
    await runDueJobs({ db: db(), handlers, clock, log });
    fail = false;
    clock.advance(backoffMs(1));
    expect(await runDueJobs({ db: db(), handlers, clock, log })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await job(id)).toMatchObject({ done_at: clock.now(), attempts: 2, last_error: 'Error: first time unlucky', locked_at: null });
  });

  it('takes back a job whose worker died after five minutes, and fails one that died on its last attempt', async () => {
    const id = await enqueueJob(db(), 'test', {}, T0);
    const last = await enqueueJob(db(), 'test', {}, T0, 1);
    expect(await claimJobs(db(), 'dead-worker', T0, 10)).toHaveLength(2);

    const justBefore = new Date(T0.getTime() + STALE_LOCK_MS - SECOND);
    expect(await claimJobs(db(), 'b', justBefore, 10)).toEqual([]);

    const after = new Date(T0.getTime() + STALE_LOCK_MS + SECOND);
    const clock = fixedClock(after);
    const ran: number[] = [];
    const summary = await runDueJobs({ db: db(), handlers: { test: async (j) => void ran.push(j.id) }, clock, log, workerId: 'b' });
    expect(summary).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(ran).toEqual([id]);
    expect(await job(id)).toMatchObject({ attempts: 2, done_at: after, locked_by: null });
    expect(await job(last)).toMatchObject({ attempts: 1, failed_at: after, last_error: expect.stringContaining('stopped without finishing') });
  });

  it('lets the worker that lost its lock finish without overwriting the new owner’s record', async () => {
    const clock = fixedClock(T0);
    const id = await enqueueJob(db(), 'test', {}, T0);
    const [slow] = await claimJobs(db(), 'slow', T0, 1);
    const [taken] = await claimJobs(db(), 'fast', new Date(T0.getTime() + STALE_LOCK_MS + SECOND), 1);
    expect(taken?.id).toBe(id);
    await runJob({ db: db(), handlers: { test: async () => undefined }, clock, log, workerId: 'slow' }, slow!);
    expect(await job(id)).toMatchObject({ done_at: null, locked_by: 'fast' });
  });

  it('leaves jobs of kinds it has no handler for to another worker', async () => {
    const id = await enqueueJob(db(), 'someone-else', {}, T0);
    expect(await runDueJobs({ db: db(), handlers: { test: async () => undefined }, clock: fixedClock(T0), log })).toEqual({ done: 0, retried: 0, failed: 0 });
    expect(await job(id)).toMatchObject({ attempts: 0, locked_at: null, done_at: null, failed_at: null });
  });

  it('runs in the background, survives handlers that throw, and on stop finishes the job in hand and gives back the rest', async () => {
    const clock = fixedClock(T0);
    const started = deferred();
    const finish = deferred();
    const order: string[] = [];
    const slow: JobHandler = async (j) => {
      order.push(`start ${String(j.payload.name)}`);
      started.resolve();
      await finish.promise;
      order.push(`end ${String(j.payload.name)}`);
    };
    const handlers: JobHandlers = {
      broken: () => {
        throw new TypeError('a bug');
      },
      rejects: async () => Promise.reject(new Error('async bug')),
      slow,
    };
    const broken = await enqueueJob(db(), 'broken', {}, new Date(T0.getTime() - 3 * SECOND));
    const rejects = await enqueueJob(db(), 'rejects', {}, new Date(T0.getTime() - 2 * SECOND));
    const inHand = await enqueueJob(db(), 'slow', { name: 'first' }, new Date(T0.getTime() - 1 * SECOND));
    const waiting = await enqueueJob(db(), 'slow', { name: 'second' }, T0);

    const worker = startWorker({ db: db(), handlers, clock, log, pollMs: 10, batchSize: 10 });
    await started.promise;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false); // still waiting for the job in hand
    finish.resolve();
    await stopping;

    expect(order).toEqual(['start first', 'end first']);
    expect(await job(broken)).toMatchObject({ attempts: 1, last_error: 'TypeError: a bug', locked_at: null });
    expect(await job(rejects)).toMatchObject({ attempts: 1, last_error: 'Error: async bug' });
    expect(await job(inHand)).toMatchObject({ done_at: T0, locked_at: null });
    expect(await job(waiting)).toMatchObject({ done_at: null, attempts: 0, locked_at: null, locked_by: null });

    // The next worker picks up what was left.
    const next = startWorker({ db: db(), handlers, clock, log, pollMs: 10 });
    for (let i = 0; i < 200 && (await job(waiting)).done_at === null; i++) await new Promise((r) => setTimeout(r, 10));
    await next.stop();
    expect((await job(waiting)).done_at).toEqual(T0);
  });

  /** Polls until `check` passes (the worker runs in the background); fails the test after two seconds. */
  async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** A worker running one `slow` job (held until `finish`), with more claimed in the same batch behind it. */
  async function workerPartWayThrough(clock = fixedClock(T0)) {
    const started = deferred();
    const finish = deferred();
    const runs: number[] = [];
    const handlers: JobHandlers = {
      slow: async (j) => {
        runs.push(j.id);
        started.resolve();
        await finish.promise;
      },
    };
    const inHand = await enqueueJob(db(), 'slow', {}, new Date(T0.getTime() - SECOND));
    const waiting = [await enqueueJob(db(), 'slow', {}, T0), await enqueueJob(db(), 'slow', {}, T0), await enqueueJob(db(), 'slow', {}, T0)];
    const worker = startWorker({ db: db(), handlers, clock, log, pollMs: 10, batchSize: 10 });
    await started.promise;
    // All four were claimed in one batch: the three behind the running one are locked too.
    for (const id of waiting) expect(await job(id)).toMatchObject({ locked_by: worker.workerId, attempts: 1 });
    return { worker, inHand, waiting, finish, runs };
  }

  it('gives back the jobs it took but had not started as soon as it is told to stop, not when the job in hand ends', async () => {
    const { worker, inHand, waiting, finish, runs } = await workerPartWayThrough();
    const stopping = worker.stop();
    await eventually('the waiting jobs to be given back', async () => (await job(waiting[0]!)).locked_by === null);
    for (const id of waiting) expect(await job(id)).toMatchObject({ locked_at: null, locked_by: null, attempts: 0, done_at: null });
    // Another worker takes them straight away, while the first is still busy with its job.
    const taken = await claimJobs(db(), 'next', T0, 10);
    expect(taken.map((j) => j.id)).toEqual(waiting);
    expect(await job(inHand)).toMatchObject({ locked_by: worker.workerId, done_at: null });

    finish.resolve();
    await stopping;
    expect(runs).toEqual([inHand]);
    expect(await job(inHand)).toMatchObject({ done_at: T0, locked_by: null, attempts: 1 });
    // The stopping worker leaves alone what the next one took.
    for (const id of waiting) expect(await job(id)).toMatchObject({ locked_by: 'next', attempts: 1 });
  });

  it('gives back the job in hand when the grace period runs out, for another worker to run again at once', async () => {
    const { worker, inHand, waiting, finish, runs } = await workerPartWayThrough();
    await worker.stop({ graceMs: 50 });
    expect(runs).toEqual([inHand]); // stop resolved with the handler still running
    expect(await job(inHand)).toMatchObject({ locked_at: null, locked_by: null, attempts: 0, done_at: null, failed_at: null, last_error: expect.stringContaining('stopped before this attempt finished') });

    const later = new Date(T0.getTime() + 5 * SECOND);
    const next: number[] = [];
    expect(await runDueJobs({ db: db(), handlers: { slow: async (j) => void next.push(j.id) }, clock: fixedClock(later), log, workerId: 'next' })).toEqual({ done: 4, retried: 0, failed: 0 });
    expect(next).toEqual([inHand, ...waiting]);
    expect(await job(inHand)).toMatchObject({ done_at: later, attempts: 1, locked_by: null });
    // The cut-off handler getting to the end after all does not overwrite the next worker's record.
    finish.resolve();
    await worker.stop(); // without a grace period: resolves when the run loop has ended
    expect(await job(inHand)).toMatchObject({ done_at: later, attempts: 1 });
  });

  it('records as done a job given back at the end of the grace period that finished before anyone took it, so it is not run again', async () => {
    const { worker, inHand, waiting, finish, runs } = await workerPartWayThrough();
    await worker.stop({ graceMs: 50 });
    expect((await job(inHand)).locked_by).toBeNull();
    finish.resolve();
    await worker.stop();
    expect(await job(inHand)).toMatchObject({ done_at: T0, locked_by: null });

    const again: number[] = [];
    await runDueJobs({ db: db(), handlers: { slow: async (j) => void again.push(j.id) }, clock: fixedClock(T0), log, workerId: 'next' });
    expect(again).toEqual(waiting);
    expect(runs).toEqual([inHand]);
  });

  it('keeps the job in hand when it finishes within the grace period, and never runs it twice', async () => {
    const { worker, inHand, waiting, finish, runs } = await workerPartWayThrough();
    const stopping = worker.stop({ graceMs: 5_000 });
    setTimeout(() => finish.resolve(), 30);
    await stopping;
    expect(await job(inHand)).toMatchObject({ done_at: T0, locked_by: null, attempts: 1, last_error: null });
    const again: number[] = [];
    expect(await runDueJobs({ db: db(), handlers: { slow: async (j) => void again.push(j.id) }, clock: fixedClock(T0), log, workerId: 'next' })).toEqual({ done: 3, retried: 0, failed: 0 });
    expect(again).toEqual(waiting);
    expect(runs).toEqual([inHand]);
  });

  it('keeps polling after the database fails', async () => {
    const clock = fixedClock(T0);
    let claims = 0;
    const failingDb = new Proxy(db(), {
      get(target, property) {
        if (property === 'transaction' && claims++ < 2) return () => ({ execute: async () => Promise.reject(new Error('connection refused')) });
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const id = await enqueueJob(db(), 'test', {}, T0);
    const worker = startWorker({ db: failingDb, handlers: { test: async () => undefined }, clock, log, pollMs: 5 });
    for (let i = 0; i < 200 && (await job(id)).done_at === null; i++) await new Promise((r) => setTimeout(r, 10));
    await worker.stop();
    expect((await job(id)).done_at).toEqual(T0);
    expect(claims).toBeGreaterThan(2);
  });

  it('schedules a recurring job once, however many workers ask at once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureScheduled(db(), 'daily', {}, T0)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = await db().selectFrom('jobs').select(['id', 'run_at']).where('kind', '=', 'daily').execute();
    expect(rows).toHaveLength(1);
    // The running job itself does not count as the next run.
    expect(await ensureScheduled(db(), 'daily', {}, new Date(T0.getTime() + 86_400_000), rows[0]!.id)).toBe(true);
    expect(await ensureScheduled(db(), 'daily', {}, new Date(T0.getTime() + 86_400_000))).toBe(false);
  });
});
