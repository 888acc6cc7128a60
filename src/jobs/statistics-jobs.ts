import { refreshPublicStatistics } from '../services/body-statistics.ts';
import type { ServiceDeps } from '../services/deps.ts';
import { ensureScheduled, type JobHandler } from './worker.ts';

export const REFRESH_PUBLIC_STATISTICS = 'refresh-public-statistics';

/**
 * The current plan year's public figures are recomputed when older than ten minutes (see
 * maxAgeSeconds in services/public-statistics): running this often means a reader never waits.
 */
export const REFRESH_EVERY_MS = 5 * 60_000;

/** Books the refresh to run now (at start-up, so a first visitor finds every year computed) unless one is pending. */
export async function schedulePublicStatisticsRefresh(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<boolean> {
  return ensureScheduled(deps.db, REFRESH_PUBLIC_STATISTICS, {}, deps.clock.now());
}

/** Computes every plan year that is missing or stale, then books the next run. */
export function refreshPublicStatisticsJob(deps: ServiceDeps): JobHandler {
  return async (job, context) => {
    const computed = await refreshPublicStatistics({ ...deps, clock: { now: () => context.now } });
    await ensureScheduled(deps.db, REFRESH_PUBLIC_STATISTICS, {}, new Date(context.now.getTime() + REFRESH_EVERY_MS), job.id);
    context.log.info({ years: computed }, 'public statistics refreshed');
  };
}
