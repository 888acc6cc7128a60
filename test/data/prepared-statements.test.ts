import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { PREPARED_MARK, prepared, preparingPool, statementName } from '../../src/data/prepared-statements.ts';
import type { Database } from '../../src/data/schema.ts';

const holiday = (db: Kysely<Database>, day: string) =>
  prepared(db.selectFrom('bank_holidays').select(['date', 'name']).where('date', '=', day));

describe.each(testEngines)('statements marked as prepared on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await database.db.insertInto('bank_holidays').values([
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2026-12-28', name: 'Boxing Day (substitute day)' },
    ]).onConflict((oc) => oc.doNothing()).execute();
  });
  afterAll(async () => database.dispose());

  it('carry the mark in their text and give each run its own parameters’ rows', async () => {
    expect(holiday(database.db, '2026-12-25').compile().sql.endsWith(PREPARED_MARK)).toBe(true);
    expect(await holiday(database.db, '2026-12-25').execute()).toEqual([{ date: '2026-12-25', name: 'Christmas Day' }]);
    expect(await holiday(database.db, '2026-12-28').execute()).toEqual([{ date: '2026-12-28', name: 'Boxing Day (substitute day)' }]);
    expect(await holiday(database.db, '2026-12-29').execute()).toEqual([]);
  });

  it('work inside transactions and report errors like any other statement', async () => {
    const insert = (name: string) => prepared(database.db.insertInto('bank_holidays').values({ date: '2027-01-01', name }).returning('date'));
    await database.db.transaction().execute(async (trx) => {
      expect(await prepared(trx.insertInto('bank_holidays').values({ date: '2027-01-01', name: 'New Year’s Day' }).returning('date')).execute())
        .toEqual([{ date: '2027-01-01' }]);
    });
    await expect(insert('Again').execute()).rejects.toThrow(/duplicate key/);
    expect(await holiday(database.db, '2027-01-01').execute()).toEqual([{ date: '2027-01-01', name: 'New Year’s Day' }]);
  });
});

describe.runIf(testEngines.includes('postgres'))('prepared statements on a PostgreSQL connection', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Kysely<Database>;
  const preparedHere = async () =>
    (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db)).rows;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // One connection, so every query below sees the same session's prepared statements.
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool, 3) }) });
  });
  afterAll(async () => {
    await db.destroy();
    await database.dispose();
  });

  it('prepares a marked statement once, under a name made from its text, and not the unmarked ones', async () => {
    await holiday(db, '2026-12-25').execute();
    await holiday(db, '2026-12-26').execute();
    await db.selectFrom('bank_holidays').select('date').where('date', '=', '2026-12-25').execute();
    const text = holiday(db, '2026-12-25').compile().sql;
    expect(await preparedHere()).toEqual([{ name: statementName(text), statement: text }]);
  });

  it('still answers a `select *` after a migration adds a column while the server runs', async () => {
    await db.insertInto('bank_holidays').values({ date: '2026-05-04', name: 'Early May bank holiday' }).execute();
    const all = () => prepared(db.selectFrom('bank_holidays').selectAll().where('date', '=', '2026-05-04'));
    expect(await all().execute()).toEqual([{ date: '2026-05-04', name: 'Early May bank holiday', source: 'date-holidays' }]);
    await sql`alter table bank_holidays add column note text`.execute(db);
    try {
      expect(await all().execute()).toEqual([{ date: '2026-05-04', name: 'Early May bank holiday', source: 'date-holidays', note: null }]);
      expect(await all().execute()).toEqual([{ date: '2026-05-04', name: 'Early May bank holiday', source: 'date-holidays', note: null }]);
    } finally {
      await sql`alter table bank_holidays drop column note`.execute(db);
      await db.deleteFrom('bank_holidays').execute();
    }
  });

  it('stops preparing new statements at the limit per connection, and still runs them', async () => {
    await db.insertInto('bank_holidays').values({ date: '2026-12-25', name: 'Christmas Day' }).execute();
    const byName = (name: string) => prepared(db.selectFrom('bank_holidays').select('date').where('name', '=', name));
    // The limit is a parameter, so every limit is the same statement.
    const first = (n: number) => prepared(db.selectFrom('bank_holidays').select('name').orderBy('date').limit(n));
    expect(await byName('Christmas Day').execute()).toEqual([{ date: '2026-12-25' }]);
    expect(await first(1).execute()).toEqual([{ name: 'Christmas Day' }]);
    expect(await first(5).execute()).toEqual([{ name: 'Christmas Day' }]);
    const atTheLimit = (await preparedHere()).map((row) => row.name);
    expect(atTheLimit).toHaveLength(3);
    const beyond = prepared(db.selectFrom('bank_holidays').select(['date', 'name']).where('date', '>=', '2026-12-01'));
    expect(await beyond.execute()).toEqual([{ date: '2026-12-25', name: 'Christmas Day' }]);
    expect((await preparedHere()).map((row) => row.name)).toEqual(atTheLimit);
  });
});
