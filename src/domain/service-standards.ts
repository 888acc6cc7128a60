import { addCalendarDays, calendarDaysBetween, londonDate, type IsoDate } from './london-time.ts';
import { writtenChannels } from './vocabulary.ts';
import type { WorkingDayCalendar } from './working-days.ts';

/**
 * The service standards of the Local Government Ombudsman's 2017-18 business plan, as data,
 * and the exact, pure computations that measure a period against them (no I/O: callers load
 * the rows and pass `now`).
 *
 * Definitions used throughout:
 * - Every date is the Europe/London calendar date of the instant (`londonDate`): 2018-03-31T23:30Z
 *   is 2018-04-01 (BST), 2017-12-31T23:30Z stays 2017-12-31 (GMT).
 * - A period runs from `from` to `to`, both days included.
 * - Working days are Monday to Friday less England and Wales bank holidays (the calendar passed in).
 * - Nothing is rounded. A share or mean reports its numerator and denominator; `value` is
 *   numerator / denominator, null when the denominator is 0, and `met` is then null. Whether a
 *   target is met is decided with exact rational arithmetic, never by comparing rounded floats.
 */

// ---------------------------------------------------------------------------------------------
// The standards

export const standardIds = [
  'intake.calls-answered',
  'intake.calls-answered-within-60s',
  'intake.average-answer-seconds',
  'intake.written-contacts-within-24h',
  'intake.decided-or-allocated-within-20-working-days',
  'assessment.closed-within-13-weeks',
  'assessment.closed-within-26-weeks',
  'assessment.closed-within-52-weeks',
  'investigation.closed-within-13-weeks',
  'investigation.closed-within-26-weeks',
  'investigation.closed-within-52-weeks',
  'investigation.outstanding-over-52-weeks',
  'joint.average-working-days-to-allocate',
  'joint.decisions',
  'joint.average-working-days-to-decision',
] as const;
export type StandardId = (typeof standardIds)[number];

/**
 * - share: numerator / denominator, a fraction between 0 and 1 (0.98 is 98%).
 * - mean-seconds: total seconds / number of items.
 * - peak-count: the highest daily count over the days of the period.
 * - mean-working-days: total working days / number of cases.
 * - count: a number of cases.
 */
export type Measure = 'share' | 'mean-seconds' | 'peak-count' | 'mean-working-days' | 'count';

/**
 * - at-least: met when value >= target.
 * - at-most: met when value <= target.
 * - improves: met when value is better (see `betterWhen`) than the same figure for the previous
 *   period of the same length (`previousPeriod`) by more than `target` (0: any strict
 *   improvement; the same figure again is not an improvement).
 */
export type Comparison = 'at-least' | 'at-most' | 'improves';

export interface ServiceStandard {
  id: StandardId;
  description: string;
  measure: Measure;
  /** For 'at-least' and 'at-most' the threshold (a share as a fraction: 0.98); for 'improves' the margin by which the figure must beat the previous period (0). */
  target: number;
  comparison: Comparison;
  /** Which direction is better; set on 'improves' standards (the others imply it). */
  betterWhen?: 'higher' | 'lower';
  /** What the figure counts or measures, for display: "of calls presented", "seconds". */
  unit: string;
}

