import { sql, type RawBuilder } from 'kysely';
import type { Db } from './cases.ts';
import { addCalendarDays, calendarDaysBetween, londonDate, londonMidnight, type IsoDate } from '../../domain/london-time.ts';
import {
  computeServiceStandards,
  defaultStandards,
  evaluateCall,
  evaluateClosedWithinWeeks,
  evaluateTwentyWorkingDays,
  evaluateWrittenContact,
  previousPeriod,
  standardIds,
  type CallRecord,
  type CaseRecord,
  type Comparison,
  type Measure,
  type Period,
  type PeriodFigure,
  type RecordId,
  type ServiceStandard,
  type StandardId,
  type WrittenContactRecord,
} from '../../domain/service-standards.ts';
import { writtenChannels } from '../../domain/vocabulary.ts';
import type { WorkingDayCalendar } from '../../domain/working-days.ts';

/**
 * The service standards measured in the database: the same definitions as the pure reference in
 * src/domain/service-standards.ts (read its doc comments), computed with set-based aggregates so
 * that a year over a million cases never leaves PostgreSQL.
 *
 * Conventions:
 * - The London date of an instant x is `(x at time zone 'Europe/London')::date`, which does not
 *   depend on the session's TimeZone setting.
 * - "London date of x is in [from, to]" is written as londonMidnight(from) <= x <
 *   londonMidnight(to + 1), with both instants computed here, so the indexes on presented_at,
 *   received_at, allocated_at and closed_at are used; or, where a query joins rows to the days
 *   of the period, as `londonDay(x) between from and to`, which the indexes on the London dates
 *   of receipt and closure (migration 2026-11-26-008) serve without converting a row.
 * - Working days come from `calendar_days` (derived from bank_holidays, 1995-2045; see
 *   CalendarHolder.refresh). Records whose London dates fall outside that table are not measured.
 * - Intervals added to a timestamptz only ever have a time part (never days or months), so the
 *   addition is exact elapsed time whatever the session time zone.
 */

// ---------------------------------------------------------------------------------------------
// Configuration

const measures: readonly Measure[] = ['share', 'mean-seconds', 'peak-count', 'mean-working-days', 'count'];
const comparisons: readonly Comparison[] = ['at-least', 'at-most', 'improves'];

function isStandardId(id: string): id is StandardId {
  return (standardIds as readonly string[]).includes(id);
}

/** Writes the standards as configuration rows, in order; rows already there (by id) are left as they are. Returns the number added. */
export async function seedStandardsConfiguration(db: Db, standards: readonly ServiceStandard[] = defaultStandards): Promise<number> {
  if (standards.length === 0) return 0;
  const rows = standards.map((s, position) => ({
    id: s.id,
    position,
    description: s.description,
    measure: s.measure,
    target: s.target,
    comparison: s.comparison,
    better_when: s.betterWhen ?? null,
    unit: s.unit,
  }));
  const written = await db.insertInto('service_standards').values(rows).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
  return written.length;
}

/** The configured standards in their order, in the domain's shape. Throws on a row the code does not know how to measure. */
export async function loadStandardsConfiguration(db: Db): Promise<ServiceStandard[]> {
  const rows = await db.selectFrom('service_standards').selectAll().orderBy('position').orderBy('id').execute();
  return rows.map((row) => {
    if (!isStandardId(row.id)) throw new RangeError(`Unknown service standard in configuration: ${row.id}`);
    if (!(measures as readonly string[]).includes(row.measure)) throw new RangeError(`Unknown measure for ${row.id}: ${row.measure}`);
    if (!(comparisons as readonly string[]).includes(row.comparison)) throw new RangeError(`Unknown comparison for ${row.id}: ${row.comparison}`);
    const standard: ServiceStandard = {
      id: row.id,
      description: row.description,
      measure: row.measure as Measure,
      target: Number(row.target),
      comparison: row.comparison as Comparison,
      unit: row.unit,
    };
    if (row.better_when === 'higher' || row.better_when === 'lower') standard.betterWhen = row.better_when;
    return standard;
  });
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const WRITTEN = sql.join(writtenChannels.map((c) => sql.lit(c)));

/** The London calendar date of a timestamptz column or expression (raw SQL text). */
function londonDay(column: string): RawBuilder<IsoDate> {
  return sql.raw(`(${column} at time zone 'Europe/London')::date`);
}

function instant(d: Date): RawBuilder<Date> {
  return sql`${d}::timestamptz`;
}

function day(d: IsoDate): RawBuilder<IsoDate> {
  return sql`${d}::date`;
}

/** [start, end): the instants whose London dates fall in the period. */
interface Bounds {
  start: Date;
  end: Date;
}

function boundsOf(period: Period): Bounds {
  return { start: londonMidnight(period.from), end: londonMidnight(addCalendarDays(period.to, 1)) };
}

function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new RangeError(`Not a number from the database: ${String(value)}`);
  return n;
}

