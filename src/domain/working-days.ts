import { englandAndWalesBankHolidays, type BankHoliday } from './bank-holidays.ts';
import {
  dayOfWeekOfEpochDay,
  epochDayOf,
  formatLondonDate,
  isoDateOfEpochDay,
  londonDate,
  londonMidnight,
  type IsoDate,
} from './london-time.ts';

export interface WorkingDayCalendar {
  isWorkingDay(date: IsoDate): boolean;
  holidayName(date: IsoDate): string | undefined;
  /** The nth working day after `date` (date itself never counts). n >= 0; n = 0 returns date unchanged. */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** Working days in the half-open interval (from, to]; negative if to < from. */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: IsoDate): IsoDate;
  /** Explains a deadline of n working days after `from`: the due date, and every skipped weekend day and bank holiday between. */
  explainDeadline(from: IsoDate, n: number): DeadlineExplanation;
  /**
   * The clock runs only during working days (London wall clock), 24 hours per
   * working day: received Friday 16:00 + 24h is due Monday 16:00; received
   * Saturday 10:00 is due Tuesday 00:00. When the time runs out exactly at the
   * end of a working day the result is the following midnight, not the start
   * of the next working day.
   */
  addWorkingHours(instant: Date, hours: number): Date;
}

export interface DeadlineExplanation {
  from: IsoDate;
  workingDays: number;
  due: IsoDate;
  calendarDays: number;
  skippedWeekendDays: number;
  skippedHolidays: BankHoliday[];
  /** Plain English, e.g. "Received on 22 December 2017. 20 working days counted, skipping … Due 24 January 2018." */
  summary: string;
}

const HOUR_MS = 3_600_000;
// UK clocks only change on Sundays, so every working day is exactly 24 hours long.
const WORKING_DAY_MS = 24 * HOUR_MS;

// Days are counted as epoch days (see london-time.ts). Counting weekdays from a
// fixed Monday gives a closed form, so only bank holidays need a lookup and
// deadlines cost a couple of binary searches regardless of n.
const ANCHOR_MONDAY = 4; // 1970-01-05

/** Weekdays in [ANCHOR_MONDAY, day); negative before the anchor. Only differences matter. */
function weekdaysBefore(day: number): number {
  const sinceAnchor = day - ANCHOR_MONDAY;
  const weeks = Math.floor(sinceAnchor / 7);
  return weeks * 5 + Math.min(sinceAnchor - weeks * 7, 5);
}

/** The weekday that has exactly `count` weekdays before it (inverse of weekdaysBefore). */
function weekdayAfterWeekdays(count: number): number {
  const weeks = Math.floor(count / 5);
  return ANCHOR_MONDAY + weeks * 7 + (count - weeks * 5);
}

function isWeekend(day: number): boolean {
  const dow = dayOfWeekOfEpochDay(day);
  return dow === 0 || dow === 6;
}