export const defaultStandards: readonly ServiceStandard[] = [
  {
    id: 'intake.calls-answered',
    description: 'Answer 98% of calls',
    measure: 'share', target: 0.98, comparison: 'at-least', unit: 'of calls presented',
  },
  {
    id: 'intake.calls-answered-within-60s',
    description: 'Answer 95% of answered calls within 60 seconds',
    measure: 'share', target: 0.95, comparison: 'at-least', unit: 'of calls answered',
  },
  {
    id: 'intake.average-answer-seconds',
    description: 'Answer calls in an average of 20 seconds or less',
    measure: 'mean-seconds', target: 20, comparison: 'at-most', unit: 'seconds',
  },
  {
    id: 'intake.written-contacts-within-24h',
    description: 'Deal with 99% of written contacts (email, letter, online form) within 24 working hours',
    measure: 'share', target: 0.99, comparison: 'at-least', unit: 'of written contacts',
  },
  {
    id: 'intake.decided-or-allocated-within-20-working-days',
    description: 'Decide or allocate 80% of new complaints within 20 working days',
    measure: 'share', target: 0.8, comparison: 'at-least', unit: 'of complaints received',
  },
  {
    id: 'assessment.closed-within-13-weeks',
    description: 'Close 65% of cases decided at assessment within 13 weeks',
    measure: 'share', target: 0.65, comparison: 'at-least', unit: 'of cases closed at assessment',
  },
  {
    id: 'assessment.closed-within-26-weeks',
    description: 'Close 85% of cases decided at assessment within 26 weeks',
    measure: 'share', target: 0.85, comparison: 'at-least', unit: 'of cases closed at assessment',
  },
  {
    id: 'assessment.closed-within-52-weeks',
    description: 'Close 99% of cases decided at assessment within 52 weeks',
    measure: 'share', target: 0.99, comparison: 'at-least', unit: 'of cases closed at assessment',
  },
  {
    id: 'investigation.closed-within-13-weeks',
    description: 'Close 65% of investigations within 13 weeks',
    measure: 'share', target: 0.65, comparison: 'at-least', unit: 'of cases closed after investigation',
  },
  {
    id: 'investigation.closed-within-26-weeks',
    description: 'Close 85% of investigations within 26 weeks',
    measure: 'share', target: 0.85, comparison: 'at-least', unit: 'of cases closed after investigation',
  },
  {
    id: 'investigation.closed-within-52-weeks',
    description: 'Close 99% of investigations within 52 weeks',
    measure: 'share', target: 0.99, comparison: 'at-least', unit: 'of cases closed after investigation',
  },
  {
    id: 'investigation.outstanding-over-52-weeks',
    description: 'Have no more than 60 cases in investigation over 52 weeks old at any time',
    measure: 'peak-count', target: 60, comparison: 'at-most', unit: 'cases at the peak',
  },
  {
    id: 'joint.average-working-days-to-allocate',
    description: 'Joint working with the Parliamentary and Health Service Ombudsman: reduce the average time from receipt to allocation',
    measure: 'mean-working-days', target: 0, comparison: 'improves', betterWhen: 'lower', unit: 'working days',
  },
  {
    id: 'joint.decisions',
    description: 'Joint working with the Parliamentary and Health Service Ombudsman: increase the number of decisions',
    measure: 'count', target: 0, comparison: 'improves', betterWhen: 'higher', unit: 'decisions',
  },
  {
    id: 'joint.average-working-days-to-decision',
    description: 'Joint working with the Parliamentary and Health Service Ombudsman: reduce the average time from receipt to decision',
    measure: 'mean-working-days', target: 0, comparison: 'improves', betterWhen: 'lower', unit: 'working days',
  },
];

// ---------------------------------------------------------------------------------------------
// Input rows, periods and results

export type RecordId = number | string;

export interface CallRecord {
  id: RecordId;
  presentedAt: Date;
  /** null: never answered (abandoned). */
  answeredAt: Date | null;
}

export interface WrittenContactRecord {
  id: RecordId;
  /** Only 'email', 'letter' and 'web' are written contacts; other channels are left out. */
  channel: string;
  receivedAt: Date;
  dealtWithAt: Date | null;
}

export interface CaseRecord {
  reference: string;
  receivedAt: Date;
  joint: boolean;
  assessmentDecidedAt: Date | null;
  allocatedAt: Date | null;
  closedAt: Date | null;
  outcome: string | null;
}

/** London calendar dates, both included. */
export interface Period {
  from: IsoDate;
  to: IsoDate;
}

/** One record behind a result, for drilling down. */
export interface StandardMember {
  /** Call or contact id, or case reference. */
  id: RecordId;
  /** Whether this record met the standard; null where it feeds a mean or a count instead of meeting or missing. Cases over 52 weeks in investigation are false. */
  met: boolean | null;
  /**
   * The record's own figure, where it has one: wait in seconds (calls), working days from receipt
   * to milestone (20 working days), calendar days from receipt to closure (weeks), days of the
   * period spent over 52 weeks in investigation, working days to allocation or decision (joint).
   */
  value: number | null;
}

/** One period's figure, as for `StandardResult`. */
export interface PeriodFigure {
  period: Period;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
}

