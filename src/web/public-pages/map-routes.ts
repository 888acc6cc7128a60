import type { FastifyInstance } from 'fastify';
import { boundariesVersion, listBoundaries, listMapCouncils, type MapCouncil } from '../../data/repositories/boundaries.ts';
import { latestCompletePlanYear, parsePlanYear, planYearName, planYearOf, SMALL_NUMBERS, type BodyFigures } from '../../domain/body-statistics.ts';
import { mapModel, type MapModel } from '../../domain/map-areas.ts';
import {
  BAND_COLOURS, mapMeasures, mapTiers, measureExplanations, measureLabels, tierLabels, type MapMeasure, type MapTier,
} from '../../domain/map-measures.ts';
import { availablePlanYears, planYearTable, type StatisticsDeps } from '../../services/body-statistics.ts';
import { ensurePlanYears } from '../../services/public-statistics/year-statistics.ts';
import { readerOf, type ServiceDeps } from '../../services/deps.ts';
import { BOUNDARIES_ATTRIBUTION } from '../../services/reference-data/boundaries-import.ts';
import type { AppDeps } from '../app.ts';
import { choroplethSvg, fillOf, prepareMap, type ChoroplethArea, type PreparedMap } from '../charts/choropleth.ts';
import { fingerprint } from './fingerprint.ts';
import { cacheFor, LONG_MAX_AGE, publicHttpCaching, SHORT_MAX_AGE } from './http-cache.ts';

export const mapPath = '/map';
/** The council's public page for a plan year (served by council-routes). */
const councilHref = (code: string, year: number) => `/councils/${encodeURIComponent(code)}?year=${year}`;

/**
 * Every body's figures for a plan year. By default the cached plan-year table the council pages and
 * open data use (so the map always agrees with them); tests and benchmarks may pass their own, in
 * which case the rendered page is not kept (there is no stamp to know its version by).
 */
export type LoadFigures = (deps: StatisticsDeps, year: number) => Promise<BodyFigures[]>;

export interface MapRouteOptions {
  loadFigures?: LoadFigures;
}

const cachedPlanYearFigures: LoadFigures = async (deps, year) => (await planYearTable(deps, year)).rows;

interface MapQuery {
  measure: MapMeasure;
  tier: MapTier;
  year: number;
}

/**
 * `/map`: England's councils shaded by a measure for a plan year, with a legend and the same values
 * in a table. The projected drawing is made once per set of boundaries (not per request), and the
 * whole page is rendered once per version of what it shows (renderShared): the year's cache stamp
 * (computed_at), the boundaries, the councils and the years offered. A request that finds its
 * version kept reads only those (a stamp and three small queries), never the year's figures. The
 * page carries an ETag and Cache-Control, and a browser that has it gets 304 Not Modified
 * (http-cache.ts).
 */
export function mapRoutes(deps: AppDeps, options: MapRouteOptions = {}) {
  const loadFigures = options.loadFigures ?? cachedPlanYearFigures;
  const drawing = new DrawingCache();

  return async (app: FastifyInstance) => {
    publicHttpCaching(app);

    app.get(mapPath, async (request, reply) => {
      const services = deps.services;
      const db = readerOf(services);
      const now = services.clock.now();
      const currentYear = planYearOf(now);
      const years = await availablePlanYears(services);
      const parsed = parseMapQuery(request.query as Record<string, unknown>, {
        firstYear: Math.min(...years), lastYear: currentYear, defaultYear: latestCompletePlanYear(now),
      });
      // The selects show what was asked for, even when it was not one of the choices.
      const chosen = 'query' in parsed ? { ...parsed.query, year: String(parsed.query.year) } : parsed.values;
      const itemsOf = (choices: { value: string; text: string }[], value: string) => {
        const known = choices.some((o) => o.value === value);
        return [...(known || !value ? [] : [{ value, text: value }]), ...choices].map((o) => ({ ...o, selected: o.value === value }));
      };
      const common = {
        title: 'Map of councils',
        measureItems: itemsOf(mapMeasures.map((m) => ({ value: m, text: measureLabels[m] })), chosen.measure),
        tierItems: itemsOf(mapTiers.map((t) => ({ value: t, text: tierLabels[t] })), chosen.tier),
        yearItems: itemsOf(years.map((y) => ({ value: String(y), text: y === currentYear ? `${planYearName(y)} (so far)` : planYearName(y) })), chosen.year),
        attribution: BOUNDARIES_ATTRIBUTION,
      };
      if ('errors' in parsed) return reply.code(400).render('public/map.njk', { ...common, errors: parsed.errors });
      const { measure, tier, year } = parsed.query;

      const [version, councils, stamps] = await Promise.all([
        boundariesVersion(db), listMapCouncils(db), options.loadFigures ? undefined : ensurePlanYears(services, [year]),
      ]);
      const stamp = stamps?.get(year);
      const heading = `${measureLabels[measure]}, ${planYearName(year)}`;
      const pageVersion = stamp === undefined ? null : fingerprint([stamp.toISOString(), version, councils, common, currentYear]);
      return cacheFor(reply, year < currentYear ? LONG_MAX_AGE : SHORT_MAX_AGE).renderShared(`map:${measure}:${tier}:${year}`, pageVersion, 'public/map.njk', async () => {
        const figures = await loadFigures(services, year);
        const model = mapModel(councils.map(toInput), new Map(figures.map((f) => [f.code, f])), measure, tier);
        const london = councils.filter((c) => c.councilType === 'london-borough').map((c) => c.code);
        const map = await drawing.get(`${version}|${fingerprint(london)}`, () => loadDrawing(db, london));
        const svg = map
          ? choroplethSvg(map, areasOf(model, year), {
            title: `Map of England's councils: ${heading}`,
            description: 'Each council is shaded by its value and links to its page. The table below the map gives the same values.',
          })
          : undefined;
        return {
          ...common,
          title: `Map of councils: ${heading}`,
          heading,
          measure,
          explanation: measureExplanations[measure],
          tierLabel: tierLabels[tier],
          partYear: year === currentYear,
          svg,
          legend: legendOf(model),
          rows: model.entries.map((e) => ({ ...e, href: councilHref(e.code, year), onMap: map !== null && e.boundaryCodes.length > 0 })),
          notOnMap: model.entries.filter((e) => map === null || e.boundaryCodes.length === 0).length,
          smallNumbers: SMALL_NUMBERS,
        };
      });
    });
  };
}

