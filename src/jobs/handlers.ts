import type { ServiceDeps } from '../services/deps.ts';
import type { Notifier } from '../notify/notifier.ts';
import { scheduleReminders, sendRemindersJob, SEND_REMINDERS } from './reminders.ts';
import { sendNotificationJob, SEND_NOTIFICATION } from './send-notification.ts';
import type { JobHandlers } from './worker.ts';
import { remedyJobHandlers, scheduleRemedyJobs } from './remedy-jobs.ts';
import { letterJobHandlers } from './letter-jobs.ts';
import { HOUSEKEEPING, housekeepingJob, scheduleHousekeeping } from './housekeeping.ts';
import { REFRESH_PUBLIC_STATISTICS, refreshPublicStatisticsJob, schedulePublicStatisticsRefresh } from './statistics-jobs.ts';

/** Every kind of background job Redress runs, by kind: what a worker is given to start. */
export function jobHandlers(deps: ServiceDeps, notifier: Notifier): JobHandlers {
  return {
    [SEND_NOTIFICATION]: sendNotificationJob(deps, notifier),
    [SEND_REMINDERS]: sendRemindersJob(deps),
    [HOUSEKEEPING]: housekeepingJob(deps),
    [REFRESH_PUBLIC_STATISTICS]: refreshPublicStatisticsJob(deps),
    ...remedyJobHandlers(deps, notifier),
    ...letterJobHandlers(deps),
  };
}

/** Books the recurring jobs (the daily reminders) when none is pending; safe to call from every worker at start. */
export async function scheduleRecurringJobs(deps: ServiceDeps): Promise<void> {
  await scheduleReminders(deps);
  await scheduleHousekeeping(deps);
  await schedulePublicStatisticsRefresh(deps);
  await scheduleRemedyJobs(deps);
}
