import { addCalendarDays, formatLondonDate, londonDate, type IsoDate } from './london-time.ts';
import type { WorkingDayCalendar } from './working-days.ts';

/** The plan's promise: decided by assessment or allocated within 20 working days of receipt. */
export const ASSESSMENT_WORKING_DAYS = 20;
/** Under 13, 26 and 52 weeks, in calendar days from the date of receipt. */
export const WEEK_MARKS = [
  { weeks: 13, days: 91 },
  { weeks: 26, days: 182 },
  { weeks: 52, days: 364 },
] as const;

export interface ClockStopPeriod {
  stoppedAt: Date;
  restartedAt: Date | null;
}

/** Working days the clock stood still: counted from the stop's date to the restart's date. */
export function workingDaysStopped(stop: ClockStopPeriod, calendar: WorkingDayCalendar): number {
  if (!stop.restartedAt) return 0;
  return Math.max(0, calendar.workingDaysBetween(londonDate(stop.stoppedAt), londonDate(stop.restartedAt)));
}

export interface ExplainedDeadline {
  label: string;
  /** Null while the clock is stopped. */
  due: IsoDate | null;
  explanation: string;
}

/**
 * The 20-working-day deadline of a case: 20 working days after the London date of receipt,
 * pushed back by every working day the clock was stopped. Recomputed from the holiday list each
 * time, so a change to the list moves it.
 */
export function assessmentDeadline(receivedAt: Date, stops: readonly ClockStopPeriod[], calendar: WorkingDayCalendar): ExplainedDeadline {
  const receivedOn = londonDate(receivedAt);
  const open = stops.find((stop) => stop.restartedAt === null);
  const stopped = stops.reduce((total, stop) => total + workingDaysStopped(stop, calendar), 0);
  const label = 'Decide or allocate (20 working days)';
  if (open) {
    return {
      label,
      due: null,
      explanation: `The clock was stopped on ${formatLondonDate(open.stoppedAt)}. The deadline is worked out again when it restarts.`,
    };
  }
  const explained = calendar.explainDeadline(receivedOn, ASSESSMENT_WORKING_DAYS + stopped);
  const stopNote =
    stopped > 0
      ? ` This includes ${stopped} working day${stopped === 1 ? '' : 's'} added because the clock was stopped.`
      : '';
  return { label, due: explained.due, explanation: `${explained.summary}${stopNote}` };
}

/** The 13, 26 and 52-week marks: a case closed before the mark's date counts as closed in time. */
export function weekMarks(receivedAt: Date): ExplainedDeadline[] {
  const receivedOn = londonDate(receivedAt);
  return WEEK_MARKS.map(({ weeks, days }) => {
    const due = addCalendarDays(receivedOn, days - 1);
    return {
      label: `Close within ${weeks} weeks`,
      due,
      explanation: `Received on ${formatLondonDate(receivedOn)}. Closed in under ${weeks} weeks means closed by ${formatLondonDate(due)} (fewer than ${days} calendar days).`,
    };
  });
}

/** A due date some working days after an instant, with how it was worked out. */
export function workingDaysAfter(from: Date, workingDays: number, label: string, calendar: WorkingDayCalendar): ExplainedDeadline {
  const explained = calendar.explainDeadline(londonDate(from), workingDays);
  return { label, due: explained.due, explanation: explained.summary };
}
