import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type Browser, type TestApp } from '../helpers/app.ts';
import { findStaffUserByEmail } from '../../src/data/repositories/staff-users.ts';
import { stopClock } from '../../src/services/case-clock.ts';
import {
  actor, advanceCase, caseRow, caseUrl, countRows, escapeHtml, eventKinds, expectCsrfRefused, expectForbidden, expectFormError, RawClient,
  registerCase, tally, titleOf,
} from './support.ts';

/** Staff accounts and the bank-holiday list, and what a holiday change does to open cases. */
describe('administration', () => {
  let t: TestApp;
  let admin: Browser;
  let manager: Browser;

  beforeAll(async () => {
    // Friday 13 March 2026, 10am.
    t = await createTestApp('pglite', new Date('2026-03-13T10:00:00Z'));
    admin = await signedInAs(t.app, 'admin');
    manager = await signedInAs(t.app, 'manager');
  });
  afterAll(async () => t?.dispose());

  describe('staff accounts', () => {
    const account = (overrides: Record<string, string | string[]> = {}) => ({
      displayName: 'Nia New', email: 'Nia.New@Test.Example', password: 'a perfectly long password', roles: ['investigator', 'team-manager'], team: 'investigation', ...overrides,
    });

    it('lists the accounts', async () => {
      const page = await admin.get('/staff/admin/users');
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe('Staff accounts - Redress');
      expect(page.body).toContain('ina.investigator@test.example');
      expect(page.body).toContain('Team manager');
    });

    it('creates an account that can then sign in', async () => {
      const response = await admin.post('/staff/admin/users', account());
      expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: '/staff/admin/users?created=1' });
      const page = await admin.get('/staff/admin/users?created=1');
      expect(page.body).toContain('Account created');
      expect(page.body).toContain('nia.new@test.example');
      const user = await findStaffUserByEmail(t.database.db, 'nia.new@test.example');
      expect(user).toMatchObject({ email: 'nia.new@test.example', display_name: 'Nia New', roles: ['investigator', 'team-manager'], team: 'investigation', active: true });
      expect(user?.password_hash).not.toContain('a perfectly long password');
      const nia = await RawClient.signedIn(t.app, { email: 'nia.new@test.example', password: 'a perfectly long password' });
      expect((await nia.get('/staff/team')).statusCode).toBe(200);
    });

    it.each([
      ['an email address that is not one', { email: 'nia.new.test.example' }, 'Enter an email address in the correct format, like name@example.com', 'email'],
      ['a password that is too short', { password: 'short pass' }, 'Password must be at least 12 characters', 'password'],
      ['no roles', { roles: [] as string[] }, 'Select at least one role', 'roles'],
      ['no name', { displayName: ' ' }, 'Enter the person’s name', 'displayName'],
      ['an email address already in use, in other capitals', { email: 'INA.Investigator@test.example' }, 'An account with this email address already exists', 'email'],
    ] as [string, Record<string, string | string[]>, string, string][])('%s is refused with a message, keeping what was typed', async (_what, changes, message, field) => {
      const before = await tally(t);
      const form = account({ displayName: 'Kept <Name>', email: 'kept.name@test.example', ...changes });
      const response = await admin.post('/staff/admin/users', form);
      expectFormError(response, message, { field });
      expect(titleOf(response.body)).toBe('Error: Staff accounts - Redress');
      if (typeof form.displayName === 'string' && form.displayName.trim()) expect(response.body).toMatch(new RegExp(`name="displayName" type="text" value="${escapeHtml(form.displayName)}"`));
      expect(response.body).toMatch(new RegExp(`name="email" type="email"[^>]*value="${escapeHtml(String(form.email))}"`));
      for (const role of form.roles as string[]) expect(response.body).toMatch(new RegExp(`name="roles" type="checkbox" value="${role}" checked`));
      expect(response.body).not.toContain(String(form.password));
      expect(await tally(t)).toEqual(before);
    });

    it('cannot be managed by anyone but an administrator, and nothing is written', async () => {
      const before = await tally(t);
      expectForbidden(await manager.get('/staff/admin/users'));
      expectForbidden(await manager.post('/staff/admin/users', account({ email: 'sneaky@test.example' })));
      expect(await tally(t)).toEqual(before);
    });

    it('refuses a new account sent without the CSRF token', async () => {
      const before = await tally(t);
      expectCsrfRefused(await admin.post('/staff/admin/users', account({ email: 'forged@test.example' }), { csrf: false }));
      expect(await tally(t)).toEqual(before);
    });
  });

  describe('bank holidays', () => {
    const holiday = (day: string, month: string, year: string, name: string) => ({ 'date-day': day, 'date-month': month, 'date-year': year, name });

    it('lists the holidays from last year onwards', async () => {
      const page = await admin.get('/staff/admin/bank-holidays');
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe('Bank holidays - Redress');
      expect(page.body).toContain('3 April 2026');
      expect(page.body).toContain('25 December 2025');
      expect(page.body).not.toContain('25 December 2023');
    });

    it('adds a holiday and removes it again', async () => {
      const added = await admin.post('/staff/admin/bank-holidays', holiday('15', 'June', '2027', 'Royal celebration'));
      expect(added.statusCode).toBe(200);
      expect(added.body).toContain('Bank holidays updated.');
      expect(added.body).toContain('Royal celebration');
      expect(added.body).toContain('Added by staff');
      const row = await t.database.db.selectFrom('bank_holidays').selectAll().where('date', '=', '2027-06-15').executeTakeFirst();
      expect(row).toEqual({ date: '2027-06-15', name: 'Royal celebration', source: 'staff' });
      expect(t.holidays.get().isWorkingDay('2027-06-15')).toBe(false);

      const removed = await admin.post('/staff/admin/bank-holidays', { remove: '2027-06-15' });
      expect(removed.statusCode).toBe(200);
      expect(removed.body).toContain('Bank holidays updated.');
      expect(removed.body).not.toContain('Royal celebration');
      expect(await t.database.db.selectFrom('bank_holidays').selectAll().where('date', '=', '2027-06-15').executeTakeFirst()).toBeUndefined();
      expect(t.holidays.get().isWorkingDay('2027-06-15')).toBe(true);
    });

    it.each([
      ['a weekend date', holiday('13', '6', '2026', 'Saturday do'), 'A bank holiday on a weekend has no effect: enter the weekday it is moved to', 'date'],
      ['a date that is already a holiday', holiday('3', '4', '2026', 'Good Friday again'), 'That date is already a bank holiday', 'date'],
      ['no date', holiday('', '', '', 'Dateless day'), 'Enter the date of the bank holiday', 'date'],
      ['an impossible date', holiday('31', '6', '2026', 'Midsummer'), 'The date of the bank holiday must be a real date', 'date'],
      ['no name', holiday('16', '6', '2026', ' '), 'Enter the name of the bank holiday', 'name'],
    ] as [string, Record<string, string>, string, string][])('%s is refused with a message, keeping what was typed', async (_what, form, message, field) => {
      const before = await tally(t);
      const response = await admin.post('/staff/admin/bank-holidays', form);
      expectFormError(response, message, { field });
      expect(titleOf(response.body)).toBe('Error: Bank holidays - Redress');
      for (const name of ['date-day', 'date-month', 'date-year'] as const) if (form[name]) expect(response.body).toMatch(new RegExp(`name="${name}"[^>]*value="${form[name]}"`));
      if (form.name?.trim()) expect(response.body).toContain(`value="${escapeHtml(form.name)}"`);
      expect(await tally(t)).toEqual(before);
    });

    it.each(['2026-06-16', 'not-a-date', '2026-02-30'])('removing a date that is not a holiday (%s) is refused with a message', async (date) => {
      const before = await tally(t);
      const response = await admin.post('/staff/admin/bank-holidays', { remove: date });
      expectFormError(response, 'That date is not a bank holiday', { field: 'date' });
      expect(await tally(t)).toEqual(before);
    });

    it('cannot be changed by anyone but an administrator', async () => {
      const before = await tally(t);
      expectForbidden(await manager.get('/staff/admin/bank-holidays'));
      expectForbidden(await manager.post('/staff/admin/bank-holidays', holiday('16', '6', '2026', 'Manager day')));
      expectForbidden(await manager.post('/staff/admin/bank-holidays', { remove: '2026-04-03' }));
      expectCsrfRefused(await admin.post('/staff/admin/bank-holidays', { remove: '2026-04-03' }, { csrf: false }));
      expect(await tally(t)).toEqual(before);
    });

    it('a holiday inside an open case’s 20 working days moves its deadline by one working day, with a timeline entry', async () => {
      // Received Monday 2 March 2026: 20 working days later is Monday 30 March.
      const open = await registerCase(t, { receivedAt: new Date('2026-03-02T10:00:00Z') });
      // Closed cases keep their deadline.
      const closed = await registerCase(t, { receivedAt: new Date('2026-03-02T11:00:00Z') });
      await advanceCase(t, closed, 'closed');
      // A case received after the new holiday is not affected.
      const later = await registerCase(t, { receivedAt: new Date('2026-03-12T10:00:00Z') });
      // While the clock is stopped there is no deadline to move.
      const stopped = await registerCase(t, { receivedAt: new Date('2026-03-02T12:00:00Z') });
      await stopClock(t.services, stopped, actor(t, 'assessor'), { reason: 'Waiting for consent' });
      const dues = async () => Promise.all([open, closed, later, stopped].map(async (r) => (await caseRow(t, r)).assessment_due_on));
      const eventsBefore = await countRows(t, 'case_events');
      expect(await dues()).toEqual(['2026-03-30', '2026-03-30', '2026-04-13', '2026-03-30']);

      // Wednesday 11 March 2026.
      const added = await admin.post('/staff/admin/bank-holidays', holiday('11', '3', '2026', 'Extra day'));
      expect(added.statusCode).toBe(200);
      expect(added.body).toContain('Bank holidays updated. 1 open case deadline recalculated.');
      expect(await dues()).toEqual(['2026-03-31', '2026-03-30', '2026-04-13', '2026-03-30']);
      expect(await countRows(t, 'case_events')).toBe(eventsBefore + 1);
      expect((await eventKinds(t, open)).at(-1)).toBe('deadline-recalculated');
      const event = await t.database.db.selectFrom('case_events').select(['facts', 'actor_id']).where('kind', '=', 'deadline-recalculated').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(event.facts).toMatchObject({ from: '2026-03-30', to: '2026-03-31' });
      expect(event.actor_id).toBe(t.staffIds.admin);
      const page = await admin.get(caseUrl(open));
      expect(page.body).toContain('Deadline recalculated');
      expect(page.body).toContain('From 30 March 2026 to 31 March 2026, because the bank holidays changed');
      expect(page.body).toContain('1 bank holiday (Extra day)');

      const removed = await admin.post('/staff/admin/bank-holidays', { remove: '2026-03-11' });
      expect(removed.body).toContain('Bank holidays updated. 1 open case deadline recalculated.');
      expect(await dues()).toEqual(['2026-03-30', '2026-03-30', '2026-04-13', '2026-03-30']);
      expect(await countRows(t, 'case_events')).toBe(eventsBefore + 2);
    });
  });
});
