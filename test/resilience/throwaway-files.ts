/**
 * Temporary folders and databases for the resilience tests, removed afterwards: a data folder,
 * a reference folder with a few councils (so `start` loads them offline), and a database of the
 * test's own on the machine's PostgreSQL server (TEST_DATABASE_URL), never its other databases.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/data/db.ts';
import { migrateToLatest } from '../../src/data/migrate.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { BODIES_FILE_NAME } from '../../src/services/reference-data/bodies-import.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';

export async function temporaryFolder(purpose: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `redress-${purpose}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A reference folder holding the sample council list from test/fixtures. */
export async function referenceFolder(inside: string): Promise<string> {
  const folder = join(inside, 'reference');
  await mkdir(folder, { recursive: true });
  await copyFile(join(import.meta.dirname, '..', 'fixtures', 'uk_local_authorities_sample.csv'), join(folder, BODIES_FILE_NAME));
  return folder;
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * `redress_resilience_<pid>_<n>` on the server of `serverUrl`, migrated and with the fictional
 * demo councils (so a `serve` started on it has bodies to complain about); or `empty`, for
 * processes to migrate as they start.
 */
let made = 0;
export async function throwawayDatabase(serverUrl: string, options: { empty?: boolean } = {}): Promise<ThrowawayDatabase> {
  const name = `redress_resilience_${process.pid}_${++made}`;
  await admin(serverUrl, `drop database if exists ${name} with (force)`);
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () => admin(serverUrl, `drop database if exists ${name} with (force)`);
  if (options.empty) return { url: url.toString(), drop };
  const handle = openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
  try {
    await migrateToLatest(handle.db);
    await upsertBodies(handle.db, fictionalDemoBodies());
  } finally {
    await handle.close();
  }
  return { url: url.toString(), drop };
}
