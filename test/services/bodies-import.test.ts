// The fixture's rows are copied from mySociety's "UK Local Authority Names and Codes" (CC BY 4.0),
// with one row cut short to stand for a malformed line.
import { createReadStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { countBodies, findBodyByCode, listBodies } from '../../src/data/repositories/bodies.ts';
import {
  BODIES_FILE_NAME,
  BODIES_PUBLISHER_URL,
  BodiesSourceError,
  fictionalDemoBodies,
  importBodies,
  parseBodiesCsv,
  type ImportLog,
} from '../../src/services/reference-data/bodies-import.ts';

const FIXTURE = new URL('../fixtures/uk_local_authorities_sample.csv', import.meta.url).pathname;
const fixtureText = readFileSync(FIXTURE, 'utf8');
const fixtureLines = fixtureText.trimEnd().split('\n');
const header = fixtureLines[0] as string;
const rowOf = (code: string) => fixtureLines.find((line) => line.startsWith(`${code},`)) as string;
const csv = (...lines: string[]) => Readable.from([[header, ...lines].join('\n')]);
const TODAY = '2026-11-26';

const realDir = process.env.REDRESS_REFERENCE_DIR;
const realFile = realDir ? join(realDir, BODIES_FILE_NAME) : '';
const haveRealFile = realFile !== '' && existsSync(realFile);

function recordingLog(): ImportLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (_facts, message) => warnings.push(message) };
}

