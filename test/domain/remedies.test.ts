import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CHASE_EVERY_WORKING_DAYS,
  REMIND_BEFORE_DUE_WORKING_DAYS,
  addCalendarMonths,
  becomesDelayedOn,
  canRecordSatisfaction,
  chaseReminderOn,
  daysOverdue,
  defaultDelayedDueOn,
  documentsMustBeKept,
  dueSoonReminderOn,
  isDueSoon,
  isOnWatchList,
  isOverdue,
  isPastDelayedDueDate,
  isReminderKind,
  overdueReminderOn,
  publicDescription,
  reminderDue,
  reminderPlan,
  reminderLabel,
  reminderRank,
  shouldBecomeDelayed,
  watchListWindow,
  workingDaysBefore,
} from '../../src/domain/remedies.ts';
import { addCalendarDays, calendarDaysBetween, isoDateOfEpochDay, epochDayOf } from '../../src/domain/london-time.ts';
import { createWorkingDayCalendar, defaultCalendar } from '../../src/domain/working-days.ts';

// England and Wales, with the 2026 bank holidays: Good Friday 3 April, Easter Monday 6 April,
// 4 May, 25 May, 31 August, Christmas Day (Friday) and Boxing Day observed Monday 28 December.
const calendar = defaultCalendar();
const pending = (dueOn: string) => ({ dueOn, status: 'pending' });

describe('overdue and due soon', () => {
  it('is overdue from the day after the due date, while pending', () => {
    expect(isOverdue(pending('2026-03-02'), '2026-03-02')).toBe(false);
    expect(isOverdue(pending('2026-03-02'), '2026-03-03')).toBe(true);
    for (const status of ['complied-on-time', 'complied-late', 'not-complied']) expect(isOverdue({ dueOn: '2026-03-02', status }, '2027-01-01')).toBe(false);
  });

  it('counts days overdue in calendar days, 0 when not overdue', () => {
    expect(daysOverdue(pending('2026-03-02'), '2026-03-02')).toBe(0);
    expect(daysOverdue(pending('2026-03-02'), '2026-03-03')).toBe(1);
    expect(daysOverdue(pending('2026-02-28'), '2026-03-31')).toBe(31);
    expect(daysOverdue({ dueOn: '2026-02-28', status: 'complied-late' }, '2026-03-31')).toBe(0);
  });

  it('is due soon from today to 10 working days ahead, counting past Easter', () => {
    // Tuesday 24 March 2026 + 10 working days: 25, 26, 27, 30, 31 March, 1, 2, 7, 8, 9 April.
    expect(isDueSoon(pending('2026-03-24'), '2026-03-24', calendar)).toBe(true);
    expect(isDueSoon(pending('2026-04-09'), '2026-03-24', calendar)).toBe(true);
    expect(isDueSoon(pending('2026-04-10'), '2026-03-24', calendar)).toBe(false);
    expect(isDueSoon(pending('2026-03-23'), '2026-03-24', calendar)).toBe(false);
    expect(isDueSoon({ dueOn: '2026-03-25', status: 'complied-on-time' }, '2026-03-24', calendar)).toBe(false);
  });
});

