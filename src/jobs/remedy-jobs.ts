import type { ServiceDeps } from '../services/deps.ts';
import type { Notifier } from '../notify/notifier.ts';
import { markDelayedRemedies } from '../services/remedies/delayed.ts';
import { sendRemedyReminders } from '../services/remedies/reminders.ts';
import { nextDailyRun, nextWorkingTime } from './reminders.ts';
import { ensureScheduled, type JobHandler, type JobHandlers } from './worker.ts';

/** The daily follow-up of remedies: delayed remedies marked, reminders to link officers sent. */
export const REMEDY_FOLLOW_UP = 'remedy-follow-up';

/**
 * The daily 'remedy-follow-up' job, at 9am on working days. It books tomorrow's run first, so a
 * failure today never ends the chain. Run outside working hours (a retry, a worker that was down)
 * it does nothing: emails to bodies go in working hours only, and the next run finds everything
 * still to do (the schedule sends the latest reminder due, not a backlog).
 */
export function remedyFollowUpJob(deps: Pick<ServiceDeps, 'db' | 'calendar'>): JobHandler {
  return async (job, context) => {
    const calendar = deps.calendar();
    await ensureScheduled(deps.db, REMEDY_FOLLOW_UP, {}, nextDailyRun(context.now, calendar), job.id);
    if (nextWorkingTime(context.now, calendar).getTime() !== context.now.getTime()) {
      context.log.info('outside working hours: remedy follow-up left for the next run');
      return;
    }
    const delayed = await markDelayedRemedies(deps, context.now);
    const reminded = await sendRemedyReminders(deps, context.now);
    context.log.info({ delayed: delayed.length, reminders: reminded.length }, 'remedies followed up');
  };
}

/** Background work on remedies: reminders to link officers, delayed remedies. */
export function remedyJobHandlers(deps: ServiceDeps, notifier: Notifier): JobHandlers {
  void notifier; // emails are queued as notifications; the send-notification job hands them to the notifier
  return { [REMEDY_FOLLOW_UP]: remedyFollowUpJob(deps) };
}

/** Books the recurring remedy jobs when none is pending; safe to call from every worker at start. */
export async function scheduleRemedyJobs(deps: ServiceDeps): Promise<void> {
  await ensureScheduled(deps.db, REMEDY_FOLLOW_UP, {}, nextWorkingTime(deps.clock.now(), deps.calendar()));
}
