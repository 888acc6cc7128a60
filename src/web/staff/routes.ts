import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { authRoutes } from './auth-routes.ts';
import { intakeRoutes } from './intake-routes.ts';
import { queueRoutes } from './queue-routes.ts';
import { caseRoutes } from './case-routes.ts';
import { adminRoutes } from './admin-routes.ts';
import { serviceStandardsRoutes } from './service-standards-routes.ts';
import { outboxRoutes } from './outbox-routes.ts';

export function staffRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    await app.register(authRoutes(deps));
    await app.register(queueRoutes(deps));
    await app.register(intakeRoutes(deps));
    await app.register(caseRoutes(deps));
    await app.register(adminRoutes(deps));
    await app.register(serviceStandardsRoutes(deps));
    await app.register(outboxRoutes(deps));
  };
}