function shareFigure(period: Period, numerator: number, denominator: number): PeriodFigure {
  return { period, numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

function countFigure(period: Period, count: number): PeriodFigure {
  return { period, numerator: count, denominator: null, value: count };
}

// ---------------------------------------------------------------------------------------------
// Aggregates

/** One standard's figure for the period, as `StandardResult` without the judgement. */
export interface StandardAggregate extends PeriodFigure {
  /** 'improves' standards: the same figure for previousPeriod(period). */
  previous?: PeriodFigure;
  /** Peak count only (see StandardResult). */
  peakOn?: IsoDate | null;
  countOnLastDay?: number | null;
  lastDay?: IsoDate | null;
}

export type StandardAggregates = { [K in StandardId]?: StandardAggregate };

export interface AggregateOptions {
  period: Period;
  /** Decides which open items are already missed and which days of the period have happened. */
  now: Date;
  /** Only these standards (default: all); the queries the others need are skipped. */
  ids?: readonly StandardId[];
}

type Group = 'calls' | 'contacts' | 'received' | 'closed' | 'peak' | 'joint';

const groupOf: Record<StandardId, Group> = {
  'intake.calls-answered': 'calls',
  'intake.calls-answered-within-60s': 'calls',
  'intake.average-answer-seconds': 'calls',
  'intake.written-contacts-within-24h': 'contacts',
  'intake.decided-or-allocated-within-20-working-days': 'received',
  'assessment.closed-within-13-weeks': 'closed',
  'assessment.closed-within-26-weeks': 'closed',
  'assessment.closed-within-52-weeks': 'closed',
  'investigation.closed-within-13-weeks': 'closed',
  'investigation.closed-within-26-weeks': 'closed',
  'investigation.closed-within-52-weeks': 'closed',
  'investigation.outstanding-over-52-weeks': 'peak',
  'joint.average-working-days-to-allocate': 'joint',
  'joint.decisions': 'joint',
  'joint.average-working-days-to-decision': 'joint',
};

async function callFigures(db: Db, period: Period, b: Bounds): Promise<StandardAggregates> {
  // Waits are summed as whole milliseconds and divided by 1000 once, as the pure version does.
  // Summed as intervals (exact microseconds, no month part) and converted to a number once: the
  // same total as converting each wait, without a numeric multiplication on every call.
  const { rows } = await sql<{ presented: number; answered: number; within: number; wait_ms: number | string | null }>`
    select count(*) as presented,
           count(answered_at) as answered,
           count(*) filter (where answered_at <= presented_at + interval '60 seconds') as within,
           extract(epoch from sum(answered_at - presented_at)) * 1000 as wait_ms
      from calls
     where presented_at >= ${instant(b.start)} and presented_at < ${instant(b.end)}`.execute(db);
  const r = rows[0];
  const presented = num(r?.presented);
  const answered = num(r?.answered);
  return {
    'intake.calls-answered': shareFigure(period, answered, presented),
    'intake.calls-answered-within-60s': shareFigure(period, num(r?.within), answered),
    'intake.average-answer-seconds': shareFigure(period, num(r?.wait_ms) / 1000, answered),
  };
}

/**
 * The days of the period, each with London instants worked out once per day rather than once per
 * row (a time zone conversion costs more than the rest of a row's work): the midnight that
 * starts the next day, the one that starts the next working day, the one that ends the 20th
 * working day, and the earliest receipt that still closes within 13, 26 or 52 weeks. Joined on
 * the London date of each row, which the London-date indexes hold, so a row needs no conversion.
 *
 * `offset 0` keeps the subquery from being merged into the query that joins it: merged, its
 * columns are expressions that PostgreSQL evaluates again for every joined row wherever they are
 * used (the year's closures converted six instants a row), not once per day.
 */
function periodDays(period: Period): RawBuilder<unknown> {
  const midnight = (date: string) => sql.raw(`((${date})::timestamp at time zone 'Europe/London')`);
  return sql`(select day, working, twentieth_working_day,
            ${midnight('day + 1')} as next_midnight,
            ${midnight('next_working_day')} as next_working_midnight,
            ${midnight('twentieth_working_day + 1')} as twentieth_ends,
            ${midnight('day - 90')} as received_from_13,
            ${midnight('day - 181')} as received_from_26,
            ${midnight('day - 363')} as received_from_52
       from calendar_days
      where day between ${day(period.from)} and ${day(period.to)}
     offset 0)`;
}

/** London date of `column` within the period: the condition the London-date indexes serve. */
function londonDayIn(column: string, period: Period): RawBuilder<boolean> {
  return sql`${londonDay(column)} between ${day(period.from)} and ${day(period.to)}`;
}

/**
 * calendar.addWorkingHours(receivedAt, 24), exactly as working-days.ts works it out (a day's 24
 * working hours run on the London wall clock, and the clock only runs on working days):
 * - received on a working day with 24 hours or less left before the next London midnight (that
 *   is, at exactly 00:00 on a 24-hour day): due = receivedAt + 24 h, the following midnight, not
 *   the start of the next working day;
 * - received at any other time on a working day: due = the midnight starting the next working
 *   day + the part of the 24 hours not used on the day of receipt (the same wall-clock time,
 *   working days never being clock-change days);
 * - received on a day that is not a working day: due = the midnight starting the next working
 *   day + 24 h (00:00 on the day after it).
 * `pd` is the periodDays row of the London date of receipt, `k.received_at` the receipt. The
 * intervals added are under 24 hours and have no day part, so they are exact elapsed time.
 */
const WRITTEN_CONTACT_DUE = sql.raw(`case
      when pd.working and k.received_at + interval '24 hours' <= pd.next_midnight
        then k.received_at + interval '24 hours'
      when pd.working
        then pd.next_working_midnight + ((k.received_at + interval '24 hours') - pd.next_midnight)
      else pd.next_working_midnight + interval '24 hours'
    end`);

async function contactFigures(db: Db, period: Period, now: Date): Promise<StandardAggregates> {
  const { rows } = await sql<{ counted: number; met: number }>`
    select count(*) filter (where dealt_with_at is not null or due < ${instant(now)}) as counted,
           count(*) filter (where dealt_with_at <= due) as met
      from (select k.dealt_with_at, ${WRITTEN_CONTACT_DUE} as due
              from contacts k
              join ${periodDays(period)} pd on pd.day = ${londonDay('k.received_at')}
             where k.channel in (${WRITTEN})
               and ${londonDayIn('k.received_at', period)}) x`.execute(db);
  const r = rows[0];
  return { 'intake.written-contacts-within-24h': shareFigure(period, num(r?.met), num(r?.counted)) };
}

async function receivedFigures(db: Db, period: Period, now: Date): Promise<StandardAggregates> {
  // least() skips nulls: the earlier milestone, or the only one. Its London date is on or
  // before the 20th working day exactly when it comes before the midnight ending that day.
  const { rows } = await sql<{ counted: number; met: number }>`
    select count(*) filter (where milestone is not null or ${day(londonDate(now))} > pd.twentieth_working_day) as counted,
           count(*) filter (where milestone < pd.twentieth_ends) as met
      from (select received_at, least(assessment_decided_at, allocated_at) as milestone
              from cases
             where ${londonDayIn('received_at', period)}) c
      join ${periodDays(period)} pd on pd.day = ${londonDay('c.received_at')}`.execute(db);
  const r = rows[0];
  return { 'intake.decided-or-allocated-within-20-working-days': shareFigure(period, num(r?.met), num(r?.counted)) };
}

const closureStandards = [
  ['assessment', 13],
  ['assessment', 26],
  ['assessment', 52],
  ['investigation', 13],
  ['investigation', 26],
  ['investigation', 52],
] as const;

async function closureFigures(db: Db, period: Period): Promise<StandardAggregates> {
  // date(closed) - date(received) < 91 exactly when date(received) >= date(closed) - 90, that is
  // when received_at is at or after the London midnight starting date(closed) - 90.
  const { rows } = await sql<Record<string, number>>`
    select count(*) filter (where allocated_at is null) as assessment,
           count(*) filter (where allocated_at is null and received_at >= received_from_13) as assessment_13,
           count(*) filter (where allocated_at is null and received_at >= received_from_26) as assessment_26,
           count(*) filter (where allocated_at is null and received_at >= received_from_52) as assessment_52,
           count(*) filter (where allocated_at is not null) as investigation,
           count(*) filter (where allocated_at is not null and received_at >= received_from_13) as investigation_13,
           count(*) filter (where allocated_at is not null and received_at >= received_from_26) as investigation_26,
           count(*) filter (where allocated_at is not null and received_at >= received_from_52) as investigation_52
      from cases c
      join ${periodDays(period)} pd on pd.day = ${londonDay('c.closed_at')}
     where ${londonDayIn('c.closed_at', period)}`.execute(db);
  const r = rows[0] ?? {};
  const result: StandardAggregates = {};
  for (const [stage, weeks] of closureStandards) {
    result[`${stage}.closed-within-${weeks}-weeks` as const] = shareFigure(period, num(r[`${stage}_${weeks}`]), num(r[stage]));
  }
  return result;
}

/** The last day the peak is measured to (the earlier of period.to and London today), or null if the period has not begun. */
function lastDayMeasured(period: Period, now: Date): IsoDate | null {
  const today = londonDate(now);
  const lastDay = period.to < today ? period.to : today;
  return lastDay < period.from ? null : lastDay;
}

/**
 * Cases that can be held in investigation over 52 weeks on a day from period.from to lastDay:
 * allocated by lastDay, 365 days old by lastDay, and not closed on or before period.from.
 * Unqualified column names, for use on `cases` or a row set with its columns.
 */
function peakCandidates(period: Period, lastDay: IsoDate | null): RawBuilder<unknown> {
  if (lastDay === null) return sql`false`;
  const l = peakLimits(period, lastDay);
  return sql`(allocated_at is not null
    and allocated_at < ${instant(l.allocatedBefore)}
    and received_at < ${instant(l.receivedBefore)}
    and (closed_at is null or closed_at >= ${instant(l.openFrom)}))`;
}

/** The instants peakCandidates compares with. */
function peakLimits(period: Period, lastDay: IsoDate): { allocatedBefore: Date; receivedBefore: Date; openFrom: Date } {
  return {
    allocatedBefore: londonMidnight(addCalendarDays(lastDay, 1)),
    receivedBefore: londonMidnight(addCalendarDays(lastDay, -364)),
    openFrom: londonMidnight(addCalendarDays(period.from, 1)),
  };
}

/**
 * The peakCandidates cases (received_at, allocated_at, closed_at) that can be held on a day
 * measured, as a union of the two halves of its `closed_at is null or ...`, each an index-only
 * range scan of cases_allocated_closed_idx (allocated cases by closure): the OR itself is not an
 * index range and read the whole table.
 *
 * A closed case is held on some day only if its London date of closure is at least 366 days
 * after its London date of receipt, so more than 365 days less an hour (one clock change) after
 * receipt in elapsed time. Those closed within 364 days (8736 hours) never are: leaving them out
 * here (nine in ten) saves converting their dates, and the sweep's own test (s < e) still
 * decides exactly.
 */
function heldCases(period: Period, lastDay: IsoDate | null): RawBuilder<unknown> {
  const allocated = sql`select received_at, allocated_at, closed_at from cases where allocated_at is not null`;
  if (lastDay === null) return sql`${allocated} and false`;
  const l = peakLimits(period, lastDay);
  const held = sql`${allocated} and allocated_at < ${instant(l.allocatedBefore)} and received_at < ${instant(l.receivedBefore)}`;
  return sql`${held} and closed_at >= ${instant(l.openFrom)} and closed_at > received_at + interval '8736 hours'
      union all
      ${held} and closed_at is null`;
}

interface PeakAndJointRow {
  peak: number | null;
  peak_index: number | null;
  on_last_day: number | null;
  [column: string]: number | string | null;
}

/**
 * The 52-week peak and the joint working figures, in one statement: the cases held come from
 * heldCases, the joint cases from the small index of joint cases (cases_joint_idx).
 *
 * The peak is a sweep: each case held adds +1 on the first day of the period it is held over 52
 * weeks and -1 on the day it stops (day numbers relative to period.from, clipped to the days
 * measured); a running sum over the distinct change days gives the count on each of them, and the
 * count only changes on those days. Never days x cases.
 *
 * Joint working days: workingDaysBetween(a, b) = working days in (a, b] =
 * working_day_number(b) - working_day_number(a); the previous period ends where this one starts.
 */
async function peakAndJointFigures(db: Db, period: Period, b: Bounds, now: Date, want: { peak: boolean; joint: boolean }): Promise<StandardAggregates> {
  const before = previousPeriod(period);
  const p = boundsOf(before);
  const lastDay = want.peak ? lastDayMeasured(period, now) : null;
  if (lastDay === null && !want.joint) return want.peak ? peakResult(period, null, undefined) : {};
  const days = lastDay === null ? 0 : calendarDaysBetween(period.from, lastDay) + 1;
  const joint = want.joint
    ? sql`((allocated_at >= ${instant(p.start)} and allocated_at < ${instant(b.end)})
                  or (closed_at >= ${instant(p.start)} and closed_at < ${instant(b.end)} and outcome is not null))`
    : sql`false`;
  const inPeriod = (column: string, bounds: Bounds) => sql`${sql.ref(column)} >= ${instant(bounds.start)} and ${sql.ref(column)} < ${instant(bounds.end)}`;
  const { rows } = await sql<PeakAndJointRow>`
    with held as (
      ${heldCases(period, lastDay)}
    ),
    spans as (
      select greatest(0, greatest(${londonDay('allocated_at')}, ${londonDay('received_at')} + 365) - ${day(period.from)}) as s,
             coalesce(least(${days}::int, ${londonDay('closed_at')} - ${day(period.from)}), ${days}::int) as e
        from held
    ),
    changes as (
      select s as d, 1 as delta from spans where s < e
      union all
      select e as d, -1 as delta from spans where s < e and e < ${days}::int
    ),
    running as (
      select d, sum(sum(delta)) over (order by d) as n from changes group by d
    ),
    jointly as (
      select c.allocated_at, c.closed_at, c.outcome is not null as decided,
             a.working_day_number - r.working_day_number as to_allocation,
             z.working_day_number - r.working_day_number as to_decision
        from cases c
        join calendar_days r on r.day = ${londonDay('c.received_at')}
        left join calendar_days a on a.day = ${londonDay('c.allocated_at')}
        left join calendar_days z on z.day = ${londonDay('c.closed_at')}
       where c.joint and ${joint}
    )
    select (select max(n) from running) as peak,
           (select min(d) from running where n = (select max(n) from running)) as peak_index,
           (select sum(delta) from changes) as on_last_day,
           j.*
      from (select count(*) filter (where ${inPeriod('allocated_at', b)}) as allocated,
                   sum(to_allocation) filter (where ${inPeriod('allocated_at', b)}) as allocated_days,
                   count(*) filter (where ${inPeriod('allocated_at', p)}) as allocated_before,
                   sum(to_allocation) filter (where ${inPeriod('allocated_at', p)}) as allocated_days_before,
                   count(*) filter (where decided and ${inPeriod('closed_at', b)}) as decided,
                   sum(to_decision) filter (where decided and ${inPeriod('closed_at', b)}) as decided_days,
                   count(*) filter (where decided and ${inPeriod('closed_at', p)}) as decided_before,
                   sum(to_decision) filter (where decided and ${inPeriod('closed_at', p)}) as decided_days_before
              from jointly) j`.execute(db);
  const r = rows[0];
  const result: StandardAggregates = want.peak ? peakResult(period, lastDay, r) : {};
  if (want.joint) {
    Object.assign(result, {
      'joint.average-working-days-to-allocate': {
        ...shareFigure(period, num(r?.allocated_days), num(r?.allocated)),
        previous: shareFigure(before, num(r?.allocated_days_before), num(r?.allocated_before)),
      },
      'joint.decisions': { ...countFigure(period, num(r?.decided)), previous: countFigure(before, num(r?.decided_before)) },
      'joint.average-working-days-to-decision': {
        ...shareFigure(period, num(r?.decided_days), num(r?.decided)),
        previous: shareFigure(before, num(r?.decided_days_before), num(r?.decided_before)),
      },
    } satisfies StandardAggregates);
  }
  return result;
}

function peakResult(period: Period, lastDay: IsoDate | null, r: PeakAndJointRow | undefined): StandardAggregates {
  if (lastDay === null) {
    return {
      'investigation.outstanding-over-52-weeks': {
        period, numerator: null, denominator: null, value: null, peakOn: null, countOnLastDay: null, lastDay: null,
      },
    };
  }
  // The count is 0 before the first change, so the peak is at least 0 and, when 0, first reached on day 0.
  const peak = Math.max(0, r?.peak === null || r?.peak === undefined ? 0 : num(r.peak));
  const peakIndex = peak === 0 ? 0 : num(r?.peak_index);
  return {
    'investigation.outstanding-over-52-weeks': {
      period,
      numerator: peak,
      denominator: null,
      value: peak,
      peakOn: addCalendarDays(period.from, peakIndex),
      countOnLastDay: num(r?.on_last_day),
      lastDay,
    },
  };
}

/**
 * Every standard's numerator, denominator and value for the period, computed in the database
 * (one aggregate query per group of standards, run concurrently where the connection pool
 * allows). Agrees exactly with computeServiceStandards over the same rows.
 */
export async function aggregateServiceStandards(db: Db, options: AggregateOptions): Promise<StandardAggregates> {
  const { period, now } = options;
  previousPeriod(period); // validates the period
  const b = boundsOf(period);
  const groups = new Set((options.ids ?? standardIds).map((id) => groupOf[id]));
  const work: Promise<StandardAggregates>[] = [];
  if (groups.has('calls')) work.push(callFigures(db, period, b));
  if (groups.has('contacts')) work.push(contactFigures(db, period, now));
  if (groups.has('received')) work.push(receivedFigures(db, period, now));
  if (groups.has('closed')) work.push(closureFigures(db, period));
  if (groups.has('peak') || groups.has('joint')) {
    work.push(peakAndJointFigures(db, period, b, now, { peak: groups.has('peak'), joint: groups.has('joint') }));
  }
  const all: StandardAggregates = Object.assign({}, ...(await Promise.all(work)));
  if (options.ids === undefined) return all;
  const chosen: StandardAggregates = {};
  for (const id of options.ids) chosen[id] = all[id];
  return chosen;
}

// ---------------------------------------------------------------------------------------------
// Loading rows for the pure computations

interface CaseDetailRow {
  id: number;
  reference: string;
  received_at: Date;
  joint: boolean;
  assessment_decided_at: Date | null;
  allocated_at: Date | null;
  closed_at: Date | null;
  outcome: string | null;
  team: string;
  owner_name: string | null;
}

function caseRecord(row: CaseDetailRow): CaseRecord {
  return {
    reference: row.reference,
    receivedAt: row.received_at,
    joint: row.joint,
    assessmentDecidedAt: row.assessment_decided_at,
    allocatedAt: row.allocated_at,
    closedAt: row.closed_at,
    outcome: row.outcome,
  };
}

async function loadCalls(db: Db, b: Bounds): Promise<CallRecord[]> {
  const rows = await db
    .selectFrom('calls')
    .select(['call_id', 'presented_at', 'answered_at'])
    .where('presented_at', '>=', b.start)
    .where('presented_at', '<', b.end)
    .orderBy('presented_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.call_id, presentedAt: r.presented_at, answeredAt: r.answered_at }));
}

async function loadWrittenContacts(db: Db, b: Bounds): Promise<WrittenContactRecord[]> {
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'channel', 'received_at', 'dealt_with_at'])
    .where('channel', 'in', [...writtenChannels])
    .where('received_at', '>=', b.start)
    .where('received_at', '<', b.end)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, channel: r.channel, receivedAt: r.received_at, dealtWithAt: r.dealt_with_at }));
}

