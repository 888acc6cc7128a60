// The fixture's shapes are invented squares named after the fictional demo councils
// (fictionalDemoBodies), plus one name that matches no council.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { boundariesVersion, listBoundaries } from '../../src/data/repositories/boundaries.ts';
import { BODIES_FILE_NAME, fictionalDemoBodies, importBodies } from '../../src/services/reference-data/bodies-import.ts';
import {
  BOUNDARIES_FILE_NAME, BOUNDARIES_SERVICE_URL, BoundariesSourceError, importBoundaries, parseBoundaries,
} from '../../src/services/reference-data/boundaries-import.ts';
import { boundariesSummary } from '../../src/cli-boundaries.ts';

const FIXTURE = new URL('../fixtures/boundaries/fictional-councils.geojson', import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { type: string; features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[] };
const NOW = new Date('2026-11-26T12:00:00Z');
const realDir = process.env.REDRESS_REFERENCE_DIR;
const haveRealFiles = Boolean(realDir && existsSync(join(realDir, BOUNDARIES_FILE_NAME)) && existsSync(join(realDir, BODIES_FILE_NAME)));
const scratch = mkdtempSync(join(tmpdir(), 'redress-boundaries-'));
const writeJson = (name: string, json: unknown) => {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(json));
  return file;
};
const noNetwork: typeof fetch = async () => {
  throw new TypeError('fetch failed');
};

describe('parseBoundaries', () => {
  it('reads each feature’s name and geometry, and the publisher’s code and name fields', () => {
    const features = parseBoundaries(fixture, 'fixture');
    expect(features.map((f) => f.name)).toEqual(['Sampleton', 'Illustration Vale', 'Mockford', 'Testbury', 'Placeholder', 'Nowhere Heath']);
    expect(features[1]).toMatchObject({ position: 2, code: null, geometry: { type: 'MultiPolygon' } });
    const published = parseBoundaries({ type: 'FeatureCollection', features: [{ ...fixture.features[0], properties: { LAD24CD: 'X99000002', LAD24NM: 'Sampleton' } }] }, 'ONS');
    expect(published[0]).toMatchObject({ name: 'Sampleton', code: 'X99000002' });
  });

  it.each([
    ['not a FeatureCollection', { type: 'Feature' }, 'is not a GeoJSON FeatureCollection'],
    ['a feature without a name', { type: 'FeatureCollection', features: [{ ...fixture.features[0], properties: {} }] }, 'Feature 1 of f has no name'],
    ['a point', { type: 'FeatureCollection', features: [{ properties: { name: 'A' }, geometry: { type: 'Point', coordinates: [0, 51] } }] }, 'is a Point, not a Polygon or MultiPolygon'],
    ['British National Grid metres', { type: 'FeatureCollection', features: [{ properties: { name: 'A' }, geometry: { type: 'Polygon', coordinates: [[[530000, 180000], [531000, 180000], [531000, 181000], [530000, 180000]]] } }] }, 'must be in WGS84 (EPSG:4326), not British National Grid'],
    ['a ring of three positions', { type: 'FeatureCollection', features: [{ properties: { name: 'A' }, geometry: { type: 'Polygon', coordinates: [[[0, 51], [1, 51], [0, 51]]] } }] }, 'fewer than 4 positions'],
  ])('refuses %s, saying why', (_what, json, message) => {
    expect(() => parseBoundaries(json, 'f')).toThrow(BoundariesSourceError);
    expect(() => parseBoundaries(json, 'f')).toThrow(message);
  });
});

