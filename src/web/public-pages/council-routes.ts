import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { parsePlanYear } from '../../domain/body-statistics.ts';
import { councilPageStamped } from '../../services/public-statistics/council-page.ts';
import { councilDirectory, councilFilters, findCouncils } from '../../services/public-statistics/council-directory.ts';
import { notFound } from '../../services/errors.ts';
import { councilPageView } from './council-view.ts';
import { fingerprint } from './fingerprint.ts';
import { cacheFor, LONG_MAX_AGE, publicHttpCaching, SHORT_MAX_AGE } from './http-cache.ts';

/** The longest search anyone needs for a council's name. */
const MAX_SEARCH = 100;

const single = (value: unknown): string => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '');

/**
 * Public council statistics, no sign-in: /councils (find a council by name, type and region; a
 * plain GET form, so it works without JavaScript) and /councils/:code?year=YYYY (a body's page for
 * a plan year, default the latest complete one). Every answer carries an ETag and
 * Cache-Control, and a repeat request with If-None-Match gets 304.
 */
export function councilRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    publicHttpCaching(app);

    app.get('/councils', async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const q = single(query.q).trim().slice(0, MAX_SEARCH);
      const all = await councilDirectory(deps.services);
      const filters = councilFilters(all);
      // A value no filter offers (an old link, a typed URL) is ignored rather than matching nothing.
      const councilType = filters.councilTypes.some((t) => t.value === single(query.type)) ? single(query.type) : '';
      const region = filters.regions.some((r) => r.value === single(query.region)) ? single(query.region) : '';
      const councils = findCouncils(all, { q, councilType, region });
      return cacheFor(reply, SHORT_MAX_AGE).render('public/councils/index.njk', {
        title: 'Find a council',
        councils,
        total: all.length,
        searched: q !== '' || councilType !== '' || region !== '',
        values: { q, type: councilType, region },
        typeItems: [{ value: '', text: 'All types' }, ...filters.councilTypes].map((i) => ({ ...i, selected: i.value === councilType })),
        regionItems: [{ value: '', text: 'All regions' }, ...filters.regions].map((i) => ({ ...i, selected: i.value === region })),
      });
    });

    app.get('/councils/:code', async (request, reply) => {
      const { code } = request.params as { code: string };
      const yearText = single((request.query as Record<string, unknown>).year);
      let year: number | undefined;
      if (yearText !== '') {
        const parsed = parsePlanYear(yearText);
        if (parsed === null) throw notFound('Statistics for that year');
        year = parsed;
      }
      const { page, stamped } = await councilPageStamped(deps.services, code, year);
      // The page is rendered from `page` alone, so a digest of it is a version that changes with
      // anything shown: every year's figures on the trend, the body's details, a new letter.
      // Without a real stamp, computed_at is this request's time: rendered once, not kept.
      const version = stamped ? fingerprint(page) : null;
      return cacheFor(reply, page.year_complete ? LONG_MAX_AGE : SHORT_MAX_AGE).renderShared(`council:${page.body.code}:${page.plan_year}`, version, 'public/councils/council.njk', () => ({
        ...councilPageView(page),
        breadcrumbs: [{ text: 'Councils', href: '/councils' }],
      }));
    });
  };
}