describe('parseBodiesCsv', () => {
  it('keeps the current English councils with the fields the public recognises', async () => {
    const { bodies } = await parseBodiesCsv(FIXTURE, { today: TODAY });
    expect(bodies.map((b) => [b.code, b.name, b.council_type])).toEqual([
      ['E10000016', 'Kent County Council', 'county'],
      ['E07000105', 'Ashford Borough Council', 'district'],
      ['E07000110', 'Maidstone Borough Council', 'district'],
      ['E08000025', 'Birmingham City Council', 'metropolitan'],
      ['E09000007', 'London Borough of Camden', 'london-borough'],
      ['E06000023', 'Bristol City Council', 'unitary'],
      ['E09000001', 'City of London Corporation', 'london-borough'],
    ]);
    expect(bodies.find((b) => b.code === 'E07000105')).toEqual({
      code: 'E07000105',
      name: 'Ashford Borough Council',
      kind: 'council',
      council_type: 'district',
      region: 'South East',
      county_code: 'E10000016',
      combined_authority: null,
      population: 131_018,
      fictional: false,
    });
    const birmingham = bodies.find((b) => b.code === 'E08000025');
    expect(birmingham).toMatchObject({ region: 'West Midlands', county_code: null, combined_authority: 'West Midlands Combined Authority', population: 1_140_525 });
    // GLA has no row in the fixture, so its code stands in for its name.
    expect(bodies.find((b) => b.code === 'E09000007')?.combined_authority).toBe('GLA');
  });

  it('reports every row it leaves out with its line and reason, flagging the unreadable one', async () => {
    const { skipped, warnings } = await parseBodiesCsv(FIXTURE, { today: TODAY });
    expect(skipped).toEqual([
      { line: 2, reason: 'outside England (Scotland)', malformed: false },
      { line: 3, reason: 'outside England (Wales)', malformed: false },
      { line: 8, reason: 'has 10 fields, the header has 38', malformed: true },
      { line: 11, reason: 'ended on 2023-04-01, replaced by CBD', malformed: false },
      { line: 12, reason: 'combined authority, not a council', malformed: false },
    ]);
    expect(warnings).toEqual([]);
  });

  it('reads a stream as it reads a file', async () => {
    expect(await parseBodiesCsv(createReadStream(FIXTURE), { today: TODAY })).toEqual(await parseBodiesCsv(FIXTURE, { today: TODAY }));
  });

  it('judges start and end dates against today', async () => {
    const ended = rowOf('ALL');
    const future = rowOf('ASF').replace(',,,,England', ',2027-04-01,,,England');
    expect((await parseBodiesCsv(csv(ended, future), { today: '2023-03-31' })).bodies.map((b) => b.code)).toEqual(['E07000026']);
    expect((await parseBodiesCsv(csv(ended, future), { today: '2027-04-01' })).bodies.map((b) => b.code)).toEqual(['E07000105']);
  });

  it('keeps a council with an unusable county or population, blanking the value with a warning', async () => {
    const noCounty = rowOf('ASF');
    const badPopulation = rowOf('KEN').replace('1589057.0', 'lots');
    const { bodies, warnings } = await parseBodiesCsv(csv(badPopulation, noCounty, rowOf('ALL')), { today: TODAY });
    expect(bodies.map((b) => [b.code, b.county_code, b.population])).toEqual([['E10000016', null, null], ['E07000105', 'E10000016', 131_018]]);
    expect(warnings).toEqual([{ line: 2, reason: 'pop-2020 "lots" is not a population; left blank' }]);
    const orphan = await parseBodiesCsv(csv(noCounty), { today: TODAY });
    expect(orphan.bodies[0]?.county_code).toBeNull();
    expect(orphan.warnings).toEqual([{ line: 2, reason: 'county-la KEN is not a current English county; county left blank' }]);
  });

  it('gives the starting line of rows after a field spanning lines, and rejects bad codes, types and repeats', async () => {
    const multiLine = rowOf('KEN').replace('"Kent,kent,', '"Kent\nKent again,kent,');
    const badCode = rowOf('MAI').replace('E07000110', 'E0700011');
    const badType = rowOf('BST').replace(',UA,', ',XYZ,');
    const { skipped, bodies } = await parseBodiesCsv(csv(multiLine, badCode, badType, rowOf('KEN'), rowOf('KEN').replace('E10000016', 'E10000017')), { today: TODAY });
    expect(bodies.map((b) => b.code)).toEqual(['E10000016']);
    expect(skipped).toEqual([
      { line: 4, reason: 'gss-code "E0700011" is not an English GSS code', malformed: true },
      { line: 5, reason: 'unknown local-authority-type "XYZ"', malformed: true },
      { line: 6, reason: 'gss-code E10000016 or local-authority-code KEN repeats line 2', malformed: true },
      { line: 7, reason: 'gss-code E10000017 or local-authority-code KEN repeats line 2', malformed: true },
    ]);
  });

  it('reads a stray quote as text and reports unbalanced quotes from the line they open', async () => {
    const stray = rowOf('MAI').replace('Maidstone Borough Council', '"Maidstone" Borough Council');
    // This quote pairs with the next one on its line, leaving the row short of fields.
    const unbalanced = rowOf('BIR').replace('Birmingham City Council', '"Birmingham City Council');
    const neverClosed = rowOf('ASF').replace('Ashford Borough Council', '"Ashford Borough Council');
    const lines = [rowOf('KEN'), stray, unbalanced, rowOf('CMD'), rowOf('BST'), neverClosed, rowOf('ALL')];
    const { skipped, bodies } = await parseBodiesCsv(csv(...lines), { today: TODAY });
    expect(bodies.map((b) => [b.code, b.name])).toEqual([
      ['E10000016', 'Kent County Council'],
      ['E07000110', '"Maidstone" Borough Council'],
      ['E09000007', 'London Borough of Camden'],
      ['E06000023', 'Bristol City Council'],
    ]);
    expect(skipped).toEqual([
      { line: 4, reason: 'has 29 fields, the header has 38', malformed: true },
      { line: 7, reason: 'a quoted field starting on line 7 is never closed, so lines 7 to 8 could not be read', malformed: true },
    ]);
  });

  it('refuses a file that is not the mySociety list', async () => {
    await expect(parseBodiesCsv(Readable.from(['name,code\nKent,E10000016\n']))).rejects.toThrow(/not the mySociety local authority list: no column local-authority-code/);
  });
});

describe('fictionalDemoBodies', () => {
  it('offers six clearly fictional councils covering every council type', () => {
    const bodies = fictionalDemoBodies();
    expect(bodies).toHaveLength(6);
    expect(new Set(bodies.map((b) => b.code)).size).toBe(6);
    expect(new Set(bodies.map((b) => b.council_type))).toEqual(new Set(['county', 'district', 'unitary', 'metropolitan', 'london-borough']));
    for (const body of bodies) {
      expect(body).toMatchObject({ kind: 'council', fictional: true });
      expect(body.code).toMatch(/^X99\d{6}$/);
    }
    const county = bodies.find((b) => b.council_type === 'county');
    for (const district of bodies.filter((b) => b.council_type === 'district')) expect(district.county_code).toBe(county?.code);
  });
});

