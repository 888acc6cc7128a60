import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  calendarDaysBetween,
  dayOfWeek,
  epochDayOf,
  formatLondonDate,
  formatLondonDateTime,
  formatLondonTime,
  isoDateOfEpochDay,
  isValidIsoDate,
  londonDate,
  londonDateTime,
  londonMidnight,
} from '../../src/domain/london-time.ts';

const utc = (iso: string) => new Date(iso);

// Independent oracle: ask Intl directly rather than going through tzOffset.
// en-CA formats dates as YYYY-MM-DD.
const intlLondonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
}).format;

const MS_2000 = Date.UTC(2000, 0, 1);
const MS_2041 = Date.UTC(2041, 0, 1);

describe('londonDate', () => {
  it.each([
    // GMT: London date is the UTC date.
    ['2018-01-15T23:59:59.999Z', '2018-01-15'],
    ['2018-01-16T00:00:00.000Z', '2018-01-16'],
    // BST: London is an hour ahead, so 23:00 UTC is already tomorrow.
    ['2018-06-15T22:59:59.999Z', '2018-06-15'],
    ['2018-06-15T23:00:00.000Z', '2018-06-16'],
    // BST began 2018-03-25 01:00 UTC; that evening is BST.
    ['2018-03-25T00:59:59.999Z', '2018-03-25'],
    ['2018-03-25T23:30:00.000Z', '2018-03-26'],
    ['2018-03-24T23:30:00.000Z', '2018-03-24'],
    // BST ended 2017-10-29 01:00 UTC. 23:30 UTC on the 28th is 00:30 BST on the 29th...
    ['2017-10-28T23:30:00.000Z', '2017-10-29'],
    // ...but by the evening of the 29th London is back on GMT.
    ['2017-10-29T23:30:00.000Z', '2017-10-29'],
    // British Standard Time: clocks stayed an hour ahead all through winter 1968-71.
    ['1970-01-15T23:30:00.000Z', '1970-01-16'],
  ])('%s is %s in London', (instant, expected) => {
    expect(londonDate(utc(instant))).toBe(expected);
  });

  it('agrees with Intl for any instant 2000-2040', () => {
    fc.assert(
      fc.property(fc.integer({ min: MS_2000, max: MS_2041 }), (ms) => {
        expect(londonDate(new Date(ms))).toBe(intlLondonDate(new Date(ms)));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with Intl hourly through the days clocks can change (25-31 March and October), 2000-2040', () => {
    for (let year = 2000; year <= 2040; year++) {
      for (const month of [2, 9]) {
        for (let ms = Date.UTC(year, month, 25, 0, 30); ms < Date.UTC(year, month + 1, 1); ms += 60 * 60_000) {
          expect(londonDate(new Date(ms)), new Date(ms).toISOString()).toBe(intlLondonDate(new Date(ms)));
        }
      }
    }
  });

  it('rejects an invalid Date', () => {
    expect(() => londonDate(new Date(NaN))).toThrow(RangeError);
  });
});

describe('londonMidnight and londonDateTime', () => {
  it.each([
    ['2018-01-15', '2018-01-15T00:00:00.000Z'],
    ['2018-06-15', '2018-06-14T23:00:00.000Z'],
    ['2018-03-25', '2018-03-25T00:00:00.000Z'], // clocks go forward later that night
    ['2018-03-26', '2018-03-25T23:00:00.000Z'],
    ['2018-10-28', '2018-10-27T23:00:00.000Z'], // still BST at midnight
    ['2018-10-29', '2018-10-29T00:00:00.000Z'],
  ])('midnight at the start of %s is %s', (date, expected) => {
    expect(londonMidnight(date).toISOString()).toBe(expected);
  });

  it('every London day runs from its midnight to the next', () => {
    fc.assert(
      fc.property(fc.integer({ min: MS_2000, max: MS_2041 }), (ms) => {
        const date = londonDate(new Date(ms));
        expect(londonMidnight(date).getTime()).toBeLessThanOrEqual(ms);
        expect(londonMidnight(addCalendarDays(date, 1)).getTime()).toBeGreaterThan(ms);
      }),
      { numRuns: 500 },
    );
  });

  it('converts wall-clock times in GMT and BST', () => {
    expect(londonDateTime('2018-01-15', '09:30').toISOString()).toBe('2018-01-15T09:30:00.000Z');
    expect(londonDateTime('2018-06-15', '09:30').toISOString()).toBe('2018-06-15T08:30:00.000Z');
    expect(londonDateTime('2018-06-15', '00:00').toISOString()).toBe('2018-06-14T23:00:00.000Z');
    expect(londonDateTime('2018-06-15', '23:59').toISOString()).toBe('2018-06-15T22:59:00.000Z');
  });

  it('moves a time skipped when the clocks go forward on by an hour', () => {
    // 01:30 never happened on 25 March 2018; treat it as 02:30 BST.
    expect(londonDateTime('2018-03-25', '01:30').toISOString()).toBe('2018-03-25T01:30:00.000Z');
  });

  it('takes the first (BST) of a time repeated when the clocks go back', () => {
    expect(londonDateTime('2018-10-28', '01:30').toISOString()).toBe('2018-10-28T00:30:00.000Z');
  });

  it('rejects malformed times and dates', () => {
    for (const time of ['9:30', '24:00', '12:60', '0930', '']) {
      expect(() => londonDateTime('2018-01-15', time)).toThrow(RangeError);
    }
    expect(() => londonMidnight('2018-02-30')).toThrow(RangeError);
  });
});

describe('calendar arithmetic on ISO dates', () => {
  it('validates dates strictly', () => {
    for (const good of ['2018-01-01', '2020-02-29', '2000-02-29', '1969-12-31']) expect(isValidIsoDate(good)).toBe(true);
    for (const bad of ['2019-02-29', '1900-02-29', '2018-13-01', '2018-00-10', '2018-1-01', '2018-01-01T00:00', '20180101', '2018-04-31', ''])
      expect(isValidIsoDate(bad)).toBe(false);
  });

  it('adds calendar days across month, year and leap-day boundaries', () => {
    expect(addCalendarDays('2017-12-31', 1)).toBe('2018-01-01');
    expect(addCalendarDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addCalendarDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addCalendarDays('2018-03-01', -1)).toBe('2018-02-28');
    expect(addCalendarDays('1970-01-01', -1)).toBe('1969-12-31');
    expect(calendarDaysBetween('2017-12-22', '2018-01-24')).toBe(33);
    expect(calendarDaysBetween('2018-01-24', '2017-12-22')).toBe(-33);
  });

  it('knows the day of the week (0 is Sunday)', () => {
    expect(dayOfWeek('2017-12-22')).toBe(5);
    expect(dayOfWeek('2017-12-24')).toBe(0);
    expect(dayOfWeek('2000-01-01')).toBe(6);
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('1969-12-31')).toBe(3);
  });

  it('agrees with Date.UTC for any date 1900-2199', () => {
    const firstDay = Date.UTC(1900, 0, 1) / 86_400_000;
    const lastDay = Date.UTC(2199, 11, 31) / 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: firstDay, max: lastDay }), fc.integer({ min: -1000, max: 1000 }), (day, n) => {
        const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(isoDateOfEpochDay(day)).toBe(iso);
        expect(epochDayOf(iso)).toBe(day);
        expect(dayOfWeek(iso)).toBe(new Date(day * 86_400_000).getUTCDay());
        expect(addCalendarDays(iso, n)).toBe(new Date((day + n) * 86_400_000).toISOString().slice(0, 10));
      }),
      { numRuns: 500 },
    );
  });
});

