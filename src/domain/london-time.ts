import { tzOffset } from '@date-fns/tz';

/** A calendar date, 'YYYY-MM-DD', with no time zone attached. */
export type IsoDate = string;

/** 0 is Sunday, as in Date#getDay. */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const LONDON = 'Europe/London';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

// Dates are handled as whole days since 1970-01-01 ("epoch days") using Howard
// Hinnant's civil-calendar algorithms. Pure integer arithmetic means the host
// time zone can never leak in, and Date.UTC's "years 0-99 mean 19xx" quirk is avoided.

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digitsAt(s: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

function epochDayOrNaN(s: string): number {
  if (typeof s !== 'string' || s.length !== 10 || s[4] !== '-' || s[7] !== '-') return NaN;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
  return daysFromCivil(year, month, day);
}

export function isValidIsoDate(s: string): boolean {
  return !Number.isNaN(epochDayOrNaN(s));
}

/** Whole days since 1970-01-01. Throws on anything that is not a real 'YYYY-MM-DD' date. */
export function epochDayOf(date: IsoDate): number {
  const day = epochDayOrNaN(date);
  if (Number.isNaN(day)) throw new RangeError(`Not a valid ISO date: ${JSON.stringify(date)}`);
  return day;
}

export function isoDateOfEpochDay(epochDay: number): IsoDate {
  if (!Number.isInteger(epochDay)) throw new RangeError(`Not a whole epoch day: ${epochDay}`);
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) throw new RangeError(`Year out of range: ${year}`);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** 1970-01-01 was a Thursday. */
export function dayOfWeekOfEpochDay(epochDay: number): DayOfWeek {
  return (((epochDay + 4) % 7) + 7) % 7 as DayOfWeek;
}

export function dayOfWeek(date: IsoDate): DayOfWeek {
  return dayOfWeekOfEpochDay(epochDayOf(date));
}

export function addCalendarDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`Not a whole number of days: ${n}`);
  return isoDateOfEpochDay(epochDayOf(date) + n);
}

/** b - a, in calendar days. */
export function calendarDaysBetween(a: IsoDate, b: IsoDate): number {
  return epochDayOf(b) - epochDayOf(a);
}

function instantMs(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  return ms;
}

// The tz database (via Intl) rather than a hand-coded "last Sunday" rule, so
// historic oddities such as British Standard Time 1968-71 are right too.
function tzDatabaseOffsetMs(ms: number): number {
  return tzOffset(LONDON, new Date(ms)) * MINUTE_MS;
}

// Intl costs microseconds a call, and deadline screens convert thousands of
// instants, so remember each UTC day's offset. London never changes its clocks
// twice in one day, so equal offsets at both ends mean none in between.
const CLOCK_CHANGE_DAY = NaN;
const offsetByUtcDay = new Map<number, number>();

function londonOffsetMs(ms: number): number {
  const utcDay = Math.floor(ms / DAY_MS);
  let offset = offsetByUtcDay.get(utcDay);
  if (offset === undefined) {
    const atStart = tzDatabaseOffsetMs(utcDay * DAY_MS);
    offset = atStart === tzDatabaseOffsetMs((utcDay + 1) * DAY_MS - 1) ? atStart : CLOCK_CHANGE_DAY;
    if (offsetByUtcDay.size >= 100_000) offsetByUtcDay.clear();
    offsetByUtcDay.set(utcDay, offset);
  }
  return Number.isNaN(offset) ? tzDatabaseOffsetMs(ms) : offset;
}

/** London wall-clock time of an instant, written as if it were a UTC timestamp. */
function londonWallClockMs(ms: number): number {
  return ms + londonOffsetMs(ms);
}

/**
 * The instant a London wall clock shows `wallMs` (wall-clock written as if UTC).
 * Same policy as Temporal's 'compatible': in the autumn overlap the earlier
 * (BST) instant wins; a time skipped in spring moves forward by the gap.
 */
function instantOfLondonWallClock(wallMs: number): number {
  const offsetBefore = londonOffsetMs(wallMs - DAY_MS);
  const offsetAfter = londonOffsetMs(wallMs + DAY_MS);
  const candidates = [wallMs - offsetBefore, wallMs - offsetAfter]
    .filter((ms) => wallMs - londonOffsetMs(ms) === ms);
  return candidates.length > 0 ? Math.min(...candidates) : wallMs - offsetBefore;
}

export function londonDate(instant: Date): IsoDate {
  return isoDateOfEpochDay(Math.floor(londonWallClockMs(instantMs(instant)) / DAY_MS));
}

/** 00:00 in London on that date. UK clocks change at 01:00 GMT, so midnight always exists exactly once. */
export function londonMidnight(date: IsoDate): Date {
  return new Date(instantOfLondonWallClock(epochDayOf(date) * DAY_MS));
}

/** Instant for a London wall-clock 'HH:MM' (24-hour). See instantOfLondonWallClock for clock-change hours. */
export function londonDateTime(date: IsoDate, time: string): Date {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`Not a valid HH:MM time: ${JSON.stringify(time)}`);
  const wallMs = epochDayOf(date) * DAY_MS + Number(match[1]) * HOUR_MS + Number(match[2]) * MINUTE_MS;
  return new Date(instantOfLondonWallClock(wallMs));
}

/** GOV.UK style: "16 June 2026". A Date is shown as its London date. */
export function formatLondonDate(d: IsoDate | Date): string {
  const date = d instanceof Date ? londonDate(d) : d;
  epochDayOf(date); // validates
  const month = MONTH_NAMES[Number(date.slice(5, 7)) - 1];
  return `${Number(date.slice(8, 10))} ${month} ${date.slice(0, 4)}`;
}

/** GOV.UK style: "9am", "9:30am", "12pm" for midday, "12am" for midnight. Seconds are dropped. */
export function formatLondonTime(instant: Date): string {
  const wallMs = londonWallClockMs(instantMs(instant));
  const minuteOfDay = Math.floor((wallMs - Math.floor(wallMs / DAY_MS) * DAY_MS) / MINUTE_MS);
  const hour24 = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  const suffix = hour24 < 12 ? 'am' : 'pm';
  return minute === 0 ? `${hour12}${suffix}` : `${hour12}:${String(minute).padStart(2, '0')}${suffix}`;
}

/** "16 June 2026, 9:30am" */
export function formatLondonDateTime(instant: Date): string {
  return `${formatLondonDate(instant)}, ${formatLondonTime(instant)}`;
}
