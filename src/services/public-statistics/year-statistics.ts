import {
  agreedServiceImprovements,
  councilTimeToDecisionQuartiles,
  countBodyFigures,
  countRemediesByKind,
  deleteCacheEntries,
  earliestActivity,
  listBodiesForComparison,
  readCache,
  readCacheStamps,
  replaceCacheEntries,
  timeToDecisionQuartiles,
  type AgreedImprovement,
  type PublishedImprovement,
} from '../../data/repositories/body-statistics.ts';
import { publishableText } from '../../domain/anonymisation.ts';
import {
  compareCodes,
  figures,
  groupFigures,
  latestCompletePlanYear,
  noRemedies,
  planYearOf,
  planYearPeriod,
  type BodyYearFigures,
  type GroupFigures,
} from '../../domain/body-statistics.ts';
import type { Period } from '../../domain/service-standards.ts';
import type { Clock } from '../clock.ts';
import { readerOf, type ServiceDeps } from '../deps.ts';

/**
 * Plan-year figures for every body, computed with the set-based queries of
 * src/data/repositories/body-statistics.ts and kept in `statistics_cache`, so a public page is a
 * few lookups by primary key instead of a scan of the year's cases.
 *
 * What a computed year writes, all with one computed_at, in one transaction:
 * - `body-statistics:v1:year:YYYY`: the year's comparisons (each council type, England) and facts;
 *   its computed_at is the year's freshness;
 * - `body-statistics:v1:table:YYYY`: every body's figures, for open data and the map;
 * - `body-statistics:v1:body:YYYY:CODE`: one body's figures and published service improvements,
 *   for bodies with anything in the year (a body without an entry had nothing: all zeros);
 * - `body-statistics:v1:improvements:YYYY`: every published service improvement of the year.
 *
 * A year is recomputed when older than `maxAgeSeconds` (the current plan year changes all day; a
 * year just ended still has remedies falling due and being settled; older years change only when
 * history is imported, and imports call `forgetPublicStatistics`). Readers are served the stale
 * figures meanwhile (see ensurePlanYears); `refreshPublicStatistics`, run by a scheduled job,
 * keeps every year computed so that no reader ever waits.
 */

export const CACHE_PREFIX = 'body-statistics:v1:';
const yearKey = (year: number) => `${CACHE_PREFIX}year:${year}`;
const tableKey = (year: number) => `${CACHE_PREFIX}table:${year}`;
const bodyPrefix = (year: number) => `${CACHE_PREFIX}body:${year}:`;
const bodyKey = (year: number, code: string) => `${bodyPrefix(year)}${code}`;
const improvementsKey = (year: number) => `${CACHE_PREFIX}improvements:${year}`;

export type StatisticsDeps = Pick<ServiceDeps, 'db' | 'readDb' | 'clock'>;

/** How long a computed year is used before it is computed again. */
export function maxAgeSeconds(year: number, clock: Clock): number {
  const current = planYearOf(clock.now());
  if (year >= current) return 10 * 60;
  if (year === current - 1) return 60 * 60;
  return 24 * 60 * 60;
}

/** A body in a year's table: its figures with who it is, for open data and comparisons. */
export interface BodyYearRow extends BodyYearFigures {
  name: string;
  kind: string;
  council_type: string | null;
  region: string | null;
  population: number | null;
}

export interface YearComparisons {
  planYear: number;
  period: Period;
  /** Councils of each council type taken together (see GroupFigures), keyed by council_type. */
  councilTypes: Record<string, GroupFigures>;
  /** Every council in jurisdiction (kind 'council') taken together. */
  england: GroupFigures;
}

export interface BodyYearEntry {
  figures: BodyYearFigures;
  improvements: PublishedImprovement[];
}

export interface PublishedImprovementRow extends PublishedImprovement {
  code: string;
  name: string;
}

/** The years a public page offers: from the first with a case (or the last complete one) to the current one, newest first. */
export async function availablePlanYears(deps: StatisticsDeps): Promise<number[]> {
  const current = planYearOf(deps.clock.now());
  const first = await earliestActivity(readerOf(deps));
  const from = Math.min(first ? planYearOf(first) : current, latestCompletePlanYear(deps.clock.now()));
  const years: number[] = [];
  for (let y = current; y >= from; y--) years.push(y);
  return years;
}

