import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { planYearPeriod } from '../../src/domain/body-statistics.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { importCasesCsv } from '../../src/services/imports/history-imports.ts';
import { importRemediesCsv } from '../../src/services/imports/remedies-import.ts';
import { fixedClock } from '../../src/services/clock.ts';
import { bodyStatistics, councilPage, forgetPublicStatistics, planYearTable, refreshPublicStatistics } from '../../src/services/body-statistics.ts';
import { availablePlanYears, computePlanYear, maxAgeSeconds, waitForRefreshes } from '../../src/services/public-statistics/year-statistics.ts';
import { Readable } from 'node:stream';

const t = (iso: string) => new Date(iso);
const fixture = (name: string) => new URL(`../fixtures/remedies/${name}`, import.meta.url).pathname;
const casesCsv = (...rows: string[]) => Readable.from([`reference,received_at,body_code,category,joint,assessment_decided_at,allocated_at,closed_at,outcome\n${rows.join('\n')}\n`]);

describe.each(testEngines)('cached plan-year statistics on %s', (engine) => {
  let database: TestDatabase;
  let clock: ReturnType<typeof fixedClock>;
  const deps = () => ({ db: database.db, clock });
  const cacheKeys = async () => (await database.db.selectFrom('statistics_cache').select('key').orderBy('key').execute()).map((r) => r.key);

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await upsertBodies(database.db, fictionalDemoBodies());
  });
  afterAll(async () => database?.dispose());
  beforeEach(async () => {
    await sql`truncate remedies, case_bodies, case_events, cases, statistics_cache restart identity cascade`.execute(database.db);
    await importCasesCsv(database.db, fixture('cases.csv'));
    await importRemediesCsv(database.db, fixture('remedies.csv'));
    clock = fixedClock(t('2018-06-01T12:00:00Z'));
  });

  it('stores each year once, with an entry only for the bodies that had anything, and the same figures as the exact report', async () => {
    const { rows } = await planYearTable(deps(), 2017);
    const exact = await bodyStatistics(deps(), planYearPeriod(2017));
    expect(rows.map(({ code, received, decisions, investigations, upheld, upheld_rate, remedied_by_body, compliance }) =>
      ({ code, received, decisions, investigations, upheld, upheld_rate, remedied_by_body, compliance }))).toEqual(exact);
    expect(await cacheKeys()).toEqual([
      'body-statistics:v1:body:2017:X99000002',
      'body-statistics:v1:body:2017:X99000006',
      'body-statistics:v1:improvements:2017',
      'body-statistics:v1:table:2017',
      'body-statistics:v1:year:2017',
    ]);
  });

  it('uses a computed year until it is stale, then serves it while computing it again', async () => {
    const first = await planYearTable(deps(), 2017);
    await importCasesCsv(database.db, casesCsv('17 000 005,2017-06-01T09:00:00+01:00,X99000002,Housing,no,,,,'));
    clock.advance(30 * 60_000);
    const cached = await planYearTable(deps(), 2017);
    expect(cached.computedAt).toEqual(first.computedAt);
    expect(cached.rows.find((r) => r.code === 'X99000002')?.received).toBe(3);
    // 2017-18 ended two months ago: an hour, then it is computed again.
    expect(maxAgeSeconds(2017, clock)).toBe(3600);
    clock.advance(31 * 60_000);
    const stale = await planYearTable(deps(), 2017);
    expect(stale.rows.find((r) => r.code === 'X99000002')?.received).toBe(3);
    await waitForRefreshes();
    const fresh = await planYearTable(deps(), 2017);
    expect(fresh.computedAt).toEqual(clock.now());
    expect(fresh.rows.find((r) => r.code === 'X99000002')?.received).toBe(4);
  });

  it('keeps older years longer than the current and the last one', () => {
    expect(maxAgeSeconds(2018, clock)).toBe(600);
    expect(maxAgeSeconds(2017, clock)).toBe(3600);
    expect(maxAgeSeconds(2016, clock)).toBe(86_400);
  });

  it('drops a body’s entry when a recomputation finds nothing left for it', async () => {
    await computePlanYear(deps(), 2017);
    await database.db.deleteFrom('remedies').execute();
    await database.db.deleteFrom('case_bodies').where('body_id', '=', (await database.db.selectFrom('bodies').select('id').where('code', '=', 'X99000006').executeTakeFirstOrThrow()).id).execute();
    await computePlanYear(deps(), 2017);
    expect(await cacheKeys()).not.toContain('body-statistics:v1:body:2017:X99000006');
  });

  it('forgets everything on request, and refreshes every offered year', async () => {
    await planYearTable(deps(), 2017);
    expect(await forgetPublicStatistics(deps())).toBe(5);
    expect(await cacheKeys()).toEqual([]);
    expect(await availablePlanYears(deps())).toEqual([2018, 2017]);
    expect(await refreshPublicStatistics(deps())).toBe(2);
    expect((await cacheKeys()).filter((k) => k.includes(':year:'))).toEqual(['body-statistics:v1:year:2017', 'body-statistics:v1:year:2018']);
    // Fresh years are left alone, unless all are asked for; a stale one is computed again.
    expect(await refreshPublicStatistics(deps())).toBe(0);
    expect(await refreshPublicStatistics(deps(), { all: true })).toBe(2);
    clock.advance(11 * 60_000);
    expect(await refreshPublicStatistics(deps())).toBe(1);
  });

  it('gives a council page its year, comparisons, trend and improvements', async () => {
    const page = await councilPage(deps(), 'X99000002');
    expect(page.plan_year).toBe(2017);
    expect(page.plan_years).toEqual([2018, 2017]);
    expect(page.year_complete).toBe(true);
    expect(page.figures).toMatchObject({ received: 3, upheld_rate: { numerator: 2, denominator: 3 }, compliance: { numerator: 2, denominator: 3 } });
    expect(page.received_per_10000_residents).toBe((3 * 10_000) / 98_500);
    expect(page.similar_bodies).toMatchObject({ council_type: 'district', name: 'District councils', figures: { bodies: 2, received: 4, average_received: 2 } });
    expect(page.england).toMatchObject({ bodies: 6, received: 4, upheld_rate: { numerator: 2, denominator: 3 } });
    expect(page.trend.map((y) => [y.plan_year, y.year_complete, y.figures.received])).toEqual([[2017, true, 3], [2018, false, 0]]);
    // Imported remedies have no wording, so there is nothing to publish.
    expect(page.service_improvements).toEqual([]);
    expect(page.watch_list_url).toBe('/councils/X99000002/watch-list');
    expect(page.annual_letter_url).toBeNull();
    const current = await councilPage(deps(), 'X99000002', 2018);
    expect(current).toMatchObject({ plan_year: 2018, year_complete: false, figures: { received: 0, upheld_rate: { value: null } } });
  });

  it('refuses an unknown body or a year it does not offer', async () => {
    await expect(councilPage(deps(), 'NOPE')).rejects.toMatchObject({ code: 'not-found' });
    await expect(councilPage(deps(), 'X99000002', 2016)).rejects.toMatchObject({ code: 'not-found' });
    await expect(councilPage(deps(), 'X99000002', 2019)).rejects.toMatchObject({ code: 'not-found' });
  });
});
