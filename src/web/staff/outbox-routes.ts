import type { FastifyInstance } from 'fastify';
import { readOutbox } from '../../notify/local-outbox.ts';
import type { AppDeps } from '../app.ts';
import { paths } from '../paths.ts';
import { requireStaff } from './guards.ts';

export const OUTBOX_PATH = paths.staff.outbox;

/**
 * The outbox: every notification, newest first, rendered locally, for any signed-in member of
 * staff. Recipients' addresses are personal data, shown to staff only.
 */
export function outboxRoutes(deps: Pick<AppDeps, 'services'>) {
  return async (app: FastifyInstance) => {
    app.get(OUTBOX_PATH, { preHandler: requireStaff }, async (request, reply) => {
      const { before } = request.query as { before?: unknown };
      const cursor = typeof before === 'string' && /^\d{1,10}$/.test(before) ? Number(before) : undefined;
      const page = await readOutbox(deps.services.db, cursor);
      return reply.render('staff/outbox.njk', { ...page, newerLink: cursor === undefined ? undefined : OUTBOX_PATH });
    });
  };
}
