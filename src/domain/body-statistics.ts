import { addCalendarDays, calendarDaysBetween, isValidIsoDate, londonDate, type IsoDate } from './london-time.ts';
import { planYear, type Period } from './service-standards.ts';
import { finalDecisionOutcomes, remedyKinds, type RemedyKind } from './vocabulary.ts';

/**
 * The published figures for each body in jurisdiction (issue 5, "History and exact figures"),
 * as pure computations over plain rows. The SQL in src/data/repositories/body-statistics.ts
 * computes the same; a randomised test holds the two to each other on both engines.
 *
 * Definitions, for the cases linked to a body through case_bodies (a case about two bodies counts
 * for each), over a period of Europe/London dates `from`..`to`, both days included:
 * - received: cases whose London date of receipt (received_at) is in the period;
 * - decisions: cases whose London date of closure (closed_at) is in the period;
 * - investigations: those decisions with outcome upheld-fault-injustice, upheld-fault-no-injustice,
 *   upheld-remedied-by-body or not-upheld (a detailed investigation); incomplete-or-invalid
 *   cases and cases closed at assessment are decisions but never investigations, so they stay out
 *   of every rate;
 * - upheld: those investigations whose outcome starts "upheld-";
 * - upheld_rate: upheld / investigations;
 * - remedied_by_body: decisions upheld-remedied-by-body / upheld (the body had already offered a
 *   satisfactory remedy before we decided);
 * - compliance: over the remedies of the body's cases whose due date (due_on, the date we
 *   recommended) is in the period and whose status is not pending: those complied on time or
 *   late / that count. A remedy still within its due date, or overdue but not yet settled, is
 *   pending and not counted.
 * A rate's value is numerator / denominator, unrounded; null when the denominator is 0 ("no
 * investigations"), never 0 or NaN.
 *
 * Beyond the headline figures, for the council page:
 * - remedies agreed, by kind: the remedies of the body's cases whose decision is in the period,
 *   the decision date being the London date of decided_at (closed_at when no decision date is
 *   recorded, as for imported history, where they are the same);
 * - time to decision: for each decision in the period except incomplete-or-invalid, calendar days
 *   from the London date of receipt to the London date of the decision (as above); reported as
 *   quartiles by linear interpolation between closest ranks (PostgreSQL's percentile_cont).
 */

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, unrounded; null when the denominator is 0. */
  value: number | null;
}

export interface BodyFigures {
  code: string;
  received: number;
  decisions: number;
  investigations: number;
  upheld: number;
  upheld_rate: Rate;
  remedied_by_body: Rate;
  compliance: Rate;
}

/** The outcomes of a detailed investigation. */
export const investigationOutcomes: readonly string[] = finalDecisionOutcomes;
export const upheldOutcomes: readonly string[] = investigationOutcomes.filter((o) => o.startsWith('upheld-'));
export const REMEDIED_BY_BODY = 'upheld-remedied-by-body';
/** Left out of time to decision: not a decision on the merits. */
export const INCOMPLETE_OR_INVALID = 'incomplete-or-invalid';
export const compliedStatuses: readonly string[] = ['complied-on-time', 'complied-late'];
export const PENDING = 'pending';

/**
 * Remedies that change how a body works for everyone: each one's description is published on the
 * body's page. The others (apology, payment, other) are personal to the complainant and their
 * wording stays private; only their number by kind is published.
 */
export const serviceImprovementKinds: readonly RemedyKind[] = ['service-improvement', 'procedure-review', 'training'];
export const personalRemedyKinds: readonly RemedyKind[] = remedyKinds.values.filter((k) => !serviceImprovementKinds.includes(k));

/** A rate over fewer cases than this carries a small-numbers caution. */
export const SMALL_NUMBERS = 10;

export function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/** True when a rate has a value but over fewer than SMALL_NUMBERS cases (a rate with no cases has nothing to caution about). */
export function needsSmallNumbersCaution(r: Rate): boolean {
  return r.denominator > 0 && r.denominator < SMALL_NUMBERS;
}

