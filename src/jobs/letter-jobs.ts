import type { ServiceDeps } from '../services/deps.ts';
import type { JobHandlers } from './worker.ts';

/** Background work on annual letters: generating a year's letters in a batch. */
export function letterJobHandlers(deps: ServiceDeps): JobHandlers {
  void deps;
  return {};
}
