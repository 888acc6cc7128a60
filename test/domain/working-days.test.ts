import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { englandAndWalesBankHolidays } from '../../src/domain/bank-holidays.ts';
import {
  addCalendarDays,
  dayOfWeek,
  epochDayOf,
  isoDateOfEpochDay,
  londonDate,
  londonDateTime,
  londonMidnight,
  type IsoDate,
} from '../../src/domain/london-time.ts';
import { createWorkingDayCalendar, defaultCalendar } from '../../src/domain/working-days.ts';

const calendar = defaultCalendar();
const london = (date: IsoDate, time: string) => londonDateTime(date, time).toISOString();

describe('addWorkingDays', () => {
  it('counts 20 working days over Christmas 2017', () => {
    // Received Friday 22 December 2017.
    //   Sat 23, Sun 24 weekend; Mon 25 Christmas Day; Tue 26 Boxing Day
    //   Wed 27 (1), Thu 28 (2), Fri 29 (3); Sat 30, Sun 31 weekend; Mon 1 Jan New Year's Day
    //   Tue 2 (4) ... Fri 5 (7); Mon 8 (8) ... Fri 12 (12); Mon 15 (13) ... Fri 19 (17)
    //   Mon 22 (18), Tue 23 (19), Wed 24 January 2018 (20)
    // 33 calendar days = 20 working + 10 weekend + 3 bank holidays.
    expect(calendar.addWorkingDays('2017-12-22', 20)).toBe('2018-01-24');
    expect(calendar.addWorkingDays('2017-12-22', 1)).toBe('2017-12-27');
  });

  it('counts over Easter 2018', () => {
    // Received Thursday 29 March; Good Friday 30 March and Easter Monday 2 April.
    //   Tue 3 (1) ... Fri 6 (4); 9-13 (5-9); 16-20 (10-14); 23-27 (15-19); Mon 30 April (20)
    expect(calendar.addWorkingDays('2018-03-29', 1)).toBe('2018-04-03');
    expect(calendar.addWorkingDays('2018-03-29', 20)).toBe('2018-04-30');
  });

  it('skips the State Funeral bank holiday, 19 September 2022', () => {
    // Received Friday 16 September: Mon 19 is a holiday, so Tue 20 (1) ... Fri 23 (4),
    // 26-30 (5-9), Mon 3 October (10).
    expect(calendar.addWorkingDays('2022-09-16', 1)).toBe('2022-09-20');
    expect(calendar.addWorkingDays('2022-09-16', 10)).toBe('2022-10-03');
  });

  it('skips all three Monday holidays in May 2023, including the coronation on 8 May', () => {
    // Received Friday 28 April. Mon 1 May holiday; 2-5 (1-4); Mon 8 holiday; 9-12 (5-8);
    // 15-19 (9-13); 22-26 (14-18); Mon 29 holiday; Tue 30 (19), Wed 31 May (20).
    expect(calendar.addWorkingDays('2023-04-28', 20)).toBe('2023-05-31');
  });

  it('treats Friday, Saturday and Sunday receipts alike: day 1 is Monday', () => {
    expect(calendar.addWorkingDays('2018-01-05', 1)).toBe('2018-01-08');
    expect(calendar.addWorkingDays('2018-01-06', 1)).toBe('2018-01-08');
    expect(calendar.addWorkingDays('2018-01-07', 1)).toBe('2018-01-08');
    expect(calendar.addWorkingDays('2018-01-06', 5)).toBe('2018-01-12');
  });

  it('does not count a bank holiday receipt date itself', () => {
    expect(calendar.addWorkingDays('2018-04-02', 1)).toBe('2018-04-03');
  });

  it('returns the date unchanged for n = 0, even at a weekend', () => {
    expect(calendar.addWorkingDays('2018-01-06', 0)).toBe('2018-01-06');
  });

  it('rejects negative or fractional n and invalid dates', () => {
    expect(() => calendar.addWorkingDays('2018-01-05', -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2018-01-05', 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2018-02-30', 0)).toThrow(RangeError);
  });

  it('falls back to weekends only outside the holiday list', () => {
    expect(calendar.addWorkingDays('2045-12-22', 1)).toBe('2045-12-25');
  });
});

describe('other day queries', () => {
  it('knows working days and holiday names', () => {
    expect(calendar.isWorkingDay('2017-12-22')).toBe(true);
    expect(calendar.isWorkingDay('2017-12-23')).toBe(false);
    expect(calendar.isWorkingDay('2017-12-25')).toBe(false);
    expect(calendar.holidayName('2017-12-25')).toBe('Christmas Day');
    expect(calendar.holidayName('2017-12-22')).toBeUndefined();
  });

  it('finds the next working day strictly after a date', () => {
    expect(calendar.nextWorkingDay('2017-12-22')).toBe('2017-12-27');
    expect(calendar.nextWorkingDay('2018-01-08')).toBe('2018-01-09');
  });

  it('counts working days in (from, to]', () => {
    expect(calendar.workingDaysBetween('2017-12-22', '2018-01-24')).toBe(20);
    expect(calendar.workingDaysBetween('2018-01-24', '2017-12-22')).toBe(-20);
    expect(calendar.workingDaysBetween('2018-01-08', '2018-01-08')).toBe(0);
    expect(calendar.workingDaysBetween('2018-01-05', '2018-01-07')).toBe(0);
    expect(calendar.workingDaysBetween('2018-01-06', '2018-01-08')).toBe(1);
  });
});

