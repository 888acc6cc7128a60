import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type Browser, type TestApp } from '../helpers/app.ts';
import { caseRow, errorSummaryOf, escapeHtml, eventKinds, expectCsrfRefused, expectForbidden, expectFormError, tally, titleOf } from './support.ts';

/** Registering a contact: the new-contact form, its every message, and who may use it. */
describe('registering a new contact', () => {
  let t: TestApp;
  let intake: Browser;
  let bodyId = '';

  beforeAll(async () => {
    // Monday 2 March 2026, 10am.
    t = await createTestApp('pglite', new Date('2026-03-02T10:00:00Z'));
    intake = await signedInAs(t.app, 'intake');
    bodyId = String(t.bodyIds[1]);
  });
  afterAll(async () => t?.dispose());

  /** A complete, valid complaint as the form sends it. */
  const complaint = (overrides: Record<string, string> = {}): Record<string, string> => ({
    channel: 'letter', 'received-day': '26', 'received-month': '2', 'received-year': '2026', receivedTime: '2:30pm',
    fullName: 'Siobhán O’Connor-Smith', email: 'siobhan@example.com', phone: '01632 960 001', address: '1 Example Street\nSampleton',
    representativeName: '', representativeEmail: '', bodyId, summary: 'The council has not repaired the damp in my flat <for months> & "ignored" me.',
    outcome: 'case-created', category: 'Housing > Private housing', jurisdiction: 'local-government',
    ...overrides,
  });

  it('shows the form with today’s date filled in', async () => {
    const page = await intake.get('/staff/contacts/new');
    expect(page.statusCode).toBe(200);
    expect(titleOf(page.body)).toBe('Register a new contact - Redress');
    expect(page.body).toMatch(/name="received-day"[^>]*value="2"/);
    expect(page.body).toMatch(/name="received-month"[^>]*value="3"/);
    expect(page.body).toMatch(/name="received-year"[^>]*value="2026"/);
    expect(page.body).toContain('Sampleton District Council');
  });

  it('registers a complaint: a new reference, the case page, the deadline from the date received and a timeline entry', async () => {
    const response = await intake.post('/staff/contacts/new', complaint({ representativeName: 'Rita Representative', representativeEmail: 'rita@example.com' }));
    expect(response.statusCode).toBe(303);
    const match = /^\/staff\/cases\/(\d{8})\?registered=1$/.exec(String(response.headers.location));
    expect(match).not.toBeNull();
    const digits = match?.[1] as string;
    const reference = `${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5)}`;
    expect(reference.startsWith('26 ')).toBe(true);

    const page = await intake.get(String(response.headers.location));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Complaint registered as ${reference}`);
    expect(page.body).toContain(escapeHtml('Siobhán O’Connor-Smith'));
    expect(page.body).toContain('Rita Representative');
    expect(page.body).toContain('Sampleton District Council');
    expect(page.body).toContain(escapeHtml('<for months> & "ignored"'));
    expect(page.body).toContain('26 February 2026, 2:30pm by letter');

    const row = await caseRow(t, reference);
    expect(row.stage).toBe('assessment');
    expect(row.team).toBe('assessment');
    expect(row.category).toBe('Housing');
    expect(row.subcategory).toBe('Private housing');
    expect(row.received_at.toISOString()).toBe('2026-02-26T14:30:00.000Z');
    // Thursday 26 February 2026 + 20 working days = Thursday 26 March 2026.
    expect(row.assessment_due_on).toBe('2026-03-26');
    expect(await eventKinds(t, reference)).toEqual(['case-registered']);
  });

  it('gives each complaint the next reference of the year it was received', async () => {
    const first = await intake.post('/staff/contacts/new', complaint());
    const second = await intake.post('/staff/contacts/new', complaint({ 'received-day': '31', 'received-month': '12', 'received-year': '2025', receivedTime: '11:59pm' }));
    const third = await intake.post('/staff/contacts/new', complaint());
    const refs = [first, second, third].map((r) => /\/staff\/cases\/(\d{8})/.exec(String(r.headers.location))?.[1]);
    expect(refs[1]).toBe('25000001');
    expect(Number(refs[2]) - Number(refs[0])).toBe(1);
  });

  it('records advice given without making a case', async () => {
    const before = await tally(t);
    const response = await intake.post('/staff/contacts/new', complaint({ outcome: 'advice-given', category: '', jurisdiction: '' }));
    expect(response.statusCode).toBe(200);
    expect(titleOf(response.body)).toBe('Contact recorded - Redress');
    expect(response.body).toContain('Advice given');
    const after = await tally(t);
    expect(after.cases).toBe(before.cases);
    expect(after.contacts).toBe((before.contacts ?? 0) + 1);
  });

  it('accepts month names and a time without minutes', async () => {
    const response = await intake.post('/staff/contacts/new', complaint({ 'received-month': 'Feb', receivedTime: '9am' }));
    expect(response.statusCode).toBe(303);
    const reference = /\/staff\/cases\/(\d{8})/.exec(String(response.headers.location))?.[1] as string;
    const row = await caseRow(t, `${reference.slice(0, 2)} ${reference.slice(2, 5)} ${reference.slice(5)}`);
    expect(row.received_at.toISOString()).toBe('2026-02-26T09:00:00.000Z');
  });

  it('a date typed in the wrong century never takes another case’s reference', async () => {
    // 1926 shares its last two digits with 2026: it must be refused, or get a reference of its own.
    const wrongCentury = await intake.post('/staff/contacts/new', complaint({ 'received-year': '1926' }));
    expect([303, 400]).toContain(wrongCentury.statusCode);
    const next = await intake.post('/staff/contacts/new', complaint());
    expect(next.statusCode).toBe(303);
    const refs = await t.database.db.selectFrom('cases').select('reference').execute();
    expect(new Set(refs.map((r) => r.reference)).size).toBe(refs.length);
  });

  describe('every message, with what was typed kept', () => {
    // [what is wrong, the form changes, the message, the field it links to]
    const cases: [string, Record<string, string>, string, string][] = [
      ['no channel', { channel: '' }, 'Select how the contact arrived', 'channel'],
      ['an unknown channel', { channel: 'carrier-pigeon' }, 'Select how the contact arrived', 'channel'],
      ['no date', { 'received-day': '', 'received-month': '', 'received-year': '' }, 'Enter the date the contact arrived', 'received'],
      ['a date without a month', { 'received-month': '' }, 'The date the contact arrived must include a month', 'received'],
      ['a date without a day and year', { 'received-day': '', 'received-year': '' }, 'The date the contact arrived must include a day and year', 'received'],
      ['an impossible date', { 'received-day': '30', 'received-month': '2' }, 'The date the contact arrived must be a real date', 'received'],
      ['a two-digit year', { 'received-year': '26' }, 'The date the contact arrived must be a real date', 'received'],
      ['a date in the future', { 'received-day': '3', 'received-month': '3' }, 'The date the contact arrived must be today or in the past', 'received'],
      ['an impossible time', { receivedTime: '25:00' }, 'Enter a real time, like 9:30am or 14:15', 'receivedTime'],
      ['no name', { fullName: '  ' }, 'Enter the complainant’s full name', 'fullName'],
      ['a name that is too long', { fullName: 'N'.repeat(201) }, 'Name must be 200 characters or fewer', 'fullName'],
      ['an email address without an @', { email: 'siobhan.example.com' }, 'Enter an email address in the correct format, like name@example.com', 'email'],
      ['a phone number that is too long', { phone: '0'.repeat(41) }, 'Phone number must be 40 characters or fewer', 'phone'],
      ['an address that is too long', { address: 'A'.repeat(501) }, 'Address must be 500 characters or fewer', 'address'],
      ['a representative’s email address that is wrong', { representativeName: 'Rita Representative', representativeEmail: 'rita@' }, 'Enter an email address in the correct format, like name@example.com', 'representativeEmail'],
      ['no body', { bodyId: '' }, 'Select the council or care provider the complaint is about', 'bodyId'],
      ['a body that does not exist', { bodyId: '999999' }, 'Select the council or care provider the complaint is about', 'bodyId'],
      ['no summary', { summary: '' }, 'Enter a summary of the contact', 'summary'],
      ['a summary that is too long', { summary: 'S'.repeat(10_001) }, 'Summary must be 10,000 characters or fewer', 'summary'],
      ['no outcome', { outcome: '' }, 'Select what happened to the contact', 'outcome'],
      ['a case without a category', { category: '' }, 'Select the category of the complaint', 'category'],
      ['a case with a made-up category', { category: 'Housing > Dragons' }, 'Select the category of the complaint', 'category'],
      ['a case without a jurisdiction', { jurisdiction: '' }, 'Select the jurisdiction', 'jurisdiction'],
    ];

    it.each(cases)('%s', async (_what, changes, message, field) => {
      const before = await tally(t);
      const form = complaint(changes);
      const response = await intake.post('/staff/contacts/new', form);
      expectFormError(response, message, { field });
      expect(titleOf(response.body)).toBe('Error: Register a new contact - Redress');
      // Everything typed is shown again.
      const keep = ['fullName', 'email', 'phone', 'summary', 'receivedTime', 'representativeName', 'representativeEmail'] as const;
      for (const name of keep) if (form[name] && form[name].length < 200) expect(response.body).toContain(`${escapeHtml(form[name])}`);
      for (const name of ['received-day', 'received-month', 'received-year'] as const) {
        if (form[name]) expect(response.body).toMatch(new RegExp(`name="${name}"[^>]*value="${form[name]}"`));
      }
      if (form.channel === 'letter') expect(response.body).toMatch(/value="letter" checked/);
      if (form.outcome === 'case-created') expect(response.body).toMatch(/value="case-created" checked/);
      if (form.bodyId === bodyId) expect(response.body).toContain(`value="${bodyId}" selected`);
      if (form.category === 'Housing > Private housing') expect(response.body).toContain(`value="${escapeHtml('Housing > Private housing')}" selected`);
      expect(await tally(t)).toEqual(before);
    });

    it('lists every missing answer at once when nothing is filled in', async () => {
      const response = await intake.post('/staff/contacts/new', {});
      expect(response.statusCode).toBe(400);
      const texts = errorSummaryOf(response.body).items.map((i) => i.text);
      expect(texts).toEqual(expect.arrayContaining([
        'Select how the contact arrived', 'Enter the date the contact arrived', escapeHtml('Enter the complainant’s full name'),
        'Select the council or care provider the complaint is about', 'Enter a summary of the contact', 'Select what happened to the contact',
      ]));
    });
  });

  describe('who may register contacts', () => {
    it.each(['investigator', 'admin'] as const)('%s may not, and nothing is written', async (who) => {
      const browser = await signedInAs(t.app, who);
      const before = await tally(t);
      const response = await browser.post('/staff/contacts/new', complaint());
      expectForbidden(response);
      expect(await tally(t)).toEqual(before);
    });

    it('a form without its CSRF token is refused and nothing is written', async () => {
      const before = await tally(t);
      const response = await intake.post('/staff/contacts/new', complaint(), { csrf: false });
      expectCsrfRefused(response);
      expect(await tally(t)).toEqual(before);
      const forged = await intake.post('/staff/contacts/new', { ...complaint(), _csrf: 'forged-token' }, { csrf: false });
      expectCsrfRefused(forged);
      expect(await tally(t)).toEqual(before);
    });
  });
});