function requireWholeNonNegative(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number >= 0, got ${n}`);
}

function plural(count: number, singular: string): string {
  return `${count} ${singular}${count === 1 ? '' : 's'}`;
}

export function createWorkingDayCalendar(holidays: readonly BankHoliday[]): WorkingDayCalendar {
  const namesByDay = new Map<number, string>();
  for (const { date, name } of holidays) {
    const day = epochDayOf(date);
    if (!namesByDay.has(day)) namesByDay.set(day, name);
  }
  // Weekend holidays change nothing: the day is already not a working day.
  const weekdayHolidays = [...namesByDay.keys()].filter((day) => !isWeekend(day)).sort((a, b) => a - b);

  function holidaysBefore(day: number): number {
    let low = 0;
    let high = weekdayHolidays.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((weekdayHolidays[mid] as number) < day) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  function workingDaysBefore(day: number): number {
    return weekdaysBefore(day) - holidaysBefore(day);
  }

  function isWorking(day: number): boolean {
    return !isWeekend(day) && !namesByDay.has(day);
  }

  function nthWorkingDayAfter(day: number, n: number): number {
    if (n === 0) return day;
    // Find the working day with exactly `targetRank` working days before it.
    // Guess ignoring later holidays, then push on past each holiday found
    // until the count settles; holidays are sparse so this loops once or twice.
    const targetRank = workingDaysBefore(day + 1) + n - 1;
    let holidaysPassed = holidaysBefore(day + 1);
    for (;;) {
      const candidate = weekdayAfterWeekdays(targetRank + holidaysPassed);
      const holidaysUpToCandidate = holidaysBefore(candidate + 1);
      if (holidaysUpToCandidate === holidaysPassed) return candidate;
      holidaysPassed = holidaysUpToCandidate;
    }
  }

  function addWorkingDays(date: IsoDate, n: number): IsoDate {
    requireWholeNonNegative(n, 'Working days');
    const day = epochDayOf(date); // validates even when n is 0
    return n === 0 ? date : isoDateOfEpochDay(nthWorkingDayAfter(day, n));
  }

  function explainDeadline(from: IsoDate, n: number): DeadlineExplanation {
    requireWholeNonNegative(n, 'Working days');
    const fromDay = epochDayOf(from);
    const dueDay = nthWorkingDayAfter(fromDay, n);
    let skippedWeekendDays = 0;
    const skippedHolidays: BankHoliday[] = [];
    for (let day = fromDay + 1; day < dueDay; day++) {
      if (isWeekend(day)) skippedWeekendDays++;
      else if (namesByDay.has(day)) skippedHolidays.push({ date: isoDateOfEpochDay(day), name: namesByDay.get(day) as string });
    }
    const due = isoDateOfEpochDay(dueDay);
    const skipped = [
      ...(skippedWeekendDays > 0 ? [plural(skippedWeekendDays, 'weekend day')] : []),
      ...(skippedHolidays.length > 0
        ? [`${plural(skippedHolidays.length, 'bank holiday')} (${skippedHolidays.map((h) => h.name).join(', ')})`]
        : []),
    ];
    const summary =
      `Received on ${formatLondonDate(from)}. ${plural(n, 'working day')} counted` +
      (skipped.length > 0 ? `, skipping ${skipped.join(' and ')}` : '') +
      `. Due ${formatLondonDate(due)}.`;
    return { from, workingDays: n, due, calendarDays: dueDay - fromDay, skippedWeekendDays, skippedHolidays, summary };
  }

  function addWorkingHours(instant: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`Hours must be >= 0, got ${hours}`);
    const startMs = instant.getTime();
    if (Number.isNaN(startMs)) throw new RangeError('Invalid Date');
    let remainingMs = Math.round(hours * HOUR_MS);
    if (remainingMs === 0) return new Date(startMs);

    const startDay = epochDayOf(londonDate(instant));
    if (isWorking(startDay)) {
      const leftTodayMs = londonMidnight(isoDateOfEpochDay(startDay + 1)).getTime() - startMs;
      if (remainingMs <= leftTodayMs) return new Date(startMs + remainingMs);
      remainingMs -= leftTodayMs;
    }
    // The clock runs out during the kth following working day, after
    // remainingMs - (k - 1) whole days, which is in (0, 24h].
    const k = Math.ceil(remainingMs / WORKING_DAY_MS);
    const finalDay = nthWorkingDayAfter(startDay, k);
    return new Date(londonMidnight(isoDateOfEpochDay(finalDay)).getTime() + remainingMs - (k - 1) * WORKING_DAY_MS);
  }

  return {
    isWorkingDay: (date) => isWorking(epochDayOf(date)),
    holidayName: (date) => namesByDay.get(epochDayOf(date)),
    addWorkingDays,
    workingDaysBetween: (from, to) => workingDaysBefore(epochDayOf(to) + 1) - workingDaysBefore(epochDayOf(from) + 1),
    nextWorkingDay: (date) => addWorkingDays(date, 1),
    explainDeadline,
    addWorkingHours,
  };
}

let memoisedDefault: WorkingDayCalendar | undefined;

/** England and Wales bank holidays 2000-2040. Later dates count weekends only. */
export function defaultCalendar(): WorkingDayCalendar {
  memoisedDefault ??= createWorkingDayCalendar(englandAndWalesBankHolidays(2000, 2040));
  return memoisedDefault;
}