export interface StandardResult extends PeriodFigure {
  id: StandardId;
  /** The standard's target (for 'improves': the margin, see `ServiceStandard.target`). */
  target: number;
  /** null when there is no data: no denominator, no day measured, or (improves) no figure for either period. */
  met: boolean | null;
  /** The records counted in this period; for the 52-week peak, every case held over 52 weeks on some day measured. */
  members?: StandardMember[];
  /** 'improves' standards: the same figure for `previousPeriod(period)`. */
  previous?: PeriodFigure;
  /** Peak count only: the first day the peak was reached. */
  peakOn?: IsoDate | null;
  /** Peak count only: the count on `lastDay`. */
  countOnLastDay?: number | null;
  /** Peak count only: the last day measured, the earlier of period.to and today; null if the period has not begun. */
  lastDay?: IsoDate | null;
}

export type Rag = 'green' | 'amber' | 'red' | 'grey';

// ---------------------------------------------------------------------------------------------
// Periods

export function isInPeriod(date: IsoDate, period: Period): boolean {
  return period.from <= date && date <= period.to;
}

function requirePeriod(period: Period): number {
  const days = calendarDaysBetween(period.from, period.to) + 1; // validates both dates
  if (days < 1) throw new RangeError(`Period ends before it starts: ${period.from} to ${period.to}`);
  return days;
}

/** The period of the same number of days ending the day before `period.from`. */
export function previousPeriod(period: Period): Period {
  const days = requirePeriod(period);
  return { from: addCalendarDays(period.from, -days), to: addCalendarDays(period.from, -1) };
}

function dateOf(date: IsoDate | Date): IsoDate {
  if (date instanceof Date) return londonDate(date);
  calendarDaysBetween(date, date); // validates
  return date;
}

function monthStart(year: number, month: number): IsoDate {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((month - 1) % 12 + 12) % 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
}

/** Months [month, month + count) of `year`, month 1 = January; months past 12 run into later years. */
function monthsPeriod(year: number, month: number, count: number): Period {
  return { from: monthStart(year, month), to: addCalendarDays(monthStart(year, month + count), -1) };
}

/** The plan year, 1 April to 31 March, containing `date` (a Date is taken as its London date). */
export function planYear(date: IsoDate | Date): Period {
  const d = dateOf(date);
  const year = Number(d.slice(0, 4));
  const month = Number(d.slice(5, 7));
  return monthsPeriod(month >= 4 ? year : year - 1, 4, 12);
}

/** The plan quarter containing `date`: April-June, July-September, October-December or January-March. */
export function planQuarter(date: IsoDate | Date): Period {
  const d = dateOf(date);
  const year = Number(d.slice(0, 4));
  const month = Number(d.slice(5, 7));
  return monthsPeriod(year, month - ((month - 1) % 3), 3);
}

const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

function monthYear(date: IsoDate): string {
  return `${MONTH_NAMES[Number(date.slice(5, 7)) - 1] ?? ''} ${date.slice(0, 4)}`;
}

