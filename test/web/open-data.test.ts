import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { liveCase } from '../fixtures/remedies/live-casework.ts';
import { importCasesCsv } from '../../src/services/imports/history-imports.ts';
import { importRemediesCsv } from '../../src/services/imports/remedies-import.ts';
import { councilPage } from '../../src/services/body-statistics.ts';
import { bodyStatisticsDataset, openDataDatasets } from '../../src/services/public-statistics/open-data.ts';

const t = (iso: string) => new Date(iso);
const fixture = (name: string) => new URL(`../fixtures/remedies/${name}`, import.meta.url).pathname;
const PERSONAL = ['Persephone', 'Quill', 'Apologise to Ms Quill', 'sam@example.com'];

describe.each(testEngines)('open data on %s', (engine) => {
  let app: TestApp;
  const get = (url: string, headers: Record<string, string> = {}) => app.app.inject({ method: 'GET', url, headers });
  const csv = async (url: string) => parse((await get(url)).body, { columns: true }) as Record<string, string>[];

  beforeAll(async () => {
    app = await createTestApp(engine, t('2017-04-01T09:00:00Z'));
    // Hand-worked history (test/fixtures/remedies/README.md) and one live case with a personal
    // remedy and two service improvements, one written like a spreadsheet formula.
    await importCasesCsv(app.database.db, fixture('cases.csv'));
    await importRemediesCsv(app.database.db, fixture('remedies.csv'));
    const county = (await app.database.db.selectFrom('bodies').select('id').where('code', '=', 'X99000001').executeTakeFirstOrThrow()).id;
    await liveCase(app, { bodyIds: [county], complainant: 'Persephone Quill', receivedAt: t('2017-05-02T09:00:00Z'), path: {
      kind: 'investigated', outcome: 'upheld-fault-injustice', decidedAt: t('2017-07-03T10:00:00Z'), remedies: [
        { kind: 'apology', description: 'Apologise to Ms Quill for the delay', dueOn: '2017-08-01', settle: { on: '2017-07-20', complied: true } },
        { kind: 'service-improvement', description: 'Remind staff to log every complaint', dueOn: '2017-10-01' },
        { kind: 'procedure-review', description: '=SUM(1) Review how complaints are logged', dueOn: '2017-10-01' },
      ] } });
    app.clock.set(t('2018-06-01T10:00:00Z'));
  });
  afterAll(async () => app?.dispose());

  it('lists each plan year’s files and defines every column', async () => {
    const page = await get('/open-data');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Plan year 2017-18');
    expect(page.body).toContain('Plan year 2018-19 (so far)');
    expect(page.body).toContain('href="/open-data/2017/body-statistics.csv"');
    expect(page.body).toContain('href="/open-data/2017/service-improvements.json"');
    for (const dataset of openDataDatasets) {
      for (const column of dataset.columns) expect(page.body).toContain(`<code>${column.name}</code>`);
    }
  });

  it('publishes every body’s figures as CSV with the dictionary’s columns, hand-worked', async () => {
    const response = await get('/open-data/2017/body-statistics.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="body-statistics-2017-18.csv"');
    expect(response.body.split('\n')[0]).toBe(bodyStatisticsDataset.columns.map((c) => c.name).join(','));
    const rows = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.code)).toEqual(['X99000001', 'X99000002', 'X99000003', 'X99000004', 'X99000005', 'X99000006']);
    expect(rows[1]).toMatchObject({
      name: 'Sampleton District Council', kind: 'council', council_type: 'district', population: '98500',
      received: '3', decisions: '3', investigations: '3', upheld: '2', upheld_rate: String(2 / 3),
      remedied_by_body: '1', remedied_by_body_rate: '0.5', remedies_settled: '3', remedies_complied: '2', compliance_rate: String(2 / 3),
      received_per_10000_residents: String((3 * 10_000) / 98_500),
    });
    // No investigations: the rate is empty, never 0.
    expect(rows[5]).toMatchObject({ received: '1', investigations: '0', upheld_rate: '', remedied_by_body_rate: '', compliance_rate: '' });
  });

  it('publishes the same as JSON, rates null when there is nothing to divide by', async () => {
    const response = await get('/open-data/2017/body-statistics.json');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const json = JSON.parse(response.body);
    expect(json).toMatchObject({ dataset: 'body-statistics', plan_year: 2017, from: '2017-04-01', to: '2018-03-31', small_numbers_threshold: 10 });
    expect(json.columns.map((c: { name: string }) => c.name)).toEqual(bodyStatisticsDataset.columns.map((c) => c.name));
    expect(json.rows[1]).toMatchObject({ code: 'X99000002', received: 3, upheld_rate: 2 / 3, compliance_rate: 2 / 3 });
    expect(json.rows[5]).toMatchObject({ code: 'X99000006', upheld_rate: null });
  });

  it('publishes remedies by kind, time to decision, service improvements and the comparisons', async () => {
    const byKind = await csv('/open-data/2017/remedies-by-kind.csv');
    // X99000002's imported remedies agreed in 2017-18: apology, financial, service improvement,
    // procedure review (case 1 and 2) and the apology due 2018-04-01 (case 2 was decided in the year).
    expect(byKind[1]).toEqual({ code: 'X99000002', name: 'Sampleton District Council', apology: '2', financial_payment: '1', service_improvement: '1', procedure_review: '1', training: '0', other: '0', total: '5' });
    const times = await csv('/open-data/2017/time-to-decision.csv');
    // Imported cases 1-3 of X99000002: 151, 181 and 210 days from receipt to closure.
    expect(times[1]).toEqual({ code: 'X99000002', name: 'Sampleton District Council', decisions_timed: '3', lower_quartile_days: '166', median_days: '181', upper_quartile_days: '195.5' });
    expect(times[2]).toMatchObject({ code: 'X99000003', decisions_timed: '0', median_days: '' });
    const improvements = await csv('/open-data/2017/service-improvements.csv');
    expect(improvements.map((r) => [r.code, r.kind, r.description])).toEqual([
      ['X99000001', 'service-improvement', 'Remind staff to log every complaint'],
      ['X99000001', 'procedure-review', "'=SUM(1) Review how complaints are logged"],
    ]);
    const improvementsJson = JSON.parse((await get('/open-data/2017/service-improvements.json')).body);
    expect(improvementsJson.rows[1].description).toBe('=SUM(1) Review how complaints are logged');
    const comparisons = await csv('/open-data/2017/comparisons.csv');
    expect(comparisons.map((r) => r.group)).toEqual(['county', 'district', 'london-borough', 'metropolitan', 'unitary', 'england']);
    expect(comparisons[1]).toMatchObject({ councils: '2', received: '4', average_received: '2', upheld_rate: String(2 / 3) });
    // England adds the county's live case: received, but not closed (its improvements are pending), so no decision yet.
    expect(comparisons[5]).toMatchObject({ councils: '6', received: '5', decisions: '4', investigations: '3', upheld: '2', upheld_rate: String(2 / 3) });
  });

  it('serves each council page’s data as JSON from the same function as the page', async () => {
    const response = await get('/open-data/2017/councils/X99000002.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const json = JSON.parse(response.body);
    expect(json).toEqual(JSON.parse(JSON.stringify(await councilPage(app.services, 'X99000002', 2017))));
    expect(json.figures).toMatchObject({ received: 3, upheld_rate: { numerator: 2, denominator: 3 } });
    expect(json.similar_bodies.name).toBe('District councils');
    const html = await get('/councils/X99000002?year=2017');
    expect(html.body).toContain('2 of 3 investigations');
  });

  it('answers 404 for a year, data set, format or council it does not publish', async () => {
    for (const url of [
      '/open-data/1990/body-statistics.csv', '/open-data/abcd/body-statistics.csv', '/open-data/2030/body-statistics.csv',
      '/open-data/2017/nothing.csv', '/open-data/2017/body-statistics.xml', '/open-data/2017/councils/NOPE.json', '/open-data/2017/councils/X99000002.csv',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });

  it('is cacheable: ETag, Cache-Control and 304 for every page and file', async () => {
    for (const url of ['/open-data', '/open-data/2017/body-statistics.csv', '/open-data/2017/body-statistics.json', '/open-data/2018/comparisons.json', '/open-data/2017/councils/X99000002.json']) {
      const first = await get(url);
      expect(first.headers.etag, url).toMatch(/^"[\w-]{32}"$/);
      expect(first.headers['cache-control'], url).toBe(url.includes('/2017/') ? 'public, max-age=3600' : 'public, max-age=300');
      expect(first.headers['set-cookie'], url).toBeUndefined();
      const again = await get(url, { 'if-none-match': String(first.headers.etag) });
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers['content-disposition'], url).toBeUndefined();
    }
  });

  it('holds nothing about the people who complained', async () => {
    const urls = ['/open-data', ...openDataDatasets.flatMap((d) => [`/open-data/2017/${d.id}.csv`, `/open-data/2017/${d.id}.json`]), '/open-data/2017/councils/X99000001.json'];
    for (const url of urls) {
      const body = (await get(url)).body;
      for (const word of PERSONAL) expect(body, `${url} holds ${word}`).not.toContain(word);
    }
  });
});
