import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Engine } from '../../src/data/db.ts';
import { Complainant, continueJourney, resumeAfterRestart } from './complaint-journey.ts';
import { FakeNotify } from './fake-notify.ts';
import { Visitor } from './http-client.ts';
import { killAllStarted, startRedress, waitFor, type RedressProcess } from './server-process.ts';
import { referenceFolder, temporaryFolder, throwawayDatabase, type ThrowawayDatabase } from './throwaway-files.ts';

const PEOPLE = 200;
/** Journeys in progress at once: enough that many are mid-way when the server dies. */
const AT_ONCE = 40;
/** The server is killed once this many submissions have been acknowledged. */
const KILL_AFTER = 100;

const engines: Engine[] = process.env.TEST_DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];

/**
 * 200 people complain online at once, each then signing in and uploading a document, through the
 * real server (`redress start`: web and job worker in one process); the server is killed with
 * SIGKILL half-way and started again. Afterwards every submission and upload that was
 * acknowledged is in the database, each document's file is on disk with its SHA-256, nothing is
 * there twice, and sending again what was cut off makes no second case.
 */
describe.each(engines)('SIGKILL while 200 complaints are being submitted (%s)', (engine) => {
  const notify = new FakeNotify();
  let folder: Awaited<ReturnType<typeof temporaryFolder>>;
  let database: ThrowawayDatabase | undefined;
  let server: RedressProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    await notify.start();
    folder = await temporaryFolder('sigkill');
    database = engine === 'postgres' ? await throwawayDatabase(process.env.TEST_DATABASE_URL as string) : undefined;
    env = {
      ...notify.env(),
      DATA_DIR: join(folder.path, 'data'),
      REDRESS_REFERENCE_DIR: await referenceFolder(folder.path),
      ...(database ? { DATABASE_URL: database.url } : {}),
      // Request logs are not needed here; warnings and errors are.
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await killAllStarted();
    await server?.kill();
    await notify.stop();
    await database?.drop();
    await folder?.remove();
  });

  it('keeps every acknowledged complaint and document exactly once, and a resent complaint makes no second case', async () => {
    server = await startRedress('start', env);
    const port = server.port;
    env.PORT = String(port);
    const firstPage = await new Visitor(port).get('/complain/who-is-it-about');
    const bodyId = Number(/<option value="(\d+)">/.exec(firstPage.body)?.[1]);
    expect(bodyId).toBeGreaterThan(0);

    const people = Array.from({ length: PEOPLE }, (_, i) => new Complainant(i + 1, port, bodyId));
    let up = true;
    const runAll = async (list: Complainant[]) => {
      const queue = [...list];
      const failures: unknown[] = [];
      await Promise.all(
        Array.from({ length: AT_ONCE }, async () => {
          while (queue.length > 0 && up) {
            const person = queue.shift() as Complainant;
            await continueJourney(person, notify, () => up).catch((error: unknown) => failures.push(error));
          }
        }),
      );
      if (failures.length) throw new Error(`${failures.length} journeys went wrong; the first: ${String(failures[0])}\n--- server output ---\n${server?.output().slice(-3000)}`);
    };

    // Half-way through, the server dies without warning.
    const firstRun = runAll(people);
    await waitFor(`${KILL_AFTER} acknowledged submissions`, () => people.filter((p) => p.submission === 'succeeded').length >= KILL_AFTER, { timeoutMs: 400_000 });
    server.signal('SIGKILL');
    up = false;
    expect(await server.exited).toBe('SIGKILL');
    await firstRun;
    const acknowledged = people.filter((p) => p.submission === 'succeeded').map((p) => ({ n: p.n, reference: p.reference }));
    const uploaded = new Set(people.filter((p) => p.upload === 'succeeded').map((p) => p.n));
    const cutOffSubmissions = people.filter((p) => p.submission === 'in-flight').map((p) => p.n);
    const cutOffUploads = new Set(people.filter((p) => p.upload === 'in-flight').map((p) => p.n));
    const cutOffAnywhere = people.filter((p) => p.interrupted.length > 0).length;

    // Started again on the same database and folder, it carries on; everyone finishes, sending
    // again whatever was cut off (an upload cut off is not sent again: its outcome is checked).
    server = await startRedress('start', env);
    up = true;
    for (const person of people) resumeAfterRestart(person, port);
    await runAll(people);
    // Stopped politely, so that the embedded database can be opened here to look.
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);

    const handle = openDatabase(database ? { databaseUrl: database.url, poolSize: 2 } : { dataDir: join(env.DATA_DIR as string, 'pglite') });
    try {
      const cases = await handle.db
        .selectFrom('cases as c')
        .innerJoin('people as p', 'p.id', 'c.complainant_id')
        .select(['c.id', 'c.reference', 'p.email'])
        .where('p.email', 'like', '%@resilience.example')
        .execute();
      const documents = await handle.db.selectFrom('documents').select(['id', 'case_id', 'sha256', 'storage_key']).where('deleted_at', 'is', null).execute();
      const acknowledgements = await handle.db.selectFrom('notifications').select(['case_id']).where('template', '=', 'case-received').execute();
      const stillSending = people.filter((p) => p.submission === 'still-sending');

      const casesOf = (person: Complainant) => cases.filter((c) => c.email === person.email);
      // Every submission acknowledged before the kill is there, once, with the reference shown.
      for (const { n, reference } of acknowledged) {
        const found = casesOf(people[n - 1] as Complainant);
        expect(found.map((c) => c.reference), `complainant ${n}`).toEqual(reference ? [reference] : [expect.any(String)]);
      }
      // Nobody has two cases; everyone who was told "sent" has one; sending again made no second.
      for (const person of people) {
        expect(casesOf(person).length, `complainant ${person.n}`).toBeLessThanOrEqual(1);
        if (person.submission === 'succeeded') expect(casesOf(person).map((c) => c.reference), `complainant ${person.n}`).toEqual([person.reference]);
        else expect(person.submission, `complainant ${person.n}`).toBe('still-sending');
      }
      // A case is acknowledged by email once.
      const ackCounts = new Map<number | null, number>();
      for (const a of acknowledgements) ackCounts.set(a.case_id, (ackCounts.get(a.case_id) ?? 0) + 1);
      for (const c of cases) expect(ackCounts.get(c.id) ?? 0, `acknowledgements of ${c.reference}`).toBeLessThanOrEqual(1);

      // Every document row has its file, with the content it was acknowledged with.
      const files = join(env.DATA_DIR as string, 'files');
      for (const document of documents) {
        const content = await readFile(join(files, document.storage_key));
        expect(createHash('sha256').update(content).digest('hex'), `document ${document.id}`).toBe(document.sha256);
      }
      for (const person of people) {
        const own = casesOf(person)[0];
        const theirs = documents.filter((d) => d.sha256 === person.documentSha256);
        if (person.upload === 'succeeded') expect(theirs.map((d) => d.case_id), `complainant ${person.n}`).toEqual([own?.id]);
        else expect(theirs.length, `complainant ${person.n}`).toBeLessThanOrEqual(1);
        if (uploaded.has(person.n)) expect(theirs.length).toBe(1);
      }

      // What happened, for the record (and the report).
      console.info(
        `[${engine}] killed after ${acknowledged.length} acknowledged submissions and ${uploaded.size} uploads; ` +
          `${cutOffAnywhere} journeys were cut off mid-step (${cutOffSubmissions.length} while submitting, ${cutOffUploads.size} while uploading); ` +
          `after the restart ${cases.length} cases, ${documents.length} documents; ${stillSending.length} resent submissions still shown as "sending" (claimed, no case yet).`,
      );
      expect(cases.length + stillSending.length).toBe(PEOPLE);
    } finally {
      await handle.close();
    }
  });
});
