import { findBodyByCode, publishedLetterExists, type PublishedImprovement } from '../../data/repositories/body-statistics.ts';
import {
  figures,
  latestCompletePlanYear,
  noRemedies,
  perTenThousandResidents,
  planYearName,
  planYearOf,
  planYearPeriod,
  SMALL_NUMBERS,
  type BodyYearFigures,
  type GroupFigures,
} from '../../domain/body-statistics.ts';
import type { IsoDate } from '../../domain/london-time.ts';
import { notFound } from '../errors.ts';
import { availablePlanYears, bodyYearEntries, ensurePlanYears, planYearComparisons, type StatisticsDeps } from './year-statistics.ts';

/** What each council type is called, plural, for "similar bodies". */
export const councilTypeNames: Record<string, string> = {
  county: 'County councils',
  district: 'District councils',
  unitary: 'Unitary authorities',
  metropolitan: 'Metropolitan borough councils',
  'london-borough': 'London borough councils',
};

export const councilTypeName = (type: string | null): string | null => (type === null ? null : councilTypeNames[type] ?? type);

export interface CouncilPageYear {
  plan_year: number;
  /** "2017-18" */
  plan_year_name: string;
  /** False while the plan year is still running. */
  year_complete: boolean;
  figures: BodyYearFigures;
  /** The same year's councils of the same type, and every council, taken together. */
  similar_bodies: GroupFigures | null;
  england: GroupFigures | null;
}

/**
 * Everything a body's public page shows for one plan year (also served as JSON at
 * /open-data/:year/councils/:code.json, and used by the annual letter). Figures are as defined in
 * src/domain/body-statistics.ts; rates carry numerator and denominator so a reader can apply the
 * small-numbers caution (denominator under `small_numbers_threshold`).
 */
export interface CouncilPage {
  body: {
    code: string;
    name: string;
    kind: string;
    council_type: string | null;
    council_type_name: string | null;
    region: string | null;
    population: number | null;
    fictional: boolean;
  };
  plan_year: number;
  plan_year_name: string;
  from: IsoDate;
  to: IsoDate;
  year_complete: boolean;
  latest_complete_plan_year: number;
  /** The plan years a reader can choose, newest first. */
  plan_years: number[];
  figures: BodyYearFigures;
  /** Complaints and enquiries received per 10,000 residents; null when the population is not known. */
  received_per_10000_residents: number | null;
  /** Service improvements, procedure reviews and training agreed in the year's decisions, with their descriptions. Personal remedies are counted in figures.remedies_by_kind, never described. */
  service_improvements: PublishedImprovement[];
  /** Councils of the same type taken together (this one included); null for a body with no council type. */
  similar_bodies: { council_type: string; name: string; figures: GroupFigures } | null;
  /** Every council in jurisdiction taken together. */
  england: GroupFigures;
  /** Each plan year from the body's first with any data to the current one, oldest first. */
  trend: CouncilPageYear[];
  small_numbers_threshold: number;
  /** The published annual letter for this body and year, if there is one. */
  annual_letter_url: string | null;
  watch_list_url: string;
  /** When the year's figures were computed (ISO 8601). */
  computed_at: string;
}

export const councilPaths = {
  list: '/councils',
  page: (code: string, year?: number) => `/councils/${encodeURIComponent(code)}${year === undefined ? '' : `?year=${year}`}`,
  annualLetter: (code: string, year: number) => `/councils/${encodeURIComponent(code)}/annual-letter/${year}.pdf`,
  watchList: (code: string) => `/councils/${encodeURIComponent(code)}/watch-list`,
  json: (code: string, year: number) => `/open-data/${year}/councils/${encodeURIComponent(code)}.json`,
};

/**
 * The data of a body's public page for a plan year (default: the latest complete one).
 * Throws not-found for an unknown code, or a year outside those offered (`plan_years`).
 * Reads computed years from the cache (computing any missing or stale), so it costs a handful
 * of lookups by key.
 */
