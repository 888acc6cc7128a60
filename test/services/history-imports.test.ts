import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { nextReferenceSequence } from '../../src/data/repositories/cases.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { defaultCalendar } from '../../src/domain/working-days.ts';
import { CsvFormatError, importCsv, type CsvProgress } from '../../src/services/imports/csv-import.ts';
import {
  CASE_COLUMNS,
  callSchema,
  deriveCaseState,
  importCallsCsv,
  importCasesCsv,
  importContactsCsv,
  parseInstant,
} from '../../src/services/imports/history-imports.ts';

const fixture = (name: string) => new URL(`../fixtures/history/${name}`, import.meta.url).pathname;
const text = (...lines: string[]) => Readable.from([`${lines.join('\n')}\n`]);
const reasonsByLine = (rejected: { line: number; reason: string }[]) => Object.fromEntries(rejected.map((r) => [r.line, r.reason]));

describe('parseInstant', () => {
  it('needs a UTC offset and a real date and time', () => {
    expect(parseInstant('2017-04-03T09:00:00+01:00')).toEqual(new Date('2017-04-03T08:00:00Z'));
    expect(parseInstant('2017-04-03T09:00:00.5Z')).toEqual(new Date('2017-04-03T09:00:00.500Z'));
    expect(parseInstant('2017-04-03T09:00+0100')).toEqual(new Date('2017-04-03T08:00:00Z'));
    expect(parseInstant('2017-04-03T09:00:00')).toMatch(/no UTC offset/);
    expect(parseInstant('2017-04-03')).toMatch(/no time and UTC offset/);
    expect(parseInstant('2017-02-29T09:00:00Z')).toBe('is not a real date');
    expect(parseInstant('2017-04-03T24:00:00Z')).toBe('is not a real time');
    expect(parseInstant('1990-04-03T09:00:00Z')).toMatch(/outside 1995-01-01 to 2045-12-31/);
    expect(parseInstant('yesterday')).toMatch(/not an ISO 8601/);
  });
});

describe('deriveCaseState', () => {
  const at = new Date('2017-05-01T09:00:00Z');
  it('files a case by its milestones', () => {
    expect(deriveCaseState({ category: 'Housing', joint: false, allocatedAt: null, closedAt: null })).toEqual({ jurisdiction: 'local-government', stage: 'assessment', team: 'assessment' });
    expect(deriveCaseState({ category: 'Housing', joint: false, allocatedAt: at, closedAt: null })).toEqual({ jurisdiction: 'local-government', stage: 'investigation', team: 'investigation' });
    expect(deriveCaseState({ category: 'Adult care services', joint: true, allocatedAt: at, closedAt: at })).toEqual({ jurisdiction: 'adult-social-care', stage: 'closed', team: 'joint' });
  });
});

describe('csv importer', () => {
  it('refuses a file with the wrong header, naming what is wrong, before writing anything', async () => {
    let writes = 0;
    const spec = { what: 'calls', columns: ['call_id', 'presented_at', 'answered_at'], schema: callSchema, write: async () => ({ inserted: ++writes, updated: 0 }) };
    const error = await importCsv(fixture('wrong-header.csv'), spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as Error).message).toContain('first line must be the header call_id,presented_at,answered_at');
    expect((error as Error).message).toContain('missing presented_at');
    expect((error as Error).message).toContain('not expected presented');
    expect(writes).toBe(0);
    await expect(importCsv(text(''), spec)).rejects.toThrow(/file is empty/);
  });
});

