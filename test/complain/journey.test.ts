import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, signedInAs } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { createDraft, submitDraft } from '../../src/services/complain/drafts.ts';
import { answerAll, createComplainApp, escapeHtml, journeyAnswers, locationOf, summaryRowsOf, titleOf, type ComplainTestApp } from './support.ts';

/**
 * The whole journey, as a member of the public: start page, every question, check answers, send,
 * confirmation; then the case as intake staff see it. On every engine.
 */
describe.each(testEngines)('complaining online (%s)', (engine) => {
  let t: ComplainTestApp;

  beforeAll(async () => {
    // Monday 18 May 2026, 10am in London; the spring bank holiday is Monday 25 May.
    t = await createComplainApp(engine, new Date('2026-05-18T09:00:00Z'));
  });
  afterAll(async () => t?.dispose());

  it('takes a complaint from the start page to a case in assessment, acknowledged, with the date we will reply by', async () => {
    const browser = new Browser(t.app);
    const start = await browser.get('/complain');
    expect(start.statusCode).toBe(200);
    expect(titleOf(start.body)).toBe('Complain to the Ombudsman');
    expect(start.body).toContain('href="/complain/start"');
    expect(start.headers['cache-control']).toBe('no-store');

    const begin = await browser.get('/complain/start');
    expect(locationOf(begin)).toBe('/complain/who-is-it-about');

    // Page 1 works without JavaScript: a select of every council and care provider, marked for the autocomplete.
    const first = await browser.get('/complain/who-is-it-about');
    expect(titleOf(first.body)).toBe('Who is your complaint about? - Complain to the Ombudsman');
    expect(first.body).toContain('data-autocomplete="bodies"');
    expect(first.body).toContain(`<option value="${t.councilId}">Sampleton District Council (fictional)</option>`);
    expect(first.body).toContain(`<option value="${t.careProviderId}">Rosewood Care Home</option>`);
    expect(first.body).toContain('href="/complain"'); // back to the start page
    expect(first.body).toContain('src="/vendor/accessible-autocomplete/accessible-autocomplete.min.js"');
    expect(first.body).toContain('src="/public/complain.js"');
    expect(first.body).toContain('Save and come back later');

    // Each answer leads to the next question.
    const expectedNext = ['what-happened', 'injustice', 'desired-outcome', 'complained-already', 'who-for', 'contact-details', 'adjustments', 'check-answers'];
    const pages = journeyAnswers(t);
    for (const [index, [page, form]] of pages.entries()) {
      await browser.get(`/complain/${page}`);
      const response = await browser.post(`/complain/${page}`, form);
      expect(response.statusCode).toBe(303);
      expect(locationOf(response)).toBe(`/complain/${expectedNext[index]}`);
    }

    const check = await browser.get('/complain/check-answers');
    expect(check.statusCode).toBe(200);
    expect(titleOf(check.body)).toBe('Check your answers before sending your complaint - Complain to the Ombudsman');
    const rows = summaryRowsOf(check.body);
    expect(rows.get('Who your complaint is about')).toBe('Sampleton District Council');
    expect(rows.get('What happened')).toBe(escapeHtml('The council did not repair the damp in my flat\nfor six months <despite> "promises" & letters.'));
    expect(rows.get('Phone number')).toBe('Not provided');
    expect(rows.get('Address')).toBe('Not provided');
    expect(rows.get('How we should contact you')).toBe('Email');
    expect(check.body).toContain('Submit complaint');

    const sent = await browser.post('/complain/check-answers', {});
    expect(sent.statusCode).toBe(303);
    expect(locationOf(sent)).toBe('/complain/confirmation');

    const confirmation = await browser.get('/complain/confirmation');
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).toContain('govuk-panel--confirmation');
    const reference = /<strong>(\d{2} \d{3} \d{3})<\/strong>/.exec(confirmation.body)?.[1] as string;
    expect(reference).toBe('26 000 001');
    // 20 working days from Monday 18 May 2026, skipping the spring bank holiday on 25 May.
    expect(confirmation.body).toContain('We will contact you by 16 June 2026.');
    expect(confirmation.body).toContain('href="/sign-in"');
    expect(confirmation.body).toContain('We have sent a confirmation to siobhan@example.com.');

    // The case: a 'web' contact recorded by nobody, registered in assessment, categorised from the body's kind.
    const db = t.database.db;
    const row = await db
      .selectFrom('cases as c')
      .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
      .innerJoin('people as p', 'p.id', 'c.complainant_id')
      .select(['c.id', 'c.stage', 'c.team', 'c.category', 'c.subcategory', 'c.jurisdiction', 'c.assessment_due_on', 'c.representative_id', 'c.summary_text',
        'ct.channel', 'ct.outcome', 'ct.recorded_by', 'ct.body_id', 'p.full_name', 'p.email', 'p.contact_preference', 'p.adjustments_text'])
      .where('c.reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      stage: 'assessment', team: 'assessment', category: 'Corporate and other services', subcategory: 'Complaint handling', jurisdiction: 'local-government',
      assessment_due_on: '2026-06-16', representative_id: null, channel: 'web', outcome: 'case-created', recorded_by: null, body_id: t.councilId,
      full_name: 'Siobhán O’Connor-Smith', email: 'siobhan@example.com', contact_preference: 'email', adjustments_text: null,
    });
    expect(row.summary_text).toContain('What happened:\nThe council did not repair the damp in my flat\nfor six months');
    expect(row.summary_text).toContain('Complained to the council or care provider first: Yes.');
    const bodies = await db.selectFrom('case_bodies').select('body_id').where('case_id', '=', row.id).execute();
    expect(bodies).toEqual([{ body_id: t.councilId }]);

    // The acknowledgement, queued for sending.
    const notifications = await db.selectFrom('notifications').selectAll().where('case_id', '=', row.id).execute();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ template: 'case-received', channel: 'email', recipient: 'siobhan@example.com', status: 'queued' });
    expect(notifications[0]?.personalisation).toEqual({ reference, name: 'Siobhán O’Connor-Smith', respondBy: '16 June 2026' });
    const jobs = await db.selectFrom('jobs').select(['kind', 'payload']).where('kind', '=', 'send-notification').execute();
    expect(jobs).toContainEqual({ kind: 'send-notification', payload: { notificationId: notifications[0]?.id } });

    // Intake staff find it in the assessment queue, received by online form.
    const intake = await signedInAs(t.app, 'intake');
    const queue = await intake.get('/staff/queues/assessment');
    expect(queue.body).toContain(reference);
    const casePage = await intake.get(`/staff/cases/${reference.replace(/\s/g, '')}`);
    expect(casePage.statusCode).toBe(200);
    expect(casePage.body).toContain('by online form');
    expect(casePage.body).toContain('Sampleton District Council');

    // Afterwards the questions lead to the confirmation, and "Make another complaint" starts afresh.
    expect(locationOf(await browser.get('/complain/what-happened'))).toBe('/complain/confirmation');
    expect(locationOf(await browser.get('/complain/check-answers'))).toBe('/complain/confirmation');
    expect(locationOf(await browser.get('/complain/start'))).toBe('/complain/who-is-it-about');
    const fresh = await browser.get('/complain/what-happened');
    expect(fresh.statusCode).toBe(200);
    expect(fresh.body).not.toContain('damp');
  });

  it('serves accessible-autocomplete from node_modules at the vendor route', async () => {
    const script = await t.app.inject({ method: 'GET', url: '/vendor/accessible-autocomplete/accessible-autocomplete.min.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    const css = await t.app.inject({ method: 'GET', url: '/vendor/accessible-autocomplete/accessible-autocomplete.min.css' });
    expect(css.statusCode).toBe(200);
    const other = await t.app.inject({ method: 'GET', url: '/vendor/accessible-autocomplete/lib/accessible-autocomplete.react.min.js' });
    expect(other.statusCode).toBe(404);
    const enhancement = await t.app.inject({ method: 'GET', url: '/public/complain.js' });
    expect(enhancement.statusCode).toBe(200);
    expect(enhancement.body).toContain('enhanceSelectElement');
  });

  it('answers a complaint about a care provider that is not listed: the provider is added and the case is private social care', async () => {
    const browser = new Browser(t.app);
    await answerAll(browser, journeyAnswers(t, { 'who-is-it-about': { bodyNotListed: 'yes', careProviderName: '  Hillside   Lodge  ', bodyId: '' } }));
    const check = await browser.get('/complain/check-answers');
    expect(summaryRowsOf(check.body).get('Who your complaint is about')).toBe('Hillside Lodge (a care provider that is not on our list)');
    expect(locationOf(await browser.post('/complain/check-answers', {}))).toBe('/complain/confirmation');
    const confirmation = await browser.get('/complain/confirmation');
    const reference = /<strong>(\d{2} \d{3} \d{3})<\/strong>/.exec(confirmation.body)?.[1] as string;
    const row = await t.database.db
      .selectFrom('cases as c')
      .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
      .innerJoin('bodies as b', 'b.id', 'ct.body_id')
      .select(['c.category', 'c.subcategory', 'c.jurisdiction', 'b.name', 'b.kind', 'c.summary_text'])
      .where('c.reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ category: 'Adult care services', subcategory: 'Residential care', jurisdiction: 'private-social-care', name: 'Hillside Lodge', kind: 'care-provider' });
    expect(row.summary_text).toContain('The care provider was not on our list: the complainant named it as "Hillside Lodge".');
  });

  it('makes one case when the same complaint is sent many times at once', async () => {
    const id = await createDraft(t.services, {
      bodyId: t.councilId, bodyName: t.councilName, bodyNotListed: false, whatHappened: 'What happened', injustice: 'Harm', desiredOutcome: 'An apology',
      complainedToBody: 'yes', complainingFor: 'myself', fullName: 'Rita Race', email: 'rita.race@example.com', contactPreference: 'email', needsAdjustments: 'no',
    });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => submitDraft(t.services, id)));
    const references = new Set(outcomes.flatMap((o) => (o.status === 'sent' ? [o.complaint.reference] : [])));
    expect(references.size).toBe(1);
    const cases = await t.database.db.selectFrom('cases as c').innerJoin('people as p', 'p.id', 'c.complainant_id').select('c.reference').where('p.email', '=', 'rita.race@example.com').execute();
    expect(cases).toHaveLength(1);
    const acknowledgements = await t.database.db.selectFrom('notifications').select('id').where('recipient', '=', 'rita.race@example.com').where('template', '=', 'case-received').execute();
    expect(acknowledgements).toHaveLength(1);
  });
});