export const isInvestigation = (outcome: string | null): boolean => outcome !== null && investigationOutcomes.includes(outcome);
export const isUpheld = (outcome: string | null): boolean => outcome !== null && upheldOutcomes.includes(outcome);

// ---------------------------------------------------------------------------------------------
// Plan years

/** A plan year is named by the calendar year it starts in: 2017 is 1 April 2017 to 31 March 2018. */
export function planYearPeriod(year: number): Period {
  if (!Number.isInteger(year) || year < 1000 || year > 9998) throw new RangeError(`Not a plan year: ${year}`);
  return { from: `${year}-04-01`, to: `${year + 1}-03-31` };
}

/** The plan year containing a date (a Date is taken as its London date). */
export function planYearOf(date: IsoDate | Date): number {
  return Number(planYear(date).from.slice(0, 4));
}

/** "2017-18" */
export function planYearName(year: number): string {
  return `${year}-${String((year + 1) % 100).padStart(2, '0')}`;
}

/** The last plan year that has ended by `today`. */
export function latestCompletePlanYear(today: IsoDate | Date): number {
  return planYearOf(today) - 1;
}

/** Parses "2017" (a plan year) from a query string; null when it is not one. */
export function parsePlanYear(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{4}$/.test(text)) return null;
  const year = Number(text);
  return year >= 1000 && year <= 9998 ? year : null;
}

// ---------------------------------------------------------------------------------------------
// Rows and the reference computation

export interface StatisticsCase {
  id: number;
  /** The bodies the case is about (case_bodies). */
  bodyIds: readonly number[];
  receivedAt: Date;
  decidedAt: Date | null;
  closedAt: Date | null;
  outcome: string | null;
}

export interface StatisticsRemedy {
  caseId: number;
  kind: string;
  dueOn: IsoDate;
  status: string;
}

export interface StatisticsBody {
  id: number;
  code: string;
}

function requirePeriod(period: Period): void {
  if (!isValidIsoDate(period.from) || !isValidIsoDate(period.to)) throw new RangeError(`Not a period of ISO dates: ${period.from} to ${period.to}`);
  if (period.to < period.from) throw new RangeError(`Period ends before it starts: ${period.from} to ${period.to}`);
}

const inPeriod = (date: IsoDate, period: Period) => period.from <= date && date <= period.to;

/** The London date the case was decided: decided_at, or closed_at when no decision date is recorded. */
export function decisionDate(c: Pick<StatisticsCase, 'decidedAt' | 'closedAt'>): IsoDate | null {
  const at = c.decidedAt ?? c.closedAt;
  return at === null ? null : londonDate(at);
}

/** Calendar days from receipt to decision, or null for a case with no decision. */
export function daysToDecision(c: Pick<StatisticsCase, 'receivedAt' | 'decidedAt' | 'closedAt'>): number | null {
  const decided = decisionDate(c);
  return decided === null ? null : calendarDaysBetween(londonDate(c.receivedAt), decided);
}

/** Every body's figures (ordered by code, compared as plain strings), exactly as defined above. */
export function computeBodyFigures(bodies: readonly StatisticsBody[], cases: readonly StatisticsCase[], remedies: readonly StatisticsRemedy[], period: Period): BodyFigures[] {
  requirePeriod(period);
  const tally = new Map<number, { received: number; decisions: number; investigations: number; upheld: number; remedied: number; settled: number; complied: number }>();
  for (const body of bodies) tally.set(body.id, { received: 0, decisions: 0, investigations: 0, upheld: 0, remedied: 0, settled: 0, complied: 0 });
  const bodiesOfCase = new Map<number, readonly number[]>();
  for (const c of cases) {
    bodiesOfCase.set(c.id, c.bodyIds);
    const received = inPeriod(londonDate(c.receivedAt), period);
    const decided = c.closedAt !== null && inPeriod(londonDate(c.closedAt), period);
    for (const bodyId of new Set(c.bodyIds)) {
      const t = tally.get(bodyId);
      if (!t) continue;
      if (received) t.received++;
      if (!decided) continue;
      t.decisions++;
      if (isInvestigation(c.outcome)) t.investigations++;
      if (isUpheld(c.outcome)) t.upheld++;
      if (c.outcome === REMEDIED_BY_BODY) t.remedied++;
    }
  }
  for (const r of remedies) {
    if (r.status === PENDING || !inPeriod(r.dueOn, period)) continue;
    for (const bodyId of new Set(bodiesOfCase.get(r.caseId) ?? [])) {
      const t = tally.get(bodyId);
      if (!t) continue;
      t.settled++;
      if (compliedStatuses.includes(r.status)) t.complied++;
    }
  }
  return [...bodies]
    .sort((a, b) => compareCodes(a.code, b.code))
    .map((body) => {
      const t = tally.get(body.id) ?? { received: 0, decisions: 0, investigations: 0, upheld: 0, remedied: 0, settled: 0, complied: 0 };
      return figures(body.code, t);
    });
}

