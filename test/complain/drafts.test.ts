import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { claimDraft } from '../../src/data/repositories/complaint-drafts.ts';
import { recordContact } from '../../src/services/intake.ts';
import { buildSubmission, caseCategoryFor } from '../../src/services/complain/answers.ts';
import { createDraft, loadDraft, purgeExpiredDrafts, saveAnswers, STALE_CLAIM_MS, submitDraft } from '../../src/services/complain/drafts.ts';
import { Browser } from '../helpers/app.ts';
import { answerAll, createComplainApp, errorSummaryOf, journeyAnswers, locationOf, summaryRowsOf, type ComplainTestApp } from './support.ts';

const DAY_MS = 86_400_000;

/** Saving and resuming a complaint, and sending it exactly once. */
describe('complaint drafts', () => {
  let t: ComplainTestApp;
  const start = new Date('2026-05-18T09:00:00Z');

  beforeAll(async () => {
    t = await createComplainApp('pglite', start);
  });
  afterAll(async () => t?.dispose());

  async function casesFrom(email: string): Promise<number> {
    const row = await t.database.db
      .selectFrom('cases as c')
      .innerJoin('people as p', (join) => join.on((eb) => eb.or([eb('p.id', '=', eb.ref('c.complainant_id')), eb('p.id', '=', eb.ref('c.representative_id'))])))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.email', '=', email)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function notificationsTo(recipient: string, template: string) {
    return t.database.db.selectFrom('notifications').selectAll().where('recipient', '=', recipient).where('template', '=', template).orderBy('id').execute();
  }

  /** A complete set of answers, saved straight through the service. */
  async function completeDraft(email: string, overrides: Record<string, unknown> = {}): Promise<string> {
    return createDraft(t.services, {
      bodyId: t.councilId, bodyName: t.councilName, bodyNotListed: false, whatHappened: 'What happened', injustice: 'Harm', desiredOutcome: 'An apology',
      complainedToBody: 'yes', complainingFor: 'myself', fullName: `Person ${email}`, email, contactPreference: 'email', needsAdjustments: 'no',
      ...overrides,
    });
  }

  it('saves answers as they go and resumes them from the emailed link in a new session', async () => {
    t.clock.set(start);
    const browser = new Browser(t.app);
    const pages = journeyAnswers(t, { 'contact-details': { fullName: 'Sam Saver', email: 'sam@example.com', phone: '', address: '', contactPreference: 'email' } });
    await answerAll(browser, pages.slice(0, 2));

    // "Save and come back later" on page 3 keeps what was typed there too.
    await browser.get('/complain/injustice');
    const save = await browser.post('/complain/injustice', { injustice: 'I could not sleep.', action: 'save' });
    expect(locationOf(save)).toBe('/complain/save?from=injustice');
    const savePage = await browser.get('/complain/save?from=injustice');
    expect(savePage.statusCode).toBe(200);
    expect(savePage.body).toContain('href="/complain/injustice"');
    const saved = await browser.post('/complain/save', { from: 'injustice', email: 'sam@example.com' });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('We have sent an email to <strong>sam@example.com</strong>');
    expect(saved.body).toContain('The link will work until 17 June 2026.');

    const [notification] = await notificationsTo('sam@example.com', 'draft-saved');
    expect(notification).toMatchObject({ channel: 'email', case_id: null, person_id: null, status: 'queued' });
    const resumeUrl = (notification?.personalisation as { resumeUrl: string }).resumeUrl;
    const match = /^https:\/\/complain\.example\.org\/complain\/resume\/([0-9a-f-]{36})$/.exec(resumeUrl);
    expect(match).not.toBeNull();
    const token = match?.[1] as string;
    // Version 4: random, so unguessable; and never shown on a page.
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(saved.body).not.toContain(token);
    expect(savePage.body).not.toContain(token);
    const draft = await t.database.db.selectFrom('complaint_drafts').selectAll().where('id', '=', token).executeTakeFirstOrThrow();
    expect(draft.email).toBe('sam@example.com');
    expect(draft.answers).toMatchObject({ bodyId: t.councilId, injustice: 'I could not sleep.' });

    // Days later, on another device: the link opens the first question still to answer.
    t.clock.advance(3 * DAY_MS);
    const elsewhere = new Browser(t.app);
    const resumed = await elsewhere.get(`/complain/resume/${token}`);
    expect(resumed.statusCode).toBe(303);
    expect(locationOf(resumed)).toBe('/complain/desired-outcome');
    const injustice = await elsewhere.get('/complain/injustice');
    expect(injustice.body).toContain('I could not sleep.');
    await answerAll(elsewhere, pages.slice(3));
    expect(summaryRowsOf((await elsewhere.get('/complain/check-answers')).body).get('The injustice or harm it caused')).toBe('I could not sleep.');
    expect(locationOf(await elsewhere.post('/complain/check-answers', {}))).toBe('/complain/confirmation');
    expect(await casesFrom('sam@example.com')).toBe(1);

    // The link of a sent complaint shows its confirmation, and the first browser cannot change it.
    expect(locationOf(await new Browser(t.app).get(`/complain/resume/${token}`))).toBe('/complain/confirmation');
    expect(locationOf(await browser.post('/complain/injustice', { injustice: 'Changed afterwards' }))).toBe('/complain/confirmation');
    expect((await loadDraft(t.services, token))?.answers.injustice).toBe('I could not sleep.');
  });

  it('saves from an empty page without complaint, but will not throw away an answer it cannot accept', async () => {
    t.clock.set(start);
    const browser = new Browser(t.app);
    await browser.get('/complain/what-happened');
    expect(locationOf(await browser.post('/complain/what-happened', { whatHappened: '', action: 'save' }))).toBe('/complain/save?from=what-happened');
    const refused = await browser.post('/complain/what-happened', { whatHappened: 'x'.repeat(5_001), action: 'save' });
    expect(refused.statusCode).toBe(400);
    expect(errorSummaryOf(refused.body).items).toEqual([{ href: '#whatHappened', text: 'What happened must be 5,000 characters or fewer' }]);
    // Saving before answering anything still makes a draft to come back to.
    await browser.get('/complain/save?from=what-happened');
    expect((await browser.post('/complain/save', { from: 'what-happened', email: 'early@example.com' })).statusCode).toBe(200);
    expect(await notificationsTo('early@example.com', 'draft-saved')).toHaveLength(1);
  });

  it('expires a draft 30 days after it was last saved, and refuses links that are not drafts', async () => {
    t.clock.set(start);
    const id = await createDraft(t.services, { whatHappened: 'Old news' });
    t.clock.advance(29 * DAY_MS);
    expect(locationOf(await new Browser(t.app).get(`/complain/resume/${id}`))).toBe('/complain/who-is-it-about');
    t.clock.advance(1 * DAY_MS + 1_000);
    const expired = await new Browser(t.app).get(`/complain/resume/${id}`);
    expect(expired.statusCode).toBe(404);
    expect(expired.body).toContain('This link has expired');
    for (const token of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', `${id}x`, "'; drop table complaint_drafts; --"]) {
      const response = await new Browser(t.app).get(`/complain/resume/${encodeURIComponent(token)}`);
      expect(response.statusCode).toBe(404);
    }
    expect(await purgeExpiredDrafts(t.services)).toBeGreaterThanOrEqual(1);
    expect(await t.database.db.selectFrom('complaint_drafts').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('makes one case however often the complaint is sent: again, with the back button, or twice at once', async () => {
    t.clock.set(start);
    const browser = new Browser(t.app);
    await answerAll(browser, journeyAnswers(t, { 'contact-details': { fullName: 'Dee Double', email: 'dee@example.com', contactPreference: 'email' } }));
    await browser.get('/complain/check-answers');
    const [first, second] = await Promise.all([browser.post('/complain/check-answers', {}), browser.post('/complain/check-answers', {})]);
    expect(locationOf(first)).toBe('/complain/confirmation');
    expect(locationOf(second)).toBe('/complain/confirmation');
    // The back button: the browser shows the form again (or resends it).
    expect(locationOf(await browser.get('/complain/check-answers'))).toBe('/complain/confirmation');
    expect(locationOf(await browser.post('/complain/check-answers', {}))).toBe('/complain/confirmation');
    expect(await casesFrom('dee@example.com')).toBe(1);
    expect(await notificationsTo('dee@example.com', 'case-received')).toHaveLength(1);
    expect((await browser.get('/complain/confirmation')).body).toContain('Complaint sent');
  });

  it('sends at most one case when many requests race for the same draft', async () => {
    t.clock.set(start);
    const id = await completeDraft('race@example.com');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => submitDraft(t.services, id)));
    const sent = outcomes.filter((o) => o.status === 'sent');
    expect(sent.length).toBeGreaterThanOrEqual(1);
    const references = new Set(sent.map((o) => (o.status === 'sent' ? o.complaint.reference : '')));
    expect(references.size).toBe(1);
    expect(await casesFrom('race@example.com')).toBe(1);
    expect(await notificationsTo('race@example.com', 'case-received')).toHaveLength(1);
  });

  it('adopts the case of an attempt that died after recording it, rather than making another', async () => {
    t.clock.set(start);
    const id = await completeDraft('crash@example.com');
    // An attempt claims the draft and records the case, then dies before linking them.
    const claimedAt = t.clock.now();
    expect(await claimDraft(t.services.db, id, claimedAt)).toBe(true);
    const draft = await loadDraft(t.services, id);
    const submission = buildSubmission(draft?.answers ?? {});
    const orphan = await recordContact(t.services, {
      channel: 'web', receivedAt: claimedAt, complainant: submission.complainant, representative: null, bodyIds: [t.councilId],
      summary: submission.summary, outcome: 'case-created', ...caseCategoryFor('council'),
    }, null);

    const browser = new Browser(t.app);
    const resumed = await browser.get(`/complain/resume/${id}`);
    expect(locationOf(resumed)).toBe('/complain/confirmation');
    // Until someone sends it again, the confirmation says it is on its way.
    const waiting = await browser.get('/complain/confirmation');
    expect(waiting.body).toContain('We are still sending your complaint');
    t.clock.advance(1_000);
    const outcome = await submitDraft(t.services, id);
    expect(outcome).toMatchObject({ status: 'sent', complaint: { reference: orphan.reference } });
    expect(await casesFrom('crash@example.com')).toBe(1);
    expect(await notificationsTo('crash@example.com', 'case-received')).toHaveLength(1);
    expect((await browser.get('/complain/confirmation')).body).toContain(orphan.reference as string);
  });

  it('waits for a fresh claim, and retries one left by an attempt that died before recording anything', async () => {
    t.clock.set(start);
    const id = await completeDraft('stale@example.com');
    expect(await claimDraft(t.services.db, id, t.clock.now())).toBe(true);
    expect(await submitDraft(t.services, id)).toEqual({ status: 'in-progress' });
    expect(await casesFrom('stale@example.com')).toBe(0);
    t.clock.advance(STALE_CLAIM_MS + 1_000);
    const outcome = await submitDraft(t.services, id);
    expect(outcome.status).toBe('sent');
    expect(await casesFrom('stale@example.com')).toBe(1);
    expect(await submitDraft(t.services, id)).toMatchObject({ status: 'sent' });
    expect(await casesFrom('stale@example.com')).toBe(1);
  });

  it('releases the claim when the case cannot be recorded, so the complaint can be corrected and sent', async () => {
    t.clock.set(start);
    await upsertBodies(t.database.db, [{ code: 'OTHER-1', name: 'Some Other Body', kind: 'other' }]);
    const other = await t.database.db.selectFrom('bodies').select('id').where('code', '=', 'OTHER-1').executeTakeFirstOrThrow();
    const id = await completeDraft('retry@example.com', { bodyId: other.id, bodyName: 'Some Other Body' });
    await expect(submitDraft(t.services, id)).rejects.toMatchObject({ code: 'invalid' });
    const draft = await loadDraft(t.services, id);
    expect(draft?.submittedAt).toBeNull();
    expect(await saveAnswers(t.services, id, { bodyId: t.councilId, bodyName: t.councilName })).toBeDefined();
    expect((await submitDraft(t.services, id)).status).toBe('sent');
    expect(await casesFrom('retry@example.com')).toBe(1);
  });

  it('refuses to send incomplete answers, naming what is missing', async () => {
    t.clock.set(start);
    const id = await createDraft(t.services, { whatHappened: 'Only this' });
    await expect(submitDraft(t.services, id)).rejects.toMatchObject({ code: 'invalid', fields: { bodyId: 'Select the council or care provider your complaint is about', email: 'Enter your email address' } });
    const row = await sql<{ submitted_at: Date | null }>`select submitted_at from complaint_drafts where id = ${id}`.execute(t.database.db);
    expect(row.rows[0]?.submitted_at).toBeNull();
  });
});