type Parsed = { query: MapQuery } | { errors: Record<string, string>; values: { measure: string; tier: string; year: string } };

/** The chosen measure, tier and year, or a message for each that is not one we offer. */
export function parseMapQuery(raw: Record<string, unknown>, years: { firstYear: number; lastYear: number; defaultYear: number }): Parsed {
  // A parameter given twice (an array) is not one of the choices either.
  const text = (name: string) => (raw[name] === undefined ? '' : typeof raw[name] === 'string' ? raw[name].trim() : undefined);
  const given = { measure: text('measure'), tier: text('tier'), year: text('year') };
  const values = { measure: given.measure ?? '', tier: given.tier ?? '', year: given.year ?? '' };
  const errors: Record<string, string> = {};
  const measure = given.measure === '' ? 'upheld-rate' : given.measure;
  if (!(mapMeasures as readonly (string | undefined)[]).includes(measure)) errors.measure = 'Choose upheld rate, compliance or complaints per 10,000 residents';
  const tier = given.tier === '' ? 'lower' : given.tier;
  if (!(mapTiers as readonly (string | undefined)[]).includes(tier)) errors.tier = 'Choose districts or counties';
  const year = given.year === '' ? years.defaultYear : given.year === undefined ? null : parsePlanYear(given.year);
  const range = years.firstYear === years.lastYear
    ? `Choose ${planYearName(years.lastYear)}: there are no figures for other years`
    : `Choose a year from ${planYearName(years.firstYear)} to ${planYearName(years.lastYear)}`;
  if (year === null || year < years.firstYear || year > years.lastYear) errors.year = range;
  if (Object.keys(errors).length > 0 || year === null) return { errors, values };
  return { query: { measure: measure as MapMeasure, tier: tier as MapTier, year } };
}

function toInput(c: MapCouncil) {
  return { code: c.code, name: c.name, councilType: c.councilType, countyCode: c.countyCode, population: c.population, hasBoundary: c.hasBoundary };
}

/** London's boroughs are drawn again, larger, in a box of their own. */
async function loadDrawing(db: ServiceDeps['db'], london: readonly string[]): Promise<PreparedMap | null> {
  const boundaries = await listBoundaries(db);
  if (boundaries.length === 0) return null;
  return prepareMap(boundaries, { width: 800, minArea: 1.5, inset: { codes: london, label: 'London', width: 240 } });
}

function areasOf(model: MapModel, year: number): ChoroplethArea[] {
  return model.entries
    .filter((e) => e.boundaryCodes.length > 0)
    .map((e) => ({
      boundaryCodes: e.boundaryCodes,
      href: councilHref(e.code, year),
      label: `${e.name}: ${e.valueText}${e.cautionText ? `. ${e.cautionText}` : ''}`,
      fill: { band: e.band, caution: e.caution },
    }));
}

interface LegendItem {
  label: string;
  count: number;
  swatch: string;
}

/**
 * The legend's keys, each with a small SVG swatch painted exactly as the map paints (the hatched
 * ones use the patterns defined in the map's own SVG, on the same page).
 */
function legendOf(model: MapModel): LegendItem[] {
  const swatch = (fill: string) =>
    `<svg class="app-map__swatch" width="32" height="20" viewBox="0 0 32 20" aria-hidden="true" focusable="false"><rect x=".5" y=".5" width="31" height="19" fill="${fill}" stroke="#0b0c0c"/></svg>`;
  const items = model.bands.map((band, i) => ({ label: band.label, count: model.bandCounts[i] ?? 0, swatch: swatch(BAND_COLOURS[i] ?? '#ffffff') }));
  items.push({ label: `Hatched: fewer than ${SMALL_NUMBERS} cases, treat with caution`, count: model.cautioned, swatch: swatch(fillOf({ band: 2, caution: true })) });
  items.push({ label: 'No data', count: model.noData, swatch: swatch(fillOf({ band: null, caution: false })) });
  return items;
}

/** The prepared drawing for the boundaries as they are now: made once, again only when they change. */
class DrawingCache {
  private current: { version: string; map: Promise<PreparedMap | null> } | undefined;

  get(version: string, make: () => Promise<PreparedMap | null>): Promise<PreparedMap | null> {
    if (this.current?.version !== version) {
      const map = make();
      this.current = { version, map };
      // A failed attempt is not kept, so the next request tries again.
      map.catch(() => {
        if (this.current?.map === map) this.current = undefined;
      });
    }
    return this.current.map;
  }
}
