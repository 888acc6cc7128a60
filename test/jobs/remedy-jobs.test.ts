import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { REMEDY_FOLLOW_UP, remedyJobHandlers, scheduleRemedyJobs } from '../../src/jobs/remedy-jobs.ts';
import { SEND_NOTIFICATION, sendNotificationJob } from '../../src/jobs/send-notification.ts';
import { runDueJobs } from '../../src/jobs/worker.ts';
import { localOutbox } from '../../src/notify/local-outbox.ts';
import { addCalendarDays, londonDate, londonDateTime } from '../../src/domain/london-time.ts';
import { sendRemedyReminders } from '../../src/services/remedies/reminders.ts';
import { addLinkOfficer, decidedCase, eventsOf, settle } from '../services/remedies-fixtures.ts';

const log = pino({ level: 'silent' });

describe.each(testEngines)('the daily remedy follow-up job on %s', (engine) => {
  let t: TestApp;
  const outbox = localOutbox();
  const handlers = () => ({ ...remedyJobHandlers(t.services, outbox), [SEND_NOTIFICATION]: sendNotificationJob(t.services, outbox) });
  const runAt = async (at: Date) => {
    t.clock.set(at);
    return runDueJobs({ db: t.database.db, handlers: handlers(), clock: t.clock, log });
  };
  /** Runs the worker at 9am London on every day from `from` to `to`, as a worker polling all day would. */
  const runDays = async (from: string, to: string) => {
    for (let day = from; day <= to; day = addCalendarDays(day, 1)) await runAt(londonDateTime(day, '09:00'));
  };
  const messagesTo = async (recipient: string) => {
    const rows = await t.database.db.selectFrom('notifications').selectAll().where('recipient', '=', recipient).orderBy('id').execute();
    return rows.map((n) => ({ template: n.template, on: londonDate(n.created_at), status: n.status, sentAt: n.sent_at, personalisation: n.personalisation }));
  };

  beforeAll(async () => {
    t = await createTestApp(engine, new Date('2026-03-20T09:00:00Z'));
  });
  afterAll(async () => t?.dispose());

  it('books one daily run, however many workers start', async () => {
    await scheduleRemedyJobs(t.services);
    await scheduleRemedyJobs(t.services);
    const pending = await t.database.db.selectFrom('jobs').select(['run_at']).where('kind', '=', REMEDY_FOLLOW_UP).where('done_at', 'is', null).execute();
    expect(pending).toEqual([{ run_at: new Date('2026-03-20T09:00:00Z') }]);
  });

  it('reminds the body’s active link officers before the due date, the working day after, then every 10 working days; never after settlement', async () => {
    const [bodyA, bodyB] = t.bodyIds as [number, number];
    const officer = await addLinkOfficer(t, bodyA, { name: 'Lena Link' });
    const formerOfficer = await addLinkOfficer(t, bodyA, { active: false });
    // Due Thursday 2 April 2026, the day before Good Friday.
    const withOfficer = await decidedCase(t, { decidedOn: '2026-03-02', bodyIds: [bodyA], remedies: [{ kind: 'apology', dueOn: '2026-04-02', description: 'Apologise to Mrs Example' }] });
    const withoutOfficer = await decidedCase(t, { decidedOn: '2026-03-02', bodyIds: [bodyB], remedies: [{ kind: 'apology', dueOn: '2026-04-02' }] });

    await runDays('2026-03-20', '2026-04-30');
    const messages = await messagesTo(officer);
    // 5 working days before: 26, 27, 30, 31 March, 1 April. The working day after: Tuesday 7 April
    // (Good Friday and Easter Monday skipped). Ten working days after that: Tuesday 21 April.
    expect(messages.map((m) => [m.template, m.on, m.status])).toEqual([
      ['remedy-due-soon', '2026-03-26', 'sent'],
      ['remedy-overdue', '2026-04-07', 'sent'],
      ['remedy-still-overdue', '2026-04-21', 'sent'],
    ]);
    expect(messages[2]?.personalisation).toEqual({
      name: 'Lena Link', reference: withOfficer.reference, bodyName: expect.any(String), remedy: 'apology', dueOn: '2 April 2026', daysOverdue: '19',
    });
    // The remedy's wording is about the complainant: the officer signs in to read it.
    expect(JSON.stringify(messages)).not.toContain('Mrs Example');
    for (const m of messages) {
      const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' }).format(m.sentAt as Date));
      expect(hour >= 9 && hour < 17).toBe(true);
    }
    expect(await messagesTo(formerOfficer)).toEqual([]);

    const reminders = await t.database.db.selectFrom('remedy_reminders').select(['remedy_id', 'kind']).orderBy('sent_at').execute();
    expect(reminders).toEqual([
      { remedy_id: withOfficer.remedyIds[0], kind: 'due-soon' },
      { remedy_id: withOfficer.remedyIds[0], kind: 'overdue' },
      { remedy_id: withOfficer.remedyIds[0], kind: 'chase-1' },
    ]);
    expect((await eventsOf(t, withOfficer.caseId, 'remedy-reminder-sent')).map((e) => e.facts.reminder)).toEqual(['due-soon', 'overdue', 'chase-1']);
    // No link officer: nobody reminded, nothing recorded, so a reminder goes once one is added.
    expect(await eventsOf(t, withoutOfficer.caseId, 'remedy-reminder-sent')).toEqual([]);

    // The job ran at 9am on working days only: never on a weekend, Good Friday, Easter Monday.
    const runs = await t.database.db.selectFrom('jobs').select('run_at').where('kind', '=', REMEDY_FOLLOW_UP).where('done_at', 'is not', null).orderBy('run_at').execute();
    const runDaysSeen = runs.map((r) => londonDate(r.run_at));
    expect(runDaysSeen).not.toContain('2026-04-03');
    expect(runDaysSeen).not.toContain('2026-04-06');
    expect(runDaysSeen).not.toContain('2026-03-28');
    expect(runDaysSeen).toContain('2026-04-07');
    expect(runs.every((r) => londonDateTime(londonDate(r.run_at), '09:00').getTime() === r.run_at.getTime())).toBe(true);

    // Settled on Friday 1 May: chase 2 (Wednesday 6 May) never goes.
    await settle(t, withOfficer.reference, withOfficer.remedyIds[0] as number, '2026-05-01');
    await runDays('2026-05-01', '2026-05-29');
    expect((await messagesTo(officer)).length).toBe(3);
  });

  it('sends nothing outside working hours: a late run leaves it for the next 9am', async () => {
    const bodyC = t.bodyIds[2] as number;
    const officer = await addLinkOfficer(t, bodyC);
    await decidedCase(t, { decidedOn: '2026-05-11', bodyIds: [bodyC], remedies: [{ kind: 'training', dueOn: '2026-06-05' }] });
    // The worker was down from 30 May; it comes back at 7pm on Monday 8 June, the day the 'overdue' reminder is due.
    const late = await runAt(new Date('2026-06-08T18:00:00Z'));
    expect(late.done).toBeGreaterThanOrEqual(1);
    expect(await messagesTo(officer)).toEqual([]);
    const next = await t.database.db.selectFrom('jobs').select('run_at').where('kind', '=', REMEDY_FOLLOW_UP).where('done_at', 'is', null).execute();
    expect(next).toEqual([{ run_at: new Date('2026-06-09T08:00:00Z') }]);
    // Next morning: the overdue reminder, not the 'due soon' one it missed as well.
    await runDays('2026-06-09', '2026-06-09');
    expect((await messagesTo(officer)).map((m) => [m.template, m.on])).toEqual([['remedy-overdue', '2026-06-09']]);
  });

  it('makes a remedy outstanding for 12 months a delayed remedy with its own due date, and tells the link officer once', async () => {
    const bodyD = t.bodyIds[3] as number;
    const officer = await addLinkOfficer(t, bodyD);
    // Due Sunday 15 June 2025: delayed on Monday 15 June 2026, due again three months later, Tuesday 15 September.
    const late = await decidedCase(t, { decidedOn: '2025-05-01', bodyIds: [bodyD], remedies: [{ kind: 'financial-payment', dueOn: '2025-06-15', amountPence: 25_000 }] });
    const remedyId = late.remedyIds[0] as number;
    const remedy = () => t.database.db.selectFrom('remedies').select(['delayed_at', 'delayed_due_on']).where('id', '=', remedyId).executeTakeFirstOrThrow();
    await runDays('2026-06-10', '2026-06-12');
    expect(await remedy()).toEqual({ delayed_at: null, delayed_due_on: null });
    await runDays('2026-06-13', '2026-06-17');
    expect(await remedy()).toEqual({ delayed_at: new Date('2026-06-15T08:00:00Z'), delayed_due_on: '2026-09-15' });
    const events = await eventsOf(t, late.caseId, 'remedy-delayed');
    expect(events.map((e) => e.facts)).toEqual([{ remedyId, kind: 'financial-payment', originalDueOn: '2025-06-15', dueOn: '2026-09-15' }]);
    const delayedNotices = (await messagesTo(officer)).filter((m) => m.template === 'remedy-delayed');
    expect(delayedNotices.map((m) => [m.on, m.status, m.personalisation.delayedDueOn])).toEqual([['2026-06-15', 'sent', '15 September 2026']]);
    // Chased meanwhile as an overdue remedy, but never twice in ten working days.
    const chases = (await messagesTo(officer)).filter((m) => m.template === 'remedy-still-overdue');
    expect(chases.length).toBe(1);
  });

  it('sends each reminder once when two runs race', async () => {
    const bodyE = t.bodyIds[4] as number;
    const officer = await addLinkOfficer(t, bodyE);
    await decidedCase(t, { decidedOn: '2026-06-01', bodyIds: [bodyE], remedies: [{ kind: 'apology', dueOn: '2026-06-22' }] });
    const now = londonDateTime('2026-06-23', '09:00');
    const [first, second] = await Promise.all([sendRemedyReminders(t.services, now), sendRemedyReminders(t.services, now)]);
    expect([...(first ?? []), ...(second ?? [])].filter((r) => r.kind === 'overdue' && r.recipients === 1).length).toBe(1);
    const queued = await sql<{ n: number }>`select count(*)::int as n from notifications where recipient = ${officer}`.execute(t.database.db);
    expect(queued.rows[0]?.n).toBe(1);
  });
});