/** "2017-18" for the plan year containing the date. */
export function planYearLabel(date: IsoDate | Date): string {
  const start = Number(planYear(date).from.slice(0, 4));
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export interface PeriodPreset {
  id: 'this-month' | 'this-quarter' | 'this-plan-year';
  label: string;
  period: Period;
}

/** The whole calendar month, plan quarter and plan year containing `today`. */
export function periodPresets(today: IsoDate | Date): PeriodPreset[] {
  const d = dateOf(today);
  const month = monthsPeriod(Number(d.slice(0, 4)), Number(d.slice(5, 7)), 1);
  const quarter = planQuarter(d);
  const quarterNumber = ((Number(quarter.from.slice(5, 7)) + 8) % 12) / 3 + 1;
  return [
    { id: 'this-month', label: monthYear(d), period: month },
    {
      id: 'this-quarter',
      label: `Quarter ${quarterNumber} ${planYearLabel(d)} (${monthYear(quarter.from)} to ${monthYear(quarter.to)})`,
      period: quarter,
    },
    { id: 'this-plan-year', label: `Plan year ${planYearLabel(d)}`, period: planYear(d) },
  ];
}

// ---------------------------------------------------------------------------------------------
// Per-record evaluations

export interface CallEvaluation {
  /** The London date of presentedAt: the call counts in the period containing it. */
  countsOn: IsoDate;
  answered: boolean;
  /** answeredAt - presentedAt, in seconds; null if not answered. */
  waitSeconds: number | null;
  /** Answered with a wait of 60 seconds or less. */
  answeredWithin60Seconds: boolean;
}

/** Calls count in the period of presentedAt. No answeredAt means not answered. */
export function evaluateCall(call: CallRecord): CallEvaluation {
  const countsOn = londonDate(call.presentedAt);
  if (call.answeredAt === null) return { countsOn, answered: false, waitSeconds: null, answeredWithin60Seconds: false };
  const waitMs = call.answeredAt.getTime() - call.presentedAt.getTime();
  return { countsOn, answered: true, waitSeconds: waitMs / 1000, answeredWithin60Seconds: waitMs <= 60_000 };
}

export interface WrittenContactEvaluation {
  /** The London date of receivedAt: the contact counts in the period containing it. */
  countsOn: IsoDate;
  /** The channel is email, letter or web. */
  written: boolean;
  /** calendar.addWorkingHours(receivedAt, 24). */
  due: Date;
  /** Written, and either dealt with or past due (due < now). Not yet dealt with and not yet due: left out. */
  counted: boolean;
  /** Dealt with at or before `due`; false when not counted. */
  met: boolean;
}

const WRITTEN_CHANNELS: ReadonlySet<string> = new Set(writtenChannels);

/**
 * Written contacts (email, letter, web) count in the period of receivedAt. Due =
 * calendar.addWorkingHours(receivedAt, 24); met if dealtWithAt <= due. One not yet dealt with is
 * a miss once due < now, and is left out (not counted at all) before.
 */
export function evaluateWrittenContact(contact: WrittenContactRecord, calendar: WorkingDayCalendar, now: Date): WrittenContactEvaluation {
  const countsOn = londonDate(contact.receivedAt);
  const written = WRITTEN_CHANNELS.has(contact.channel);
  const due = calendar.addWorkingHours(contact.receivedAt, 24);
  if (contact.dealtWithAt !== null) {
    const met = written && contact.dealtWithAt.getTime() <= due.getTime();
    return { countsOn, written, due, counted: written, met };
  }
  return { countsOn, written, due, counted: written && due.getTime() < now.getTime(), met: false };
}

export interface TwentyWorkingDaysEvaluation {
  /** The London date of receivedAt: the case counts in the period containing it. */
  countsOn: IsoDate;
  /** Has a milestone, or has none and londonDate(now) > dueOn. */
  counted: boolean;
  /** milestoneOn <= dueOn; false when not counted. */
  met: boolean;
  /** The 20th working day after the date of receipt. */
  dueOn: IsoDate;
  /** The date of the earlier of assessmentDecidedAt and allocatedAt; null if neither. */
  milestoneOn: IsoDate | null;
  /** workingDaysBetween(date received, milestoneOn); null without a milestone. */
  workingDaysTaken: number | null;
}

/**
 * Decided or allocated within 20 working days: milestone = the earlier of assessmentDecidedAt and
 * allocatedAt; met if londonDate(milestone) <= addWorkingDays(londonDate(receivedAt), 20). Cases
 * count in the period of receipt. A case with neither milestone is a miss once its 20th working
 * day has passed (londonDate(now) > due date) and is left out before. A milestone after the due
 * date is a miss.
 */
export function evaluateTwentyWorkingDays(c: CaseRecord, calendar: WorkingDayCalendar, now: Date): TwentyWorkingDaysEvaluation {
  const countsOn = londonDate(c.receivedAt);
  const dueOn = calendar.addWorkingDays(countsOn, 20);
  const milestones = [c.assessmentDecidedAt, c.allocatedAt].filter((d): d is Date => d !== null);
  if (milestones.length === 0) {
    return { countsOn, counted: londonDate(now) > dueOn, met: false, dueOn, milestoneOn: null, workingDaysTaken: null };
  }
  const milestone = milestones.reduce((a, b) => (b.getTime() < a.getTime() ? b : a));
  const milestoneOn = londonDate(milestone);
  return {
    countsOn,
    counted: true,
    met: milestoneOn <= dueOn,
    dueOn,
    milestoneOn,
    workingDaysTaken: calendar.workingDaysBetween(countsOn, milestoneOn),
  };
}

export type ClosureWeeks = 13 | 26 | 52;
export type ClosureStage = 'assessment' | 'investigation';

export interface ClosureEvaluation {
  /** The London date of closedAt (the case counts in the period containing it); null while open. */
  countsOn: IsoDate | null;
  /** Closed. */
  counted: boolean;
  /** 'investigation' if allocatedAt is set (ever allocated), else 'assessment'. */
  stage: ClosureStage;
  /** calendarDaysBetween(date received, date closed); null while open. */
  calendarDays: number | null;
  /** weeks * 7: 91, 182 or 364. */
  limitDays: number;
  /** calendarDays < limitDays; false while open. */
  met: boolean;
}

/**
 * Closed within 13, 26 or 52 weeks: calendarDaysBetween(date received, date closed) < 91, 182 or
 * 364 (91 days is 13 weeks and so not under 13 weeks; 90 is). Cases count in the period of
 * closure. Closed by investigation if allocatedAt is set, else by assessment.
 */
export function evaluateClosedWithinWeeks(c: CaseRecord, weeks: ClosureWeeks): ClosureEvaluation {
  const stage: ClosureStage = c.allocatedAt === null ? 'assessment' : 'investigation';
  const limitDays = weeks * 7;
  if (c.closedAt === null) return { countsOn: null, counted: false, stage, calendarDays: null, limitDays, met: false };
  const countsOn = londonDate(c.closedAt);
  const calendarDays = calendarDaysBetween(londonDate(c.receivedAt), countsOn);
  return { countsOn, counted: true, stage, calendarDays, limitDays, met: calendarDays < limitDays };
}

/** Days D with from <= D < until (until null: still open). */
export interface DaySpan {
  from: IsoDate;
  until: IsoDate | null;
}

/**
 * The days on which the case is held in investigation and over 52 weeks old, or null if none.
 * Held in investigation on day D: date(allocatedAt) <= D and open at the end of D (closedAt null
 * or date(closedAt) > D). Over 52 weeks old on D: D - date(receivedAt) > 364.
 */
export function overFiftyTwoWeeksSpan(c: CaseRecord): DaySpan | null {
  if (c.allocatedAt === null) return null;
  const allocatedOn = londonDate(c.allocatedAt);
  const oldFrom = addCalendarDays(londonDate(c.receivedAt), 365);
  const from = allocatedOn > oldFrom ? allocatedOn : oldFrom;
  const until = c.closedAt === null ? null : londonDate(c.closedAt);
  if (until !== null && until <= from) return null;
  return { from, until };
}

export interface OutstandingOverFiftyTwoWeeks {
  /** The last day measured: the earlier of period.to and londonDate(now). Days after today have not happened. null if the period starts after today. */
  lastDay: IsoDate | null;
  /** countsByDay[i] is the number of cases held over 52 weeks at the end of addCalendarDays(period.from, i), up to lastDay. */
  countsByDay: number[];
  /** The highest daily count; null when no day was measured. */
  peak: number | null;
  /** The first day with the peak count. */
  peakOn: IsoDate | null;
  countOnLastDay: number | null;
  /** Every case held over 52 weeks on at least one day measured, with how many such days. */
  cases: { reference: string; days: number }[];
}

/**
 * Cases held in investigation over 52 weeks old (see `overFiftyTwoWeeksSpan`), day by day over
 * the period up to today. One pass over the cases and one over the days (a difference array),
 * never days x cases.
 */
export function outstandingOverFiftyTwoWeeks(cases: readonly CaseRecord[], period: Period, now: Date): OutstandingOverFiftyTwoWeeks {
  requirePeriod(period);
  const today = londonDate(now);
  const lastDay = period.to < today ? period.to : today;
  if (lastDay < period.from) {
    return { lastDay: null, countsByDay: [], peak: null, peakOn: null, countOnLastDay: null, cases: [] };
  }
  const days = calendarDaysBetween(period.from, lastDay) + 1;
  const change = new Array<number>(days + 1).fill(0);
  const held: { reference: string; days: number }[] = [];
  for (const c of cases) {
    const span = overFiftyTwoWeeksSpan(c);
    if (span === null) continue;
    const start = Math.max(0, calendarDaysBetween(period.from, span.from));
    const end = span.until === null ? days : Math.min(days, calendarDaysBetween(period.from, span.until));
    if (start >= end) continue;
    change[start] = (change[start] ?? 0) + 1;
    change[end] = (change[end] ?? 0) - 1;
    held.push({ reference: c.reference, days: end - start });
  }
  const countsByDay: number[] = [];
  let running = 0;
  let peak = 0;
  let peakIndex = 0;
  for (let i = 0; i < days; i++) {
    running += change[i] ?? 0;
    countsByDay.push(running);
    if (running > peak) {
      peak = running;
      peakIndex = i;
    }
  }
  return {
    lastDay,
    countsByDay,
    peak,
    peakOn: addCalendarDays(period.from, peakIndex),
    countOnLastDay: running,
    cases: held,
  };
}

export interface JointEvaluation {
  /** The London date of the milestone (allocation or closure): the case counts in the period containing it. */
  countsOn: IsoDate | null;
  counted: boolean;
  /** calendar.workingDaysBetween(date received, countsOn); null when not counted. */
  workingDays: number | null;
}

/** Joint cases count in the period of allocation, with workingDaysBetween(date received, date allocated). */
export function evaluateJointAllocation(c: CaseRecord, calendar: WorkingDayCalendar): JointEvaluation {
  if (!c.joint || c.allocatedAt === null) return { countsOn: null, counted: false, workingDays: null };
  const countsOn = londonDate(c.allocatedAt);
  return { countsOn, counted: true, workingDays: calendar.workingDaysBetween(londonDate(c.receivedAt), countsOn) };
}

/** A decision is a joint case closed with an outcome (not null); it counts in the period of closure, with workingDaysBetween(date received, date closed). */
export function evaluateJointDecision(c: CaseRecord, calendar: WorkingDayCalendar): JointEvaluation {
  if (!c.joint || c.closedAt === null || c.outcome === null) return { countsOn: null, counted: false, workingDays: null };
  const countsOn = londonDate(c.closedAt);
  return { countsOn, counted: true, workingDays: calendar.workingDaysBetween(londonDate(c.receivedAt), countsOn) };
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic: every figure here is an integer or a decimal with few digits, so a double's
// shortest decimal form is the exact value meant and can be compared exactly as a fraction.

interface Fraction {
  n: bigint;
  /** Always > 0. */
  d: bigint;
}

function exact(x: number): Fraction {
  const match = Number.isFinite(x) ? /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x)) : null;
  if (!match) throw new RangeError(`Not a finite number: ${x}`);
  const [, sign, whole = '0', fraction = '', exponent = '0'] = match;
  const power = Number(exponent) - fraction.length;
  let n = BigInt(whole + fraction);
  let d = 1n;
  if (power >= 0) n *= 10n ** BigInt(power);
  else d = 10n ** BigInt(-power);
  return { n: sign === '-' ? -n : n, d };
}

