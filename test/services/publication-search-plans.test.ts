import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Compilable } from 'kysely';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { countPublishedDecisionsQuery, searchPublishedDecisionsQuery, type DecisionSearch } from '../../src/data/repositories/published-decisions.ts';
import { insertSampleDecisions } from '../../src/services/publication/sample-decisions.ts';
import { searchDecisions } from '../../src/services/publication/decision-search.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';

/**
 * The public search stays fast on many years of decisions because its queries can use the
 * indexes: the full-text GIN index for words, case_bodies_body_idx for a body, and the partial
 * published_decisions_public_idx for the newest first. On PostgreSQL the planner is left to
 * choose, over enough rows to make it prefer them; on PGlite (fewer rows, to keep the test
 * quick) sequential scans are switched off to show the queries can use them at all.
 *
 * PUBLICATION_SCALE_ROWS=100000 runs it over twenty years of decisions (about 100,000).
 */
const rowsOn = (engine: string) => Number(process.env.PUBLICATION_SCALE_ROWS ?? (engine === 'postgres' ? 20_000 : 2_000));

describe.each(testEngines)('the decision search’s query plans on %s', (engine) => {
  let t: TestApp;
  let someBody = 0;

  /** The plan's text, with the query's parameters inlined (EXPLAIN takes no parameters). */
  async function planOf(query: Compilable): Promise<string> {
    const compiled = query.compile();
    const inlined = compiled.sql.replace(/\$(\d+)/g, (_, index: string) => {
      const value = compiled.parameters[Number(index) - 1];
      if (typeof value === 'number') return String(value);
      if (value instanceof Date) return `'${value.toISOString()}'::timestamptz`;
      return `'${String(value).replace(/'/g, "''")}'`;
    });
    const result = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${inlined}`).execute(t.database.db);
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  async function plansOf(search: DecisionSearch) {
    return [await planOf(searchPublishedDecisionsQuery(t.database.db, search, 0, 20)), await planOf(countPublishedDecisionsQuery(t.database.db, search))];
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    // Three hundred councils, as in England, so one body's decisions are few among many.
    await upsertBodies(t.database.db, Array.from({ length: 300 }, (_, i) => ({
      code: `E09${String(i).padStart(6, '0')}`, name: `Sample Borough ${i}`, kind: 'council' as const, council_type: 'district',
      region: null, county_code: null, combined_authority: null, population: null, fictional: true,
    })));
    const bodyIds = (await t.database.db.selectFrom('bodies').select('id').where('code', 'like', 'E09%').orderBy('id').execute()).map((b) => b.id);
    someBody = bodyIds[7] as number;
    const approverId = await createStaffUser(t.services, null, { email: 'scale@test.example', displayName: 'Scale Approver', roles: ['ombudsman'], password: PASSWORD });
    await insertSampleDecisions(t.database.db, {
      count: rowsOn(engine), bodyIds, drafterId: t.staffIds.investigator, approverId, years: 20, until: new Date('2026-03-01T12:00:00Z'), unpublishedEvery: 50,
    });
    await sql`vacuum analyze`.execute(t.database.db);
    if (engine === 'pglite') await sql`set enable_seqscan = off`.execute(t.database.db);
  }, 600_000);
  afterAll(async () => t?.dispose());

  it('searches words through the full-text index', async () => {
    for (const plan of await plansOf({ words: 'homelessness' })) expect(plan).toContain('published_decisions_search_idx');
  });

  it('filters by body through the case_bodies body index', async () => {
    for (const plan of await plansOf({ bodyId: someBody })) expect(plan).toContain('case_bodies_body_idx');
    expect(await planOf(searchPublishedDecisionsQuery(t.database.db, { words: 'parking', bodyId: someBody }, 0, 20))).toMatch(/case_bodies_body_idx|published_decisions_search_idx/);
  });

  it('lists the newest first, and counts them, from the partial index of published decisions', async () => {
    const [page, count] = await plansOf({});
    expect(page).toContain('published_decisions_public_idx');
    expect(count).toContain('published_decisions_public_idx');
    expect(await planOf(searchPublishedDecisionsQuery(t.database.db, {}, 3_980, 20))).toContain('published_decisions_public_idx');
  });

  it('gives the same answers the plans are for', async () => {
    const expected = await t.database.db
      .selectFrom('published_decisions as pd')
      .innerJoin('case_bodies as cb', 'cb.case_id', 'pd.case_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cb.body_id', '=', someBody)
      .where('pd.published_at', 'is not', null)
      .where('pd.withdrawn_at', 'is', null)
      .executeTakeFirstOrThrow();
    const code = (await t.database.db.selectFrom('bodies').select('code').where('id', '=', someBody).executeTakeFirstOrThrow()).code;
    const result = await searchDecisions(t.services, { words: '', body: code, category: '', outcome: '', page: 1 });
    expect(result.total).toBe(Number(expected.n));
    expect(result.results.length).toBe(Math.min(20, Number(expected.n)));
    const times = result.results.map((r) => (r.published_at as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
