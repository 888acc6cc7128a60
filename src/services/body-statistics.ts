import { allBodyRefs, bodyFiguresFrom, countBodyFigures } from '../data/repositories/body-statistics.ts';
import { compareCodes, type BodyFigures } from '../domain/body-statistics.ts';
import { isValidIsoDate } from '../domain/london-time.ts';
import { readerOf, type ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';

/**
 * The public statistics of bodies in jurisdiction: the exact figures of issue 5 for any period,
 * and (from ./public-statistics/) the cached plan-year figures and the council page's data.
 * Definitions: the doc comment of src/domain/body-statistics.ts.
 */

export type { BodyFigures, Rate } from '../domain/body-statistics.ts';

/**
 * Every body (ordered by code), for London dates from..to inclusive, exactly as issue 5 defines
 * them. Computed now, from the read replica when there is one: three set-based queries over the
 * period's cases and remedies (a plan year of a million-case history takes a fraction of a
 * second). Pages that show a plan year should use `planYearStatistics` (cached) instead.
 * Throws an `invalid` AppError for dates that are not real or a period that ends before it starts.
 */
export async function bodyStatistics(deps: Pick<ServiceDeps, 'db' | 'readDb'>, period: { from: string; to: string }): Promise<BodyFigures[]> {
  checkPeriod(period);
  const db = readerOf(deps);
  const [bodies, counts] = await Promise.all([allBodyRefs(db), countBodyFigures(db, period)]);
  return bodyFiguresFrom([...bodies].sort((a, b) => compareCodes(a.code, b.code)), counts);
}

export function checkPeriod(period: { from: string; to: string }): void {
  const errors: Record<string, string> = {};
  if (!isValidIsoDate(period.from)) errors.from = 'The start date must be a real date, YYYY-MM-DD';
  if (!isValidIsoDate(period.to)) errors.to = 'The end date must be a real date, YYYY-MM-DD';
  if (Object.keys(errors).length === 0 && period.to < period.from) errors.to = 'The end date must be the same as or after the start date';
  if (Object.keys(errors).length > 0) throw invalid(errors);
}

// The cached plan-year figures and the council page (see each module's comments).
export { councilPage, councilPaths, councilTypeName, councilTypeNames, type CouncilPage, type CouncilPageYear } from './public-statistics/council-page.ts';
export {
  availablePlanYears,
  forgetPublicStatistics,
  planYearImprovements,
  planYearTable,
  refreshPublicStatistics,
  type BodyYearRow,
  type PublishedImprovementRow,
  type StatisticsDeps,
} from './public-statistics/year-statistics.ts';
