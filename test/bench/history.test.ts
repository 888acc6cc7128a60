import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/data/db.ts';
import { existingHistory, generateHistory, historyMatches, prepareDatabase, resetToGenerated } from '../../bench/generate-history.ts';
import { historyFigures, type HistoryFigures } from '../../bench/history/figures.ts';

// Small enough to stay quick on PGlite; the figures are deterministic for this size and seed.
const CASES = 500;
const SEED = 7;
const quiet = { onProgress: () => undefined, log: () => undefined };

describe('the benchmark history generator on PGlite', () => {
  let handle: DatabaseHandle;
  let figures: HistoryFigures;

  beforeAll(async () => {
    handle = openDatabase({});
    await prepareDatabase(handle);
    await generateHistory(handle, { cases: CASES, seed: SEED, ...quiet });
    figures = await historyFigures(handle.db);
  });
  afterAll(async () => handle?.close());

  const count = async (query: string) => Number((await sql.raw<{ n: number }>(query).execute(handle.db)).rows[0]?.n);

  it('follows the published figures', () => {
    expect(figures.cases).toBe(CASES);
    // About half of contacts are dealt with at intake and never become cases.
    expect(figures.closedAtIntake).toBeCloseTo(0.5, 2);
    // About a quarter of decisions after a detailed investigation, about 57% of those upheld.
    expect(figures.investigated).toBeGreaterThan(0.19);
    expect(figures.investigated).toBeLessThan(0.31);
    expect(figures.upheld).toBeGreaterThan(0.47);
    expect(figures.upheld).toBeLessThan(0.67);
    // Closed within 13, 26 and 52 weeks: near 79%, 91% and 99%.
    expect(figures.within13).toBeGreaterThan(0.74);
    expect(figures.within13).toBeLessThan(0.85);
    expect(figures.within26).toBeGreaterThan(0.87);
    expect(figures.within26).toBeLessThan(0.96);
    expect(figures.within52).toBeGreaterThan(0.97);
    expect(figures.within20WorkingDays).toBeGreaterThan(0.74);
    expect(figures.within20WorkingDays).toBeLessThan(0.86);
  });

  it('has remedies in every state, service improvements, and open cases at each stage of work', () => {
    for (const status of ['pending', 'complied-on-time', 'complied-late']) expect(figures.remedies[status], status).toBeGreaterThan(0);
    expect(figures.serviceImprovements).toBeGreaterThan(0);
    for (const stage of ['assessment', 'investigation', 'draft-decision', 'closed']) expect(figures.stages[stage], stage).toBeGreaterThan(0);
    for (const table of ['people', 'calls', 'enquiries', 'decisions', 'documents', 'messages', 'case_events']) expect(figures.rows[table], table).toBeGreaterThan(0);
  });

  it('leaves every foreign key satisfied (they are not checked during the load)', async () => {
    const { rows } = await sql<{ child: string; parent: string; column: string; parent_column: string }>`
      select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent, a.attname as column, pa.attname as parent_column
        from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
       where c.contype = 'f' and array_length(c.conkey, 1) = 1`.execute(handle.db);
    expect(rows.length).toBeGreaterThan(20);
    for (const fk of rows) {
      const orphans = await count(`select count(*)::int as n from ${fk.child} x where x.${fk.column} is not null
        and not exists (select 1 from ${fk.parent} p where p.${fk.parent_column} = x.${fk.column})`);
      expect(orphans, `${fk.child}.${fk.column} -> ${fk.parent}`).toBe(0);
    }
  });

  it('keeps each timeline in time order, starting with the registration, and the case rows consistent with it', async () => {
    expect(await count(`select count(*)::int as n from (select case_id, kind, row_number() over (partition by case_id order by id) as k from case_events) e
      where k = 1 and kind <> 'case-registered'`)).toBe(0);
    expect(await count(`select count(*)::int as n from (select occurred_at, lag(occurred_at) over (partition by case_id order by id) as before from case_events) e
      where occurred_at < before`)).toBe(0);
    expect(await count(`select count(*)::int as n from cases c where c.closed_at is not null
      and not exists (select 1 from case_events e where e.case_id = c.id and e.kind = 'case-closed')`)).toBe(0);
    expect(await count(`select count(*)::int as n from cases where stage = 'closed' and closed_at is null or stage <> 'closed' and closed_at is not null`)).toBe(0);
    expect(await count(`select count(*)::int as n from cases c where c.stage = 'investigation' and c.owner_id is null`)).toBe(0);
    expect(await count(`select count(*)::int as n from remedies r join cases c on c.id = r.case_id where c.stage = 'closed' and r.status = 'pending'`)).toBe(0);
  });

  it('gives the same rows for the same size and seed, and a reset removes what was added since', async () => {
    const fingerprint = async () => (await sql<{ f: string }>`select md5(string_agg(concat_ws('|', id, reference, stage, outcome, received_at, closed_at), ',' order by id)) ||
      (select md5(string_agg(concat_ws('|', id, case_id, kind, occurred_at, facts::text), ',' order by id)) from case_events) as f from cases`.execute(handle.db)).rows[0]?.f;
    const before = await fingerprint();
    await sql`insert into cases (reference, received_at, category, subcategory, jurisdiction, stage) values ('26 000 001', now(), 'Housing', 'Homelessness', 'local-government', 'assessment')`.execute(handle.db);
    await sql`insert into sessions (sid, data, expires_at) values ('bench', '{}', now() + interval '1 hour')`.execute(handle.db);
    expect(await historyMatches(handle, { cases: CASES, seed: SEED })).toBe(true);
    await resetToGenerated(handle);
    expect(await fingerprint()).toBe(before);
    expect(await count('select count(*)::int as n from sessions')).toBe(0);
    expect((await existingHistory(handle))?.rows).toBe(CASES);

    await generateHistory(handle, { cases: CASES, seed: SEED, ...quiet });
    expect(await fingerprint()).toBe(before);
  });
});
