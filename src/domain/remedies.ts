/**
 * The life of a remedy after the final decision: when it is overdue, when the body's link officer
 * is reminded, when it becomes a "delayed remedy", what the public watch-list shows, and whether
 * the case's documents must be kept. Pure rules: dates are London calendar dates ('YYYY-MM-DD'),
 * working days come from the calendar passed in.
 */
import { addCalendarDays, calendarDaysBetween, isValidIsoDate, type IsoDate } from './london-time.ts';
import type { Role } from './vocabulary.ts';
import type { WorkingDayCalendar } from './working-days.ts';

/**
 * The first reminder goes this many working days before the due date: a working week is enough
 * for a council to get a payment or a signed apology through its own approvals, and short enough
 * that the reminder is not forgotten before the date.
 */
export const REMIND_BEFORE_DUE_WORKING_DAYS = 5;

/**
 * While a remedy is outstanding after its due date, the link officer is chased every this many
 * working days: a fortnight gives the body time to act on the previous reminder, and keeps the
 * remedy in front of them without burying them in messages.
 */
export const CHASE_EVERY_WORKING_DAYS = 10;

/** A remedy still outstanding this many months after its due date becomes a "delayed remedy". */
export const DELAYED_AFTER_MONTHS = 12;

/**
 * A delayed remedy's own due date, unless a manager sets another: three months is a quarter, time
 * for the body to put right what a year of reminders did not, and for its scrutiny committee to
 * meet in between.
 */
export const DELAYED_REMEDY_MONTHS_TO_COMPLY = 3;

/**
 * The public watch-list shows outstanding remedies that fell due within this many months: the
 * year before a remedy becomes delayed and a year as a delayed remedy. Anything older is a matter
 * for staff (it stays on their overdue list), not a running public tally of old history.
 */
export const RECENTLY_OVERDUE_MONTHS = 24;

/** Staff see remedies falling due within this many working days as "due soon". */
export const DUE_SOON_WORKING_DAYS = 10;

/** Who may see the overdue remedies list: caseworkers who follow up decisions, and their managers. */
export const remedyListRoles: readonly Role[] = ['assessor', 'investigator', 'team-manager', 'ombudsman'];
/** Who may record whether the evidence of compliance satisfied us (investigators on their own cases). */
export const satisfactionRoles: readonly Role[] = ['investigator', 'team-manager', 'ombudsman'];
/** Who may set a delayed remedy's due date. */
export const delayedDueDateRoles: readonly Role[] = ['team-manager', 'ombudsman'];

export type RemedyStatus = 'pending' | 'complied-on-time' | 'complied-late' | 'not-complied';

export interface RemedyDates {
  dueOn: IsoDate;
  status: string;
}

export interface DelayableRemedy extends RemedyDates {
  delayedDueOn: IsoDate | null;
}

/** Settled: compliance has been recorded, one way or the other. */
export function isSettled(status: string): boolean {
  return status !== 'pending';
}

/** Outstanding after its due date: the due date itself is still on time. */
export function isOverdue(remedy: RemedyDates, today: IsoDate): boolean {
  return remedy.status === 'pending' && today > remedy.dueOn;
}

/** Calendar days since the due date (0 when not overdue): due dates are calendar dates we set. */
export function daysOverdue(remedy: RemedyDates, today: IsoDate): number {
  return isOverdue(remedy, today) ? calendarDaysBetween(remedy.dueOn, today) : 0;
}

/** Outstanding and due from today to DUE_SOON_WORKING_DAYS working days ahead. */
export function isDueSoon(remedy: RemedyDates, today: IsoDate, calendar: WorkingDayCalendar): boolean {
  return remedy.status === 'pending' && remedy.dueOn >= today && calendar.workingDaysBetween(today, remedy.dueOn) <= DUE_SOON_WORKING_DAYS;
}

/**
 * The same day `months` months on; a day the month lacks becomes its last day (31 January + 1
 * month is 28 or 29 February), as people count months.
 */