describe('explainDeadline', () => {
  it('explains Christmas 2017', () => {
    const explanation = calendar.explainDeadline('2017-12-22', 20);
    expect(explanation).toEqual({
      from: '2017-12-22',
      workingDays: 20,
      due: '2018-01-24',
      calendarDays: 33,
      skippedWeekendDays: 10,
      skippedHolidays: [
        { date: '2017-12-25', name: 'Christmas Day' },
        { date: '2017-12-26', name: 'Boxing Day' },
        { date: '2018-01-01', name: "New Year's Day" },
      ],
      summary:
        'Received on 22 December 2017. 20 working days counted, skipping 10 weekend days and ' +
        "3 bank holidays (Christmas Day, Boxing Day, New Year's Day). Due 24 January 2018.",
    });
  });

  it('explains Easter 2018 and the 2022 State Funeral', () => {
    const easter = calendar.explainDeadline('2018-03-29', 20);
    expect([easter.due, easter.calendarDays, easter.skippedWeekendDays]).toEqual(['2018-04-30', 32, 10]);
    expect(easter.skippedHolidays.map((h) => h.name)).toEqual(['Good Friday', 'Easter Monday']);

    expect(calendar.explainDeadline('2022-09-16', 10).summary).toBe(
      'Received on 16 September 2022. 10 working days counted, skipping 6 weekend days and 1 bank holiday ' +
        '(Bank Holiday for the State Funeral of Queen Elizabeth II). Due 3 October 2022.',
    );
  });

  it('keeps short explanations short', () => {
    expect(calendar.explainDeadline('2018-01-08', 1).summary).toBe(
      'Received on 8 January 2018. 1 working day counted. Due 9 January 2018.',
    );
    expect(calendar.explainDeadline('2018-01-06', 1).summary).toBe(
      'Received on 6 January 2018. 1 working day counted, skipping 1 weekend day. Due 8 January 2018.',
    );
  });
});

