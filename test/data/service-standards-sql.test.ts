import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import {
  aggregateServiceStandards,
  casesAtRisk,
  loadPeriodRecords,
  loadStandardsConfiguration,
  missedAndCounted,
  seedStandardsConfiguration,
  type StandardAggregate,
} from '../../src/data/repositories/service-standards.ts';
import { CalendarHolder, syncBankHolidays } from '../../src/services/bank-holidays.ts';
import { fixedClock } from '../../src/services/clock.ts';
import { AppError } from '../../src/services/errors.ts';
import {
  casesAtRiskToday,
  lastMonths,
  monthlyTrend,
  parsePeriodQuery,
  serviceStandardsReport,
  standardRecords,
  type ReportDeps,
} from '../../src/services/service-standards-report.ts';
import { addCalendarDays, calendarDaysBetween, londonDate, londonMidnight, type IsoDate } from '../../src/domain/london-time.ts';
import {
  computeServiceStandards,
  defaultStandards,
  planQuarter,
  planYear,
  ragStatus,
  standardIds,
  type CallRecord,
  type CaseRecord,
  type Period,
  type StandardId,
  type StandardResult,
  type WrittenContactRecord,
} from '../../src/domain/service-standards.ts';
import type { WorkingDayCalendar } from '../../src/domain/working-days.ts';
import type { Db } from '../../src/data/repositories/cases.ts';

const t = (iso: string): Date => new Date(iso);
const noon = (date: IsoDate): Date => t(`${date}T12:00:00Z`);

interface TestCase extends CaseRecord {
  ownerId?: number | null;
  team?: string;
}

function aCase(reference: string, fields: Partial<TestCase> & { receivedAt: Date }): TestCase {
  return { reference, joint: false, assessmentDecidedAt: null, allocatedAt: null, closedAt: null, outcome: null, ...fields };
}

interface Dataset {
  calls: CallRecord[];
  contacts: WrittenContactRecord[];
  cases: TestCase[];
}

const CHUNK = 500;

/** Batched inserts straight into the tables; contacts take the ids the database gives them. */
async function insertDataset(db: Db, data: Partial<Dataset>): Promise<Dataset> {
  const calls = data.calls ?? [];
  const cases = data.cases ?? [];
  const contacts: WrittenContactRecord[] = [];
  for (let i = 0; i < calls.length; i += CHUNK) {
    await db.insertInto('calls').values(calls.slice(i, i + CHUNK).map((c) => ({
      call_id: String(c.id), presented_at: c.presentedAt, answered_at: c.answeredAt,
    }))).execute();
  }
  const given = data.contacts ?? [];
  for (let i = 0; i < given.length; i += CHUNK) {
    const chunk = given.slice(i, i + CHUNK);
    const ids = await db.insertInto('contacts').values(chunk.map((k) => ({
      channel: k.channel, received_at: k.receivedAt, dealt_with_at: k.dealtWithAt,
    }))).returning('id').execute();
    chunk.forEach((k, j) => contacts.push({ ...k, id: ids[j]?.id ?? -1 }));
  }
  for (let i = 0; i < cases.length; i += CHUNK) {
    await db.insertInto('cases').values(cases.slice(i, i + CHUNK).map((c) => ({
      reference: c.reference,
      received_at: c.receivedAt,
      category: 'housing',
      subcategory: 'allocations',
      jurisdiction: 'local-government',
      stage: c.closedAt !== null ? 'closed' : c.allocatedAt !== null ? 'investigation' : 'assessment',
      team: c.team ?? (c.joint ? 'joint' : 'assessment'),
      owner_id: c.ownerId ?? null,
      joint: c.joint,
      assessment_decided_at: c.assessmentDecidedAt,
      allocated_at: c.allocatedAt,
      closed_at: c.closedAt,
      outcome: c.outcome,
    }))).execute();
  }
  return { calls, contacts, cases };
}

