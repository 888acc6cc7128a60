import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { parsePlanYear, planYearName, planYearOf } from '../../domain/body-statistics.ts';
import { availablePlanYears, councilPage } from '../../services/body-statistics.ts';
import { notFound } from '../../services/errors.ts';
import { ensurePlanYears } from '../../services/public-statistics/year-statistics.ts';
import { openDataCsv, openDataDatasets, openDataJson, openDataPaths, openDataTable } from '../../services/public-statistics/open-data.ts';
import { cacheFor, LONG_MAX_AGE, publicHttpCaching, SHORT_MAX_AGE } from './http-cache.ts';
import { KeptResponses } from './kept-responses.ts';

/**
 * Files kept (least recently used dropped first): the five data sets in both formats for six plan
 * years. The largest, body-statistics.json, is a few hundred kB, so this stays under ~20 MB.
 */
const FILES_KEPT = 60;

/**
 * Open data, no sign-in: /open-data (the files for each plan year and the data dictionary),
 * /open-data/:year/:dataset.csv|json, and /open-data/:year/councils/:code.json (exactly the data
 * of the council's page, from the same function). Cacheable like every public page.
 *
 * A data set's file is made only from the year's cached figures, so it is kept in memory per
 * version of them (the year's computed_at, which every entry of a computed year shares): a
 * request reads the stamp and, unless the year was computed again since, sends the kept bytes.
 */
export function openDataRoutes(deps: AppDeps, options: { filesKept?: number } = {}) {
  const files = new KeptResponses(options.filesKept ?? FILES_KEPT);
  return async (app: FastifyInstance) => {
    publicHttpCaching(app);

    /** The plan year of the path, if it is one we publish; not-found otherwise. */
    async function publishedYear(text: string): Promise<number> {
      const year = parsePlanYear(text);
      if (year === null || !(await availablePlanYears(deps.services)).includes(year)) throw notFound('Data for that year');
      return year;
    }
    const maxAge = (year: number) => (year < planYearOf(deps.services.clock.now()) ? LONG_MAX_AGE : SHORT_MAX_AGE);

    app.get('/open-data', async (_request, reply) => {
      const years = await availablePlanYears(deps.services);
      const current = planYearOf(deps.services.clock.now());
      return cacheFor(reply, SHORT_MAX_AGE).render('public/open-data/index.njk', {
        title: 'Open data',
        years: years.map((year) => ({
          year,
          name: planYearName(year) + (year >= current ? ' (so far)' : ''),
          files: openDataDatasets.map((d) => ({ title: d.title, csv: openDataPaths.file(year, d.id, 'csv'), json: openDataPaths.file(year, d.id, 'json') })),
        })),
        datasets: openDataDatasets.map((d) => ({ id: d.id, title: d.title, description: d.description, columns: d.columns.map((c) => ({ name: c.name, definition: c.definition })) })),
        exampleCouncilJson: openDataPaths.council(years[0] ?? current, 'E06000001'),
      });
    });

    app.get('/open-data/:year/:file', async (request, reply) => {
      const { year: yearText, file } = request.params as { year: string; file: string };
      const match = /^([a-z-]+)\.(csv|json)$/.exec(file);
      if (!match) throw notFound('File');
      const [, datasetId, format] = match as unknown as [string, string, 'csv' | 'json'];
      if (!openDataDatasets.some((d) => d.id === datasetId)) throw notFound('Data set');
      const year = await publishedYear(yearText);
      const make = async () => {
        const table = await openDataTable(deps.services, datasetId, year);
        return format === 'json' ? JSON.stringify(openDataJson(table)) : openDataCsv(table);
      };
      // ensurePlanYears computes a year never computed, so there is always a stamp to key by; it
      // also starts the recomputation of a stale year, as reading the figures would.
      const stamp = (await ensurePlanYears(deps.services, [year])).get(year);
      const kept = stamp === undefined
        ? { body: await make(), etag: undefined }
        : await files.obtain(`${datasetId}:${year}:${format}`, stamp.toISOString(), make);
      cacheFor(reply, maxAge(year));
      if (kept.etag !== undefined) reply.header('etag', kept.etag);
      if (format === 'json') return reply.type('application/json; charset=utf-8').send(kept.body);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${datasetId}-${planYearName(year)}.csv"`)
        .send(kept.body);
    });

    app.get('/open-data/:year/councils/:file', async (request, reply) => {
      const { year: yearText, file } = request.params as { year: string; file: string };
      if (!file.endsWith('.json')) throw notFound('File');
      const year = await publishedYear(yearText);
      const page = await councilPage(deps.services, file.slice(0, -'.json'.length), year);
      return cacheFor(reply, maxAge(year)).type('application/json; charset=utf-8').send(JSON.stringify(page));
    });
  };
}
