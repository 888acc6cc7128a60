import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { liveCase } from '../fixtures/remedies/live-casework.ts';
import Fastify from 'fastify';
import { cacheFor, etagOf, ifNoneMatchMatches, publicHttpCaching } from '../../src/web/public-pages/http-cache.ts';

const t = (iso: string) => new Date(iso);

/** The text of the figures table's cell for measure n (1: received ... 5: upheld rate, 7: compliance), tags stripped. */
function councilCell(html: string, measure: number): string {
  const match = new RegExp(`data-measure="${measure}">([\\s\\S]*?)</td>`).exec(html);
  return (match?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

// Words that must never reach a public page: the complainant's name and personal remedies' wording.
const PERSONAL = ['Persephone', 'Quill', 'Apologise to Ms Quill', 'Pay Ms Quill', 'sam@example.com', 'Reasons for the decision'];

describe('public HTTP caching', () => {
  it('compares If-None-Match weakly, as RFC 9110 says for GET', () => {
    const etag = etagOf('hello');
    expect(ifNoneMatchMatches(etag, etag)).toBe(true);
    expect(ifNoneMatchMatches(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchMatches(`"a", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchMatches('*', etag)).toBe(true);
    expect(ifNoneMatchMatches('"a"', etag)).toBe(false);
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
    // The CSP nonce changes on every response and is not part of what the page says.
    expect(etagOf('<script nonce="abc">x</script>')).toBe(etagOf('<script nonce="xyz">x</script>'));
  });

  it('never marks public a response that sets a cookie, nor an error', async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      publicHttpCaching(scope);
      scope.get('/cookie', async (_request, reply) => cacheFor(reply, 60).header('set-cookie', 'a=b').send('personal'));
      scope.get('/broken', async (_request, reply) => cacheFor(reply, 60).code(500).send('oops'));
      scope.get('/fine', async (_request, reply) => cacheFor(reply, 60).send('fine'));
    });
    const cookie = await app.inject({ url: '/cookie' });
    expect(cookie.headers['cache-control']).toBe('private, no-cache');
    expect(cookie.headers.etag).toBeUndefined();
    const broken = await app.inject({ url: '/broken' });
    expect(broken.headers['cache-control']).toBeUndefined();
    const fine = await app.inject({ url: '/fine' });
    expect(fine.headers['cache-control']).toBe('public, max-age=60');
    expect((await app.inject({ url: '/fine', headers: { 'if-none-match': String(fine.headers.etag) } })).statusCode).toBe(304);
    await app.close();
  });
});

describe.each(testEngines)('public council pages on %s', (engine) => {
  let t0: TestApp;
  const get = (url: string, headers: Record<string, string> = {}) => t0.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    t0 = await createTestApp(engine, t('2017-04-01T09:00:00Z'));
    const code = async (c: string) => (await t0.database.db.selectFrom('bodies').select('id').where('code', '=', c).executeTakeFirstOrThrow()).id;
    const sampleton = await code('X99000002');
    const illustration = await code('X99000006');
    // Sampleton District Council, 2017-18: 3 investigations, 2 upheld (one already remedied by
    // the council), 3 remedies all carried out (one late).
    await liveCase(t0, { bodyIds: [sampleton], complainant: 'Persephone Quill', receivedAt: t('2017-05-02T09:00:00Z'), path: {
      kind: 'investigated', outcome: 'upheld-fault-injustice', decidedAt: t('2017-07-03T10:00:00Z'), remedies: [
        { kind: 'apology', description: 'Apologise to Ms Quill for the delay', dueOn: '2017-08-01', settle: { on: '2017-07-20', complied: true } },
        { kind: 'financial-payment', description: 'Pay Ms Quill £250 for her time and trouble', dueOn: '2017-08-01', settle: { on: '2017-08-10', complied: true } },
        { kind: 'service-improvement', description: 'Review how the council acknowledges housing applications', dueOn: '2017-10-01', settle: { on: '2017-09-01', complied: true } },
      ] } });
    await liveCase(t0, { bodyIds: [sampleton], complainant: 'Persephone Quill', receivedAt: t('2017-05-03T09:00:00Z'), path: { kind: 'investigated', outcome: 'upheld-remedied-by-body', decidedAt: t('2017-07-04T10:00:00Z') } });
    await liveCase(t0, { bodyIds: [sampleton], receivedAt: t('2017-05-04T09:00:00Z'), path: { kind: 'investigated', outcome: 'not-upheld', decidedAt: t('2017-07-05T10:00:00Z') } });
    // Illustration Vale District Council: one case, closed after initial enquiries.
    await liveCase(t0, { bodyIds: [illustration], complainant: 'Persephone Quill', receivedAt: t('2017-06-01T09:00:00Z'), path: { kind: 'closed-at-assessment', at: t('2017-06-20T10:00:00Z') } });
    t0.clock.set(t('2018-06-01T10:00:00Z'));
  });
  afterAll(async () => t0?.dispose());

  it('lists every council and finds one by name, type or region without JavaScript', async () => {
    const all = await get('/councils');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('All 6 councils');
    expect(all.body).toContain('<a class="govuk-link" href="/councils/X99000002">Sampleton District Council</a>');
    const byName = await get('/councils?q=sample');
    expect(byName.body).toContain('1 of 6 councils match');
    expect(byName.body).toContain('Sampleton District Council');
    expect(byName.body).not.toContain('Exampleshire County Council</a>');
    const byType = await get('/councils?type=district&region=East+Midlands');
    expect(byType.body).toContain('2 of 6 councils match');
    expect(byType.body).toContain('<option value="district" selected>');
    const nothing = await get('/councils?q=atlantis');
    expect(nothing.body).toContain('No council matches your search');
    // A filter value nobody offers is ignored, not an error.
    expect((await get('/councils?type=<script>')).body).toContain('All 6 councils');
  });

  it('shows the hand-worked figures of the latest complete plan year, with the small-numbers caution', async () => {
    const page = await get('/councils/X99000002');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Sampleton District Council</h1>');
    expect(page.body).toContain('<option value="2017" selected>2017-18 (1 April 2017 to 31 March 2018), latest complete year</option>');
    expect(councilCell(page.body, 1)).toBe('3');
    expect(councilCell(page.body, 2)).toBe(`${(3 * 10_000 / 98_500).toFixed(1)}`);
    expect(councilCell(page.body, 3)).toBe('3');
    expect(councilCell(page.body, 4)).toBe('3');
    expect(councilCell(page.body, 5)).toBe('67% 2 of 3 investigations Small numbers');
    expect(councilCell(page.body, 6)).toBe('50% 1 of 2 upheld complaints Small numbers');
    expect(councilCell(page.body, 7)).toBe('100% 3 of 3 remedies Small numbers');
    expect(page.body).toContain('rates over fewer than 10 cases');
    // Similar councils (the two districts) and England: averages per council, pooled rates.
    expect(page.body).toContain('<th scope="col" class="govuk-table__header">District councils</th>');
    expect(page.body).toContain('2.0<br><span class="govuk-hint govuk-!-font-size-16">average of 2 councils</span>');
    expect(page.body).toContain('0.7<br><span class="govuk-hint govuk-!-font-size-16">average of 6 councils</span>');
    // Time to decision: 62, 62 and 62 days (2 May to 3 July, 3 May to 4 July, 4 May to 5 July).
    expect(page.body).toMatch(/<th scope="row" class="govuk-table__header">Sampleton District Council<\/th>\s*<td class="govuk-table__cell">3<br>/);
    expect(page.body).toContain('62 days');
    // Remedies by kind, and the service improvement's description.
    expect(page.body).toMatch(/Apology<\/th><td class="govuk-table__cell govuk-table__cell--numeric">1</);
    expect(page.body).toContain('Review how the council acknowledges housing applications');
    expect(page.body).toContain('href="/councils/X99000002/watch-list"');
    expect(page.body).toContain('href="/open-data/2017/councils/X99000002.json"');
    expect(page.body).toContain('<svg');
  });

  it('says "No investigations" for a council with none, never 0% or NaN', async () => {
    const page = await get('/councils/X99000006');
    expect(page.statusCode).toBe(200);
    expect(councilCell(page.body, 4)).toBe('0');
    expect(councilCell(page.body, 5)).toBe('No investigations');
    expect(councilCell(page.body, 6)).toBe('No complaints upheld');
    expect(councilCell(page.body, 7)).toBe('No remedies due');
    expect(page.body).not.toContain('NaN');
    expect(page.body).toContain('The council agreed no service improvements in 2017-18.');
  });

  it('shows any plan year from the selector, the running one marked as the year so far', async () => {
    const current = await get('/councils/X99000002?year=2018');
    expect(current.statusCode).toBe(200);
    expect(current.body).toContain('This plan year is still running');
    expect(councilCell(current.body, 1)).toBe('0');
    expect(current.headers['cache-control']).toBe('public, max-age=300');
    for (const url of ['/councils/X99000002?year=1990', '/councils/X99000002?year=2017-18', '/councils/X99000002?year=2030', '/councils/NOSUCHCODE', '/councils/NOSUCHCODE?year=2017']) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });

  it('links the annual letter once it is published', async () => {
    const body = await t0.database.db.selectFrom('bodies').select('id').where('code', '=', 'X99000002').executeTakeFirstOrThrow();
    expect((await get('/councils/X99000002')).body).not.toContain('annual-letter');
    await t0.database.db.insertInto('annual_letters').values({ body_id: body.id, plan_year: 2017, generated_at: t('2018-05-01T09:00:00Z') }).execute();
    expect((await get('/councils/X99000002')).body).not.toContain('annual-letter');
    await t0.database.db.updateTable('annual_letters').set({ published_at: t('2018-05-02T09:00:00Z') }).where('body_id', '=', body.id).execute();
    expect((await get('/councils/X99000002')).body).toContain('href="/councils/X99000002/annual-letter/2017.pdf"');
  });

  it('is cacheable: ETag, Cache-Control, 304 for If-None-Match, and no cookie', async () => {
    for (const url of ['/councils', '/councils/X99000002', '/councils/X99000002?year=2017']) {
      const first = await get(url);
      expect(first.headers.etag, url).toMatch(/^"[\w-]{32}"$/);
      expect(first.headers['cache-control'], url).toMatch(/^public, max-age=\d+$/);
      expect(first.headers['set-cookie'], url).toBeUndefined();
      const again = await get(url, { 'if-none-match': String(first.headers.etag) });
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers.etag).toBe(first.headers.etag);
      // The browser keeps the CSP stored with its copy, whose nonce matches that copy's scripts.
      expect(first.headers['content-security-policy'], url).toContain('nonce-');
      expect(again.headers['content-security-policy'], url).toBeUndefined();
      const weak = await get(url, { 'if-none-match': `"other", W/${String(first.headers.etag)}` });
      expect(weak.statusCode, url).toBe(304);
      expect((await get(url, { 'if-none-match': '"something-else"' })).statusCode, url).toBe(200);
    }
    expect((await get('/councils/X99000002')).headers['cache-control']).toBe('public, max-age=3600');
    const missing = await get('/councils/NOSUCHCODE');
    expect(missing.headers.etag).toBeUndefined();
    expect(missing.headers['cache-control']).toBeUndefined();
  });

  it('never shows a complainant’s name or a personal remedy’s wording', async () => {
    for (const url of ['/councils', '/councils/X99000002', '/councils/X99000006', '/councils/X99000002?year=2018']) {
      const page = await get(url);
      for (const word of PERSONAL) expect(page.body, `${url} shows ${word}`).not.toContain(word);
    }
  });
});