/** Cases matching a raw condition on `c`, with their team and owner's name, in order of receipt. */
async function loadCases(db: Db, condition: RawBuilder<unknown>): Promise<CaseDetailRow[]> {
  const { rows } = await sql<CaseDetailRow>`
    select c.id, c.reference, c.received_at, c.joint, c.assessment_decided_at, c.allocated_at, c.closed_at, c.outcome,
           c.team, u.display_name as owner_name
      from cases c
      left join staff_users u on u.id = c.owner_id
     where ${condition}
     order by c.received_at, c.id`.execute(db);
  return rows;
}

function inRange(column: string, b: Bounds): RawBuilder<unknown> {
  return sql`(${sql.ref(column)} >= ${instant(b.start)} and ${sql.ref(column)} < ${instant(b.end)})`;
}

export interface PeriodRecords {
  calls: CallRecord[];
  contacts: WrittenContactRecord[];
  /** Every case any standard needs for the period and, for joint working, the previous period. */
  cases: CaseRecord[];
}

/**
 * The rows computeServiceStandards needs for one period: calls and written contacts of the
 * period; cases received or closed in it; joint cases allocated or decided in it or in the
 * previous period; and cases that may be held in investigation over 52 weeks on one of its days.
 * For small reports and tests: a year of a large scheme belongs in aggregateServiceStandards.
 */