describe.each(testEngines)('history imports on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await upsertBodies(database.db, fictionalDemoBodies());
  });
  afterAll(async () => database?.dispose());
  beforeEach(async () => {
    await sql`truncate calls, case_bodies, case_events, cases, contacts, reference_sequences restart identity cascade`.execute(database.db);
  });

  describe('calls', () => {
    it('keeps the good rows and reports each bad one by line', async () => {
      const result = await importCallsCsv(database.db, fixture('calls.csv'));
      expect(result).toMatchObject({ rows: 8, imported: 4, updated: 0, unchanged: 0, rejectedCount: 4 });
      const reasons = reasonsByLine(result.rejected);
      expect(Object.keys(reasons).map(Number)).toEqual([4, 5, 6, 8]);
      expect(reasons[4]).toMatch(/^presented_at "03\/04\/2017 09:10" is not an ISO 8601 date and time/);
      expect(reasons[5]).toMatch(/^presented_at "2017-04-03T09:15:00" has no UTC offset/);
      expect(reasons[6]).toBe('answered_at is before presented_at');
      expect(reasons[8]).toBe('has 2 fields; the header has 3');
      const calls = await database.db.selectFrom('calls').select(['call_id', 'presented_at', 'answered_at']).orderBy('call_id').execute();
      expect(calls).toEqual([
        { call_id: 'C-0001', presented_at: new Date('2017-04-03T08:00:00Z'), answered_at: new Date('2017-04-03T08:00:12Z') },
        { call_id: 'C-0002', presented_at: new Date('2017-04-03T08:05:00Z'), answered_at: null },
        { call_id: 'C-0006', presented_at: new Date('2017-04-03T08:25:00Z'), answered_at: new Date('2017-04-03T08:25:45Z') },
        { call_id: 'C-0008', presented_at: new Date('2017-04-04T09:00:00.250Z'), answered_at: new Date('2017-04-04T09:01:30.750Z') },
      ]);
    });

    it('re-imports idempotently: a corrected file updates rows and never duplicates them', async () => {
      await importCallsCsv(database.db, fixture('calls.csv'));
      const again = await importCallsCsv(database.db, fixture('calls.csv'));
      expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 4, rejectedCount: 4 });
      const corrected = await importCallsCsv(database.db, fixture('calls-corrected.csv'));
      expect(corrected).toMatchObject({ rows: 5, imported: 1, updated: 1, unchanged: 3, rejectedCount: 0 });
      const calls = await database.db.selectFrom('calls').select(['call_id', 'answered_at']).orderBy('call_id').execute();
      expect(calls.map((c) => c.call_id)).toEqual(['C-0001', 'C-0002', 'C-0003', 'C-0006', 'C-0008']);
      expect(calls[1]?.answered_at).toEqual(new Date('2017-04-03T08:06:40Z'));
    });

    it('keeps the last of repeated ids within a file', async () => {
      const result = await importCallsCsv(database.db, text(
        'call_id,presented_at,answered_at',
        'R-1,2017-04-03T09:00:00Z,',
        'R-1,2017-04-03T09:00:00Z,2017-04-03T09:00:05Z',
      ));
      expect(result).toMatchObject({ rows: 2, imported: 1, rejectedCount: 0 });
      const call = await database.db.selectFrom('calls').select('answered_at').executeTakeFirstOrThrow();
      expect(call.answered_at).toEqual(new Date('2017-04-03T09:00:05Z'));
    });

    it('streams a large file in batches, reporting progress, and a crash leaves whole batches that a re-run completes', async () => {
      const ROWS = 20_000;
      function* lines(upTo: number, failAfter = Infinity) {
        yield 'call_id,presented_at,answered_at\n';
        for (let i = 1; i <= upTo; i++) {
          if (i > failAfter) throw new Error('the disk went away');
          const at = new Date(Date.UTC(2017, 3, 3, 8) + i * 1000).toISOString();
          // Every 1,000th row is bad, so rejections and batches interleave.
          yield i % 1000 === 0 ? `G-${i},not a date,\n` : `G-${i},${at},${i % 3 === 0 ? '' : at}\n`;
        }
      }
      const count = async () => Number((await database.db.selectFrom('calls').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

      await expect(importCallsCsv(database.db, Readable.from(lines(ROWS, 2_500)), { batchSize: 1_000 })).rejects.toThrow('the disk went away');
      expect(await count()).toBe(2_000);

      const progress: CsvProgress[] = [];
      const started = Date.now();
      const result = await importCallsCsv(database.db, Readable.from(lines(ROWS)), { batchSize: 1_000, onProgress: (p) => progress.push(p) });
      const seconds = (Date.now() - started) / 1000;
      expect(result).toMatchObject({ rows: ROWS, imported: ROWS - 20 - 2_000, updated: 0, unchanged: 2_000, rejectedCount: 20 });
      expect(result.rejected.map((r) => r.line)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 1000 + 1));
      expect(await count()).toBe(ROWS - 20);
      // One report a batch of 1,000 good rows, and a last one.
      expect(progress.length).toBe(Math.ceil((ROWS - 20) / 1000) + 1);
      expect(progress.at(-1)).toEqual({ rows: ROWS, good: ROWS - 20, bad: 20, written: ROWS - 20 });
      for (let i = 1; i < progress.length; i++) expect(progress[i]!.rows).toBeGreaterThanOrEqual(progress[i - 1]!.rows);
      expect(seconds).toBeLessThan(20);
    });
  });

  describe('contacts', () => {
    it('keeps the good rows, reports the bad ones and stores contact_id as external_id', async () => {
      const result = await importContactsCsv(database.db, fixture('contacts.csv'));
      expect(result).toMatchObject({ rows: 6, imported: 3, updated: 0, rejectedCount: 3 });
      expect(reasonsByLine(result.rejected)).toEqual({
        3: 'channel "fax" is not one of phone, email, letter, web, in-person',
        4: 'dealt_with_at is before received_at',
        7: 'received_at "2017-04-31T09:00:00+01:00" is not a real date',
      });
      const contacts = await database.db.selectFrom('contacts').select(['external_id', 'channel', 'dealt_with_at']).orderBy('external_id').execute();
      expect(contacts).toEqual([
        { external_id: 'K-0001', channel: 'email', dealt_with_at: new Date('2017-04-03T14:00:00Z') },
        { external_id: 'K-0004', channel: 'web', dealt_with_at: null },
        { external_id: 'K-0005', channel: 'in-person', dealt_with_at: new Date('2017-04-03T10:30:00Z') },
      ]);
      const again = await importContactsCsv(database.db, text(
        'dealt_with_at,received_at,channel,contact_id',
        '2017-04-04T09:00:00Z,2017-04-03T08:00:00Z,web,K-0004',
      ));
      expect(again).toMatchObject({ imported: 0, updated: 1 });
      expect(await database.db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 3 });
    });
  });

  describe('cases', () => {
    it('imports good cases with their derived stage and team, and reports the bad ones by line', async () => {
      const before = await database.db.selectFrom('bodies').select('code').execute();
      const result = await importCasesCsv(database.db, fixture('cases.csv'), { calendar: defaultCalendar() });
      expect(result).toMatchObject({ rows: 9, imported: 4, updated: 0, rejectedCount: 5 });
      expect(reasonsByLine(result.rejected)).toEqual({
        5: 'closed_at is before received_at',
        6: 'outcome is given but closed_at is empty: only a closed case has an outcome',
        7: 'reference "1700010" is not a case reference like 17 004 213',
        8: 'joint "maybe" must be yes or no',
        10: expect.stringMatching(/^outcome "made-up" is not one of upheld-fault-injustice, /),
      });

      const cases = await database.db
        .selectFrom('cases as c')
        .innerJoin('case_bodies as cb', 'cb.case_id', 'c.id')
        .innerJoin('bodies as b', 'b.id', 'cb.body_id')
        .select(['c.reference', 'c.category', 'c.subcategory', 'c.jurisdiction', 'c.stage', 'c.team', 'c.joint', 'c.outcome', 'c.imported', 'c.assessment_due_on', 'b.code'])
        .orderBy('c.reference')
        .execute();
      expect(cases).toEqual([
        { reference: '17 000 101', category: 'Housing', subcategory: 'Homelessness', jurisdiction: 'local-government', stage: 'closed', team: 'assessment', joint: false, outcome: 'closed-after-initial-enquiries', imported: true, assessment_due_on: '2017-05-04', code: 'X99000001' },
        { reference: '17 000 102', category: 'Adult care services', subcategory: 'Charging', jurisdiction: 'adult-social-care', stage: 'investigation', team: 'joint', joint: true, outcome: null, imported: true, assessment_due_on: '2017-05-05', code: 'X99000003' },
        { reference: '17 000 103', category: 'Planning and development', subcategory: '', jurisdiction: 'local-government', stage: 'assessment', team: 'assessment', joint: false, outcome: null, imported: true, assessment_due_on: '2017-05-08', code: 'NEWCODE1' },
        { reference: '17 000 108', category: 'Benefits and tax', subcategory: 'Council tax', jurisdiction: 'local-government', stage: 'closed', team: 'investigation', joint: false, outcome: 'upheld-fault-injustice', imported: true, assessment_due_on: '2017-05-09', code: 'X99000004' },
      ]);

      // The unknown body code became a body of its own, once.
      const after = await database.db.selectFrom('bodies').select(['code', 'kind', 'name']).execute();
      expect(after.length).toBe(before.length + 1);
      expect(after.find((b) => b.code === 'NEWCODE1')).toEqual({ code: 'NEWCODE1', kind: 'other', name: 'NEWCODE1' });

      // New registrations continue after the imported references.
      expect(await nextReferenceSequence(database.db, 2017)).toBe(109);
    });

    it('updates a re-imported case, moves its body link, and never duplicates', async () => {
      await importCasesCsv(database.db, fixture('cases.csv'));
      const again = await importCasesCsv(database.db, fixture('cases.csv'));
      expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 4, rejectedCount: 5 });

      const header = CASE_COLUMNS.join(',');
      const corrected = await importCasesCsv(database.db, text(
        header,
        // Now closed after investigation.
        '17000102,2017-04-04T09:00:00+01:00,X99000003,Adult care services > Charging,yes,,2017-05-02T10:00:00+01:00,2017-08-01T10:00:00+01:00,upheld-fault-no-injustice',
        // The body code was wrong.
        '17 000 103,2017-04-05T09:00:00+01:00,X99000005,Planning and development,no,,,,',
        // As it was.
        '17 000 108,2017-04-06T09:00:00+01:00,X99000004,Benefits and tax > Council tax,no,,2017-05-01T09:00:00+01:00,2017-09-01T09:00:00+01:00,upheld-fault-injustice',
      ));
      expect(corrected).toMatchObject({ rows: 3, imported: 0, updated: 2, unchanged: 1, rejectedCount: 0 });
      const rows = await database.db
        .selectFrom('cases as c')
        .innerJoin('case_bodies as cb', 'cb.case_id', 'c.id')
        .innerJoin('bodies as b', 'b.id', 'cb.body_id')
        .select(['c.reference', 'c.stage', 'c.outcome', 'b.code'])
        .orderBy('c.reference')
        .execute();
      expect(rows).toEqual([
        { reference: '17 000 101', stage: 'closed', outcome: 'closed-after-initial-enquiries', code: 'X99000001' },
        { reference: '17 000 102', stage: 'closed', outcome: 'upheld-fault-no-injustice', code: 'X99000003' },
        { reference: '17 000 103', stage: 'assessment', outcome: null, code: 'X99000005' },
        { reference: '17 000 108', stage: 'closed', outcome: 'upheld-fault-injustice', code: 'X99000004' },
      ]);
    });

    it('never overwrites a case registered in Redress or one worked on since its import', async () => {
      await importCasesCsv(database.db, fixture('cases.csv'));
      const live = await database.db
        .insertInto('cases')
        .values({ reference: '26 000 001', received_at: new Date('2026-03-02T10:00:00Z'), category: 'Housing', subcategory: 'Allocations', jurisdiction: 'local-government', stage: 'assessment' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const worked = await database.db.selectFrom('cases').select('id').where('reference', '=', '17 000 103').executeTakeFirstOrThrow();
      await database.db.insertInto('case_events').values({ case_id: worked.id, occurred_at: new Date(), kind: 'note-added', facts: '{}' }).execute();

      const result = await importCasesCsv(database.db, text(
        CASE_COLUMNS.join(','),
        '26 000 001,2026-03-01T10:00:00Z,X99000001,Housing,no,,,2026-03-05T10:00:00Z,advice-given',
        '17 000 103,2017-04-05T09:00:00+01:00,X99000005,Planning and development,no,,,2017-06-01T09:00:00+01:00,not-upheld',
        '17 000 110,2017-04-07T09:00:00+01:00,X99000005,Housing,no,,,,',
      ));
      expect(result).toMatchObject({ rows: 3, imported: 1, updated: 0, rejectedCount: 2 });
      expect(reasonsByLine(result.rejected)).toEqual({
        2: 'case 26 000 001 was registered in Redress, not imported, so the import leaves it as it is',
        3: 'case 17 000 103 has been worked on in Redress since it was imported, so the import leaves it as it is',
      });
      const kept = await database.db.selectFrom('cases').select(['id', 'stage', 'imported']).where('reference', 'in', ['26 000 001', '17 000 103']).orderBy('reference').execute();
      expect(kept).toEqual([
        { id: worked.id, stage: 'assessment', imported: true },
        { id: live.id, stage: 'assessment', imported: false },
      ]);
    });
  });
});
