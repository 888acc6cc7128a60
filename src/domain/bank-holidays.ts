import Holidays from 'date-holidays';
import { dayOfWeek, type IsoDate } from './london-time.ts';

export interface BankHoliday {
  date: IsoDate;
  name: string;
}

/**
 * One-off changes made by royal proclamation. date-holidays (3.37) gets the
 * regular rules and substitute days right but misses or misplaces some of
 * these, so this table is authoritative for the dates it names: an entry
 * replaces whatever date-holidays says for that date. Names follow GOV.UK
 * (https://www.gov.uk/bank-holidays) where it lists the year.
 */
const ONE_OFF_BANK_HOLIDAYS: readonly BankHoliday[] = [
  { date: '1973-11-14', name: 'Royal wedding bank holiday' }, // missing from date-holidays
  { date: '1977-06-07', name: "Queen's Silver Jubilee" }, // missing
  { date: '1981-07-29', name: 'Royal wedding bank holiday' }, // missing
  { date: '1995-05-08', name: 'Early May bank holiday (VE day)' }, // date-holidays keeps 1 May
  { date: '1999-12-31', name: 'Millennium celebrations' }, // missing
  { date: '2002-06-03', name: "Queen's Golden Jubilee" }, // missing
  { date: '2002-06-04', name: 'Spring bank holiday' }, // date-holidays keeps 27 May
  { date: '2011-04-29', name: 'Royal wedding bank holiday' }, // missing
  { date: '2012-06-04', name: 'Spring bank holiday' }, // date-holidays keeps 28 May
  { date: '2012-06-05', name: "Queen's Diamond Jubilee" },
  { date: '2020-05-08', name: 'Early May bank holiday (VE day)' },
  { date: '2022-06-02', name: 'Spring bank holiday' },
  { date: '2022-06-03', name: 'Platinum Jubilee bank holiday' },
  { date: '2022-09-19', name: 'Bank Holiday for the State Funeral of Queen Elizabeth II' },
  { date: '2023-05-08', name: 'Bank holiday for the coronation of King Charles III' },
];

/** Dates date-holidays reports as bank holidays that were moved by proclamation (see above). */
const NOT_BANK_HOLIDAYS: ReadonlySet<IsoDate> = new Set([
  '1995-05-01', // early May moved to VE day
  '2002-05-27', // spring moved to 4 June for the Golden Jubilee
  '2012-05-28', // spring moved to 4 June for the Diamond Jubilee
]);

function isWeekday(date: IsoDate): boolean {
  const day = dayOfWeek(date);
  return day !== 0 && day !== 6;
}

function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/**
 * England and Wales bank holidays that fall Monday to Friday, sorted by date.
 * When a holiday falls at a weekend date-holidays lists both the weekend date
 * and the substitute weekday; only the substitute is a day off, so weekends
 * are dropped.
 */
export function englandAndWalesBankHolidays(fromYear: number, toYear: number): BankHoliday[] {
  const byDate = new Map<IsoDate, string>();
  const source = new Holidays('GB', 'ENG');
  for (let year = fromYear; year <= toYear; year++) {
    for (const holiday of source.getHolidays(year)) {
      // holiday.date is "YYYY-MM-DD hh:mm:ss", already in UK local time.
      const date = holiday.date.slice(0, 10);
      if (holiday.type !== 'public' || NOT_BANK_HOLIDAYS.has(date) || byDate.has(date)) continue;
      byDate.set(date, holiday.name);
    }
  }
  for (const { date, name } of ONE_OFF_BANK_HOLIDAYS) {
    if (yearOf(date) >= fromYear && yearOf(date) <= toYear) byDate.set(date, name);
  }
  return [...byDate]
    .filter(([date]) => isWeekday(date))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, name]) => ({ date, name }));
}