describe('calendar months', () => {
  it('keeps the day of the month, or the month’s last day when it has fewer', () => {
    expect(addCalendarMonths('2026-01-15', 1)).toBe('2026-02-15');
    expect(addCalendarMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addCalendarMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addCalendarMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addCalendarMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addCalendarMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addCalendarMonths('2026-01-10', -24)).toBe('2024-01-10');
    expect(() => addCalendarMonths('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addCalendarMonths('2026-02-01', 1.5)).toThrow(RangeError);
  });

  it('moves by exactly that many months and never past the original day', () => {
    fc.assert(fc.property(fc.integer({ min: epochDayOf('1990-01-01'), max: epochDayOf('2060-12-31') }), fc.integer({ min: -300, max: 300 }), (day, months) => {
      const date = isoDateOfEpochDay(day);
      const moved = addCalendarMonths(date, months);
      const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
      expect(monthIndex(moved) - monthIndex(date)).toBe(months);
      expect(Number(moved.slice(8, 10))).toBeLessThanOrEqual(Number(date.slice(8, 10)));
      if (Number(date.slice(8, 10)) <= 28) expect(moved.slice(8, 10)).toBe(date.slice(8, 10));
    }));
  });
});

describe('delayed remedies', () => {
  it('becomes delayed 12 months after its due date, if still outstanding and not delayed already', () => {
    expect(becomesDelayedOn('2025-03-31')).toBe('2026-03-31');
    expect(becomesDelayedOn('2024-02-29')).toBe('2025-02-28');
    const remedy = { dueOn: '2025-03-31', status: 'pending', delayed: false };
    expect(shouldBecomeDelayed(remedy, '2026-03-30')).toBe(false);
    expect(shouldBecomeDelayed(remedy, '2026-03-31')).toBe(true);
    expect(shouldBecomeDelayed({ ...remedy, delayed: true }, '2026-04-30')).toBe(false);
    expect(shouldBecomeDelayed({ ...remedy, status: 'complied-late' }, '2026-04-30')).toBe(false);
  });

  it('gets its own due date three months on, moved to the next working day when that is not one', () => {
    expect(defaultDelayedDueOn('2026-01-14', calendar)).toBe('2026-04-14'); // a Tuesday
    expect(defaultDelayedDueOn('2026-02-25', calendar)).toBe('2026-05-26'); // 25 May is the spring bank holiday
    expect(defaultDelayedDueOn('2026-01-04', calendar)).toBe('2026-04-07'); // 4 April is Saturday; 6 April Easter Monday
    expect(defaultDelayedDueOn('2025-11-30', calendar)).toBe('2026-03-02'); // 28 February is Saturday
  });

  it('is past its own due date only after that date, while outstanding', () => {
    const remedy = { dueOn: '2025-01-10', status: 'pending', delayedDueOn: '2026-04-14' };
    expect(isPastDelayedDueDate(remedy, '2026-04-14')).toBe(false);
    expect(isPastDelayedDueDate(remedy, '2026-04-15')).toBe(true);
    expect(isPastDelayedDueDate({ ...remedy, delayedDueOn: null }, '2026-04-15')).toBe(false);
    expect(isPastDelayedDueDate({ ...remedy, status: 'not-complied' }, '2026-04-15')).toBe(false);
  });
});

describe('documents kept for the retention job', () => {
  it('keeps a case’s documents while any remedy is unsettled', () => {
    expect(documentsMustBeKept([])).toBe(false);
    expect(documentsMustBeKept([{ status: 'complied-on-time' }, { status: 'not-complied' }, { status: 'complied-late' }])).toBe(false);
    expect(documentsMustBeKept([{ status: 'complied-on-time' }, { status: 'pending' }])).toBe(true);
  });
});

describe('reminder days', () => {
  it('counts N working days back from the due date, skipping weekends and bank holidays', () => {
    expect(REMIND_BEFORE_DUE_WORKING_DAYS).toBe(5);
    expect(workingDaysBefore('2026-03-16', 5, calendar)).toBe('2026-03-09'); // Monday to Monday
    expect(dueSoonReminderOn('2026-03-16', calendar)).toBe('2026-03-09');
    // Thursday 9 April 2026: 8, 7 April, (Easter Monday, weekend, Good Friday), 2, 1 April, so Tuesday 31 March.
    expect(dueSoonReminderOn('2026-04-09', calendar)).toBe('2026-03-31');
    // Due on a Saturday: five working days of notice before it (9 to 13 March), so Friday 6 March.
    expect(dueSoonReminderOn('2026-03-14', calendar)).toBe('2026-03-06');
    expect(() => workingDaysBefore('2026-03-16', 0, calendar)).toThrow(RangeError);
  });

  it('chases on the first working day after the due date', () => {
    expect(overdueReminderOn('2026-03-05', calendar)).toBe('2026-03-06'); // Thursday → Friday
    expect(overdueReminderOn('2026-03-06', calendar)).toBe('2026-03-09'); // Friday → Monday
    expect(overdueReminderOn('2026-03-07', calendar)).toBe('2026-03-09'); // Saturday → Monday
    expect(overdueReminderOn('2026-04-02', calendar)).toBe('2026-04-07'); // Thursday before Easter → Tuesday after
    expect(overdueReminderOn('2026-12-24', calendar)).toBe('2026-12-29'); // Christmas Day and Boxing Day (observed 28th)
  });

  it('chases again every 10 working days', () => {
    expect(CHASE_EVERY_WORKING_DAYS).toBe(10);
    // Due Friday 6 March: overdue Monday 9 March; chase 1 on Monday 23 March; chase 2 ten working days
    // on, skipping Good Friday and Easter Monday: Wednesday 8 April.
    expect(chaseReminderOn('2026-03-06', 1, calendar)).toBe('2026-03-23');
    expect(chaseReminderOn('2026-03-06', 2, calendar)).toBe('2026-04-08');
  });

  it('plans every reminder up to a date, and the next one after it', () => {
    expect(reminderPlan('2026-03-06', '2026-03-30', calendar)).toEqual([
      { kind: 'due-soon', on: '2026-02-27' },
      { kind: 'overdue', on: '2026-03-09' },
      { kind: 'chase-1', on: '2026-03-23' },
      { kind: 'chase-2', on: '2026-04-08' },
    ]);
    expect(reminderPlan('2026-03-06', '2026-03-01', calendar).map((r) => r.kind)).toEqual(['due-soon', 'overdue', 'chase-1']);
  });

  it('names each reminder for staff pages', () => {
    expect(['due-soon', 'overdue', 'chase-2', 'delayed', 'something-else'].map(reminderLabel)).toEqual([
      'Due soon (5 working days before)', 'Overdue (first working day after the due date)', 'Still overdue (reminder 2)', 'Now a delayed remedy', 'something-else',
    ]);
  });

  it('ranks the kinds in the order they are sent', () => {
    expect(['due-soon', 'overdue', 'chase-1', 'chase-2', 'chase-10'].map(reminderRank)).toEqual([0, 1, 2, 3, 11]);
    expect(reminderRank('delayed')).toBeUndefined();
    expect(reminderRank('chase-0')).toBeUndefined();
    expect(isReminderKind('chase-3')).toBe(true);
    expect(isReminderKind('chase-x')).toBe(false);
  });
});

/** Runs the daily job on every day from `from` to `to` (skipping `down` days), returning what it sent and when. */
function simulate(dueOn: string, from: string, to: string, options: { down?: (day: string) => boolean; settledOn?: string } = {}) {
  const sent: { kind: string; on: string }[] = [];
  for (let day = from; day <= to; day = addCalendarDays(day, 1)) {
    if (options.down?.(day)) continue;
    const status = options.settledOn && day >= options.settledOn ? 'complied-late' : 'pending';
    const due = reminderDue({ dueOn, status }, sent, day, calendar);
    if (due) sent.push({ kind: due.kind, on: day });
  }
  return sent;
}

describe('which reminder the daily job sends', () => {
  it('sends each reminder once, on its day, across weekends and Easter', () => {
    expect(simulate('2026-03-06', '2026-02-01', '2026-04-10')).toEqual([
      { kind: 'due-soon', on: '2026-02-27' },
      { kind: 'overdue', on: '2026-03-09' },
      { kind: 'chase-1', on: '2026-03-23' },
      { kind: 'chase-2', on: '2026-04-08' },
    ]);
  });

  it('sends nothing on a weekend or bank holiday, and nothing once settled', () => {
    expect(reminderDue(pending('2026-03-06'), [], '2026-03-07', calendar)).toBeUndefined(); // Saturday
    expect(reminderDue(pending('2026-04-02'), [], '2026-04-06', calendar)).toBeUndefined(); // Easter Monday
    expect(reminderDue({ dueOn: '2026-03-06', status: 'complied-on-time' }, [], '2026-03-09', calendar)).toBeUndefined();
    expect(simulate('2026-03-06', '2026-02-01', '2026-04-30', { settledOn: '2026-03-10' }).map((s) => s.kind)).toEqual(['due-soon', 'overdue']);
  });

  it('says nothing between a due date on Friday and the Monday after', () => {
    const sent = [{ kind: 'due-soon', on: '2026-02-27' }];
    expect(reminderDue(pending('2026-03-06'), sent, '2026-03-06', calendar)).toBeUndefined();
    expect(reminderDue(pending('2026-03-06'), sent, '2026-03-09', calendar)).toEqual({ kind: 'overdue', on: '2026-03-09' });
    // A message of another kind (the delayed notice) does not count as a reminder of the schedule.
    expect(reminderDue(pending('2026-03-06'), [...sent, { kind: 'delayed', on: '2026-03-09' }], '2026-03-09', calendar)?.kind).toBe('overdue');
  });

  it('still gives notice of a remedy recorded a few days before its due date, and never sends a missed reminder late', () => {
    // Recorded on Wednesday 4 March, due Friday 6 March: the 'due-soon' day has passed, but notice is still worth giving.
    expect(reminderDue(pending('2026-03-06'), [], '2026-03-04', calendar)).toEqual({ kind: 'due-soon', on: '2026-02-27' });
    // The worker was down from 27 February to 19 March: one 'overdue' reminder on Friday 20 March, not
    // two at once; chase 1 (due Monday 23 March) waits ten working days, to Tuesday 7 April (after
    // Easter), and chase 2 (due the next day) waits ten working days after that, to Tuesday 21 April.
    const sent = simulate('2026-03-06', '2026-02-01', '2026-04-30', { down: (d) => d >= '2026-02-27' && d <= '2026-03-19' });
    expect(sent).toEqual([
      { kind: 'overdue', on: '2026-03-20' },
      { kind: 'chase-1', on: '2026-04-07' },
      { kind: 'chase-2', on: '2026-04-21' },
    ]);
  });

  it('whatever days the job misses: each kind at most once, in order, only on working days, never before notice is due', () => {
    const days = fc.integer({ min: epochDayOf('2025-06-01'), max: epochDayOf('2027-06-01') }).map(isoDateOfEpochDay);
    fc.assert(fc.property(days, fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }), (dueOn, upDays) => {
      const from = addCalendarDays(dueOn, -30);
      const sent = simulate(dueOn, from, addCalendarDays(dueOn, 89), { down: (d) => upDays[calendarDaysBetween(from, d)] === false });
      const ranks = sent.map((s) => reminderRank(s.kind) as number);
      expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      expect(new Set(ranks).size).toBe(ranks.length);
      for (const [i, s] of sent.entries()) {
        const before = sent[i - 1];
        if (before && s.kind.startsWith('chase-')) expect(calendar.workingDaysBetween(before.on, s.on)).toBeGreaterThanOrEqual(CHASE_EVERY_WORKING_DAYS);
        expect(calendar.isWorkingDay(s.on)).toBe(true);
        expect(s.on >= dueSoonReminderOn(dueOn, calendar)).toBe(true);
        if (s.kind !== 'due-soon') expect(s.on > dueOn).toBe(true);
        else expect(s.on <= dueOn).toBe(true);
      }
      // With the job running every day, exactly the planned reminders are sent, each on its day.
      const everyDay = simulate(dueOn, from, addCalendarDays(dueOn, 89));
      expect(everyDay).toEqual(reminderPlan(dueOn, addCalendarDays(dueOn, 89), calendar).filter((r) => r.on <= addCalendarDays(dueOn, 89)).map((r) => ({ kind: r.kind, on: r.on })));
    }), { numRuns: 200 });
  });

  it('follows the calendar it is given: an extra bank holiday moves the reminder', () => {
    const withExtraHoliday = createWorkingDayCalendar([{ date: '2026-03-09', name: 'Extra holiday' }]);
    expect(overdueReminderOn('2026-03-06', withExtraHoliday)).toBe('2026-03-10');
    const sent = [{ kind: 'due-soon', on: '2026-02-27' }];
    expect(reminderDue(pending('2026-03-06'), sent, '2026-03-09', withExtraHoliday)).toBeUndefined();
    expect(reminderDue(pending('2026-03-06'), sent, '2026-03-10', withExtraHoliday)?.kind).toBe('overdue');
  });
});