export function addCalendarMonths(date: IsoDate, months: number): IsoDate {
  if (!isValidIsoDate(date)) throw new RangeError(`Not a valid ISO date: ${JSON.stringify(date)}`);
  if (!Number.isInteger(months)) throw new RangeError(`Not a whole number of months: ${months}`);
  const monthIndex = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const prefix = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-`;
  for (let day = Number(date.slice(8, 10)); day >= 28; day--) {
    const candidate = `${prefix}${String(day).padStart(2, '0')}`;
    if (isValidIsoDate(candidate)) return candidate;
  }
  return `${prefix}${date.slice(8, 10)}`;
}

/** The date a remedy becomes delayed if still outstanding: DELAYED_AFTER_MONTHS after its due date. */
export function becomesDelayedOn(dueOn: IsoDate): IsoDate {
  return addCalendarMonths(dueOn, DELAYED_AFTER_MONTHS);
}

/** Whether the daily job should now mark this remedy delayed. */
export function shouldBecomeDelayed(remedy: RemedyDates & { delayed: boolean }, today: IsoDate): boolean {
  return remedy.status === 'pending' && !remedy.delayed && today >= becomesDelayedOn(remedy.dueOn);
}

/** A delayed remedy's own due date: DELAYED_REMEDY_MONTHS_TO_COMPLY after it became delayed, on a working day. */
export function defaultDelayedDueOn(delayedOn: IsoDate, calendar: WorkingDayCalendar): IsoDate {
  const due = addCalendarMonths(delayedOn, DELAYED_REMEDY_MONTHS_TO_COMPLY);
  return calendar.isWorkingDay(due) ? due : calendar.nextWorkingDay(due);
}

/** A delayed remedy past its own due date as well. */
export function isPastDelayedDueDate(remedy: DelayableRemedy, today: IsoDate): boolean {
  return remedy.status === 'pending' && remedy.delayedDueOn !== null && today > remedy.delayedDueOn;
}

/**
 * The case's documents must be kept while any of its remedies is unsettled: they are the evidence
 * of what the body was asked to do. The retention job asks this before deleting anything.
 */
export function documentsMustBeKept(remedies: readonly { status: string }[]): boolean {
  return remedies.some((r) => !isSettled(r.status));
}

// ---------------------------------------------------------------------------------------------
// Reminders to the body's link officer

/**
 * 'due-soon' before the due date, 'overdue' on the first working day after it, then 'chase-1',
 * 'chase-2'… every CHASE_EVERY_WORKING_DAYS working days. Each kind is sent once per remedy.
 */
export type ReminderKind = 'due-soon' | 'overdue' | `chase-${number}`;

export interface ScheduledReminder {
  kind: ReminderKind;
  /** The working day it is due to be sent. */
  on: IsoDate;
}

/** The working day `n` working days before `date` (the one with exactly n working days after it, up to `date`). */
export function workingDaysBefore(date: IsoDate, n: number, calendar: WorkingDayCalendar): IsoDate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Working days must be a whole number >= 1, got ${n}`);
  let day = date;
  do day = addCalendarDays(day, -1);
  while (!(calendar.isWorkingDay(day) && calendar.workingDaysBetween(day, date) >= n));
  return day;
}

export function dueSoonReminderOn(dueOn: IsoDate, calendar: WorkingDayCalendar): IsoDate {
  return workingDaysBefore(dueOn, REMIND_BEFORE_DUE_WORKING_DAYS, calendar);
}

/** "The day after it falls due", as a working day: a remedy due on a Friday is chased on Monday. */
export function overdueReminderOn(dueOn: IsoDate, calendar: WorkingDayCalendar): IsoDate {
  return calendar.nextWorkingDay(dueOn);
}

export function chaseReminderOn(dueOn: IsoDate, n: number, calendar: WorkingDayCalendar): IsoDate {
  return calendar.addWorkingDays(overdueReminderOn(dueOn, calendar), n * CHASE_EVERY_WORKING_DAYS);
}

/** Later reminders rank higher: sending one makes every earlier kind pointless. */
export function reminderRank(kind: string): number | undefined {
  if (kind === 'due-soon') return 0;
  if (kind === 'overdue') return 1;
  const chase = /^chase-([1-9]\d*)$/.exec(kind);
  return chase ? 1 + Number(chase[1]) : undefined;
}

/** Whether a stored reminder kind is one of the schedule's. */
export function isReminderKind(kind: string): kind is ReminderKind {
  return reminderRank(kind) !== undefined;
}

/** The reminder the schedule calls for on `today` (the latest whose day has come), sent or not. */
export function scheduledReminder(dueOn: IsoDate, today: IsoDate, calendar: WorkingDayCalendar): ScheduledReminder | undefined {
  const overdueOn = overdueReminderOn(dueOn, calendar);
  if (today >= overdueOn) {
    const chases = Math.floor(calendar.workingDaysBetween(overdueOn, today) / CHASE_EVERY_WORKING_DAYS);
    return chases === 0 ? { kind: 'overdue', on: overdueOn } : { kind: `chase-${chases}`, on: chaseReminderOn(dueOn, chases, calendar) };
  }
  // Between the due date and the next working day (a weekend) there is nothing to say yet.
  if (today > dueOn) return undefined;
  const dueSoonOn = dueSoonReminderOn(dueOn, calendar);
  return today >= dueSoonOn ? { kind: 'due-soon', on: dueSoonOn } : undefined;
}

/** A reminder already sent: its kind and the London date it went. */
export interface SentReminder {
  kind: string;
  on: IsoDate;
}

