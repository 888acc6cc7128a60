import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, calendarDaysBetween, londonDate } from '../../src/domain/london-time.ts';
import {
  computeServiceStandards,
  defaultStandards,
  evaluateCall,
  evaluateClosedWithinWeeks,
  evaluateJointAllocation,
  evaluateJointDecision,
  evaluateTwentyWorkingDays,
  evaluateWrittenContact,
  isInPeriod,
  outstandingOverFiftyTwoWeeks,
  overFiftyTwoWeeksSpan,
  periodPresets,
  planQuarter,
  planYear,
  planYearLabel,
  previousPeriod,
  ragStatus,
  standardIds,
  type CallRecord,
  type CaseRecord,
  type Period,
  type ServiceStandard,
  type ServiceStandardsInput,
  type StandardId,
  type StandardResult,
  type WrittenContactRecord,
} from '../../src/domain/service-standards.ts';
import { defaultCalendar } from '../../src/domain/working-days.ts';

const calendar = defaultCalendar();
const t = (iso: string): Date => new Date(iso);

function standard(id: StandardId): ServiceStandard {
  const found = defaultStandards.find((s) => s.id === id);
  if (!found) throw new Error(`no standard ${id}`);
  return found;
}

type Partly = Partial<Omit<ServiceStandardsInput, 'period' | 'now'>> & Pick<ServiceStandardsInput, 'period' | 'now'>;

function compute(id: StandardId, input: Partly): StandardResult {
  const results = computeServiceStandards({ calendar, calls: [], contacts: [], cases: [], ...input, standards: [standard(id)] });
  expect(results).toHaveLength(1);
  const [result] = results;
  if (!result) throw new Error('no result');
  return result;
}

function rag(id: StandardId, input: Partly): ReturnType<typeof ragStatus> {
  return ragStatus(compute(id, input), standard(id));
}

function aCase(reference: string, fields: Partial<CaseRecord> & { receivedAt: Date }): CaseRecord {
  return { reference, joint: false, assessmentDecidedAt: null, allocatedAt: null, closedAt: null, outcome: null, ...fields };
}

const march2018: Period = { from: '2018-03-01', to: '2018-03-31' };
const planYear2017: Period = { from: '2017-04-01', to: '2018-03-31' };
const afterEverything = t('2018-06-01T12:00:00Z');

describe('the standards', () => {
  it('has exactly the 2017-18 business plan ids, measures, targets and comparisons', () => {
    expect(defaultStandards.map((s) => s.id)).toEqual([...standardIds]);
    expect(Object.fromEntries(defaultStandards.map((s) => [s.id, [s.measure, s.target, s.comparison, s.betterWhen]]))).toEqual({
      'intake.calls-answered': ['share', 0.98, 'at-least', undefined],
      'intake.calls-answered-within-60s': ['share', 0.95, 'at-least', undefined],
      'intake.average-answer-seconds': ['mean-seconds', 20, 'at-most', undefined],
      'intake.written-contacts-within-24h': ['share', 0.99, 'at-least', undefined],
      'intake.decided-or-allocated-within-20-working-days': ['share', 0.8, 'at-least', undefined],
      'assessment.closed-within-13-weeks': ['share', 0.65, 'at-least', undefined],
      'assessment.closed-within-26-weeks': ['share', 0.85, 'at-least', undefined],
      'assessment.closed-within-52-weeks': ['share', 0.99, 'at-least', undefined],
      'investigation.closed-within-13-weeks': ['share', 0.65, 'at-least', undefined],
      'investigation.closed-within-26-weeks': ['share', 0.85, 'at-least', undefined],
      'investigation.closed-within-52-weeks': ['share', 0.99, 'at-least', undefined],
      'investigation.outstanding-over-52-weeks': ['peak-count', 60, 'at-most', undefined],
      'joint.average-working-days-to-allocate': ['mean-working-days', 0, 'improves', 'lower'],
      'joint.decisions': ['count', 0, 'improves', 'higher'],
      'joint.average-working-days-to-decision': ['mean-working-days', 0, 'improves', 'lower'],
    });
    for (const s of defaultStandards) {
      expect(s.description.length, s.id).toBeGreaterThan(10);
      expect(s.unit.length, s.id).toBeGreaterThan(3);
    }
  });
});

describe('periods', () => {
  it('includes both ends of a period', () => {
    expect(isInPeriod('2018-03-01', march2018)).toBe(true);
    expect(isInPeriod('2018-03-31', march2018)).toBe(true);
    expect(isInPeriod('2018-02-28', march2018)).toBe(false);
    expect(isInPeriod('2018-04-01', march2018)).toBe(false);
  });

  it('previousPeriod is the same number of days immediately before', () => {
    expect(previousPeriod(march2018)).toEqual({ from: '2018-01-29', to: '2018-02-28' });
    expect(previousPeriod({ from: '2018-03-26', to: '2018-03-26' })).toEqual({ from: '2018-03-25', to: '2018-03-25' });
    expect(previousPeriod(planYear2017)).toEqual({ from: '2016-04-01', to: '2017-03-31' });
    // 2016-17 has 365 days too, but 2015-16 had 366 (29 February 2016): the same-length period starts a day later.
    expect(previousPeriod({ from: '2016-04-01', to: '2017-03-31' })).toEqual({ from: '2015-04-02', to: '2016-03-31' });
    expect(() => previousPeriod({ from: '2018-03-02', to: '2018-03-01' })).toThrow(RangeError);
  });

  it('planYear runs 1 April to 31 March, taking a Date as its London date', () => {
    expect(planYear('2018-03-31')).toEqual(planYear2017);
    expect(planYear('2017-04-01')).toEqual(planYear2017);
    expect(planYear('2018-04-01')).toEqual({ from: '2018-04-01', to: '2019-03-31' });
    expect(planYear('2017-03-31')).toEqual({ from: '2016-04-01', to: '2017-03-31' });
    // 23:30 UTC, but BST began on 25 March: 00:30 on 1 April in London.
    expect(planYear(t('2018-03-31T23:30:00Z'))).toEqual({ from: '2018-04-01', to: '2019-03-31' });
    // GMT in winter: stays 31 December.
    expect(planYear(t('2017-12-31T23:30:00Z'))).toEqual(planYear2017);
    expect(planYearLabel('2018-03-31')).toBe('2017-18');
    expect(planYearLabel(t('2018-03-31T23:30:00Z'))).toBe('2018-19');
    expect(planYearLabel('2099-06-01')).toBe('2099-00');
    expect(() => planYear('2018-02-30')).toThrow(RangeError);
  });

  it('planQuarter is April-June, July-September, October-December, January-March', () => {
    expect(planQuarter('2018-04-01')).toEqual({ from: '2018-04-01', to: '2018-06-30' });
    expect(planQuarter('2017-09-30')).toEqual({ from: '2017-07-01', to: '2017-09-30' });
    expect(planQuarter('2017-10-29')).toEqual({ from: '2017-10-01', to: '2017-12-31' });
    expect(planQuarter('2020-02-29')).toEqual({ from: '2020-01-01', to: '2020-03-31' });
  });

  it('periodPresets gives this whole month, plan quarter and plan year', () => {
    expect(periodPresets('2018-02-14')).toEqual([
      { id: 'this-month', label: 'February 2018', period: { from: '2018-02-01', to: '2018-02-28' } },
      { id: 'this-quarter', label: 'Quarter 4 2017-18 (January 2018 to March 2018)', period: { from: '2018-01-01', to: '2018-03-31' } },
      { id: 'this-plan-year', label: 'Plan year 2017-18', period: planYear2017 },
    ]);
    expect(periodPresets(t('2018-03-31T23:30:00Z'))).toEqual([
      { id: 'this-month', label: 'April 2018', period: { from: '2018-04-01', to: '2018-04-30' } },
      { id: 'this-quarter', label: 'Quarter 1 2018-19 (April 2018 to June 2018)', period: { from: '2018-04-01', to: '2018-06-30' } },
      { id: 'this-plan-year', label: 'Plan year 2018-19', period: { from: '2018-04-01', to: '2019-03-31' } },
    ]);
    expect(periodPresets(t('2017-12-31T23:30:00Z'))).toEqual([
      { id: 'this-month', label: 'December 2017', period: { from: '2017-12-01', to: '2017-12-31' } },
      { id: 'this-quarter', label: 'Quarter 3 2017-18 (October 2017 to December 2017)', period: { from: '2017-10-01', to: '2017-12-31' } },
      { id: 'this-plan-year', label: 'Plan year 2017-18', period: planYear2017 },
    ]);
    expect(periodPresets('2020-02-10')[0]?.period).toEqual({ from: '2020-02-01', to: '2020-02-29' });
    expect(periodPresets('2017-08-31')[1]?.label).toBe('Quarter 2 2017-18 (July 2017 to September 2017)');
  });
});

