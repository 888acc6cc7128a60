import type { FastifyInstance } from 'fastify';
import { parsePlanYear } from '../../domain/body-statistics.ts';
import { publishedLetter } from '../../services/letters/letter-review.ts';
import type { AppDeps } from '../app.ts';

/**
 * A council's published annual review letter, for anyone: `/councils/:code/annual-letter/2017.pdf`.
 * Not found unless the letter is published. The ETag is the file's SHA-256, so a cache revalidates
 * cheaply; kept for a short while only, since a letter can be unpublished.
 */
export function letterDownloadRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get('/councils/:code/annual-letter/:file', async (request, reply) => {
      const { code, file } = request.params as { code: string; file: string };
      const year = parsePlanYear(/^(\d{4})\.pdf$/.exec(file)?.[1]);
      if (year === null) return reply.callNotFound();
      const letter = await publishedLetter(deps.services, code, year);
      const etag = `"${letter.sha256}"`;
      reply
        .header('etag', etag)
        .header('cache-control', 'public, max-age=300, must-revalidate')
        .header('last-modified', letter.publishedAt.toUTCString())
        .header('x-content-type-options', 'nosniff');
      const match = request.headers['if-none-match'];
      if (match && match.split(',').some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}` || tag.trim() === '*')) {
        return reply.code(304).send();
      }
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="${letter.fileName.replace(/[^\w.-]/g, '_')}"`)
        .send(await letter.read());
    });
  };
}
