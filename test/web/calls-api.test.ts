import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { localFileStore } from '../../src/files/file-store.ts';
import { CalendarHolder } from '../../src/services/bank-holidays.ts';
import { fixedClock } from '../../src/services/clock.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import { buildApp, type AppDeps } from '../../src/web/app.ts';
import { callsApiRoutes } from '../../src/web/api/calls-api.ts';

const KEY = 'test-key';
const call = (id: string, presented = '2017-04-03T09:00:00+01:00', answered: string | null = '2017-04-03T09:00:12+01:00') => ({
  call_id: id, presented_at: presented, answered_at: answered,
});

describe.each(testEngines)('telephony API on %s', (engine) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let filesDir: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    filesDir = await mkdtemp(join(tmpdir(), 'redress-files-'));
    const holidays = new CalendarHolder(database.db);
    const services: ServiceDeps = { db: database.db, clock: fixedClock(new Date('2026-03-02T10:00:00Z')), calendar: holidays.get, files: localFileStore(filesDir) };
    const deps: AppDeps = {
      config: { production: false, sessionSecret: 'a-test-session-secret-of-at-least-32-chars', apiKeys: ['another-key', KEY] },
      services, holidays, logger: false,
    };
    app = await buildApp(deps);
    // Until app.ts registers the API itself.
    if (!app.hasRoute({ method: 'POST', url: '/api/v1/calls' })) await app.register(callsApiRoutes(deps));
  });
  afterAll(async () => {
    await app?.close();
    await database?.dispose();
    await rm(filesDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sql`truncate calls restart identity`.execute(database.db);
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST', url: '/api/v1/calls',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const stored = async () => database.db.selectFrom('calls').select(['call_id', 'presented_at', 'answered_at']).orderBy('call_id').execute();

  it('refuses a request without a key or with a wrong one, before reading it', async () => {
    const none = await app.inject({ method: 'POST', url: '/api/v1/calls', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(call('A')) });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: 'unauthenticated', message: expect.stringContaining('Authorization: Bearer') });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    for (const authorization of ['Bearer wrong-key', `Basic ${KEY}`, `Bearer ${KEY}x`, 'Bearer ', `${KEY}`]) {
      const wrong = await post(call('A'), { authorization });
      expect(wrong.statusCode, authorization).toBe(401);
      expect(wrong.json().error).toBe('unauthenticated');
    }
    // A session cookie is no substitute for the key.
    const cookie = await app.inject({ method: 'POST', url: '/api/v1/calls', headers: { cookie: 'redress.sid=anything', 'content-type': 'application/json' }, payload: '{}' });
    expect(cookie.statusCode).toBe(401);
    expect(await stored()).toEqual([]);
  });

  it('saves a single call or an array, and a resent batch changes only what changed', async () => {
    const one = await post(call('A', '2017-04-03T09:00:00+01:00', null));
    expect(one.statusCode).toBe(201);
    expect(one.json()).toEqual({ received: 1, imported: 1, updated: 0, unchanged: 0 });

    const batch = [call('A'), call('B', '2017-04-03T10:00:00Z', ''), { call_id: 'C', presented_at: '2017-04-03T11:00:00Z' }];
    const first = await post(batch, { authorization: `bearer ${KEY}`, 'content-type': 'application/json; charset=utf-8' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ received: 3, imported: 2, updated: 1, unchanged: 0 });
    const again = await post(batch);
    expect(again.json()).toEqual({ received: 3, imported: 0, updated: 0, unchanged: 3 });
    expect(await stored()).toEqual([
      { call_id: 'A', presented_at: new Date('2017-04-03T08:00:00Z'), answered_at: new Date('2017-04-03T08:00:12Z') },
      { call_id: 'B', presented_at: new Date('2017-04-03T10:00:00Z'), answered_at: null },
      { call_id: 'C', presented_at: new Date('2017-04-03T11:00:00Z'), answered_at: null },
    ]);
  });

  it('rejects a whole batch with a bad call, saying which and why', async () => {
    const response = await post([
      call('A'),
      call('B', '2017-04-03T09:00:00'),
      call('C', '2017-04-03T09:00:00Z', '2017-04-03T08:59:00Z'),
      { call_id: 7, presented_at: null, answered_at: 12 },
      { call_id: 'E', presented_at: '2017-04-03T09:00:00Z', answerd_at: null },
      'F',
      null,
      call('A'),
    ]);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe('invalid');
    expect(body.message).toBe('7 calls are not valid (of 8 sent), so none were saved: correct them and send the whole batch again');
    expect(body.rows).toEqual([
      { index: 1, reason: expect.stringMatching(/^presented_at "2017-04-03T09:00:00" has no UTC offset/) },
      { index: 2, reason: 'answered_at is before presented_at' },
      { index: 3, reason: expect.stringContaining('call_id must be a string, not a number') },
      { index: 4, reason: 'unknown field answerd_at: the fields are call_id, presented_at, answered_at' },
      { index: 5, reason: 'must be an object with the fields call_id, presented_at, answered_at' },
      { index: 6, reason: 'must be an object with the fields call_id, presented_at, answered_at' },
      { index: 7, reason: 'call_id "A" repeats the call at index 0' },
    ]);
    expect(body.rows[2].reason).toContain('presented_at is empty');
    expect(body.rows[2].reason).toContain('answered_at must be a string');
    expect(await stored()).toEqual([]);
  });

  it('answers bad input with a 4xx in JSON, never a 500', async () => {
    const cases: [string, () => ReturnType<typeof post>, number, string][] = [
      ['malformed JSON', () => post('{"call_id": "A",'), 400, 'invalid-json'],
      ['empty body', () => post(''), 400, 'invalid-json'],
      ['prototype poisoning', () => post('{"__proto__": {"x": 1}}'), 400, 'invalid-json'],
      ['null', () => post('null'), 400, 'invalid'],
      ['a number', () => post('42'), 400, 'invalid'],
      ['a string', () => post('"calls"'), 400, 'invalid'],
      ['an empty array', () => post('[]'), 400, 'invalid'],
      ['form encoding', () => post('call_id=A', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type'],
      ['plain text', () => post('hello', { 'content-type': 'text/plain' }), 415, 'unsupported-media-type'],
      ['XML', () => post('<calls/>', { 'content-type': 'application/xml' }), 415, 'unsupported-media-type'],
      ['a NUL in an id', () => post(call('A\u0000B')), 400, 'invalid'],
    ];
    for (const [name, send, status, error] of cases) {
      const response = await send();
      expect(response.statusCode, name).toBe(status);
      expect(response.json(), name).toMatchObject({ error, message: expect.any(String) });
    }
    expect(await stored()).toEqual([]);
  });

  it('refuses more than 10,000 calls with 413', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => call(`M-${i}`));
    const response = await post(many);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'too-many-rows', message: expect.stringContaining('at most 10,000 calls') });
    expect(await stored()).toEqual([]);

    const exactly = await post(many.slice(0, 10_000));
    expect(exactly.statusCode).toBe(201);
    expect(exactly.json()).toEqual({ received: 10_000, imported: 10_000, updated: 0, unchanged: 0 });
  });

  it('describes itself in OpenAPI 3.1', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths['/api/v1/calls'].post.responses)).toEqual(['201', '400', '401', '413', '415']);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
