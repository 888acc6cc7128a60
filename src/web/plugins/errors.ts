import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../../data/db.ts';
import { AppError } from '../../services/errors.ts';

const statusOf: Record<AppError['code'], number> = {
  'not-found': 404,
  forbidden: 403,
  illegal: 409,
  invalid: 400,
  conflict: 409,
  unauthenticated: 401,
};

/** How soon to suggest trying again while the database cannot be reached. */
export const RETRY_AFTER_SECONDS = 30;

const unavailableMessage = 'Sorry, the service is unavailable. Try again in a few minutes.';

/** True for errors that mean "the database cannot be reached": answered with 503, not 500. */
export function isServiceUnavailable(error: unknown): boolean {
  return isDatabaseUnavailable(error);
}

/**
 * The GOV.UK "Sorry, the service is unavailable" page (or, for the API, JSON), with 503 and
 * Retry-After, never cached. For any plugin's own error handler to use when
 * `isServiceUnavailable(error)`; the application's error handler below already does.
 */
export function replyServiceUnavailable(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).header('cache-control', 'no-store');
  if (request.url.startsWith('/api/')) return reply.send({ error: 'unavailable', message: unavailableMessage });
  return reply.render('errors/service-unavailable.njk');
}

/** Maps application errors to GOV.UK error pages (or JSON for the API); bad input never becomes a 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: 'not-found', message: 'Not found' });
    return reply.code(404).render('errors/not-found.njk');
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const api = request.url.startsWith('/api/');
    if (error instanceof AppError) {
      const status = statusOf[error.code];
      if (api) return reply.code(status).send({ error: error.code, message: error.message, fields: error.fields });
      if (error.code === 'not-found') return reply.code(404).render('errors/not-found.njk');
      if (error.code === 'forbidden') return reply.code(403).render('errors/forbidden.njk', { message: error.message });
      return reply.code(status).render('errors/problem.njk', { message: error.message, status });
    }
    if (isServiceUnavailable(error)) {
      // Expected while the database restarts or fails over: a warning, not a stack trace per request.
      request.log.warn({ error: error.message, code: error.code }, 'database unavailable: answered 503');
      return replyServiceUnavailable(request, reply);
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : undefined;
    if (status) {
      const message = error.code?.startsWith('FST_CSRF') ? 'Your form expired or was sent from elsewhere. Go back, refresh the page and try again.' : friendly(error);
      if (api) return reply.code(status).send({ error: 'bad-request', message });
      return reply.code(status).render('errors/problem.njk', { message, status });
    }
    request.log.error({ err: error }, 'unhandled error');
    if (api) return reply.code(500).send({ error: 'internal', message: 'Sorry, there is a problem with the service' });
    return reply.code(500).render('errors/problem.njk', { message: 'Sorry, there is a problem with the service. Try again later.', status: 500 });
  });
}

function friendly(error: Error & { code?: string }): string {
  if (error.code === 'FST_REQ_FILE_TOO_LARGE') return 'The selected file must be smaller than 20MB';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The information sent was too large';
  return 'The request could not be understood. Go back and try again.';
}