describe('calls', () => {
  const day: Period = { from: '2018-03-26', to: '2018-03-26' }; // the Monday after the clocks went forward
  const calls: CallRecord[] = [
    { id: 'C1', presentedAt: t('2018-03-25T23:30:00Z'), answeredAt: t('2018-03-25T23:30:10Z') }, // 00:30 BST Monday
    { id: 'C2', presentedAt: t('2018-03-26T09:00:00Z'), answeredAt: t('2018-03-26T09:01:00Z') }, // exactly 60 s
    { id: 'C3', presentedAt: t('2018-03-26T10:00:00Z'), answeredAt: t('2018-03-26T10:01:00.001Z') }, // 60.001 s
    { id: 'C4', presentedAt: t('2018-03-26T11:00:00Z'), answeredAt: null },
    { id: 'C5', presentedAt: t('2018-03-26T23:30:00Z'), answeredAt: t('2018-03-26T23:30:05Z') }, // 00:30 BST Tuesday
    { id: 'C6', presentedAt: t('2018-03-25T22:59:59Z'), answeredAt: t('2018-03-25T23:00:01Z') }, // 23:59:59 BST Sunday
  ];

  it('evaluates one call', () => {
    expect(evaluateCall(calls[0] as CallRecord)).toEqual({ countsOn: '2018-03-26', answered: true, waitSeconds: 10, answeredWithin60Seconds: true });
    expect(evaluateCall(calls[2] as CallRecord)).toEqual({ countsOn: '2018-03-26', answered: true, waitSeconds: 60.001, answeredWithin60Seconds: false });
    expect(evaluateCall(calls[3] as CallRecord)).toEqual({ countsOn: '2018-03-26', answered: false, waitSeconds: null, answeredWithin60Seconds: false });
    expect(evaluateCall(calls[4] as CallRecord).countsOn).toBe('2018-03-27');
    expect(evaluateCall(calls[5] as CallRecord).countsOn).toBe('2018-03-25');
  });

  it('counts calls in the London day they were presented', () => {
    const now = t('2018-03-28T12:00:00Z');
    expect(compute('intake.calls-answered', { period: day, now, calls })).toEqual({
      id: 'intake.calls-answered',
      period: day,
      numerator: 3,
      denominator: 4,
      value: 0.75,
      target: 0.98,
      met: false,
      members: [
        { id: 'C1', met: true, value: 10 },
        { id: 'C2', met: true, value: 60 },
        { id: 'C3', met: true, value: 60.001 },
        { id: 'C4', met: false, value: null },
      ],
    });
    expect(compute('intake.calls-answered-within-60s', { period: day, now, calls })).toEqual({
      id: 'intake.calls-answered-within-60s',
      period: day,
      numerator: 2,
      denominator: 3,
      value: 2 / 3,
      target: 0.95,
      met: false,
      members: [
        { id: 'C1', met: true, value: 10 },
        { id: 'C2', met: true, value: 60 },
        { id: 'C3', met: false, value: 60.001 },
      ],
    });
    expect(compute('intake.average-answer-seconds', { period: day, now, calls })).toEqual({
      id: 'intake.average-answer-seconds',
      period: day,
      numerator: 130.001,
      denominator: 3,
      value: 130.001 / 3,
      target: 20,
      met: false,
      members: [
        { id: 'C1', met: null, value: 10 },
        { id: 'C2', met: null, value: 60 },
        { id: 'C3', met: null, value: 60.001 },
      ],
    });
  });

  it('gives no value when nothing was presented or answered', () => {
    const now = t('2018-03-28T12:00:00Z');
    const unanswered: CallRecord[] = [{ id: 1, presentedAt: t('2018-03-26T10:00:00Z'), answeredAt: null }];
    expect(compute('intake.calls-answered', { period: day, now, calls: unanswered })).toMatchObject({ numerator: 0, denominator: 1, value: 0, met: false });
    expect(compute('intake.calls-answered-within-60s', { period: day, now, calls: unanswered })).toMatchObject({ numerator: 0, denominator: 0, value: null, met: null });
    expect(compute('intake.average-answer-seconds', { period: day, now, calls: unanswered })).toMatchObject({ numerator: 0, denominator: 0, value: null, met: null });
  });
});

function callsAnswered(answered: number, total: number): CallRecord[] {
  return Array.from({ length: total }, (_, i) => {
    const presentedAt = new Date(Date.UTC(2018, 2, 26, 9, i));
    return { id: i, presentedAt, answeredAt: i < answered ? new Date(presentedAt.getTime() + 5_000) : null };
  });
}

function callsWaiting(waitsMs: number[]): CallRecord[] {
  return waitsMs.map((wait, i) => {
    const presentedAt = new Date(Date.UTC(2018, 2, 26, 9, i));
    return { id: i, presentedAt, answeredAt: new Date(presentedAt.getTime() + wait) };
  });
}

