import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { forgetPublicStatistics } from '../../src/services/body-statistics.ts';
import { importCasesCsv } from '../../src/services/imports/history-imports.ts';
import { importBoundaries } from '../../src/services/reference-data/boundaries-import.ts';

const FIXTURE = new URL('../fixtures/boundaries/fictional-councils.geojson', import.meta.url).pathname;
// 2 March 2026: plan year 2025-26 is under way, 2024-25 is the latest complete one.
const NOW = new Date('2026-03-02T10:00:00Z');

/**
 * Plan year 2024-25 (1 April 2024 to 31 March 2025), hand-worked:
 * - Borough of Mockford Council (unitary, 187,300 residents): 10 investigations, 5 upheld: 50%,
 *   band 40-60% (index 2); 10 received: 10 / 187,300 x 10,000 = 0.53 per 10,000;
 * - Sampleton District Council (98,500): 4 investigations, 3 upheld: 75% (band 3) over fewer than 10
 *   cases, so hatched; 4 received: 0.41 per 10,000;
 * - Exampleshire County Council: 12 investigations, 10 upheld: 83% (band 4), drawn from Sampleton
 *   and Illustration Vale at the upper tier;
 * - Testbury Metropolitan Borough Council (276,900): one case closed after initial enquiries: a
 *   decision but no investigation, so "No investigations"; 1 received: 0.04 per 10,000;
 * - London Borough of Placeholder and Illustration Vale District Council: no cases.
 * One Mockford case received in March 2024 (the year before) is left out.
 */
function historyCsv(): string {
  const rows: string[] = ['reference,received_at,body_code,category,joint,assessment_decided_at,allocated_at,closed_at,outcome'];
  let n = 100;
  const investigated = (body: string, outcome: string, received = '2024-05-01T09:00:00+01:00') =>
    rows.push(`24 000 ${++n},${received},${body},Housing,no,,2024-05-20T09:00:00+01:00,2024-09-02T09:00:00+01:00,${outcome}`);
  for (let i = 0; i < 5; i++) investigated('X99000003', 'upheld-fault-injustice');
  for (let i = 0; i < 5; i++) investigated('X99000003', 'not-upheld');
  for (let i = 0; i < 3; i++) investigated('X99000002', 'upheld-fault-no-injustice');
  investigated('X99000002', 'not-upheld');
  for (let i = 0; i < 10; i++) investigated('X99000001', 'upheld-fault-injustice');
  for (let i = 0; i < 2; i++) investigated('X99000001', 'not-upheld');
  rows.push(`24 000 ${++n},2024-06-03T09:00:00+01:00,X99000004,Housing,no,2024-06-10T09:00:00+01:00,,2024-06-10T09:00:00+01:00,closed-after-initial-enquiries`);
  rows.push(`23 000 999,2024-03-29T09:00:00+00:00,X99000003,Housing,no,,2024-04-02T09:00:00+01:00,2025-05-02T09:00:00+01:00,not-upheld`);
  return `${rows.join('\n')}\n`;
}

/** The map's links: address, accessible name and fill. */
function areasOf(body: string) {
  const svg = /<svg xmlns[^]*?<\/svg>/.exec(body)?.[0] ?? '';
  return [...svg.matchAll(/<a href="([^"]+)"([^>]*)>(?:<title>([^<]*)<\/title>)?<path[^>]*? fill="([^"]+)"/g)].map(([, href, attributes, title, fill]) => ({
    href: href ?? '', hidden: attributes!.includes('aria-hidden'), title, fill,
  }));
}

