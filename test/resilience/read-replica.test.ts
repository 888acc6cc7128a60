import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { localFileStore } from '../../src/files/file-store.ts';
import { createLogger } from '../../src/logger.ts';
import { bodyStatistics } from '../../src/services/body-statistics.ts';
import { readerOf } from '../../src/services/deps.ts';
import { startSystem, type System } from '../../src/system.ts';
import { buildApp } from '../../src/web/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { recordSampleCasework } from './casework-sample.ts';

/**
 * DATABASE_READ_URL: reports and public statistics read from a PostgreSQL read replica. Here the
 * "replica" is a second database holding different casework from the primary (3 complaints
 * against 2), so every figure says which one it was read from. Needs TEST_DATABASE_URL.
 */
describe.runIf(process.env.TEST_DATABASE_URL)('reading reports and public statistics from a read replica (PostgreSQL)', () => {
  let primary: TestDatabase;
  let replica: TestDatabase;
  let filesDir: string;
  let system: System;

  beforeAll(async () => {
    filesDir = await mkdtemp(join(tmpdir(), 'redress-replica-'));
    [primary, replica] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
    await recordSampleCasework(primary.db, localFileStore(filesDir), 2);
    await recordSampleCasework(replica.db, localFileStore(filesDir), 3);
    const config = loadConfig({ DATABASE_URL: primary.url, DATABASE_READ_URL: replica.url, DATA_DIR: filesDir, NODE_ENV: 'test' });
    system = await startSystem(config, createLogger('silent'));
  });
  afterAll(async () => {
    await system?.close();
    await Promise.all([primary?.dispose(), replica?.dispose()]);
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  it('gives the services a second, read-only connection, to the replica', async () => {
    expect(system.services.readDb).toBeDefined();
    const count = async (db: typeof system.services.db) => (await db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    expect(await count(readerOf(system.services))).toBe(3);
    expect(await count(system.services.db)).toBe(2);
    // A write sent to the replica by mistake fails at once, as it would on a real replica.
    await expect(system.services.readDb?.deleteFrom('cases').execute()).rejects.toMatchObject({ code: '25006' });
  });

  it('computes public statistics from the replica', async () => {
    const figures = await bodyStatistics(system.services, { from: '2026-04-01', to: '2027-03-31' });
    const received = figures.reduce((sum, body) => sum + body.received, 0);
    expect(received).toBe(3);
  });

  it('reports the replica on /health without failing the check for it', async () => {
    const app = await buildApp({ config: { production: false, sessionSecret: 'a-test-session-secret-of-at-least-32-chars' }, services: system.services, holidays: system.holidays, logger: false });
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', database: 'up', readReplica: 'up' });
    } finally {
      await app.close();
    }
  });
});
