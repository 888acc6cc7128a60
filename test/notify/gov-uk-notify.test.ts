import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { createNotifier } from '../../src/notify/create-notifier.ts';
import { govUkNotify, NotifyConfigurationError, NotifyRequestError, parseTemplateIds, type NotifyTemplateIds } from '../../src/notify/gov-uk-notify.ts';
import { notificationTemplates, type Notifier } from '../../src/notify/notifier.ts';
import { queueNotification } from '../../src/services/notifications.ts';
import { sendNotificationJob } from '../../src/jobs/send-notification.ts';
import { backoffMs, runDueJobs } from '../../src/jobs/worker.ts';
import { fixedClock } from '../../src/services/clock.ts';

const log = pino({ level: 'silent' });
const serviceId = randomUUID();
const secret = randomUUID();
const apiKey = `redress_test-${serviceId}-${secret}`;
const templateIds = Object.fromEntries(Object.keys(notificationTemplates).map((name) => [name, randomUUID()])) as NotifyTemplateIds;

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const base64url = (buffer: Buffer) => buffer.toString('base64url');

/** Checks a GOV.UK Notify bearer token as Notify does: HS256 with the key's secret, issued by the service, recent. */
function verifyNotifyToken(authorization: string | undefined): { ok: boolean; why?: string } {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, why: 'no bearer token' };
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return { ok: false, why: 'not a JWT' };
  const expected = base64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
  if (expected !== signature) return { ok: false, why: 'bad signature' };
  const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; iat?: number };
  if (head.alg !== 'HS256') return { ok: false, why: 'wrong algorithm' };
  if (claims.iss !== serviceId) return { ok: false, why: 'wrong issuer' };
  if (typeof claims.iat !== 'number' || Math.abs(Date.now() / 1000 - claims.iat) > 30) return { ok: false, why: 'stale token' };
  return { ok: true };
}

/** A stand-in for api.notifications.service.gov.uk: the request and response shapes of the v2 API. */
class FakeNotify {
  received: Received[] = [];
  /** Statuses to answer with, in turn; 201 once they run out. */
  answers: number[] = [];
  private server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      this.received.push({ method: request.method, url: request.url, headers: request.headers, body });
      const reply = (status: number, data: unknown) => {
        // No keep-alive: a test's pause (a database starting) must not leave the client a socket the server has since closed.
        response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
        response.end(JSON.stringify(data));
      };
      const auth = verifyNotifyToken(request.headers.authorization);
      if (!auth.ok) return reply(403, { status_code: 403, errors: [{ error: 'AuthError', message: `Invalid token: ${auth.why}` }] });
      const status = this.answers.shift() ?? 201;
      if (status >= 500) return reply(status, { status_code: status, errors: [{ error: 'Exception', message: 'Internal server error' }] });
      if (status === 400) return reply(400, { status_code: 400, errors: [{ error: 'BadRequestError', message: "Can't send to this recipient using a team-only API key" }] });
      if (status === 429) return reply(429, { status_code: 429, errors: [{ error: 'RateLimitError', message: 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds' }] });
      const id = randomUUID();
      const email = request.url === '/v2/notifications/email';
      return reply(201, {
        id,
        reference: body.reference ?? null,
        content: email ? { body: 'Dear Sam', subject: 'We have received your complaint', from_email: 'redress@notifications.service.gov.uk' } : { body: 'Dear Sam', from_number: 'GOVUK' },
        uri: `${this.url}/v2/notifications/${id}`,
        template: { id: body.template_id, version: 1, uri: `${this.url}/services/${serviceId}/templates/${String(body.template_id)}` },
      });
    });
  });

