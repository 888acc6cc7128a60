import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';

export function decisionRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    void deps;
    void app;
  };
}
