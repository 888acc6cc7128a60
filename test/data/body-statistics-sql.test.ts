import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import {
  agreedServiceImprovements,
  councilTimeToDecisionQuartiles,
  countRemediesByKind,
  timeToDecisionQuartiles,
} from '../../src/data/repositories/body-statistics.ts';
import type { Db } from '../../src/data/repositories/cases.ts';
import {
  computeBodyDetails,
  computeBodyFigures,
  daysToDecision,
  quartiles,
  planYearPeriod,
  type StatisticsBody,
  type StatisticsCase,
  type StatisticsRemedy,
} from '../../src/domain/body-statistics.ts';
import { addCalendarDays, londonDate } from '../../src/domain/london-time.ts';
import type { Period } from '../../src/domain/service-standards.ts';
import { remedyKinds } from '../../src/domain/vocabulary.ts';
import { bodyStatistics } from '../../src/services/body-statistics.ts';
import { AppError } from '../../src/services/errors.ts';

const t = (iso: string): Date => new Date(iso);

interface Dataset {
  bodies: StatisticsBody[];
  cases: StatisticsCase[];
  remedies: (StatisticsRemedy & { description: string | null })[];
}

const CHUNK = 500;
const councilTypeOf = (datasetId: number) => ['district', 'county', 'unitary'][datasetId % 3] as string;

/** Inserts bodies, cases, their body links and remedies; the ids in the dataset are replaced by the database's. */
async function insertDataset(db: Db, data: Dataset): Promise<Dataset> {
  const bodyId = new Map<number, number>();
  const bodies: StatisticsBody[] = [];
  for (const b of data.bodies) {
    const row = await db.insertInto('bodies').values({ code: b.code, name: `Body ${b.code}`, kind: 'council', council_type: councilTypeOf(b.id) }).returning('id').executeTakeFirstOrThrow();
    bodyId.set(b.id, row.id);
    bodies.push({ id: row.id, code: b.code });
  }
  const caseId = new Map<number, number>();
  const cases: StatisticsCase[] = [];
  for (let i = 0; i < data.cases.length; i += CHUNK) {
    const chunk = data.cases.slice(i, i + CHUNK);
    const rows = await db.insertInto('cases').values(chunk.map((c, j) => ({
      reference: `17 ${String(i + j + 1).padStart(3, '0')} 000`,
      received_at: c.receivedAt,
      category: 'Housing',
      subcategory: '',
      jurisdiction: 'local-government',
      stage: c.closedAt ? 'closed' : 'investigation',
      decided_at: c.decidedAt,
      closed_at: c.closedAt,
      outcome: c.outcome,
    }))).returning('id').execute();
    chunk.forEach((c, j) => {
      const id = rows[j]?.id ?? -1;
      caseId.set(c.id, id);
      cases.push({ ...c, id, bodyIds: c.bodyIds.map((b) => bodyId.get(b) ?? -1) });
    });
  }
  const links = cases.flatMap((c) => [...new Set(c.bodyIds)].map((body_id) => ({ case_id: c.id, body_id })));
  for (let i = 0; i < links.length; i += CHUNK) await db.insertInto('case_bodies').values(links.slice(i, i + CHUNK)).execute();
  const remedies = data.remedies.map((r) => ({ ...r, caseId: caseId.get(r.caseId) ?? -1 }));
  for (let i = 0; i < remedies.length; i += CHUNK) {
    await db.insertInto('remedies').values(remedies.slice(i, i + CHUNK).map((r) => ({
      case_id: r.caseId, kind: r.kind, due_on: r.dueOn, status: r.status, description_text: r.description,
    }))).execute();
  }
  return { bodies, cases, remedies };
}

// A small, fast, seeded PRNG (mulberry32): the same datasets on every run.
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

const OUTCOMES = [
  'upheld-fault-injustice', 'upheld-fault-no-injustice', 'upheld-remedied-by-body', 'not-upheld',
  'closed-after-initial-enquiries', 'referred-back-for-local-resolution', 'advice-given', 'incomplete-or-invalid',
];
const STATUSES = ['pending', 'complied-on-time', 'complied-late', 'not-complied'];
// Instants near London midnight on the days that matter: plan-year ends and clock changes.
const EDGES = ['2017-03-31T23:00:00Z', '2017-03-31T22:59:59Z', '2018-03-31T23:00:00Z', '2018-03-31T22:30:00Z', '2017-10-29T00:30:00Z', '2018-03-25T00:30:00Z', '2017-12-31T23:59:59Z', '2018-01-01T00:00:00Z'];

