import type { FastifyInstance } from 'fastify';
import { casesInAgeBand, myCases, queues, readQueue, search, teamOverview, type QueueName } from '../../services/queues.ts';
import type { AppDeps } from '../app.ts';
import { paths } from '../paths.ts';
import { requireRole, requireStaff, signedIn } from './guards.ts';

export function queueRoutes(deps: AppDeps) {
  const managers = requireRole('team-manager', 'ombudsman');
  return async (app: FastifyInstance) => {
    app.get(paths.staff.home, { preHandler: requireStaff }, async (request, reply) => reply.render('staff/home.njk', { staffUser: signedIn(request) }));

    app.get('/staff/queues/:name', { preHandler: requireStaff }, async (request, reply) => {
      const { name } = request.params as { name: string };
      if (!Object.hasOwn(queues, name)) return reply.callNotFound();
      const queue = queues[name as QueueName];
      const { after } = request.query as { after?: string };
      const page = await readQueue(deps.services, queue.filter, after);
      return reply.render('staff/queue.njk', { title: queue.title, name, ...page });
    });

    app.get(paths.staff.myCases, { preHandler: requireStaff }, async (request, reply) => {
      const { after } = request.query as { after?: string };
      const page = await myCases(deps.services, signedIn(request).id, after);
      return reply.render('staff/queue.njk', { title: 'My cases', name: 'mine', ...page });
    });

    app.get(paths.staff.team, { preHandler: managers }, async (_request, reply) => reply.render('staff/team.njk', await teamOverview(deps.services)));

    app.get('/staff/team/age/:band', { preHandler: managers }, async (request, reply) => {
      const result = await casesInAgeBand(deps.services, (request.params as { band: string }).band);
      if (!result) return reply.callNotFound();
      return reply.render('staff/age-band.njk', result);
    });

    app.get(paths.staff.search, { preHandler: requireStaff }, async (request, reply) => {
      const q = String((request.query as { q?: unknown }).q ?? '').slice(0, 200);
      return reply.render('staff/search.njk', { q, rows: await search(deps.services, q), searched: q.trim() !== '' });
    });
  };
}
