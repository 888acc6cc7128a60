import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Engine } from '../../src/data/db.ts';
import { FakeNotify } from './fake-notify.ts';
import { locationOf, request, requestInTwoParts, Visitor } from './http-client.ts';
import { killAllStarted, startRedress, waitFor, type RedressProcess } from './server-process.ts';
import { referenceFolder, temporaryFolder, throwawayDatabase, type ThrowawayDatabase } from './throwaway-files.ts';

const engines: Engine[] = process.env.TEST_DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];

const stillRunning = async (process: RedressProcess) => (await Promise.race([process.exited, Promise.resolve('running')])) === 'running';

/**
 * SIGTERM, as an orchestrator sends before replacing a copy: the request in progress is answered,
 * new connections are refused, the worker finishes the job in hand and leaves the others, unlocked,
 * for the next worker; the process exits 0. On PostgreSQL as `serve` and `worker` (production);
 * on PGlite as `start` (both in one process).
 */
describe.each(engines)('graceful shutdown on SIGTERM (%s)', (engine) => {
  const notify = new FakeNotify();
  let folder: Awaited<ReturnType<typeof temporaryFolder>>;
  let database: ThrowawayDatabase | undefined;
  let env: Record<string, string>;
  const started: RedressProcess[] = [];

  beforeAll(async () => {
    await notify.start();
    folder = await temporaryFolder('sigterm');
    database = engine === 'postgres' ? await throwawayDatabase(process.env.TEST_DATABASE_URL as string) : undefined;
    env = { ...notify.env(), DATA_DIR: join(folder.path, 'data'), REDRESS_REFERENCE_DIR: await referenceFolder(folder.path), ...(database ? { DATABASE_URL: database.url } : {}) };
  });
  afterAll(async () => {
    await killAllStarted();
    await Promise.all(started.map((p) => p.kill()));
    await notify.stop();
    await database?.drop();
    await folder?.remove();
  });

  it('finishes the request in progress and the job in hand, refuses new connections, leaves other jobs for the next worker, exits 0', async () => {
    const [server, worker]: [RedressProcess, RedressProcess] =
      engine === 'postgres' ? await Promise.all([startRedress('serve', env), startRedress('worker', env)]) : await startRedress('start', env).then((p) => [p, p]);
    started.push(server, worker);

    // Three "save and come back later" emails; GOV.UK Notify (the fake) holds its answers, so
    // the worker is part-way through sending the first when it is told to stop.
    notify.hold();
    for (const n of [1, 2, 3]) {
      const visitor = new Visitor(server.port);
      await visitor.get('/complain/save?from=who-is-it-about');
      const saved = await visitor.post('/complain/save', { from: 'who-is-it-about', email: `saver.${n}@resilience.example` });
      expect(saved.status).toBe(200);
    }
    await waitFor('the worker to be sending the first email', () => notify.received.length === 1, { timeoutMs: 60_000 });

    // A request in progress: its headers and half its body have arrived when SIGTERM does.
    const visitor = new Visitor(server.port);
    const page = await visitor.get('/complain/who-is-it-about');
    const bodyId = /<option value="(\d+)">/.exec(page.body)?.[1] as string;
    const form = Buffer.from(new URLSearchParams({ _csrf: visitor.csrf, bodyId }).toString());
    const slow = requestInTwoParts(server.port, {
      method: 'POST', path: '/complain/who-is-it-about',
      headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': visitor.address },
      first: form.subarray(0, 10), rest: form.subarray(10),
    });
    await waitFor('the server to have begun the slow request', () => server.printed('"method":"POST","url":"/complain/who-is-it-about"'), { timeoutMs: 30_000 });

    server.signal('SIGTERM');
    if (worker !== server) worker.signal('SIGTERM');

    // New connections are refused while the request in progress is still open.
    await waitFor('new connections to be refused', async () => (await request(server.port, { path: '/health', timeoutMs: 5_000 }).then(() => false, (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED')), { timeoutMs: 30_000 });
    expect(await stillRunning(server)).toBe(true);

    // The request in progress is answered as if nothing had happened.
    slow.finish();
    const answered = await slow.response;
    expect(answered.status).toBe(303);
    expect(locationOf(answered)).toBe('/complain/what-happened');

    // The worker waits for the job in hand; when Notify answers, it records it and stops.
    if (worker !== server) {
      expect(await server.exited).toBe(0);
      expect(await stillRunning(worker)).toBe(true);
    }
    notify.release();
    expect(await worker.exited).toBe(0);
    expect(await server.exited).toBe(0);
    expect(notify.received.length).toBe(1);

    const handle = openDatabase(database ? { databaseUrl: database.url, poolSize: 2 } : { dataDir: join(env.DATA_DIR as string, 'pglite') });
    try {
      const jobs = await handle.db.selectFrom('jobs').select(['id', 'done_at', 'locked_at', 'locked_by', 'attempts']).where('kind', '=', 'send-notification').orderBy('id').execute();
      expect(jobs.length).toBe(3);
      const [first, ...rest] = jobs;
      expect(first?.done_at).not.toBeNull();
      expect(first?.locked_by).toBeNull();
      // Not started: unlocked and with no attempt counted, ready for the next worker.
      for (const job of rest) expect({ done: job.done_at, lockedAt: job.locked_at, lockedBy: job.locked_by, attempts: job.attempts }).toEqual({ done: null, lockedAt: null, lockedBy: null, attempts: 0 });
      const saved = await handle.db.selectFrom('complaint_drafts').select('answers').where('answers', 'is not', null).execute();
      expect(saved.some((d) => String((d.answers as Record<string, unknown>).bodyId) === bodyId)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  // The grace period on its own, on PostgreSQL, where the worker runs apart from the server.
  if (engine === 'postgres') it('gives the job in hand back when it does not finish within SHUTDOWN_GRACE_SECONDS, so another worker takes it at once', async () => {
    const worker = await startRedress('worker', { ...env, SHUTDOWN_GRACE_SECONDS: '2' });
    started.push(worker);
    notify.hold();
    const server = await startRedress('serve', env);
    started.push(server);
    const sentBefore = notify.received.length;
    const visitor = new Visitor(server.port);
    await visitor.get('/complain/save?from=who-is-it-about');
    await visitor.post('/complain/save', { from: 'who-is-it-about', email: 'stuck@resilience.example' });
    await waitFor('the worker to be sending', () => notify.received.length > sentBefore, { timeoutMs: 60_000 });

    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
    notify.release();

    const handle = openDatabase({ databaseUrl: (database as ThrowawayDatabase).url, poolSize: 2 });
    try {
      // The email being sent when time ran out: unlocked, its attempt not counted, and saying why.
      const inHand = Number(/(\d+)$/.exec(notify.received.at(-1)?.reference ?? '')?.[1]);
      const jobs = await handle.db.selectFrom('jobs').select(['payload', 'done_at', 'locked_by', 'attempts', 'last_error']).where('kind', '=', 'send-notification').execute();
      const givenBack = jobs.find((job) => Number(job.payload.notificationId) === inHand);
      expect(givenBack?.done_at).toBeNull();
      expect(givenBack?.locked_by).toBeNull();
      expect(givenBack?.attempts).toBe(0);
      expect(givenBack?.last_error).toContain('stopped before this attempt finished');
    } finally {
      await handle.close();
    }
  });
});
