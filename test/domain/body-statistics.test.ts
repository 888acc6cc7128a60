import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeBodyDetails,
  computeBodyFigures,
  daysToDecision,
  groupFigures,
  latestCompletePlanYear,
  needsSmallNumbersCaution,
  noRemedies,
  parsePlanYear,
  percentileCont,
  perTenThousandResidents,
  personalRemedyKinds,
  planYearName,
  planYearOf,
  planYearPeriod,
  quartiles,
  rate,
  serviceImprovementKinds,
  type StatisticsCase,
  type StatisticsRemedy,
} from '../../src/domain/body-statistics.ts';

const t = (iso: string): Date => new Date(iso);
const YEAR_2017 = planYearPeriod(2017);

function aCase(id: number, bodyIds: number[], fields: Partial<StatisticsCase> & { receivedAt: Date }): StatisticsCase {
  return { id, bodyIds, decidedAt: null, closedAt: null, outcome: null, ...fields };
}
const remedy = (caseId: number, dueOn: string, status: string, kind = 'apology'): StatisticsRemedy => ({ caseId, kind, dueOn, status });

const bodies = [
  { id: 1, code: 'E07000001' },
  { id: 2, code: 'E06000002' },
  { id: 3, code: 'E09000003' },
];

describe('body figures, hand-worked', () => {
  // Body 1 (E07000001):
  //   received: cases 1-6 and 9 received in 2017-18 (case 9 at 00:30 BST on 1 April), case 7 on
  //   31 March 2017 (23:30 BST, still March in London) and case 8 in 2016 are not: received 7.
  //   decisions: closed in 2017-18: cases 1-6, and case 8 (received 2016, closed 2017): 7.
  //   investigations: outcomes 1 upheld-fault-injustice, 2 upheld-fault-injustice,
  //   3 upheld-remedied-by-body, 4 not-upheld, 8 upheld-fault-no-injustice: 5;
  //   case 5 closed-after-initial-enquiries and case 6 incomplete-or-invalid are not.
  //   upheld: 1, 2, 3, 8: 4. upheld rate 4/5. remedied by body: case 3: 1/4.
  //   compliance: remedies due in the year and settled: on time (case 1), late (case 2),
  //   not complied (case 2): 2/3. Case 1's second remedy is pending (still within its due date),
  //   case 8's is due on 1 April 2018 (next year): neither counts.
  // Body 2 (E06000002): one case closed after initial enquiries: no investigations.
  // Body 3 (E09000003): nothing at all.
  const cases: StatisticsCase[] = [
    aCase(1, [1], { receivedAt: t('2017-05-01T09:00:00Z'), closedAt: t('2017-09-01T09:00:00Z'), outcome: 'upheld-fault-injustice' }),
    aCase(2, [1], { receivedAt: t('2017-05-02T09:00:00Z'), closedAt: t('2017-10-01T09:00:00Z'), outcome: 'upheld-fault-injustice' }),
    aCase(3, [1], { receivedAt: t('2017-05-03T09:00:00Z'), closedAt: t('2017-11-01T09:00:00Z'), outcome: 'upheld-remedied-by-body' }),
    aCase(4, [1], { receivedAt: t('2017-05-04T09:00:00Z'), closedAt: t('2018-03-31T22:59:00Z'), outcome: 'not-upheld' }),
    aCase(5, [1], { receivedAt: t('2017-05-05T09:00:00Z'), closedAt: t('2017-06-01T09:00:00Z'), outcome: 'closed-after-initial-enquiries' }),
    aCase(6, [1], { receivedAt: t('2017-05-06T09:00:00Z'), closedAt: t('2017-06-02T09:00:00Z'), outcome: 'incomplete-or-invalid' }),
    aCase(7, [1], { receivedAt: t('2017-03-31T22:30:00Z') }),
    aCase(8, [1], { receivedAt: t('2016-12-01T09:00:00Z'), closedAt: t('2017-04-20T09:00:00Z'), outcome: 'upheld-fault-no-injustice' }),
    aCase(9, [1], { receivedAt: t('2017-03-31T23:30:00Z') }),
    aCase(10, [2], { receivedAt: t('2017-06-01T09:00:00Z'), closedAt: t('2017-07-01T09:00:00Z'), outcome: 'closed-after-initial-enquiries' }),
  ];
  const remedies: StatisticsRemedy[] = [
    remedy(1, '2017-10-01', 'complied-on-time'),
    remedy(1, '2018-03-31', 'pending'),
    remedy(2, '2017-11-01', 'complied-late', 'financial-payment'),
    remedy(2, '2017-11-01', 'not-complied', 'service-improvement'),
    remedy(8, '2018-04-01', 'complied-on-time'),
  ];

  it('counts and rates exactly as issue 5 defines them', () => {
    const result = computeBodyFigures(bodies, cases, remedies, YEAR_2017);
    expect(result.map((f) => f.code)).toEqual(['E06000002', 'E07000001', 'E09000003']);
    expect(result[1]).toEqual({
      code: 'E07000001',
      received: 7,
      decisions: 7,
      investigations: 5,
      upheld: 4,
      upheld_rate: { numerator: 4, denominator: 5, value: 0.8 },
      remedied_by_body: { numerator: 1, denominator: 4, value: 0.25 },
      compliance: { numerator: 2, denominator: 3, value: 2 / 3 },
    });
  });

  it('gives a body with no investigations an upheld rate with no value, never 0 or NaN', () => {
    const [body2, , body3] = computeBodyFigures(bodies, cases, remedies, YEAR_2017);
    expect(body2).toEqual({
      code: 'E06000002', received: 1, decisions: 1, investigations: 0, upheld: 0,
      upheld_rate: { numerator: 0, denominator: 0, value: null },
      remedied_by_body: { numerator: 0, denominator: 0, value: null },
      compliance: { numerator: 0, denominator: 0, value: null },
    });
    expect(body3?.received).toBe(0);
    expect(body3?.upheld_rate.value).toBeNull();
  });

  it('leaves out remedies still within their due date until they are settled', () => {
    const pendingOnly = [remedy(1, '2017-10-01', 'pending')];
    expect(computeBodyFigures(bodies, cases, pendingOnly, YEAR_2017)[1]?.compliance).toEqual({ numerator: 0, denominator: 0, value: null });
    const settled = [remedy(1, '2017-10-01', 'complied-late')];
    expect(computeBodyFigures(bodies, cases, settled, YEAR_2017)[1]?.compliance).toEqual({ numerator: 1, denominator: 1, value: 1 });
  });

  it('counts a case about two bodies for each of them', () => {
    const joint = [aCase(1, [1, 2], { receivedAt: t('2017-05-01T09:00:00Z'), closedAt: t('2017-09-01T09:00:00Z'), outcome: 'upheld-fault-injustice' })];
    const result = computeBodyFigures(bodies, joint, [remedy(1, '2017-10-01', 'not-complied')], YEAR_2017);
    for (const code of ['E06000002', 'E07000001']) {
      const f = result.find((r) => r.code === code);
      expect(f?.upheld_rate).toEqual({ numerator: 1, denominator: 1, value: 1 });
      expect(f?.compliance).toEqual({ numerator: 0, denominator: 1, value: 0 });
    }
  });

  it('counts remedies agreed by decision date and times decisions without invalid cases', () => {
    const details = computeBodyDetails(bodies, cases, [...remedies, remedy(5, '2017-07-01', 'pending', 'training')], YEAR_2017).get('E07000001');
    // Apologies: case 1's two (one settled, one pending) and case 8's: case 8 was decided in
    // 2017-18, so its remedy (due next year) was agreed this year. Case 5's training counts too.
    expect(details?.remedies_by_kind).toEqual({ ...noRemedies(), apology: 3, 'financial-payment': 1, 'service-improvement': 1, training: 1 });
    // Days to decision of cases 1, 2, 3, 4, 5, 8 (case 6 is incomplete-or-invalid):
    // 123, 152, 182, 331, 27, 140 -> sorted 27, 123, 140, 152, 182, 331.
    // Positions 1.25, 2.5, 3.75: 123 + 0.25 * 17 = 127.25; (140 + 152) / 2 = 146; 152 + 0.75 * 30 = 174.5.
    expect(details?.time_to_decision).toEqual({ count: 6, lowerQuartile: 127.25, median: 146, upperQuartile: 174.5 });
    expect(computeBodyDetails(bodies, cases, remedies, YEAR_2017).get('E09000003')).toEqual({ remedies_by_kind: noRemedies(), time_to_decision: null });
  });

  it('takes the decision date from decided_at when there is one, as live cases close later after compliance', () => {
    const live = aCase(1, [1], { receivedAt: t('2017-05-01T09:00:00Z'), decidedAt: t('2017-06-01T09:00:00Z'), closedAt: t('2017-09-01T09:00:00Z'), outcome: 'upheld-fault-injustice' });
    expect(daysToDecision(live)).toBe(31);
    expect(daysToDecision({ ...live, decidedAt: null })).toBe(123);
    expect(daysToDecision({ ...live, decidedAt: null, closedAt: null })).toBeNull();
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => computeBodyFigures(bodies, [], [], { from: '2018-01-02', to: '2018-01-01' })).toThrow(RangeError);
    expect(() => computeBodyFigures(bodies, [], [], { from: '2018-02-30', to: '2018-03-01' })).toThrow(RangeError);
  });
});