describe('written contacts', () => {
  const calendarNow = t('2017-10-30T12:00:00Z');

  it('is due 24 working hours after receipt on the London wall clock', () => {
    const due = (receivedAt: string) => evaluateWrittenContact({ id: 1, channel: 'email', receivedAt: t(receivedAt), dealtWithAt: null }, calendar, calendarNow).due.toISOString();
    // Friday 16:00 BST; the clocks go back on Sunday 29 October: Monday 16:00 GMT.
    expect(due('2017-10-27T15:00:00Z')).toBe('2017-10-30T16:00:00.000Z');
    // Saturday 10:00 GMT, clocks go forward on Sunday 25 March: Tuesday 00:00 BST.
    expect(due('2018-03-24T10:00:00Z')).toBe('2018-03-26T23:00:00.000Z');
    // Monday 09:00 BST: Tuesday 09:00 BST.
    expect(due('2018-03-26T08:00:00Z')).toBe('2018-03-27T08:00:00.000Z');
    // Friday 22 December 2017 16:00 GMT: Christmas Day and Boxing Day skipped, Wednesday 16:00.
    expect(due('2017-12-22T16:00:00Z')).toBe('2017-12-27T16:00:00.000Z');
    // Thursday 29 March 2018 12:00 BST: Good Friday and Easter Monday skipped, Tuesday 12:00 BST.
    expect(due('2018-03-29T11:00:00Z')).toBe('2018-04-03T11:00:00.000Z');
  });

  const contacts: WrittenContactRecord[] = [
    { id: 'K1', channel: 'email', receivedAt: t('2017-10-27T15:00:00Z'), dealtWithAt: t('2017-10-30T16:00:00Z') }, // exactly on time
    { id: 'K2', channel: 'letter', receivedAt: t('2017-10-27T15:00:00Z'), dealtWithAt: t('2017-10-30T16:00:00.001Z') }, // 1 ms late
    { id: 'K3', channel: 'web', receivedAt: t('2017-10-27T09:00:00Z'), dealtWithAt: null }, // due 10:00 GMT Monday: missed by noon
    { id: 'K4', channel: 'email', receivedAt: t('2017-10-27T14:00:00Z'), dealtWithAt: null }, // due 15:00 GMT Monday: not yet
    { id: 'K5', channel: 'phone', receivedAt: t('2017-10-27T10:00:00Z'), dealtWithAt: t('2017-11-30T10:00:00Z') },
    { id: 'K6', channel: 'in-person', receivedAt: t('2017-10-27T10:00:00Z'), dealtWithAt: null },
    { id: 'K7', channel: 'email', receivedAt: t('2017-10-26T23:30:00Z'), dealtWithAt: t('2017-10-30T00:30:00Z') }, // Friday 00:30 BST
    { id: 'K8', channel: 'email', receivedAt: t('2017-10-27T23:30:00Z'), dealtWithAt: t('2017-10-28T00:00:00Z') }, // Saturday 00:30 BST
  ];
  const friday: Period = { from: '2017-10-27', to: '2017-10-27' };

  it('evaluates one contact', () => {
    expect(evaluateWrittenContact(contacts[0] as WrittenContactRecord, calendar, calendarNow)).toEqual({
      countsOn: '2017-10-27', written: true, due: t('2017-10-30T16:00:00Z'), counted: true, met: true,
    });
    expect(evaluateWrittenContact(contacts[1] as WrittenContactRecord, calendar, calendarNow)).toMatchObject({ counted: true, met: false });
    expect(evaluateWrittenContact(contacts[3] as WrittenContactRecord, calendar, calendarNow)).toEqual({
      countsOn: '2017-10-27', written: true, due: t('2017-10-30T15:00:00Z'), counted: false, met: false,
    });
    expect(evaluateWrittenContact(contacts[4] as WrittenContactRecord, calendar, calendarNow)).toMatchObject({ written: false, counted: false, met: false });
    expect(evaluateWrittenContact(contacts[7] as WrittenContactRecord, calendar, calendarNow).countsOn).toBe('2017-10-28');
  });

  it('leaves out a contact not dealt with until its due time has passed', () => {
    const k4 = contacts[3] as WrittenContactRecord;
    expect(evaluateWrittenContact(k4, calendar, t('2017-10-30T15:00:00Z'))).toMatchObject({ counted: false, met: false });
    expect(evaluateWrittenContact(k4, calendar, t('2017-10-30T15:00:00.001Z'))).toMatchObject({ counted: true, met: false });
  });

  it('shares out written contacts received in the period', () => {
    expect(compute('intake.written-contacts-within-24h', { period: friday, now: calendarNow, contacts })).toEqual({
      id: 'intake.written-contacts-within-24h',
      period: friday,
      numerator: 2,
      denominator: 4,
      value: 0.5,
      target: 0.99,
      met: false,
      members: [
        { id: 'K1', met: true, value: null },
        { id: 'K2', met: false, value: null },
        { id: 'K3', met: false, value: null },
        { id: 'K7', met: true, value: null },
      ],
    });
    // Later, K4 is overdue too.
    expect(compute('intake.written-contacts-within-24h', { period: friday, now: t('2017-10-31T12:00:00Z'), contacts })).toMatchObject({
      numerator: 2, denominator: 5,
    });
  });
});