function randomDataset(seed: number, size: number): Dataset {
  const r = prng(seed);
  const bodies = Array.from({ length: 6 }, (_, i) => ({ id: i + 1, code: `E0${i % 3}00000${i}` }));
  const start = t('2016-10-01T00:00:00Z').getTime();
  const instant = () => (r.chance(0.1) ? t(r.pick(EDGES)) : new Date(start + r.int(0, 900 * 24 * 60) * 60_000));
  const cases: StatisticsCase[] = [];
  const remedies: Dataset['remedies'] = [];
  for (let id = 1; id <= size; id++) {
    const receivedAt = instant();
    const closed = r.chance(0.7);
    const closedAt = closed ? (r.chance(0.1) ? receivedAt : new Date(receivedAt.getTime() + r.int(0, 400 * 24 * 60) * 60_000)) : null;
    const decidedAt = closedAt && r.chance(0.4) ? new Date(receivedAt.getTime() + Math.floor((closedAt.getTime() - receivedAt.getTime()) * r.next())) : null;
    const bodyIds = r.chance(0.1) ? [r.int(1, 6), r.int(1, 6)] : [r.int(1, 6)];
    cases.push({ id, bodyIds, receivedAt, decidedAt, closedAt, outcome: closedAt ? r.pick(OUTCOMES) : null });
    for (let k = r.int(0, 2); k > 0; k--) {
      const dueOn = addCalendarDays('2017-01-01', r.int(0, 600));
      remedies.push({ caseId: id, kind: r.pick(remedyKinds.values), dueOn: r.chance(0.1) ? r.pick(['2017-04-01', '2018-03-31', '2018-04-01']) : dueOn, status: r.pick(STATUSES), description: r.chance(0.8) ? `Remedy ${id}.${k}` : null });
    }
  }
  return { bodies, cases, remedies };
}