describe('rates and the small-numbers caution', () => {
  it('has no value over no cases', () => {
    expect(rate(0, 0)).toEqual({ numerator: 0, denominator: 0, value: null });
    expect(rate(3, 4)).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
  });

  it('cautions a rate over fewer than 10 cases, but not one over none or over 10', () => {
    expect(needsSmallNumbersCaution(rate(0, 0))).toBe(false);
    expect(needsSmallNumbersCaution(rate(1, 1))).toBe(true);
    expect(needsSmallNumbersCaution(rate(9, 9))).toBe(true);
    expect(needsSmallNumbersCaution(rate(5, 10))).toBe(false);
  });
});

describe('quartiles', () => {
  it('interpolates between the closest ranks, as percentile_cont does', () => {
    expect(quartiles([4, 1, 3, 2])).toEqual({ count: 4, lowerQuartile: 1.75, median: 2.5, upperQuartile: 3.25 });
    expect(quartiles([7])).toEqual({ count: 1, lowerQuartile: 7, median: 7, upperQuartile: 7 });
    expect(quartiles([1, 2, 3, 4, 100])).toEqual({ count: 5, lowerQuartile: 2, median: 3, upperQuartile: 4 });
    expect(quartiles([])).toBeNull();
  });

  it('keeps lower quartile <= median <= upper quartile, within the values', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 }), (values) => {
      const q = quartiles(values);
      expect(q).not.toBeNull();
      if (!q) return;
      expect(Math.min(...values)).toBeLessThanOrEqual(q.lowerQuartile);
      expect(q.lowerQuartile).toBeLessThanOrEqual(q.median);
      expect(q.median).toBeLessThanOrEqual(q.upperQuartile);
      expect(q.upperQuartile).toBeLessThanOrEqual(Math.max(...values));
    }));
  });

  it('refuses no values or a fraction outside 0..1', () => {
    expect(() => percentileCont([], 0.5)).toThrow(RangeError);
    expect(() => percentileCont([1], 1.5)).toThrow(RangeError);
  });
});