describe('decided or allocated within 20 working days', () => {
  const received = (receivedAt: string) => aCase('X', { receivedAt: t(receivedAt) });
  const now = t('2019-01-01T12:00:00Z');

  it('is due on the 20th working day after the London date of receipt', () => {
    const dueOn = (receivedAt: string) => evaluateTwentyWorkingDays(received(receivedAt), calendar, now).dueOn;
    expect(dueOn('2017-12-15T12:00:00Z')).toBe('2018-01-17'); // Christmas, Boxing Day, New Year's Day skipped
    expect(dueOn('2018-03-29T12:00:00Z')).toBe('2018-04-30'); // Good Friday and Easter Monday skipped
    expect(dueOn('2018-01-13T10:00:00Z')).toBe('2018-02-09'); // Saturday: the first working day is Monday
    expect(dueOn('2018-01-12T10:00:00Z')).toBe('2018-02-09'); // the Friday before: the same
    expect(dueOn('2018-01-15T10:00:00Z')).toBe('2018-02-12'); // the Monday after
    expect(dueOn('2018-03-24T12:00:00Z')).toBe('2018-04-24'); // Saturday before the clocks went forward
    expect(dueOn('2018-03-25T23:30:00Z')).toBe('2018-04-25'); // 00:30 BST Monday 26 March
    expect(dueOn('2017-12-31T23:30:00Z')).toBe('2018-01-29'); // 23:30 GMT Sunday 31 December
  });

  it('takes the earlier milestone and its London date', () => {
    expect(evaluateTwentyWorkingDays(
      aCase('A', { receivedAt: t('2017-12-15T12:00:00Z'), assessmentDecidedAt: t('2018-01-17T23:30:00Z') }), calendar, now,
    )).toEqual({ countsOn: '2017-12-15', counted: true, met: true, dueOn: '2018-01-17', milestoneOn: '2018-01-17', workingDaysTaken: 20 });
    expect(evaluateTwentyWorkingDays(
      aCase('B', { receivedAt: t('2017-12-15T12:00:00Z'), allocatedAt: t('2018-01-18T00:00:00Z') }), calendar, now,
    )).toEqual({ countsOn: '2017-12-15', counted: true, met: false, dueOn: '2018-01-17', milestoneOn: '2018-01-18', workingDaysTaken: 21 });
    expect(evaluateTwentyWorkingDays(
      aCase('C', { receivedAt: t('2017-12-15T12:00:00Z'), assessmentDecidedAt: t('2018-02-01T12:00:00Z'), allocatedAt: t('2018-01-10T12:00:00Z') }), calendar, now,
    )).toMatchObject({ met: true, milestoneOn: '2018-01-10' });
    expect(evaluateTwentyWorkingDays(
      aCase('D', { receivedAt: t('2017-12-15T12:00:00Z'), assessmentDecidedAt: t('2018-01-16T12:00:00Z'), allocatedAt: t('2018-01-19T12:00:00Z') }), calendar, now,
    )).toMatchObject({ met: true, milestoneOn: '2018-01-16' });
    // Received 00:30 BST Monday: due 25 April. 23:30 GMT on the 25th is already the 26th in London.
    const bst = { receivedAt: t('2018-03-25T23:30:00Z') };
    expect(evaluateTwentyWorkingDays(aCase('E', { ...bst, assessmentDecidedAt: t('2018-04-25T12:00:00Z') }), calendar, now).met).toBe(true);
    expect(evaluateTwentyWorkingDays(aCase('F', { ...bst, assessmentDecidedAt: t('2018-04-25T23:30:00Z') }), calendar, now))
      .toMatchObject({ met: false, milestoneOn: '2018-04-26' });
  });

  it('leaves out a case with no milestone until its 20th working day has passed in London', () => {
    const c = aCase('G', { receivedAt: t('2018-03-25T23:30:00Z') }); // due 2018-04-25
    expect(evaluateTwentyWorkingDays(c, calendar, t('2018-04-25T22:59:59Z'))).toEqual({
      countsOn: '2018-03-26', counted: false, met: false, dueOn: '2018-04-25', milestoneOn: null, workingDaysTaken: null,
    });
    expect(evaluateTwentyWorkingDays(c, calendar, t('2018-04-25T23:00:00Z'))).toMatchObject({ counted: true, met: false });
    const winter = aCase('H', { receivedAt: t('2017-12-15T12:00:00Z') }); // due 2018-01-17, GMT
    expect(evaluateTwentyWorkingDays(winter, calendar, t('2018-01-17T23:59:59Z')).counted).toBe(false);
    expect(evaluateTwentyWorkingDays(winter, calendar, t('2018-01-18T00:00:00Z')).counted).toBe(true);
  });

  const december: Period = { from: '2017-12-01', to: '2017-12-31' };
  const cases: CaseRecord[] = [
    aCase('T1', { receivedAt: t('2017-12-15T12:00:00Z'), assessmentDecidedAt: t('2018-01-17T17:00:00Z') }),
    aCase('T2', { receivedAt: t('2017-12-15T12:00:00Z'), allocatedAt: t('2018-01-18T09:00:00Z') }),
    aCase('T3', { receivedAt: t('2017-12-31T23:30:00Z') }), // London 31 December, due 29 January
    aCase('T4', { receivedAt: t('2017-11-30T23:30:00Z'), assessmentDecidedAt: t('2017-12-01T12:00:00Z') }), // London 30 November
    aCase('T5', { receivedAt: t('2017-12-01T00:30:00Z'), assessmentDecidedAt: t('2018-02-01T12:00:00Z'), allocatedAt: t('2017-12-04T12:00:00Z') }),
    aCase('T6', { receivedAt: t('2018-01-01T00:30:00Z'), assessmentDecidedAt: t('2018-01-02T12:00:00Z') }),
  ];

  it('shares out cases received in the period', () => {
    expect(compute('intake.decided-or-allocated-within-20-working-days', { period: december, now: t('2018-03-01T12:00:00Z'), cases })).toEqual({
      id: 'intake.decided-or-allocated-within-20-working-days',
      period: december,
      numerator: 2,
      denominator: 4,
      value: 0.5,
      target: 0.8,
      met: false,
      members: [
        { id: 'T1', met: true, value: 20 },
        { id: 'T2', met: false, value: 21 },
        { id: 'T3', met: false, value: null },
        { id: 'T5', met: true, value: 1 },
      ],
    });
    // On T3's due date it is not yet missed, so it is left out.
    expect(compute('intake.decided-or-allocated-within-20-working-days', { period: december, now: t('2018-01-29T12:00:00Z'), cases })).toMatchObject({
      numerator: 2, denominator: 3, value: 2 / 3, met: false,
    });
    // T6 counts in January, T4 in November.
    expect(compute('intake.decided-or-allocated-within-20-working-days', { period: { from: '2018-01-01', to: '2018-01-31' }, now: afterEverything, cases })).toMatchObject({
      numerator: 1, denominator: 1, value: 1, met: true, members: [{ id: 'T6', met: true, value: 1 }],
    });
  });

  it('puts a receipt at 23:30 UTC on 31 March 2018 in plan year 2018-19', () => {
    const c = aCase('PY', { receivedAt: t('2018-03-31T23:30:00Z'), allocatedAt: t('2018-04-03T12:00:00Z') });
    expect(compute('intake.decided-or-allocated-within-20-working-days', { period: planYear2017, now: afterEverything, cases: [c] }).denominator).toBe(0);
    expect(compute('intake.decided-or-allocated-within-20-working-days', { period: planYear('2018-04-01'), now: afterEverything, cases: [c] }))
      .toMatchObject({ numerator: 1, denominator: 1, members: [{ id: 'PY', met: true, value: 1 }] });
  });
});