describe.each(testEngines)('importBodies on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database.dispose());
  beforeEach(async () => {
    await sql`truncate bodies restart identity cascade`.execute(database.db);
  });

  it('imports the councils once: a second run leaves the same rows, a changed name is updated', async () => {
    const { db } = database;
    const log = pino({ level: 'silent' });
    const first = await importBodies({ db, file: FIXTURE, log, today: TODAY });
    expect(first).toMatchObject({ source: FIXTURE, councils: 7, inserted: 7, updated: 0, unchanged: 0 });
    const rows = await listBodies(db);
    expect(await importBodies({ db, file: FIXTURE, log, today: TODAY })).toMatchObject({ inserted: 0, updated: 0, unchanged: 7 });
    expect(await listBodies(db)).toEqual(rows);

    const renamedFile = join(mkdtempSync(join(tmpdir(), 'redress-bodies-')), 'renamed.csv');
    writeFileSync(renamedFile, fixtureText.replace('Kent County Council', 'Kent County Council (renamed)'));
    expect(await importBodies({ db, file: renamedFile, log, today: TODAY })).toMatchObject({ inserted: 0, updated: 1, unchanged: 6 });
    const kent = await findBodyByCode(db, 'E10000016');
    expect(kent).toMatchObject({ id: rows.find((r) => r.code === 'E10000016')?.id, name: 'Kent County Council (renamed)' });
    expect(await countBodies(db)).toBe(7);
  });

  it('warns about unreadable rows', async () => {
    const log = recordingLog();
    await importBodies({ db: database.db, file: FIXTURE, log, today: TODAY });
    expect(log.warnings).toEqual(['Skipped unreadable rows in the local authority list']);
  });

  it('prefers the reference folder’s copy to the publisher', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-reference-'));
    writeFileSync(join(dir, BODIES_FILE_NAME), fixtureText);
    const fetchImpl = vi.fn<typeof fetch>();
    const result = await importBodies({ db: database.db, referenceDir: dir, fetchImpl, log: recordingLog(), today: TODAY });
    expect(result).toMatchObject({ source: join(dir, BODIES_FILE_NAME), inserted: 7 });
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('downloads from the publisher when the reference folder has no copy', async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => new Response(fixtureText));
    const emptyDir = mkdtempSync(join(tmpdir(), 'redress-reference-'));
    const result = await importBodies({ db: database.db, referenceDir: emptyDir, fetchImpl, log: recordingLog(), today: TODAY });
    expect(result).toMatchObject({ source: BODIES_PUBLISHER_URL, inserted: 7 });
    expect(fetchImpl.mock.calls[0]?.[0]).toBe(BODIES_PUBLISHER_URL);
  });

  it.each([
    ['the network fails', async () => Promise.reject(new TypeError('fetch failed')), /Could not download the local authority list: fetch failed/],
    ['the publisher answers 404', async () => new Response('gone', { status: 404, statusText: 'Not Found' }), /HTTP 404 Not Found/],
    ['the publisher sends something else', async () => new Response('<html>captive portal</html>'), /not the mySociety local authority list/],
    ['no row is a current English council', async () => new Response(`${header}\n${rowOf('ABD')}\n`), /has no current English councils/],
  ])('throws a BodiesSourceError and writes nothing when %s', async (_case, respond, message) => {
    const attempt = importBodies({ db: database.db, fetchImpl: vi.fn<typeof fetch>(respond), log: recordingLog(), today: TODAY });
    await expect(attempt).rejects.toThrow(BodiesSourceError);
    await expect(attempt).rejects.toThrow(message);
    expect(await countBodies(database.db)).toBe(0);
  });

  it.runIf(haveRealFile)('imports the real mySociety list with plausible results', async () => {
    const { db } = database;
    const result = await importBodies({ db, referenceDir: realDir, log: recordingLog() });
    expect(result.source).toBe(realFile);
    expect(result.councils).toBeGreaterThanOrEqual(300);
    expect(result.councils).toBeLessThan(360);
    expect(result.skipped.filter((s) => s.malformed)).toEqual([]);
    expect(await findBodyByCode(db, 'E08000025')).toMatchObject({
      name: 'Birmingham City Council', council_type: 'metropolitan', region: 'West Midlands', combined_authority: 'West Midlands Combined Authority',
    });
    expect(await findBodyByCode(db, 'E10000016')).toMatchObject({ name: 'Kent County Council', council_type: 'county' });
    expect(await findBodyByCode(db, 'S12000034')).toBeUndefined();

    const bodies = await listBodies(db);
    expect(bodies.every((b) => /^E\d{8}$/.test(b.code) && b.region)).toBe(true);
    const counties = new Set(bodies.filter((b) => b.council_type === 'county').map((b) => b.code));
    const districts = bodies.filter((b) => b.council_type === 'district');
    expect(counties.size).toBeGreaterThan(15);
    expect(districts.length).toBeGreaterThan(100);
    expect(districts.filter((d) => !counties.has(d.county_code ?? ''))).toEqual([]);
    for (const type of ['unitary', 'metropolitan', 'london-borough']) expect(bodies.some((b) => b.council_type === type)).toBe(true);
  });
});
