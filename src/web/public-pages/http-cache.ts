import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * HTTP caching for public pages and files: a route says how long its answer may be kept
 * (`cacheFor`), and the hook `publicHttpCaching` adds to the plugin's routes
 * - an ETag, the SHA-256 of the body as sent (less its CSP nonces, which change on every response),
 *   so it is right whatever produced the body and the same on every web copy; a route that sends
 *   a kept body (kept-responses.ts) sets the ETag worked out when the body was made, so a large
 *   page is not hashed again on every request;
 * - `Cache-Control: public, max-age=N` (only on a 200 without a cookie: a response that sets a
 *   cookie is personal, so it becomes `private, no-cache` instead);
 * - 304 Not Modified, with no body, when the request's If-None-Match names that ETag. The 304
 *   carries no Content-Security-Policy, so the browser keeps the one stored with its copy, whose
 *   nonce matches that copy's scripts (RFC 9111 4.3.4: headers absent from a 304 are kept).
 *
 * Usage, in a route plugin:
 *   publicHttpCaching(app);
 *   app.get('/x', async (request, reply) => cacheFor(reply, 300).render('x.njk', data));
 */

/** Public pages whose figures change during the day. */
export const SHORT_MAX_AGE = 5 * 60;
/** Figures of a plan year that has ended (they change only when history is imported). */
export const LONG_MAX_AGE = 60 * 60;

const CACHE_CONTROL = 'cache-control';

export function cacheFor(reply: FastifyReply, maxAgeSeconds: number): FastifyReply {
  return reply.header(CACHE_CONTROL, `public, max-age=${Math.max(0, Math.trunc(maxAgeSeconds))}`);
}

const NONCE = /\snonce="[^"]*"/g;

export function etagOf(body: string | Buffer): string {
  const text = typeof body === 'string' ? body : body.toString('latin1');
  const stable = text.includes('nonce="') ? text.replace(NONCE, '') : body;
  return `"${createHash('sha256').update(stable).digest('base64url').slice(0, 32)}"`;
}

/** If-None-Match uses the weak comparison: W/"x" matches "x"; "*" matches anything. */
export function ifNoneMatchMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}

export function publicHttpCaching(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const control = reply.getHeader(CACHE_CONTROL);
    if (typeof control !== 'string' || !control.startsWith('public')) return payload;
    if (reply.statusCode !== 200 || (request.method !== 'GET' && request.method !== 'HEAD')) {
      reply.removeHeader(CACHE_CONTROL);
      return payload;
    }
    if (reply.getHeader('set-cookie') !== undefined) {
      reply.header(CACHE_CONTROL, 'private, no-cache');
      return payload;
    }
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const given = reply.getHeader('etag');
    const etag = typeof given === 'string' ? given : etagOf(payload);
    reply.header('etag', etag);
    if (!ifNoneMatchMatches(request.headers['if-none-match'], etag)) return payload;
    reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    reply.removeHeader('content-disposition');
    reply.removeHeader('content-security-policy');
    return '';
  });
}
