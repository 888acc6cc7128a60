import { sql } from 'kysely';
import { formatLondonDate, londonDate, londonDateTime } from '../domain/london-time.ts';
import type { WorkingDayCalendar } from '../domain/working-days.ts';
import type { ServiceDeps } from '../services/deps.ts';
import { waitingFor } from '../notify/templates.ts';
import { notifyCaseParties, SEND_NOTIFICATION } from './send-notification.ts';
import { ensureScheduled, type JobHandler } from './worker.ts';

export const SEND_REMINDERS = 'send-reminders';
const REMINDER = 'reminder-waiting-for-you';

/** A stopped clock is worth a reminder once it has stood still this many working days. */
export const CLOCK_STOP_REMINDER_AFTER_WORKING_DAYS = 5;
/** A draft decision's comments are worth a reminder this many working days before they are due. */
export const DRAFT_REMINDER_WITHIN_WORKING_DAYS = 2;

const OPENS = '09:00';
const CLOSES = '17:00';

/** `now` when it is within working hours (9am to 5pm, London, on a working day), else when they next begin. */
export function nextWorkingTime(now: Date, calendar: WorkingDayCalendar): Date {
  const today = londonDate(now);
  if (calendar.isWorkingDay(today)) {
    const opens = londonDateTime(today, OPENS);
    if (now < opens) return opens;
    if (now < londonDateTime(today, CLOSES)) return now;
  }
  return londonDateTime(calendar.nextWorkingDay(today), OPENS);
}

/** The next 9am on a working day strictly after `now`: when the daily reminders run next. */
export function nextDailyRun(now: Date, calendar: WorkingDayCalendar): Date {
  const today = londonDate(now);
  const opensToday = londonDateTime(today, OPENS);
  if (calendar.isWorkingDay(today) && now < opensToday) return opensToday;
  return londonDateTime(calendar.nextWorkingDay(today), OPENS);
}

/** Makes sure the daily reminders job is scheduled; call when a worker starts. */
export async function scheduleReminders(deps: Pick<ServiceDeps, 'db' | 'clock' | 'calendar'>): Promise<boolean> {
  return ensureScheduled(deps.db, SEND_REMINDERS, {}, nextWorkingTime(deps.clock.now(), deps.calendar()));
}

interface Reminder {
  caseId: number;
  /** Reminded at most once for each: a reminder created since this instant counts. */
  since: Date;
  waitingFor: string;
}

/**
 * Finds the cases waiting for their complainant and queues one 'reminder-waiting-for-you' for
 * each, at most once per clock stop and once per draft decision (the notifications table says
 * whether one was already queued), to be sent in working hours. Returns the cases reminded.
 */
export async function queueReminders(deps: Pick<ServiceDeps, 'db' | 'calendar'>, now: Date): Promise<string[]> {
  const calendar = deps.calendar();
  const today = londonDate(now);
  const sendAt = nextWorkingTime(now, calendar);
  const reminders = new Map<number, Reminder>();

  // Draft decisions whose comments are due within two working days, with nothing from the complainant since.
  const drafts = await deps.db
    .selectFrom('cases as c')
    .innerJoin('decisions as d', (join) => join.onRef('d.case_id', '=', 'c.id').on('d.kind', '=', 'draft'))
    .select(['c.id', 'd.made_at', 'd.comments_due_on'])
    .where('c.stage', '=', 'draft-decision')
    .where('d.comments_due_on', '>=', today)
    .where('d.comments_due_on', '<=', calendar.addWorkingDays(today, DRAFT_REMINDER_WITHIN_WORKING_DAYS))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('decisions as later').select('later.id').whereRef('later.case_id', '=', 'c.id').where('later.kind', '=', 'draft').whereRef('later.id', '>', 'd.id'))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('messages as m').select('m.id').whereRef('m.case_id', '=', 'c.id').where('m.from_person_id', 'is not', null).whereRef('m.sent_at', '>=', 'd.made_at'))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('notifications as n').select('n.id').whereRef('n.case_id', '=', 'c.id').where('n.template', '=', REMINDER).whereRef('n.created_at', '>=', 'd.made_at'))))
    .execute();
  for (const d of drafts) {
    if (d.comments_due_on) reminders.set(d.id, { caseId: d.id, since: d.made_at, waitingFor: waitingFor.draftComments(formatLondonDate(d.comments_due_on)) });
  }

  // Clocks stopped (waiting for the complainant) for five working days or more.
  const stops = await deps.db
    .selectFrom('cases as c')
    .innerJoin('clock_stops as s', (join) => join.onRef('s.case_id', '=', 'c.id').on('s.restarted_at', 'is', null))
    .select(['c.id', 's.stopped_at'])
    .where('c.clock_stopped_at', 'is not', null)
    .where('c.stage', '<>', 'closed')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('notifications as n').select('n.id').whereRef('n.case_id', '=', 'c.id').where('n.template', '=', REMINDER).whereRef('n.created_at', '>=', 's.stopped_at'))))
    .execute();
  for (const s of stops) {
    if (reminders.has(s.id)) continue; // one reminder per case at a time: the draft's, which has a date
    if (calendar.workingDaysBetween(londonDate(s.stopped_at), today) < CLOCK_STOP_REMINDER_AFTER_WORKING_DAYS) continue;
    reminders.set(s.id, { caseId: s.id, since: s.stopped_at, waitingFor: waitingFor.information });
  }

  const reminded: string[] = [];
  for (const reminder of reminders.values()) {
    const reference = await deps.db.transaction().execute(async (trx) => {
      // Locked and checked again, so two runs at once still remind once.
      const caseRow = await trx.selectFrom('cases').select(['id', 'reference', 'complainant_id', 'representative_id']).where('id', '=', reminder.caseId).forUpdate().executeTakeFirstOrThrow();
      const earlier = await trx.selectFrom('notifications').select('id').where('case_id', '=', caseRow.id).where('template', '=', REMINDER).where('created_at', '>=', reminder.since).limit(1).executeTakeFirst();
      if (earlier) return undefined;
      const ids = await notifyCaseParties(trx, caseRow, REMINDER, { waitingFor: reminder.waitingFor }, now);
      if (ids.length > 0 && sendAt > now) {
        await trx
          .updateTable('jobs')
          .set({ run_at: sendAt })
          .where('kind', '=', SEND_NOTIFICATION)
          .where('done_at', 'is', null)
          .where(sql<string>`payload->>'notificationId'`, 'in', ids.map(String))
          .execute();
      }
      return ids.length > 0 ? caseRow.reference : undefined;
    });
    if (reference) reminded.push(reference);
  }
  return reminded;
}

/** The daily 'send-reminders' job: books tomorrow's run first, so a failure today never ends the chain. */
export function sendRemindersJob(deps: Pick<ServiceDeps, 'db' | 'calendar'>): JobHandler {
  return async (job, context) => {
    await ensureScheduled(deps.db, SEND_REMINDERS, {}, nextDailyRun(context.now, deps.calendar()), job.id);
    const reminded = await queueReminders(deps, context.now);
    context.log.info({ cases: reminded.length }, 'reminders queued');
  };
}