export async function loadPeriodRecords(db: Db, period: Period): Promise<PeriodRecords> {
  const b = boundsOf(period);
  const joint = { start: boundsOf(previousPeriod(period)).start, end: b.end };
  const [calls, contacts, cases] = await Promise.all([
    loadCalls(db, b),
    loadWrittenContacts(db, b),
    loadCases(db, sql`${inRange('c.received_at', b)}
      or ${inRange('c.closed_at', b)}
      or (c.joint and (${inRange('c.allocated_at', joint)} or ${inRange('c.closed_at', joint)}))
      or ${peakCandidates(period, period.to)}`),
  ]);
  return { calls, contacts, cases: cases.map(caseRecord) };
}

// ---------------------------------------------------------------------------------------------
// Drilling down

/** One record behind a standard's figure, with what a caseworker needs to follow it up. */
export interface StandardRecordRow {
  /** The call's call_id, the contact's id or the case's reference. */
  id: RecordId;
  kind: 'call' | 'contact' | 'case';
  /** Cases only. */
  caseId: number | null;
  team: string | null;
  ownerName: string | null;
  /** When the call was presented, or the contact or case received. */
  received: Date;
  /** The instant by which it had to be done: calls within 60 seconds, written contacts. */
  dueAt: Date | null;
  /**
   * The last day on which doing it still met the standard: the 20th working day; for closures
   * the day before the 13, 26 or 52 weeks are up; for the 52-week peak the last day before the
   * case turned 52 weeks old.
   */
  dueOn: IsoDate | null;
  /** What counts: answered, dealt with, decided or allocated (the earlier), closed, allocated. */
  milestone: Date | null;
  /** As StandardMember.met: false for a miss, null where the record feeds a mean or a count. */
  met: boolean | null;
  /** As StandardMember.value. */
  value: number | null;
}

