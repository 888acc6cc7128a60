import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import {
  countBodies,
  ensureBodyByCode,
  ensureCareProvider,
  findBodyByCode,
  findBodyById,
  listBodies,
  searchBodies,
  upsertBodies,
  type NewBody,
} from '../../src/data/repositories/bodies.ts';

const council = (code: string, name: string, extra: Partial<NewBody> = {}): NewBody => ({
  code, name, kind: 'council', council_type: 'district', region: 'South East', ...extra,
});

describe.each(testEngines)('bodies repository on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database.dispose());
  beforeEach(async () => {
    await sql`truncate bodies restart identity cascade`.execute(database.db);
  });

  describe('upsertBodies', () => {
    it('tells inserted, updated and unchanged rows apart', async () => {
      const { db } = database;
      expect(await upsertBodies(db, [council('E1', 'One'), council('E2', 'Two')])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      const before = await findBodyByCode(db, 'E1');
      expect(await upsertBodies(db, [council('E1', 'One'), council('E2', 'Two renamed'), council('E3', 'Three')]))
        .toEqual({ inserted: 1, updated: 1, unchanged: 1 });
      expect(await findBodyByCode(db, 'E2')).toMatchObject({ name: 'Two renamed' });
      expect((await findBodyByCode(db, 'E1'))?.id).toBe(before?.id);
      expect(await countBodies(db)).toBe(3);
    });

    it('keeps the last of a repeated code and works across batches', async () => {
      const many = Array.from({ length: 1_201 }, (_, i) => council(`E${i}`, `Council ${i}`, { population: i }));
      expect(await upsertBodies(database.db, [...many, council('E7', 'Seven again')])).toEqual({ inserted: 1_201, updated: 0, unchanged: 0 });
      expect(await findBodyByCode(database.db, 'E7')).toMatchObject({ name: 'Seven again', population: null });
      const changed = many.map((b, i) => (i % 2 === 0 ? { ...b, population: -1 } : b));
      // 601 even rows changed, plus E7 taking back its first name.
      expect(await upsertBodies(database.db, changed)).toEqual({ inserted: 0, updated: 602, unchanged: 599 });
    });

    it('writes within a caller’s transaction and rolls back with it', async () => {
      const attempt = database.db.transaction().execute(async (trx) => {
        await upsertBodies(trx, [council('E1', 'One')]);
        throw new Error('stop');
      });
      await expect(attempt).rejects.toThrow('stop');
      expect(await countBodies(database.db)).toBe(0);
    });
  });

  it('finds bodies by code and by id, lists and counts them by kind', async () => {
    const { db } = database;
    await upsertBodies(db, [council('E1', 'Zeta Council'), council('E2', 'Alpha Council')]);
    const provider = await ensureCareProvider(db, 'Acme Care Homes');
    expect(await findBodyById(db, provider.id)).toEqual(provider);
    expect(await findBodyByCode(db, 'nope')).toBeUndefined();
    expect((await listBodies(db)).map((b) => b.name)).toEqual(['Acme Care Homes', 'Alpha Council', 'Zeta Council']);
    expect((await listBodies(db, { kind: 'council' })).map((b) => b.code)).toEqual(['E2', 'E1']);
    expect(await countBodies(db, { kind: 'care-provider' })).toBe(1);
  });

  describe('searchBodies', () => {
    beforeEach(async () => {
      await upsertBodies(database.db, [
        council('E06000023', 'Bristol City Council', { council_type: 'unitary' }),
        council('E08000025', 'Birmingham City Council', { council_type: 'metropolitan' }),
        council('E07000105', 'Ashford Borough Council'),
        council('E07000999', 'North Birmingham Fictional Council'),
      ]);
      await ensureCareProvider(database.db, 'Birmingham Care 100% Ltd');
    });

    it('matches any case, anywhere in the name, councils first and prefixes before the rest', async () => {
      const names = (await searchBodies(database.db, '  BIRMINGHAM ')).map((b) => b.name);
      expect(names).toEqual(['Birmingham City Council', 'North Birmingham Fictional Council', 'Birmingham Care 100% Ltd']);
      expect((await searchBodies(database.db, 'city council')).map((b) => b.code)).toEqual(['E08000025', 'E06000023']);
    });

    it('finds a body by its exact code, honours the limit and ignores blank text', async () => {
      expect((await searchBodies(database.db, 'e07000105')).map((b) => b.name)).toEqual(['Ashford Borough Council']);
      expect(await searchBodies(database.db, 'council', 2)).toHaveLength(2);
      expect(await searchBodies(database.db, '   ')).toEqual([]);
    });

    it('treats LIKE wildcards in the text as plain characters', async () => {
      expect((await searchBodies(database.db, '100%')).map((b) => b.name)).toEqual(['Birmingham Care 100% Ltd']);
      expect(await searchBodies(database.db, '%')).toHaveLength(1);
      expect(await searchBodies(database.db, '_')).toEqual([]);
    });
  });

  describe('ensureCareProvider', () => {
    it('finds the provider whatever the case and spacing, creating it only once', async () => {
      const first = await ensureCareProvider(database.db, 'Acme Care Homes');
      expect(first).toMatchObject({ code: 'CP-acme-care-homes', name: 'Acme Care Homes', kind: 'care-provider', fictional: false });
      expect(await ensureCareProvider(database.db, '  acme   CARE homes ')).toEqual(first);
      expect(await countBodies(database.db)).toBe(1);
    });

    it('gives a different name with the same slug a code of its own', async () => {
      const plain = await ensureCareProvider(database.db, 'Acme Care Ltd');
      const dotted = await ensureCareProvider(database.db, 'Acme Care Ltd.');
      expect([plain.code, dotted.code]).toEqual(['CP-acme-care-ltd', 'CP-acme-care-ltd-2']);
      expect(await ensureCareProvider(database.db, 'ACME CARE LTD.')).toEqual(dotted);
    });

    it('does not take a council of the same name for a care provider', async () => {
      await upsertBodies(database.db, [council('E1', 'Sunrise Homes')]);
      expect((await ensureCareProvider(database.db, 'Sunrise Homes')).kind).toBe('care-provider');
      expect(await countBodies(database.db)).toBe(2);
    });

    it('codes names without Latin letters, strips accents and rejects empty names', async () => {
      const greek = await ensureCareProvider(database.db, 'Ωμέγα Φροντίδα');
      expect(greek.code).toMatch(/^CP-[0-9a-f]{12}$/);
      expect(await ensureCareProvider(database.db, 'ωμέγα φροντίδα')).toEqual(greek);
      expect((await ensureCareProvider(database.db, 'Café Élan Care')).code).toBe('CP-cafe-elan-care');
      await expect(ensureCareProvider(database.db, '  ')).rejects.toThrow('needs a name');
    });

    it('creates one row when the same provider is ensured concurrently', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => ensureCareProvider(database.db, 'Parallel Care')));
      expect(new Set(results.map((b) => b.id)).size).toBe(1);
      expect(await countBodies(database.db)).toBe(1);
    });
  });

  describe('ensureBodyByCode', () => {
    it('records an unknown code as a body of kind other, named by the code unless told', async () => {
      expect(await ensureBodyByCode(database.db, ' Z1 ')).toMatchObject({ code: 'Z1', name: 'Z1', kind: 'other' });
      expect(await ensureBodyByCode(database.db, 'Z2', 'Zed Two Trust')).toMatchObject({ code: 'Z2', name: 'Zed Two Trust', kind: 'other' });
      await expect(ensureBodyByCode(database.db, '')).rejects.toThrow('needs a code');
    });

    it('returns a known body unchanged, and a later import turns a placeholder into a council', async () => {
      await upsertBodies(database.db, [council('E10000016', 'Kent County Council', { council_type: 'county' })]);
      const kent = await findBodyByCode(database.db, 'E10000016');
      expect(await ensureBodyByCode(database.db, 'E10000016', 'Some other name')).toEqual(kent);
      const placeholder = await ensureBodyByCode(database.db, 'E07000105');
      await upsertBodies(database.db, [council('E07000105', 'Ashford Borough Council')]);
      expect(await findBodyById(database.db, placeholder.id)).toMatchObject({ kind: 'council', name: 'Ashford Borough Council' });
    });

    it('works inside a transaction', async () => {
      const body = await database.db.transaction().execute((trx) => ensureBodyByCode(trx, 'T1', 'In a transaction'));
      expect(await findBodyByCode(database.db, 'T1')).toEqual(body);
    });
  });
});
