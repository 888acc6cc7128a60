import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import type { PortalSettings } from '../portal/settings.ts';

/** What the routes for link officers share: the app's dependencies, the upload and sign-in settings, and page rendering in this service's layout. */
export interface BodiesRouteContext {
  deps: AppDeps;
  /** The complainant portal's settings (virus scanner, largest upload, sign-in limits): link officers' uploads and codes follow the same rules. */
  settings: () => PortalSettings;
  render: (request: FastifyRequest, reply: FastifyReply, template: string, context?: Record<string, unknown>, status?: number) => FastifyReply;
}
