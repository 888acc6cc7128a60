import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { importCasesCsv } from '../../src/services/imports/history-imports.ts';
import { computePlanYear } from '../../src/services/public-statistics/year-statistics.ts';

// 2 March 2026: plan year 2025-26 is under way, 2024-25 is the latest complete one.
const NOW = new Date('2026-03-02T10:00:00Z');
const HEADER = 'reference,received_at,body_code,category,joint,assessment_decided_at,allocated_at,closed_at,outcome';
const MOCKFORD = 'X99000003';

/** Cases about Borough of Mockford Council, each investigated and decided in the plan year of `received`. */
function casesCsv(first: number, outcomes: string[], received = '2024-05-01T09:00:00+01:00', closed = '2024-09-02T09:00:00+01:00'): Readable {
  const rows = outcomes.map((outcome, i) => `24 000 ${first + i},${received},${MOCKFORD},Housing,no,,${received},${closed},${outcome}`);
  return Readable.from([`${HEADER}\n${rows.join('\n')}\n`]);
}

const csvRow = (body: string, code: string) => (parse(body, { columns: true }) as Record<string, string>[]).find((r) => r.code === code);

/**
 * The map, the open data files and the council page are rendered once per version of the cached
 * figures and kept in memory. These check that a kept response is replaced when the figures are
 * computed again (by this process or, as here, directly, as another server would), and that
 * ETags and 304s still follow what is served.
 */
describe.each(testEngines)('kept public pages on %s', (engine) => {
  let t: TestApp;
  const get = (url: string, etag?: string) => t.app.inject({ url, headers: etag ? { 'if-none-match': etag } : {} });

  beforeAll(async () => {
    t = await createTestApp(engine, NOW);
    // Mockford, 2024-25: 10 investigations, 5 upheld.
    const imported = await importCasesCsv(t.database.db, casesCsv(100, [...Array(5).fill('upheld-fault-injustice'), ...Array(5).fill('not-upheld')]));
    expect(imported.rejectedCount).toBe(0);
  });
  afterAll(async () => t?.dispose());

  it('serves the kept map and CSV until the year is computed again, then the new figures', async () => {
    const map = await get('/map?measure=upheld-rate&year=2024');
    expect(map.statusCode).toBe(200);
    expect(map.body).toContain('50% (5 of 10)');
    const csv = await get('/open-data/2024/body-statistics.csv');
    expect(csvRow(csv.body, MOCKFORD)).toMatchObject({ investigations: '10', upheld: '5' });

    // A new upheld case: the cached figures (and so the pages) stay as computed until recomputed.
    await importCasesCsv(t.database.db, casesCsv(200, ['upheld-fault-injustice']));
    expect((await get('/map?measure=upheld-rate&year=2024')).headers.etag).toBe(map.headers.etag);
    expect((await get('/open-data/2024/body-statistics.csv')).body).toBe(csv.body);

    // Another server recomputes the year a second later: a new computed_at, new figures.
    t.clock.advance(1000);
    await computePlanYear(t.services, 2024);
    const newMap = await get('/map?measure=upheld-rate&year=2024', String(map.headers.etag));
    expect(newMap.statusCode).toBe(200);
    expect(newMap.body).toContain('55% (6 of 11)');
    expect(newMap.body).not.toContain('50% (5 of 10)');
    expect(newMap.headers.etag).not.toBe(map.headers.etag);
    const newCsv = await get('/open-data/2024/body-statistics.csv', String(csv.headers.etag));
    expect(newCsv.statusCode).toBe(200);
    expect(csvRow(newCsv.body, MOCKFORD)).toMatchObject({ investigations: '11', upheld: '6' });
    const json = JSON.parse((await get('/open-data/2024/body-statistics.json')).body) as { rows: { code: string; upheld: number }[]; computed_at: string };
    expect(json.rows.find((r) => r.code === MOCKFORD)?.upheld).toBe(6);
    expect(json.computed_at).toBe(new Date(NOW.getTime() + 1000).toISOString());
  });

  it('answers 304 for a kept page or file the reader has, with the nonce of each response in the page', async () => {
    for (const url of ['/map?year=2024', '/open-data/2024/body-statistics.csv', '/open-data/2024/comparisons.json', '/councils/X99000003?year=2024']) {
      const first = await get(url);
      expect(first.statusCode, url).toBe(200);
      expect(first.headers.etag, url).toMatch(/^"[\w-]+"$/);
      const again = await get(url, String(first.headers.etag));
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers['content-security-policy'], url).toBeUndefined();
    }
    const [one, two] = [await get('/map?year=2024'), await get('/map?year=2024')];
    const nonceOf = (body: string) => /<script[^>]* nonce="([^"]+)"/.exec(body)?.[1];
    expect(nonceOf(one.body)).toBeDefined();
    expect(nonceOf(one.body)).not.toBe(nonceOf(two.body));
    expect(one.headers['content-security-policy']).toContain(`'nonce-${nonceOf(one.body)}'`);
    expect(one.headers.etag).toBe(two.headers.etag);
    expect(one.body.replaceAll(nonceOf(one.body)!, '')).toBe(two.body.replaceAll(nonceOf(two.body)!, ''));
  });

  it('renders a complete year’s council page again when another year on its trend is recomputed', async () => {
    const before = await get(`/councils/${MOCKFORD}?year=2024`);
    expect(before.statusCode).toBe(200);
    expect(before.body).toMatch(/2025-26 \(so far\)<\/a><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">0</);
    // A case received and decided this plan year; only 2025-26 is computed again.
    await importCasesCsv(t.database.db, casesCsv(300, ['not-upheld'], '2025-05-01T09:00:00+01:00', '2025-09-02T09:00:00+01:00'));
    t.clock.advance(1000);
    await computePlanYear(t.services, 2025);
    const after = await get(`/councils/${MOCKFORD}?year=2024`, String(before.headers.etag));
    expect(after.statusCode).toBe(200);
    expect(after.body).toMatch(/2025-26 \(so far\)<\/a><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1</);
  });
});