export interface StandardRecords {
  standardId: StandardId;
  period: Period;
  /** Records counted in the figure. */
  total: number;
  /** Of which missed (met false). */
  missed: number;
  /** Missed first, then met, then those that feed a mean or count; each in order of receipt. */
  rows: StandardRecordRow[];
}

export interface StandardRecordsOptions {
  standardId: StandardId;
  period: Period;
  now: Date;
  calendar: WorkingDayCalendar;
  limit: number;
  offset: number;
}

function standardById(id: StandardId): ServiceStandard {
  const standard = defaultStandards.find((s) => s.id === id);
  if (!standard) throw new RangeError(`Unknown service standard: ${id}`);
  return standard;
}

function earliest(...instants: (Date | null)[]): Date | null {
  let first: Date | null = null;
  for (const d of instants) if (d !== null && (first === null || d.getTime() < first.getTime())) first = d;
  return first;
}

const metOrder = (met: boolean | null): number => (met === false ? 0 : met === true ? 1 : 2);

/**
 * The records that counted towards one standard in the period, missed first, a page at a time.
 * Loads only that period's rows and evaluates them with the pure domain functions, so the
 * membership is by definition the reference one.
 */
export async function missedAndCounted(db: Db, options: StandardRecordsOptions): Promise<StandardRecords> {
  const { standardId, period, now, calendar } = options;
  const standard = standardById(standardId);
  const b = boundsOf(period);
  const group = groupOf[standardId];
  const details = new Map<RecordId, Omit<StandardRecordRow, 'met' | 'value'>>();
  let calls: CallRecord[] = [];
  let contacts: WrittenContactRecord[] = [];
  let cases: CaseDetailRow[] = [];

  if (group === 'calls') {
    calls = await loadCalls(db, b);
    for (const call of calls) {
      const e = evaluateCall(call);
      details.set(call.id, {
        id: call.id, kind: 'call', caseId: null, team: null, ownerName: null, received: call.presentedAt,
        dueAt: standardId === 'intake.calls-answered-within-60s' ? new Date(call.presentedAt.getTime() + 60_000) : null,
        dueOn: null, milestone: e.answered ? call.answeredAt : null,
      });
    }
  } else if (group === 'contacts') {
    contacts = await loadWrittenContacts(db, b);
    for (const contact of contacts) {
      const e = evaluateWrittenContact(contact, calendar, now);
      details.set(contact.id, {
        id: contact.id, kind: 'contact', caseId: null, team: null, ownerName: null, received: contact.receivedAt,
        dueAt: e.due, dueOn: null, milestone: contact.dealtWithAt,
      });
    }
  } else {
    let condition: RawBuilder<unknown>;
    if (group === 'received') condition = inRange('c.received_at', b);
    else if (group === 'closed') {
      condition = sql`${inRange('c.closed_at', b)} and c.allocated_at is ${sql.raw(standardId.startsWith('assessment.') ? 'null' : 'not null')}`;
    } else if (group === 'peak') {
      condition = peakCandidates(period, lastDayMeasured(period, now));
    } else if (standardId === 'joint.average-working-days-to-allocate') condition = sql`c.joint and ${inRange('c.allocated_at', b)}`;
    else condition = sql`c.joint and c.outcome is not null and ${inRange('c.closed_at', b)}`;
    cases = await loadCases(db, condition);
    for (const row of cases) {
      const c = caseRecord(row);
      const receivedOn = londonDate(c.receivedAt);
      let dueOn: IsoDate | null = null;
      let milestone: Date | null = c.closedAt;
      if (group === 'received') {
        dueOn = evaluateTwentyWorkingDays(c, calendar, now).dueOn;
        milestone = earliest(c.assessmentDecidedAt, c.allocatedAt);
      } else if (group === 'closed') {
        const weeks = Number(/(\d+)-weeks$/.exec(standardId)?.[1]) as 13 | 26 | 52;
        dueOn = addCalendarDays(receivedOn, evaluateClosedWithinWeeks(c, weeks).limitDays - 1);
      } else if (group === 'peak') {
        dueOn = addCalendarDays(receivedOn, 364);
      } else if (standardId === 'joint.average-working-days-to-allocate') {
        milestone = c.allocatedAt;
      }
      details.set(c.reference, {
        id: c.reference, kind: 'case', caseId: row.id, team: row.team, ownerName: row.owner_name, received: c.receivedAt,
        dueAt: null, dueOn, milestone,
      });
    }
  }

  const [result] = computeServiceStandards({
    period, now, calendar, calls, contacts, cases: cases.map(caseRecord), standards: [standard],
  });
  const members = result?.members ?? [];
  const rows: StandardRecordRow[] = [];
  for (const m of members) {
    const detail = details.get(m.id);
    if (detail) rows.push({ ...detail, met: m.met, value: m.value });
  }
  rows.sort((x, y) =>
    metOrder(x.met) - metOrder(y.met)
    || x.received.getTime() - y.received.getTime()
    || String(x.id).localeCompare(String(y.id)));
  const limit = Math.max(0, Math.trunc(options.limit));
  const offset = Math.max(0, Math.trunc(options.offset));
  return {
    standardId,
    period,
    total: rows.length,
    missed: rows.filter((r) => r.met === false).length,
    rows: rows.slice(offset, offset + limit),
  };
}

