import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import { requestSignInCode, signInPepper, verifySignInCode } from '../../src/services/portal/sign-in.ts';
import { createPortalTestApp, errorSummaryOf, escapeHtml, latestCode, notificationsTo, PortalClient, registerPortalCase, SESSION_SECRET, titleOf } from './helpers.ts';

const SENT = 'If that email address has a complaint with us, we have sent a code';

describe.each(testEngines)('complainant portal sign-in (%s)', (engine) => {
  let t: TestApp;
  const known = 'Pat.Known@Example.com';

  beforeAll(async () => {
    t = await createPortalTestApp(engine, { limits: { codesPerEmailPerHour: 100, codesPerIpPerHour: 1000, codeChecksPerIpPerHour: 1000 } });
    await registerPortalCase(t, { email: known, fullName: 'Pat Known' });
  });
  afterAll(async () => t?.dispose());

  /** A signed-out visitor who has asked for a code and is on the "Check your email" page. */
  async function waitingForCode(email: string) {
    const client = new PortalClient(t.app);
    const asked = await client.requestCode(email);
    expect({ status: asked.statusCode, location: asked.headers.location }).toEqual({ status: 303, location: '/sign-in/check-email' });
    const page = await client.get('/sign-in/check-email');
    expect(page.statusCode).toBe(200);
    return client;
  }

  async function codeRows(email: string) {
    return t.database.db.selectFrom('sign_in_codes').selectAll().where('email', '=', email.toLowerCase()).orderBy('id').execute();
  }

  /** A 6-digit code that is not `code`. */
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('shows an email form without staff navigation', async () => {
    const client = new PortalClient(t.app);
    const page = await client.get('/sign-in');
    expect(page.statusCode).toBe(200);
    expect(titleOf(page.body)).toBe('Sign in - Complain to the Ombudsman');
    expect(page.body).toContain('Complain to the Ombudsman');
    expect(page.body).toContain('name="email"');
    expect(page.body).not.toContain('/staff/queues');
    expect(page.body).not.toContain('Sign out');
    expect(client.csrf).not.toBe('');
  });

  it('emails a code, stored only as a hash, and signs in with it; the session is renewed', async () => {
    const client = await waitingForCode(known);
    const page = await client.get('/sign-in/check-email');
    expect(titleOf(page.body)).toBe('Check your email - Complain to the Ombudsman');
    expect(page.body).toContain(SENT);
    expect(page.body).toContain('<strong>pat.known@example.com</strong>');
    expect(page.body).toContain('name="code"');
    expect(page.body).toContain('autocomplete="one-time-code"');
    expect(page.body).toContain('<a class="govuk-link" href="/sign-in/new-code">Send a new code</a>');

    const code = await latestCode(t, known);
    expect(code).toMatch(/^\d{6}$/);
    const [row] = (await codeRows(known)).slice(-1);
    expect(row?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.code_hash).not.toContain(code);
    expect(row?.expires_at.getTime()).toBe(t.clock.now().getTime() + 10 * 60_000);
    const [notification] = (await notificationsTo(t, 'sign-in-code')).slice(-1);
    expect({ channel: notification?.channel, recipient: notification?.recipient, case: notification?.case_id }).toEqual({ channel: 'email', recipient: 'pat.known@example.com', case: null });

    const before = client.cookie;
    const response = await client.post('/sign-in/check-email', { code: `${code?.slice(0, 3)} ${code?.slice(3)}` });
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: '/complaints' });
    expect(client.cookie).not.toBe(before);
    const list = await client.get('/complaints');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Signed in as <strong>pat.known@example.com</strong>');
    expect(list.body).toContain('Sign out');
    expect((await codeRows(known)).at(-1)?.used_at).not.toBeNull();
  });

  it('says the same thing for an address with no complaint, and sends nothing', async () => {
    const sent = (await notificationsTo(t, 'sign-in-code')).length;
    const knownClient = await waitingForCode(known);
    const unknownClient = await waitingForCode('nobody@example.com');
    const knownPage = (await knownClient.get('/sign-in/check-email')).body;
    const unknownPage = (await unknownClient.get('/sign-in/check-email')).body;
    const normalise = (html: string) => html.replace(/value="[^"]+" name="_csrf"|name="_csrf" value="[^"]+"/g, '').replace(/nonce="[^"]*"/g, '').replace(/pat\.known@example\.com|nobody@example\.com/g, 'EMAIL');
    expect(normalise(unknownPage)).toBe(normalise(knownPage));
    expect(unknownPage).toContain(SENT);
    expect((await notificationsTo(t, 'sign-in-code')).length).toBe(sent + 1);
    // A code row exists for the unknown address too, so limits treat both alike; it can never be received.
    expect((await codeRows('nobody@example.com')).length).toBe(1);
    const attempt = await unknownClient.post('/sign-in/check-email', { code: '123456' });
    expect(attempt.statusCode).toBe(400);
    expect(errorSummaryOf(attempt.body)).toEqual([{ href: '#code', text: 'The code is incorrect' }]);
  });

  it('checks the email address, keeping what was typed', async () => {
    const client = new PortalClient(t.app);
    await client.get('/sign-in');
    const empty = await client.post('/sign-in', { email: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(titleOf(empty.body)).toBe('Error: Sign in - Complain to the Ombudsman');
    expect(errorSummaryOf(empty.body)).toEqual([{ href: '#email', text: 'Enter your email address' }]);
    const bad = await client.post('/sign-in', { email: 'not an <email>' });
    expect(errorSummaryOf(bad.body)).toEqual([{ href: '#email', text: 'Enter an email address in the correct format, like name@example.com' }]);
    expect(bad.body).toContain(`value="${escapeHtml('not an <email>')}"`);
    expect(bad.body).toContain('govuk-error-message');
  });

  it('says when the code is wrong, keeping what was typed', async () => {
    const client = await waitingForCode(known);
    const code = (await latestCode(t, known)) as string;
    const response = await client.post('/sign-in/check-email', { code: wrong(code) });
    expect(response.statusCode).toBe(400);
    expect(titleOf(response.body)).toBe('Error: Check your email - Complain to the Ombudsman');
    expect(errorSummaryOf(response.body)).toEqual([{ href: '#code', text: 'The code is incorrect' }]);
    expect(response.body).toContain(`value="${wrong(code)}"`);
    const empty = await client.post('/sign-in/check-email', { code: '' });
    expect(errorSummaryOf(empty.body)).toEqual([{ href: '#code', text: 'Enter the code from the email' }]);
    const short = await client.post('/sign-in/check-email', { code: '12ab' });
    expect(errorSummaryOf(short.body)).toEqual([{ href: '#code', text: 'The code must be 6 numbers' }]);
    // Still usable: a wrong guess is one attempt, not the end.
    const right = await client.post('/sign-in/check-email', { code });
    expect(right.statusCode).toBe(303);
  });

  it('refuses an expired code after 10 minutes', async () => {
    const client = await waitingForCode(known);
    const code = (await latestCode(t, known)) as string;
    t.clock.advance(10 * 60_000);
    const response = await client.post('/sign-in/check-email', { code });
    expect(response.statusCode).toBe(400);
    expect(errorSummaryOf(response.body)).toEqual([{ href: '#code', text: 'The code has expired. Request a new code' }]);
    expect((await client.get('/complaints')).headers.location).toBe('/sign-in');
  });

  it('allows 5 attempts at a code, then refuses even the right one', async () => {
    const client = await waitingForCode(known);
    const code = (await latestCode(t, known)) as string;
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await client.post('/sign-in/check-email', { code: wrong(code) });
      expect(errorSummaryOf(response.body)[0]?.text).toBe('The code is incorrect');
    }
    const fifth = await client.post('/sign-in/check-email', { code: wrong(code) });
    expect(errorSummaryOf(fifth.body)[0]?.text).toBe('You have entered the wrong code too many times. Request a new code');
    const right = await client.post('/sign-in/check-email', { code });
    expect(right.statusCode).toBe(400);
    expect(errorSummaryOf(right.body)[0]?.text).toBe('You have entered the wrong code too many times. Request a new code');
    expect((await codeRows(known)).at(-1)?.attempts).toBe(5);
  });

  it('makes a newer code replace the older one', async () => {
    const client = await waitingForCode(known);
    const first = (await latestCode(t, known)) as string;
    await client.get('/sign-in/new-code');
    const again = await client.get('/sign-in/new-code');
    expect(titleOf(again.body)).toBe('Request a new code - Complain to the Ombudsman');
    expect(again.body).toContain('value="pat.known@example.com"');
    const resent = await client.post('/sign-in/new-code', { email: known });
    expect({ status: resent.statusCode, location: resent.headers.location }).toEqual({ status: 303, location: '/sign-in/check-email' });
    const second = (await latestCode(t, known)) as string;
    const rows = await codeRows(known);
    expect(rows.at(-2)?.superseded_at).not.toBeNull();
    expect(rows.at(-1)?.superseded_at).toBeNull();
    if (first !== second) {
      const old = await client.post('/sign-in/check-email', { code: first });
      expect(errorSummaryOf(old.body)[0]?.text).toBe('That code has been replaced by a newer one. Enter the code from the latest email');
    }
    const response = await client.post('/sign-in/check-email', { code: second });
    expect(response.statusCode).toBe(303);
  });

  it('uses a code once only', async () => {
    const client = await waitingForCode(known);
    const code = (await latestCode(t, known)) as string;
    expect((await client.post('/sign-in/check-email', { code })).statusCode).toBe(303);
    // Anyone trying the same code again gets nowhere.
    const replay = await verifySignInCode(t.services, signInPepper(SESSION_SECRET), known, code);
    expect(replay).toEqual({ ok: false, message: 'That code has already been used. Request a new code' });
  });

  it('sends someone who is not signed in to sign in, and back to the page they wanted', async () => {
    const reference = await registerPortalCase(t, { email: known });
    const client = new PortalClient(t.app);
    const url = `/complaints/${reference.replace(/\s/g, '')}`;
    const response = await client.get(url);
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: '/sign-in' });
    await client.get('/sign-in');
    await client.post('/sign-in', { email: known });
    await client.get('/sign-in/check-email');
    const signedIn = await client.post('/sign-in/check-email', { code: (await latestCode(t, known)) as string });
    expect(signedIn.headers.location).toBe(url);
  });

  it('signs out', async () => {
    const client = await new PortalClient(t.app).signIn(t, known);
    await client.get('/complaints');
    const response = await client.post('/sign-out', {});
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: '/signed-out' });
    const page = await client.get('/signed-out');
    expect(page.body).toContain('You have signed out');
    expect((await client.get('/complaints')).headers.location).toBe('/sign-in');
  });

  it('refuses every form without its CSRF token', async () => {
    const client = new PortalClient(t.app);
    await client.get('/sign-in');
    const sent = (await notificationsTo(t, 'sign-in-code')).length;
    const response = await client.post('/sign-in', { email: known }, { csrf: false });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Your form expired or was sent from elsewhere');
    expect((await notificationsTo(t, 'sign-in-code')).length).toBe(sent);
    const check = await client.post('/sign-in/check-email', { code: '123456' }, { csrf: false });
    expect(check.statusCode).toBe(403);
    const signOut = await client.post('/sign-out', {}, { csrf: false });
    expect(signOut.statusCode).toBe(403);
  });

  it('limits codes per address in the database too, for an hour', async () => {
    const email = 'db-limit@example.com';
    const pepper = signInPepper(SESSION_SECRET);
    for (let i = 0; i < 5; i++) await requestSignInCode(t.services, pepper, { email });
    await expect(requestSignInCode(t.services, pepper, { email: ' DB-Limit@Example.com ' })).rejects.toThrow('You have asked for too many codes');
    t.clock.advance(61 * 60_000);
    await expect(requestSignInCode(t.services, pepper, { email })).resolves.toEqual({ email });
    await expect(requestSignInCode(t.services, pepper, { email }, { maxPerHour: 1 })).rejects.toThrow('You have asked for too many codes');
  });
});

