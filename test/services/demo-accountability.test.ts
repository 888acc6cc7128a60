import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { defaultCalendar } from '../../src/domain/working-days.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { seedDemoData } from '../../src/services/demo-seed.ts';
import { DEMO_PUBLISHED_DECISIONS, seedDemoAccountability } from '../../src/services/demo-accountability.ts';

const NOW = new Date('2027-03-15T11:00:00Z');

describe.each(testEngines)('the demo’s link officers and published decisions (%s)', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await upsertBodies(database.db, fictionalDemoBodies());
    await seedDemoData({ db: database.db, calendar: defaultCalendar(), now: NOW, cases: 300, log: { info: () => undefined } });
  });
  afterAll(async () => database?.dispose());

  it('gives the councils with most remedies awaiting confirmation a link officer, the busiest first, and publishes decisions; a second run changes nothing', async () => {
    const db = database.db;
    const officers = await seedDemoAccountability(db, NOW);
    expect(officers.length).toBeGreaterThan(0);
    expect(officers[0]?.email).toBe('link-officer@council.example.org');

    const pendingByBody = await db
      .selectFrom('remedies as r').innerJoin('case_bodies as cb', 'cb.case_id', 'r.case_id').innerJoin('bodies as b', 'b.id', 'cb.body_id')
      .select(['b.name', (eb) => eb.fn.countAll<number>().as('n')]).where('r.status', '=', 'pending').groupBy('b.name').orderBy('n', 'desc').execute();
    expect(officers[0]?.bodyName).toBe(pendingByBody[0]?.name);

    const published = await db.selectFrom('published_decisions').select((eb) => eb.fn.countAll<number>().as('n')).where('published_at', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(published.n)).toBe(DEMO_PUBLISHED_DECISIONS);

    expect(await seedDemoAccountability(db, NOW)).toEqual(officers);
    expect(Number((await db.selectFrom('published_decisions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(DEMO_PUBLISHED_DECISIONS);
  });
});
