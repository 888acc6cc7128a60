import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';

describe.each(testEngines)('database on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database.dispose());

  it('hands back counts as numbers and dates as ISO strings on both engines', async () => {
    const row = await sql<{ n: number; d: string; t: Date }>`select count(*) as n, date '2018-03-25' as d, timestamptz '2018-03-25T23:30:00Z' as t`
      .execute(database.db);
    expect(row.rows[0]).toEqual({ n: 1, d: '2018-03-25', t: new Date('2018-03-25T23:30:00Z') });
  });

  it('has every table the casework core needs', async () => {
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' order by 1`
      .execute(database.db);
    const names = tables.rows.map((r) => r.table_name);
    for (const t of ['bodies', 'cases', 'case_events', 'contacts', 'decisions', 'remedies', 'sessions', 'staff_users']) {
      expect(names).toContain(t);
    }
  });
});