describe('satisfaction, the watch-list and public wording', () => {
  it('judges evidence only for a remedy the body says it carried out', () => {
    expect(canRecordSatisfaction('complied-on-time')).toBe(true);
    expect(canRecordSatisfaction('complied-late')).toBe(true);
    expect(canRecordSatisfaction('not-complied')).toBe(false);
    expect(canRecordSatisfaction('pending')).toBe(false);
  });

  it('lists outstanding remedies that fell due before today and within the last 24 months', () => {
    expect(watchListWindow('2026-03-02')).toEqual({ dueFrom: '2024-03-02', dueBefore: '2026-03-02' });
    expect(isOnWatchList(pending('2026-03-01'), '2026-03-02')).toBe(true);
    expect(isOnWatchList(pending('2026-03-02'), '2026-03-02')).toBe(false);
    expect(isOnWatchList(pending('2024-03-02'), '2026-03-02')).toBe(true);
    expect(isOnWatchList(pending('2024-03-01'), '2026-03-02')).toBe(false);
    expect(isOnWatchList({ dueOn: '2026-01-01', status: 'complied-late' }, '2026-03-02')).toBe(false);
  });

  it('publishes the wording of service improvements only', () => {
    expect(publicDescription('service-improvement', 'Review how repair requests are logged')).toBe('Review how repair requests are logged');
    for (const kind of ['apology', 'financial-payment', 'procedure-review', 'training', 'other']) expect(publicDescription(kind, 'Pay Mrs Example £300')).toBeNull();
  });
});