describe('plan years', () => {
  it('runs 1 April to 31 March, named by its first year', () => {
    expect(planYearPeriod(2017)).toEqual({ from: '2017-04-01', to: '2018-03-31' });
    expect(planYearName(2017)).toBe('2017-18');
    expect(planYearName(1999)).toBe('1999-00');
    expect(planYearOf('2018-03-31')).toBe(2017);
    expect(planYearOf('2018-04-01')).toBe(2018);
    // 23:30 UTC on 31 March 2018 is 00:30 BST on 1 April in London.
    expect(planYearOf(t('2018-03-31T23:30:00Z'))).toBe(2018);
    expect(latestCompletePlanYear('2018-04-01')).toBe(2017);
    expect(latestCompletePlanYear('2018-03-31')).toBe(2016);
  });

  it('reads a plan year from a query string or says it is none', () => {
    expect(parsePlanYear('2017')).toBe(2017);
    for (const text of ['17', '2017-18', '', 'abcd', undefined, ['2017']]) expect(parsePlanYear(text)).toBeNull();
  });
});

describe('comparisons', () => {
  it('pools rates (sums of numerators over sums of denominators) rather than averaging them', () => {
    const [body2, body1] = computeBodyFigures(bodies, [
      aCase(1, [1], { receivedAt: t('2017-05-01T09:00:00Z'), closedAt: t('2017-09-01T09:00:00Z'), outcome: 'upheld-fault-injustice' }),
      aCase(2, [1], { receivedAt: t('2017-05-01T09:00:00Z'), closedAt: t('2017-09-01T09:00:00Z'), outcome: 'not-upheld' }),
      aCase(3, [2], { receivedAt: t('2017-05-01T09:00:00Z'), closedAt: t('2017-09-01T09:00:00Z'), outcome: 'upheld-fault-injustice' }),
    ], [], YEAR_2017);
    // Body 1: 1 of 2 upheld (50%); body 2: 1 of 1 (100%). Pooled: 2 of 3, not the average 75%.
    const group = groupFigures([body1!, body2!]);
    expect(group.upheld_rate).toEqual({ numerator: 2, denominator: 3, value: 2 / 3 });
    expect(group.bodies).toBe(2);
    expect(group.received).toBe(3);
    expect(group.average_received).toBe(1.5);
    expect(groupFigures([]).average_received).toBeNull();
    // Per 10,000 residents over the bodies whose population is known: body 1's 2 cases over 100,000.
    expect(groupFigures([{ ...body1!, population: 100_000 }, { ...body2!, population: null }]).received_per_10000_residents).toBe(0.2);
    expect(groupFigures([body1!, body2!]).received_per_10000_residents).toBeNull();
  });

  it('works out complaints per 10,000 residents only when the population is known', () => {
    expect(perTenThousandResidents(25, 100_000)).toBe(2.5);
    expect(perTenThousandResidents(25, null)).toBeNull();
    expect(perTenThousandResidents(25, 0)).toBeNull();
  });

  it('publishes the wording of service improvements only, never of personal remedies', () => {
    expect([...serviceImprovementKinds].sort()).toEqual(['procedure-review', 'service-improvement', 'training']);
    expect([...personalRemedyKinds].sort()).toEqual(['apology', 'financial-payment', 'other']);
  });
});

