import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { fixedClock } from '../../src/services/clock.ts';
import { councilPage } from '../../src/services/body-statistics.ts';
import { computePlanYear } from '../../src/services/public-statistics/year-statistics.ts';
import { agreedServiceImprovements } from '../../src/data/repositories/body-statistics.ts';
import { planYearPeriod } from '../../src/domain/body-statistics.ts';

// A caseworker wrote the complainant's details into a service improvement, which is published
// on the council's page and in the open data without anyone reviewing it.
describe.each(testEngines)('service improvements published on %s', (engine) => {
  let database: TestDatabase;
  const clock = fixedClock(new Date('2018-06-01T12:00:00Z'));
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const { db } = database;
    const body = await db.insertInto('bodies').values({ code: 'E07000099', name: 'Testbury District Council', kind: 'council', council_type: 'district' }).returning('id').executeTakeFirstOrThrow();
    const complainant = await db.insertInto('people').values({ full_name: 'Jane Example', email: 'jane.example@example.com', phone: '07700 900123', address: '12 Acacia Avenue, Testbury TE1 2ST' }).returning('id').executeTakeFirstOrThrow();
    const representative = await db.insertInto('people').values({ full_name: 'Ravi Advocate' }).returning('id').executeTakeFirstOrThrow();
    const decided = new Date('2017-08-01T09:00:00Z');
    const kase = await db.insertInto('cases').values({
      reference: '17 000 001', received_at: new Date('2017-05-01T09:00:00Z'), category: 'Housing', subcategory: '', jurisdiction: 'local-government',
      stage: 'compliance', decided_at: decided, outcome: 'upheld-fault-injustice', complainant_id: complainant.id, representative_id: representative.id,
    }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('case_bodies').values({ case_id: kase.id, body_id: body.id }).execute();
    await db.insertInto('remedies').values([
      { case_id: kase.id, kind: 'service-improvement', due_on: '2017-10-01', status: 'pending',
        description_text: 'Remind staff that calls from Mrs Example on 07700 900123 must be logged, and write to her at 12 Acacia Avenue.' },
      { case_id: kase.id, kind: 'training', due_on: '2017-10-01', status: 'pending', description_text: 'Train housing officers, with Ravi Advocate’s help, on the allocations policy.' },
      { case_id: kase.id, kind: 'procedure-review', due_on: '2017-10-01', status: 'pending', description_text: 'Review how repairs are prioritised.' },
    ]).execute();
    await computePlanYear({ db, clock }, 2017);
  });
  afterAll(async () => database?.dispose());

  it('are read with the case’s complainant and representative, whose details must not appear', async () => {
    const [improvements] = [...(await agreedServiceImprovements(database.db, planYearPeriod(2017))).values()];
    expect(improvements?.[0]?.people).toEqual([
      { role: 'the complainant', fullName: 'Jane Example', email: 'jane.example@example.com', phone: '07700 900123', address: '12 Acacia Avenue, Testbury TE1 2ST' },
      { role: 'the representative', fullName: 'Ravi Advocate', email: null, phone: null, address: null },
    ]);
  });

  it('appear on the council’s page without the people’s names, phone numbers or addresses, and unchanged when there were none', async () => {
    const page = await councilPage({ db: database.db, clock }, 'E07000099', 2017);
    const published = page.service_improvements.map((improvement) => improvement.description);
    expect(published).toHaveLength(3);
    for (const text of published) expect(text).not.toMatch(/Example|Ravi|Advocate|07700|Acacia/);
    expect(published).toContain('Review how repairs are prioritised.');
    expect(published.find((text) => text.startsWith('Remind staff'))).toContain('[phone number removed]');
  });
});
