import type { Kysely } from 'kysely';
import type { Database } from '../data/schema.ts';
import { readerOf } from './deps.ts';
import {
  aggregateServiceStandards,
  casesAtRisk,
  loadStandardsConfiguration,
  missedAndCounted,
  type CaseAtRisk,
  type StandardAggregate,
  type StandardRecords,
} from '../data/repositories/service-standards.ts';
import { addCalendarDays, formatLondonDate, isValidIsoDate, londonDate, type IsoDate } from '../domain/london-time.ts';
import {
  defaultStandards,
  meetsStandard,
  periodPresets,
  previousPeriod,
  ragStatus,
  type Comparison,
  type Measure,
  type Period,
  type PeriodFigure,
  type PeriodPreset,
  type Rag,
  type ServiceStandard,
  type StandardId,
  type StandardResult,
} from '../domain/service-standards.ts';
import type { WorkingDayCalendar } from '../domain/working-days.ts';
import { CALENDAR_FROM, CALENDAR_TO } from './bank-holidays.ts';
import type { Clock } from './clock.ts';
import { invalid } from './errors.ts';

export interface ReportDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** The current working-day calendar (the database's calendar_days table is built from the same holidays). */
  calendar: () => WorkingDayCalendar;
}

export interface ReportLine {
  id: StandardId;
  description: string;
  measure: Measure;
  /** What the figure counts or measures: "of calls presented", "seconds", "working days". */
  unit: string;
  /** Shares: records that met it; means: the total (seconds or working days); counts and peaks: the figure itself. null where no day was measured. */
  numerator: number | null;
  /** Records counted; null for counts and peaks. */
  denominator: number | null;
  /** Shares as a fraction 0..1, means in seconds or working days, counts as numbers; null where nothing counted. */
  value: number | null;
  target: number;
  comparison: Comparison;
  betterWhen?: 'higher' | 'lower';
  met: boolean | null;
  rag: Rag;
  /** 'improves' standards: the same figure for the previous period of the same length. */
  previous?: PeriodFigure;
  /** Peak count only. */
  peakOn?: IsoDate | null;
  countOnLastDay?: number | null;
  lastDay?: IsoDate | null;
}

export interface ServiceStandardsReport {
  from: IsoDate;
  to: IsoDate;
  /** `now` the report was measured at: open items past due by then are misses. */
  measuredAt: Date;
  standards: ReportLine[];
}

// Judging a figure is the domain's rule, exported here for callers of the report.
export { meetsStandard };

function reportLine(standard: ServiceStandard, period: Period, aggregate: StandardAggregate): ReportLine {
  const { numerator, denominator, value, previous, peakOn, countOnLastDay, lastDay } = aggregate;
  const met = meetsStandard(standard, aggregate, previous);
  const result: StandardResult = {
    id: standard.id, period, numerator, denominator, value, target: standard.target, met,
    ...(previous === undefined ? {} : { previous }),
  };
  return {
    id: standard.id,
    description: standard.description,
    measure: standard.measure,
    unit: standard.unit,
    numerator,
    denominator,
    value,
    target: standard.target,
    comparison: standard.comparison,
    ...(standard.betterWhen === undefined ? {} : { betterWhen: standard.betterWhen }),
    met,
    rag: ragStatus(result, standard),
    ...(previous === undefined ? {} : { previous }),
    ...(standard.measure === 'peak-count' ? { peakOn: peakOn ?? null, countOnLastDay: countOnLastDay ?? null, lastDay: lastDay ?? null } : {}),
  };
}

async function configuredStandards(deps: ReportDeps): Promise<readonly ServiceStandard[]> {
  const configured = await loadStandardsConfiguration(deps.db);
  return configured.length > 0 ? configured : defaultStandards;
}

/**
 * The period measured against every configured standard (the defaults when none are
 * configured), in their configured order, computed in the database.
 */
export async function serviceStandardsReport(deps: ReportDeps, period: Period): Promise<ServiceStandardsReport> {
  const now = deps.clock.now();
  const standards = await configuredStandards(deps);
  const aggregates = await aggregateServiceStandards(readerOf(deps), { period, now, ids: standards.map((s) => s.id) });
  return {
    from: period.from,
    to: period.to,
    measuredAt: now,
    standards: standards.map((standard) => {
      const aggregate = aggregates[standard.id];
      if (!aggregate) throw new Error(`No figure for ${standard.id}`);
      return reportLine(standard, period, aggregate);
    }),
  };
}

export interface TrendPoint {
  period: Period;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  target: number;
  met: boolean | null;
  rag: Rag;
}