describe.each(testEngines)('body statistics in SQL on %s', (engine) => {
  let database: TestDatabase;
  const deps = () => ({ db: database.db });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database.dispose());
  beforeEach(async () => {
    await sql`truncate remedies, case_bodies, cases, bodies restart identity cascade`.execute(database.db);
  });

  async function expectAgreement(data: Dataset, period: Period) {
    expect(await bodyStatistics(deps(), period), `${period.from}..${period.to}`).toEqual(computeBodyFigures(data.bodies, data.cases, data.remedies, period));
    const details = computeBodyDetails(data.bodies, data.cases, data.remedies, period);
    const [byKind, times] = await Promise.all([countRemediesByKind(database.db, period), timeToDecisionQuartiles(database.db, period)]);
    for (const body of data.bodies) {
      const expected = details.get(body.code);
      expect(byKind.get(body.id) ?? null, `remedies of ${body.code}`).toEqual(Object.values(expected?.remedies_by_kind ?? {}).some((n) => n > 0) ? expected?.remedies_by_kind : null);
      expect(times.get(body.id) ?? null, `time to decision of ${body.code}`).toEqual(expected?.time_to_decision ?? null);
    }
    // Pooled over council types and England: every (case, council) pair's days.
    const typeOfBody = new Map(data.bodies.map((b, i) => [b.id, councilTypeOf(i + 1)]));
    const daysByType = new Map<string, number[]>();
    const england: number[] = [];
    for (const c of data.cases) {
      if (!c.closedAt || c.outcome === 'incomplete-or-invalid') continue;
      const closedOn = londonDate(c.closedAt);
      if (closedOn < period.from || closedOn > period.to) continue;
      for (const bodyId of new Set(c.bodyIds)) {
        const days = daysToDecision(c) as number;
        const type = typeOfBody.get(bodyId) as string;
        daysByType.set(type, [...(daysByType.get(type) ?? []), days]);
        england.push(days);
      }
    }
    const pooled = await councilTimeToDecisionQuartiles(database.db, period);
    expect(pooled.england, 'time to decision in England').toEqual(quartiles(england));
    expect(Object.fromEntries(pooled.byCouncilType), 'time to decision by council type').toEqual(Object.fromEntries([...daysByType].map(([type, days]) => [type, quartiles(days)])));
  }

  it('agrees exactly with the pure definitions on random data, for plan years and arbitrary periods', async () => {
    for (const seed of [1, 2]) {
      await sql`truncate remedies, case_bodies, cases, bodies restart identity cascade`.execute(database.db);
      const data = await insertDataset(database.db, randomDataset(seed, 400));
      const r = prng(seed + 100);
      const periods: Period[] = [planYearPeriod(2016), planYearPeriod(2017), planYearPeriod(2018), { from: '2018-03-25', to: '2018-03-25' }, { from: '2017-10-29', to: '2017-10-29' }];
      for (let i = 0; i < 4; i++) {
        const from = addCalendarDays('2016-10-01', r.int(0, 800));
        periods.push({ from, to: addCalendarDays(from, r.int(0, 200)) });
      }
      for (const period of periods) await expectAgreement(data, period);
    }
  });

  it('counts on London dates: a case received at 00:30 BST on 1 April is in the new plan year', async () => {
    const data = await insertDataset(database.db, {
      bodies: [{ id: 1, code: 'E07000001' }],
      cases: [
        { id: 1, bodyIds: [1], receivedAt: t('2018-03-31T23:30:00Z'), decidedAt: null, closedAt: null, outcome: null },
        { id: 2, bodyIds: [1], receivedAt: t('2018-03-31T22:59:59Z'), decidedAt: null, closedAt: t('2018-03-31T23:00:00Z'), outcome: 'not-upheld' },
      ],
      remedies: [],
    });
    const [y2017] = await bodyStatistics(deps(), planYearPeriod(2017));
    const [y2018] = await bodyStatistics(deps(), planYearPeriod(2018));
    expect([y2017?.received, y2017?.decisions]).toEqual([1, 0]);
    expect([y2018?.received, y2018?.decisions, y2018?.investigations]).toEqual([1, 1, 1]);
    await expectAgreement(data, planYearPeriod(2017));
  });

  it('lists every body, in code order whatever the collation, with nothing in the period as zeros', async () => {
    for (const code of ['e1', 'E2', 'X99CP0001', 'X990', 'a-b', 'A_b']) {
      await database.db.insertInto('bodies').values({ code, name: code, kind: 'other' }).execute();
    }
    const result = await bodyStatistics(deps(), planYearPeriod(2017));
    expect(result.map((f) => f.code)).toEqual(['A_b', 'E2', 'X990', 'X99CP0001', 'a-b', 'e1']);
    expect(result[0]).toEqual({
      code: 'A_b', received: 0, decisions: 0, investigations: 0, upheld: 0,
      upheld_rate: { numerator: 0, denominator: 0, value: null },
      remedied_by_body: { numerator: 0, denominator: 0, value: null },
      compliance: { numerator: 0, denominator: 0, value: null },
    });
  });

  it('publishes only service improvements, procedure reviews and training, with their wording', async () => {
    const data = await insertDataset(database.db, {
      bodies: [{ id: 1, code: 'E07000001' }],
      cases: [{ id: 1, bodyIds: [1], receivedAt: t('2017-05-01T09:00:00Z'), decidedAt: t('2017-08-01T09:00:00Z'), closedAt: null, outcome: 'upheld-fault-injustice' }],
      remedies: [
        { caseId: 1, kind: 'apology', dueOn: '2017-09-01', status: 'pending', description: 'Apologise to Mrs Example for the delay' },
        { caseId: 1, kind: 'financial-payment', dueOn: '2017-09-01', status: 'pending', description: 'Pay Mrs Example £250' },
        { caseId: 1, kind: 'service-improvement', dueOn: '2017-10-01', status: 'pending', description: '  Review how housing applications are acknowledged  ' },
        { caseId: 1, kind: 'training', dueOn: '2017-10-01', status: 'complied-on-time', description: 'Train staff on the allocations policy' },
        { caseId: 1, kind: 'procedure-review', dueOn: '2017-10-01', status: 'pending', description: ' ' },
      ],
    });
    const improvements = await agreedServiceImprovements(database.db, planYearPeriod(2017));
    expect(improvements.get(data.bodies[0]?.id ?? -1)).toEqual([
      { kind: 'service-improvement', description: 'Review how housing applications are acknowledged', decidedOn: '2017-08-01', dueOn: '2017-10-01', status: 'pending', people: [] },
      { kind: 'training', description: 'Train staff on the allocations policy', decidedOn: '2017-08-01', dueOn: '2017-10-01', status: 'complied-on-time', people: [] },
    ]);
    expect((await agreedServiceImprovements(database.db, planYearPeriod(2018))).size).toBe(0);
  });

  it('refuses dates that are not real, and a period that ends before it starts, as invalid input', async () => {
    await expect(bodyStatistics(deps(), { from: '2017-02-30', to: '2017-03-01' })).rejects.toBeInstanceOf(AppError);
    await expect(bodyStatistics(deps(), { from: '2018-01-02', to: '2018-01-01' })).rejects.toMatchObject({ code: 'invalid', fields: { to: expect.any(String) } });
  });

  it('reads from the replica when there is one', async () => {
    const data = await insertDataset(database.db, randomDataset(7, 30));
    const viaReplica = await bodyStatistics({ db: undefined as never, readDb: database.db }, planYearPeriod(2017));
    expect(viaReplica).toEqual(computeBodyFigures(data.bodies, data.cases, data.remedies, planYearPeriod(2017)));
  });
});
