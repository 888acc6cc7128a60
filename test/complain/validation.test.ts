import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { Browser } from '../helpers/app.ts';
import { createComplainApp, escapeHtml, expectErrors, locationOf, type ComplainTestApp, type Form } from './support.ts';

/** Every question page refuses what it cannot accept, says why in plain English, and keeps what was typed. */
describe('complaint form validation', () => {
  let t: ComplainTestApp;
  let healthBodyId = 0;

  beforeAll(async () => {
    t = await createComplainApp('pglite');
    await upsertBodies(t.database.db, [{ code: 'NHS-X1', name: 'Sampleton Hospital Trust', kind: 'health-body' }]);
    healthBodyId = (await t.database.db.selectFrom('bodies').select('id').where('code', '=', 'NHS-X1').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t?.dispose());

  async function post(browser: Browser, page: string, form: Form) {
    await browser.get(`/complain/${page}`);
    return browser.post(`/complain/${page}`, form);
  }

  it('who is your complaint about: a body from the list, or a named care provider', async () => {
    const browser = new Browser(t.app);
    expectErrors(await post(browser, 'who-is-it-about', {}), { bodyId: 'Select the council or care provider your complaint is about' });
    expectErrors(await post(browser, 'who-is-it-about', { bodyId: '999999' }), { bodyId: 'Select the council or care provider your complaint is about' });
    expectErrors(await post(browser, 'who-is-it-about', { bodyId: 'Sampleton' }), { bodyId: 'Select the council or care provider your complaint is about' });
    // Only councils and care providers are in the online form's jurisdiction.
    expectErrors(await post(browser, 'who-is-it-about', { bodyId: String(healthBodyId) }), { bodyId: 'Select the council or care provider your complaint is about' });
    const noName = await post(browser, 'who-is-it-about', { bodyId: '', bodyNotListed: 'yes', careProviderName: '' });
    expectErrors(noName, { careProviderName: 'Enter the name of the care provider' });
    expect(noName.body).toMatch(/id="bodyNotListed" name="bodyNotListed" type="checkbox" value="yes" checked/);
    expectErrors(await post(browser, 'who-is-it-about', { bodyNotListed: 'yes', careProviderName: 'x'.repeat(201) }), { careProviderName: 'Name of the care provider must be 200 characters or fewer' });
    // Nothing was saved, so no draft exists yet.
    expect(await t.database.db.selectFrom('complaint_drafts').select('id').execute()).toHaveLength(0);
    const chosen = await post(browser, 'who-is-it-about', { bodyId: String(t.careProviderId) });
    expect(locationOf(chosen)).toBe('/complain/what-happened');
    const again = await browser.get('/complain/who-is-it-about');
    expect(again.body).toContain(`<option value="${t.careProviderId}" selected>Rosewood Care Home</option>`);
  });

  it('what happened: required, at most 5,000 characters counted as the character count counts them, kept when refused', async () => {
    const browser = new Browser(t.app);
    const empty = await post(browser, 'what-happened', { whatHappened: '   ' });
    expectErrors(empty, { whatHappened: 'Enter what happened' });
    expect(empty.body).toContain('data-maxlength="5000"');
    const long = `<b>${'a'.repeat(4_998)}`;
    const tooLong = await post(browser, 'what-happened', { whatHappened: long });
    expectErrors(tooLong, { whatHappened: 'What happened must be 5,000 characters or fewer' });
    expect(tooLong.body).toContain(escapeHtml(long));
    // 2,500 Windows line breaks are 2,500 characters in the browser's count, not 5,000.
    const lines = 'ab\r\n'.repeat(1_666) + 'ab';
    expect(locationOf(await post(browser, 'what-happened', { whatHappened: lines }))).toBe('/complain/injustice');
  });

  it('injustice and what you want to happen: required, with their own limits', async () => {
    const browser = new Browser(t.app);
    expectErrors(await post(browser, 'injustice', {}), { injustice: 'Enter how it affected you' });
    expectErrors(await post(browser, 'injustice', { injustice: 'x'.repeat(1_501) }), { injustice: 'The injustice or harm it caused must be 1,500 characters or fewer' });
    expectErrors(await post(browser, 'desired-outcome', { desiredOutcome: '' }), { desiredOutcome: 'Enter what you want to happen' });
    expectErrors(await post(browser, 'desired-outcome', { desiredOutcome: 'x'.repeat(1_501) }), { desiredOutcome: 'What you want to happen must be 1,500 characters or fewer' });
  });

  it('have you already complained: yes or no', async () => {
    const browser = new Browser(t.app);
    expectErrors(await post(browser, 'complained-already', {}), { complainedToBody: 'Select yes if you have already complained to the council or care provider' });
    expectErrors(await post(browser, 'complained-already', { complainedToBody: 'maybe' }), { complainedToBody: 'Select yes if you have already complained to the council or care provider' });
  });

  it('why complain now: a reason, and details for "another reason"', async () => {
    const browser = new Browser(t.app);
    // The question only exists for someone who has not complained yet.
    await browser.get('/complain/who-is-it-about');
    expect(locationOf(await browser.get('/complain/reason-for-complaining-now'))).toBe('/complain/who-is-it-about');
    expect(locationOf(await browser.post('/complain/reason-for-complaining-now', { prematureReason: 'urgent' }))).toBe('/complain/who-is-it-about');
    await post(browser, 'complained-already', { complainedToBody: 'no' });
    expectErrors(await post(browser, 'reason-for-complaining-now', {}), { prematureReason: 'Select why you are complaining to us now' });
    const other = await post(browser, 'reason-for-complaining-now', { prematureReason: 'other', prematureDetails: '' });
    expectErrors(other, { prematureDetails: 'Tell us your reason for complaining to us now' });
    expect(other.body).toMatch(/value="other" checked/);
    expectErrors(await post(browser, 'reason-for-complaining-now', { prematureReason: 'urgent', prematureDetails: 'x'.repeat(501) }), { prematureDetails: 'Your reason must be 500 characters or fewer' });
  });

  it('who for, and the person affected', async () => {
    const browser = new Browser(t.app);
    expectErrors(await post(browser, 'who-for', {}), { complainingFor: 'Select whether you are complaining for yourself or for someone else' });
    expect(locationOf(await post(browser, 'who-for', { complainingFor: 'someone-else' }))).toBe('/complain/person-affected');
    expectErrors(await post(browser, 'person-affected', {}), {
      affectedName: 'Enter the full name of the person you are complaining for',
      relationship: 'Enter your relationship to them, for example daughter or support worker',
    });
    const kept = await post(browser, 'person-affected', { affectedName: 'Mary Murphy', relationship: '' });
    expectErrors(kept, { relationship: 'Enter your relationship to them, for example daughter or support worker' });
    expect(kept.body).toContain('value="Mary Murphy"');
  });

  it('contact details: name and email required; a phone for texts, an address for post', async () => {
    const browser = new Browser(t.app);
    expectErrors(await post(browser, 'contact-details', {}), {
      fullName: 'Enter your full name',
      email: 'Enter your email address',
      contactPreference: 'Select how you would like us to contact you',
    });
    expectErrors(await post(browser, 'contact-details', { fullName: 'A Person', email: 'not-an-email', contactPreference: 'email' }), {
      email: 'Enter an email address in the correct format, like name@example.com',
    });
    expectErrors(await post(browser, 'contact-details', { fullName: 'A Person', email: 'a@example.com', phone: '', contactPreference: 'sms' }), {
      phone: 'Enter a mobile phone number so that we can send you text messages',
    });
    expectErrors(await post(browser, 'contact-details', { fullName: 'A Person', email: 'a@example.com', phone: 'call me', contactPreference: 'email' }), {
      phone: 'Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192',
    });
    const post_ = await post(browser, 'contact-details', { fullName: 'A Person', email: 'a@example.com', address: '', contactPreference: 'post' });
    expectErrors(post_, { address: 'Enter your address so that we can write to you' });
    expect(post_.body).toContain('value="a@example.com"');
    expect(post_.body).toMatch(/value="post" checked/);
    expectErrors(await post(browser, 'contact-details', { fullName: 'x'.repeat(201), email: 'a@example.com', contactPreference: 'email' }), {
      fullName: 'Your name must be 200 characters or fewer',
    });
    expect(locationOf(await post(browser, 'contact-details', { fullName: 'A Person', email: 'a@example.com', phone: '07700 900 982', contactPreference: 'sms' }))).toBe('/complain/adjustments');
  });

  it('adjustments: yes or no, and what is needed', async () => {
    const browser = new Browser(t.app);
    expectErrors(await post(browser, 'adjustments', {}), { needsAdjustments: 'Select yes if you need us to make any adjustments' });
    const yes = await post(browser, 'adjustments', { needsAdjustments: 'yes', adjustments: '' });
    expectErrors(yes, { adjustments: 'Describe the adjustments you need' });
    expect(yes.body).toMatch(/value="yes" checked/);
    expectErrors(await post(browser, 'adjustments', { needsAdjustments: 'yes', adjustments: 'x'.repeat(2_001) }), { adjustments: 'The adjustments you need must be 2,000 characters or fewer' });
  });

  it('save and come back later: a valid email address', async () => {
    const browser = new Browser(t.app);
    await browser.get('/complain/save?from=injustice');
    expectErrors(await browser.post('/complain/save', { from: 'injustice', email: '' }), { email: 'Enter your email address' });
    const wrong = await browser.post('/complain/save', { from: 'injustice', email: 'me@' });
    expectErrors(wrong, { email: 'Enter an email address in the correct format, like name@example.com' });
    expect(wrong.body).toContain('href="/complain/injustice"');
  });

  it('refuses a form without its CSRF token', async () => {
    const browser = new Browser(t.app);
    await browser.get('/complain/what-happened');
    const response = await browser.post('/complain/what-happened', { whatHappened: 'Something' }, { csrf: false });
    expect(response.statusCode).toBe(403);
  });

  it('goes to the first question when "Check your answers" has nothing to check', async () => {
    const browser = new Browser(t.app);
    expect(locationOf(await browser.get('/complain/check-answers'))).toBe('/complain/who-is-it-about');
    await post(browser, 'what-happened', { whatHappened: 'Something happened' });
    expect(locationOf(await browser.get('/complain/check-answers'))).toBe('/complain/who-is-it-about');
    expect(locationOf(await browser.post('/complain/check-answers', {}))).toBe('/complain/who-is-it-about');
  });
});