/** The parts of a result the SQL must reproduce exactly. */
function figures(result: StandardResult | StandardAggregate | undefined) {
  if (result === undefined) return undefined;
  return {
    numerator: result.numerator,
    denominator: result.denominator,
    value: result.value,
    ...(result.previous === undefined ? {} : { previous: result.previous }),
    ...(result.lastDay === undefined ? {} : { peakOn: result.peakOn, countOnLastDay: result.countOnLastDay, lastDay: result.lastDay }),
  };
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
type Random = ReturnType<typeof prng>;

describe.each(testEngines)('service standards in SQL on %s', (engine) => {
  let database: TestDatabase;
  let calendar: WorkingDayCalendar;
  let deps: ReportDeps & { clock: ReturnType<typeof fixedClock> };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await syncBankHolidays(database.db);
    const holder = new CalendarHolder(database.db);
    await holder.refresh();
    calendar = holder.get();
    await seedStandardsConfiguration(database.db, defaultStandards);
    deps = { db: database.db, clock: fixedClock(t('2020-06-01T12:00:00Z')), calendar: () => calendar };
  });
  afterAll(async () => database.dispose());
  beforeEach(async () => {
    await sql`truncate calls, contacts, cases, staff_users restart identity cascade`.execute(database.db);
  });

  function pure(data: Dataset, period: Period, now: Date): StandardResult[] {
    return computeServiceStandards({ period, now, calendar, ...data });
  }

  /** Every standard's figures from SQL equal the pure computation's, and returns the pure results. */
  async function expectAgreement(data: Dataset, period: Period, now: Date, context = ''): Promise<StandardResult[]> {
    const reference = pure(data, period, now);
    const aggregates = await aggregateServiceStandards(database.db, { period, now });
    const label = `${context} period ${period.from}..${period.to} now ${now.toISOString()}`;
    expect(Object.fromEntries(standardIds.map((id) => [id, figures(aggregates[id])])), label)
      .toEqual(Object.fromEntries(reference.map((r) => [r.id, figures(r)])));
    return reference;
  }

  function result(results: StandardResult[], id: StandardId): StandardResult {
    const found = results.find((r) => r.id === id);
    if (!found) throw new Error(`no ${id}`);
    return found;
  }

  describe('configuration', () => {
    it('seeds the standards once and reads them back in the domain shape and order', async () => {
      expect(await seedStandardsConfiguration(database.db, defaultStandards)).toBe(0);
      expect(await loadStandardsConfiguration(database.db)).toEqual(defaultStandards);
    });
  });

  describe('hand-worked examples', () => {
    it('counts calls on the London day they were presented, across the clocks going forward', async () => {
      const data = await insertDataset(database.db, {
        calls: [
          { id: 'C1', presentedAt: t('2018-03-25T23:30:00Z'), answeredAt: t('2018-03-25T23:30:10Z') }, // 00:30 BST Monday
          { id: 'C2', presentedAt: t('2018-03-26T09:00:00Z'), answeredAt: t('2018-03-26T09:01:00Z') }, // exactly 60 s
          { id: 'C3', presentedAt: t('2018-03-26T10:00:00Z'), answeredAt: t('2018-03-26T10:01:00.001Z') }, // 60.001 s
          { id: 'C4', presentedAt: t('2018-03-26T11:00:00Z'), answeredAt: null },
          { id: 'C5', presentedAt: t('2018-03-26T23:30:00Z'), answeredAt: t('2018-03-26T23:30:05Z') }, // Tuesday in London
          { id: 'C6', presentedAt: t('2018-03-25T22:59:59Z'), answeredAt: t('2018-03-25T23:00:01Z') }, // Sunday in London
        ],
      });
      const day = { from: '2018-03-26', to: '2018-03-26' };
      const results = await expectAgreement(data, day, t('2018-03-28T12:00:00Z'));
      expect(figures(result(results, 'intake.calls-answered'))).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
      expect(figures(result(results, 'intake.calls-answered-within-60s'))).toEqual({ numerator: 2, denominator: 3, value: 2 / 3 });
      expect(figures(result(results, 'intake.average-answer-seconds'))).toEqual({ numerator: 130.001, denominator: 3, value: 130.001 / 3 });
      // Sunday 25 March 2018 (23 hours long) has C6 alone.
      const sunday = await aggregateServiceStandards(database.db, { period: { from: '2018-03-25', to: '2018-03-25' }, now: t('2018-03-28T12:00:00Z') });
      expect(figures(sunday['intake.average-answer-seconds'])).toEqual({ numerator: 2, denominator: 1, value: 2 });
    });

    it('works out the written contacts due time as addWorkingHours does, including the midnight edge', async () => {
      const contact = (receivedAt: string, dealtWithAt: string | null, channel = 'email'): WrittenContactRecord =>
        ({ id: 0, channel, receivedAt: t(receivedAt), dealtWithAt: dealtWithAt === null ? null : t(dealtWithAt) });
      const data = await insertDataset(database.db, {
        contacts: [
          // Friday 27 October 2017 16:00 BST; the clocks go back on Sunday: due Monday 16:00 GMT.
          contact('2017-10-27T15:00:00Z', '2017-10-30T16:00:00Z'), // exactly on time: met
          contact('2017-10-27T15:00:00Z', '2017-10-30T16:00:00.001Z', 'letter'), // 1 ms late
          contact('2017-10-27T09:00:00Z', null, 'web'), // due Monday 10:00 GMT: missed by noon
          contact('2017-10-27T14:00:00Z', null), // due Monday 15:00 GMT: not yet due at noon, left out
          contact('2017-10-27T10:00:00Z', '2017-11-30T10:00:00Z', 'phone'), // not written
          contact('2017-10-26T23:30:00Z', '2017-10-30T00:30:00Z'), // Friday 00:30 BST: due Monday 00:30 GMT: met
          // Friday 9 March 2018 at exactly 00:00 GMT: the 24 hours end at the following midnight,
          // Saturday 00:00, not Monday 00:00.
          contact('2018-03-09T00:00:00Z', '2018-03-10T00:00:00Z'), // met
          contact('2018-03-09T00:00:00Z', '2018-03-10T00:00:00.001Z'), // missed
          contact('2018-03-09T00:00:00.001Z', '2018-03-12T00:00:00.001Z'), // due Monday 00:00:00.001: met
          // Saturday 24 March 2018 10:00 GMT: due Tuesday 00:00 BST (Monday 23:00 UTC).
          contact('2018-03-24T10:00:00Z', '2018-03-26T23:00:00Z'), // met
          contact('2018-03-24T10:00:00Z', '2018-03-26T23:00:00.001Z'), // missed
          // Sunday 25 March 2018, the clocks going forward: also due Tuesday 00:00 BST.
          contact('2018-03-25T00:30:00Z', '2018-03-26T23:00:00Z'), // met
          // Friday 22 December 2017 16:00 GMT: Christmas and Boxing Day skipped, due Wednesday 16:00.
          contact('2017-12-22T16:00:00Z', '2017-12-27T16:00:00Z'), // met
          contact('2017-12-22T16:00:00Z', '2017-12-27T16:00:01Z'), // missed
        ],
      });
      const friday = { from: '2017-10-27', to: '2017-10-27' };
      const atNoon = await expectAgreement(data, friday, t('2017-10-30T12:00:00Z'));
      expect(figures(result(atNoon, 'intake.written-contacts-within-24h'))).toEqual({ numerator: 2, denominator: 4, value: 0.5 });
      // K4 (due 15:00 GMT) is left out at 15:00 exactly and missed a millisecond later.
      const atDue = await expectAgreement(data, friday, t('2017-10-30T15:00:00Z'));
      expect(result(atDue, 'intake.written-contacts-within-24h').denominator).toBe(4);
      const afterDue = await expectAgreement(data, friday, t('2017-10-30T15:00:00.001Z'));
      expect(figures(result(afterDue, 'intake.written-contacts-within-24h'))).toEqual({ numerator: 2, denominator: 5, value: 0.4 });

      const march = await expectAgreement(data, { from: '2018-03-01', to: '2018-03-31' }, t('2018-06-01T12:00:00Z'));
      expect(figures(result(march, 'intake.written-contacts-within-24h'))).toEqual({ numerator: 4, denominator: 6, value: 4 / 6 });
      const december = await expectAgreement(data, { from: '2017-12-22', to: '2017-12-22' }, t('2018-06-01T12:00:00Z'));
      expect(figures(result(december, 'intake.written-contacts-within-24h'))).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
    });

    const december: Period = { from: '2017-12-01', to: '2017-12-31' };
    const twentyDayCases = [
      aCase('T1', { receivedAt: t('2017-12-15T12:00:00Z'), assessmentDecidedAt: t('2018-01-17T17:00:00Z') }), // due 17 January: met
      aCase('T2', { receivedAt: t('2017-12-15T12:00:00Z'), allocatedAt: t('2018-01-18T09:00:00Z') }), // a day late
      aCase('T3', { receivedAt: t('2017-12-31T23:30:00Z') }), // London 31 December (GMT), due 29 January, nothing yet
      aCase('T4', { receivedAt: t('2017-11-30T23:30:00Z'), assessmentDecidedAt: t('2017-12-01T12:00:00Z') }), // November
      aCase('T5', { receivedAt: t('2017-12-01T00:30:00Z'), assessmentDecidedAt: t('2018-02-01T12:00:00Z'), allocatedAt: t('2017-12-04T12:00:00Z') }),
      aCase('T6', { receivedAt: t('2018-01-01T00:30:00Z'), assessmentDecidedAt: t('2018-01-02T12:00:00Z') }), // January
    ];

    it('decides or allocates within 20 working days over Christmas, counting a case with no milestone once its due date has passed', async () => {
      const data = await insertDataset(database.db, { cases: twentyDayCases });
      const later = await expectAgreement(data, december, t('2018-03-01T12:00:00Z'));
      expect(figures(result(later, 'intake.decided-or-allocated-within-20-working-days'))).toEqual({ numerator: 2, denominator: 4, value: 0.5 });
      // On T3's due date (29 January) it is not missed yet; at London midnight after it, it is.
      const onDue = await expectAgreement(data, december, t('2018-01-29T23:59:59.999Z'));
      expect(figures(result(onDue, 'intake.decided-or-allocated-within-20-working-days'))).toEqual({ numerator: 2, denominator: 3, value: 2 / 3 });
      const dayAfter = await expectAgreement(data, december, t('2018-01-30T00:00:00Z'));
      expect(result(dayAfter, 'intake.decided-or-allocated-within-20-working-days').denominator).toBe(4);
      const january = await expectAgreement(data, { from: '2018-01-01', to: '2018-01-31' }, t('2018-03-01T12:00:00Z'));
      expect(figures(result(january, 'intake.decided-or-allocated-within-20-working-days'))).toEqual({ numerator: 1, denominator: 1, value: 1 });
    });

    it('measures closures in calendar days between London dates and splits them by allocation', async () => {
      const data = await insertDataset(database.db, {
        cases: [
          aCase('W1', { receivedAt: t('2017-10-28T23:30:00Z'), closedAt: t('2018-01-27T12:00:00Z') }), // 90 (received Sunday 00:30 BST)
          aCase('W2', { receivedAt: t('2017-10-28T23:30:00Z'), closedAt: t('2018-01-28T12:00:00Z') }), // 91
          aCase('W3', { receivedAt: t('2017-06-01T12:00:00Z'), closedAt: t('2017-11-30T12:00:00Z') }), // 182
          aCase('W4', { receivedAt: t('2017-01-10T12:00:00Z'), closedAt: t('2018-01-09T12:00:00Z') }), // 364
          aCase('W5', { receivedAt: t('2017-06-01T12:00:00Z'), allocatedAt: t('2017-07-01T12:00:00Z'), closedAt: t('2017-08-30T12:00:00Z') }), // 90
          aCase('W6', { receivedAt: t('2017-03-01T12:00:00Z'), allocatedAt: t('2017-05-01T12:00:00Z'), closedAt: t('2018-02-27T12:00:00Z') }), // 363
          aCase('W7', { receivedAt: t('2018-03-01T12:00:00Z'), closedAt: t('2018-03-31T23:30:00Z') }), // London 1 April 2018
          aCase('W8', { receivedAt: t('2017-03-20T12:00:00Z'), closedAt: t('2017-03-31T23:30:00Z') }), // London 1 April 2017
          aCase('W9', { receivedAt: t('2017-05-01T12:00:00Z') }),
        ],
      });
      const now = t('2018-06-01T12:00:00Z');
      const year = await expectAgreement(data, planYear('2017-04-01'), now);
      expect(figures(result(year, 'assessment.closed-within-13-weeks'))).toEqual({ numerator: 2, denominator: 5, value: 0.4 });
      expect(figures(result(year, 'assessment.closed-within-26-weeks'))).toEqual({ numerator: 3, denominator: 5, value: 0.6 });
      expect(figures(result(year, 'assessment.closed-within-52-weeks'))).toEqual({ numerator: 4, denominator: 5, value: 0.8 });
      expect(figures(result(year, 'investigation.closed-within-13-weeks'))).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
      expect(figures(result(year, 'investigation.closed-within-52-weeks'))).toEqual({ numerator: 2, denominator: 2, value: 1 });
      const next = await expectAgreement(data, planYear('2018-04-01'), now);
      expect(figures(result(next, 'assessment.closed-within-13-weeks'))).toEqual({ numerator: 1, denominator: 1, value: 1 });
    });

    it('finds the peak of investigations over 52 weeks old with a sweep, stopping at London today', async () => {
      const data = await insertDataset(database.db, {
        cases: [
          aCase('O1', { receivedAt: noon('2017-03-01'), allocatedAt: noon('2017-06-01') }),
          aCase('O2', { receivedAt: noon('2017-03-10'), allocatedAt: noon('2017-05-01'), closedAt: noon('2018-03-20') }),
          aCase('O3', { receivedAt: noon('2017-01-01'), allocatedAt: noon('2018-03-15') }),
          aCase('O4', { receivedAt: noon('2017-03-31'), allocatedAt: noon('2017-04-01') }),
          aCase('O5', { receivedAt: noon('2017-03-01') }),
          aCase('O6', { receivedAt: noon('2016-01-01'), allocatedAt: noon('2016-02-01'), closedAt: noon('2018-03-01') }),
          aCase('O7', { receivedAt: noon('2017-03-02'), allocatedAt: noon('2017-04-01'), closedAt: noon('2018-03-02') }),
          aCase('O8', { receivedAt: t('2017-03-26T23:30:00Z'), allocatedAt: noon('2017-05-01'), closedAt: noon('2018-03-28') }),
        ],
      });
      const march = { from: '2018-03-01', to: '2018-03-31' };
      // Counts by day: 1 (1-9 March), 2 (10-14), 3 (15-19), 2 (20-26), 3 (27th), 2 (28-30), 3 (31st).
      const whole = await expectAgreement(data, march, t('2018-06-01T12:00:00Z'));
      expect(figures(result(whole, 'investigation.outstanding-over-52-weeks'))).toEqual({
        numerator: 3, denominator: null, value: 3, peakOn: '2018-03-15', countOnLastDay: 3, lastDay: '2018-03-31',
      });
      // Today in London is 12 March (23:30 UTC on the 11th is still the 11th, GMT).
      const early = await expectAgreement(data, march, t('2018-03-12T00:00:00Z'));
      expect(figures(result(early, 'investigation.outstanding-over-52-weeks'))).toEqual({
        numerator: 2, denominator: null, value: 2, peakOn: '2018-03-10', countOnLastDay: 2, lastDay: '2018-03-12',
      });
      const first = await expectAgreement(data, march, t('2018-03-01T00:00:00Z'));
      expect(figures(result(first, 'investigation.outstanding-over-52-weeks'))).toEqual({
        numerator: 1, denominator: null, value: 1, peakOn: '2018-03-01', countOnLastDay: 1, lastDay: '2018-03-01',
      });
      const before = await expectAgreement(data, march, t('2018-02-28T23:59:59.999Z'));
      expect(figures(result(before, 'investigation.outstanding-over-52-weeks'))).toEqual({
        numerator: null, denominator: null, value: null, peakOn: null, countOnLastDay: null, lastDay: null,
      });
      // A period when none is held: a peak of 0 on the first day.
      const quiet = await expectAgreement(data, { from: '2016-06-01', to: '2016-06-30' }, t('2018-06-01T12:00:00Z'));
      expect(figures(result(quiet, 'investigation.outstanding-over-52-weeks'))).toEqual({
        numerator: 0, denominator: null, value: 0, peakOn: '2016-06-01', countOnLastDay: 0, lastDay: '2016-06-30',
      });
    });

    it('averages joint working days with working_day_number and compares with the previous period', async () => {
      const joint = (reference: string, fields: Partial<TestCase> & { receivedAt: Date }) => aCase(reference, { joint: true, ...fields });
      const data = await insertDataset(database.db, {
        cases: [
          joint('J1', { receivedAt: noon('2018-03-01'), allocatedAt: noon('2018-03-08') }), // 5 working days
          joint('J2', { receivedAt: noon('2018-02-23'), allocatedAt: noon('2018-03-06') }), // 7
          joint('J3', { receivedAt: noon('2018-01-15'), allocatedAt: noon('2018-02-05') }), // 15, previous period
          joint('J4', { receivedAt: noon('2018-01-08'), closedAt: noon('2018-03-06'), outcome: 'not-upheld' }), // 41
          joint('J5', { receivedAt: noon('2018-01-08'), closedAt: noon('2018-03-07') }), // no outcome: not a decision
          joint('J6', { receivedAt: noon('2017-12-18'), closedAt: noon('2018-02-02'), outcome: 'upheld-fault-injustice' }), // 31, previous
          joint('J7', { receivedAt: noon('2018-01-29'), closedAt: noon('2018-02-09'), outcome: 'advice-given' }), // 9, previous
          joint('J8', { receivedAt: noon('2018-03-20'), allocatedAt: t('2018-03-31T23:30:00Z') }), // allocated 1 April in London
          joint('J9', { receivedAt: noon('2018-01-02'), allocatedAt: noon('2018-01-28') }), // before the previous period
          aCase('N1', { receivedAt: noon('2018-03-01'), allocatedAt: noon('2018-03-02'), closedAt: noon('2018-03-05'), outcome: 'not-upheld' }),
        ],
      });
      const march = { from: '2018-03-01', to: '2018-03-31' };
      const previous = { from: '2018-01-29', to: '2018-02-28' };
      const results = await expectAgreement(data, march, t('2018-06-01T12:00:00Z'));
      expect(figures(result(results, 'joint.average-working-days-to-allocate'))).toEqual({
        numerator: 12, denominator: 2, value: 6, previous: { period: previous, numerator: 15, denominator: 1, value: 15 },
      });
      expect(figures(result(results, 'joint.decisions'))).toEqual({
        numerator: 1, denominator: null, value: 1, previous: { period: previous, numerator: 2, denominator: null, value: 2 },
      });
      expect(figures(result(results, 'joint.average-working-days-to-decision'))).toEqual({
        numerator: 41, denominator: 1, value: 41, previous: { period: previous, numerator: 40, denominator: 2, value: 20 },
      });
      await expectAgreement(data, { from: '2018-04-01', to: '2018-04-01' }, t('2018-06-01T12:00:00Z'));
    });

    it('puts a receipt at 23:30 UTC on 31 March 2018 in plan year 2018-19 but one at 23:30 UTC on 31 December in 2017', async () => {
      const data = await insertDataset(database.db, {
        cases: [
          aCase('PY', { receivedAt: t('2018-03-31T23:30:00Z'), allocatedAt: t('2018-04-03T12:00:00Z') }),
          aCase('NY', { receivedAt: t('2017-12-31T23:30:00Z'), allocatedAt: t('2018-01-02T12:00:00Z') }),
        ],
      });
      const now = t('2018-06-01T12:00:00Z');
      const old = await expectAgreement(data, planYear('2017-04-01'), now);
      expect(figures(result(old, 'intake.decided-or-allocated-within-20-working-days'))).toEqual({ numerator: 1, denominator: 1, value: 1 });
      const next = await expectAgreement(data, planYear('2018-04-01'), now);
      expect(figures(result(next, 'intake.decided-or-allocated-within-20-working-days'))).toEqual({ numerator: 1, denominator: 1, value: 1 });
      const day = await aggregateServiceStandards(database.db, { period: { from: '2018-03-31', to: '2018-03-31' }, now });
      expect(day['intake.decided-or-allocated-within-20-working-days']?.denominator).toBe(0);
    });

    it('lists the records behind a figure, missed first, a page at a time', async () => {
      await insertDataset(database.db, { cases: twentyDayCases });
      const options = {
        standardId: 'intake.decided-or-allocated-within-20-working-days' as const, period: december, now: t('2018-03-01T12:00:00Z'), calendar,
      };
      const all = await missedAndCounted(database.db, { ...options, limit: 10, offset: 0 });
      expect([all.total, all.missed]).toEqual([4, 2]);
      expect(all.rows.map((r) => [r.id, r.met, r.value, r.dueOn])).toEqual([
        ['T2', false, 21, '2018-01-17'],
        ['T3', false, null, '2018-01-29'],
        ['T5', true, 1, '2018-01-03'], // Christmas, Boxing Day and New Year's Day skipped,
        ['T1', true, 20, '2018-01-17'],
      ]);
      expect(all.rows[0]).toMatchObject({ kind: 'case', milestone: t('2018-01-18T09:00:00Z'), received: t('2017-12-15T12:00:00Z') });
      expect(all.rows[2]?.milestone).toEqual(t('2017-12-04T12:00:00Z'));
      const page = await missedAndCounted(database.db, { ...options, limit: 2, offset: 1 });
      expect(page.rows.map((r) => r.id)).toEqual(['T3', 'T5']);
      expect(page.total).toBe(4);
      // The service measures it now: on T3's due date T3 is not yet counted.
      deps.clock.set(t('2018-01-29T12:00:00Z'));
      const earlier = await standardRecords(deps, options.standardId, december, { limit: 10, offset: 0 });
      expect(earlier.rows.map((r) => r.id)).toEqual(['T2', 'T5', 'T1']);
    });

    it('finds open cases about to miss 20 working days or a 13, 26 or 52 week mark', async () => {
      const [owner] = await database.db.insertInto('staff_users')
        .values({ email: 'priya@example.org', display_name: 'Priya Shah', password_hash: 'x', roles: ['caseworker'], team: 'investigation' })
        .returning('id').execute();
      await insertDataset(database.db, {
        cases: [
          aCase('R01', { receivedAt: noon('2017-12-15'), ownerId: owner?.id ?? null }), // 20th working day 17 January
          aCase('R02', { receivedAt: noon('2017-12-15'), allocatedAt: noon('2017-12-20') }), // allocated: not at risk of 20 days
          aCase('R03', { receivedAt: noon('2017-12-08') }), // 20th working day 10 January: today
          aCase('R04', { receivedAt: noon('2017-12-07') }), // 9 January: already missed
          aCase('R05', { receivedAt: noon('2017-10-12'), assessmentDecidedAt: noon('2017-10-20') }), // 13 weeks: close by 10 January
          aCase('R06', { receivedAt: noon('2017-10-19'), assessmentDecidedAt: noon('2017-10-20') }), // by 17 January
          aCase('R07', { receivedAt: noon('2017-10-20'), assessmentDecidedAt: noon('2017-10-20') }), // by 18 January: too far off
          aCase('R08', { receivedAt: noon('2017-07-14'), allocatedAt: noon('2017-08-01'), team: 'investigation' }), // 26 weeks: by 11 January
          aCase('R09', { receivedAt: noon('2017-07-14'), allocatedAt: noon('2017-08-01'), closedAt: noon('2017-12-01') }), // closed
          aCase('R10', { receivedAt: noon('2017-01-12'), allocatedAt: noon('2017-02-01') }), // 52 weeks: by 10 January
        ],
      });
      const today = '2018-01-10'; // Wednesday; 5 working days on is Wednesday 17 January
      const risks = await casesAtRisk(database.db, { today, calendar, withinWorkingDays: 5 });
      expect(risks.map((r) => [r.reference, r.standardId, r.mark, r.dueOn])).toEqual([
        ['R03', 'intake.decided-or-allocated-within-20-working-days', '20 working days', '2018-01-10'],
        ['R05', 'assessment.closed-within-13-weeks', '13 weeks', '2018-01-10'],
        ['R10', 'investigation.closed-within-52-weeks', '52 weeks', '2018-01-10'],
        ['R08', 'investigation.closed-within-26-weeks', '26 weeks', '2018-01-11'],
        ['R01', 'intake.decided-or-allocated-within-20-working-days', '20 working days', '2018-01-17'],
        ['R06', 'assessment.closed-within-13-weeks', '13 weeks', '2018-01-17'],
      ]);
      expect(risks[4]).toMatchObject({ ownerName: 'Priya Shah', team: 'assessment', receivedOn: '2017-12-15', stage: 'assessment' });
      expect(risks[3]).toMatchObject({ ownerName: null, team: 'investigation' });
      // The same 20-working-day dates as the calendar gives.
      for (const r of risks.filter((x) => x.mark === '20 working days')) expect(calendar.addWorkingDays(r.receivedOn, 20)).toBe(r.dueOn);
      // From the service, London today: 23:30 UTC on 9 January is still the 9th (GMT), so R04 is due today.
      deps.clock.set(t('2018-01-09T23:30:00Z'));
      expect((await casesAtRiskToday(deps, 0)).map((r) => r.reference)).toEqual(['R04']);
    });
  });

  describe('the report', () => {
    it('judges each figure as the domain does and gives its RAG status', async () => {
      const calls: CallRecord[] = Array.from({ length: 4 }, (_, i) => ({
        id: `A${i}`, presentedAt: new Date(Date.UTC(2018, 2, 26, 9, i)), answeredAt: i < 3 ? new Date(Date.UTC(2018, 2, 26, 9, i, 5)) : null,
      }));
      const data = await insertDataset(database.db, { calls, cases: twentyDayCasesForReport() });
      const period = { from: '2018-03-01', to: '2018-03-31' };
      deps.clock.set(t('2018-06-01T12:00:00Z'));
      const report = await serviceStandardsReport(deps, period);
      expect(report.from).toBe('2018-03-01');
      expect(report.to).toBe('2018-03-31');
      expect(report.standards.map((s) => s.id)).toEqual([...standardIds]);
      expect(report.standards[0]).toMatchObject({
        id: 'intake.calls-answered', description: 'Answer 98% of calls', numerator: 3, denominator: 4, value: 0.75,
        target: 0.98, comparison: 'at-least', met: false, rag: 'red', unit: 'of calls presented',
      });
      expect(report.standards[2]).toMatchObject({ id: 'intake.average-answer-seconds', value: 5, met: true, rag: 'green', unit: 'seconds' });
      const reference = pure(data, period, t('2018-06-01T12:00:00Z'));
      for (const line of report.standards) {
        const r = result(reference, line.id);
        const standard = defaultStandards.find((s) => s.id === line.id);
        expect([line.id, line.met, line.rag]).toEqual([r.id, r.met, standard ? ragStatus(r, standard) : undefined]);
      }

      const trend = await monthlyTrend(deps, 'intake.calls-answered', lastMonths('2018-04-15', 3));
      expect(trend.map((p) => [p.period.from, p.period.to, p.value, p.rag])).toEqual([
        ['2018-02-01', '2018-02-28', null, 'grey'],
        ['2018-03-01', '2018-03-31', 0.75, 'red'],
        ['2018-04-01', '2018-04-30', null, 'grey'],
      ]);
    });

    function twentyDayCasesForReport(): TestCase[] {
      return [
        aCase('X1', { receivedAt: noon('2018-03-01'), assessmentDecidedAt: noon('2018-03-02') }),
        aCase('X2', { receivedAt: noon('2018-03-01'), joint: true, allocatedAt: noon('2018-03-08') }),
      ];
    }

    it('reads a period from a query string, with plain-English errors', () => {
      expect(parsePeriodQuery({}, '2018-02-14')).toEqual({ from: '2017-04-01', to: '2018-03-31' });
      expect(parsePeriodQuery({ preset: 'this-month' }, '2018-02-14')).toEqual({ from: '2018-02-01', to: '2018-02-28' });
      expect(parsePeriodQuery({ preset: 'this-quarter' }, t('2018-03-31T23:30:00Z'))).toEqual({ from: '2018-04-01', to: '2018-06-30' });
      expect(parsePeriodQuery({ from: '2018-03-26', to: '2018-03-26', preset: 'this-month' }, '2018-02-14')).toEqual({ from: '2018-03-26', to: '2018-03-26' });
      const error = (query: Parameters<typeof parsePeriodQuery>[0]) => {
        try {
          parsePeriodQuery(query, '2018-02-14');
        } catch (e) {
          if (e instanceof AppError) return [e.code, e.fields];
          throw e;
        }
        throw new Error('no error');
      };
      expect(error({ preset: 'next-year' })).toEqual(['invalid', { preset: 'Choose this month, this quarter or this plan year' }]);
      expect(error({ from: '2018-03-01' })).toEqual(['invalid', { to: 'Enter an end date' }]);
      expect(error({ from: '2018-02-30', to: 'soon' })).toEqual(['invalid', {
        from: 'Start date must be a real date, for example 2018-04-01',
        to: 'End date must be a real date, for example 2019-03-31',
      }]);
      expect(error({ from: '2018-03-02', to: '2018-03-01' })).toEqual(['invalid', { to: 'End date must be the same as or after the start date' }]);
      expect(error({ from: '1995-01-01', to: '1995-12-31' })[1]).toHaveProperty('from');
      expect(error({ from: '2046-01-01', to: '2046-01-31' })[1]).toEqual({ to: 'End date must be on or before 31 December 2045' });
    });
  });

  describe('agrees with the pure computation on random data', () => {
    const start = '2016-01-01';
    const span = calendarDaysBetween(start, '2019-12-31');
    let specialDays: IsoDate[] = [];

    beforeAll(() => {
      // Bank holidays, the clock changes and plan-year ends, with the days either side.
      const special = new Set<IsoDate>();
      for (let i = 0; i <= span; i++) {
        const d = addCalendarDays(start, i);
        const clockChange = londonMidnight(addCalendarDays(d, 1)).getTime() - londonMidnight(d).getTime() !== 86_400_000;
        if (calendar.holidayName(d) !== undefined || clockChange || d.endsWith('-03-31') || d.endsWith('-04-01')) {
          for (const k of [-1, 0, 1]) special.add(addCalendarDays(d, k));
        }
      }
      specialDays = [...special].sort();
    });

    /** Days either side of the ends of the periods measured, and a year before them. */
    let edgeDays: IsoDate[] = [];
    let periodsMeasured: Period[] = [];

    function dayBetween(r: Random, from: IsoDate, to: IsoDate): IsoDate {
      if (periodsMeasured.length > 0 && r.chance(0.3)) {
        const p = r.pick(periodsMeasured);
        const d = addCalendarDays(p.from, r.int(-30, calendarDaysBetween(p.from, p.to) + 5));
        if (from <= d && d <= to) return d;
      }
      const edges = edgeDays.filter((d) => from <= d && d <= to);
      if (edges.length > 0 && r.chance(0.2)) return r.pick(edges);
      const inRange = specialDays.filter((d) => from <= d && d <= to);
      if (inRange.length > 0 && r.chance(0.3)) return r.pick(inRange);
      return addCalendarDays(from, r.int(0, calendarDaysBetween(from, to)));
    }

    /** An instant on a London date, biased to midnights (London and UTC), 23:30 UTC and ms edges. */
    function instantOn(r: Random, d: IsoDate): Date {
      const midnight = londonMidnight(d).getTime();
      const utc = Date.parse(`${d}T00:00:00Z`);
      switch (r.int(0, 9)) {
        case 0: return new Date(midnight);
        case 1: return new Date(midnight + 1);
        case 2: return new Date(londonMidnight(addCalendarDays(d, 1)).getTime() - 1);
        case 3: return new Date(utc + 23.5 * 3_600_000);
        case 4: return new Date(utc + 23 * 3_600_000);
        case 5: return new Date(utc + 30 * 60_000);
        case 6: return new Date(utc);
        default: return new Date(midnight + r.int(0, 23 * 3_600_000) + r.int(0, 999));
      }
    }

    function after(r: Random, from: Date, minDays: number, maxDays: number): Date {
      const d = addCalendarDays(londonDate(from), r.int(minDays, maxDays));
      return r.chance(0.1) ? new Date(from.getTime() + r.int(0, 3) * 86_400_000) : instantOn(r, d);
    }

    function dataset(r: Random, size: number): Dataset {
      const calls: CallRecord[] = Array.from({ length: Math.round(size * 0.25) }, (_, i) => {
        const presentedAt = instantOn(r, dayBetween(r, '2017-01-01', '2019-12-31'));
        const wait = r.pick([0, 5_000, 59_999, 60_000, 60_001, r.int(0, 600_000), r.int(0, 30_000)]);
        return { id: `call-${i}`, presentedAt, answeredAt: r.chance(0.2) ? null : new Date(presentedAt.getTime() + wait) };
      });
      const contacts: WrittenContactRecord[] = Array.from({ length: Math.round(size * 0.3) }, (_, i) => {
        const receivedAt = instantOn(r, dayBetween(r, '2017-01-01', '2019-12-31'));
        const due = calendar.addWorkingHours(receivedAt, 24).getTime();
        const dealt = r.pick([null, due, due - 1, due + 1, receivedAt.getTime() + r.int(0, 6 * 86_400_000), due + r.int(-3, 3) * 3_600_000]);
        return {
          id: i, channel: r.pick(['email', 'email', 'letter', 'web', 'phone', 'in-person']),
          receivedAt, dealtWithAt: dealt === null ? null : new Date(dealt),
        };
      });
      const cases: TestCase[] = Array.from({ length: Math.round(size * 0.45) }, (_, i) => {
        const receivedAt = instantOn(r, dayBetween(r, '2016-03-01', '2019-12-31'));
        const allocatedAt = r.chance(0.45) ? after(r, receivedAt, -5, 120) : null;
        const closeFrom = allocatedAt ?? receivedAt;
        const edgesAfter = edgeDays.filter((d) => d >= londonDate(closeFrom));
        return aCase(`REF-${String(i).padStart(4, '0')}`, {
          receivedAt,
          joint: r.chance(0.3),
          assessmentDecidedAt: r.chance(0.5) ? after(r, receivedAt, 0, 45) : null,
          allocatedAt,
          closedAt: !r.chance(0.55) ? null
            : r.chance(0.3) ? instantOn(r, addCalendarDays(londonDate(receivedAt), r.pick([90, 91, 181, 182, 363, 364, 365])))
              : edgesAfter.length > 0 && r.chance(0.3) ? instantOn(r, r.pick(edgesAfter))
              : after(r, closeFrom, -10, 500),
          outcome: r.chance(0.6) ? r.pick(['not-upheld', 'upheld-fault-injustice', 'advice-given']) : null,
        });
      });
      // Investigations turning 52 weeks old about the start of a period measured, closed about its ends.
      for (let i = 0; i < 12 && periodsMeasured.length > 0; i++) {
        const p = r.pick(periodsMeasured);
        const receivedAt = instantOn(r, addCalendarDays(p.from, r.int(-367, -363)));
        cases.push(aCase(`EDGE-${i}`, {
          receivedAt,
          joint: r.chance(0.3),
          allocatedAt: instantOn(r, addCalendarDays(londonDate(receivedAt), r.pick([0, 30, 364, 365, 366]))),
          closedAt: r.chance(0.2) ? null : instantOn(r, addCalendarDays(r.pick([p.from, p.to]), r.int(-1, 2))),
          outcome: r.chance(0.5) ? 'not-upheld' : null,
        }));
      }
      return { calls, contacts, cases };
    }

    function periodsFor(r: Random): Period[] {
      const month = dayBetween(r, '2017-01-01', '2019-12-31').slice(0, 7);
      const monthEnd = addCalendarDays(`${addCalendarDays(`${month}-01`, 32).slice(0, 7)}-01`, -1);
      const single = dayBetween(r, '2017-01-01', '2019-12-31');
      return [
        planYear(r.pick(['2017-06-01', '2018-06-01', '2019-02-01'])),
        { from: `${month}-01`, to: monthEnd },
        planQuarter(dayBetween(r, '2017-04-01', '2019-12-31')),
        { from: single, to: single },
      ];
    }

    function nowsFor(r: Random, period: Period, data: Dataset): Date[] {
      const around = dayBetween(r, addCalendarDays(period.from, -3), addCalendarDays(period.to, 40));
      // Exactly at the due instant of a contact not dealt with, or either side of the London
      // midnight that ends the 20th working day of a case with no milestone.
      const boundaries: Date[] = [];
      const inPeriod = (d: Date) => period.from <= londonDate(d) && londonDate(d) <= period.to;
      for (const k of data.contacts) if (k.dealtWithAt === null && inPeriod(k.receivedAt)) boundaries.push(calendar.addWorkingHours(k.receivedAt, 24));
      for (const c of data.cases) {
        if (c.assessmentDecidedAt === null && c.allocatedAt === null && inPeriod(c.receivedAt)) {
          const end = londonMidnight(addCalendarDays(calendar.addWorkingDays(londonDate(c.receivedAt), 20), 1)).getTime();
          boundaries.push(new Date(end - r.int(0, 1)));
        }
      }
      return [
        t('2020-06-01T12:00:00Z'),
        instantOn(r, around),
        r.chance(0.5) ? londonMidnight(period.from) : new Date(londonMidnight(period.from).getTime() - 1),
        ...(boundaries.length > 0 ? [r.pick(boundaries)] : []),
      ];
    }

    const seeds = [11, 22, 33, 44, 55, 66, 77];

    it.each(seeds)('dataset from seed %i', async (seed) => {
      const r = prng(seed);
      edgeDays = [];
      periodsMeasured = [];
      const periods = periodsFor(r);
      periodsMeasured = periods;
      edgeDays = periods.flatMap((p) => [-366, -365, -364, -1, 0, 1].flatMap((k) => [addCalendarDays(p.from, k), addCalendarDays(p.to, k + 1)]));
      const data = await insertDataset(database.db, dataset(r, r.int(150, 300)));
      for (const period of periods) {
        for (const now of nowsFor(r, period, data)) await expectAgreement(data, period, now, `seed ${seed}`);
      }

      // The rows loaded for one period give the pure computation the same results as every row.
      const quarter = periods[2] as Period;
      const now = nowsFor(r, quarter, data)[1] as Date;
      const loaded = await loadPeriodRecords(database.db, quarter);
      // (Members come in the order of the rows given, so both are put in one order.)
      const canonical = (results: StandardResult[]) =>
        results.map((x) => ({ ...x, members: [...(x.members ?? [])].sort((a, b) => String(a.id).localeCompare(String(b.id))) }));
      expect(canonical(computeServiceStandards({ period: quarter, now, calendar, ...loaded }))).toEqual(canonical(pure(data, quarter, now)));

      // The report's judgements and the drill-down's members are the reference ones.
      deps.clock.set(now);
      const report = await serviceStandardsReport(deps, quarter);
      const reference = pure(data, quarter, now);
      for (const line of report.standards) {
        const ref = result(reference, line.id);
        const standard = defaultStandards.find((s) => s.id === line.id);
        expect([line.id, line.value, line.met, line.rag], `seed ${seed}`).toEqual([ref.id, ref.value, ref.met, standard ? ragStatus(ref, standard) : null]);
        const drill = await missedAndCounted(database.db, { standardId: line.id, period: quarter, now, calendar, limit: 10_000, offset: 0 });
        const key = (m: { id: unknown; met: boolean | null; value: number | null }) => `${String(m.id)}|${String(m.met)}|${String(m.value)}`;
        expect(drill.rows.map(key).sort(), `${line.id} seed ${seed}`).toEqual((ref.members ?? []).map(key).sort());
        expect(drill.missed).toBe((ref.members ?? []).filter((m) => m.met === false).length);
      }
      await sql`truncate calls, contacts, cases restart identity cascade`.execute(database.db);
    });
  });
});
