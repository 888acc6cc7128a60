import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/data/db.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { Complainant, continueJourney } from './complaint-journey.ts';
import { FakeNotify } from './fake-notify.ts';
import { locationOf, request, titleOf, Visitor } from './http-client.ts';
import { killAllStarted, startRedress, waitFor, type RedressProcess } from './server-process.ts';
import { temporaryFolder, throwawayDatabase, type ThrowawayDatabase } from './throwaway-files.ts';

const PEOPLE = 40;
const STAFF = { email: 'scale.out@resilience.example', displayName: 'Scale Out', roles: ['intake'], password: 'a long staff password for the test' };

/**
 * Scaling out: two `serve` processes and two `worker` processes on one PostgreSQL database, all
 * started at once on an empty database. Every request of every visitor goes to the other server
 * from the one before (a load balancer without sticky sessions), so sessions, CSRF tokens and
 * sign-in codes must work across servers; every notification is sent exactly once, by one of the
 * two workers. Needs TEST_DATABASE_URL.
 */
describe.runIf(process.env.TEST_DATABASE_URL)('two servers and two workers on one PostgreSQL', () => {
  const notify = new FakeNotify();
  let folder: Awaited<ReturnType<typeof temporaryFolder>>;
  let database: ThrowawayDatabase;
  let handle: DatabaseHandle;
  let servers: RedressProcess[] = [];
  let workers: RedressProcess[] = [];

  beforeAll(async () => {
    await notify.start();
    folder = await temporaryFolder('scale-out');
    database = await throwawayDatabase(process.env.TEST_DATABASE_URL as string, { empty: true });
    // One files folder for both, as shared storage would be in production.
    const env = { DATABASE_URL: database.url, DATA_DIR: folder.path, ...notify.env() };
    const all = await Promise.all([startRedress('serve', env), startRedress('serve', env), startRedress('worker', env), startRedress('worker', env)]);
    servers = all.slice(0, 2);
    workers = all.slice(2);
    handle = openDatabase({ databaseUrl: database.url, poolSize: 2 });
    await upsertBodies(handle.db, fictionalDemoBodies());
    await createStaffUser({ db: handle.db }, null, STAFF);
  });
  afterAll(async () => {
    await killAllStarted();
    await Promise.all([...servers, ...workers].map((p) => p.kill()));
    await handle?.close();
    await notify.stop();
    await database?.drop();
    await folder?.remove();
  });

  it('keeps a member of staff signed in whichever server answers, and signs them out of both', async () => {
    const [a, b] = servers as [RedressProcess, RedressProcess];
    const staff = new Visitor(a.port);
    await staff.get('/staff/sign-in');
    const signedIn = await staff.post('/staff/sign-in', { email: STAFF.email, password: STAFF.password, returnTo: '/staff' });
    expect(signedIn.status).toBe(303);

    staff.port = b.port;
    const home = await staff.get('/staff');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Signed in as <strong>Scale Out</strong>');
    // A form shown by B is accepted by A: the CSRF secret is in the shared session.
    staff.port = a.port;
    const signedOut = await staff.post('/staff/sign-out', {});
    expect(signedOut.status).toBe(303);
    staff.port = b.port;
    const after = await staff.get('/staff');
    expect(after.status).toBe(303);
    expect(locationOf(after)).toContain('/staff/sign-in');
  });

  it('takes complaints, sign-ins and uploads with each request on the other server, and sends every notification exactly once', async () => {
    const ports = servers.map((s) => s.port);
    const firstPage = await request(ports[0] as number, { path: '/complain/who-is-it-about' });
    const bodyId = Number(/<option value="(\d+)">/.exec(firstPage.body)?.[1]);
    const people = Array.from({ length: PEOPLE }, (_, i) => new Complainant(i + 1, ports[0] as number, bodyId));
    for (const person of people) person.visitor.ports = ports;
    await Promise.all(people.map((person) => continueJourney(person, notify, () => true)));
    for (const person of people) {
      expect({ n: person.n, submission: person.submission, upload: person.upload }).toEqual({ n: person.n, submission: 'succeeded', upload: 'succeeded' });
    }

    // Every notification queued is sent, each by one worker, once.
    await waitFor('every notification to be sent', async () => {
      const queued = await handle.db.selectFrom('notifications').select('id').where('status', '<>', 'sent').execute();
      return queued.length === 0;
    }, { timeoutMs: 120_000 });
    const notifications = await handle.db.selectFrom('notifications').select(['id', 'template']).execute();
    expect(notifications.filter((n) => n.template === 'case-received').length).toBe(PEOPLE);
    expect(notifications.filter((n) => n.template === 'sign-in-code').length).toBe(PEOPLE);
    const sends = notify.sendsByNotification();
    for (const notification of notifications) expect(sends.get(notification.id) ?? 0, `notification ${notification.id} (${notification.template})`).toBe(1);
    expect([...sends.keys()].sort((x, y) => x - y)).toEqual(notifications.map((n) => n.id).sort((x, y) => x - y));
    const jobs = await handle.db.selectFrom('jobs').select(['id', 'done_at', 'attempts']).where('kind', '=', 'send-notification').execute();
    for (const job of jobs) expect({ id: job.id, done: job.done_at !== null, attempts: job.attempts }).toEqual({ id: job.id, done: true, attempts: 1 });

    // Nothing went wrong anywhere, and every process is still running.
    for (const process of [...servers, ...workers]) {
      expect(process.output().match(/.*"level":(50|60).*/g) ?? [], `${process.command} ${process.pid}`).toEqual([]);
      expect(await Promise.race([process.exited, Promise.resolve('running')])).toBe('running');
    }
    expect(titleOf((await request(ports[1] as number, { path: '/complain' })).body)).toBe('Complain to the Ombudsman');
  });
});