// ---------------------------------------------------------------------------------------------
// Cases at risk

export type RiskMark = '20 working days' | '13 weeks' | '26 weeks' | '52 weeks';

export interface CaseAtRisk {
  caseId: number;
  reference: string;
  stage: string;
  team: string;
  ownerId: number | null;
  ownerName: string | null;
  /** The standard the case will miss unless something happens by dueOn. */
  standardId: StandardId;
  mark: RiskMark;
  receivedOn: IsoDate;
  /**
   * The last day on which deciding or allocating (20 working days) or closing (13, 26, 52 weeks)
   * still meets the standard: the 20th working day after receipt, or receipt + 90, 181 or 363
   * calendar days.
   */
  dueOn: IsoDate;
}

export interface CasesAtRiskOptions {
  /** London today. */
  today: IsoDate;
  calendar: WorkingDayCalendar;
  /** Due from today to this many working days after today, both included (default 5). */
  withinWorkingDays?: number;
}

/**
 * Open cases about to miss a standard: those with no assessment decision and no allocation whose
 * 20th working day falls from today to `withinWorkingDays` working days on; and those whose last
 * day to close within 13, 26 or 52 weeks (assessment if never allocated, else investigation)
 * falls in the same window. Already missed ones are not at risk any more and are left out.
 * Ordered by due date, then reference.
 */