describe('GOV.UK formatting', () => {
  it('formats dates without leading zeros', () => {
    expect(formatLondonDate('2026-06-16')).toBe('16 June 2026');
    expect(formatLondonDate('2026-06-01')).toBe('1 June 2026');
    expect(formatLondonDate('2017-12-25')).toBe('25 December 2017');
  });

  it('formats a Date as its London date', () => {
    expect(formatLondonDate(utc('2026-06-16T23:30:00Z'))).toBe('17 June 2026'); // BST
    expect(formatLondonDate(utc('2026-01-16T23:30:00Z'))).toBe('16 January 2026'); // GMT
  });

  it.each([
    ['2026-01-16T09:00:00Z', '9am'],
    ['2026-01-16T09:30:00Z', '9:30am'],
    ['2026-01-16T09:05:59Z', '9:05am'],
    ['2026-01-16T12:00:00Z', '12pm'],
    ['2026-01-16T12:30:00Z', '12:30pm'],
    ['2026-01-16T00:00:00Z', '12am'],
    ['2026-01-16T00:15:00Z', '12:15am'],
    ['2026-01-16T13:00:00Z', '1pm'],
    ['2026-01-16T23:59:00Z', '11:59pm'],
    ['2026-06-16T08:30:00Z', '9:30am'], // BST
    ['2026-06-16T23:00:00Z', '12am'], // BST midnight
    ['2018-10-28T00:30:00Z', '1:30am'], // first 1:30am, BST...
    ['2018-10-28T01:30:00Z', '1:30am'], // ...and again in GMT
    ['2018-03-25T01:00:00Z', '2am'], // clocks jump from 1am GMT to 2am BST
  ])('%s is %s in London', (instant, expected) => {
    expect(formatLondonTime(utc(instant))).toBe(expected);
  });

  it('formats date and time together', () => {
    expect(formatLondonDateTime(utc('2026-06-16T08:30:00Z'))).toBe('16 June 2026, 9:30am');
    expect(formatLondonDateTime(utc('2026-06-16T23:00:00Z'))).toBe('17 June 2026, 12am');
  });
});