describe.each(testEngines)('/map on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, NOW);
    const imported = await importCasesCsv(t.database.db, Readable.from([historyCsv()]));
    expect(imported.rejectedCount).toBe(0);
  });
  afterAll(async () => t?.dispose());

  it('works with no boundaries loaded: no map, but every council in the table', async () => {
    const page = await t.app.inject({ url: '/map?year=2024' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('The map is not available yet');
    expect(page.body).not.toContain('<svg xmlns');
    expect(page.body).toContain('Borough of Mockford Council</a></th>');
    expect(page.body).toContain('50% (5 of 10)');
    expect(page.body).not.toContain('/public/map.js');
  });

  describe('with the fictional councils’ boundaries', () => {
    beforeAll(async () => {
      await importBoundaries({ db: t.database.db, file: FIXTURE, now: NOW });
    });

    it('shades each council by its upheld rate, one link each, with the legend and the table', async () => {
      const page = await t.app.inject({ url: '/map?measure=upheld-rate&year=2024&tier=lower' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<h1 class="govuk-heading-l">Upheld rate, 2024-25</h1>');
      const areas = areasOf(page.body);
      const visible = areas.filter((a) => !a.hidden);
      expect(visible.map((a) => a.href).sort()).toEqual(['X99000002', 'X99000003', 'X99000004', 'X99000005', 'X99000006'].map((c) => `/councils/${c}?year=2024`));
      const byCode = (code: string) => visible.find((a) => a.href === `/councils/${code}?year=2024`)!;
      expect(byCode('X99000003')).toMatchObject({ title: 'Borough of Mockford Council: 50% (5 of 10)', fill: '#21918c' });
      expect(byCode('X99000002')).toMatchObject({ title: 'Sampleton District Council: 75% (3 of 4). Fewer than 10 investigations: treat with caution', fill: 'url(#app-map-caution-3)' });
      expect(byCode('X99000004')).toMatchObject({ title: 'Testbury Metropolitan Borough Council: No investigations', fill: 'url(#app-map-no-data)' });
      expect(byCode('X99000006').fill).toBe('url(#app-map-no-data)');
      // London's borough is drawn twice: small and hidden, and enlarged in its box.
      expect(areas.filter((a) => a.href === '/councils/X99000005?year=2024').map((a) => a.hidden)).toEqual([true, false]);

      // Legend: the bands with how many councils each, the caution and no data.
      expect(page.body).toMatch(/40% to under 60% <span class="govuk-hint app-map__legend-count">\(1 council\)/);
      expect(page.body).toMatch(/60% to under 80% <span class="govuk-hint app-map__legend-count">\(1 council\)/);
      expect(page.body).toMatch(/Hatched: fewer than 10 cases, treat with caution <span class="govuk-hint app-map__legend-count">\(1 council\)/);
      expect(page.body).toMatch(/No data <span class="govuk-hint app-map__legend-count">\(3 councils\)/);
      // The table gives the same values; the county is not at this tier.
      expect(page.body).toContain('<a class="govuk-link" href="/councils/X99000002?year=2024">Sampleton District Council</a>');
      expect(page.body).toContain('<td class="govuk-table__cell">75% (3 of 4)</td>');
      expect(page.body).not.toContain('Exampleshire County Council');
      expect(page.body).toContain('Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2024');
      expect(page.body).toMatch(/<script type="module" src="\/public\/map.js" nonce="[^"]+"><\/script>/);
    });

    it('draws a county at the upper tier as the union of its districts, with its own figures', async () => {
      const page = await t.app.inject({ url: '/map?measure=upheld-rate&year=2024&tier=upper' });
      expect(page.statusCode).toBe(200);
      const visible = areasOf(page.body).filter((a) => !a.hidden);
      expect(visible.map((a) => a.href).sort()).toEqual(['X99000001', 'X99000003', 'X99000004', 'X99000005'].map((c) => `/councils/${c}?year=2024`));
      const county = visible.find((a) => a.href === '/councils/X99000001?year=2024')!;
      expect(county).toMatchObject({ title: 'Exampleshire County Council: 83% (10 of 12)', fill: '#440154' });
      expect(page.body).not.toContain('Sampleton District Council');
    });

    it('shows complaints per 10,000 residents in round bands', async () => {
      const page = await t.app.inject({ url: '/map?measure=complaints-per-10000&year=2024&tier=lower' });
      expect(page.statusCode).toBe(200);
      // The largest, Mockford's 0.53, makes steps of 0.2.
      expect(page.body).toContain('Under 0.2');
      expect(page.body).toContain('0.8 or more');
      const visible = areasOf(page.body).filter((a) => !a.hidden);
      expect(visible.find((a) => a.href.includes('X99000003'))).toMatchObject({ title: 'Borough of Mockford Council: 0.53 per 10,000 residents (10 complaints)', fill: '#21918c' });
      expect(visible.find((a) => a.href.includes('X99000004'))!.fill).toBe('url(#app-map-caution-0)');
    });

    it('keeps the selections made, and offers each year from the first with cases', async () => {
      const page = await t.app.inject({ url: '/map?measure=compliance&year=2024&tier=upper' });
      expect(page.body).toContain('<option value="compliance" selected>');
      expect(page.body).toContain('<option value="upper" selected>');
      expect(page.body).toContain('<option value="2024" selected>2024-25</option>');
      expect(page.body).toContain('<option value="2025">2025-26 (so far)</option>');
      expect(page.body).toContain('<option value="2023">2023-24</option>');
      expect(page.body).not.toContain('<option value="2022"');
    });

    it('shows the latest complete year unless asked', async () => {
      const page = await t.app.inject({ url: '/map' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Upheld rate, 2024-25');
    });

    it.each([
      ['an unknown measure', '/map?measure=happiness&year=2024', 'Choose upheld rate, compliance or complaints per 10,000 residents', 'happiness'],
      ['a year that is not a year', '/map?year=twenty', 'Choose a year from 2023-24 to 2025-26', 'twenty'],
      ['a year with no figures yet', '/map?year=2031', 'Choose a year from 2023-24 to 2025-26', '2031'],
      ['an unknown tier', '/map?tier=parish', 'Choose districts or counties', 'parish'],
      ['a repeated parameter', '/map?measure=compliance&measure=upheld-rate', 'Choose upheld rate, compliance or complaints per 10,000 residents', ''],
    ])('answers 400 with a message for %s', async (_what, url, message, kept) => {
      const page = await t.app.inject({ url });
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('<title>Error: Map of councils');
      expect(page.body).toContain('There is a problem');
      expect(page.body).toContain(message);
      expect(page.body).not.toContain('<svg xmlns');
      if (kept) expect(page.body).toContain(`<option value="${kept}" selected>`);
    });

    it('is cacheable: an ETag and Cache-Control, and 304 Not Modified without a body or new CSP', async () => {
      const first = await t.app.inject({ url: '/map?year=2024' });
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      // 2024-25 is over: its figures change only when history is imported.
      expect(first.headers['cache-control']).toBe('public, max-age=3600');
      expect((await t.app.inject({ url: '/map?year=2025' })).headers['cache-control']).toBe('public, max-age=300');
      expect(first.headers['set-cookie']).toBeUndefined();
      const again = await t.app.inject({ url: '/map?year=2024', headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers['content-security-policy']).toBeUndefined();
      const other = await t.app.inject({ url: '/map?year=2024&measure=compliance', headers: { 'if-none-match': etag } });
      expect(other.statusCode).toBe(200);
      expect(other.headers.etag).not.toBe(etag);
    });

    it('changes its ETag when the figures change', async () => {
      const before = (await t.app.inject({ url: '/map?year=2024' })).headers.etag;
      await importCasesCsv(t.database.db, Readable.from(['reference,received_at,body_code,category,joint,assessment_decided_at,allocated_at,closed_at,outcome\n24 000 900,2024-05-01T09:00:00+01:00,X99000005,Housing,no,,2024-05-20T09:00:00+01:00,2024-09-02T09:00:00+01:00,not-upheld\n']));
      // As the import command does: the cached plan-year figures are dropped, so they are computed
      // again, a moment later (the kept page is known by the figures' computed_at).
      await forgetPublicStatistics(t.services);
      t.clock.advance(1000);
      const after = await t.app.inject({ url: '/map?year=2024', headers: { 'if-none-match': String(before) } });
      expect(after.statusCode).toBe(200);
      expect(after.headers.etag).not.toBe(before);
      expect(after.body).toContain('London Borough of Placeholder: 0% (0 of 1). Fewer than 10 investigations: treat with caution');
    });
  });
});
