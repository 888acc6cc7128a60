import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { approveDecisionStatement, publishDecision, saveDecisionStatement, withdrawDecision } from '../../src/services/publication/decision-publishing.ts';
import { insertSampleDecisions } from '../../src/services/publication/sample-decisions.ts';
import { actor, advanceCase, escapeHtml, RawClient, registerCase, titleOf } from './support.ts';

describe.each(testEngines)('the public decisions pages on %s', (engine) => {
  let t: TestApp;
  let visitor: RawClient;
  const ids: Record<string, number> = {};
  let unpublishedReference = '';

  /** A decided case whose statement is published by the services: the investigator drafts, the manager approves. */
  async function published(key: string, options: { fullName: string; summary: string; statement: string; bodyIndex?: number; category?: [string, string] }) {
    const reference = await registerCase(t, { fullName: options.fullName, bodyIds: [t.bodyIds[options.bodyIndex ?? 0] as number] });
    await advanceCase(t, reference, 'compliance');
    if (options.category) await t.database.db.updateTable('cases').set({ category: options.category[0], subcategory: options.category[1] }).where('reference', '=', reference).execute();
    await saveDecisionStatement(t.services, reference, actor(t, 'investigator'), { summary: options.summary, statement: options.statement, intent: 'submit', confirmNotIdentifying: false });
    await approveDecisionStatement(t.services, reference, actor(t, 'manager'));
    ids[key] = await publishDecision(t.services, reference, actor(t, 'manager'));
    return reference;
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    visitor = new RawClient(t.app);
    await published('bnb', {
      fullName: 'Yusuf Demir', summary: 'The council kept a family in bed and breakfast for too long.',
      statement: 'Mr X and his children lived in bed and breakfast accommodation for 14 weeks. The law says six weeks at most. The council apologised.',
    });
    await published('parking', {
      fullName: 'Zara Quinn', bodyIndex: 1, category: ['Highways and transport', 'Parking and enforcement'],
      summary: 'A parking fine was issued without a proper sign.', statement: 'The council issued a penalty charge notice where no sign was shown. We found fault.',
    });
    await published('withdrawn', { fullName: 'Abel Kane', summary: 'A withdrawn statement about hedges.', statement: 'Hedges were too tall.' });
    await withdrawDecision(t.services, (await t.database.db.selectFrom('published_decisions as pd').innerJoin('cases as c', 'c.id', 'pd.case_id').select('c.reference').where('pd.id', '=', ids.withdrawn as number).executeTakeFirstOrThrow()).reference, actor(t, 'manager'), { reason: 'Identifiable.' });
    // Approved but not published: must never show.
    unpublishedReference = await registerCase(t, { fullName: 'Bryn Lloyd' });
    await advanceCase(t, unpublishedReference, 'compliance');
    await saveDecisionStatement(t.services, unpublishedReference, actor(t, 'investigator'), { summary: 'Not yet public hedges.', statement: 'Unpublished words about hedges.', intent: 'submit', confirmNotIdentifying: false });
    await approveDecisionStatement(t.services, unpublishedReference, actor(t, 'manager'));
  });
  afterAll(async () => t?.dispose());

  it('lists only published decisions, newest first, with a total', async () => {
    const response = await visitor.get('/decisions');
    expect(response.statusCode).toBe(200);
    expect(titleOf(response.body)).toBe('Search decisions - Ombudsman decisions and statistics');
    expect(response.body).toContain('2 decisions</h2>');
    expect(response.body).toContain(`href="/decisions/${ids.bnb}"`);
    expect(response.body).toContain(`href="/decisions/${ids.parking}"`);
    expect(response.body.indexOf(`/decisions/${ids.parking}"`)).toBeLessThan(response.body.indexOf(`/decisions/${ids.bnb}"`));
    expect(response.body).not.toContain('hedges');
    // No personal data: the complainants' names never appear.
    for (const name of ['Yusuf', 'Demir', 'Zara Quinn', 'Bryn Lloyd']) expect(response.body).not.toContain(name);
  });

  it('searches by words with stemming and phrases, most relevant first, marking the matches', async () => {
    const phrase = await visitor.get(`/decisions?q=${encodeURIComponent('"bed and breakfast"')}`);
    expect(phrase.body).toContain('1 decision found</h2>');
    expect(phrase.body).toContain('<mark>bed</mark>');
    const stemmed = await visitor.get('/decisions?q=apologise');
    expect(stemmed.body).toContain(`href="/decisions/${ids.bnb}"`);
    expect(stemmed.body).toContain('<mark>apologised</mark>');
    const none = await visitor.get('/decisions?q=hedges');
    expect(none.body).toContain('0 decisions found</h2>');
    expect(none.body).toContain('No published decisions match your search.');
    const excluded = await visitor.get(`/decisions?q=${encodeURIComponent('council -parking')}`);
    expect(excluded.body).toContain('1 decision found</h2>');
  });

  it('filters by body, category (either level), outcome and decision date', async () => {
    const bodies = await t.database.db.selectFrom('bodies').select(['id', 'code']).execute();
    const codeOf = (index: number) => bodies.find((b) => b.id === t.bodyIds[index])?.code as string;
    const byBody = await visitor.get(`/decisions?body=${encodeURIComponent(codeOf(1))}`);
    expect(byBody.body).toContain('1 decision found</h2>');
    expect(byBody.body).toContain(`href="/decisions/${ids.parking}"`);
    expect((await visitor.get(`/decisions?category=${encodeURIComponent('Highways and transport')}`)).body).toContain('1 decision found</h2>');
    expect((await visitor.get(`/decisions?category=${encodeURIComponent('Housing > Homelessness')}`)).body).toContain(`href="/decisions/${ids.bnb}"`);
    expect((await visitor.get('/decisions?outcome=not-upheld')).body).toContain('0 decisions found</h2>');
    expect((await visitor.get('/decisions?outcome=upheld-fault-injustice')).body).toContain('2 decisions found</h2>');
    const inRange = await visitor.get('/decisions?from-day=1&from-month=3&from-year=2026&to-day=2&to-month=march&to-year=2026');
    expect(inRange.body).toContain('2 decisions found</h2>');
    const before = await visitor.get('/decisions?to-day=28&to-month=2&to-year=2026');
    expect(before.body).toContain('0 decisions found</h2>');
    // The form shows what was chosen.
    expect(byBody.body).toMatch(new RegExp(`<option value="${codeOf(1)}" selected`));
  });

  it('shows mistakes in the filters as errors, keeping what was typed, never a 500', async () => {
    const badDate = await visitor.get('/decisions?q=noise&from-day=31&from-month=2&from-year=2025');
    expect(badDate.statusCode).toBe(400);
    expect(titleOf(badDate.body)).toMatch(/^Error: Search decisions/);
    expect(badDate.body).toContain('The ‘from’ date must be a real date');
    expect(badDate.body).toContain('value="noise"');
    const halfDate = await visitor.get('/decisions?to-year=2025');
    expect(halfDate.body).toContain('The ‘to’ date must include a day and month');
    const backwards = await visitor.get('/decisions?from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain(escapeHtml('The ‘to’ date must be the same as or after the ‘from’ date'));
    const long = await visitor.get(`/decisions?q=${'word '.repeat(1000)}`);
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Search words must be 200 characters or fewer');
    expect(long.body).toContain('<a href="#q">Search words must be 200 characters or fewer</a>');
    for (const query of ['body=E99999999', 'category=Nonsense', 'outcome=closed-after-initial-enquiries', `body=${'x'.repeat(500)}`]) {
      expect((await visitor.get(`/decisions?${query}`)).statusCode).toBe(400);
    }
    for (const query of ['page=abc', 'page=0', 'page=-1', 'page=1e9', 'page=99999999999999999999', 'q=a&q=b', 'q=%00%00', 'q=(((', 'q=-', 'q=""', 'q=&&||!!', 'from-day=x&from-month=y&from-year=z']) {
      expect((await visitor.get(`/decisions?${query}`)).statusCode, query).toBeLessThan(500);
    }
  });

  it('says when the words were all too common to search by', async () => {
    const response = await visitor.get('/decisions?q=the+and');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Your search words are too common to search by');
    expect(response.body).toContain('2 decisions found</h2>');
  });

  it('shows a decision with its statement, outcome, body, category, date and reference, and nothing personal', async () => {
    const response = await visitor.get(`/decisions/${ids.bnb}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Mr X and his children lived in bed and breakfast accommodation');
    expect(response.body).toContain('Upheld: fault and injustice');
    expect(response.body).toContain('Housing: Homelessness');
    expect(response.body).toContain('2 March 2026');
    expect(response.body).not.toContain('Demir');
    expect(response.body).not.toContain('Ina Investigator');
  });

  it('answers 404 for withdrawn, unpublished, unknown and malformed decisions alike', async () => {
    const unpublished = await t.database.db.selectFrom('published_decisions as pd').innerJoin('cases as c', 'c.id', 'pd.case_id').select('pd.id').where('c.reference', '=', unpublishedReference).executeTakeFirstOrThrow();
    for (const id of [ids.withdrawn, unpublished.id, 999999, 'abc', '1.5', '-1', '99999999999999']) {
      const response = await visitor.get(`/decisions/${id}`);
      expect(response.statusCode, String(id)).toBe(404);
      expect(response.body).toContain('There is no published decision at this address');
    }
  });

  it('is cacheable: ETag, Cache-Control, 304 when unchanged, and no cookie', async () => {
    for (const url of ['/decisions', `/decisions/${ids.bnb}`, '/decisions?q=council']) {
      const first = await visitor.request({ method: 'GET', url });
      expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
      expect(first.headers['set-cookie']).toBeUndefined();
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"/);
      const again = await visitor.request({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    }
    // An error page is not cached.
    expect((await visitor.get('/decisions?outcome=nonsense')).headers['cache-control'] ?? '').not.toMatch(/public/);
  });

  it('pages through many decisions, keeping the filters in the links', async () => {
    const ombudsmanId = await createStaffUser(t.services, null, { email: 'pager@test.example', displayName: 'Pager', roles: ['ombudsman'], password: PASSWORD });
    await insertSampleDecisions(t.database.db, { count: 45, bodyIds: [t.bodyIds[2] as number], drafterId: t.staffIds.investigator, approverId: ombudsmanId, years: 2, until: new Date('2026-02-01T12:00:00Z') });
    const code = (await t.database.db.selectFrom('bodies').select('code').where('id', '=', t.bodyIds[2] as number).executeTakeFirstOrThrow()).code;
    const first = await visitor.get(`/decisions?body=${code}`);
    expect(first.body).toContain('45 decisions found</h2>');
    expect(first.body).toContain('Page 1 of 3.');
    expect(first.body).toContain(`href="/decisions?body=${code}&amp;page=2"`);
    const third = await visitor.get(`/decisions?body=${code}&page=3`);
    expect((third.body.match(/<li class="govuk-!-margin-bottom-6">/g) ?? []).length).toBe(5);
    const beyond = await visitor.get(`/decisions?body=${code}&page=9`);
    expect(beyond.statusCode).toBe(200);
    expect(beyond.body).toContain('There are no results on page 9.');
  });
});
