import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type Browser, type TestApp, type TestStaffName } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { sendEnquiry } from '../../src/services/investigation.ts';
import { stopClock } from '../../src/services/case-clock.ts';
import { startJointWorking } from '../../src/services/joint-working.ts';
import { addCalendarDays } from '../../src/domain/london-time.ts';
import {
  actor, advanceCase, caseRow, caseSnapshot, caseUrl, dateFields, errorSummaryOf, escapeHtml, eventKinds, expectConflict, expectCsrfRefused,
  expectForbidden, expectFormError, expectNotFound, registerCase, tally, titleOf, today, type Milestone,
} from './support.ts';

const WEEK = 7 * 24 * 3_600_000;

/** Every action on a case page: its form and messages, the lifecycle's refusals, and who may act. */
describe.each(testEngines)('case actions on %s', (engine) => {
  let t: TestApp;
  const as = {} as Record<TestStaffName, Browser>;

  beforeAll(async () => {
    // Monday 2 March 2026, 10am.
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'));
    for (const who of ['intake', 'assessor', 'investigator', 'otherInvestigator', 'manager', 'admin'] as const) as[who] = await signedInAs(t.app, who);
  });
  afterAll(async () => t?.dispose());

  const post = (who: TestStaffName, reference: string, action: string, form: Record<string, string | string[]>) => as[who].post(caseUrl(reference, action), form);

  /** A new case moved on to `stage` (assessment when undefined). */
  async function caseAt(stage?: Milestone, options: Parameters<typeof registerCase>[1] = {}) {
    const reference = await registerCase(t, options);
    const { remedyIds } = stage ? await advanceCase(t, reference, stage) : { remedyIds: [] as number[] };
    return { reference, remedyIds };
  }

  /**
   * One case per stage, shared by the tests that must leave it unchanged (each checks it did, so
   * a test that wrongly changed it fails itself rather than quietly misleading the next).
   */
  const shared = new Map<string, Promise<{ reference: string; remedyIds: number[] }>>();
  function sharedCase(stage?: Milestone) {
    const key = stage ?? 'assessment';
    if (!shared.has(key)) shared.set(key, caseAt(stage));
    return shared.get(key) as Promise<{ reference: string; remedyIds: number[] }>;
  }

  /** Posts, and checks the case and everything hanging off it are exactly as before. */
  async function unchangedBy(reference: string, send: () => ReturnType<Browser['post']>) {
    const before = await caseSnapshot(t, reference);
    const response = await send();
    expect(await caseSnapshot(t, reference)).toEqual(before);
    return response;
  }

  async function followFlash(who: TestStaffName, response: Awaited<ReturnType<Browser['post']>>, reference: string, flash: string) {
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: caseUrl(reference) });
    const page = await as[who].get(caseUrl(reference));
    expect(page.body).toContain(escapeHtml(flash));
    return page;
  }

  describe('action pages', () => {
    it.each([
      ['assessment', 'Record the assessment decision', undefined, 'assessor'],
      ['allocate', 'Allocate to an investigator', 'awaiting-allocation', 'manager'],
      ['note', 'Add a note', undefined, 'intake'],
      ['enquiry', 'Send an enquiry to the body', 'investigation', 'investigator'],
      ['draft-decision', 'Share a draft decision', 'investigation', 'investigator'],
      ['final-decision', 'Issue the final decision', 'draft-decision', 'investigator'],
      ['stop-clock', 'Stop the clock', undefined, 'assessor'],
      ['restart-clock', 'Restart the clock', 'stopped', 'assessor'],
      ['start-joint', 'Make this a joint case with the health ombudsman', undefined, 'assessor'],
      ['end-joint', 'End joint working', 'joint', 'assessor'],
      ['document', 'Add a document', undefined, 'investigator'],
    ] as [string, string, Milestone | 'stopped' | 'joint' | undefined, TestStaffName][])('%s is linked from the case page and shows its form', async (slug, title, stage, who) => {
      const { reference } = stage === 'stopped' || stage === 'joint' ? await caseAt() : await sharedCase(stage);
      if (stage === 'stopped') await stopClock(t.services, reference, actor(t, 'assessor'), { reason: 'Waiting' });
      if (stage === 'joint') await startJointWorking(t.services, reference, actor(t, 'assessor'), { consentToJoint: 'yes', consentToShare: 'yes', consentGivenOn: today(t) });
      const casePage = await as[who].get(caseUrl(reference));
      expect(casePage.body).toContain(`href="${caseUrl(reference, slug)}"`);
      const page = await as[who].get(caseUrl(reference, slug));
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe(`${title} - Redress`);
      expect(page.body).toContain(`<h1 class="govuk-heading-l">${title}</h1>`);
      expect(page.body).toMatch(/name="_csrf" value="[^"]+"/);
      expect(page.body).toContain(`href="${caseUrl(reference)}"`);
      expect(errorSummaryOf(page.body).present).toBe(false);
    });
  });

  describe('assessment decision', () => {
    it('shows the form', async () => {
      const { reference } = await caseAt();
      const page = await as.assessor.get(caseUrl(reference, 'assessment'));
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe('Record the assessment decision - Redress');
      expect(page.body).toContain(`Back to case ${reference}`);
    });

    it('passes a case for investigation: it waits in the allocation queue', async () => {
      const { reference } = await caseAt();
      const response = await post('assessor', reference, 'assessment', { decision: 'pass-for-investigation', explanation: 'Worth investigating' });
      await followFlash('assessor', response, reference, 'Case passed for investigation');
      const row = await caseRow(t, reference);
      expect([row.stage, row.team]).toEqual(['awaiting-allocation', 'investigation']);
      expect(await eventKinds(t, reference)).toEqual(['case-registered', 'passed-for-investigation']);
      expect((await as.manager.get('/staff/queues/allocation')).body).toContain(reference);
      expect((await as.manager.get('/staff/queues/assessment')).body).not.toContain(reference);
    });

    it('closes a case after initial enquiries, with the reason', async () => {
      const { reference } = await caseAt();
      const response = await post('assessor', reference, 'assessment', { decision: 'close-after-initial-enquiries', reason: 'late-complaint', explanation: 'More than 12 months late.' });
      const page = await followFlash('assessor', response, reference, 'Assessment decision recorded and case closed');
      expect(page.body).toContain('Closed after initial enquiries: Complaint made too late');
      const row = await caseRow(t, reference);
      expect([row.stage, row.outcome, row.closing_reason]).toEqual(['closed', 'closed-after-initial-enquiries', 'late-complaint']);
      expect(row.closed_at).not.toBeNull();
      expect(await eventKinds(t, reference)).toEqual(['case-registered', 'assessment-closed', 'case-closed']);
    });

    it('refers a case back for local resolution', async () => {
      const { reference } = await caseAt();
      const response = await post('manager', reference, 'assessment', { decision: 'refer-back-for-local-resolution', explanation: 'Complain to the council first.' });
      await followFlash('manager', response, reference, 'Assessment decision recorded and case closed');
      const row = await caseRow(t, reference);
      expect([row.stage, row.outcome]).toEqual(['closed', 'referred-back-for-local-resolution']);
    });

    it.each([
      ['no decision', {}, 'Select a decision', 'decision', []],
      ['an unknown decision', { decision: 'maybe', explanation: 'Kept explanation' }, 'Select a decision', 'decision', ['Kept explanation']],
      ['closing without a reason', { decision: 'close-after-initial-enquiries', explanation: 'Kept <explanation>' }, 'Select the reason for closing the case', 'reason', ['Kept <explanation>']],
      ['closing without an explanation', { decision: 'close-after-initial-enquiries', reason: 'late-complaint' }, 'Explain the decision to the complainant', 'explanation', []],
      ['referring back without an explanation', { decision: 'refer-back-for-local-resolution', explanation: '   ' }, 'Explain the decision to the complainant', 'explanation', []],
    ] as [string, Record<string, string>, string, string, string[]][])('%s is refused with a message', async (_what, form, message, field, kept) => {
      const { reference } = await sharedCase();
      const response = await unchangedBy(reference, () => post('assessor', reference, 'assessment', form));
      expectFormError(response, message, { field, kept });
      expect(titleOf(response.body)).toBe('Error: Record the assessment decision - Redress');
      if (form.decision === 'close-after-initial-enquiries') expect(response.body).toMatch(/value="close-after-initial-enquiries" checked/);
      if (form.reason) expect(response.body).toContain('value="late-complaint" selected');
    });
  });

  describe('allocation', () => {
    it('allocates to an investigator, then reallocates', async () => {
      const { reference } = await caseAt('awaiting-allocation');
      const page = await as.manager.get(caseUrl(reference, 'allocate'));
      expect(page.body).toContain('Ina Investigator (Investigation)');
      await followFlash('manager', await post('manager', reference, 'allocate', { investigatorId: String(t.staffIds.investigator) }), reference, 'Case allocated');
      const first = await caseRow(t, reference);
      expect([first.stage, first.owner_id]).toEqual(['investigation', t.staffIds.investigator]);
      expect((await as.investigator.get('/staff/my-cases')).body).toContain(reference);

      t.clock.advance(3_600_000);
      await followFlash('manager', await post('manager', reference, 'allocate', { investigatorId: String(t.staffIds.otherInvestigator) }), reference, 'Case allocated');
      const second = await caseRow(t, reference);
      expect([second.stage, second.owner_id]).toEqual(['investigation', t.staffIds.otherInvestigator]);
      expect(second.allocated_at).toEqual(first.allocated_at);
      expect((await as.investigator.get('/staff/my-cases')).body).not.toContain(reference);
      const events = await t.database.db.selectFrom('case_events').select(['kind', 'facts']).where('case_id', '=', second.id).where('kind', '=', 'allocated').orderBy('id').execute();
      expect(events.map((e) => (e.facts as { reallocation: boolean }).reallocation)).toEqual([false, true]);
    });

    it.each([
      ['nobody chosen', () => '', 'Select an investigator'],
      ['someone who is not an investigator', () => String(t.staffIds.manager), 'Select an investigator'],
      ['someone who does not exist', () => '424242', 'Select an investigator'],
    ] as [string, () => string, string][])('%s is refused with a message', async (_what, id, message) => {
      const { reference } = await sharedCase('awaiting-allocation');
      const response = await unchangedBy(reference, () => post('manager', reference, 'allocate', { investigatorId: id() }));
      expectFormError(response, message, { field: 'investigatorId' });
      expect(titleOf(response.body)).toBe('Error: Allocate to an investigator - Redress');
    });

    it('a deactivated investigator cannot be chosen', async () => {
      const { reference } = await caseAt('awaiting-allocation');
      // A deactivated investigator cannot be allocated to.
      await t.database.db.updateTable('staff_users').set({ active: false }).where('id', '=', t.staffIds.otherInvestigator).execute();
      try {
        const response = await unchangedBy(reference, () => post('manager', reference, 'allocate', { investigatorId: String(t.staffIds.otherInvestigator) }));
        expectFormError(response, 'Select an investigator', { field: 'investigatorId' });
      } finally {
        await t.database.db.updateTable('staff_users').set({ active: true }).where('id', '=', t.staffIds.otherInvestigator).execute();
      }
    });
  });

  describe('notes', () => {
    it('anyone working on cases can add a note; it is in the timeline', async () => {
      const { reference } = await caseAt();
      const page = await followFlash('intake', await post('intake', reference, 'note', { text: 'Complainant phoned <again> & asked for an update.' }), reference, 'Note added');
      expect(page.body).toContain(escapeHtml('Complainant phoned <again> & asked for an update.'));
      expect(await eventKinds(t, reference)).toEqual(['case-registered', 'note-added']);
    });

    it.each([
      ['an empty note', '  ', 'Enter the note'],
      ['a note that is too long', 'n'.repeat(20_001), 'Note must be 20,000 characters or fewer'],
    ])('%s is refused with a message', async (_what, text, message) => {
      const { reference } = await sharedCase();
      const response = await unchangedBy(reference, () => post('assessor', reference, 'note', { text }));
      expectFormError(response, message, { field: 'text', kept: text.trim() ? [text] : [] });
      expect(titleOf(response.body)).toBe('Error: Add a note - Redress');
    });
  });

  describe('enquiries to the body', () => {
    const enquiry = (overrides: Record<string, string> = {}): Record<string, string> => ({ bodyId: String(t.bodyIds[0]), question: 'Please send the care assessment of <March>.', ...dateFields(t, 'dueOn', 28), ...overrides });

    it('sends an enquiry and records the body’s response', async () => {
      const { reference } = await caseAt('investigation');
      const page = await followFlash('investigator', await post('investigator', reference, 'enquiry', enquiry()), reference, 'Enquiry recorded');
      expect(page.body).toContain('To Exampleshire County Council, sent 2 March 2026');
      expect(page.body).toContain(escapeHtml('Please send the care assessment of <March>.'));
      const enquiryRow = await t.database.db.selectFrom('enquiries').selectAll().where('case_id', '=', (await caseRow(t, reference)).id).executeTakeFirstOrThrow();
      expect(enquiryRow.due_on).toBe(addCalendarDays(today(t), 28));
      const responseUrl = caseUrl(reference, `enquiries/${enquiryRow.id}/response`);
      expect(page.body).toContain(`href="${responseUrl}"`);

      const form = await as.investigator.get(responseUrl);
      expect(form.statusCode).toBe(200);
      expect(titleOf(form.body)).toBe(escapeHtml('Record the body’s response - Redress'));
      expect(form.body).toContain(escapeHtml('Please send the care assessment of <March>.'));

      const empty = await unchangedBy(reference, () => as.investigator.post(responseUrl, { response: ' ' }));
      expectFormError(empty, 'Enter the body’s response', { field: 'response' });

      const done = await as.investigator.post(responseUrl, { response: 'Assessment attached.' });
      await followFlash('investigator', done, reference, 'Response recorded');
      expect(await eventKinds(t, reference)).toContain('enquiry-response-recorded');

      const again = await unchangedBy(reference, () => as.investigator.post(responseUrl, { response: 'A second answer' }));
      expectFormError(again, 'A response to this enquiry has already been recorded', { field: 'response', kept: ['A second answer'] });
    });

    it.each([
      ['no body chosen', { bodyId: '' }, 'Select the body', 'bodyId'],
      ['a body the complaint is not about', { bodyId: 'other' }, 'Select a body this complaint is about', 'bodyId'],
      ['no question', { question: '' }, 'Enter what you are asking the body', 'question'],
      ['no due date', { 'dueOn-day': '', 'dueOn-month': '', 'dueOn-year': '' }, 'Enter the date the response is due', 'dueOn'],
      ['an impossible due date', { 'dueOn-day': '31', 'dueOn-month': '4' }, 'The date the response is due must be a real date', 'dueOn'],
      ['a due date that has passed', { 'dueOn-day': '2', 'dueOn-month': '3', 'dueOn-year': '2026' }, 'The response due date must be in the future', 'dueOn'],
    ] as [string, Record<string, string>, string, string][])('%s is refused with a message', async (_what, changes, message, field) => {
      const { reference } = await sharedCase('investigation');
      const form = enquiry(changes.bodyId === 'other' ? { bodyId: String(t.bodyIds[3]) } : changes);
      const response = await unchangedBy(reference, () => post('investigator', reference, 'enquiry', form));
      expectFormError(response, message, { field, kept: form.question ? [form.question] : [] });
      expect(titleOf(response.body)).toBe('Error: Send an enquiry to the body - Redress');
      if (form['dueOn-year']) expect(response.body).toMatch(new RegExp(`name="dueOn-year"[^>]*value="${form['dueOn-year']}"`));
    });

    it('lists every missing answer at once', async () => {
      const { reference } = await sharedCase('investigation');
      const response = await unchangedBy(reference, () => post('investigator', reference, 'enquiry', {}));
      expect(response.statusCode).toBe(400);
      expect(errorSummaryOf(response.body).items.map((i) => i.text)).toEqual(expect.arrayContaining([
        'Select the body', 'Enter what you are asking the body', 'Enter the date the response is due',
      ]));
    });

    it('another case’s enquiry, or an enquiry id that is not a number, is not found', async () => {
      const { reference: other } = await caseAt('investigation');
      await sendEnquiry(t.services, other, actor(t, 'investigator'), { bodyId: t.bodyIds[0] as number, question: 'Q?', dueOn: addCalendarDays(today(t), 20) });
      const otherEnquiry = await t.database.db.selectFrom('enquiries').select('id').where('case_id', '=', (await caseRow(t, other)).id).executeTakeFirstOrThrow();
      const { reference } = await caseAt('investigation');
      await sendEnquiry(t.services, reference, actor(t, 'investigator'), { bodyId: t.bodyIds[0] as number, question: 'Mine?', dueOn: addCalendarDays(today(t), 20) });
      expectNotFound(await as.investigator.get(caseUrl(reference, `enquiries/${otherEnquiry.id}/response`)));
      const snapshotOther = await caseSnapshot(t, other);
      expectNotFound(await unchangedBy(reference, () => as.investigator.post(caseUrl(reference, `enquiries/${otherEnquiry.id}/response`), { response: 'Wrong case' })));
      expect(await caseSnapshot(t, other)).toEqual(snapshotOther);
      const seen = [];
      for (const id of ['abc', '1.5', '-1', '99999999999']) {
        seen.push({ id, get: (await as.investigator.get(caseUrl(reference, `enquiries/${id}/response`))).statusCode });
        seen.push({ id, post: (await unchangedBy(reference, () => as.investigator.post(caseUrl(reference, `enquiries/${id}/response`), { response: 'Nothing' }))).statusCode });
      }
      expect(seen).toEqual(['abc', '1.5', '-1', '99999999999'].flatMap((id) => [{ id, get: 404 }, { id, post: 404 }]));
    });
  });

  describe('draft decision', () => {
    const draft = (overrides: Record<string, string> = {}): Record<string, string> => ({ outcome: 'upheld-fault-no-injustice', reasons: 'The council delayed <by months>.', ...dateFields(t, 'commentsDueOn', 14), ...overrides });

    it('is shared by the investigator; the comments deadline is shown', async () => {
      const { reference } = await caseAt('investigation');
      const page = await followFlash('investigator', await post('investigator', reference, 'draft-decision', draft()), reference, 'Draft decision shared');
      expect(page.body).toContain('Comments on the draft decision');
      expect(page.body).toContain('16 March 2026');
      const row = await caseRow(t, reference);
      expect(row.stage).toBe('draft-decision');
      expect(row.draft_shared_at).not.toBeNull();
    });

    it.each([
      ['no outcome', { outcome: '' }, 'Select the outcome', 'outcome'],
      ['an outcome that is not a final decision', { outcome: 'advice-given' }, 'Select the outcome', 'outcome'],
      ['no reasons', { reasons: '' }, 'Enter the reasons for the decision', 'reasons'],
      ['no date for comments', { 'commentsDueOn-day': '', 'commentsDueOn-month': '', 'commentsDueOn-year': '' }, 'Enter the date comments are due', 'commentsDueOn'],
      ['comments due today', { 'commentsDueOn-day': '2', 'commentsDueOn-month': '3', 'commentsDueOn-year': '2026' }, 'The date for comments must be in the future', 'commentsDueOn'],
    ] as [string, Record<string, string>, string, string][])('%s is refused with a message', async (_what, changes, message, field) => {
      const { reference } = await sharedCase('investigation');
      const form = draft(changes);
      const response = await unchangedBy(reference, () => post('investigator', reference, 'draft-decision', form));
      expectFormError(response, message, { field, kept: form.reasons ? [form.reasons] : [] });
      expect(titleOf(response.body)).toBe('Error: Share a draft decision - Redress');
      if (form.outcome === 'upheld-fault-no-injustice') expect(response.body).toMatch(/value="upheld-fault-no-injustice" checked/);
    });

    it('lists every missing answer at once', async () => {
      const { reference } = await sharedCase('investigation');
      const response = await unchangedBy(reference, () => post('investigator', reference, 'draft-decision', {}));
      expect(response.statusCode).toBe(400);
      expect(errorSummaryOf(response.body).items.map((i) => i.text)).toEqual(expect.arrayContaining([
        'Select the outcome', 'Enter the reasons for the decision', 'Enter the date comments are due',
      ]));
    });
  });

  describe('final decision', () => {
    const remedy = (i: number, fields: Record<string, string>, dueInDays = 28) => ({
      ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [`remedies[${i}][${k}]`, v])),
      ...dateFields(t, `remedies-${i}-dueOn`, dueInDays),
    });

    it('with remedies, moves the case to checking remedies', async () => {
      const { reference } = await caseAt('draft-decision');
      const response = await post('investigator', reference, 'final-decision', {
        outcome: 'upheld-fault-injustice', reasons: 'Fault causing injustice.',
        ...remedy(0, { kind: 'financial-payment', description: 'Pay for the distress caused', amount: '£1,250.50' }),
        ...remedy(1, { kind: 'apology', description: 'Apologise in writing', amount: '' }),
      });
      const page = await followFlash('investigator', response, reference, 'Final decision issued');
      expect(page.body).toContain('Checking remedies');
      expect(page.body).toContain('£1,250.50');
      expect(page.body).toContain('Apologise in writing');
      const row = await caseRow(t, reference);
      expect([row.stage, row.outcome]).toEqual(['compliance', 'upheld-fault-injustice']);
      const remedies = await t.database.db.selectFrom('remedies').select(['kind', 'amount_pence', 'due_on', 'status']).where('case_id', '=', row.id).orderBy('id').execute();
      expect(remedies).toEqual([
        { kind: 'financial-payment', amount_pence: 125_050, due_on: addCalendarDays(today(t), 28), status: 'pending' },
        { kind: 'apology', amount_pence: null, due_on: addCalendarDays(today(t), 28), status: 'pending' },
      ]);
    });

    it('not upheld, with no remedies, closes the case', async () => {
      const { reference } = await caseAt('draft-decision');
      await followFlash('manager', await post('manager', reference, 'final-decision', { outcome: 'not-upheld', reasons: 'No fault.' }), reference, 'Final decision issued');
      const row = await caseRow(t, reference);
      expect([row.stage, row.outcome]).toEqual(['closed', 'not-upheld']);
      expect(await eventKinds(t, reference)).toEqual(expect.arrayContaining(['final-decision-issued', 'case-closed']));
    });

    it('a payment split between two bodies must add up', async () => {
      const [first, second] = [t.bodyIds[0] as number, t.bodyIds[1] as number];
      const { reference } = await caseAt('draft-decision', { bodyIds: [first, second] });
      const base = { outcome: 'upheld-fault-injustice', reasons: 'Both at fault.', ...remedy(0, { kind: 'financial-payment', description: 'Pay £300', amount: '300' }) };
      const wrong = await unchangedBy(reference, () => post('investigator', reference, 'final-decision', { ...base, [`remedies[0][share][${first}]`]: '100', [`remedies[0][share][${second}]`]: '100' }));
      expectFormError(wrong, 'The bodies’ shares must add up to the amount of the payment', { field: 'remedies-0-share', kept: ['Both at fault.', 'Pay £300'] });
      const right = await post('investigator', reference, 'final-decision', { ...base, [`remedies[0][share][${first}]`]: '100', [`remedies[0][share][${second}]`]: '200' });
      expect(right.statusCode).toBe(303);
      const shares = await t.database.db.selectFrom('remedy_shares').select(['body_id', 'amount_pence']).orderBy('body_id').execute();
      expect(shares).toEqual(expect.arrayContaining([{ body_id: first, amount_pence: 10_000 }, { body_id: second, amount_pence: 20_000 }]));
    });

    it.each([
      ['no outcome', { outcome: '' }, 'Select the outcome', 'outcome'],
      ['no reasons', { reasons: ' ' }, 'Enter the reasons for the decision', 'reasons'],
      ['fault and injustice with no remedy', { 'remedies[0][kind]': '' }, 'Recommend at least one remedy for fault causing injustice', 'remedies'],
      ['not upheld with a remedy', { outcome: 'not-upheld' }, 'A complaint that is not upheld has no remedies', 'remedies'],
      ['a remedy of an unknown kind', { 'remedies[0][kind]': 'bribe' }, 'Select the kind of remedy', 'remedies-0-kind'],
      ['a remedy with no description', { 'remedies[0][description]': '' }, 'Describe the remedy', 'remedies-0-description'],
      ['a payment with no amount', { 'remedies[0][amount]': '' }, 'Enter the amount of the payment', 'remedies-0-amountPence'],
      ['an amount that is not money', { 'remedies[0][amount]': 'lots' }, 'Enter an amount in pounds, like 250 or 250.50', 'remedies-0-amountPence'],
      ['an amount of nothing', { 'remedies[0][amount]': '0' }, 'Enter an amount greater than £0', 'remedies-0-amountPence'],
      ['an amount over a million pounds', { 'remedies[0][amount]': '1,000,000.01' }, 'Enter an amount of £1,000,000 or less', 'remedies-0-amountPence'],
      ['an apology with an amount', { 'remedies[0][kind]': 'apology' }, 'Only a financial payment has an amount', 'remedies-0-amountPence'],
      ['a remedy with no due date', { 'remedies-0-dueOn-day': '', 'remedies-0-dueOn-month': '', 'remedies-0-dueOn-year': '' }, 'Enter the date the remedy is due', 'remedies-0-dueOn'],
      ['a remedy due today', { 'remedies-0-dueOn-day': '2', 'remedies-0-dueOn-month': '3', 'remedies-0-dueOn-year': '2026' }, 'A remedy’s due date must be in the future', 'remedies-0-dueOn'],
    ] as [string, Record<string, string>, string, string][])('%s is refused with a message', async (_what, changes, message, field) => {
      const { reference } = await sharedCase('draft-decision');
      const form: Record<string, string> = { outcome: 'upheld-fault-injustice', reasons: 'Fault <and> injustice.', ...remedy(0, { kind: 'financial-payment', description: 'Pay £250 for "distress"', amount: '250' }), ...changes };
      const response = await unchangedBy(reference, () => post('investigator', reference, 'final-decision', form));
      expectFormError(response, message, { field });
      expect(titleOf(response.body)).toBe('Error: Issue the final decision - Redress');
      for (const kept of [form.reasons, form['remedies[0][description]'], form['remedies[0][amount]']]) if (kept?.trim()) expect(response.body).toContain(escapeHtml(kept));
      if (form['remedies[0][kind]'] === 'financial-payment') expect(response.body).toContain('value="financial-payment" selected');
    });
  });

  describe('compliance with remedies', () => {
    it('is recorded remedy by remedy; the case closes with the last', async () => {
      const { reference } = await caseAt('draft-decision');
      await post('investigator', reference, 'final-decision', {
        outcome: 'upheld-fault-injustice', reasons: 'Fault.',
        'remedies[0][kind]': 'apology', 'remedies[0][description]': 'Apologise', ...dateFields(t, 'remedies-0-dueOn', 10),
        'remedies[1][kind]': 'training', 'remedies[1][description]': 'Train staff', ...dateFields(t, 'remedies-1-dueOn', 10),
      });
      const remedies = await t.database.db.selectFrom('remedies').select('id').where('case_id', '=', (await caseRow(t, reference)).id).orderBy('id').execute();
      const [first, second] = remedies.map((r) => caseUrl(reference, `remedies/${r.id}/compliance`));
      const casePage = await as.investigator.get(caseUrl(reference));
      expect(casePage.body).toContain(`href="${first}"`);
      const form = await as.investigator.get(first as string);
      expect(form.statusCode).toBe(200);
      expect(titleOf(form.body)).toBe('Record compliance with a remedy - Redress');
      expect(form.body).toContain('Apologise');

      const settled = { complied: 'yes', ...dateFields(t, 'settledOn', 0), evidence: 'Letter of apology seen' };
      await followFlash('investigator', await as.investigator.post(first as string, settled), reference, 'Compliance recorded: complied on time');
      expect((await caseRow(t, reference)).stage).toBe('compliance');
      await followFlash('investigator', await as.investigator.post(second as string, { ...settled, complied: 'no', evidence: 'The council refused' }), reference, 'Compliance recorded: not complied');
      const row = await caseRow(t, reference);
      expect(row.stage).toBe('closed');
      expect((await eventKinds(t, reference)).slice(-3)).toEqual(['compliance-recorded', 'compliance-recorded', 'case-closed']);

      const again = await unchangedBy(reference, () => as.investigator.post(first as string, settled));
      expectConflict(again, 'Compliance can be recorded only after the final decision');
    });

    it.each([
      ['no answer', { complied: '' }, 'Select whether the body carried out the remedy', 'complied'],
      ['no date', { 'settledOn-day': '', 'settledOn-month': '', 'settledOn-year': '' }, 'Enter the date the remedy was settled', 'settledOn'],
      ['a date in the future', { 'settledOn-day': '3', 'settledOn-month': '3', 'settledOn-year': '2026' }, 'The date must be today or in the past', 'settledOn'],
      ['no evidence', { evidence: '' }, 'Describe the evidence of compliance, or why the body did not comply', 'evidence'],
    ] as [string, Record<string, string>, string, string][])('%s is refused with a message', async (_what, changes, message, field) => {
      const { reference, remedyIds } = await sharedCase('compliance');
      const url = caseUrl(reference, `remedies/${remedyIds[0]}/compliance`);
      const form = { complied: 'yes', ...dateFields(t, 'settledOn', -1), evidence: 'Payment <receipt> seen', ...changes };
      const response = await unchangedBy(reference, () => as.investigator.post(url, form));
      expectFormError(response, message, { field, kept: form.evidence ? [form.evidence] : [] });
      expect(titleOf(response.body)).toBe('Error: Record compliance with a remedy - Redress');
      if (form.complied === 'yes') expect(response.body).toMatch(/value="yes" checked/);
    });

    it('another case’s remedy, or a remedy id that is not a number, is not found', async () => {
      const { reference: other, remedyIds: [otherRemedy] } = await caseAt('compliance');
      const { reference } = await caseAt('compliance');
      const settled = { complied: 'yes', ...dateFields(t, 'settledOn', 0), evidence: 'Seen' };
      const otherBefore = await caseSnapshot(t, other);
      expectNotFound(await as.investigator.get(caseUrl(reference, `remedies/${otherRemedy}/compliance`)));
      expectNotFound(await unchangedBy(reference, () => as.investigator.post(caseUrl(reference, `remedies/${otherRemedy}/compliance`), settled)));
      expect(await caseSnapshot(t, other)).toEqual(otherBefore);
      const seen = [];
      for (const id of ['abc', '1.5', '-1', '99999999999']) {
        seen.push({ id, get: (await as.investigator.get(caseUrl(reference, `remedies/${id}/compliance`))).statusCode });
        seen.push({ id, post: (await unchangedBy(reference, () => as.investigator.post(caseUrl(reference, `remedies/${id}/compliance`), settled))).statusCode });
      }
      expect(seen).toEqual(['abc', '1.5', '-1', '99999999999'].flatMap((id) => [{ id, get: 404 }, { id, post: 404 }]));
    });
  });

  describe('the clock', () => {
    it('needs a reason to stop', async () => {
      const { reference } = await sharedCase();
      const response = await unchangedBy(reference, () => post('assessor', reference, 'stop-clock', { reason: '' }));
      expectFormError(response, 'Enter why the clock is being stopped', { field: 'reason' });
      expect(titleOf(response.body)).toBe('Error: Stop the clock - Redress');
    });

    it('stops, refuses to stop twice, and on restart moves the deadline by the working days it was stopped', async () => {
      const started = t.clock.now();
      // Received Friday 27 February 2026: due Friday 27 March.
      const reference = await registerCase(t, { receivedAt: new Date('2026-02-27T16:00:00Z') });
      expect((await caseRow(t, reference)).assessment_due_on).toBe('2026-03-27');
      try {
        const stopped = await followFlash('assessor', await post('assessor', reference, 'stop-clock', { reason: 'Waiting for <consent>' }), reference, 'Clock stopped');
        expect(stopped.body).toContain('Clock stopped');
        expect((await caseRow(t, reference)).clock_stopped_at).toEqual(started);

        const twice = await unchangedBy(reference, () => post('assessor', reference, 'stop-clock', { reason: 'Again' }));
        expectConflict(twice, 'The clock is already stopped');

        const draftWhileStopped = await caseAt('investigation');
        await stopClock(t.services, draftWhileStopped.reference, actor(t, 'investigator'), { reason: 'Waiting' });
        const refusedDraft = await unchangedBy(draftWhileStopped.reference, () => post('investigator', draftWhileStopped.reference, 'draft-decision', {
          outcome: 'not-upheld', reasons: 'No fault', ...dateFields(t, 'commentsDueOn', 14),
        }));
        expectConflict(refusedDraft, 'Restart the clock first: it was stopped');

        // A week later: Monday 2 March to Monday 9 March is 5 working days.
        t.clock.advance(WEEK);
        const restartPage = await as.assessor.get(caseUrl(reference, 'restart-clock'));
        expect(restartPage.body).toContain(escapeHtml('The clock was stopped on 2 March 2026: Waiting for <consent>'));
        const restarted = await followFlash('assessor', await post('assessor', reference, 'restart-clock', {}), reference, 'Clock restarted and deadline recalculated');
        // 27 March + 5 working days, skipping Good Friday (3 April) and Easter Monday (6 April).
        const row = await caseRow(t, reference);
        expect(row.assessment_due_on).toBe('2026-04-07');
        expect(row.clock_stopped_at).toBeNull();
        expect(restarted.body).toContain('Stopped for 5 working day(s); deadline now 7 April 2026');
        expect(restarted.body).toContain('This includes 5 working days added because the clock was stopped.');
        const stop = await t.database.db.selectFrom('clock_stops').selectAll().where('case_id', '=', row.id).executeTakeFirstOrThrow();
        expect(stop.working_days_stopped).toBe(5);
        expect((await eventKinds(t, reference)).slice(-2)).toEqual(['clock-stopped', 'clock-restarted']);

        const again = await unchangedBy(reference, () => post('assessor', reference, 'restart-clock', {}));
        expectConflict(again, 'The clock is running: there is nothing to restart');
      } finally {
        t.clock.set(started);
      }
    });
  });

  describe('joint working with the health ombudsman', () => {
    const consent = (overrides: Record<string, string> = {}): Record<string, string> => ({ consentToJoint: 'yes', consentToShare: 'yes', ...dateFields(t, 'consentGivenOn', -3), ...overrides });

    it('starts with both consents and a date, moving the case to the joint queue; ends with a reason', async () => {
      const { reference } = await caseAt();
      expect((await as.assessor.get('/staff/queues/assessment')).body).toContain(reference);
      const page = await followFlash('assessor', await post('assessor', reference, 'start-joint', consent()), reference, 'Case is now joint with the health ombudsman');
      expect(page.body).toContain('Joint with health ombudsman');
      const row = await caseRow(t, reference);
      expect([row.joint, row.team]).toEqual([true, 'joint']);
      const joint = await as.assessor.get('/staff/queues/joint');
      expect(joint.statusCode).toBe(200);
      expect(titleOf(joint.body)).toBe('Joint working queue - Redress');
      expect(joint.body).toContain(reference);
      expect((await as.assessor.get('/staff/queues/assessment')).body).not.toContain(reference);

      const twice = await unchangedBy(reference, () => post('assessor', reference, 'start-joint', consent()));
      expectConflict(twice, 'This case is already joint with the health ombudsman');

      const noReason = await unchangedBy(reference, () => post('assessor', reference, 'end-joint', { reason: ' ' }));
      expectFormError(noReason, 'Enter why joint working is ending', { field: 'reason' });
      expect(titleOf(noReason.body)).toBe('Error: End joint working - Redress');

      await followFlash('assessor', await post('assessor', reference, 'end-joint', { reason: 'Consent withdrawn' }), reference, 'Joint working ended');
      const ended = await caseRow(t, reference);
      expect([ended.joint, ended.team]).toEqual([false, 'assessment']);
      expect((await as.assessor.get('/staff/queues/joint')).body).not.toContain(reference);
      expect((await as.assessor.get('/staff/queues/assessment')).body).toContain(reference);

      const endTwice = await unchangedBy(reference, () => post('assessor', reference, 'end-joint', { reason: 'Again' }));
      expectConflict(endTwice, 'This case is not joint with the health ombudsman');
    });

    it.each([
      ['no consent to joint working', { consentToJoint: '' }, 'Confirm the complainant consented to joint consideration', 'consentToJoint'],
      ['no consent to sharing', { consentToShare: '' }, 'Confirm the complainant consented to sharing information with the health ombudsman', 'consentToShare'],
      ['no date', { 'consentGivenOn-day': '', 'consentGivenOn-month': '', 'consentGivenOn-year': '' }, 'Enter the date consent was given', 'consentGivenOn'],
      ['a date in the future', { 'consentGivenOn-day': '4', 'consentGivenOn-month': '3', 'consentGivenOn-year': '2026' }, 'The date consent was given must be today or in the past', 'consentGivenOn'],
    ] as [string, Record<string, string>, string, string][])('%s is refused with a message', async (_what, changes, message, field) => {
      const { reference } = await sharedCase();
      const form = consent(changes);
      const response = await unchangedBy(reference, () => post('assessor', reference, 'start-joint', form));
      expectFormError(response, message, { field });
      expect(titleOf(response.body)).toBe('Error: Make this a joint case with the health ombudsman - Redress');
      if (form.consentToJoint) expect(response.body).toMatch(/name="consentToJoint" type="checkbox" value="yes" checked/);
      if (form['consentGivenOn-day']) expect(response.body).toMatch(new RegExp(`name="consentGivenOn-day"[^>]*value="${form['consentGivenOn-day']}"`));
    });

    it('lists every missing answer at once', async () => {
      const { reference } = await sharedCase();
      const response = await unchangedBy(reference, () => post('assessor', reference, 'start-joint', {}));
      expect(response.statusCode).toBe(400);
      expect(errorSummaryOf(response.body).items.map((i) => i.text)).toEqual(expect.arrayContaining([
        'Confirm the complainant consented to joint consideration',
        'Confirm the complainant consented to sharing information with the health ombudsman',
        'Enter the date consent was given',
      ]));
    });
  });

  describe('actions the lifecycle does not allow now', () => {
    it.each([
      ['a final decision before a draft', 'investigation', 'investigator', 'final-decision', () => ({ outcome: 'not-upheld', reasons: 'No fault' }), 'Share a draft decision with the parties before the final decision'],
      ['allocating a case still in assessment', undefined, 'manager', 'allocate', () => ({ investigatorId: String(t.staffIds.investigator) }), 'Only cases passed for investigation can be allocated'],
      ['assessing a closed case', 'closed', 'assessor', 'assessment', () => ({ decision: 'pass-for-investigation' }), 'Only cases in assessment can be passed for investigation'],
      ['assessing a case already passed on', 'awaiting-allocation', 'assessor', 'assessment', () => ({ decision: 'refer-back-for-local-resolution', explanation: 'x' }), 'Only cases in assessment can be referred back for local resolution'],
      ['a draft decision on a case in assessment', undefined, 'manager', 'draft-decision', () => ({ outcome: 'not-upheld', reasons: 'r', ...dateFields(t, 'commentsDueOn', 14) }), 'A draft decision can be shared only on a case under investigation'],
      ['a note on a closed case', 'closed', 'assessor', 'note', () => ({ text: 'Too late' }), 'Notes cannot be added to a closed case'],
      ['stopping the clock on a closed case', 'closed', 'assessor', 'stop-clock', () => ({ reason: 'r' }), 'The clock can be stopped only before the final decision'],
      ['restarting a clock that is running', undefined, 'assessor', 'restart-clock', () => ({}), 'The clock is running: there is nothing to restart'],
      ['joint working on a closed case', 'closed', 'assessor', 'start-joint', () => ({ consentToJoint: 'yes', consentToShare: 'yes', ...dateFields(t, 'consentGivenOn', 0) }), 'Joint working can start only before the final decision'],
      ['ending joint working on a case that is not joint', undefined, 'assessor', 'end-joint', () => ({ reason: 'r' }), 'This case is not joint with the health ombudsman'],
      ['an enquiry once the final decision is issued', 'compliance', 'investigator', 'enquiry', () => ({ bodyId: String(t.bodyIds[0]), question: 'q', ...dateFields(t, 'dueOn', 20) }), 'Enquiries can be sent only before the final decision'],
    ] as [string, Milestone | undefined, TestStaffName, string, () => Record<string, string>, string][])('%s is refused (409) and changes nothing', async (_what, stage, who, action, form, message) => {
      const { reference } = await sharedCase(stage);
      const response = await unchangedBy(reference, () => post(who, reference, action, form()));
      expectConflict(response, message);
    });
  });

  describe('who may act', () => {
    it.each([
      ['intake', 'assessment', undefined, () => ({ decision: 'pass-for-investigation' })],
      ['investigator', 'assessment', undefined, () => ({ decision: 'pass-for-investigation' })],
      ['admin', 'assessment', undefined, () => ({ decision: 'pass-for-investigation' })],
      ['assessor', 'allocate', 'awaiting-allocation', () => ({ investigatorId: String(t.staffIds.investigator) })],
      ['investigator', 'allocate', 'awaiting-allocation', () => ({ investigatorId: String(t.staffIds.investigator) })],
      ['assessor', 'draft-decision', 'investigation', () => ({ outcome: 'not-upheld', reasons: 'r', ...dateFields(t, 'commentsDueOn', 14) })],
      ['intake', 'draft-decision', 'investigation', () => ({ outcome: 'not-upheld', reasons: 'r', ...dateFields(t, 'commentsDueOn', 14) })],
      ['assessor', 'final-decision', 'draft-decision', () => ({ outcome: 'not-upheld', reasons: 'r' })],
      ['intake', 'stop-clock', undefined, () => ({ reason: 'r' })],
      ['admin', 'stop-clock', undefined, () => ({ reason: 'r' })],
      ['intake', 'start-joint', undefined, () => ({ consentToJoint: 'yes', consentToShare: 'yes', ...dateFields(t, 'consentGivenOn', 0) })],
      ['admin', 'note', undefined, () => ({ text: 'A note' })],
      ['intake', 'enquiry', undefined, () => ({ bodyId: String(t.bodyIds[0]), question: 'q', ...dateFields(t, 'dueOn', 20) })],
    ] as [TestStaffName, string, Milestone | undefined, () => Record<string, string>][])('%s may not %s: 403 and nothing changes', async (who, action, stage, form) => {
      const { reference } = await sharedCase(stage);
      const response = await unchangedBy(reference, () => post(who, reference, action, form()));
      expectForbidden(response, 'You do not have permission to do this');
    });

    it.each([
      ['stop-clock', 'investigation', () => ({ reason: 'r' })],
      ['enquiry', 'investigation', () => ({ bodyId: String(t.bodyIds[0]), question: 'q', ...dateFields(t, 'dueOn', 20) })],
      ['draft-decision', 'investigation', () => ({ outcome: 'not-upheld', reasons: 'r', ...dateFields(t, 'commentsDueOn', 14) })],
      ['start-joint', 'investigation', () => ({ consentToJoint: 'yes', consentToShare: 'yes', ...dateFields(t, 'consentGivenOn', 0) })],
      ['final-decision', 'draft-decision', () => ({ outcome: 'not-upheld', reasons: 'r' })],
    ] as [string, Milestone, () => Record<string, string>][])('an investigator may not %s on a case allocated to someone else', async (action, stage, form) => {
      const { reference } = await sharedCase(stage);
      const response = await unchangedBy(reference, () => post('otherInvestigator', reference, action, form()));
      expectForbidden(response, 'Only the investigator the case is allocated to can do this');
    });

    it('an investigator may not record compliance on a case allocated to someone else', async () => {
      const { reference, remedyIds } = await sharedCase('compliance');
      const response = await unchangedBy(reference, () => as.otherInvestigator.post(caseUrl(reference, `remedies/${remedyIds[0]}/compliance`), {
        complied: 'yes', ...dateFields(t, 'settledOn', 0), evidence: 'Seen',
      }));
      expectForbidden(response, 'Only the investigator the case is allocated to can do this');
    });

    it('a joint case in investigation stays in the joint queue when allocated', async () => {
      const { reference } = await caseAt();
      await startJointWorking(t.services, reference, actor(t, 'assessor'), { consentToJoint: 'yes', consentToShare: 'yes', consentGivenOn: today(t) });
      await advanceCase(t, reference, 'investigation');
      expect((await as.manager.get('/staff/queues/joint')).body).toContain(reference);
    });
  });

  describe('forms from elsewhere and cases that do not exist', () => {
    it('a form without its CSRF token, or with another session’s, is refused and writes nothing', async () => {
      const { reference } = await sharedCase();
      const before = await tally(t);
      expectCsrfRefused(await unchangedBy(reference, () => as.assessor.post(caseUrl(reference, 'note'), { text: 'No token' }, { csrf: false })));
      expectCsrfRefused(await unchangedBy(reference, () => as.assessor.post(caseUrl(reference, 'note'), { text: 'Bad token', _csrf: 'not-a-token' }, { csrf: false })));
      expectCsrfRefused(await unchangedBy(reference, () => as.assessor.post(caseUrl(reference, 'note'), { text: 'Stolen token', _csrf: as.intake.csrf }, { csrf: false })));
      expectCsrfRefused(await unchangedBy(reference, () => as.assessor.post(caseUrl(reference, 'stop-clock'), { reason: 'No token' }, { csrf: false })));
      expect(await tally(t)).toEqual(before);
    });

    it('an unknown case reference is not found, for pages and forms alike', async () => {
      const before = await tally(t);
      expectNotFound(await as.assessor.get('/staff/cases/26999999'));
      expectNotFound(await as.assessor.get('/staff/cases/26999999/note'));
      expectNotFound(await as.assessor.post('/staff/cases/26999999/note', { text: 'Lost' }));
      expectNotFound(await as.assessor.post('/staff/cases/26999999/stop-clock', { reason: 'Lost' }));
      expect(await tally(t)).toEqual(before);
    });

    it.each(['abc', '2600000', '260000001', '26-000-001', 'DROP%20TABLE', '%25', '%2e%2e', '26%00000001'])('a malformed reference (%s) is not found', async (raw) => {
      expectNotFound(await as.assessor.get(`/staff/cases/${raw}`));
      expectNotFound(await as.assessor.get(`/staff/cases/${raw}/note`));
    });

    it('a reference typed with spaces finds the case', async () => {
      const { reference } = await caseAt();
      const page = await as.assessor.get(`/staff/cases/${encodeURIComponent(reference)}`);
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe(`Case ${reference} - Redress`);
    });
  });
});
