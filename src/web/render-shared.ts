import type { FastifyInstance, FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';
import { KeptResponses } from './public-pages/kept-responses.ts';

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Renders a page that is the same for everyone once per `version` of what it shows, keeps it
     * under `slot` (the page and its query), and serves the kept copy with this response's CSP
     * nonce and the ETag made with it. `version` must change whenever anything the page shows
     * does; with `null` (nothing to tell versions apart by) the page is rendered for this
     * request only and nothing is kept.
     */
    renderShared(
      slot: string,
      version: string | null,
      template: string,
      context: () => Record<string, unknown> | Promise<Record<string, unknown>>,
    ): Promise<FastifyReply>;
  }
}

/** How many rendered public pages are kept (least recently used dropped first): a few tens of MB at most. */
export const SHARED_PAGES_KEPT = 500;

const NONCE_PLACEHOLDER = 'redress-shared-page-nonce-placeholder';
const HTML = 'text/html; charset=utf-8';

/**
 * Public pages are the same for every reader but for the CSP nonce: rendered once per version of
 * their data, they cost a lookup instead of a template run (the council page is ~76 KB, the map
 * ~211 KB). The kept copy carries a placeholder where the nonce goes; its ETag (http-cache.ts)
 * leaves nonces out, so it is the ETag of every copy sent.
 */
export function registerRenderShared(app: FastifyInstance, views: nunjucks.Environment, limit = SHARED_PAGES_KEPT): void {
  const pages = new KeptResponses(limit);
  app.decorateReply('renderShared', async function renderShared(this: FastifyReply, slot, version, template, context) {
    const currentPath = this.request.url.split('?')[0];
    const nonce = (this.cspNonce as { script?: string } | null)?.script ?? '';
    if (version === null) {
      return this.type(HTML).send(views.render(template, { cspNonce: nonce, currentPath, ...(await context()) }));
    }
    const kept = await pages.obtain(slot, version, async () => views.render(template, { cspNonce: NONCE_PLACEHOLDER, currentPath, ...(await context()) }));
    return this.header('etag', kept.etag).type(HTML).send(kept.body.replaceAll(NONCE_PLACEHOLDER, nonce));
  } satisfies FastifyReply['renderShared']);
}
