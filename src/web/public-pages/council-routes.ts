import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';

export function councilRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    void deps;
    void app;
  };
}