describe('closed within 13, 26 and 52 weeks', () => {
  it('is under 13 weeks at 90 calendar days and not at 91, using London dates', () => {
    // Received 00:30 BST Sunday 29 October 2017 (its UTC date is the 28th).
    const received = t('2017-10-28T23:30:00Z');
    expect(evaluateClosedWithinWeeks(aCase('A', { receivedAt: received, closedAt: t('2018-01-27T12:00:00Z') }), 13)).toEqual({
      countsOn: '2018-01-27', counted: true, stage: 'assessment', calendarDays: 90, limitDays: 91, met: true,
    });
    expect(evaluateClosedWithinWeeks(aCase('B', { receivedAt: received, closedAt: t('2018-01-28T12:00:00Z') }), 13)).toEqual({
      countsOn: '2018-01-28', counted: true, stage: 'assessment', calendarDays: 91, limitDays: 91, met: false,
    });
    expect(evaluateClosedWithinWeeks(aCase('C', { receivedAt: received, allocatedAt: received }), 26)).toEqual({
      countsOn: null, counted: false, stage: 'investigation', calendarDays: null, limitDays: 182, met: false,
    });
    expect(evaluateClosedWithinWeeks(aCase('E', { receivedAt: received }), 52)).toEqual({
      countsOn: null, counted: false, stage: 'assessment', calendarDays: null, limitDays: 364, met: false,
    });
    const year = aCase('D', { receivedAt: t('2017-01-10T12:00:00Z'), closedAt: t('2018-01-08T12:00:00Z') });
    expect(evaluateClosedWithinWeeks(year, 52)).toMatchObject({ calendarDays: 363, limitDays: 364, met: true });
    expect(evaluateClosedWithinWeeks({ ...year, closedAt: t('2018-01-09T12:00:00Z') }, 52)).toMatchObject({ calendarDays: 364, met: false });
  });

  const cases: CaseRecord[] = [
    aCase('W1', { receivedAt: t('2017-10-28T23:30:00Z'), closedAt: t('2018-01-27T12:00:00Z') }), // 90
    aCase('W2', { receivedAt: t('2017-10-28T23:30:00Z'), closedAt: t('2018-01-28T12:00:00Z') }), // 91
    aCase('W3', { receivedAt: t('2017-06-01T12:00:00Z'), closedAt: t('2017-11-30T12:00:00Z') }), // 182
    aCase('W4', { receivedAt: t('2017-01-10T12:00:00Z'), closedAt: t('2018-01-09T12:00:00Z') }), // 364
    aCase('W5', { receivedAt: t('2017-06-01T12:00:00Z'), allocatedAt: t('2017-07-01T12:00:00Z'), closedAt: t('2017-08-30T12:00:00Z') }), // 90
    aCase('W6', { receivedAt: t('2017-03-01T12:00:00Z'), allocatedAt: t('2017-05-01T12:00:00Z'), closedAt: t('2018-02-27T12:00:00Z') }), // 363
    aCase('W7', { receivedAt: t('2018-03-01T12:00:00Z'), closedAt: t('2018-03-31T23:30:00Z') }), // London 1 April 2018
    aCase('W8', { receivedAt: t('2017-03-20T12:00:00Z'), closedAt: t('2017-03-31T23:30:00Z') }), // London 1 April 2017 (BST)
    aCase('W9', { receivedAt: t('2017-05-01T12:00:00Z') }), // open
  ];

  it('counts cases in the period of closure, split by whether they were ever allocated', () => {
    const result = (id: StandardId) => compute(id, { period: planYear2017, now: afterEverything, cases });
    const assessment = (met: boolean[]) => ['W1', 'W2', 'W3', 'W4', 'W8'].map((id, i) => ({ id, met: met[i], value: [90, 91, 182, 364, 12][i] }));
    const investigation = (met: boolean[]) => ['W5', 'W6'].map((id, i) => ({ id, met: met[i], value: [90, 363][i] }));
    expect(result('assessment.closed-within-13-weeks')).toEqual({
      id: 'assessment.closed-within-13-weeks', period: planYear2017, numerator: 2, denominator: 5, value: 0.4, target: 0.65, met: false,
      members: assessment([true, false, false, false, true]),
    });
    expect(result('assessment.closed-within-26-weeks')).toEqual({
      id: 'assessment.closed-within-26-weeks', period: planYear2017, numerator: 3, denominator: 5, value: 0.6, target: 0.85, met: false,
      members: assessment([true, true, false, false, true]),
    });
    expect(result('assessment.closed-within-52-weeks')).toEqual({
      id: 'assessment.closed-within-52-weeks', period: planYear2017, numerator: 4, denominator: 5, value: 0.8, target: 0.99, met: false,
      members: assessment([true, true, true, false, true]),
    });
    expect(result('investigation.closed-within-13-weeks')).toEqual({
      id: 'investigation.closed-within-13-weeks', period: planYear2017, numerator: 1, denominator: 2, value: 0.5, target: 0.65, met: false,
      members: investigation([true, false]),
    });
    expect(result('investigation.closed-within-26-weeks')).toEqual({
      id: 'investigation.closed-within-26-weeks', period: planYear2017, numerator: 1, denominator: 2, value: 0.5, target: 0.85, met: false,
      members: investigation([true, false]),
    });
    expect(result('investigation.closed-within-52-weeks')).toEqual({
      id: 'investigation.closed-within-52-weeks', period: planYear2017, numerator: 2, denominator: 2, value: 1, target: 0.99, met: true,
      members: investigation([true, true]),
    });
    // W7 closed in London on 1 April 2018: plan year 2018-19.
    expect(compute('assessment.closed-within-13-weeks', { period: planYear('2018-04-01'), now: afterEverything, cases })).toMatchObject({
      numerator: 1, denominator: 1, members: [{ id: 'W7', met: true, value: 31 }],
    });
  });
});

/** The definition, day by day: the reference the sweep is checked against. */
function naiveOutstanding(cases: readonly CaseRecord[], period: Period, now: Date) {
  const today = londonDate(now);
  const lastDay = period.to < today ? period.to : today;
  const countsByDay: number[] = [];
  const daysByCase = new Map<string, number>();
  // London dates worked out once per case, only to keep the loop fast.
  const dated = cases.map((c) => ({
    c,
    receivedOn: londonDate(c.receivedAt),
    allocatedOn: c.allocatedAt === null ? null : londonDate(c.allocatedAt),
    closedOn: c.closedAt === null ? null : londonDate(c.closedAt),
  }));
  for (let d = period.from; d <= lastDay; d = addCalendarDays(d, 1)) {
    let count = 0;
    for (const { c, receivedOn, allocatedOn, closedOn } of dated) {
      const held = allocatedOn !== null && allocatedOn <= d && (closedOn === null || closedOn > d);
      const old = calendarDaysBetween(receivedOn, d) > 364;
      if (held && old) {
        count++;
        daysByCase.set(c.reference, (daysByCase.get(c.reference) ?? 0) + 1);
      }
    }
    countsByDay.push(count);
  }
  const peak = countsByDay.length === 0 ? null : Math.max(...countsByDay);
  return {
    lastDay: countsByDay.length === 0 ? null : lastDay,
    countsByDay,
    peak,
    peakOn: peak === null ? null : addCalendarDays(period.from, countsByDay.indexOf(peak)),
    countOnLastDay: countsByDay.length === 0 ? null : countsByDay[countsByDay.length - 1],
    cases: cases.filter((c) => daysByCase.has(c.reference)).map((c) => ({ reference: c.reference, days: daysByCase.get(c.reference) })),
  };
}