describe('complainant portal sign-in rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPortalTestApp('pglite', { limits: { codesPerIpPerHour: 8 } });
    await registerPortalCase(t, { email: 'limited@example.com' });
  });
  afterAll(async () => t?.dispose());

  it('allows 5 codes per email address an hour, whichever client asks, with the same answer for every address', async () => {
    for (const email of ['limited@example.com', 'unknown-limited@example.com']) {
      for (let i = 0; i < 5; i++) {
        const response = await new PortalClient(t.app).requestCode(email);
        expect(response.statusCode).toBe(303);
      }
      const sixth = await new PortalClient(t.app).requestCode(email.toUpperCase());
      expect(sixth.statusCode).toBe(429);
      expect(sixth.headers['retry-after']).toBeDefined();
      expect(errorSummaryOf(sixth.body)).toEqual([{ href: '#email', text: 'You have asked for too many codes. Wait an hour, then try again' }]);
      expect(sixth.body).toContain(`value="${email.toUpperCase()}"`);
    }
    expect((await notificationsTo(t, 'sign-in-code')).length).toBe(5);
  });

  it('limits code requests from one client address', async () => {
    const client = new PortalClient(t.app);
    await client.get('/sign-in');
    for (let i = 0; i < 8; i++) expect((await client.post('/sign-in', { email: `person${i}@example.com` })).statusCode).toBe(303);
    const refused = await client.post('/sign-in', { email: 'person9@example.com' });
    expect(refused.statusCode).toBe(429);
    expect(errorSummaryOf(refused.body)[0]?.text).toBe('You have asked for too many codes. Wait an hour, then try again');
    // Another client address is not affected.
    expect((await new PortalClient(t.app).requestCode('person10@example.com')).statusCode).toBe(303);
  });
});
