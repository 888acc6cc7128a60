import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { actor } from '../web/support.ts';
import { addLinkOfficer, decidedCase, eventsOf, settle, type DecidedCase } from './remedies-fixtures.ts';
import { remedyList, remedyListForExport } from '../../src/services/remedies/remedy-list.ts';
import { recordSatisfaction } from '../../src/services/remedies/satisfaction.ts';
import { markDelayedRemedies, setDelayedRemedyDueDate } from '../../src/services/remedies/delayed.ts';
import { allBodiesWatchList, bodyWatchList } from '../../src/services/remedies/watch-list.ts';
import { caseRemedyPage } from '../../src/services/remedies/case-remedies.ts';
import { casesWithDocumentsHeld } from '../../src/data/repositories/remedies.ts';
import { documentsMustBeKept } from '../../src/domain/remedies.ts';
import { AppError } from '../../src/services/errors.ts';
import { placeholdersOf } from '../../src/notify/templates.ts';

const appError = (code: AppError['code'], fields?: Record<string, string>) =>
  expect.objectContaining({ name: 'AppError', code, ...(fields ? { fields: expect.objectContaining(fields) } : {}) });

describe.each(testEngines)('remedy follow-up services on %s', (engine) => {
  let t: TestApp;
  let bodies: { id: number; code: string; name: string }[];
  // Today is Monday 2 March 2026.
  let c1: DecidedCase; // body 0: apology overdue 10 days, service improvement due soon
  let c2: DecidedCase; // body 1 (has a link officer): payment overdue, another investigator's case
  let c3: DecidedCase; // bodies 0 and 2: payment apportioned to body 2, apology to both
  let c4: DecidedCase; // body 3: due December 2024, delayed
  let c5: DecidedCase; // body 3: due January 2024, delayed and older than the watch-list's 24 months
  let c6: DecidedCase; // body 0: carried out late, so settled (and the case closed)
  let c7: DecidedCase; // body 0: an overdue service improvement
  let c8: DecidedCase; // body 1: not carried out

  beforeAll(async () => {
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'));
    bodies = await t.database.db.selectFrom('bodies').select(['id', 'code', 'name']).orderBy('id').execute();
    const [b0, b1, b2, b3] = bodies.map((b) => b.id) as [number, number, number, number];
    await addLinkOfficer(t, b1);
    c1 = await decidedCase(t, { decidedOn: '2026-01-20', bodyIds: [b0], remedies: [
      { kind: 'apology', dueOn: '2026-02-20', description: 'Apologise to Mr Sample in writing' },
      { kind: 'service-improvement', dueOn: '2026-03-10', description: 'Remind housing officers to log every repair request' },
    ] });
    c2 = await decidedCase(t, { decidedOn: '2025-12-15', bodyIds: [b1], investigator: 'otherInvestigator', remedies: [{ kind: 'financial-payment', dueOn: '2026-01-15', amountPence: 30_000 }] });
    c3 = await decidedCase(t, { decidedOn: '2026-01-02', bodyIds: [b0, b2], remedies: [
      { kind: 'financial-payment', dueOn: '2026-02-01', amountPence: 10_000, shares: [{ bodyId: b2, amountPence: 10_000 }] },
      { kind: 'apology', dueOn: '2026-02-02' },
    ] });
    c4 = await decidedCase(t, { decidedOn: '2024-11-01', bodyIds: [b3], remedies: [{ kind: 'procedure-review', dueOn: '2024-12-01' }] });
    c5 = await decidedCase(t, { decidedOn: '2023-12-01', bodyIds: [b3], remedies: [{ kind: 'training', dueOn: '2024-01-10' }] });
    c6 = await decidedCase(t, { decidedOn: '2026-01-25', bodyIds: [b0], remedies: [{ kind: 'apology', dueOn: '2026-02-25' }] });
    await settle(t, c6.reference, c6.remedyIds[0] as number, '2026-02-27');
    c7 = await decidedCase(t, { decidedOn: '2026-01-25', bodyIds: [b0], complainant: 'Wendy Watchlist', remedies: [{ kind: 'service-improvement', dueOn: '2026-02-25', description: 'Review how the council logs repair requests like Mrs Watchlist’s' }] });
    c8 = await decidedCase(t, { decidedOn: '2026-01-10', bodyIds: [b1], remedies: [{ kind: 'apology', dueOn: '2026-02-10' }] });
    await settle(t, c8.reference, c8.remedyIds[0] as number, '2026-02-12', 'no');
    await markDelayedRemedies(t.services, t.clock.now());
  });
  afterAll(async () => t?.dispose());

  const refs = (items: { reference: string; kind: string; body_name: string }[]) => items.map((i) => [i.reference, i.kind, i.body_name]);

  it('lists overdue remedies, most overdue first, under each body they concern, with days overdue', async () => {
    const [b0, b1, b2, b3] = bodies as [typeof bodies[0], typeof bodies[0], typeof bodies[0], typeof bodies[0]];
    const list = await remedyList(t.services, { view: 'overdue' });
    expect(refs(list.items)).toEqual([
      [c5.reference, 'training', b3.name],
      [c4.reference, 'procedure-review', b3.name],
      [c2.reference, 'financial-payment', b1.name],
      [c3.reference, 'financial-payment', b2.name], // apportioned to body 2 only
      ...[[c3.reference, 'apology', b2.name], [c3.reference, 'apology', b0.name]].sort((a, b) => (a[2] as string).localeCompare(b[2] as string)),
      [c1.reference, 'apology', b0.name],
      [c7.reference, 'service-improvement', b0.name],
    ]);
    const c1Apology = list.items.find((i) => i.reference === c1.reference);
    expect(c1Apology).toMatchObject({ daysOverdue: 10, delayed: false, noLinkOfficer: true, owner_name: 'Ina Investigator' });
    expect(list.items.find((i) => i.reference === c2.reference)).toMatchObject({ daysOverdue: 46, noLinkOfficer: false, owner_name: 'Otto Investigator' });
    expect(list.items.find((i) => i.reference === c4.reference)).toMatchObject({ delayed: true, delayed_due_on: '2026-06-02', pastDelayedDueDate: false });
    expect(list.counts).toEqual({ overdue: 8, delayed: 2, 'due-soon': 1, 'no-link-officer': 8 });
    expect(list.groups.bodies.map((g) => [g.name, g.n])).toEqual([[b2.name, 2], [b0.name, 3], [b1.name, 1], [b3.name, 2]].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)));
    expect(list.groups.owners.map((g) => [g.name, g.n])).toEqual([['Ina Investigator', 7], ['Otto Investigator', 1]]);
  });

  it('filters by body and by caseworker, and shows delayed, due soon and unreminded remedies apart', async () => {
    const [b0] = bodies as [typeof bodies[0]];
    expect(refs((await remedyList(t.services, { view: 'overdue', bodyId: b0.id })).items).map((r) => r[0])).toEqual([c3.reference, c1.reference, c7.reference]);
    expect((await remedyList(t.services, { view: 'overdue', ownerId: t.staffIds.otherInvestigator })).items.map((i) => i.reference)).toEqual([c2.reference]);
    expect((await remedyList(t.services, { view: 'overdue', ownerId: 'none' })).items).toEqual([]);
    expect((await remedyList(t.services, { view: 'delayed' })).items.map((i) => i.reference)).toEqual([c5.reference, c4.reference]);
    const dueSoon = await remedyList(t.services, { view: 'due-soon' });
    expect(dueSoon.dueSoonUntil).toBe('2026-03-16');
    expect(dueSoon.items.map((i) => [i.reference, i.kind, i.daysOverdue])).toEqual([[c1.reference, 'service-improvement', 0]]);
    const unreminded = await remedyList(t.services, { view: 'no-link-officer' });
    expect(unreminded.items.map((i) => i.reference)).not.toContain(c2.reference);
    expect(unreminded.items.every((i) => i.noLinkOfficer)).toBe(true);
    expect((await remedyListForExport(t.services, { view: 'overdue' })).length).toBe(8);
  });

  it('shows a case’s remedies with their follow-up and what this person may do', async () => {
    const page = await caseRemedyPage(t.services, c4.reference, actor(t, 'manager'));
    expect(page.remedies[0]).toMatchObject({ delayed: true, maySetDelayedDueDate: true, mayRecordSatisfaction: false, noLinkOfficer: true });
    const settled = await caseRemedyPage(t.services, c6.reference, actor(t, 'investigator'));
    expect(settled.remedies[0]).toMatchObject({ status: 'complied-late', mayRecordSatisfaction: true, maySetDelayedDueDate: false, nextReminder: undefined });
    expect((await caseRemedyPage(t.services, c6.reference, actor(t, 'otherInvestigator'))).remedies[0]?.mayRecordSatisfaction).toBe(false);
    const dueSoon = await caseRemedyPage(t.services, c1.reference, actor(t, 'investigator'));
    // The service improvement is due Tuesday 10 March: its reminder goes five working days before, Tuesday 3 March.
    expect(dueSoon.remedies[1]?.nextReminder).toEqual({ kind: 'due-soon', on: '2026-03-03' });
    await expect(caseRemedyPage(t.services, '99 999 999', actor(t, 'manager'))).rejects.toEqual(appError('not-found'));
  });

  it('records whether the evidence satisfied us, after the case has closed, on the timeline', async () => {
    const remedyId = c6.remedyIds[0] as number;
    expect((await t.database.db.selectFrom('cases').select('stage').where('id', '=', c6.caseId).executeTakeFirstOrThrow()).stage).toBe('closed');
    await recordSatisfaction(t.services, c6.reference, actor(t, 'investigator'), remedyId, { satisfaction: 'partly-satisfied', note: 'The apology did not say what went wrong' });
    await recordSatisfaction(t.services, c6.reference, actor(t, 'manager'), remedyId, { satisfaction: 'satisfied' });
    const remedy = await t.database.db.selectFrom('remedies').select(['satisfaction', 'satisfaction_recorded_at']).where('id', '=', remedyId).executeTakeFirstOrThrow();
    expect(remedy).toEqual({ satisfaction: 'satisfied', satisfaction_recorded_at: t.clock.now() });
    const events = await eventsOf(t, c6.caseId, 'remedy-satisfaction-recorded');
    expect(events.map((e) => [e.facts, e.detail_text, e.actor_id])).toEqual([
      [{ remedyId, kind: 'apology', satisfaction: 'partly-satisfied', previous: null }, 'The apology did not say what went wrong', t.staffIds.investigator],
      [{ remedyId, kind: 'apology', satisfaction: 'satisfied', previous: 'partly-satisfied' }, null, t.staffIds.manager],
    ]);
  });

  it('refuses satisfaction to the wrong people, before a remedy is carried out, and for nonsense', async () => {
    const remedyId = c6.remedyIds[0] as number;
    const before = await eventsOf(t, c6.caseId, 'remedy-satisfaction-recorded');
    for (const who of ['intake', 'assessor', 'admin', 'otherInvestigator'] as const) {
      await expect(recordSatisfaction(t.services, c6.reference, actor(t, who), remedyId, { satisfaction: 'satisfied' })).rejects.toEqual(appError('forbidden'));
    }
    // The wrong person is refused before their input is even looked at.
    await expect(recordSatisfaction(t.services, c6.reference, actor(t, 'intake'), remedyId, { satisfaction: 'nonsense' as never })).rejects.toEqual(appError('forbidden'));
    await expect(recordSatisfaction(t.services, c6.reference, actor(t, 'manager'), remedyId, { satisfaction: 'nonsense' as never })).rejects.toEqual(
      appError('invalid', { satisfaction: 'Select whether the evidence of compliance satisfied us' }),
    );
    const notYet = 'Record that the body carried out the remedy before judging its evidence';
    await expect(recordSatisfaction(t.services, c1.reference, actor(t, 'investigator'), c1.remedyIds[0] as number, { satisfaction: 'satisfied' })).rejects.toEqual(appError('invalid', { satisfaction: notYet }));
    await expect(recordSatisfaction(t.services, c8.reference, actor(t, 'manager'), c8.remedyIds[0] as number, { satisfaction: 'satisfied' })).rejects.toEqual(appError('invalid', { satisfaction: notYet }));
    // Another case's remedy, through this case's reference.
    await expect(recordSatisfaction(t.services, c1.reference, actor(t, 'investigator'), remedyId, { satisfaction: 'satisfied' })).rejects.toEqual(appError('not-found'));
    expect(await eventsOf(t, c6.caseId, 'remedy-satisfaction-recorded')).toEqual(before);
  });

  it('lets a manager set a delayed remedy’s own due date, with a reason, on the timeline', async () => {
    const remedyId = c4.remedyIds[0] as number;
    const delayedEvents = await eventsOf(t, c4.caseId, 'remedy-delayed');
    expect(delayedEvents.map((e) => e.facts)).toEqual([{ remedyId, kind: 'procedure-review', originalDueOn: '2024-12-01', dueOn: '2026-06-02' }]);
    await setDelayedRemedyDueDate(t.services, remedyId, actor(t, 'manager'), { dueOn: '2026-07-01', reason: 'The council’s cabinet meets in June' });
    const remedy = await t.database.db.selectFrom('remedies').select('delayed_due_on').where('id', '=', remedyId).executeTakeFirstOrThrow();
    expect(remedy.delayed_due_on).toBe('2026-07-01');
    const events = await eventsOf(t, c4.caseId, 'remedy-delayed-due-date-set');
    expect(events.map((e) => [e.facts, e.detail_text])).toEqual([[{ remedyId, kind: 'procedure-review', dueOn: '2026-07-01', previousDueOn: '2026-06-02' }, 'The council’s cabinet meets in June']]);
  });

  it('refuses a delayed due date from the wrong people, for a remedy that is not delayed, or in the past', async () => {
    const remedyId = c4.remedyIds[0] as number;
    for (const who of ['investigator', 'assessor', 'intake', 'admin'] as const) {
      await expect(setDelayedRemedyDueDate(t.services, remedyId, actor(t, who), { dueOn: '2026-08-01', reason: 'x' })).rejects.toEqual(appError('forbidden'));
    }
    await expect(setDelayedRemedyDueDate(t.services, remedyId, actor(t, 'manager'), { dueOn: '2026-03-02', reason: '' })).rejects.toEqual(
      appError('invalid', { dueOn: 'The new due date must be in the future', reason: 'Explain why the due date is changing' }),
    );
    await expect(setDelayedRemedyDueDate(t.services, c1.remedyIds[0] as number, actor(t, 'manager'), { dueOn: '2026-08-01', reason: 'x' })).rejects.toEqual(appError('illegal'));
    await expect(setDelayedRemedyDueDate(t.services, c6.remedyIds[0] as number, actor(t, 'manager'), { dueOn: '2026-08-01', reason: 'x' })).rejects.toEqual(appError('illegal'));
    await expect(setDelayedRemedyDueDate(t.services, 987_654, actor(t, 'manager'), { dueOn: '2026-08-01', reason: 'x' })).rejects.toEqual(appError('not-found'));
    expect((await eventsOf(t, c4.caseId, 'remedy-delayed-due-date-set')).length).toBe(1);
  });

  it('holds the documents of exactly the cases with an unsettled remedy', async () => {
    const remedies = await t.database.db.selectFrom('remedies').select(['case_id', 'status']).execute();
    const byCase = new Map<number, { status: string }[]>();
    for (const r of remedies) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r]);
    const expected = [...byCase].filter(([, list]) => documentsMustBeKept(list)).map(([id]) => id).sort((a, b) => a - b);
    expect(await casesWithDocumentsHeld(t.database.db)).toEqual(expected);
    expect(expected).toContain(c1.caseId);
    expect(expected).not.toContain(c6.caseId);
    expect(expected).not.toContain(c8.caseId);
  });

  it('publishes a body’s watch-list: facts only, the service improvement’s wording, nothing older than 24 months', async () => {
    const [b0, , , b3] = bodies as [typeof bodies[0], typeof bodies[0], typeof bodies[0], typeof bodies[0]];
    const list = await bodyWatchList(t.services, b0.code.toLowerCase());
    expect(list.entries.map((e) => [e.kind, e.dueOn, e.daysOverdue, e.delayed, e.improvement])).toEqual([
      // Published without the complainant's name the caseworker wrote into it.
      ['service-improvement', '2026-02-25', 5, false, 'Review how the council logs repair requests like Mrs X’s'],
      ['apology', '2026-02-20', 10, false, null],
      ['apology', '2026-02-02', 28, false, null],
    ]);
    const published = JSON.stringify(list.entries);
    for (const secret of ['Mr Sample', 'Apologise', c1.reference, c3.reference, 'Test Complainant', 'Watchlist']) expect(published).not.toContain(secret);
    const delayed = await bodyWatchList(t.services, b3.code);
    expect(delayed.entries.map((e) => [e.kind, e.delayed, e.delayedDueOn])).toEqual([['procedure-review', true, '2026-07-01']]);
    expect(delayed.delayed).toBe(1);
    await expect(bodyWatchList(t.services, 'E99999999')).rejects.toEqual(appError('not-found'));
  });

  it('counts every body’s watch-list', async () => {
    const all = await allBodiesWatchList(t.services);
    const [b0, b1, b2, b3] = bodies as [typeof bodies[0], typeof bodies[0], typeof bodies[0], typeof bodies[0]];
    expect(all.bodies.map((b) => [b.code, b.overdue, b.delayed])).toEqual(
      [[b0.code, 3, 0, b0.name], [b1.code, 1, 0, b1.name], [b2.code, 2, 0, b2.name], [b3.code, 1, 1, b3.name]]
        .sort((a, b) => (a[3] as string).localeCompare(b[3] as string))
        .map((row) => row.slice(0, 3)),
    );
    expect(all.total).toBe(7);
    expect(all.entries[0]).toMatchObject({ dueOn: '2026-02-25', bodyCode: b0.code });
  });

  it('gives every link officer message what its words need', () => {
    expect(placeholdersOf('remedy-due-soon')).toEqual(['name', 'reference', 'bodyName', 'remedy', 'dueOn']);
    expect(placeholdersOf('remedy-still-overdue')).toEqual(['name', 'reference', 'remedy', 'dueOn', 'daysOverdue']);
    expect(placeholdersOf('remedy-delayed')).toEqual(['name', 'reference', 'remedy', 'dueOn', 'bodyName', 'delayedDueOn']);
    expect(placeholdersOf('enquiry-sent-to-body')).toEqual(['bodyName', 'reference', 'dueOn']);
  });
});