describe('properties', () => {
  const outcomes = ['upheld-fault-injustice', 'upheld-fault-no-injustice', 'upheld-remedied-by-body', 'not-upheld', 'closed-after-initial-enquiries', 'incomplete-or-invalid'];
  const day = fc.integer({ min: 0, max: 900 }).map((n) => new Date(Date.UTC(2016, 11, 1) + n * 86_400_000 + 11 * 3_600_000));
  const arbitraryCase = fc.record({
    bodyIds: fc.uniqueArray(fc.constantFrom(1, 2, 3), { minLength: 1, maxLength: 2 }),
    receivedAt: day,
    closeAfter: fc.option(fc.integer({ min: 0, max: 400 })),
    outcome: fc.constantFrom(...outcomes),
  });
  it('never counts more upheld than investigated, nor more investigated than decided', () => {
    fc.assert(fc.property(fc.array(arbitraryCase, { maxLength: 40 }), (drafts) => {
      const cases = drafts.map((d, i) => aCase(i + 1, d.bodyIds, {
        receivedAt: d.receivedAt,
        closedAt: d.closeAfter === null ? null : new Date(d.receivedAt.getTime() + d.closeAfter * 86_400_000),
        outcome: d.closeAfter === null ? null : d.outcome,
      }));
      for (const f of computeBodyFigures(bodies, cases, [], YEAR_2017)) {
        expect(f.upheld).toBeLessThanOrEqual(f.investigations);
        expect(f.investigations).toBeLessThanOrEqual(f.decisions);
        expect(f.upheld_rate.value === null).toBe(f.investigations === 0);
        expect(f.remedied_by_body.numerator).toBeLessThanOrEqual(f.upheld);
      }
    }));
  });
});