  url = '';
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop() {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const fake = new FakeNotify();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => {
  fake.received = [];
  fake.answers = [];
});

describe('GOV.UK Notify adapter (real client, real HTTP, fake Notify)', () => {
  const notifier = () => govUkNotify({ apiKey, templateIds, baseUrl: fake.url });

  it('sends an email with the template id, address, personalisation and our reference, signed with the API key', async () => {
    const result = await notifier().send({ id: 41, channel: 'email', recipient: 'sam@example.com', template: 'case-received', personalisation: { name: 'Sam Example', reference: '26 000 001' } });
    expect(fake.received).toHaveLength(1);
    const [request] = fake.received;
    expect(request).toMatchObject({ method: 'POST', url: '/v2/notifications/email' });
    expect(request!.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(verifyNotifyToken(request!.headers.authorization)).toEqual({ ok: true });
    expect(request!.body).toEqual({
      template_id: templateIds['case-received'],
      email_address: 'sam@example.com',
      personalisation: { name: 'Sam Example', reference: '26 000 001' },
      reference: 'redress-notification-41',
    });
    expect(result.providerReference).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends a text message to the phone number', async () => {
    await notifier().send({ id: 42, channel: 'sms', recipient: '07700900123', template: 'stage-changed', personalisation: { name: 'Sam', reference: '26 000 001', stage: 'being investigated' } });
    expect(fake.received[0]).toMatchObject({ url: '/v2/notifications/sms', body: { template_id: templateIds['stage-changed'], phone_number: '07700900123', reference: 'redress-notification-42' } });
  });

  it('says a 5xx, a rate limit or an unreachable Notify may work later, and a 4xx will not', async () => {
    const send = (n: Notifier) => n.send({ id: 1, channel: 'email', recipient: 'sam@example.com', template: 'decision-made', personalisation: {} });
    fake.answers = [503];
    await expect(send(notifier())).rejects.toMatchObject({ name: 'NotifyRequestError', status: 503, retryable: true, message: 'GOV.UK Notify answered 503: Exception: Internal server error' });
    fake.answers = [429];
    await expect(send(notifier())).rejects.toMatchObject({ status: 429, retryable: true });
    fake.answers = [400];
    await expect(send(notifier())).rejects.toMatchObject({ status: 400, retryable: false, message: expect.stringContaining("Can't send to this recipient using a team-only API key") });
    const wrongKey = govUkNotify({ apiKey: `redress_test-${serviceId}-${randomUUID()}`, templateIds, baseUrl: fake.url });
    await expect(send(wrongKey)).rejects.toMatchObject({ status: 403, retryable: false, message: expect.stringContaining('Invalid token: bad signature') });
    const nowhere = govUkNotify({ apiKey, templateIds, baseUrl: 'http://127.0.0.1:9' });
    const error = await send(nowhere).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyRequestError);
    expect(error).toMatchObject({ status: undefined, retryable: true, message: expect.stringContaining('could not be reached') });
  });
});

describe('Notify configuration', () => {
  const ids = JSON.stringify(templateIds);

  it('uses the local outbox without an API key, and Notify with one', () => {
    expect(createNotifier({ notifyApiKey: undefined, notifyTemplateIds: undefined }).name).toBe('local-outbox');
    expect(createNotifier({ notifyApiKey: '', notifyTemplateIds: ids }).name).toBe('local-outbox');
    expect(createNotifier({ notifyApiKey: apiKey, notifyTemplateIds: ids }).name).toBe('gov-uk-notify');
  });

  it('refuses to start Notify with a template id missing, naming the missing ones', () => {
    const { 'decision-made': _gone, 'draft-saved': _alsoGone, ...partial } = templateIds;
    expect(() => createNotifier({ notifyApiKey: apiKey, notifyTemplateIds: JSON.stringify(partial) })).toThrow(new NotifyConfigurationError('NOTIFY_TEMPLATE_IDS has no GOV.UK Notify template id for: decision-made, draft-saved'));
    expect(() => createNotifier({ notifyApiKey: apiKey, notifyTemplateIds: undefined })).toThrow(NotifyConfigurationError);
  });

  it('explains bad JSON, ids that are not Notify ids, unknown names and a malformed key', () => {
    expect(() => parseTemplateIds('{sign-in-code: 1}')).toThrow(/must be JSON/);
    expect(() => parseTemplateIds('[]')).toThrow(/JSON object/);
    expect(() => parseTemplateIds({ ...templateIds, 'sign-in-code': 'abc' })).toThrow('not GOV.UK Notify ids (UUIDs) for: sign-in-code');
    expect(() => parseTemplateIds({ ...templateIds, 'case-recieved': randomUUID() })).toThrow('does not send: case-recieved');
    expect(parseTemplateIds(ids)).toEqual(templateIds);
    expect(() => govUkNotify({ apiKey: 'not-a-key', templateIds })).toThrow(/does not look like a GOV.UK Notify API key/);
  });
});

describe.each(testEngines)('sending through Notify from the job queue on %s', (engine) => {
  let database: TestDatabase;
  const T0 = new Date('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database?.dispose());
  afterEach(async () => {
    await database.db.deleteFrom('jobs').execute();
    await database.db.deleteFrom('notifications').execute();
  });

  async function queue(at: Date) {
    const id = await queueNotification(database.db, { caseId: null, personId: null, recipient: { channel: 'email', address: 'sam@example.com' }, template: 'case-received', personalisation: { name: 'Sam', reference: '26 000 001', receivedOn: '2 March 2026' }, at });
    return id!;
  }
  const notification = (id: number) => database.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const jobFor = (id: number) => database.db.selectFrom('jobs').selectAll().where('kind', '=', 'send-notification').where(sql<string>`payload->>'notificationId'`, '=', String(id)).executeTakeFirstOrThrow();

  it('tries again after Notify’s 5xx and records the error meanwhile, then marks the message sent', async () => {
    const clock = fixedClock(T0);
    const handlers = { 'send-notification': sendNotificationJob({ db: database.db, clock }, govUkNotify({ apiKey, templateIds, baseUrl: fake.url })) };
    const id = await queue(T0);
    fake.answers = [500];

    expect(await runDueJobs({ db: database.db, handlers, clock, log })).toEqual({ done: 0, retried: 1, failed: 0 });
    expect(await notification(id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'GOV.UK Notify answered 500: Exception: Internal server error', sent_at: null });
    expect(await jobFor(id)).toMatchObject({ attempts: 1, run_at: new Date(T0.getTime() + backoffMs(1)), failed_at: null });

    clock.advance(backoffMs(1));
    expect(await runDueJobs({ db: database.db, handlers, clock, log })).toEqual({ done: 1, retried: 0, failed: 0 });
    const sent = await notification(id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, last_error: null, sent_at: clock.now() });
    expect(sent.provider_reference).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.received).toHaveLength(2);
    expect(fake.received.map((r) => r.body.reference)).toEqual([`redress-notification-${id}`, `redress-notification-${id}`]);
  });

  it('fails the message and its job at once when Notify refuses it with a 4xx, keeping Notify’s reason', async () => {
    const clock = fixedClock(T0);
    const handlers = { 'send-notification': sendNotificationJob({ db: database.db, clock }, govUkNotify({ apiKey, templateIds, baseUrl: fake.url })) };
    const id = await queue(T0);
    fake.answers = [400];
    expect(await runDueJobs({ db: database.db, handlers, clock, log })).toEqual({ done: 0, retried: 0, failed: 1 });
    expect(await notification(id)).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringContaining('team-only API key') });
    expect(await jobFor(id)).toMatchObject({ failed_at: T0, last_error: expect.stringContaining('GOV.UK Notify answered 400') });
    clock.advance(86_400_000);
    await runDueJobs({ db: database.db, handlers, clock, log });
    expect(fake.received).toHaveLength(1);
  });

  it('marks the message failed when Notify is still down on the last attempt', async () => {
    const clock = fixedClock(T0);
    const handlers = { 'send-notification': sendNotificationJob({ db: database.db, clock }, govUkNotify({ apiKey, templateIds, baseUrl: fake.url })) };
    const id = await queue(T0);
    fake.answers = [502, 502, 502, 502, 502];
    for (let attempt = 1; attempt <= 5; attempt++) {
      await runDueJobs({ db: database.db, handlers, clock, log });
      clock.advance(backoffMs(attempt));
    }
    expect(await notification(id)).toMatchObject({ status: 'failed', attempts: 5, last_error: expect.stringContaining('502') });
    expect((await jobFor(id)).failed_at).not.toBeNull();
    expect(fake.received).toHaveLength(5);
  });
});