export async function casesAtRisk(db: Db, options: CasesAtRiskOptions): Promise<CaseAtRisk[]> {
  const { today, calendar } = options;
  const horizon = calendar.addWorkingDays(today, options.withinWorkingDays ?? 5);
  const open = sql`c.closed_at is null`;
  const columns = sql`c.id, c.reference, c.stage, c.team, c.owner_id, u.display_name as owner_name,
    ${londonDay('c.received_at')} as received_on`;
  // 20th working day: twentieth_working_day never decreases with the day, so the receipts that
  // can be due from today on start at the first day whose 20th working day is today or later.
  const twenty = sql`
    select ${columns}, 'intake.decided-or-allocated-within-20-working-days'::text as standard_id, '20 working days'::text as mark,
           cd.twentieth_working_day as due_on
      from cases c
      join calendar_days cd on cd.day = ${londonDay('c.received_at')}
      left join staff_users u on u.id = c.owner_id
     where ${open} and c.assessment_decided_at is null and c.allocated_at is null
       and c.received_at >= ((select min(day) from calendar_days where twentieth_working_day >= ${day(today)})::timestamp at time zone 'Europe/London')
       and c.received_at < ${instant(londonMidnight(horizon))}
       and cd.twentieth_working_day between ${day(today)} and ${day(horizon)}`;
  const weeks = ([13, 26, 52] as const).map((w) => {
    const lastDays = w * 7 - 1; // due = received + lastDays
    return sql`
      select ${columns},
             case when c.allocated_at is null then ${sql.lit(`assessment.closed-within-${w}-weeks`)}
                  else ${sql.lit(`investigation.closed-within-${w}-weeks`)} end as standard_id,
             ${sql.lit(`${w} weeks`)} as mark,
             ${londonDay('c.received_at')} + ${lastDays}::int as due_on
        from cases c
        left join staff_users u on u.id = c.owner_id
       where ${open}
         and c.received_at >= ${instant(londonMidnight(addCalendarDays(today, -lastDays)))}
         and c.received_at < ${instant(londonMidnight(addCalendarDays(horizon, -lastDays + 1)))}`;
  });
  const { rows } = await sql<{
    id: number; reference: string; stage: string; team: string; owner_id: number | null; owner_name: string | null;
    received_on: IsoDate; standard_id: string; mark: string; due_on: IsoDate;
  }>`select * from (${sql.join([twenty, ...weeks], sql` union all `)}) risk order by due_on, reference, standard_id`.execute(db);
  return rows.map((r) => {
    if (!isStandardId(r.standard_id)) throw new RangeError(`Unexpected standard ${r.standard_id}`);
    return {
      caseId: r.id,
      reference: r.reference,
      stage: r.stage,
      team: r.team,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      standardId: r.standard_id,
      mark: r.mark as RiskMark,
      receivedOn: r.received_on,
      dueOn: r.due_on,
    };
  });
}
