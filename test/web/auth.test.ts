import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, testStaff, type TestApp, type TestStaffName } from '../helpers/app.ts';
import {
  caseUrl, errorSummaryOf, escapeHtml, expectCsrfRefused, expectForbidden, expectFormError, expectNotFound, expectSentToSignIn,
  RawClient, registerCase, tally, titleOf,
} from './support.ts';

/** Signing in and out, who may open which page, the health check and unknown pages. */
describe('staff authentication', () => {
  let t: TestApp;
  let reference = '';
  const clients = {} as Record<TestStaffName, RawClient>;

  beforeAll(async () => {
    t = await createTestApp('pglite');
    reference = await registerCase(t);
    for (const who of ['intake', 'assessor', 'investigator', 'manager', 'admin'] as const) clients[who] = await RawClient.signedIn(t.app, who);
  });
  afterAll(async () => t?.dispose());

  describe('signing in', () => {
    it('shows a GOV.UK sign-in form with a CSRF token', async () => {
      const visitor = new RawClient(t.app);
      const page = await visitor.get('/staff/sign-in');
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe('Sign in - Redress');
      expect(page.body).toContain('<h1 class="govuk-heading-l">Sign in to Redress casework</h1>');
      expect(visitor.csrf).not.toBe('');
      expect(page.body).toContain('name="returnTo" value="/staff"');
    });

    it('signs in with the right password, starts a new session and goes back to the page asked for', async () => {
      const visitor = new RawClient(t.app);
      const returnTo = '/staff/queues/assessment?after=x';
      const page = await visitor.get(`/staff/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
      expect(page.body).toContain(`name="returnTo" value="${escapeHtml(returnTo)}"`);
      const before = visitor.cookie;
      const response = await visitor.postForm('/staff/sign-in', { email: testStaff.intake.email, password: PASSWORD, returnTo });
      expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: returnTo });
      expect(visitor.cookie).not.toBe(before);
      const home = await visitor.get('/staff');
      expect(home.statusCode).toBe(200);
      expect(home.body).toContain('Signed in as <strong>Ivy Intake</strong>');
    });

    it('matches the email address whatever its case', async () => {
      const visitor = new RawClient(t.app);
      await visitor.get('/staff/sign-in');
      const response = await visitor.postForm('/staff/sign-in', { email: `  ${testStaff.manager.email.toUpperCase()} `, password: PASSWORD, returnTo: '/staff' });
      expect(response.statusCode).toBe(303);
    });

    it('gives a wrong password and an unknown email address the same message, keeping the email typed', async () => {
      const wrongPassword = new RawClient(t.app);
      await wrongPassword.get('/staff/sign-in');
      const a = await wrongPassword.postForm('/staff/sign-in', { email: testStaff.intake.email, password: 'not the password at all', returnTo: '/staff' });
      const unknown = new RawClient(t.app);
      await unknown.get('/staff/sign-in');
      const b = await unknown.postForm('/staff/sign-in', { email: 'nobody@test.example', password: 'not the password at all', returnTo: '/staff' });
      expectFormError(a, 'Enter a correct email address and password', { field: 'email', kept: [testStaff.intake.email] });
      expectFormError(b, 'Enter a correct email address and password', { field: 'email', kept: ['nobody@test.example'] });
      expect(errorSummaryOf(a.body).items).toEqual(errorSummaryOf(b.body).items);
      expect(a.body).not.toContain('not the password at all');
      // Neither is signed in.
      expectSentToSignIn(await wrongPassword.get('/staff'), '/staff');
    });

    it('asks for the email address and the password when they are missing', async () => {
      const visitor = new RawClient(t.app);
      await visitor.get('/staff/sign-in');
      const response = await visitor.postForm('/staff/sign-in', { email: '', password: '', returnTo: '/staff' });
      expectFormError(response, 'Enter your email address', { field: 'email' });
      expectFormError(response, 'Enter your password', { field: 'password' });
    });

    it.each(['https://evil.example/staff', '//evil.example/staff', '/\\evil.example', 'javascript:alert(1)'])('never sends people off the site after signing in (returnTo %s)', async (returnTo) => {
      const visitor = new RawClient(t.app);
      const page = await visitor.get(`/staff/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
      expect(page.body).toContain('name="returnTo" value="/staff"');
      const response = await visitor.postForm('/staff/sign-in', { email: testStaff.assessor.email, password: PASSWORD, returnTo });
      expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: '/staff' });
    });

    it('refuses a sign-in form sent without its CSRF token', async () => {
      const visitor = new RawClient(t.app);
      await visitor.get('/staff/sign-in');
      const response = await visitor.postForm('/staff/sign-in', { email: testStaff.intake.email, password: PASSWORD, returnTo: '/staff' }, { csrf: false });
      expectCsrfRefused(response);
      expect(response.headers.location).toBeUndefined();
    });

    it('refuses a deactivated account, and signs out one that was deactivated while signed in', async () => {
      const signedIn = await RawClient.signedIn(t.app, 'otherInvestigator');
      await t.database.db.updateTable('staff_users').set({ active: false }).where('id', '=', t.staffIds.otherInvestigator).execute();
      try {
        expectSentToSignIn(await signedIn.get('/staff/my-cases'), '/staff/my-cases');
        const visitor = new RawClient(t.app);
        await visitor.get('/staff/sign-in');
        const response = await visitor.postForm('/staff/sign-in', { email: testStaff.otherInvestigator.email, password: PASSWORD, returnTo: '/staff' });
        expectFormError(response, 'Enter a correct email address and password', { field: 'email' });
      } finally {
        await t.database.db.updateTable('staff_users').set({ active: true }).where('id', '=', t.staffIds.otherInvestigator).execute();
      }
    });
  });

  describe('signing out', () => {
    it('ends the session: the old cookie no longer signs anyone in', async () => {
      const client = await RawClient.signedIn(t.app, 'intake');
      const oldCookie = client.cookie;
      const response = await client.postForm('/staff/sign-out', {});
      expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: '/staff/sign-in' });
      expectSentToSignIn(await client.get('/staff'), '/staff');
      const replay = await t.app.inject({ method: 'GET', url: '/staff', headers: { cookie: oldCookie } });
      expectSentToSignIn(replay, '/staff');
    });

    it('refuses a sign-out without the CSRF token and stays signed in', async () => {
      const client = await RawClient.signedIn(t.app, 'assessor');
      const response = await client.postForm('/staff/sign-out', {}, { csrf: false });
      expectCsrfRefused(response);
      expect((await client.get('/staff')).statusCode).toBe(200);
    });
  });

  describe('signed-out visitors', () => {
    const getRoutes = () => [
      '/staff', '/staff/contacts/new', '/staff/queues/assessment', '/staff/queues/joint?after=2026-03-30.1', '/staff/my-cases', '/staff/team',
      '/staff/team/age/under13', '/staff/search?q=Jane', '/staff/admin/users', '/staff/admin/bank-holidays',
      caseUrl(reference), caseUrl(reference, 'note'), caseUrl(reference, 'document'), caseUrl(reference, 'documents/1'),
      caseUrl(reference, 'enquiries/1/response'), caseUrl(reference, 'remedies/1/compliance'),
    ];

    it('are sent to sign in from every staff page, remembering where they were going', async () => {
      const seen = [];
      for (const url of getRoutes()) {
        const response = await new RawClient(t.app).get(url);
        seen.push({ url, status: response.statusCode, location: response.headers.location });
      }
      expect(seen).toEqual(getRoutes().map((url) => ({ url, status: 303, location: `/staff/sign-in?returnTo=${encodeURIComponent(url)}` })));
    });

    it('are sent to sign in from every form, and nothing is written', async () => {
      const before = await tally(t);
      const posts: [string, Record<string, string>][] = [
        ['/staff/contacts/new', { channel: 'phone', fullName: 'Anon', summary: 'x', outcome: 'advice-given' }],
        ['/staff/admin/users', { email: 'anon@test.example', displayName: 'Anon', password: 'a long enough password', roles: 'admin' }],
        ['/staff/admin/bank-holidays', { 'date-day': '11', 'date-month': '3', 'date-year': '2026', name: 'Anon day' }],
        ...['assessment', 'allocate', 'note', 'enquiry', 'draft-decision', 'final-decision', 'stop-clock', 'restart-clock', 'start-joint', 'end-joint', 'document', 'enquiries/1/response', 'remedies/1/compliance']
          .map((action): [string, Record<string, string>] => [caseUrl(reference, action), { decision: 'pass-for-investigation', text: 'note', reason: 'why' }]),
      ];
      const seen = [];
      for (const [url, form] of posts) {
        const response = await new RawClient(t.app).postForm(url, { ...form, _csrf: 'anything' }, { csrf: false });
        seen.push({ url, status: response.statusCode, location: response.headers.location });
      }
      expect(await tally(t)).toEqual(before);
      expect(seen).toEqual(posts.map(([url]) => ({ url, status: 303, location: '/staff/sign-in?returnTo=%2Fstaff' })));
    });
  });

  describe('roles', () => {
    it.each([
      ['intake', '/staff/team'], ['intake', '/staff/team/age/under13'], ['intake', '/staff/admin/users'], ['intake', '/staff/admin/bank-holidays'],
      ['assessor', '/staff/team'], ['investigator', '/staff/contacts/new'], ['admin', '/staff/contacts/new'],
      ['manager', '/staff/admin/users'], ['manager', '/staff/admin/bank-holidays'],
    ] as const)('%s may not open %s', async (who, url) => {
      const response = await clients[who].get(url);
      expectForbidden(response, 'You do not have permission to see this page');
    });

    it.each([
      ['intake', '/staff/contacts/new'], ['assessor', '/staff/contacts/new'], ['manager', '/staff/contacts/new'], ['manager', '/staff/team'],
      ['admin', '/staff/admin/users'], ['admin', '/staff/admin/bank-holidays'], ['investigator', '/staff/my-cases'], ['admin', caseUrl('26 000 001')],
    ] as const)('%s may open %s', async (who, url) => {
      const response = await clients[who].get(url);
      expect(response.statusCode).toBe(200);
    });

    it('the home page offers management pages only to those who may use them', async () => {
      const intake = (await clients.intake.get('/staff')).body;
      const manager = (await clients.manager.get('/staff')).body;
      const admin = (await clients.admin.get('/staff')).body;
      expect(intake).toContain('href="/staff/contacts/new"');
      expect(intake).not.toContain('href="/staff/team"');
      expect(intake).not.toContain('href="/staff/admin/users"');
      expect(manager).toContain('href="/staff/team"');
      expect(manager).not.toContain('href="/staff/admin/users"');
      expect(admin).toContain('href="/staff/admin/users"');
      expect(admin).toContain('href="/staff/admin/bank-holidays"');
      expect(admin).not.toContain('href="/staff/team"');
    });
  });

  describe('health and unknown pages', () => {
    it('/health reports the service and database up, without starting a session', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', database: 'up' });
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('the site root goes to the staff home page', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBeGreaterThanOrEqual(300);
      expect(response.statusCode).toBeLessThan(400);
      expect(response.headers.location).toBe('/staff');
    });

    it('an unknown page is a GOV.UK 404 page, signed in or not', async () => {
      expectNotFound(await t.app.inject({ method: 'GET', url: '/no/such/page' }));
      expectNotFound(await clients.intake.get('/staff/no-such-page'));
      expectNotFound(await clients.intake.postForm('/staff/no-such-page', { a: 'b' }));
      expectNotFound(await clients.intake.get('/staff/queues/nonsense'));
      expectNotFound(await clients.manager.get('/staff/team/age/nonsense'));
    });

    it('pages carry security headers', async () => {
      const response = await clients.intake.get('/staff');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      const cookie = (await new RawClient(t.app).get('/staff/sign-in')).headers['set-cookie'];
      expect(String(cookie)).toMatch(/HttpOnly/i);
      expect(String(cookie)).toMatch(/SameSite=Lax/i);
    });
  });
});
