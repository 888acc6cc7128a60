import { deleteExpiredSessions } from '../data/repositories/sessions.ts';
import { deleteFinishedJobsBefore } from './queue.ts';
import { purgeExpiredDrafts } from '../services/complain/drafts.ts';
import type { ServiceDeps } from '../services/deps.ts';
import { ensureScheduled, type JobHandler } from './worker.ts';

export const HOUSEKEEPING = 'housekeeping';

/** Housekeeping runs at 2 or 3am London time (02:00 UTC), when nobody is waiting on the database. */
const RUN_AT_HOUR_UTC = 2;
/** Finished jobs are kept this long for diagnosis, then deleted. */
export const FINISHED_JOBS_KEPT_DAYS = 30;

export function nextHousekeepingRun(now: Date): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), RUN_AT_HOUR_UTC));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

export async function scheduleHousekeeping(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<boolean> {
  return ensureScheduled(deps.db, HOUSEKEEPING, {}, nextHousekeepingRun(deps.clock.now()));
}

/**
 * Deletes what has expired: sessions past their expiry, complaint drafts nobody saved for their
 * lifetime, and finished jobs older than FINISHED_JOBS_KEPT_DAYS. Safe to run twice.
 */
export function housekeepingJob(deps: ServiceDeps): JobHandler {
  return async (job, context) => {
    await ensureScheduled(deps.db, HOUSEKEEPING, {}, nextHousekeepingRun(context.now), job.id);
    const sessions = await deleteExpiredSessions(deps.db, context.now);
    const drafts = await purgeExpiredDrafts({ ...deps, clock: { now: () => context.now } });
    const jobs = await deleteFinishedJobsBefore(deps.db, new Date(context.now.getTime() - FINISHED_JOBS_KEPT_DAYS * 86_400_000));
    context.log.info({ sessions, drafts, jobs }, 'housekeeping done');
  };
}