const computing = new Map<string, Promise<Date>>();

/**
 * Makes sure each year's figures are computed; returns each year's computed_at. A year never
 * computed is computed now (the caller waits). A stale year is served as it is while it is
 * computed again in the background, so no reader waits for a recomputation; `waitForRefreshes`
 * lets tests and jobs wait for them. Concurrent requests in one process share one computation
 * of a year.
 */
export async function ensurePlanYears(deps: StatisticsDeps, years: readonly number[]): Promise<Map<number, Date>> {
  const stamps = await readCacheStamps(deps.db, years.map(yearKey));
  const now = deps.clock.now().getTime();
  const result = new Map<number, Date>();
  for (const year of years) {
    const stamp = stamps.get(yearKey(year));
    if (!stamp) {
      result.set(year, await computeOnce(deps, year));
      continue;
    }
    const age = now - stamp.getTime();
    if (age < 0 || age >= maxAgeSeconds(year, deps.clock) * 1000) {
      computeOnce(deps, year).catch((error: unknown) => {
        // The stale figures stay in place; the next reader tries again.
        process.emitWarning(`Recomputing the ${year} public statistics failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    result.set(year, stamp);
  }
  return result;
}

/** Waits for the recomputations started in the background so far. */
export async function waitForRefreshes(): Promise<void> {
  await Promise.allSettled([...computing.values()]);
}

function computeOnce(deps: StatisticsDeps, year: number): Promise<Date> {
  const key = yearKey(year);
  let running = computing.get(key);
  if (!running) {
    running = computePlanYear(deps, year).finally(() => computing.delete(key));
    computing.set(key, running);
  }
  return running;
}

/** Caseworkers' wording as the public may read it: no detail of the case's people (anonymisation.ts). */
function publishable(byBody: Map<number, AgreedImprovement[]>): Map<number, PublishedImprovement[]> {
  return new Map([...byBody].map(([bodyId, improvements]) => [
    bodyId,
    improvements.map(({ people, description, ...improvement }) => ({ ...improvement, description: publishableText(description, people) })),
  ]));
}

/** Computes a plan year for every body and stores it (see the module comment); returns its computed_at. */
export async function computePlanYear(deps: StatisticsDeps, year: number): Promise<Date> {
  const period = planYearPeriod(year);
  const reader = readerOf(deps);
  const [bodies, counts, byKind, times, groupTimes, improvements] = await Promise.all([
    listBodiesForComparison(reader),
    countBodyFigures(reader, period),
    countRemediesByKind(reader, period),
    timeToDecisionQuartiles(reader, period),
    councilTimeToDecisionQuartiles(reader, period),
    agreedServiceImprovements(reader, period).then(publishable),
  ]);
  const rows: BodyYearRow[] = [...bodies]
    .sort((a, b) => compareCodes(a.code, b.code))
    .map((b) => ({
      ...figures(b.code, counts.get(b.id) ?? { received: 0, decisions: 0, investigations: 0, upheld: 0, remedied: 0, settled: 0, complied: 0 }),
      remedies_by_kind: byKind.get(b.id) ?? noRemedies(),
      time_to_decision: times.get(b.id) ?? null,
      name: b.name,
      kind: b.kind,
      council_type: b.council_type,
      region: b.region,
      population: b.population,
    }));
  const councils = rows.filter((r) => r.kind === 'council');
  const councilTypes: Record<string, GroupFigures> = {};
  for (const type of new Set(councils.map((r) => r.council_type).filter((t): t is string => t !== null))) {
    councilTypes[type] = groupFigures(councils.filter((r) => r.council_type === type), groupTimes.byCouncilType.get(type) ?? null);
  }
  const comparisons: YearComparisons = { planYear: year, period, councilTypes, england: groupFigures(councils, groupTimes.england) };
  const idOf = new Map(bodies.map((b) => [b.code, b.id]));
  const entries: { key: string; payload: unknown }[] = [];
  const allImprovements: PublishedImprovementRow[] = [];
  for (const row of rows) {
    const bodyImprovements = improvements.get(idOf.get(row.code) ?? -1) ?? [];
    for (const improvement of bodyImprovements) allImprovements.push({ code: row.code, name: row.name, ...improvement });
    if (!hasAnything(row) && bodyImprovements.length === 0) continue;
    const { name: _n, kind: _k, council_type: _t, region: _r, population: _p, ...yearFigures } = row;
    entries.push({ key: bodyKey(year, row.code), payload: { figures: yearFigures, improvements: bodyImprovements } satisfies BodyYearEntry });
  }
  entries.push(
    { key: yearKey(year), payload: comparisons },
    { key: tableKey(year), payload: rows },
    { key: improvementsKey(year), payload: allImprovements },
  );
  const computedAt = deps.clock.now();
  // Only the body entries can disappear (a body left with nothing); the year's own keys are rewritten.
  await replaceCacheEntries(deps.db, bodyPrefix(year), entries, computedAt);
  return computedAt;
}

function hasAnything(f: BodyYearFigures): boolean {
  return f.received > 0 || f.decisions > 0 || f.compliance.denominator > 0 || Object.values(f.remedies_by_kind).some((n) => n > 0);
}

/** Every body's figures for a plan year (ordered by code), computed if missing or stale. */
export async function planYearTable(deps: StatisticsDeps, year: number): Promise<{ computedAt: Date; rows: BodyYearRow[] }> {
  const stamps = await ensurePlanYears(deps, [year]);
  const cached = (await readCache<BodyYearRow[]>(deps.db, [tableKey(year)])).get(tableKey(year));
  // Another process may have replaced the year between the two reads: the stamp read last is the truth.
  return { computedAt: cached?.computedAt ?? (stamps.get(year) as Date), rows: cached?.payload ?? [] };
}

/** Every published service improvement agreed in a plan year, by body code then date. */
export async function planYearImprovements(deps: StatisticsDeps, year: number): Promise<{ computedAt: Date; rows: PublishedImprovementRow[] }> {
  const stamps = await ensurePlanYears(deps, [year]);
  const cached = (await readCache<PublishedImprovementRow[]>(deps.db, [improvementsKey(year)])).get(improvementsKey(year));
  return { computedAt: cached?.computedAt ?? (stamps.get(year) as Date), rows: cached?.payload ?? [] };
}

/** A plan year's comparisons (council types and England). */
export async function planYearComparisons(deps: StatisticsDeps, years: readonly number[]): Promise<Map<number, YearComparisons>> {
  await ensurePlanYears(deps, years);
  const cached = await readCache<YearComparisons>(deps.db, years.map(yearKey));
  return new Map(years.flatMap((y) => {
    const entry = cached.get(yearKey(y));
    return entry ? [[y, entry.payload] as const] : [];
  }));
}

/** One body's entries for some plan years (years without one had nothing for the body). Call ensurePlanYears first. */
export async function bodyYearEntries(deps: StatisticsDeps, code: string, years: readonly number[]): Promise<Map<number, BodyYearEntry>> {
  const cached = await readCache<BodyYearEntry>(deps.db, years.map((y) => bodyKey(y, code)));
  return new Map(years.flatMap((y) => {
    const entry = cached.get(bodyKey(y, code));
    return entry ? [[y, entry.payload] as const] : [];
  }));
}

/** Forgets every computed year, so the next page computes afresh: call after importing history. Returns the entries deleted. */
export async function forgetPublicStatistics(deps: Pick<ServiceDeps, 'db'>): Promise<number> {
  return deleteCacheEntries(deps.db, CACHE_PREFIX);
}

/**
 * Computes, oldest first, every offered year that is missing or stale (or every one, with
 * `all`), and waits for it: for a scheduled job, so that readers never wait. Returns how many
 * years it computed.
 */
export async function refreshPublicStatistics(deps: StatisticsDeps, options: { all?: boolean } = {}): Promise<number> {
  const years = [...(await availablePlanYears(deps))].reverse();
  const stamps = await readCacheStamps(deps.db, years.map(yearKey));
  const now = deps.clock.now().getTime();
  let computed = 0;
  for (const year of years) {
    const stamp = stamps.get(yearKey(year));
    const fresh = stamp !== undefined && now - stamp.getTime() >= 0 && now - stamp.getTime() < maxAgeSeconds(year, deps.clock) * 1000;
    if (fresh && !options.all) continue;
    await computeOnce(deps, year);
    computed++;
  }
  return computed;
}