describe('investigations outstanding over 52 weeks', () => {
  const noon = (date: string) => t(`${date}T12:00:00Z`);
  const cases: CaseRecord[] = [
    aCase('O1', { receivedAt: noon('2017-03-01'), allocatedAt: noon('2017-06-01') }), // over 52 weeks from 1 March 2018
    aCase('O2', { receivedAt: noon('2017-03-10'), allocatedAt: noon('2017-05-01'), closedAt: noon('2018-03-20') }), // 10-19 March
    aCase('O3', { receivedAt: noon('2017-01-01'), allocatedAt: noon('2018-03-15') }), // from allocation, 15 March
    aCase('O4', { receivedAt: noon('2017-03-31'), allocatedAt: noon('2017-04-01') }), // from 31 March
    aCase('O5', { receivedAt: noon('2017-03-01') }), // never allocated
    aCase('O6', { receivedAt: noon('2016-01-01'), allocatedAt: noon('2016-02-01'), closedAt: noon('2018-03-01') }), // closed on the first day
    aCase('O7', { receivedAt: noon('2017-03-02'), allocatedAt: noon('2017-04-01'), closedAt: noon('2018-03-02') }), // closed the day it turned 365 days
    // Received 00:30 BST on 27 March 2017 (UTC date 26th): over 52 weeks on 27 March 2018 only.
    aCase('O8', { receivedAt: t('2017-03-26T23:30:00Z'), allocatedAt: noon('2017-05-01'), closedAt: noon('2018-03-28') }),
  ];
  const counts = [...Array<number>(9).fill(1), ...Array<number>(5).fill(2), ...Array<number>(5).fill(3), ...Array<number>(7).fill(2), 3, 2, 2, 2, 3];

  it('finds the span of days each case is held over 52 weeks', () => {
    expect(overFiftyTwoWeeksSpan(cases[0] as CaseRecord)).toEqual({ from: '2018-03-01', until: null });
    expect(overFiftyTwoWeeksSpan(cases[1] as CaseRecord)).toEqual({ from: '2018-03-10', until: '2018-03-20' });
    expect(overFiftyTwoWeeksSpan(cases[2] as CaseRecord)).toEqual({ from: '2018-03-15', until: null });
    expect(overFiftyTwoWeeksSpan(cases[4] as CaseRecord)).toBeNull();
    expect(overFiftyTwoWeeksSpan(cases[5] as CaseRecord)).toEqual({ from: '2016-12-31', until: '2018-03-01' });
    expect(overFiftyTwoWeeksSpan(cases[6] as CaseRecord)).toBeNull();
    expect(overFiftyTwoWeeksSpan(cases[7] as CaseRecord)).toEqual({ from: '2018-03-27', until: '2018-03-28' });
  });

  it('reports the peak, the day of the peak and the last day', () => {
    expect(outstandingOverFiftyTwoWeeks(cases, march2018, afterEverything)).toEqual({
      lastDay: '2018-03-31',
      countsByDay: counts,
      peak: 3,
      peakOn: '2018-03-15',
      countOnLastDay: 3,
      cases: [
        { reference: 'O1', days: 31 },
        { reference: 'O2', days: 10 },
        { reference: 'O3', days: 17 },
        { reference: 'O4', days: 1 },
        { reference: 'O8', days: 1 },
      ],
    });
    expect(compute('investigation.outstanding-over-52-weeks', { period: march2018, now: afterEverything, cases })).toEqual({
      id: 'investigation.outstanding-over-52-weeks',
      period: march2018,
      numerator: 3,
      denominator: null,
      value: 3,
      target: 60,
      met: true,
      members: [
        { id: 'O1', met: false, value: 31 },
        { id: 'O2', met: false, value: 10 },
        { id: 'O3', met: false, value: 17 },
        { id: 'O4', met: false, value: 1 },
        { id: 'O8', met: false, value: 1 },
      ],
      peakOn: '2018-03-15',
      countOnLastDay: 3,
      lastDay: '2018-03-31',
    });
  });

  it('measures only the days up to today', () => {
    expect(outstandingOverFiftyTwoWeeks(cases, march2018, t('2018-03-16T12:00:00Z'))).toEqual({
      lastDay: '2018-03-16',
      countsByDay: counts.slice(0, 16),
      peak: 3,
      peakOn: '2018-03-15',
      countOnLastDay: 3,
      cases: [
        { reference: 'O1', days: 16 },
        { reference: 'O2', days: 7 },
        { reference: 'O3', days: 2 },
      ],
    });
    // 00:00 GMT on 1 March: London's first day of the period has begun.
    expect(outstandingOverFiftyTwoWeeks(cases, march2018, t('2018-03-01T00:00:00Z'))).toMatchObject({ lastDay: '2018-03-01', countsByDay: [1], countOnLastDay: 1 });
    const before = compute('investigation.outstanding-over-52-weeks', { period: march2018, now: t('2018-02-28T23:59:59Z'), cases });
    expect(before).toEqual({
      id: 'investigation.outstanding-over-52-weeks',
      period: march2018,
      numerator: null,
      denominator: null,
      value: null,
      target: 60,
      met: null,
      members: [],
      peakOn: null,
      countOnLastDay: null,
      lastDay: null,
    });
    expect(ragStatus(before, standard('investigation.outstanding-over-52-weeks'))).toBe('grey');
  });

  it('agrees with the day-by-day definition', () => {
    const dayMs = 86_400_000;
    const base = Date.UTC(2015, 0, 1);
    // A time of day biased towards London's midnight on both sides of the clock changes.
    const minute = fc.constantFrom(0, 30, 60, 690, 1380, 1410, 1439);
    const instantOn = (day: number, m: number) => new Date(base + day * dayMs + m * 60_000);
    // Mostly realistic (received, then allocated, then closed) so that many cases pass 52 weeks,
    // with a few out of order.
    const caseArb = fc
      .record({
        received: fc.integer({ min: 0, max: 1200 }),
        toAllocation: fc.option(fc.integer({ min: -20, max: 500 }), { nil: null, freq: 4 }),
        toClosure: fc.option(fc.integer({ min: -20, max: 700 }), { nil: null, freq: 3 }),
        minutes: fc.tuple(minute, minute, minute),
      })
      .map(({ received, toAllocation, toClosure, minutes: [m1, m2, m3] }) => ({
        receivedAt: instantOn(received, m1),
        allocatedAt: toAllocation === null ? null : instantOn(received + toAllocation, m2),
        closedAt: toClosure === null ? null : instantOn(received + (toAllocation ?? 0) + toClosure, m3),
      }));
    const scenario = fc.record({
      start: fc.integer({ min: 300, max: 1500 }),
      length: fc.integer({ min: 0, max: 400 }),
      nowAfterStart: fc.integer({ min: -10, max: 500 }),
      nowMinute: minute,
    });
    fc.assert(
      fc.property(fc.array(caseArb, { maxLength: 25 }), scenario, (rows, { start, length, nowAfterStart, nowMinute }) => {
        const period: Period = { from: addCalendarDays('2015-01-01', start), to: addCalendarDays('2015-01-01', start + length) };
        const now = instantOn(start + nowAfterStart, nowMinute);
        const cs = rows.map((row, i) => aCase(`R${i}`, row));
        const fast = outstandingOverFiftyTwoWeeks(cs, period, now);
        expect(fast).toEqual(naiveOutstanding(cs, period, now));
        const result = compute('investigation.outstanding-over-52-weeks', { period, now, cases: cs });
        expect(result.value).toBe(fast.peak);
        expect(result.met).toBe(fast.peak === null ? null : fast.peak <= 60);
      }),
      { numRuns: 300 },
    );
  });
});