/** One standard month by month (or over any list of periods), for a dashboard chart. */
export async function monthlyTrend(deps: ReportDeps, standardId: StandardId, months: readonly Period[]): Promise<TrendPoint[]> {
  const standard = (await configuredStandards(deps)).find((s) => s.id === standardId)
    ?? defaultStandards.find((s) => s.id === standardId);
  if (!standard) throw new RangeError(`Unknown service standard: ${standardId}`);
  const now = deps.clock.now();
  const points: TrendPoint[] = new Array<TrendPoint>(months.length);
  // A few months at a time: quicker on a connection pool without taking all of it.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < months.length; i = next++) {
      const period = months[i] as Period;
      const aggregate = (await aggregateServiceStandards(readerOf(deps), { period, now, ids: [standardId] }))[standardId];
      if (!aggregate) throw new Error(`No figure for ${standardId}`);
      const line = reportLine(standard, period, aggregate);
      points[i] = {
        period, numerator: line.numerator, denominator: line.denominator, value: line.value, target: line.target, met: line.met, rag: line.rag,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(TREND_CONCURRENCY, months.length) }, worker));
  return points;
}

const TREND_CONCURRENCY = 3;

/** The records behind one standard's figure for the period, missed first, measured now (see missedAndCounted). */
export async function standardRecords(
  deps: ReportDeps, standardId: StandardId, period: Period, page: { limit: number; offset: number },
): Promise<StandardRecords> {
  return missedAndCounted(readerOf(deps), { standardId, period, now: deps.clock.now(), calendar: deps.calendar(), ...page });
}

/** Open cases about to miss 20 working days or a 13, 26 or 52 week mark, from London today (see casesAtRisk). */
export async function casesAtRiskToday(deps: ReportDeps, withinWorkingDays = 5): Promise<CaseAtRisk[]> {
  return casesAtRisk(deps.db, { today: londonDate(deps.clock.now()), calendar: deps.calendar(), withinWorkingDays });
}

/** The `count` whole calendar months ending with the month containing `today`, oldest first. */
export function lastMonths(today: IsoDate, count: number): Period[] {
  const months: Period[] = [];
  let start = `${today.slice(0, 7)}-01`;
  for (let i = 0; i < count; i++) {
    const next = addCalendarDays(start, 32).slice(0, 7) + '-01';
    months.unshift({ from: start, to: addCalendarDays(next, -1) });
    start = addCalendarDays(start, -1).slice(0, 7) + '-01';
  }
  return months;
}

// ---------------------------------------------------------------------------------------------
// Reading a period from a query string

export interface PeriodQuery {
  from?: string | undefined;
  to?: string | undefined;
  preset?: string | undefined;
}

const presetIds: readonly PeriodPreset['id'][] = ['this-month', 'this-quarter', 'this-plan-year'];

function blank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}

/**
 * A report period from a query string: `from` and `to` (YYYY-MM-DD, both included), or a preset
 * (this-month, this-quarter, this-plan-year); this plan year when neither is given. Throws an
 * `invalid` error with a plain-English message for each field that is wrong.
 */
export function parsePeriodQuery(query: PeriodQuery, today: IsoDate | Date): Period {
  const todayDate = today instanceof Date ? londonDate(today) : today;
  if (blank(query.from) && blank(query.to)) {
    const presetId = blank(query.preset) ? 'this-plan-year' : (query.preset ?? '').trim();
    const preset = periodPresets(todayDate).find((p) => p.id === presetId);
    if (!preset || !(presetIds as readonly string[]).includes(presetId)) {
      throw invalid({ preset: 'Choose this month, this quarter or this plan year' });
    }
    return preset.period;
  }
  const from = (query.from ?? '').trim();
  const to = (query.to ?? '').trim();
  const errors: Record<string, string> = {};
  if (from === '') errors.from = 'Enter a start date';
  else if (!isValidIsoDate(from)) errors.from = 'Start date must be a real date, for example 2018-04-01';
  if (to === '') errors.to = 'Enter an end date';
  else if (!isValidIsoDate(to)) errors.to = 'End date must be a real date, for example 2019-03-31';
  if (Object.keys(errors).length > 0) throw invalid(errors);
  if (to < from) throw invalid({ to: 'End date must be the same as or after the start date' });
  if (to > CALENDAR_TO) throw invalid({ to: `End date must be on or before ${formatLondonDate(CALENDAR_TO)}` });
  if (previousPeriod({ from, to }).from < CALENDAR_FROM) {
    throw invalid({
      from: `Start date must be later: the report compares the period with the one of the same length before it, and dates before ${formatLondonDate(CALENDAR_FROM)} cannot be measured`,
    });
  }
  return { from, to };
}