function divide(a: Fraction, b: Fraction): Fraction {
  if (b.n === 0n) throw new RangeError('Division by zero');
  return b.n > 0n ? { n: a.n * b.d, d: a.d * b.n } : { n: -a.n * b.d, d: a.d * -b.n };
}

function plus(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.d + b.n * a.d, d: a.d * b.d };
}

function negate(a: Fraction): Fraction {
  return { n: -a.n, d: a.d };
}

function abs(a: Fraction): Fraction {
  return a.n < 0n ? negate(a) : a;
}

function compare(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The figure as an exact fraction; null when there is no value. */
function figureFraction(figure: PeriodFigure): Fraction | null {
  if (figure.value === null || figure.numerator === null) return null;
  if (figure.denominator === null) return exact(figure.value);
  return divide(exact(figure.numerator), exact(figure.denominator));
}

function higherIsBetter(standard: ServiceStandard): boolean {
  if (standard.comparison === 'improves') {
    if (standard.betterWhen === undefined) throw new RangeError(`Standard ${standard.id} improves but does not say which way is better`);
    return standard.betterWhen === 'higher';
  }
  return standard.comparison === 'at-least';
}

/**
 * The threshold the figure is judged against: the target itself, or for 'improves' the previous
 * period's figure moved by the target margin in the better direction. null without one.
 */
function threshold(standard: ServiceStandard, target: number, previous: PeriodFigure | undefined): Fraction | null {
  if (standard.comparison !== 'improves') return exact(target);
  const before = previous === undefined ? null : figureFraction(previous);
  if (before === null) return null;
  return plus(before, higherIsBetter(standard) ? exact(target) : negate(exact(target)));
}

/**
 * Whether a figure meets its standard: at-least value >= target; at-most value <= target;
 * improves: strictly better than the previous period's figure moved by the target margin in the
 * better direction. Exact rational arithmetic, never rounded floats; null without a figure (or,
 * for improves, without the previous one). Shared by the pure report and the SQL one.
 */
export function meetsStandard(standard: ServiceStandard, figure: PeriodFigure, previous?: PeriodFigure): boolean | null {
  return judge(standard, standard.target, figure, previous);
}

function judge(standard: ServiceStandard, target: number, figure: PeriodFigure, previous: PeriodFigure | undefined): boolean | null {
  const value = figureFraction(figure);
  const bar = threshold(standard, target, previous);
  if (value === null || bar === null) return null;
  const order = compare(value, bar);
  if (standard.comparison === 'improves') return higherIsBetter(standard) ? order > 0 : order < 0;
  return standard.comparison === 'at-least' ? order >= 0 : order <= 0;
}

/**
 * Green when met; amber when missed by no more than 5 percentage points (shares) or 10% of the
 * threshold (other measures; for 'improves' the threshold is the previous period's figure),
 * both inclusive; red when missed by more; grey when there is no data (met is null).
 */
export function ragStatus(result: StandardResult, standard: ServiceStandard): Rag {
  if (result.id !== standard.id) throw new RangeError(`Result ${result.id} is not for standard ${standard.id}`);
  if (result.met === null) return 'grey';
  if (result.met) return 'green';
  const value = figureFraction(result);
  const bar = threshold(standard, result.target, result.previous);
  if (value === null || bar === null) return 'grey';
  const tolerance = standard.measure === 'share' ? { n: 5n, d: 100n } : divide(abs(bar), { n: 10n, d: 1n });
  const within = higherIsBetter(standard)
    ? compare(value, plus(bar, negate(tolerance))) >= 0
    : compare(value, plus(bar, tolerance)) <= 0;
  return within ? 'amber' : 'red';
}

// ---------------------------------------------------------------------------------------------
// The whole set

export interface ServiceStandardsInput {
  period: Period;
  now: Date;
  calendar: WorkingDayCalendar;
  calls: readonly CallRecord[];
  contacts: readonly WrittenContactRecord[];
  cases: readonly CaseRecord[];
  /** Cases for the joint standards' previous period; defaults to `cases` (preferred: pass one list covering both periods). */
  previousPeriodCases?: readonly CaseRecord[];
  /** Defaults to `defaultStandards`; results come back in this order. */
  standards?: readonly ServiceStandard[];
}

function shareFigure(period: Period, numerator: number, denominator: number): PeriodFigure {
  return { period, numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

function countFigure(period: Period, count: number): PeriodFigure {
  return { period, numerator: count, denominator: null, value: count };
}

interface Counted {
  figure: PeriodFigure;
  members: StandardMember[];
}

function shareOf(period: Period, members: StandardMember[]): Counted {
  return { figure: shareFigure(period, members.filter((m) => m.met === true).length, members.length), members };
}

function meanOf(period: Period, members: StandardMember[]): Counted {
  const total = members.reduce((sum, m) => sum + (m.value ?? 0), 0);
  return { figure: shareFigure(period, total, members.length), members };
}

function jointFigure(id: StandardId, cases: readonly CaseRecord[], period: Period, calendar: WorkingDayCalendar): Counted {
  const evaluate = id === 'joint.average-working-days-to-allocate' ? evaluateJointAllocation : evaluateJointDecision;
  const members: StandardMember[] = [];
  for (const c of cases) {
    const e = evaluate(c, calendar);
    if (e.counted && e.countsOn !== null && isInPeriod(e.countsOn, period)) {
      members.push({ id: c.reference, met: null, value: e.workingDays });
    }
  }
  return id === 'joint.decisions' ? { figure: countFigure(period, members.length), members } : meanOf(period, members);
}

/**
 * Measures `period` against every standard (see the definitions on each evaluate function).
 * Pure: `now` only decides which open items are already missed and which days have happened.
 */
export function computeServiceStandards(input: ServiceStandardsInput): StandardResult[] {
  const { period, now, calendar } = input;
  requirePeriod(period);
  const standards = input.standards ?? defaultStandards;

  let callsInPeriod: { call: CallRecord; e: CallEvaluation }[] | undefined;
  const calls = () =>
    (callsInPeriod ??= input.calls
      .map((call) => ({ call, e: evaluateCall(call) }))
      .filter(({ e }) => isInPeriod(e.countsOn, period)));

  function closures(stage: ClosureStage, weeks: ClosureWeeks): Counted {
    const members: StandardMember[] = [];
    for (const c of input.cases) {
      const e = evaluateClosedWithinWeeks(c, weeks);
      if (e.counted && e.stage === stage && e.countsOn !== null && isInPeriod(e.countsOn, period)) {
        members.push({ id: c.reference, met: e.met, value: e.calendarDays });
      }
    }
    return shareOf(period, members);
  }

  function measure(id: StandardId): Counted & { extra?: Partial<StandardResult> } {
    switch (id) {
      case 'intake.calls-answered':
        return shareOf(period, calls().map(({ call, e }) => ({ id: call.id, met: e.answered, value: e.waitSeconds })));
      case 'intake.calls-answered-within-60s':
        return shareOf(
          period,
          calls().filter(({ e }) => e.answered).map(({ call, e }) => ({ id: call.id, met: e.answeredWithin60Seconds, value: e.waitSeconds })),
        );
      case 'intake.average-answer-seconds': {
        const answered = calls().filter(({ e }) => e.answered);
        // Sum whole milliseconds, then divide once: the total is exact.
        const totalMs = answered.reduce((sum, { call }) => sum + ((call.answeredAt as Date).getTime() - call.presentedAt.getTime()), 0);
        return {
          figure: shareFigure(period, totalMs / 1000, answered.length),
          members: answered.map(({ call, e }) => ({ id: call.id, met: null, value: e.waitSeconds })),
        };
      }
      case 'intake.written-contacts-within-24h': {
        const members: StandardMember[] = [];
        for (const contact of input.contacts) {
          const e = evaluateWrittenContact(contact, calendar, now);
          if (e.counted && isInPeriod(e.countsOn, period)) members.push({ id: contact.id, met: e.met, value: null });
        }
        return shareOf(period, members);
      }
      case 'intake.decided-or-allocated-within-20-working-days': {
        const members: StandardMember[] = [];
        for (const c of input.cases) {
          const e = evaluateTwentyWorkingDays(c, calendar, now);
          if (e.counted && isInPeriod(e.countsOn, period)) members.push({ id: c.reference, met: e.met, value: e.workingDaysTaken });
        }
        return shareOf(period, members);
      }
      case 'assessment.closed-within-13-weeks':
        return closures('assessment', 13);
      case 'assessment.closed-within-26-weeks':
        return closures('assessment', 26);
      case 'assessment.closed-within-52-weeks':
        return closures('assessment', 52);
      case 'investigation.closed-within-13-weeks':
        return closures('investigation', 13);
      case 'investigation.closed-within-26-weeks':
        return closures('investigation', 26);
      case 'investigation.closed-within-52-weeks':
        return closures('investigation', 52);
      case 'investigation.outstanding-over-52-weeks': {
        const o = outstandingOverFiftyTwoWeeks(input.cases, period, now);
        return {
          figure: { period, numerator: o.peak, denominator: null, value: o.peak },
          members: o.cases.map((c) => ({ id: c.reference, met: false, value: c.days })),
          extra: { peakOn: o.peakOn, countOnLastDay: o.countOnLastDay, lastDay: o.lastDay },
        };
      }
      case 'joint.average-working-days-to-allocate':
      case 'joint.decisions':
      case 'joint.average-working-days-to-decision': {
        const previous = jointFigure(id, input.previousPeriodCases ?? input.cases, previousPeriod(period), calendar).figure;
        return { ...jointFigure(id, input.cases, period, calendar), extra: { previous } };
      }
      default: {
        const unknown: never = id;
        throw new RangeError(`Unknown service standard: ${String(unknown)}`);
      }
    }
  }

  return standards.map((standard) => {
    const { figure, members, extra } = measure(standard.id);
    return {
      id: standard.id,
      ...figure,
      target: standard.target,
      met: judge(standard, standard.target, figure, extra?.previous),
      members,
      ...extra,
    };
  });
}
