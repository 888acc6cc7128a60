import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import { formatLondonDate } from '../../domain/london-time.ts';
import { DELAYED_AFTER_MONTHS, RECENTLY_OVERDUE_MONTHS } from '../../domain/remedies.ts';
import { allBodiesWatchList, bodyWatchList, type WatchListEntry } from '../../services/remedies/watch-list.ts';
import type { AppDeps } from '../app.ts';
import { cacheFor, publicHttpCaching, SHORT_MAX_AGE } from './http-cache.ts';

/** The public watch-list's URLs: a body's list and feed, and the list across all bodies. */
export const watchListPaths = {
  all: '/watch-list',
  allFeed: '/watch-list.atom',
  body: (code: string) => `/councils/${encodeURIComponent(code)}/watch-list`,
  bodyFeed: (code: string) => `/councils/${encodeURIComponent(code)}/watch-list.atom`,
  council: (code: string) => `/councils/${encodeURIComponent(code)}`,
};

/** The site's address for links in the feed: PUBLIC_URL when set, else the address this request came to. */
function siteUrl(deps: AppDeps, request: FastifyRequest): string {
  return (deps.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

function entryTitle(entry: WatchListEntry, withBody: boolean): string {
  const late = `${entry.daysOverdue} day${entry.daysOverdue === 1 ? '' : 's'} overdue`;
  return `${withBody ? `${entry.bodyName}: ` : ''}${entry.kindLabel}, due ${formatLondonDate(entry.dueOn)}, ${late}${entry.delayed ? ' (delayed remedy)' : ''}`;
}

function entryText(entry: WatchListEntry): string {
  return [
    `${entry.kindLabel} we recommended to ${entry.bodyName}, due ${formatLondonDate(entry.dueOn)}: ${entry.daysOverdue} days overdue.`,
    entry.delayed && entry.delayedDueOn ? `Outstanding for ${DELAYED_AFTER_MONTHS} months, it is now a delayed remedy, due ${formatLondonDate(entry.delayedDueOn)}.` : '',
    entry.improvement ? `The service improvement: ${entry.improvement}` : '',
  ].filter(Boolean).join(' ');
}

/** An Atom feed of watch-list entries, each linking to its row on the page. */
function atomFeed(options: { site: string; selfPath: string; pagePath: string; title: string; description: string; updated: Date; entries: WatchListEntry[]; withBody: boolean }): string {
  const feed = new Feed({
    id: `${options.site}${options.selfPath}`,
    title: options.title,
    description: options.description,
    link: `${options.site}${options.pagePath}`,
    updated: options.updated,
    feedLinks: { atom: `${options.site}${options.selfPath}` },
    language: 'en-GB',
    generator: false,
  });
  for (const entry of options.entries) {
    // A remedy about two bodies is an entry on each body's list.
    const anchor = `remedy-${entry.id}-${entry.bodyCode}`;
    feed.addItem({
      id: `${options.site}${watchListPaths.body(entry.bodyCode)}#${anchor}`,
      title: entryTitle(entry, options.withBody),
      link: `${options.site}${watchListPaths.body(entry.bodyCode)}#${anchor}`,
      date: entry.updatedAt,
      description: entryText(entry),
    });
  }
  return feed.atom1();
}

/**
 * The public watch-list of overdue remedies, for councils' scrutiny committees and anyone else:
 * a page and an Atom feed per body, and both across all bodies. Facts only (kind, due date, days
 * overdue, delayed), a service improvement's wording, never a case or a person. Cacheable.
 */
export function watchListRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    publicHttpCaching(app);
    const about = { recentMonths: RECENTLY_OVERDUE_MONTHS, delayedAfterMonths: DELAYED_AFTER_MONTHS };

    app.get(watchListPaths.all, async (_request, reply) => {
      const list = await allBodiesWatchList(deps.services);
      return cacheFor(reply, SHORT_MAX_AGE).render('public/watch-list-all.njk', { list, about, watchListPaths });
    });

    app.get(watchListPaths.allFeed, async (request, reply) => {
      const list = await allBodiesWatchList(deps.services);
      const body = atomFeed({
        site: siteUrl(deps, request), selfPath: watchListPaths.allFeed, pagePath: watchListPaths.all,
        title: 'Overdue remedies: all councils and care providers',
        description: `Remedies we recommended that are still outstanding after their due date, across all bodies, most recently due first (the latest ${list.entries.length}).`,
        updated: list.updatedAt, entries: list.entries, withBody: true,
      });
      return cacheFor(reply, SHORT_MAX_AGE).type('application/atom+xml; charset=utf-8').send(body);
    });

    app.get('/councils/:code/watch-list', async (request, reply) => {
      const list = await bodyWatchList(deps.services, (request.params as { code: string }).code);
      return cacheFor(reply, SHORT_MAX_AGE).render('public/watch-list.njk', { list, about, watchListPaths });
    });

    app.get('/councils/:code/watch-list.atom', async (request, reply) => {
      const list = await bodyWatchList(deps.services, (request.params as { code: string }).code);
      const body = atomFeed({
        site: siteUrl(deps, request), selfPath: watchListPaths.bodyFeed(list.body.code), pagePath: watchListPaths.body(list.body.code),
        title: `Overdue remedies: ${list.body.name}`,
        description: `Remedies we recommended to ${list.body.name} that are still outstanding after their due date.`,
        updated: list.updatedAt, entries: list.entries, withBody: false,
      });
      return cacheFor(reply, SHORT_MAX_AGE).type('application/atom+xml; charset=utf-8').send(body);
    });
  };
}
