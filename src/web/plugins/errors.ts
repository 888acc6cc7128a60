import type { FastifyInstance } from 'fastify';
import { AppError } from '../../services/errors.ts';

const statusOf: Record<AppError['code'], number> = {
  'not-found': 404,
  forbidden: 403,
  illegal: 409,
  invalid: 400,
  conflict: 409,
  unauthenticated: 401,
};

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
