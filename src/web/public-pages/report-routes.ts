import type { FastifyInstance } from 'fastify';
import type { ReportKind } from '../../data/repositories/reports.ts';
import { AppError } from '../../services/errors.ts';
import { getPublicReport, listPublicReports } from '../../services/publication/public-reports.ts';
import { reportKinds } from '../../services/publication/reports.ts';
import type { AppDeps } from '../app.ts';
import { field, parseId, type FormBody } from '../forms.ts';
import { cacheFor, publicHttpCaching, SHORT_MAX_AGE } from './http-cache.ts';

export const reportPaths = {
  list: (kind?: string, page?: number) => {
    const params = new URLSearchParams();
    if (kind) params.append('kind', kind);
    if (page && page > 1) params.append('page', String(page));
    const query = params.toString();
    return `/reports${query ? `?${query}` : ''}`;
  },
  report: (slug: string) => `/reports/${encodeURIComponent(slug)}`,
  decision: (id: number) => `/decisions/${id}`,
};

const isKind = (value: string): value is ReportKind => Object.hasOwn(reportKinds, value);

/**
 * The public's reports: public interest reports and focus reports, newest first (all, or one
 * kind), and each report with the cases it covers. Cacheable like every public page.
 */
export function reportRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    publicHttpCaching(app);

    app.get('/reports', async (request, reply) => {
      const query = (request.query ?? {}) as FormBody;
      const kindText = field(query, 'kind');
      // An unknown kind is shown as all reports, rather than an error page for a mistyped link.
      const kind = isKind(kindText) ? kindText : undefined;
      const list = await listPublicReports(deps.services, kind, parseId(field(query, 'page')) ?? 1);
      return cacheFor(reply, SHORT_MAX_AGE).render('public/reports/list.njk', {
        title: kind ? `${reportKinds[kind]}s` : 'Public interest and focus reports', list, kind, reportKinds, reportPaths,
        pagination: list.pageCount > 1 ? {
          previous: list.page > 1 ? { href: reportPaths.list(kind, list.page - 1) } : undefined,
          next: list.page < list.pageCount ? { href: reportPaths.list(kind, list.page + 1) } : undefined,
          items: Array.from({ length: list.pageCount }, (_, i) => ({ number: i + 1, href: reportPaths.list(kind, i + 1), current: i + 1 === list.page })),
        } : undefined,
      });
    });

    app.get('/reports/:slug', async (request, reply) => {
      const slug = (request.params as { slug: string }).slug;
      const found = await getPublicReport(deps.services, slug).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'not-found') return undefined;
        throw error;
      });
      if (!found) {
        return reply.code(404).render('public/decisions/not-found.njk', {
          title: 'Report not found', message: 'There is no published report at this address. It may have been withdrawn.',
          backHref: reportPaths.list(), backText: 'See all reports',
        });
      }
      return cacheFor(reply, SHORT_MAX_AGE).render('public/reports/report.njk', {
        title: found.report.title, ...found, reportKinds, reportPaths,
        breadcrumbs: [{ text: 'Reports', href: reportPaths.list() }, { text: reportKinds[found.report.kind] + 's', href: reportPaths.list(found.report.kind) }],
      });
    });
  };
}
