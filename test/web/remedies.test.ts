import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInAs, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { expectCsrfRefused, expectForbidden, expectFormError, expectNotFound, expectSignInRedirect, titleOf } from './support.ts';
import { addLinkOfficer, decidedCase, eventsOf, settle, type DecidedCase } from '../services/remedies-fixtures.ts';
import { markDelayedRemedies } from '../../src/services/remedies/delayed.ts';

describe.each(testEngines)('remedy follow-up pages on %s', (engine) => {
  let t: TestApp;
  let overdue: DecidedCase; // body 0, no link officer: apology 10 days overdue, a service improvement due soon
  let reminded: DecidedCase; // body 1, with a link officer: payment overdue, another investigator's case
  let delayed: DecidedCase; // body 2: outstanding since December 2024, delayed
  let settled: DecidedCase; // body 0: apology carried out late; the case is closed

  beforeAll(async () => {
    // Monday 2 March 2026.
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'));
    const [b0, b1, b2] = t.bodyIds as [number, number, number];
    await addLinkOfficer(t, b1);
    overdue = await decidedCase(t, { decidedOn: '2026-01-20', bodyIds: [b0], remedies: [
      { kind: 'apology', dueOn: '2026-02-20', description: 'Apologise to Mr Sample in writing' },
      { kind: 'service-improvement', dueOn: '2026-03-10', description: 'Remind officers to log every repair request' },
    ] });
    reminded = await decidedCase(t, { decidedOn: '2025-12-15', bodyIds: [b1], investigator: 'otherInvestigator', remedies: [{ kind: 'financial-payment', dueOn: '2026-01-15', amountPence: 30_000 }] });
    delayed = await decidedCase(t, { decidedOn: '2024-11-01', bodyIds: [b2], remedies: [{ kind: 'procedure-review', dueOn: '2024-12-01' }] });
    settled = await decidedCase(t, { decidedOn: '2026-01-25', bodyIds: [b0], remedies: [{ kind: 'apology', dueOn: '2026-02-25' }] });
    await settle(t, settled.reference, settled.remedyIds[0] as number, '2026-02-27');
    await markDelayedRemedies(t.services, t.clock.now());
  });
  afterAll(async () => t?.dispose());

  const satisfactionUrl = (c: DecidedCase) => `/staff/cases/${c.reference.replace(/\s/g, '')}/remedies/${c.remedyIds[0]}/satisfaction`;
  const caseRemediesUrl = (c: DecidedCase) => `/staff/cases/${c.reference.replace(/\s/g, '')}/remedies`;
  const delayedUrl = () => `/staff/remedies/${delayed.remedyIds[0]}/delayed-due-date`;

  it('sends anyone not signed in to sign in, and refuses staff without the role', async () => {
    const anonymous = new Browser(t.app);
    for (const url of ['/staff/remedies', caseRemediesUrl(overdue), satisfactionUrl(settled), delayedUrl(), '/staff/remedies?format=csv']) {
      expectSignInRedirect(await anonymous.get(url), url);
    }
    expectSignInRedirect(await anonymous.post(satisfactionUrl(settled), { satisfaction: 'satisfied' }, { csrf: false }), '/staff');
    for (const who of ['intake', 'admin'] as const) {
      const browser = await signedInAs(t.app, who);
      expectForbidden(await browser.get('/staff/remedies'));
      expectForbidden(await browser.get('/staff/remedies?format=csv'));
      expectForbidden(await browser.get(caseRemediesUrl(overdue)));
      expectForbidden(await browser.get(satisfactionUrl(settled)));
      expectForbidden(await browser.get(delayedUrl()));
    }
    // An investigator judges the evidence on their own cases only, and cannot set a delayed due date.
    const other = await signedInAs(t.app, 'otherInvestigator');
    expectForbidden(await other.get(satisfactionUrl(settled)));
    await other.get('/staff/remedies');
    expectForbidden(await other.post(satisfactionUrl(settled), { satisfaction: 'satisfied' }));
    expectForbidden(await other.get(delayedUrl()));
    expectForbidden(await other.post(delayedUrl(), { 'dueOn-day': '1', 'dueOn-month': '8', 'dueOn-year': '2026', reason: 'x' }));
    expect(await eventsOf(t, settled.caseId, 'remedy-satisfaction-recorded')).toEqual([]);
    expect(await eventsOf(t, delayed.caseId, 'remedy-delayed-due-date-set')).toEqual([]);
  });

  it('lists overdue remedies with days overdue, caseworker, reminders and delayed ones, by body and caseworker', async () => {
    const browser = await signedInAs(t.app, 'assessor');
    const page = await browser.get('/staff/remedies');
    expect({ status: page.statusCode, title: titleOf(page.body) }).toEqual({ status: 200, title: 'Overdue remedies - Redress' });
    for (const c of [overdue, reminded, delayed]) expect(page.body).toContain(c.reference);
    expect(page.body).not.toContain(settled.reference);
    expect(page.body).toContain('No link officer');
    expect(page.body).toContain('Delayed: now due 2 June 2026');
    expect(page.body).toMatch(/govuk-table__cell--numeric">10</);
    expect(page.body).toContain('Otto Investigator');
    expect(page.body).toContain('Overdue (3)');
    expect(page.body).toContain('Due soon (1)');

    const byBody = await browser.get(`/staff/remedies?body=${t.bodyIds[1]}`);
    expect(byBody.body).toContain(reminded.reference);
    expect(byBody.body).not.toContain(overdue.reference);
    const byCaseworker = await browser.get(`/staff/remedies?caseworker=${t.staffIds.otherInvestigator}`);
    expect(byCaseworker.body).toContain(reminded.reference);
    expect(byCaseworker.body).not.toContain(delayed.reference);
    const delayedOnly = await browser.get('/staff/remedies?view=delayed');
    expect(delayedOnly.body).toContain(delayed.reference);
    expect(delayedOnly.body).not.toContain(reminded.reference);
    const dueSoon = await browser.get('/staff/remedies?view=due-soon');
    expect(dueSoon.body).toContain('Service improvement');
    expect(dueSoon.body).toContain('16 March 2026');
    // Nonsense in the query string is ignored, never an error.
    for (const query of ['?view=everything&body=abc&caseworker=-1&page=zzz', '?body=99999999999999&page=-4', '?page=1e9']) {
      expect((await browser.get(`/staff/remedies${query}`)).statusCode).toBe(200);
    }
  });

  it('downloads the list as CSV, with the filters applied', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const csv = await browser.get('/staff/remedies?format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="remedies-overdue.csv"');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('case_reference,body_code,body_name,remedy_kind,amount_pence,due_on,days_overdue,delayed,delayed_due_on,caseworker,link_officers,last_reminder_at');
    expect(lines.length).toBe(4);
    expect(lines[1]).toContain(`${delayed.reference},`);
    expect(lines[1]).toContain(',procedure-review,,2024-12-01,456,yes,2026-06-02,Ina Investigator,0,');
    expect(csv.body).not.toContain('Mr Sample');
    const filtered = await browser.get(`/staff/remedies?format=csv&view=delayed&caseworker=${t.staffIds.otherInvestigator}`);
    expect(filtered.body.trim().split('\n').length).toBe(1);
  });

  it('shows a case’s remedies with their reminders and link officers', async () => {
    const browser = await signedInAs(t.app, 'investigator');
    const page = await browser.get(caseRemediesUrl(overdue));
    expect({ status: page.statusCode, title: titleOf(page.body) }).toEqual({ status: 200, title: `Remedies: case ${overdue.reference} - Redress` });
    expect(page.body).toContain('Overdue by 10 days');
    expect(page.body).toContain('Apologise to Mr Sample in writing');
    expect(page.body).toContain('No link officer');
    expect(page.body).toContain('Next: due soon (5 working days before), 3 March 2026 (not sent: no link officer)');
    expect(page.body).toContain('Record compliance');
    expectNotFound(await browser.get('/staff/cases/99999999/remedies'));
    expectNotFound(await browser.get('/staff/cases/not-a-reference/remedies'));
  });

  it('records satisfaction with the evidence, after the case has closed, keeping what was typed when something is missing', async () => {
    const browser = await signedInAs(t.app, 'investigator');
    const form = await browser.get(satisfactionUrl(settled));
    expect({ status: form.statusCode, title: titleOf(form.body) }).toEqual({ status: 200, title: 'Did the evidence satisfy us? - Redress' });
    const missing = await browser.post(satisfactionUrl(settled), { note: 'The <letter> came late' });
    expectFormError(missing, 'Select whether the evidence of compliance satisfied us', { field: 'satisfaction', kept: ['The <letter> came late'] });
    expectCsrfRefused(await browser.post(satisfactionUrl(settled), { satisfaction: 'satisfied' }, { csrf: false }));
    const done = await browser.post(satisfactionUrl(settled), { satisfaction: 'partly-satisfied', note: 'The letter came late' });
    expect({ status: done.statusCode, location: done.headers.location }).toEqual({ status: 303, location: caseRemediesUrl(settled) });
    const after = await browser.get(caseRemediesUrl(settled));
    expect(after.body).toContain('Recorded: partly satisfied with the evidence');
    expect(after.body).toContain('Partly satisfied, recorded 2 March 2026');
    const events = await eventsOf(t, settled.caseId, 'remedy-satisfaction-recorded');
    expect(events.map((e) => [e.facts.satisfaction, e.detail_text])).toEqual([['partly-satisfied', 'The letter came late']]);
    // A remedy not yet carried out has no evidence to judge.
    const notYet = await browser.get(satisfactionUrl(overdue));
    expect(notYet.statusCode).toBe(409);
    expect(notYet.body).toContain('Record that the body carried out the remedy before judging its evidence');
    expectNotFound(await browser.get(`/staff/cases/${settled.reference.replace(/\s/g, '')}/remedies/abc/satisfaction`));
    expectNotFound(await browser.get(`/staff/cases/${settled.reference.replace(/\s/g, '')}/remedies/${overdue.remedyIds[0]}/satisfaction`));
  });

  it('lets a manager set a delayed remedy’s due date, with every mistake reported and the input kept', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const form = await browser.get(delayedUrl());
    expect({ status: form.statusCode, title: titleOf(form.body) }).toEqual({ status: 200, title: 'Set the delayed remedy’s due date - Redress' });
    expect(form.body).toContain('Delayed since 2 March 2026; now due 2 June 2026');
    const empty = await browser.post(delayedUrl(), { 'dueOn-day': '', 'dueOn-month': '', 'dueOn-year': '', reason: '' });
    expectFormError(empty, 'Enter the new due date', { field: 'dueOn' });
    expectFormError(empty, 'Explain why the due date is changing', { field: 'reason' });
    const past = await browser.post(delayedUrl(), { 'dueOn-day': '1', 'dueOn-month': '2', 'dueOn-year': '2026', reason: 'Cabinet meets in <June>' });
    expectFormError(past, 'The new due date must be in the future', { field: 'dueOn', kept: ['Cabinet meets in <June>'] });
    expect(past.body).toContain('value="2026"');
    const unreal = await browser.post(delayedUrl(), { 'dueOn-day': '31', 'dueOn-month': '6', 'dueOn-year': '2026', reason: 'x' });
    expectFormError(unreal, 'The new due date must be a real date', { field: 'dueOn' });
    const done = await browser.post(delayedUrl(), { 'dueOn-day': '1', 'dueOn-month': 'July', 'dueOn-year': '2026', reason: 'The council’s cabinet meets in June' });
    expect(done.statusCode).toBe(303);
    const after = await browser.get(caseRemediesUrl(delayed));
    expect(after.body).toContain('Due date set');
    expect(after.body).toContain('now due 1 July 2026');
    // Only a delayed, unsettled remedy has a due date of its own.
    expect((await browser.get(`/staff/remedies/${overdue.remedyIds[0]}/delayed-due-date`)).statusCode).toBe(409);
    expect((await browser.get(`/staff/remedies/${settled.remedyIds[0]}/delayed-due-date`)).statusCode).toBe(409);
    expectNotFound(await browser.get('/staff/remedies/987654/delayed-due-date'));
    expectNotFound(await browser.get('/staff/remedies/x/delayed-due-date'));
  });
});