/** Codes in a fixed order whatever the database's collation: by UTF-16 code units. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The figures from their counts. */
export function figures(code: string, t: { received: number; decisions: number; investigations: number; upheld: number; remedied: number; settled: number; complied: number }): BodyFigures {
  return {
    code,
    received: t.received,
    decisions: t.decisions,
    investigations: t.investigations,
    upheld: t.upheld,
    upheld_rate: rate(t.upheld, t.investigations),
    remedied_by_body: rate(t.remedied, t.upheld),
    compliance: rate(t.complied, t.settled),
  };
}

// ---------------------------------------------------------------------------------------------
// Distributions

export interface Quartiles {
  /** How many values the quartiles are taken over. */
  count: number;
  lowerQuartile: number;
  median: number;
  upperQuartile: number;
}

/**
 * The value at fraction p (0..1) of the sorted values, interpolating linearly between the two
 * closest ranks: exactly PostgreSQL's percentile_cont.
 */
export function percentileCont(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('No values');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`Not a fraction: ${p}`);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const first = sorted[lower] as number;
  const second = sorted[upper] as number;
  return first + (position - lower) * (second - first);
}

/** Median and quartiles, or null with no values. */
export function quartiles(values: readonly number[]): Quartiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    lowerQuartile: percentileCont(sorted, 0.25),
    median: percentileCont(sorted, 0.5),
    upperQuartile: percentileCont(sorted, 0.75),
  };
}

// ---------------------------------------------------------------------------------------------
// Details for the council page, and comparisons

export type RemediesByKind = Record<RemedyKind, number>;

export function noRemedies(): RemediesByKind {
  return Object.fromEntries(remedyKinds.values.map((k) => [k, 0])) as RemediesByKind;
}

/** A body's figures with the page's details. */
export interface BodyYearFigures extends BodyFigures {
  /** Remedies agreed in decisions made in the period, by kind. */
  remedies_by_kind: RemediesByKind;
  /** Calendar days from receipt to decision over the period's decisions (incomplete-or-invalid left out); null with none. */
  time_to_decision: Quartiles | null;
}

