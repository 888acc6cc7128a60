import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../services/errors.ts';
import type { AppDeps } from '../app.ts';
import { portalSettings, type PortalOptions } from '../portal/settings.ts';
import type { BodiesRouteContext } from './context.ts';
import { bodiesPaths } from './paths.ts';
import { BODIES_IDLE_MS, officerIfSignedIn } from './session.ts';
import { registerBodiesSignInRoutes } from './sign-in-routes.ts';
import { registerBodiesWorkRoutes } from './work-routes.ts';

/**
 * The service for bodies' link officers (/bodies): the named people at councils and care
 * providers who answer our enquiries and confirm that remedies were done. They sign in with an
 * emailed code, like complainants, and see only their own body's work. Every page works without
 * JavaScript and every form has CSRF protection; errors look like this service, and another body's
 * enquiry, remedy, case or document is "not found", the same as one that does not exist.
 */
export function bodiesRoutes(deps: AppDeps, options: PortalOptions = {}) {
  return async (app: FastifyInstance) => {
    const render = (request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown> = {}, status = 200) =>
      reply.code(status).render(template, { officer: officerIfSignedIn(request), bodiesPaths, idleMinutes: BODIES_IDLE_MS / 60_000, ...context });
    const context: BodiesRouteContext = { deps, settings: () => portalSettings(deps.services, options), render };

    app.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
      if (error instanceof AppError) {
        if (error.code === 'not-found' || error.code === 'forbidden') return render(request, reply, 'bodies/not-found.njk', {}, 404);
        if (error.code === 'illegal' || error.code === 'conflict') return render(request, reply, 'bodies/problem.njk', { message: error.message }, 409);
      }
      if (error.code?.startsWith('FST_CSRF')) {
        return render(request, reply, 'bodies/problem.njk', { message: 'Your form expired or was sent from elsewhere. Go back, refresh the page and try again.' }, 403);
      }
      throw error;
    });

    registerBodiesSignInRoutes(app, context);
    registerBodiesWorkRoutes(app, context);
  };
}
