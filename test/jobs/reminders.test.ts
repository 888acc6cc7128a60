import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestApp, testStaff, type TestApp, type TestStaffName } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { registerContact } from '../../src/services/intake.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { shareDraftDecision } from '../../src/services/investigation.ts';
import { restartClock, stopClock } from '../../src/services/case-clock.ts';
import { jobHandlers, scheduleRecurringJobs } from '../../src/jobs/handlers.ts';
import { nextDailyRun, nextWorkingTime, queueReminders } from '../../src/jobs/reminders.ts';
import { runDueJobs } from '../../src/jobs/worker.ts';
import { localOutbox } from '../../src/notify/local-outbox.ts';
import { defaultCalendar } from '../../src/domain/working-days.ts';
import type { Actor } from '../../src/domain/case-lifecycle.ts';
import type { Role } from '../../src/domain/vocabulary.ts';

const log = pino({ level: 'silent' });
const at = (iso: string) => new Date(iso);

describe('working hours for reminders (London, England and Wales working days)', () => {
  const calendar = defaultCalendar();
  it('sends now within 9am to 5pm on a working day, else at the next 9am on a working day', () => {
    expect(nextWorkingTime(at('2026-03-02T10:00:00Z'), calendar)).toEqual(at('2026-03-02T10:00:00Z')); // Monday
    expect(nextWorkingTime(at('2026-03-02T08:30:00Z'), calendar)).toEqual(at('2026-03-02T09:00:00Z'));
    expect(nextWorkingTime(at('2026-03-02T17:00:00Z'), calendar)).toEqual(at('2026-03-03T09:00:00Z'));
    expect(nextWorkingTime(at('2026-03-06T18:00:00Z'), calendar)).toEqual(at('2026-03-09T09:00:00Z')); // Friday evening
    expect(nextWorkingTime(at('2026-03-07T12:00:00Z'), calendar)).toEqual(at('2026-03-09T09:00:00Z')); // Saturday
    // Thursday before Easter, 5:30pm British Summer Time: Good Friday and Easter Monday are bank holidays.
    expect(nextWorkingTime(at('2026-04-02T16:30:00Z'), calendar)).toEqual(at('2026-04-07T08:00:00Z'));
  });

  it('runs the daily reminders at 9am on working days', () => {
    expect(nextDailyRun(at('2026-03-02T08:00:00Z'), calendar)).toEqual(at('2026-03-02T09:00:00Z'));
    expect(nextDailyRun(at('2026-03-02T09:00:00Z'), calendar)).toEqual(at('2026-03-03T09:00:00Z'));
    expect(nextDailyRun(at('2026-03-06T09:00:05Z'), calendar)).toEqual(at('2026-03-09T09:00:00Z'));
  });
});