/**
 * The reminder to send today, if any: the latest one the schedule calls for, unless it or a later
 * one was sent already. Missed days never cause a burst: an earlier kind not sent in time is
 * superseded, not sent late (a remedy recorded three days before its due date still gets its
 * 'due-soon'; one recorded after it gets 'overdue'), and a chase waits until
 * CHASE_EVERY_WORKING_DAYS working days after the reminder before it. Nothing on days that are
 * not working days, and nothing once the remedy is settled.
 */
export function reminderDue(remedy: RemedyDates, sent: readonly SentReminder[], today: IsoDate, calendar: WorkingDayCalendar): ScheduledReminder | undefined {
  if (remedy.status !== 'pending' || !calendar.isWorkingDay(today)) return undefined;
  const scheduled = scheduledReminder(remedy.dueOn, today, calendar);
  if (!scheduled) return undefined;
  const rank = reminderRank(scheduled.kind) as number;
  const scheduleSent = sent.filter((s) => isReminderKind(s.kind));
  if (scheduleSent.some((s) => (reminderRank(s.kind) as number) >= rank)) return undefined;
  if (scheduled.kind.startsWith('chase-')) {
    const lastOn = scheduleSent.reduce<IsoDate | undefined>((latest, s) => (latest === undefined || s.on > latest ? s.on : latest), undefined);
    if (lastOn !== undefined && calendar.workingDaysBetween(lastOn, today) < CHASE_EVERY_WORKING_DAYS) return undefined;
  }
  return scheduled;
}

/**
 * The schedule of reminders for a remedy: 'due-soon', 'overdue', every chase up to `until`, and
 * the first chase after it (the next one to come), in order.
 */
export function reminderPlan(dueOn: IsoDate, until: IsoDate, calendar: WorkingDayCalendar): ScheduledReminder[] {
  const plan: ScheduledReminder[] = [{ kind: 'due-soon', on: dueSoonReminderOn(dueOn, calendar) }, { kind: 'overdue', on: overdueReminderOn(dueOn, calendar) }];
  for (let n = 1; ; n++) {
    const on = chaseReminderOn(dueOn, n, calendar);
    plan.push({ kind: `chase-${n}`, on });
    if (on > until) return plan;
  }
}

/** What a reminder kind is called on staff pages. */
export function reminderLabel(kind: string): string {
  if (kind === 'due-soon') return `Due soon (${REMIND_BEFORE_DUE_WORKING_DAYS} working days before)`;
  if (kind === 'overdue') return 'Overdue (first working day after the due date)';
  if (kind === 'delayed') return 'Now a delayed remedy';
  const chase = /^chase-(\d+)$/.exec(kind);
  return chase ? `Still overdue (reminder ${chase[1]})` : kind;
}

// ---------------------------------------------------------------------------------------------
// Satisfaction with the evidence of compliance

export const satisfactionOutcomes = {
  satisfied: 'Satisfied',
  'partly-satisfied': 'Partly satisfied',
  'not-satisfied': 'Not satisfied',
} as const;
export type Satisfaction = keyof typeof satisfactionOutcomes;

export function isSatisfaction(value: unknown): value is Satisfaction {
  return typeof value === 'string' && Object.hasOwn(satisfactionOutcomes, value);
}

/** Only a remedy the body says it carried out has evidence of compliance for us to judge. */
export function canRecordSatisfaction(status: string): boolean {
  return status === 'complied-on-time' || status === 'complied-late';
}

// ---------------------------------------------------------------------------------------------
// The public watch-list

/** A remedy is on the watch-list while outstanding after its due date, if that fell in the last RECENTLY_OVERDUE_MONTHS. */
export function watchListWindow(today: IsoDate): { dueFrom: IsoDate; dueBefore: IsoDate } {
  return { dueFrom: addCalendarMonths(today, -RECENTLY_OVERDUE_MONTHS), dueBefore: today };
}

export function isOnWatchList(remedy: RemedyDates, today: IsoDate): boolean {
  const { dueFrom, dueBefore } = watchListWindow(today);
  return remedy.status === 'pending' && remedy.dueOn >= dueFrom && remedy.dueOn < dueBefore;
}

/**
 * Only a service improvement's wording is published (it is about the body's services, and the
 * issue asks for each to be published); any other remedy's wording is about a person and stays private.
 */
export function publicDescription(kind: string, description: string | null): string | null {
  return kind === 'service-improvement' ? description : null;
}

// ---------------------------------------------------------------------------------------------
// The case timeline

/** The timeline events the remedy follow-up adds (to be merged into case-events.ts's vocabulary). */
export const remedyEventLabels = {
  'remedy-reminder-sent': 'Reminder sent to the body’s link officer',
  'remedy-delayed': 'Remedy became a delayed remedy',
  'remedy-delayed-due-date-set': 'Delayed remedy’s due date set',
  'remedy-satisfaction-recorded': 'Satisfaction with the evidence of compliance recorded',
} as const;
export type RemedyEventKind = keyof typeof remedyEventLabels;
