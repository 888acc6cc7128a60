import { createServer } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { isDatabaseUnavailable, openDatabase, type DatabaseHandle } from '../../src/data/db.ts';
import { localFileStore } from '../../src/files/file-store.ts';
import { CalendarHolder } from '../../src/services/bank-holidays.ts';
import { fixedClock } from '../../src/services/clock.ts';
import { buildApp } from '../../src/web/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';

/** A local port nothing listens on: connecting to it is refused at once, as when PostgreSQL is stopped. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * What people see while the database cannot be reached: the GOV.UK "Sorry, the service is
 * unavailable" page with 503 and Retry-After (JSON for the API), and /health saying the database
 * is down. The stop-and-start of a real PostgreSQL server is in database-restart.resilience.ts.
 */
describe('while the database cannot be reached', () => {
  let database: DatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = openDatabase({ databaseUrl: `postgres://redress@127.0.0.1:${await closedPort()}/redress`, connectTimeoutMs: 2_000 });
    const services = { db: database.db, clock: fixedClock(new Date('2026-05-18T09:00:00Z')), calendar: new CalendarHolder(database.db).get, files: localFileStore('/nonexistent') };
    app = await buildApp({ config: { production: false, sessionSecret: 'a-test-session-secret-of-at-least-32-chars' }, services, holidays: new CalendarHolder(database.db), logger: false });
    // An API route that reaches the database and leaves errors to the application's error handler.
    app.get('/api/test/database', async () => (await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('shows the GOV.UK service unavailable page with 503 and Retry-After, not an error', async () => {
    const response = await app.inject({ method: 'GET', url: '/complain/who-is-it-about' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('<title>Sorry, the service is unavailable - Redress</title>');
    expect(response.body).toContain('<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>');
    expect(response.body).toContain('Try again in a few minutes.');
    // A way to reach us that needs no database.
    expect(response.body).toContain('href="/help"');
    const help = await app.inject({ method: 'GET', url: '/help' });
    expect(help.statusCode).toBe(200);
  });

  it('answers the API with 503 JSON and Retry-After', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/test/database' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.json()).toEqual({ error: 'unavailable', message: 'Sorry, the service is unavailable. Try again in a few minutes.' });
  });

  it('says on /health that the database is down', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ status: 'unavailable', database: 'down' });
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});

describe('telling an unreachable database from a bad query', () => {
  it('calls refusals, timeouts and shutdowns unavailable, and nothing else', async () => {
    const refused = openDatabase({ databaseUrl: `postgres://redress@127.0.0.1:${await closedPort()}/redress`, connectTimeoutMs: 2_000 });
    const error = await sql`select 1`.execute(refused.db).catch((e: unknown) => e);
    await refused.close();
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('x', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "selec"'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('ENOENT: no such file or directory, open \'/data/files/ab/c\''), { code: 'ENOENT' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  describe.each(testEngines)('on %s', (engine) => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(engine);
    });
    afterAll(async () => t?.dispose());

    it('does not take a real query error for an outage', async () => {
      const error = await sql`select * from no_such_table`.execute(t.db).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(error)).toBe(false);
    });
  });
});