describe('addWorkingHours (24-hour written-contact standard)', () => {
  it.each([
    ['Friday afternoon to Monday afternoon', '2018-01-05', '16:00', 24, '2018-01-08', '16:00'],
    ['Saturday receipt: all of Monday', '2018-01-06', '10:00', 24, '2018-01-09', '00:00'],
    ['Sunday receipt: all of Monday', '2018-01-07', '23:59', 24, '2018-01-09', '00:00'],
    ['ordinary weekday', '2018-01-09', '09:00', 24, '2018-01-10', '09:00'],
    ['Easter Monday receipt: all of Tuesday', '2018-04-02', '09:00', 24, '2018-04-04', '00:00'],
    ['Good Friday afternoon', '2018-03-29', '16:00', 24, '2018-04-03', '16:00'],
    ['over Christmas 2017', '2017-12-22', '16:00', 24, '2017-12-27', '16:00'],
    ['48 hours over Christmas 2017', '2017-12-22', '10:00', 48, '2017-12-28', '10:00'],
    ['clocks go forward (GMT to BST)', '2018-03-23', '16:00', 24, '2018-03-26', '16:00'],
    ['clocks go back (BST to GMT)', '2018-10-26', '16:00', 24, '2018-10-29', '16:00'],
    ['ends exactly at the end of Friday', '2018-01-05', '00:00', 24, '2018-01-06', '00:00'],
    ['half an hour', '2018-01-05', '23:45', 0.5, '2018-01-08', '00:15'],
  ])('%s', (_label, fromDate, fromTime, hours, dueDate, dueTime) => {
    expect(calendar.addWorkingHours(londonDateTime(fromDate, fromTime), hours).toISOString()).toBe(london(dueDate, dueTime));
  });

  it('pins the clock-change cases to UTC', () => {
    // 16:00 GMT on Friday; 16:00 BST on Monday is 15:00 UTC.
    expect(calendar.addWorkingHours(new Date('2018-03-23T16:00:00Z'), 24).toISOString()).toBe('2018-03-26T15:00:00.000Z');
    expect(calendar.addWorkingHours(new Date('2018-10-26T15:00:00Z'), 24).toISOString()).toBe('2018-10-29T16:00:00.000Z');
  });

  it('returns the same instant for 0 hours and rejects nonsense', () => {
    const saturday = londonDateTime('2018-01-06', '10:00');
    expect(calendar.addWorkingHours(saturday, 0).getTime()).toBe(saturday.getTime());
    expect(() => calendar.addWorkingHours(saturday, -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(saturday, Number.NaN)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});

// ---- properties ----------------------------------------------------------------

const FIRST_DAY = epochDayOf('2000-01-01');
const LAST_DAY = epochDayOf('2039-06-30'); // leaves room for n within the holiday list
const anyDate = fc.integer({ min: FIRST_DAY, max: LAST_DAY }).map(isoDateOfEpochDay);
const anyCount = fc.integer({ min: 0, max: 300 });
const RUNS = { numRuns: 300 };

/** Day-by-day reference implementation. */
function slowAddWorkingDays(date: IsoDate, n: number): IsoDate {
  let day = date;
  for (let counted = 0; counted < n; ) {
    day = addCalendarDays(day, 1);
    if (calendar.isWorkingDay(day)) counted++;
  }
  return day;
}

/** Milliseconds of [a, b) that fall within working days, measured day by day. */
function workingMsBetween(a: Date, b: Date): number {
  let total = 0;
  for (let day = londonDate(a); day <= londonDate(b); day = addCalendarDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue;
    const start = Math.max(a.getTime(), londonMidnight(day).getTime());
    const end = Math.min(b.getTime(), londonMidnight(addCalendarDays(day, 1)).getTime());
    total += Math.max(0, end - start);
  }
  return total;
}

describe('working-day properties', () => {
  it('agrees with counting day by day', () => {
    fc.assert(fc.property(anyDate, fc.integer({ min: 0, max: 60 }), (d, n) => {
      expect(calendar.addWorkingDays(d, n)).toBe(slowAddWorkingDays(d, n));
    }), RUNS);
  });

  it('never lands on a weekend or bank holiday', () => {
    fc.assert(fc.property(anyDate, fc.integer({ min: 1, max: 300 }), (d, n) => {
      const due = calendar.addWorkingDays(d, n);
      expect([0, 6]).not.toContain(dayOfWeek(due));
      expect(calendar.holidayName(due)).toBeUndefined();
      expect(calendar.isWorkingDay(due)).toBe(true);
    }), RUNS);
  });

  it('workingDaysBetween undoes addWorkingDays', () => {
    fc.assert(fc.property(anyDate, anyCount, (d, n) => {
      expect(calendar.workingDaysBetween(d, calendar.addWorkingDays(d, n))).toBe(n);
    }), RUNS);
  });

  it('is monotonic in the start date', () => {
    fc.assert(fc.property(anyDate, fc.integer({ min: 0, max: 30 }), anyCount, (d, gap, n) => {
      expect(calendar.addWorkingDays(d, n) <= calendar.addWorkingDays(addCalendarDays(d, gap), n)).toBe(true);
    }), RUNS);
  });

  it('composes: adding a then b is adding a + b', () => {
    fc.assert(fc.property(anyDate, anyCount, anyCount, (d, a, b) => {
      expect(calendar.addWorkingDays(calendar.addWorkingDays(d, a), b)).toBe(calendar.addWorkingDays(d, a + b));
    }), RUNS);
  });

  it('an extra holiday moves deadlines that span it by exactly one working day, and no others', () => {
    const holidays = englandAndWalesBankHolidays(2000, 2040);
    fc.assert(fc.property(anyDate, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 120 }), (d, n, offset) => {
      const extra = addCalendarDays(d, offset);
      fc.pre(calendar.isWorkingDay(extra));
      const custom = createWorkingDayCalendar([...holidays, { date: extra, name: 'Extra day' }]);
      const due = calendar.addWorkingDays(d, n);
      const expected = extra <= due ? calendar.nextWorkingDay(due) : due;
      expect(custom.addWorkingDays(d, n)).toBe(expected);
      expect(custom.holidayName(extra)).toBe('Extra day');
    }), { numRuns: 150 });
  });

  it('addWorkingHours uses exactly the working time asked for, and no later instant', () => {
    const anyTime = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2039, 0, 1) });
    // The last ten days of March and October, when the clocks change.
    const nearClockChange = fc
      .tuple(fc.integer({ min: 2000, max: 2038 }), fc.constantFrom(2, 9), fc.integer({ min: 21 * 1440, max: 31 * 1440 }))
      .map(([year, month, minutes]) => Date.UTC(year, month, 1) + minutes * 60_000);
    const anyInstant = fc.oneof(anyTime, nearClockChange).map((ms) => new Date(ms));
    const anyMinutes = fc.integer({ min: 0, max: 24 * 60 * 15 });
    fc.assert(fc.property(anyInstant, anyMinutes, (start, minutes) => {
      const due = calendar.addWorkingHours(start, minutes / 60);
      expect(workingMsBetween(start, due)).toBe(minutes * 60_000);
      if (minutes > 0) expect(workingMsBetween(start, new Date(due.getTime() - 1))).toBeLessThan(minutes * 60_000);
    }), { numRuns: 200 });
  });
});
