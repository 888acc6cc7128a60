import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestApp, signedInAs, testStaff, type TestApp, type TestStaffName } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { registerContact, type RegisterContactInput } from '../../src/services/intake.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { issueFinalDecision, shareDraftDecision } from '../../src/services/investigation.ts';
import { recordCompliance } from '../../src/services/compliance.ts';
import { queueNotification } from '../../src/services/notifications.ts';
import { enqueueJob } from '../../src/jobs/queue.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { runDueJobs } from '../../src/jobs/worker.ts';
import { localOutbox } from '../../src/notify/local-outbox.ts';
import type { Notifier, OutgoingNotification } from '../../src/notify/notifier.ts';
import { outboxRoutes } from '../../src/web/staff/outbox-routes.ts';
import type { Actor } from '../../src/domain/case-lifecycle.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { expectSentToSignIn } from '../web/support.ts';

const log = pino({ level: 'silent' });

/** The local outbox, remembering what it was given. */
function recordingOutbox(): Notifier & { sent: OutgoingNotification[] } {
  const outbox = localOutbox();
  const sent: OutgoingNotification[] = [];
  return { name: 'recording', sent, send: async (n) => { const result = await outbox.send(n); sent.push(n); return result; } };
}

describe.each(testEngines)('notifications from casework on %s', (engine) => {
  let t: TestApp;
  const as = (who: TestStaffName): Actor => ({ id: t.staffIds[who], roles: [...testStaff[who].roles] as Role[] });
  const complaint = (overrides: Partial<RegisterContactInput> = {}): RegisterContactInput => ({
    channel: 'phone', receivedAt: new Date('2026-03-02T09:00:00Z'),
    complainant: { fullName: 'Sam Example', email: 'sam@example.com' }, bodyIds: [t.bodyIds[0]!],
    summary: 'The council did not reply.', outcome: 'case-created', category: 'Housing', subcategory: 'Homelessness', jurisdiction: 'local-government',
    ...overrides,
  });
  const notificationsOf = async (reference: string) => {
    const c = await t.database.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
    return t.database.db.selectFrom('notifications').selectAll().where('case_id', '=', c.id).orderBy('id').execute();
  };
  const run = (notifier: Notifier) => runDueJobs({ db: t.database.db, handlers: jobHandlers(t.services, notifier), clock: t.clock, log });

  beforeAll(async () => {
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'));
    // Until src/web/staff/routes.ts registers the outbox, register it here.
    if (!t.app.hasRoute({ method: 'GET', url: '/staff/outbox' })) await t.app.register(outboxRoutes({ services: t.services }));
  });
  afterAll(async () => t?.dispose());

  it('tells the complainant and representative at each step of their case, by name and in plain words', async () => {
    const { reference } = await registerContact(t.services, as('intake'), complaint({
      representative: { fullName: 'Rita Representative', email: 'rita@example.com' },
    }));
    await decideAssessment(t.services, reference!, as('assessor'), { decision: 'pass-for-investigation' });
    await allocateCase(t.services, reference!, as('manager'), t.staffIds.investigator);
    await allocateCase(t.services, reference!, as('manager'), t.staffIds.otherInvestigator); // reallocation: nothing new for the complainant
    await shareDraftDecision(t.services, reference!, as('otherInvestigator'), { outcome: 'upheld-fault-injustice', reasons: 'Draft', commentsDueOn: '2026-03-16' });
    const { remedyIds } = await issueFinalDecision(t.services, reference!, as('otherInvestigator'), {
      outcome: 'upheld-fault-injustice', reasons: 'Final', remedies: [{ kind: 'apology', description: 'Apologise', dueOn: '2026-04-01' }],
    });
    await recordCompliance(t.services, reference!, as('otherInvestigator'), remedyIds[0]!, { complied: 'yes', settledOn: '2026-03-02', evidence: 'Letter seen' });

    const rows = await notificationsOf(reference!);
    const toSam = rows.filter((n) => n.recipient === 'sam@example.com');
    expect(toSam.map((n) => [n.template, n.personalisation])).toEqual([
      ['case-received', { name: 'Sam Example', reference: reference!, respondBy: '30 March 2026' }],
      ['stage-changed', { name: 'Sam Example', reference: reference!, stage: 'waiting for an investigator' }],
      ['stage-changed', { name: 'Sam Example', reference: reference!, stage: 'being investigated' }],
      ['draft-decision-ready', { name: 'Sam Example', reference: reference!, commentsDueOn: '16 March 2026' }],
      ['decision-made', { name: 'Sam Example', reference: reference! }],
      ['stage-changed', { name: 'Sam Example', reference: reference!, stage: 'closed' }],
    ]);
    const toRita = rows.filter((n) => n.recipient === 'rita@example.com');
    expect(toRita.map((n) => n.template)).toEqual(toSam.map((n) => n.template));
    expect(toRita[0]!.personalisation).toMatchObject({ name: 'Rita Representative' });
    expect(rows.every((n) => n.status === 'queued' && n.channel === 'email')).toBe(true);
    const jobs = await t.database.db.selectFrom('jobs').select('payload').where('kind', '=', 'send-notification').execute();
    for (const n of rows) expect(jobs.some((j) => j.payload.notificationId === n.id)).toBe(true);
  });

  it('closing at assessment is a change of stage too; a complainant with no email or mobile gets nothing', async () => {
    const { reference } = await registerContact(t.services, as('intake'), complaint());
    await decideAssessment(t.services, reference!, as('assessor'), { decision: 'refer-back-for-local-resolution', explanation: 'Ask the council first' });
    expect((await notificationsOf(reference!)).map((n) => [n.template, n.personalisation.stage])).toEqual([['case-received', undefined], ['stage-changed', 'closed']]);

    const silent = await registerContact(t.services, as('intake'), complaint({ complainant: { fullName: 'Pat Post', email: null, address: '1 High Street' } }));
    await decideAssessment(t.services, silent.reference!, as('assessor'), { decision: 'pass-for-investigation' });
    expect(await notificationsOf(silent.reference!)).toEqual([]);
  });

  it('sends what a case action queued through the worker, shows it on /staff/outbox, and never sends it twice', async () => {
    const { reference } = await registerContact(t.services, as('intake'), complaint({ complainant: { fullName: 'Olive Outbox', email: 'olive@example.com' } }));
    const outbox = recordingOutbox();
    const summary = await run(outbox);
    expect(summary.failed).toBe(0);
    expect(summary.done).toBeGreaterThan(0);
    const [message] = await notificationsOf(reference!);
    expect(message).toMatchObject({ status: 'sent', sent_at: t.clock.now(), provider_reference: null, attempts: 1, last_error: null });
    expect(outbox.sent.filter((n) => n.id === message!.id)).toEqual([
      { id: message!.id, channel: 'email', recipient: 'olive@example.com', template: 'case-received', personalisation: { name: 'Olive Outbox', reference: reference!, respondBy: '30 March 2026' } },
    ]);

    // The same message queued again (a duplicate job, a worker that lost its lock): not sent again.
    await enqueueJob(t.database.db, 'send-notification', { notificationId: message!.id }, t.clock.now());
    outbox.sent.length = 0;
    expect(await run(outbox)).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(outbox.sent).toEqual([]);
    expect((await notificationsOf(reference!))[0]).toMatchObject({ status: 'sent', attempts: 1 });

    const browser = await signedInAs(t.app, 'intake');
    const page = await browser.get('/staff/outbox');
    expect(page.statusCode).toBe(200);
    const card = page.body.slice(page.body.indexOf(`id="message-${message!.id}"`));
    expect(card).toContain('olive@example.com (email)');
    expect(card).toContain('We have received your complaint');
    expect(card).toContain(`Your reference is ${reference}.`);
    expect(card).toContain('We will contact you by 30 March 2026 to tell you what happens next.');
    expect(card).toContain('Sent');
    expect(card).toContain(`href="/staff/cases/${reference!.replace(/\s/g, '')}"`);
    expect(page.body).not.toContain('((');
  });

  it('shows a message that failed with its error and attempts', async () => {
    const id = await queueNotification(t.database.db, { caseId: null, personId: null, recipient: { channel: 'sms', address: '07700900123' }, template: 'new-message', personalisation: {}, at: t.clock.now() });
    await run(recordingOutbox());
    const row = await t.database.db.selectFrom('notifications').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 1, last_error: 'Missing personalisation: reference' });
    const page = await (await signedInAs(t.app, 'assessor')).get('/staff/outbox');
    const card = page.body.slice(page.body.indexOf(`id="message-${id}"`));
    expect(card).toContain('07700900123 (text message)');
    expect(card).toContain('Failed');
    expect(card).toContain('Missing personalisation: reference');
  });

  it('pages the outbox newest first, and is for signed-in staff only', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push((await queueNotification(t.database.db, { caseId: null, personId: null, recipient: { channel: 'email', address: `page${i}@example.com` }, template: 'sign-in-code', personalisation: { code: String(100000 + i), minutes: '15' }, at: t.clock.now() }))!);
    }
    const browser = await signedInAs(t.app, 'admin');
    const first = await browser.get('/staff/outbox');
    const shown = (body: string) => [...body.matchAll(/id="message-(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown(first.body)).toEqual(ids.slice(-25).reverse());
    expect(first.body).toContain('Your sign-in code is 100029.');
    expect(first.body).toContain('Waiting to send');
    const next = /href="\?before=(\d+)"/.exec(first.body)?.[1];
    expect(Number(next)).toBe(ids[5]);
    const second = await browser.get(`/staff/outbox?before=${next}`);
    expect(shown(second.body).slice(0, 5)).toEqual(ids.slice(0, 5).reverse());
    expect(second.body).toContain('Newest messages');
    expect((await browser.get('/staff/outbox?before=nonsense')).statusCode).toBe(200);

    expectSentToSignIn(await t.app.inject({ method: 'GET', url: '/staff/outbox' }), '/staff/outbox');
  });
});
