import { addCalendarDays, calendarDaysBetween, type IsoDate } from './london-time.ts';
import type { WorkingDayCalendar } from './working-days.ts';

export interface CalendarDay {
  day: IsoDate;
  working: boolean;
  /** Working days on or before this day, counted from the first day of the table. */
  working_day_number: number;
  next_working_day: IsoDate;
  /** The 20th working day after this day: the intake standard's due date for a case received on it. */
  twentieth_working_day: IsoDate;
}

/** Every day from `from` to `to` with its working-day facts, for set-based queries in the database. */
export function calendarTable(calendar: WorkingDayCalendar, from: IsoDate, to: IsoDate): CalendarDay[] {
  const days: CalendarDay[] = [];
  let count = 0;
  const total = calendarDaysBetween(from, to);
  for (let i = 0; i <= total; i++) {
    const day = addCalendarDays(from, i);
    const working = calendar.isWorkingDay(day);
    if (working) count += 1;
    days.push({ day, working, working_day_number: count, next_working_day: calendar.nextWorkingDay(day), twentieth_working_day: calendar.addWorkingDays(day, 20) });
  }
  return days;
}
