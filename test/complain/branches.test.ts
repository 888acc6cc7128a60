import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../helpers/app.ts';
import { answerAll, changeLinksOf, createComplainApp, journeyAnswers, locationOf, summaryRowsOf, titleOf, type ComplainTestApp } from './support.ts';

function backLinkOf(body: string): string | undefined {
  return /<a href="([^"]*)" class="govuk-back-link">/.exec(body)?.[1]?.replace(/&amp;/g, '&');
}

function formActionOf(body: string): string | undefined {
  return /<form method="post" action="([^"]*)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
}

async function referenceAfterSending(browser: Browser): Promise<string> {
  expect(locationOf(await browser.post('/complain/check-answers', {}))).toBe('/complain/confirmation');
  const confirmation = await browser.get('/complain/confirmation');
  const reference = /<strong>(\d{2} \d{3} \d{3})<\/strong>/.exec(confirmation.body)?.[1];
  expect(reference).toBeDefined();
  return reference as string;
}

/** The journey's branches: not yet complained to the body, complaining for someone else, and changing answers. */
describe('complaint form branches', () => {
  let t: ComplainTestApp;

  beforeAll(async () => {
    t = await createComplainApp('pglite');
  });
  afterAll(async () => t?.dispose());

  it('interrupts someone who has not complained to the body yet, then records their reason for coming to us now', async () => {
    const browser = new Browser(t.app);
    const pages = journeyAnswers(t);
    await answerAll(browser, pages.slice(0, 4));
    await browser.get('/complain/complained-already');
    const no = await browser.post('/complain/complained-already', { complainedToBody: 'no' });
    expect(locationOf(no)).toBe('/complain/complain-to-them-first');

    const interruption = await browser.get('/complain/complain-to-them-first');
    expect(interruption.statusCode).toBe(200);
    expect(titleOf(interruption.body)).toBe('Complain to the council or care provider first - Complain to the Ombudsman');
    expect(interruption.body).toContain('You need to complain to Sampleton District Council before you complain to us.');
    expect(interruption.body).toContain('we will usually send your complaint back to them');
    expect(interruption.body).toContain('href="/complain/reason-for-complaining-now"');
    expect(interruption.body).toContain('href="/complain/save?from=complain-to-them-first"');
    expect(backLinkOf(interruption.body)).toBe('/complain/complained-already');

    const reasonPage = await browser.get('/complain/reason-for-complaining-now');
    expect(backLinkOf(reasonPage.body)).toBe('/complain/complain-to-them-first');
    const reason = await browser.post('/complain/reason-for-complaining-now', { prematureReason: 'no-reply', prematureDetails: 'I wrote to them on 1 March and they have not replied.' });
    expect(locationOf(reason)).toBe('/complain/who-for');
    expect(backLinkOf((await browser.get('/complain/who-for')).body)).toBe('/complain/reason-for-complaining-now');

    await answerAll(browser, pages.slice(5));
    const check = await browser.get('/complain/check-answers');
    const rows = summaryRowsOf(check.body);
    expect(rows.get('Complained to the council or care provider first')).toBe('No');
    expect(rows.get('Why you are complaining to us now')).toBe(
      'I have been in touch with them, but they have not replied within the time their complaints procedure allows\n\nI wrote to them on 1 March and they have not replied.',
    );

    const reference = await referenceAfterSending(browser);
    const confirmation = await browser.get('/complain/confirmation');
    expect(confirmation.body).toContain('You told us you have not complained to the council or care provider yet.');
    const row = await t.database.db.selectFrom('cases').select(['stage', 'summary_text']).where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(row.stage).toBe('assessment');
    expect(row.summary_text).toContain(
      'Complained to the council or care provider first: No.\nReason for coming to us now: I have been in touch with them, but they have not replied within the time their complaints procedure allows.\nI wrote to them on 1 March and they have not replied.',
    );
  });

  it('sends someone who left before giving a reason back through the interruption page', async () => {
    const browser = new Browser(t.app);
    const pages = journeyAnswers(t, { 'complained-already': { complainedToBody: 'no' } });
    for (const [page, form] of pages) {
      await browser.get(`/complain/${page}`);
      await browser.post(`/complain/${page}`, form);
    }
    expect(locationOf(await browser.get('/complain/check-answers'))).toBe('/complain/complain-to-them-first');
  });

  it('on behalf of someone else: they are the complainant, the person filling in the form the representative we write to', async () => {
    const browser = new Browser(t.app);
    const pages = journeyAnswers(t, {
      'who-for': { complainingFor: 'someone-else' },
      'contact-details': { fullName: 'Róisín Murphy', email: 'roisin@example.com', phone: '07700 900 982', address: '2 Sample Road\nSampleton', contactPreference: 'sms' },
      adjustments: { needsAdjustments: 'yes', adjustments: 'Large print letters for my mother' },
    });
    await answerAll(browser, pages.slice(0, 5));
    await browser.get('/complain/who-for');
    expect(locationOf(await browser.post('/complain/who-for', { complainingFor: 'someone-else' }))).toBe('/complain/person-affected');
    const about = await browser.get('/complain/person-affected');
    expect(backLinkOf(about.body)).toBe('/complain/who-for');
    expect(locationOf(await browser.post('/complain/person-affected', { affectedName: 'Mary Murphy', relationship: 'Daughter' }))).toBe('/complain/contact-details');
    const contact = await browser.get('/complain/contact-details');
    expect(contact.body).toContain('These are your own details. We will contact you about the complaint, not Mary Murphy.');
    expect(backLinkOf(contact.body)).toBe('/complain/person-affected');
    await answerAll(browser, pages.slice(6));

    const rows = summaryRowsOf((await browser.get('/complain/check-answers')).body);
    expect(rows.get('Who you are complaining for')).toBe('Someone else');
    expect(rows.get('Name of the person you are complaining for')).toBe('Mary Murphy');
    expect(rows.get('Your relationship to them')).toBe('Daughter');
    expect(rows.get('Your name')).toBe('Róisín Murphy');
    expect(rows.get('Address')).toBe('2 Sample Road\nSampleton');
    expect(rows.get('How we should contact you')).toBe('Text message');
    expect(rows.get('Adjustments you need')).toBe('Large print letters for my mother');

    const reference = await referenceAfterSending(browser);
    expect((await browser.get('/complain/confirmation')).body).toContain('We have sent a confirmation to 07700 900 982 by text message.');
    const db = t.database.db;
    const c = await db.selectFrom('cases').select(['id', 'complainant_id', 'representative_id', 'summary_text']).where('reference', '=', reference).executeTakeFirstOrThrow();
    const complainant = await db.selectFrom('people').selectAll().where('id', '=', c.complainant_id as number).executeTakeFirstOrThrow();
    const representative = await db.selectFrom('people').selectAll().where('id', '=', c.representative_id as number).executeTakeFirstOrThrow();
    expect(complainant).toMatchObject({ full_name: 'Mary Murphy', email: null, phone: null, adjustments_text: 'Large print letters for my mother' });
    expect(representative).toMatchObject({ full_name: 'Róisín Murphy', email: 'roisin@example.com', phone: '07700 900 982', address: '2 Sample Road\nSampleton', contact_preference: 'sms' });
    expect(c.summary_text).toContain('Made on behalf of Mary Murphy by Róisín Murphy (relationship: Daughter).');
    const contactRow = await db.selectFrom('contacts').select('person_id').innerJoin('cases', 'cases.contact_id', 'contacts.id').where('cases.id', '=', c.id).executeTakeFirstOrThrow();
    expect(contactRow.person_id).toBe(c.complainant_id);

    // The acknowledgement goes to the person who filled in the form, the way they asked.
    const notifications = await db.selectFrom('notifications').selectAll().where('case_id', '=', c.id).execute();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ template: 'case-received', channel: 'sms', recipient: '07700 900 982', person_id: c.representative_id });
    expect(notifications[0]?.personalisation).toMatchObject({ reference, name: 'Róisín Murphy' });
  });

  it('changes answers from "Check your answers" and comes back to it, through any question the change opens', async () => {
    const browser = new Browser(t.app);
    await answerAll(browser, journeyAnswers(t));
    const check = await browser.get('/complain/check-answers');
    expect(changeLinksOf(check.body)).toEqual([
      '/complain/who-is-it-about?returnTo=check',
      '/complain/what-happened?returnTo=check',
      '/complain/injustice?returnTo=check',
      '/complain/desired-outcome?returnTo=check',
      '/complain/complained-already?returnTo=check',
      '/complain/who-for?returnTo=check',
      '/complain/contact-details?returnTo=check',
      '/complain/contact-details?returnTo=check',
      '/complain/contact-details?returnTo=check',
      '/complain/contact-details?returnTo=check',
      '/complain/contact-details?returnTo=check',
      '/complain/adjustments?returnTo=check',
    ]);
    expect(check.body).toContain('Change<span class="govuk-visually-hidden"> what happened</span>');

    // A simple change goes straight back.
    const change = await browser.get('/complain/what-happened?returnTo=check');
    expect(backLinkOf(change.body)).toBe('/complain/check-answers');
    expect(formActionOf(change.body)).toBe('/complain/what-happened?returnTo=check');
    expect(change.body).toContain('The council did not repair the damp');
    expect(locationOf(await browser.post('/complain/what-happened?returnTo=check', { whatHappened: 'A new account of events.' }))).toBe('/complain/check-answers');
    expect(summaryRowsOf((await browser.get('/complain/check-answers')).body).get('What happened')).toBe('A new account of events.');

    // Now for someone else: their details are asked for, then back to check.
    await browser.get('/complain/who-for?returnTo=check');
    expect(locationOf(await browser.post('/complain/who-for?returnTo=check', { complainingFor: 'someone-else' }))).toBe('/complain/person-affected?returnTo=check');
    expect(backLinkOf((await browser.get('/complain/person-affected?returnTo=check')).body)).toBe('/complain/check-answers');
    expect(locationOf(await browser.post('/complain/person-affected?returnTo=check', { affectedName: 'Tom Jones', relationship: 'Friend' }))).toBe('/complain/check-answers');

    // Not complained after all: the interruption page, the reason, then back to check.
    await browser.get('/complain/complained-already?returnTo=check');
    expect(locationOf(await browser.post('/complain/complained-already?returnTo=check', { complainedToBody: 'no' }))).toBe('/complain/complain-to-them-first?returnTo=check');
    const interruption = await browser.get('/complain/complain-to-them-first?returnTo=check');
    expect(interruption.body).toContain('href="/complain/reason-for-complaining-now?returnTo=check"');
    await browser.get('/complain/reason-for-complaining-now?returnTo=check');
    expect(locationOf(await browser.post('/complain/reason-for-complaining-now?returnTo=check', { prematureReason: 'urgent' }))).toBe('/complain/check-answers');

    let rows = summaryRowsOf((await browser.get('/complain/check-answers')).body);
    expect(rows.get('Name of the person you are complaining for')).toBe('Tom Jones');
    expect(rows.get('Why you are complaining to us now')).toBe('It is urgent: someone is at risk of harm, or will lose out if I wait');

    // Back to "yes" and "myself": the questions that no longer apply leave "Check your answers".
    await browser.get('/complain/complained-already?returnTo=check');
    expect(locationOf(await browser.post('/complain/complained-already?returnTo=check', { complainedToBody: 'yes' }))).toBe('/complain/check-answers');
    await browser.get('/complain/who-for?returnTo=check');
    expect(locationOf(await browser.post('/complain/who-for?returnTo=check', { complainingFor: 'myself' }))).toBe('/complain/check-answers');
    rows = summaryRowsOf((await browser.get('/complain/check-answers')).body);
    expect(rows.has('Why you are complaining to us now')).toBe(false);
    expect(rows.has('Name of the person you are complaining for')).toBe(false);
    expect(locationOf(await browser.get('/complain/person-affected'))).toBe('/complain/check-answers');

    // A change that is refused keeps the way back to "Check your answers".
    await browser.get('/complain/contact-details?returnTo=check');
    const refused = await browser.post('/complain/contact-details?returnTo=check', { fullName: 'Siobhán O’Connor-Smith', email: 'siobhan@example.com', contactPreference: 'post' });
    expect(refused.statusCode).toBe(400);
    expect(formActionOf(refused.body)).toBe('/complain/contact-details?returnTo=check');
    expect(backLinkOf(refused.body)).toBe('/complain/check-answers');

    const reference = await referenceAfterSending(browser);
    const summary = (await t.database.db.selectFrom('cases').select('summary_text').where('reference', '=', reference).executeTakeFirstOrThrow()).summary_text;
    expect(summary).toContain('A new account of events.');
    expect(summary).not.toContain('Tom Jones');
    expect(summary).not.toContain('urgent');
  });
});
