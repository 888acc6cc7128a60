import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUnavailableReason, startThrowawayCluster, type ThrowawayCluster } from '../helpers/postgres-cluster.ts';
import { Complainant, continueJourney } from './complaint-journey.ts';
import { FakeNotify } from './fake-notify.ts';
import { request, titleOf } from './http-client.ts';
import { killAllStarted, startRedress, waitFor, type RedressProcess } from './server-process.ts';
import { temporaryFolder, throwawayDatabase } from './throwaway-files.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.warn(`Not run: stopping and starting PostgreSQL under a running server needs a throwaway cluster, and ${unavailable}.`);

/**
 * PostgreSQL stopped and started again under a running server and worker, on a cluster of the
 * test's own (never the machine's shared server). While it is down, pages say "Sorry, the service
 * is unavailable" with 503 and Retry-After and /health says the database is down; neither process
 * crashes; when it is back, both carry on by themselves: a complaint begun before the outage is
 * finished, acknowledged by email, and a document uploaded.
 */
describe.skipIf(unavailable !== undefined)('PostgreSQL stopped and started while the server runs', () => {
  const notify = new FakeNotify();
  let cluster: ThrowawayCluster;
  let folder: Awaited<ReturnType<typeof temporaryFolder>>;
  let server: RedressProcess;
  let worker: RedressProcess;

  beforeAll(async () => {
    await notify.start();
    folder = await temporaryFolder('db-restart');
    cluster = await startThrowawayCluster();
    const database = await throwawayDatabase(cluster.url());
    const env = { DATABASE_URL: database.url, DATA_DIR: folder.path, ...notify.env() };
    [server, worker] = await Promise.all([startRedress('serve', env), startRedress('worker', env)]);
  });
  afterAll(async () => {
    await killAllStarted();
    await Promise.all([server?.kill(), worker?.kill()]);
    await cluster?.destroy();
    await notify.stop();
    await folder?.remove();
  });

  it('answers 503 with Retry-After while the database is down, and recovers by itself when it is back', async () => {
    const firstPage = await request(server.port, { path: '/complain/who-is-it-about' });
    const bodyId = Number(/<option value="(\d+)">/.exec(firstPage.body)?.[1]);
    const person = new Complainant(1, server.port, bodyId);
    // Part-way through a complaint when the database goes.
    await continueJourney(person, notify, () => true, { stopBefore: 3 });
    expect(person.step).toBe(3);

    await cluster.stop('fast');

    const health = await request(server.port, { path: '/health' });
    expect(health.status).toBe(503);
    expect(health.headers['retry-after']).toBe('30');
    expect(JSON.parse(health.body)).toEqual({ status: 'unavailable', database: 'down' });

    const page = await request(server.port, { path: '/complain/who-is-it-about' });
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(titleOf(page.body)).toBe('Sorry, the service is unavailable - Redress');

    // Someone with a session (read from the database on every request) sees the same page.
    const own = await person.visitor.get('/complain/desired-outcome');
    expect(own.status).toBe(503);
    expect(titleOf(own.body)).toBe('Sorry, the service is unavailable - Redress');

    // The broken idle connections were reported, not fatal: both processes are still running.
    await waitFor('the server to notice its connections broke', () => server.printed('a pooled database connection broke'), { timeoutMs: 30_000 });
    // Nor was any request an unexplained error (level 50: "unhandled error").
    expect(server.output().match(/.*"level":(50|60).*/g) ?? []).toEqual([]);
    expect(await Promise.race([server.exited, Promise.resolve('running')])).toBe('running');
    expect(await Promise.race([worker.exited, Promise.resolve('running')])).toBe('running');

    await cluster.start();

    await waitFor('/health to say the database is back', async () => (await request(server.port, { path: '/health' })).status === 200, { timeoutMs: 60_000 });
    // The answers given before the outage are still there, and the journey carries on to the end:
    // submitted, acknowledged by the worker through "GOV.UK Notify", signed in, document uploaded.
    const resumed = await person.visitor.get('/complain/desired-outcome');
    expect(resumed.status).toBe(200);
    await continueJourney(person, notify, () => true);
    expect(person.submission).toBe('succeeded');
    expect(person.upload).toBe('succeeded');
    await waitFor('the acknowledgement email', () => notify.received.some((m) => m.template === 'case-received' && m.to === person.email), { timeoutMs: 60_000 });

    server.signal('SIGTERM');
    worker.signal('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  });
});

