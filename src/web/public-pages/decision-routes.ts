import type { FastifyInstance } from 'fastify';
import { AppError } from '../../services/errors.ts';
import {
  decisionFilterOptions,
  getPublishedDecision,
  MAX_PAGE,
  searchDecisions,
  type DecisionFilter,
} from '../../services/publication/decision-search.ts';
import type { AppDeps } from '../app.ts';
import { dateInput, field, parseId, type FormBody } from '../forms.ts';
import { cacheFor, publicHttpCaching, SHORT_MAX_AGE } from './http-cache.ts';

export const decisionPaths = {
  search: '/decisions',
  decision: (id: number) => `/decisions/${id}`,
};

const FILTER_FIELDS = ['q', 'body', 'category', 'outcome', 'from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'] as const;

/** What the search form holds, as typed (first value of each field, text only). */
function typedFilter(query: FormBody): Record<string, string> {
  return Object.fromEntries(FILTER_FIELDS.map((name) => [name, field(query, name)]));
}

/** A date filter left empty is no filter; a date half typed or not real is an error. */
function optionalDate(query: FormBody, name: 'from' | 'to', label: string, errors: Record<string, string>): string | undefined {
  if (!field(query, `${name}-day`) && !field(query, `${name}-month`) && !field(query, `${name}-year`)) return undefined;
  const date = dateInput(query, name, label);
  if (date.error) errors[name] = date.error;
  return date.value;
}

/** The query string of a search, for links to its other pages. */
function queryString(values: Record<string, string>, page?: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.append(name, value);
  if (page && page > 1) params.append('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** GOV.UK pagination: first, last, and the pages either side of this one, with gaps as ellipses. */
function paginationItems(page: number, pageCount: number, values: Record<string, string>) {
  const wanted = new Set([1, pageCount, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pageCount));
  const items: Record<string, unknown>[] = [];
  let previous = 0;
  for (const n of [...wanted].sort((a, b) => a - b)) {
    if (n - previous > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: `${decisionPaths.search}${queryString(values, n)}`, current: n === page });
    previous = n;
  }
  return items;
}

/**
 * The public's decisions: a search with filters that works without JavaScript (a GET form), a
 * page of results at a time, and each published decision on its own page. Cacheable: an ETag
 * and Cache-Control on every page; a withdrawn decision leaves the cache within minutes.
 */
export function decisionRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    publicHttpCaching(app);

    app.get(decisionPaths.search, async (request, reply) => {
      const query = (request.query ?? {}) as FormBody;
      const values = typedFilter(query);
      const errors: Record<string, string> = {};
      const from = optionalDate(query, 'from', 'the ‘from’ date', errors);
      const to = optionalDate(query, 'to', 'the ‘to’ date', errors);
      const requestedPage = parseId(field(query, 'page')) ?? 1;
      const filter: DecisionFilter = { words: values.q ?? '', body: values.body ?? '', category: values.category ?? '', outcome: values.outcome ?? '', from, to, page: Math.min(requestedPage, MAX_PAGE + 1) };
      const options = await decisionFilterOptions(deps.services);
      let result;
      try {
        if (Object.keys(errors).length > 0) throw new AppError('invalid', 'Check the filters', errors);
        result = await searchDecisions(deps.services, filter);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid') throw error;
        // The service names the words `words`; the form's field is `q`, which the error summary links to.
        const { words, ...others } = error.fields;
        Object.assign(errors, others, words ? { q: words } : {}, errors);
      }
      const hasErrors = Object.keys(errors).length > 0;
      const filtered = Object.values(values).some(Boolean);
      return cacheFor(reply, SHORT_MAX_AGE)
        .code(hasErrors ? 400 : 200)
        .render('public/decisions/search.njk', {
          title: 'Search decisions', values, errors: hasErrors ? errors : undefined, options, result, filtered,
          pagination: result && result.pageCount > 1 ? {
            items: paginationItems(result.page, result.pageCount, values),
            previous: result.page > 1 && result.page <= result.pageCount ? { href: `${decisionPaths.search}${queryString(values, result.page - 1)}` } : undefined,
            next: result.page < result.pageCount ? { href: `${decisionPaths.search}${queryString(values, result.page + 1)}` } : undefined,
          } : undefined,
          firstPageHref: `${decisionPaths.search}${queryString(values)}`,
          decisionHref: decisionPaths.decision,
        });
    });

    app.get('/decisions/:id', async (request, reply) => {
      const id = parseId((request.params as { id: string }).id);
      const found = id === undefined ? undefined : await getPublishedDecision(deps.services, id).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'not-found') return undefined;
        throw error;
      });
      // Never published, withdrawn, or not a decision at all: the same answer, so nothing is given away.
      if (!found) {
        return reply.code(404).render('public/decisions/not-found.njk', {
          title: 'Decision not found', message: 'There is no published decision at this address. It may have been withdrawn.',
          backHref: decisionPaths.search, backText: 'Search decisions',
        });
      }
      const { decision, bodies } = found;
      return cacheFor(reply, SHORT_MAX_AGE).render('public/decisions/decision.njk', {
        title: `Decision ${decision.reference}`, decision, bodies,
        breadcrumbs: [{ text: 'Decisions', href: decisionPaths.search }],
      });
    });
  };
}
