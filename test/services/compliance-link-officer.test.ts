import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/domain/london-time.ts';
import { complianceStatusFor, confirmComplianceByLinkOfficer, doneOnProblem, recordCompliance } from '../../src/services/compliance.ts';
import { notifyLinkOfficersOfEnquiry } from '../../src/services/bodies/enquiry-notifications.ts';
import { loadLinkOfficer, type SignedInLinkOfficer } from '../../src/services/bodies/sign-in.ts';
import { AppError } from '../../src/services/errors.ts';
import { placeholdersOf } from '../../src/notify/templates.ts';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import { actor, addOfficer, caseEvents, caseInCompliance, caseWithEnquiry, createBodiesTestApp, today } from '../bodies/helpers.ts';

describe('when a remedy counts as done on time', () => {
  it('is on time up to and including the due date, late after it, and not complied whatever the date', () => {
    expect(complianceStatusFor(true, '2026-03-10', '2026-03-10')).toBe('complied-on-time');
    expect(complianceStatusFor(true, '2026-03-09', '2026-03-10')).toBe('complied-on-time');
    expect(complianceStatusFor(true, '2026-03-11', '2026-03-10')).toBe('complied-late');
    expect(complianceStatusFor(false, '2026-03-01', '2026-03-10')).toBe('not-complied');
  });

  it('takes a date from our decision to today, both included', () => {
    expect(doneOnProblem('2026-03-02', '2026-03-02', '2026-02-01')).toBeUndefined();
    expect(doneOnProblem('2026-02-01', '2026-03-02', '2026-02-01')).toBeUndefined();
    expect(doneOnProblem('2026-03-03', '2026-03-02', '2026-02-01')).toBe('The date it was done must be today or in the past');
    expect(doneOnProblem('2026-01-31', '2026-03-02', '2026-02-01')).toBe('The date it was done must be on or after the date of our decision, 1 February 2026');
    expect(doneOnProblem('2020-01-01', '2026-03-02', null)).toBeUndefined();
  });
});