describe.each(testEngines)('importBoundaries on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await upsertBodies(database.db, fictionalDemoBodies());
  });
  afterAll(async () => database?.dispose());

  it('joins boundaries to councils by name, stores them, and lists what it could not join', async () => {
    const progress: string[] = [];
    const result = await importBoundaries({ db: database.db, file: FIXTURE, now: NOW, onProgress: (m) => progress.push(m) });
    expect(result).toMatchObject({ source: FIXTURE, features: 6, matched: 5, inserted: 5, updated: 0, unchanged: 0, councilsWithoutBoundary: [], councilsKnown: 5 });
    expect(result.unmatched).toEqual([{ position: 6, name: 'Nowhere Heath', reason: 'no council of this name' }]);
    expect(progress[0]).toBe(`Reading council boundaries from ${FIXTURE}`);
    const stored = await listBoundaries(database.db);
    // The county has none of its own: it is drawn from its two districts.
    expect(stored.map((b) => b.code)).toEqual(['X99000002', 'X99000003', 'X99000004', 'X99000005', 'X99000006']);
    expect(stored[0]!.geometry).toEqual(fixture.features[0]!.geometry);
    const summary = boundariesSummary(result);
    expect(summary).toContain('6 read, 5 matched to a council, 1 unmatched; 5 new, 0 updated, 0 unchanged.');
    expect(summary).toContain('feature 6 "Nowhere Heath": no council of this name');
    expect(summary).toContain('Source: Office for National Statistics licensed under the Open Government Licence v.3.0');
  });

  it('changes nothing when run again with the same file', async () => {
    const before = await boundariesVersion(database.db);
    const again = await importBoundaries({ db: database.db, file: FIXTURE, now: new Date(NOW.getTime() + 60_000) });
    expect(again).toMatchObject({ matched: 5, inserted: 0, updated: 0, unchanged: 5 });
    expect(await boundariesVersion(database.db)).toBe(before);
  });

  it('replaces a boundary that changed, and only that one', async () => {
    const before = await boundariesVersion(database.db);
    const moved = structuredClone(fixture);
    moved.features[2]!.geometry = { type: 'Polygon', coordinates: [[[-3, 51], [-2.4, 51], [-2.4, 51.5], [-3, 51.5], [-3, 51]]] };
    const result = await importBoundaries({ db: database.db, file: writeJson('moved.geojson', moved), now: new Date(NOW.getTime() + 120_000) });
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 4 });
    expect(await boundariesVersion(database.db)).not.toBe(before);
    const mockford = (await listBoundaries(database.db)).find((b) => b.code === 'X99000003');
    expect(mockford!.geometry).toEqual(moved.features[2]!.geometry);
  });

  it('prefers the GSS code when the file has one, and will not give one council two boundaries', async () => {
    const coded = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { LAD24CD: 'X99000003', LAD24NM: 'Some Other Name' }, geometry: fixture.features[2]!.geometry },
        { type: 'Feature', properties: { name: 'Mockford' }, geometry: fixture.features[2]!.geometry },
      ],
    };
    const result = await importBoundaries({ db: database.db, file: writeJson('coded.geojson', coded), now: NOW });
    expect(result.matched).toBe(1);
    expect(result.unmatched).toEqual([{ position: 2, name: 'Mockford', reason: 'Borough of Mockford Council already has the boundary named "Some Other Name" (feature 1)' }]);
  });

  it('says to import the councils first when there are none', async () => {
    const empty = await createTestDatabase(engine);
    try {
      const result = await importBoundaries({ db: empty.db, file: FIXTURE, now: NOW });
      expect(result).toMatchObject({ matched: 0, councilsKnown: 0 });
      expect(boundariesSummary(result)).toContain('There are no councils to join the boundaries to: run `npx redress import bodies` first.');
    } finally {
      await empty.dispose();
    }
  });

  it('reads the reference folder’s copy when given no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-reference-'));
    writeFileSync(join(dir, BOUNDARIES_FILE_NAME), JSON.stringify(fixture));
    const result = await importBoundaries({ db: database.db, referenceDir: dir, now: NOW, fetchImpl: noNetwork });
    expect(result.source).toBe(join(dir, BOUNDARIES_FILE_NAME));
  });

  it('downloads from the ONS Open Geography Portal, a page at a time, when there is no copy', async () => {
    const asked: URL[] = [];
    // Two features a page would be too few to test paging at the real page size, so the fake
    // answers a full page of 200 (the same square repeated) and then the rest.
    const page = (count: number, offset: number) => ({
      type: 'FeatureCollection',
      features: Array.from({ length: count }, (_, i) => ({ type: 'Feature', properties: { LAD24CD: `E0${offset + i}`, LAD24NM: i === 0 && offset === 200 ? 'Testbury' : `Elsewhere ${offset + i}` }, geometry: fixture.features[3]!.geometry })),
    });
    const fakeFetch: typeof fetch = async (input) => {
      const url = new URL(String(input));
      asked.push(url);
      const offset = Number(url.searchParams.get('resultOffset'));
      return new Response(JSON.stringify(page(offset === 0 ? 200 : 3, offset)), { status: 200, headers: { 'content-type': 'application/geo+json' } });
    };
    const result = await importBoundaries({ db: database.db, referenceDir: join(scratch, 'nowhere'), now: NOW, fetchImpl: fakeFetch });
    expect(result.source).toBe(BOUNDARIES_SERVICE_URL);
    expect(result.features).toBe(203);
    expect(result.matched).toBe(1);
    expect(asked.map((u) => u.searchParams.get('resultOffset'))).toEqual(['0', '200']);
    expect(asked[0]!.searchParams.get('outSR')).toBe('4326');
    expect(asked[0]!.searchParams.get('where')).toBe("LAD24CD LIKE 'E%'");
  });

  it('fails with a clear message, writing nothing, when the publisher cannot be reached', async () => {
    const before = await boundariesVersion(database.db);
    const attempt = importBoundaries({ db: database.db, now: NOW, fetchImpl: noNetwork });
    await expect(attempt).rejects.toThrow(BoundariesSourceError);
    await expect(importBoundaries({ db: database.db, now: NOW, fetchImpl: noNetwork })).rejects.toThrow(
      /Could not download the council boundaries from the ONS Open Geography Portal \(fetch failed\)\. Download .* and run `npx redress import boundaries FILE`/,
    );
    expect(await boundariesVersion(database.db)).toBe(before);
  });

  it('fails with a clear message for a missing or unreadable file', async () => {
    await expect(importBoundaries({ db: database.db, file: join(scratch, 'missing.geojson'), now: NOW })).rejects.toThrow(/Could not read .*missing\.geojson/);
    const bad = join(scratch, 'bad.geojson');
    writeFileSync(bad, '{ not json');
    await expect(importBoundaries({ db: database.db, file: bad, now: NOW })).rejects.toThrow(/bad\.geojson is not GeoJSON/);
  });

  // CI sets REDRESS_REFERENCE_DIR to ../shared/data; elsewhere the real files may be absent.
  it.skipIf(!haveRealFiles)('joins all 296 real English districts to a council from the real list (needs REDRESS_REFERENCE_DIR with both reference files)', async () => {
    const real = await createTestDatabase(engine);
    try {
      await importBodies({ db: real.db, referenceDir: realDir, log: { info: () => undefined, warn: () => undefined }, today: '2026-11-26' });
      const result = await importBoundaries({ db: real.db, referenceDir: realDir, now: NOW });
      expect(result.features).toBe(296);
      expect(result.unmatched).toEqual([]);
      expect(result.matched).toBe(296);
      // Every council but the counties has its own boundary; every county has districts that do.
      expect(result.councilsWithoutBoundary).toEqual([]);
      const again = await importBoundaries({ db: real.db, referenceDir: realDir, now: NOW });
      expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 296 });
    } finally {
      await real.dispose();
    }
  });
});