describe('joint working', () => {
  const noon = (date: string) => t(`${date}T12:00:00Z`);
  const joint = (reference: string, fields: Partial<CaseRecord> & { receivedAt: Date }) => aCase(reference, { joint: true, ...fields });
  const cases: CaseRecord[] = [
    joint('J1', { receivedAt: noon('2018-03-01'), allocatedAt: noon('2018-03-08') }), // 5 working days
    joint('J2', { receivedAt: noon('2018-02-23'), allocatedAt: noon('2018-03-06') }), // 7
    joint('J3', { receivedAt: noon('2018-01-15'), allocatedAt: noon('2018-02-05') }), // 15, previous period
    joint('J4', { receivedAt: noon('2018-01-08'), closedAt: noon('2018-03-06'), outcome: 'not-upheld' }), // 41
    joint('J5', { receivedAt: noon('2018-01-08'), closedAt: noon('2018-03-07') }), // no outcome: not a decision
    joint('J6', { receivedAt: noon('2017-12-18'), closedAt: noon('2018-02-02'), outcome: 'upheld-fault-injustice' }), // 31 (Christmas), previous
    joint('J7', { receivedAt: noon('2018-01-29'), closedAt: noon('2018-02-09'), outcome: 'advice-given' }), // 9, previous
    joint('J8', { receivedAt: noon('2018-03-20'), allocatedAt: t('2018-03-31T23:30:00Z') }), // allocated 1 April in London
    joint('J9', { receivedAt: noon('2018-01-02'), allocatedAt: noon('2018-01-28') }), // before the previous period
    aCase('N1', { receivedAt: noon('2018-03-01'), allocatedAt: noon('2018-03-02'), closedAt: noon('2018-03-05'), outcome: 'not-upheld' }),
  ];
  const previous = { from: '2018-01-29', to: '2018-02-28' };

  it('evaluates one case', () => {
    expect(evaluateJointAllocation(cases[1] as CaseRecord, calendar)).toEqual({ countsOn: '2018-03-06', counted: true, workingDays: 7 });
    expect(evaluateJointAllocation(cases[7] as CaseRecord, calendar)).toEqual({ countsOn: '2018-04-01', counted: true, workingDays: 7 });
    expect(evaluateJointAllocation(cases[9] as CaseRecord, calendar)).toEqual({ countsOn: null, counted: false, workingDays: null });
    expect(evaluateJointDecision(cases[5] as CaseRecord, calendar)).toEqual({ countsOn: '2018-02-02', counted: true, workingDays: 31 });
    expect(evaluateJointDecision(cases[4] as CaseRecord, calendar)).toEqual({ countsOn: null, counted: false, workingDays: null });
    expect(evaluateJointDecision(cases[9] as CaseRecord, calendar).counted).toBe(false);
  });

  it('compares each figure with the previous period of the same length', () => {
    const results = computeServiceStandards({
      period: march2018, now: afterEverything, calendar, calls: [], contacts: [], cases,
      standards: [standard('joint.average-working-days-to-allocate'), standard('joint.decisions'), standard('joint.average-working-days-to-decision')],
    });
    expect(results).toEqual([
      {
        id: 'joint.average-working-days-to-allocate', period: march2018, numerator: 12, denominator: 2, value: 6, target: 0, met: true,
        members: [{ id: 'J1', met: null, value: 5 }, { id: 'J2', met: null, value: 7 }],
        previous: { period: previous, numerator: 15, denominator: 1, value: 15 },
      },
      {
        id: 'joint.decisions', period: march2018, numerator: 1, denominator: null, value: 1, target: 0, met: false,
        members: [{ id: 'J4', met: null, value: 41 }],
        previous: { period: previous, numerator: 2, denominator: null, value: 2 },
      },
      {
        id: 'joint.average-working-days-to-decision', period: march2018, numerator: 41, denominator: 1, value: 41, target: 0, met: false,
        members: [{ id: 'J4', met: null, value: 41 }],
        previous: { period: previous, numerator: 40, denominator: 2, value: 20 },
      },
    ]);
    expect(results.map((r) => ragStatus(r, standard(r.id)))).toEqual(['green', 'red', 'red']);
  });

  it('takes the previous period from previousPeriodCases when given', () => {
    const current = cases.filter((c) => c.reference === 'J1' || c.reference === 'J2');
    const prior = cases.filter((c) => c.reference === 'J3');
    expect(compute('joint.average-working-days-to-allocate', { period: march2018, now: afterEverything, cases: current, previousPeriodCases: prior }))
      .toMatchObject({ value: 6, met: true, previous: { numerator: 15, denominator: 1, value: 15 } });
    expect(compute('joint.average-working-days-to-allocate', { period: march2018, now: afterEverything, cases: current })).toMatchObject({
      value: 6, met: null, previous: { period: previous, numerator: 0, denominator: 0, value: null },
    });
  });

  it('improves only when strictly better; within 10% is amber; no data is grey', () => {
    const prior = cases[2] as CaseRecord; // 15 working days
    const allocatedAfter = (days: string[]) => days.map((d, i) => joint(`M${i}`, { receivedAt: noon('2018-03-01'), allocatedAt: noon(d) }));
    const check = (days: string[]) => {
      const result = compute('joint.average-working-days-to-allocate', { period: march2018, now: afterEverything, cases: [prior, ...allocatedAfter(days)] });
      return [result.value, result.met, ragStatus(result, standard('joint.average-working-days-to-allocate'))];
    };
    expect(check(['2018-03-21'])).toEqual([14, true, 'green']);
    expect(check(['2018-03-22'])).toEqual([15, false, 'amber']);
    expect(check(['2018-03-23', '2018-03-26'])).toEqual([16.5, false, 'amber']); // exactly 10% worse
    expect(check(['2018-03-26'])).toEqual([17, false, 'red']);
    expect(check([])).toEqual([null, null, 'grey']);

    const decisions = (n: number) => Array.from({ length: n }, (_, i) => joint(`D${i}`, { receivedAt: noon('2018-03-01'), closedAt: noon('2018-03-09'), outcome: 'not-upheld' }));
    const priorDecisions = [cases[5] as CaseRecord, cases[6] as CaseRecord]; // 2 in the previous period
    const decisionRag = (current: CaseRecord[]) => {
      const result = compute('joint.decisions', { period: march2018, now: afterEverything, cases: [...priorDecisions, ...current] });
      return [result.value, result.met, ragStatus(result, standard('joint.decisions'))];
    };
    expect(decisionRag(decisions(3))).toEqual([3, true, 'green']);
    expect(decisionRag(decisions(2))).toEqual([2, false, 'amber']);
    expect(decisionRag(decisions(1))).toEqual([1, false, 'red']);
    // A count of none is a figure, not missing data: none again is no improvement.
    const none = compute('joint.decisions', { period: march2018, now: afterEverything, cases: [] });
    expect([none.value, none.met, none.previous?.value]).toEqual([0, false, 0]);
  });
});

