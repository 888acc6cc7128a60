import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/data/db.ts';
import { localFileStore } from '../../src/files/file-store.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { recordSampleCasework, tableCounts } from './casework-sample.ts';

const run = promisify(execFile);

/**
 * The PostgreSQL backup in docs/operations.md, done for real: `pg_dump -Fc` of a database with
 * casework, `pg_restore` into a new database, and the same rows in every table. Needs
 * TEST_DATABASE_URL and the PostgreSQL client programs (pg_dump, pg_restore).
 */
describe.runIf(process.env.TEST_DATABASE_URL)('backing up and restoring PostgreSQL with pg_dump and pg_restore', () => {
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const restoredName = `redress_restored_${process.pid}_${Date.now()}`;
  let source: TestDatabase;
  let restored: DatabaseHandle | undefined;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'redress-pg-backup-'));
    source = await createTestDatabase('postgres');
    await recordSampleCasework(source.db, localFileStore(join(work, 'files')), 4);
  });
  afterAll(async () => {
    await restored?.close();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${restoredName} with (force)`).finally(() => admin.end());
    await source?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('restores every table with the same rows', async () => {
    const dump = join(work, 'redress.dump');
    // The commands as docs/operations.md gives them.
    await run('pg_dump', ['--format=custom', `--file=${dump}`, source.url as string]);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${restoredName}`).finally(() => admin.end());
    const restoredUrl = new URL(serverUrl);
    restoredUrl.pathname = `/${restoredName}`;
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restoredUrl.toString()}`, dump]);

    restored = openDatabase({ databaseUrl: restoredUrl.toString(), poolSize: 2 });
    const before = await tableCounts(source.db);
    expect(before.cases).toBe(4);
    expect(await tableCounts(restored.db)).toEqual(before);
    const references = (db: DatabaseHandle['db']) => db.selectFrom('cases').select(['reference', 'assessment_due_on']).orderBy('reference').execute();
    expect(await references(restored.db)).toEqual(await references(source.db));
    // Sequences come back too: the next case gets a new id, not one already used.
    const next = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('cases', 'id'))::int as id`.execute(restored.db);
    const highest = await sql<{ id: number }>`select max(id)::int as id from cases`.execute(source.db);
    expect(next.rows[0]?.id).toBeGreaterThan(highest.rows[0]?.id as number);
  });
});
