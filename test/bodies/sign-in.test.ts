import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import { BODIES_IDLE_MS } from '../../src/web/bodies/session.ts';
import { requestSignInCode, signInPepper } from '../../src/services/portal/sign-in.ts';
import { linkOfficerPepper } from '../../src/services/bodies/sign-in.ts';
import { registerPortalCase } from '../portal/helpers.ts';
import {
  addOfficer, BodiesClient, bodyName, createBodiesTestApp, errorSummaryOf, escapeHtml, latestCode, notificationsTo, SERVICE, titleOf,
} from './helpers.ts';

const SENT = 'If that email address belongs to a link officer, we have sent a code';
const SECRET = 'a-test-session-secret-of-at-least-32-chars';

describe.each(testEngines)('link officers signing in (%s)', (engine) => {
  let t: TestApp;
  const officer = 'Robin.Officer@Exampleshire.test';
  const twoBodies = 'sam.shared@services.test';
  let firstBody = '';
  let secondBody = '';
  let samFirst = 0;
  let samSecond = 0;

  beforeAll(async () => {
    t = await createBodiesTestApp(engine);
    await addOfficer(t, 0, { email: officer, fullName: 'Robin Officer' });
    samFirst = await addOfficer(t, 0, { email: twoBodies, fullName: 'Sam Shared' });
    samSecond = await addOfficer(t, 1, { email: twoBodies, fullName: 'Sam Shared' });
    firstBody = await bodyName(t, 0);
    secondBody = await bodyName(t, 1);
  });
  afterAll(async () => t?.dispose());

  /** A 6-digit code that is not `code`. */
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  async function codeRows(email: string) {
    return t.database.db.selectFrom('sign_in_codes').selectAll().where('email', 'like', `%${email.toLowerCase()}`).orderBy('id').execute();
  }

  it('asks for an email address, and signed-out visitors to any page are sent there', async () => {
    const client = new BodiesClient(t.app);
    const page = await client.get('/bodies/sign-in');
    expect(page.statusCode).toBe(200);
    expect(titleOf(page.body)).toBe(`Sign in - ${SERVICE}`);
    expect(page.body).toContain('name="email"');
    expect(page.body).not.toContain('Sign out');
    for (const url of ['/bodies', '/bodies/enquiries/1', '/bodies/remedies/1', '/bodies/cases/26000001', '/bodies/cases/26000001/documents/1']) {
      const response = await client.get(url);
      expect({ url, status: response.statusCode, location: response.headers.location }).toEqual({ url, status: 303, location: '/bodies/sign-in' });
    }
    for (const url of ['/bodies/enquiries/1', '/bodies/remedies/1']) {
      const response = await client.post(url, { response: 'x' });
      expect({ url, status: response.statusCode, location: response.headers.location }).toEqual({ url, status: 303, location: '/bodies/sign-in' });
    }
  });

  it('emails a code to a link officer, and signs them in to their body; the page they asked for comes after', async () => {
    const client = new BodiesClient(t.app);
    await client.get('/bodies/remedies/12345');
    const asked = await client.requestCode(officer);
    expect({ status: asked.statusCode, location: asked.headers.location }).toEqual({ status: 303, location: '/bodies/sign-in/check-email' });
    const check = await client.get('/bodies/sign-in/check-email');
    expect(check.body).toContain(SENT);
    expect(check.body).toContain('<strong>robin.officer@exampleshire.test</strong>');
    const code = await latestCode(t, officer);
    expect(code).toMatch(/^\d{6}$/);
    const [row] = (await codeRows(officer)).slice(-1);
    expect(row?.email).toBe('link-officer:robin.officer@exampleshire.test');
    expect(row?.code_hash).not.toContain(code);
    const signedIn = await client.post('/bodies/sign-in/check-email', { code: code as string });
    expect({ status: signedIn.statusCode, location: signedIn.headers.location }).toEqual({ status: 303, location: '/bodies/remedies/12345' });
    const home = await client.get('/bodies');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`Signed in as <strong>Robin Officer</strong>, link officer for <strong>${escapeHtml(firstBody)}</strong>`);
    expect((await codeRows(officer)).at(-1)?.used_at).not.toBeNull();
  });

  it('says the same for an address it does not know, and sends nothing', async () => {
    const client = new BodiesClient(t.app);
    const before = (await notificationsTo(t, 'nobody@nowhere.test')).length;
    const asked = await client.requestCode('nobody@nowhere.test');
    expect({ status: asked.statusCode, location: asked.headers.location }).toEqual({ status: 303, location: '/bodies/sign-in/check-email' });
    const check = await client.get('/bodies/sign-in/check-email');
    expect(check.body).toContain(SENT);
    expect((await notificationsTo(t, 'nobody@nowhere.test')).length).toBe(before);
    // A code row exists all the same, so limits behave alike; guessing gets nowhere.
    expect((await codeRows('nobody@nowhere.test')).length).toBe(1);
    const guess = await client.post('/bodies/sign-in/check-email', { code: '123456' });
    expect(guess.statusCode).toBe(400);
    expect(errorSummaryOf(guess.body)).toEqual([{ href: '#code', text: 'The code is incorrect' }]);
  });

  it('refuses a wrong, badly typed or expired code with the form again', async () => {
    const client = new BodiesClient(t.app);
    await client.requestCode(officer);
    await client.get('/bodies/sign-in/check-email');
    const code = (await latestCode(t, officer)) as string;
    const bad = await client.post('/bodies/sign-in/check-email', { code: wrong(code) });
    expect(bad.statusCode).toBe(400);
    expect(titleOf(bad.body)).toBe(`Error: Check your email - ${SERVICE}`);
    expect(errorSummaryOf(bad.body)).toEqual([{ href: '#code', text: 'The code is incorrect' }]);
    expect(bad.body).toContain(`value="${wrong(code)}"`);
    const short = await client.post('/bodies/sign-in/check-email', { code: '12ab' });
    expect(errorSummaryOf(short.body)).toEqual([{ href: '#code', text: 'The code must be 6 numbers' }]);
    t.clock.set(new Date(t.clock.now().getTime() + 11 * 60_000));
    try {
      const expired = await client.post('/bodies/sign-in/check-email', { code });
      expect(errorSummaryOf(expired.body)).toEqual([{ href: '#code', text: 'The code has expired. Request a new code' }]);
    } finally {
      t.clock.set(new Date(t.clock.now().getTime() - 11 * 60_000));
    }
  });

  it('never takes a complainant’s portal code, even for the same address, and keeps the two kinds of code apart', async () => {
    // Robin has also complained to us, as a member of the public, with the same address.
    await registerPortalCase(t, { email: officer, fullName: 'Robin Officer' });
    const portalCode = await requestSignInCode(t.services, signInPepper(SECRET), { email: officer });
    expect(portalCode.email).toBe(officer.toLowerCase());
    const complainantCode = (await latestCode(t, officer)) as string;
    const client = new BodiesClient(t.app);
    await client.requestCode(officer);
    const officerCode = (await latestCode(t, officer)) as string;
    await client.get('/bodies/sign-in/check-email');
    if (complainantCode !== officerCode) {
      const refused = await client.post('/bodies/sign-in/check-email', { code: complainantCode });
      expect(refused.statusCode).toBe(400);
    }
    // The complainant's code is still live in the portal: asking for a link officer code did not replace it.
    const portalRows = await t.database.db.selectFrom('sign_in_codes').selectAll().where('email', '=', officer.toLowerCase()).orderBy('id', 'desc').execute();
    expect(portalRows[0]?.superseded_at).toBeNull();
    expect(linkOfficerPepper(SECRET)).not.toBe(signInPepper(SECRET));
    const signedIn = await client.post('/bodies/sign-in/check-email', { code: officerCode });
    expect(signedIn.statusCode).toBe(303);
  });

  it('asks someone who acts for two bodies which one, offering only theirs, and lets them change', async () => {
    const client = new BodiesClient(t.app);
    await client.requestCode(twoBodies);
    await client.get('/bodies/sign-in/check-email');
    const verified = await client.post('/bodies/sign-in/check-email', { code: (await latestCode(t, twoBodies)) as string });
    expect(verified.headers.location).toBe('/bodies/choose-body');
    // Not signed in until they choose.
    expect((await client.get('/bodies')).headers.location).toBe('/bodies/sign-in');
    const choose = await client.get('/bodies/choose-body');
    expect(titleOf(choose.body)).toBe(`Which organisation are you acting for? - ${SERVICE}`);
    expect(choose.body).toContain(escapeHtml(firstBody));
    expect(choose.body).toContain(escapeHtml(secondBody));
    expect(choose.body).toContain(`value="${samFirst}"`);
    expect(choose.body).toContain(`value="${samSecond}"`);

    const none = await client.post('/bodies/choose-body', {});
    expect(none.statusCode).toBe(400);
    expect(errorSummaryOf(none.body)).toEqual([{ href: '#linkOfficerId', text: 'Select the council or care provider you are acting for' }]);
    // Someone else's officer record is the same as choosing nothing.
    const robinId = (await t.database.db.selectFrom('link_officers').select('id').where('email', '=', officer.toLowerCase()).executeTakeFirstOrThrow()).id;
    const other = await client.post('/bodies/choose-body', { linkOfficerId: String(robinId) });
    expect(other.statusCode).toBe(400);

    const chosen = await client.post('/bodies/choose-body', { linkOfficerId: String(samSecond) });
    expect({ status: chosen.statusCode, location: chosen.headers.location }).toEqual({ status: 303, location: '/bodies' });
    const home = await client.get('/bodies');
    expect(home.body).toContain(`link officer for <strong>${escapeHtml(secondBody)}</strong>`);
    expect(home.body).toContain('Change the council or care provider you are acting for');
    await client.get('/bodies/choose-body');
    await client.post('/bodies/choose-body', { linkOfficerId: String(samFirst) });
    expect((await client.get('/bodies')).body).toContain(`link officer for <strong>${escapeHtml(firstBody)}</strong>`);
  });

  it('ends access at once when the officer is deactivated or their address changes, and sends no more codes', async () => {
    const email = 'dana.leaving@exampleshire.test';
    const id = await addOfficer(t, 0, { email, fullName: 'Dana Leaving' });
    const client = await new BodiesClient(t.app).signIn(t, email);
    expect((await client.get('/bodies')).statusCode).toBe(200);
    await t.database.db.updateTable('link_officers').set({ active: false }).where('id', '=', id).execute();
    const after = await client.get('/bodies');
    expect({ status: after.statusCode, location: after.headers.location }).toEqual({ status: 303, location: '/bodies/sign-in?ended=1' });
    const ended = await client.get('/bodies/sign-in?ended=1');
    expect(ended.body).toContain('This email address can no longer sign in');
    // Still no way in: no code is sent to a deactivated officer.
    const before = (await notificationsTo(t, email, 'sign-in-code')).length;
    await client.requestCode(email);
    expect((await notificationsTo(t, email, 'sign-in-code')).length).toBe(before);

    await t.database.db.updateTable('link_officers').set({ active: true }).where('id', '=', id).execute();
    const again = await new BodiesClient(t.app).signIn(t, email);
    await t.database.db.updateTable('link_officers').set({ email: 'dana.new@exampleshire.test' }).where('id', '=', id).execute();
    expect((await again.get('/bodies')).headers.location).toBe('/bodies/sign-in?ended=1');
  });

  it('signs out after 30 minutes without activity, and stays signed in while active', async () => {
    const client = await new BodiesClient(t.app).signIn(t, officer);
    const page = await client.get('/bodies');
    expect(page.body).toContain(`we sign you out after ${BODIES_IDLE_MS / 60_000} minutes without activity`);
    expect(page.body).toContain('data-module="app-timeout-warning"');
    t.clock.set(new Date(t.clock.now().getTime() + BODIES_IDLE_MS - 60_000));
    expect((await client.get('/bodies')).statusCode).toBe(200);
    t.clock.set(new Date(t.clock.now().getTime() + BODIES_IDLE_MS - 60_000));
    expect((await client.get('/bodies')).statusCode).toBe(200);
    t.clock.set(new Date(t.clock.now().getTime() + BODIES_IDLE_MS + 1));
    const timedOut = await client.get('/bodies');
    expect(timedOut.headers.location).toBe('/bodies/sign-in?timedOut=1');
    expect((await client.get('/bodies/sign-in?timedOut=1')).body).toContain('You were signed out because you had not done anything for a while');
    expect((await client.get('/bodies')).headers.location).toBe('/bodies/sign-in');
  });

  it('needs the CSRF token on every form, and signing out ends the session', async () => {
    const client = new BodiesClient(t.app);
    await client.get('/bodies/sign-in');
    const noToken = await client.post('/bodies/sign-in', { email: officer }, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(titleOf(noToken.body)).toBe(`There is a problem - ${SERVICE}`);
    expect(noToken.body).toContain('Your form expired or was sent from elsewhere');
    await client.signIn(t, officer);
    await client.get('/bodies');
    expect((await client.post('/bodies/sign-out', {}, { csrf: false })).statusCode).toBe(403);
    expect((await client.get('/bodies')).statusCode).toBe(200);
    const out = await client.post('/bodies/sign-out', {});
    expect({ status: out.statusCode, location: out.headers.location }).toEqual({ status: 303, location: '/bodies/signed-out' });
    expect((await client.get('/bodies')).headers.location).toBe('/bodies/sign-in');
  });

  it('limits how many codes one address may ask for', async () => {
    const email = 'many.codes@exampleshire.test';
    await addOfficer(t, 0, { email, fullName: 'Many Codes' });
    const { configurePortal } = await import('../../src/web/portal/settings.ts');
    configurePortal(t.services, { limits: { codesPerEmailPerHour: 3 } });
    try {
      const client = new BodiesClient(t.app);
      for (let i = 0; i < 3; i++) expect((await client.requestCode(email)).statusCode).toBe(303);
      const refused = await client.requestCode(email);
      expect(refused.statusCode).toBe(429);
      expect(errorSummaryOf(refused.body)).toEqual([{ href: '#email', text: 'You have asked for too many codes. Wait an hour, then try again' }]);
    } finally {
      configurePortal(t.services, { limits: { codesPerEmailPerHour: 100 } });
    }
  });

  it('shows what is wrong with an email address', async () => {
    const client = new BodiesClient(t.app);
    await client.get('/bodies/sign-in');
    const empty = await client.post('/bodies/sign-in', { email: '' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummaryOf(empty.body)).toEqual([{ href: '#email', text: 'Enter your email address' }]);
    const bad = await client.post('/bodies/sign-in', { email: 'not an <address>' });
    expect(errorSummaryOf(bad.body)).toEqual([{ href: '#email', text: 'Enter an email address in the correct format, like name@example.com' }]);
    expect(bad.body).toContain('value="not an &lt;address&gt;"');
  });
});