describe('computeServiceStandards', () => {
  it('reports every standard, in order, with no data', () => {
    const empty = computeServiceStandards({ period: march2018, now: afterEverything, calendar, calls: [], contacts: [], cases: [] });
    const noShare = (id: StandardId, target: number) => ({ id, period: march2018, numerator: 0, denominator: 0, value: null, target, met: null, members: [] });
    const prior = (numerator: number, denominator: number | null, value: number | null) => ({ period: { from: '2018-01-29', to: '2018-02-28' }, numerator, denominator, value });
    expect(empty).toEqual([
      noShare('intake.calls-answered', 0.98),
      noShare('intake.calls-answered-within-60s', 0.95),
      noShare('intake.average-answer-seconds', 20),
      noShare('intake.written-contacts-within-24h', 0.99),
      noShare('intake.decided-or-allocated-within-20-working-days', 0.8),
      noShare('assessment.closed-within-13-weeks', 0.65),
      noShare('assessment.closed-within-26-weeks', 0.85),
      noShare('assessment.closed-within-52-weeks', 0.99),
      noShare('investigation.closed-within-13-weeks', 0.65),
      noShare('investigation.closed-within-26-weeks', 0.85),
      noShare('investigation.closed-within-52-weeks', 0.99),
      {
        id: 'investigation.outstanding-over-52-weeks', period: march2018, numerator: 0, denominator: null, value: 0, target: 60, met: true, members: [],
        peakOn: '2018-03-01', countOnLastDay: 0, lastDay: '2018-03-31',
      },
      { ...noShare('joint.average-working-days-to-allocate', 0), previous: prior(0, 0, null) },
      { id: 'joint.decisions', period: march2018, numerator: 0, denominator: null, value: 0, target: 0, met: false, members: [], previous: prior(0, null, 0) },
      { ...noShare('joint.average-working-days-to-decision', 0), previous: prior(0, 0, null) },
    ]);
    expect(empty.map((r) => ragStatus(r, standard(r.id)))).toEqual([
      ...Array<string>(11).fill('grey'), 'green', 'grey', 'amber', 'grey',
    ]);
  });

  it('uses the targets of the standards passed, in their order', () => {
    const calls = callsAnswered(3, 4);
    const looser = { ...standard('intake.calls-answered'), target: 0.75 };
    const results = computeServiceStandards({
      period: { from: '2018-03-26', to: '2018-03-26' }, now: afterEverything, calendar, calls, contacts: [], cases: [],
      standards: [standard('intake.average-answer-seconds'), looser],
    });
    expect(results.map((r) => [r.id, r.target, r.value, r.met])).toEqual([
      ['intake.average-answer-seconds', 20, 5, true],
      ['intake.calls-answered', 0.75, 0.75, true],
    ]);
  });

  it('rejects unknown standards and back-to-front periods', () => {
    const base = { now: afterEverything, calendar, calls: [], contacts: [], cases: [] };
    expect(() => computeServiceStandards({ ...base, period: march2018, standards: [{ ...standard('joint.decisions'), id: 'nope' as StandardId }] })).toThrow(/Unknown service standard/);
    expect(() => computeServiceStandards({ ...base, period: { from: '2018-03-31', to: '2018-03-01' } })).toThrow(RangeError);
  });
});

describe('ragStatus', () => {
  const day: Period = { from: '2018-03-26', to: '2018-03-26' };
  const now = afterEverything;

  it('shares: amber within 5 percentage points, inclusive', () => {
    const answered = (n: number, of: number) => rag('intake.calls-answered', { period: day, now, calls: callsAnswered(n, of) });
    expect(answered(49, 50)).toBe('green'); // exactly 98%
    expect(answered(97, 100)).toBe('amber');
    expect(answered(93, 100)).toBe('amber'); // exactly 5 points under
    expect(answered(92, 100)).toBe('red');
    expect(answered(0, 0)).toBe('grey');
    const within = compute('intake.calls-answered-within-60s', { period: day, now, calls: callsWaiting([...Array<number>(19).fill(60_000), 60_001]) });
    expect([within.value, within.met, ragStatus(within, standard('intake.calls-answered-within-60s'))]).toEqual([0.95, true, 'green']);
  });

  it('means: amber within 10% of the target, inclusive', () => {
    const average = (waits: number[]) => {
      const result = compute('intake.average-answer-seconds', { period: day, now, calls: callsWaiting(waits) });
      return [result.value, result.met, ragStatus(result, standard('intake.average-answer-seconds'))];
    };
    expect(average([10_000, 30_000])).toEqual([20, true, 'green']);
    expect(average([10_000, 30_002])).toEqual([20.001, false, 'amber']);
    expect(average([0, 44_000])).toEqual([22, false, 'amber']);
    expect(average([0, 44_002])).toEqual([22.001, false, 'red']);
  });

  it('peak count: amber up to 10% over', () => {
    const peakOf = (n: number) => {
      const cs = Array.from({ length: n }, (_, i) => aCase(`P${i}`, { receivedAt: t('2016-01-01T12:00:00Z'), allocatedAt: t('2016-02-01T12:00:00Z') }));
      const result = compute('investigation.outstanding-over-52-weeks', { period: march2018, now, cases: cs });
      return [result.value, result.met, ragStatus(result, standard('investigation.outstanding-over-52-weeks'))];
    };
    expect(peakOf(60)).toEqual([60, true, 'green']);
    expect(peakOf(61)).toEqual([61, false, 'amber']);
    expect(peakOf(66)).toEqual([66, false, 'amber']);
    expect(peakOf(67)).toEqual([67, false, 'red']);
  });

  it('refuses a result for another standard', () => {
    const result = compute('intake.calls-answered', { period: day, now, calls: callsAnswered(1, 1) });
    expect(() => ragStatus(result, standard('intake.average-answer-seconds'))).toThrow(RangeError);
  });
});