describe.each(testEngines)('compliance confirmed by a body’s link officer (%s)', (engine) => {
  let t: TestApp;
  let officer: SignedInLinkOfficer;
  let otherOfficer: SignedInLinkOfficer;

  beforeAll(async () => {
    t = await createBodiesTestApp(engine);
    const id = await addOfficer(t, 0, { email: 'val@first.test', fullName: 'Val Verifier' });
    const otherId = await addOfficer(t, 1, { email: 'oli@second.test', fullName: 'Oli Other' });
    officer = (await loadLinkOfficer(t.services, id, 'val@first.test')) as SignedInLinkOfficer;
    otherOfficer = (await loadLinkOfficer(t.services, otherId, 'oli@second.test')) as SignedInLinkOfficer;
  });
  afterAll(async () => t?.dispose());

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  }

  it('settles the remedy like a caseworker’s record, names the officer, and closes the case after the last one', async () => {
    const { reference, remedyIds } = await caseInCompliance(t, [0], [
      { kind: 'apology', description: 'Apologise', dueOn: addCalendarDays(today(t), 10) },
      { kind: 'training', description: 'Train staff', dueOn: addCalendarDays(today(t), 10) },
    ]);
    const [apology, training] = remedyIds as [number, number];
    const first = await confirmComplianceByLinkOfficer(t.services, officer, apology, { whatWasDone: 'Letter sent', doneOn: today(t) });
    expect(first).toEqual({ status: 'complied-on-time', caseClosed: false, reference });
    // A caseworker records the other one: the case closes then, as it always did.
    await recordCompliance(t.services, reference, actor(t, 'investigator'), training, { complied: 'yes', settledOn: today(t), evidence: 'Training log seen' });
    const caseRow = await t.database.db.selectFrom('cases').select('stage').where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(caseRow.stage).toBe('closed');
    const rows = await t.database.db.selectFrom('remedies').select(['id', 'confirmed_by_link_officer_id', 'status']).where('id', 'in', [apology, training]).orderBy('id').execute();
    expect(rows).toEqual([
      { id: apology, confirmed_by_link_officer_id: officer.linkOfficerId, status: 'complied-on-time' },
      { id: training, confirmed_by_link_officer_id: null, status: 'complied-on-time' },
    ]);
    const events = await caseEvents(t, reference);
    const recorded = events.filter((e) => e.kind === 'compliance-recorded');
    expect(recorded.map((e) => e.actor_id)).toEqual([null, t.staffIds.investigator]);
    expect(recorded[0]?.facts).toMatchObject({ remedyId: apology, linkOfficerId: officer.linkOfficerId, linkOfficerName: 'Val Verifier', evidenceDocumentId: null });
    expect(recorded[1]?.facts).not.toHaveProperty('linkOfficerId');
  });

  it('refuses another body’s remedy and one that does not exist as not found, and one already settled', async () => {
    const { remedyIds } = await caseInCompliance(t, [0]);
    const [remedyId] = remedyIds as [number];
    expect((await refusal(confirmComplianceByLinkOfficer(t.services, otherOfficer, remedyId, { whatWasDone: 'x', doneOn: today(t) }))).code).toBe('not-found');
    await confirmComplianceByLinkOfficer(t.services, officer, remedyId, { whatWasDone: 'Done', doneOn: today(t) });
    const twice = await refusal(confirmComplianceByLinkOfficer(t.services, officer, remedyId, { whatWasDone: 'Again', doneOn: today(t) }));
    expect({ code: twice.code, message: twice.message }).toEqual({ code: 'illegal', message: 'This remedy has already been confirmed or settled. There is nothing more to do.' });
    const invalid = await refusal(confirmComplianceByLinkOfficer(t.services, officer, 2_000_000_000, { whatWasDone: '', doneOn: '' }));
    expect(invalid.code).toBe('not-found');
  });

  it('reports every problem with the answer at once', async () => {
    const { remedyIds } = await caseInCompliance(t, [0]);
    const error = await refusal(confirmComplianceByLinkOfficer(t.services, officer, remedyIds[0] as number, { whatWasDone: ' ', doneOn: 'soon' }));
    expect(error.fields).toEqual({ whatWasDone: 'Describe what was done to carry out the remedy', doneOn: 'Enter the date it was done' });
  });

  it('lets a link officer answer only their own body’s enquiry through the lifecycle, and never on another body’s case', async () => {
    const { enquiryId } = await caseWithEnquiry(t, 0);
    const { answerEnquiry } = await import('../../src/services/bodies/enquiries.ts');
    expect((await refusal(answerEnquiry(t.services, otherOfficer, enquiryId, { response: 'Not ours' }))).code).toBe('not-found');
    const answered = await answerEnquiry(t.services, officer, enquiryId, { response: 'Ours' });
    expect(answered.late).toBe(false);
  });

  describe('telling link officers about a new enquiry', () => {
    it('queues the message for each active officer of the body, with every placeholder the template uses', async () => {
      await addOfficer(t, 2, { email: 'one@third.test', fullName: 'One Third' });
      await addOfficer(t, 2, { email: 'two@third.test', fullName: 'Two Third' });
      const gone = await addOfficer(t, 2, { email: 'gone@third.test', fullName: 'Gone Third' });
      await t.database.db.updateTable('link_officers').set({ active: false }).where('id', '=', gone).execute();
      const { reference } = await caseWithEnquiry(t, 2);
      const caseRow = await t.database.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
      const body = await t.database.db.selectFrom('bodies').select('name').where('id', '=', t.bodyIds[2] as number).executeTakeFirstOrThrow();
      const dueOn = addCalendarDays(today(t), 20);
      const ids = await notifyLinkOfficersOfEnquiry(t.database.db, { caseId: caseRow.id, reference, bodyId: t.bodyIds[2] as number, bodyName: body.name, dueOn, at: t.clock.now() });
      expect(ids).toHaveLength(2);
      const rows = await t.database.db.selectFrom('notifications').selectAll().where('id', 'in', ids).orderBy('id').execute();
      expect(rows.map((r) => r.recipient)).toEqual(['one@third.test', 'two@third.test']);
      for (const row of rows) {
        expect({ template: row.template, caseId: row.case_id, person: row.person_id }).toEqual({ template: 'enquiry-sent-to-body', caseId: caseRow.id, person: null });
        expect(Object.keys(row.personalisation).sort()).toEqual(placeholdersOf('enquiry-sent-to-body').sort());
        expect(row.personalisation).toMatchObject({ reference, bodyName: body.name });
        expect(String(row.personalisation.dueOn)).toMatch(/^\d{1,2} \w+ \d{4}$/);
      }
      const jobs = await t.database.db.selectFrom('jobs').select('payload').where('kind', '=', 'send-notification').execute();
      expect(jobs.filter((j) => ids.includes(Number(j.payload.notificationId)))).toHaveLength(2);
    });

    it('queues nothing for a body with no active link officer', async () => {
      const { reference } = await caseWithEnquiry(t, 3);
      const caseRow = await t.database.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
      expect(await notifyLinkOfficersOfEnquiry(t.database.db, { caseId: caseRow.id, reference, bodyId: t.bodyIds[3] as number, bodyName: 'x', dueOn: today(t), at: t.clock.now() })).toEqual([]);
    });

    it('can be called inside the transaction that sends the enquiry', async () => {
      await addOfficer(t, 4, { email: 'in.tx@fifth.test', fullName: 'In Transaction' });
      const { reference } = await caseWithEnquiry(t, 4);
      const queuedFor = () => t.database.db.selectFrom('notifications').select('id').where('recipient', '=', 'in.tx@fifth.test').execute();
      // sendEnquiry (investigation.ts) told the officer about the enquiry it sent, once.
      const before = await queuedFor();
      expect(before).toHaveLength(1);
      // Queued with the enquiry, or not at all: a refused action rolls the email back too.
      const { runCaseAction } = await import('../../src/services/case-action.ts');
      await runCaseAction(t.services, reference, actor(t, 'investigator'), 'send-enquiry', async (context) => {
        await notifyLinkOfficersOfEnquiry(context.trx, { caseId: context.caseRow.id, reference, bodyId: t.bodyIds[4] as number, bodyName: 'Fifth', dueOn: today(t), at: context.now });
        throw new AppError('invalid', 'refused after queueing', { form: 'refused' });
      }).catch(() => undefined);
      expect(await queuedFor()).toEqual(before);
    });
  });
});