describe.each(testEngines)('reminders on %s', (engine) => {
  let t: TestApp;
  const as = (who: TestStaffName): Actor => ({ id: t.staffIds[who], roles: [...testStaff[who].roles] as Role[] });
  let people = 0;
  async function newCase(email: string | null = `person${++people}@example.com`) {
    const { reference } = await registerContact(t.services, as('intake'), {
      channel: 'email', receivedAt: new Date(t.clock.now().getTime() - 3_600_000), complainant: { fullName: `Person ${people}`, email }, bodyIds: [t.bodyIds[0]!],
      summary: 'Complaint', outcome: 'case-created', category: 'Housing', subcategory: 'Homelessness', jurisdiction: 'local-government',
    });
    return reference!;
  }
  async function withDraft(commentsDueOn: string) {
    const reference = await newCase();
    await decideAssessment(t.services, reference, as('assessor'), { decision: 'pass-for-investigation' });
    await allocateCase(t.services, reference, as('manager'), t.staffIds.investigator);
    await shareDraftDecision(t.services, reference, as('investigator'), { outcome: 'not-upheld', reasons: 'Draft', commentsDueOn });
    return reference;
  }
  const remindersFor = async (reference: string) => {
    const c = await t.database.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
    return t.database.db.selectFrom('notifications').selectAll().where('case_id', '=', c.id).where('template', '=', 'reminder-waiting-for-you').orderBy('id').execute();
  };
  const remind = () => queueReminders(t.services, t.clock.now());

  beforeAll(async () => {
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'));
  });
  afterAll(async () => t?.dispose());

  it('reminds once about a draft decision’s comments two working days before they are due, unless the complainant has written', async () => {
    t.clock.set(at('2026-03-02T10:00:00Z'));
    const quiet = await withDraft('2026-03-16');
    const replied = await withDraft('2026-03-16');
    const repliedCase = await t.database.db.selectFrom('cases').select(['id', 'complainant_id']).where('reference', '=', replied).executeTakeFirstOrThrow();
    await t.database.db.insertInto('messages').values({ case_id: repliedCase.id, from_person_id: repliedCase.complainant_id, sent_at: at('2026-03-05T12:00:00Z'), body_text: 'My comments' }).execute();

    t.clock.set(at('2026-03-11T10:00:00Z')); // Wednesday: due in three working days
    expect(await remind()).not.toContain(quiet);
    t.clock.set(at('2026-03-12T10:00:00Z')); // Thursday: due in two
    const reminded = await remind();
    expect(reminded).toContain(quiet);
    expect(reminded).not.toContain(replied);
    const [reminder, ...more] = await remindersFor(quiet);
    expect(more).toEqual([]);
    expect(reminder).toMatchObject({
      recipient: expect.stringMatching(/@example\.com$/), created_at: at('2026-03-12T10:00:00Z'),
      personalisation: { name: expect.any(String), reference: quiet, waitingFor: 'your comments on our draft decision, which are due by 16 March 2026' },
    });

    expect(await remind()).not.toContain(quiet);
    t.clock.set(at('2026-03-13T10:00:00Z'));
    expect(await remind()).not.toContain(quiet);
    expect(await remindersFor(quiet)).toHaveLength(1);
    expect(await remindersFor(replied)).toHaveLength(0);
  });

  it('reminds once per clock stop, after the clock has stood still five working days', async () => {
    t.clock.set(at('2026-03-02T10:00:00Z'));
    const stopped = await newCase();
    const unreachable = await newCase(null);
    for (const reference of [stopped, unreachable]) await stopClock(t.services, reference, as('assessor'), { reason: 'Waiting for the complainant’s consent' });

    t.clock.set(at('2026-03-06T10:00:00Z')); // four working days
    expect(await remind()).not.toContain(stopped);
    t.clock.set(at('2026-03-09T10:00:00Z')); // five
    const reminded = await remind();
    expect(reminded).toContain(stopped);
    expect(reminded).not.toContain(unreachable);
    expect((await remindersFor(stopped)).map((n) => n.personalisation.waitingFor)).toEqual(['the information we asked you for']);
    t.clock.set(at('2026-03-10T10:00:00Z'));
    expect(await remind()).not.toContain(stopped);

    // A new stop is a new wait: one more reminder, five working days into it.
    await restartClock(t.services, stopped, as('assessor'));
    t.clock.set(at('2026-03-10T11:00:00Z'));
    await stopClock(t.services, stopped, as('assessor'), { reason: 'Waiting for documents' });
    t.clock.set(at('2026-03-16T10:00:00Z'));
    expect(await remind()).not.toContain(stopped);
    t.clock.set(at('2026-03-17T10:00:00Z'));
    expect(await remind()).toContain(stopped);
    expect(await remindersFor(stopped)).toHaveLength(2);
  });

  it('sends reminders found outside working hours at 9am on the next working day', async () => {
    t.clock.set(at('2026-03-09T10:00:00Z'));
    const reference = await newCase();
    await stopClock(t.services, reference, as('assessor'), { reason: 'Waiting' });
    t.clock.set(at('2026-03-21T10:00:00Z')); // Saturday
    expect(await remind()).toContain(reference);
    const [reminder] = await remindersFor(reference);
    const job = await t.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'send-notification').where((eb) => eb(eb.ref('payload', '->>').key('notificationId'), '=', String(reminder!.id))).executeTakeFirstOrThrow();
    expect(job.run_at).toEqual(at('2026-03-23T09:00:00Z'));

    const handlers = jobHandlers(t.services, localOutbox());
    await runDueJobs({ db: t.database.db, handlers, clock: t.clock, log });
    expect((await remindersFor(reference))[0]!.status).toBe('queued');
    t.clock.set(at('2026-03-23T08:59:00Z'));
    await runDueJobs({ db: t.database.db, handlers, clock: t.clock, log });
    expect((await remindersFor(reference))[0]!.status).toBe('queued');
    t.clock.set(at('2026-03-23T09:00:00Z'));
    await runDueJobs({ db: t.database.db, handlers, clock: t.clock, log });
    expect((await remindersFor(reference))[0]).toMatchObject({ status: 'sent', sent_at: at('2026-03-23T09:00:00Z') });
  });

  it('runs as a daily job, booked once however many workers start, booking its next run each time', async () => {
    const pending = () => t.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'send-reminders').where('done_at', 'is', null).where('failed_at', 'is', null).execute();
    t.clock.set(at('2026-03-28T12:00:00Z')); // Saturday
    await Promise.all([scheduleRecurringJobs(t.services), scheduleRecurringJobs(t.services)]);
    expect((await pending()).map((j) => j.run_at)).toEqual([at('2026-03-30T08:00:00Z')]); // Monday 9am, now British Summer Time

    const reference = await withDraft('2026-04-01');
    const handlers = jobHandlers(t.services, localOutbox());
    t.clock.set(at('2026-03-30T08:00:00Z'));
    await runDueJobs({ db: t.database.db, handlers, clock: t.clock, log });
    expect((await pending()).map((j) => j.run_at)).toEqual([at('2026-03-31T08:00:00Z')]);
    expect((await remindersFor(reference)).map((n) => n.status)).toEqual(['sent']);

    await scheduleRecurringJobs(t.services);
    expect(await pending()).toHaveLength(1);
    const done = await t.database.db.selectFrom('jobs').select(['done_at', 'attempts']).where('kind', '=', 'send-reminders').where('done_at', 'is not', null).execute();
    expect(done).toEqual([{ done_at: at('2026-03-30T08:00:00Z'), attempts: 1 }]);
  });
});