export async function councilPage(deps: StatisticsDeps, code: string, planYear?: number): Promise<CouncilPage> {
  return (await councilPageStamped(deps, code, planYear)).page;
}

/**
 * The council page's data, and whether its `computed_at` is the year's real cache stamp (when it
 * is not, it is the time of this request, so the page must not be kept as a version of anything).
 */
export async function councilPageStamped(deps: StatisticsDeps, code: string, planYear?: number): Promise<{ page: CouncilPage; stamped: boolean }> {
  const body = await findBodyByCode(deps.db, code);
  if (!body) throw notFound('Council');
  const now = deps.clock.now();
  const latestComplete = latestCompletePlanYear(now);
  const year = planYear ?? latestComplete;
  const years = await availablePlanYears(deps);
  if (!years.includes(year)) throw notFound('Statistics for that year');
  const stamps = await ensurePlanYears(deps, years);
  const [entries, comparisons, letter] = await Promise.all([
    bodyYearEntries(deps, body.code, years),
    planYearComparisons(deps, years),
    publishedLetterExists(deps.db, body.id, year),
  ]);
  const current = planYearOf(now);
  const empty = (): BodyYearFigures => ({
    ...figures(body.code, { received: 0, decisions: 0, investigations: 0, upheld: 0, remedied: 0, settled: 0, complied: 0 }),
    remedies_by_kind: noRemedies(),
    time_to_decision: null,
  });
  const yearFigures = entries.get(year)?.figures ?? empty();
  const firstWithData = Math.min(...[...entries.keys()], year);
  const similarIn = (y: number) => (body.council_type !== null ? comparisons.get(y)?.councilTypes[body.council_type] : undefined);
  const trend: CouncilPageYear[] = [];
  for (let y = firstWithData; y <= current; y++) {
    trend.push({
      plan_year: y, plan_year_name: planYearName(y), year_complete: y < current, figures: entries.get(y)?.figures ?? empty(),
      similar_bodies: similarIn(y) ?? null, england: comparisons.get(y)?.england ?? null,
    });
  }
  const comparison = comparisons.get(year);
  const similar = similarIn(year);
  const period = planYearPeriod(year);
  const stamp = stamps.get(year);
  const page: CouncilPage = {
    body: {
      code: body.code,
      name: body.name,
      kind: body.kind,
      council_type: body.council_type,
      council_type_name: councilTypeName(body.council_type),
      region: body.region,
      population: body.population,
      fictional: body.fictional,
    },
    plan_year: year,
    plan_year_name: planYearName(year),
    from: period.from,
    to: period.to,
    year_complete: year < current,
    latest_complete_plan_year: latestComplete,
    plan_years: years,
    figures: yearFigures,
    received_per_10000_residents: perTenThousandResidents(yearFigures.received, body.population),
    service_improvements: entries.get(year)?.improvements ?? [],
    similar_bodies: similar && body.council_type !== null
      ? { council_type: body.council_type, name: councilTypeName(body.council_type) ?? body.council_type, figures: similar }
      : null,
    england: comparison?.england ?? emptyGroup(),
    trend,
    small_numbers_threshold: SMALL_NUMBERS,
    annual_letter_url: letter ? councilPaths.annualLetter(body.code, year) : null,
    watch_list_url: councilPaths.watchList(body.code),
    computed_at: (stamp ?? now).toISOString(),
  };
  return { page, stamped: stamp !== undefined };
}

function emptyGroup(): GroupFigures {
  return {
    bodies: 0, received: 0, decisions: 0, investigations: 0, upheld: 0,
    upheld_rate: { numerator: 0, denominator: 0, value: null },
    remedied_by_body: { numerator: 0, denominator: 0, value: null },
    compliance: { numerator: 0, denominator: 0, value: null },
    remedies_by_kind: noRemedies(),
    average_received: null,
    average_decisions: null,
    average_investigations: null,
    received_per_10000_residents: null,
    time_to_decision: null,
  };
}