/** Remedies agreed (by the decision date) and time to decision, per body id, over plain rows. */
export function computeBodyDetails(
  bodies: readonly StatisticsBody[],
  cases: readonly StatisticsCase[],
  remedies: readonly StatisticsRemedy[],
  period: Period,
): Map<string, { remedies_by_kind: RemediesByKind; time_to_decision: Quartiles | null }> {
  requirePeriod(period);
  const codeOf = new Map(bodies.map((b) => [b.id, b.code]));
  const kinds = new Map<string, RemediesByKind>();
  const days = new Map<string, number[]>();
  const decidedInPeriod = new Map<number, readonly number[]>();
  for (const c of cases) {
    const decided = decisionDate(c);
    if (decided !== null && inPeriod(decided, period)) decidedInPeriod.set(c.id, c.bodyIds);
    if (c.closedAt === null || !inPeriod(londonDate(c.closedAt), period) || c.outcome === INCOMPLETE_OR_INVALID) continue;
    const d = daysToDecision(c);
    if (d === null) continue;
    for (const bodyId of new Set(c.bodyIds)) {
      const code = codeOf.get(bodyId);
      if (code === undefined) continue;
      const list = days.get(code) ?? [];
      list.push(d);
      days.set(code, list);
    }
  }
  for (const r of remedies) {
    if (!remedyKinds.has(r.kind)) continue;
    for (const bodyId of new Set(decidedInPeriod.get(r.caseId) ?? [])) {
      const code = codeOf.get(bodyId);
      if (code === undefined) continue;
      const byKind = kinds.get(code) ?? noRemedies();
      byKind[r.kind]++;
      kinds.set(code, byKind);
    }
  }
  const result = new Map<string, { remedies_by_kind: RemediesByKind; time_to_decision: Quartiles | null }>();
  for (const body of bodies) {
    result.set(body.code, { remedies_by_kind: kinds.get(body.code) ?? noRemedies(), time_to_decision: quartiles(days.get(body.code) ?? []) });
  }
  return result;
}

/**
 * A group of bodies taken together (similar bodies, England): counts summed, and each rate
 * pooled (summed numerators over summed denominators), not an average of the bodies' rates, so
 * a body with three cases weighs what its three cases weigh. A case about two bodies counts for
 * each, as in the bodies' own figures.
 */
export interface GroupFigures {
  /** Bodies in the group. */
  bodies: number;
  received: number;
  decisions: number;
  investigations: number;
  upheld: number;
  upheld_rate: Rate;
  remedied_by_body: Rate;
  compliance: Rate;
  remedies_by_kind: RemediesByKind;
  /** Per body in the group, for counts that grow with a body's size. */
  average_received: number | null;
  average_decisions: number | null;
  average_investigations: number | null;
  /** Received per 10,000 residents over the members whose population is known; null when none is. */
  received_per_10000_residents: number | null;
  /** Time to decision over all the members' decisions; set by the caller (quartiles cannot be pooled from the members' quartiles). */
  time_to_decision: Quartiles | null;
}

export function groupFigures(members: readonly (BodyFigures & { remedies_by_kind?: RemediesByKind; population?: number | null })[], timeToDecision: Quartiles | null = null): GroupFigures {
  const sum = (pick: (f: BodyFigures) => number) => members.reduce((total, f) => total + pick(f), 0);
  const byKind = noRemedies();
  for (const m of members) for (const kind of remedyKinds.values) byKind[kind] += m.remedies_by_kind?.[kind] ?? 0;
  const received = sum((f) => f.received);
  const decisions = sum((f) => f.decisions);
  const investigations = sum((f) => f.investigations);
  const counted = members.filter((m) => m.population !== undefined && m.population !== null && m.population > 0);
  const population = counted.reduce((total, m) => total + (m.population ?? 0), 0);
  const average = (total: number) => (members.length === 0 ? null : total / members.length);
  return {
    bodies: members.length,
    received,
    decisions,
    investigations,
    upheld: sum((f) => f.upheld),
    upheld_rate: rate(sum((f) => f.upheld_rate.numerator), sum((f) => f.upheld_rate.denominator)),
    remedied_by_body: rate(sum((f) => f.remedied_by_body.numerator), sum((f) => f.remedied_by_body.denominator)),
    compliance: rate(sum((f) => f.compliance.numerator), sum((f) => f.compliance.denominator)),
    remedies_by_kind: byKind,
    average_received: average(received),
    average_decisions: average(decisions),
    average_investigations: average(investigations),
    received_per_10000_residents: perTenThousandResidents(counted.reduce((total, m) => total + m.received, 0), population),
    time_to_decision: timeToDecision,
  };
}

/** Complaints received per 10,000 residents, or null when the population is not known. */
export function perTenThousandResidents(count: number, population: number | null): number | null {
  return population === null || population <= 0 ? null : (count * 10_000) / population;
}

/** The day after a period, for half-open instant ranges. */
export function dayAfter(period: Period): IsoDate {
  return addCalendarDays(period.to, 1);
}
