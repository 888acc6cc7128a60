import { describe, expect, it } from 'vitest';
import { englandAndWalesBankHolidays } from '../../src/domain/bank-holidays.ts';
import { dayOfWeek } from '../../src/domain/london-time.ts';

// England and Wales, as published at https://www.gov.uk/bank-holidays.
const GOV_UK_2017_TO_2023 = [
  '2017-01-02', '2017-04-14', '2017-04-17', '2017-05-01', '2017-05-29', '2017-08-28', '2017-12-25', '2017-12-26',
  '2018-01-01', '2018-03-30', '2018-04-02', '2018-05-07', '2018-05-28', '2018-08-27', '2018-12-25', '2018-12-26',
  '2019-01-01', '2019-04-19', '2019-04-22', '2019-05-06', '2019-05-27', '2019-08-26', '2019-12-25', '2019-12-26',
  '2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28',
  '2021-01-01', '2021-04-02', '2021-04-05', '2021-05-03', '2021-05-31', '2021-08-30', '2021-12-27', '2021-12-28',
  '2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19',
  '2022-12-26', '2022-12-27',
  '2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25',
  '2023-12-26',
];

describe('englandAndWalesBankHolidays', () => {
  const holidays2000to2040 = englandAndWalesBankHolidays(2000, 2040);
  const nameOn = (date: string) => holidays2000to2040.find((h) => h.date === date)?.name;

  it('matches the GOV.UK list for 2017-2023 exactly', () => {
    expect(englandAndWalesBankHolidays(2017, 2023).map((h) => h.date)).toEqual(GOV_UK_2017_TO_2023);
  });

  it('names the one-off and moved holidays', () => {
    expect(nameOn('2017-12-25')).toBe('Christmas Day');
    expect(nameOn('2017-12-26')).toBe('Boxing Day');
    expect(nameOn('2018-03-30')).toBe('Good Friday');
    expect(nameOn('2018-04-02')).toBe('Easter Monday');
    expect(nameOn('2020-05-08')).toBe('Early May bank holiday (VE day)');
    expect(nameOn('2022-06-02')).toBe('Spring bank holiday');
    expect(nameOn('2022-06-03')).toBe('Platinum Jubilee bank holiday');
    expect(nameOn('2022-09-19')).toBe('Bank Holiday for the State Funeral of Queen Elizabeth II');
    expect(nameOn('2023-05-08')).toBe('Bank holiday for the coronation of King Charles III');
  });

  it('keeps the weekday substitute, not the weekend date', () => {
    expect(nameOn('2021-12-25')).toBeUndefined();
    expect(nameOn('2021-12-27')).toBe('Christmas Day (substitute day)');
    expect(nameOn('2021-12-28')).toBe('Boxing Day (substitute day)');
    expect(nameOn('2022-12-25')).toBeUndefined();
    expect(nameOn('2022-12-26')).toBe('Boxing Day');
    expect(nameOn('2022-12-27')).toBe('Christmas Day (substitute day)');
  });

  it('drops the regular dates that were moved for VE day and the jubilees', () => {
    expect(nameOn('2020-05-04')).toBeUndefined();
    expect(nameOn('2022-05-30')).toBeUndefined();
    expect(nameOn('2012-05-28')).toBeUndefined();
    expect(nameOn('2002-05-27')).toBeUndefined();
  });

  it('supplements the one-offs date-holidays misses', () => {
    expect(nameOn('2002-06-03')).toBe("Queen's Golden Jubilee");
    expect(nameOn('2002-06-04')).toBe('Spring bank holiday');
    expect(nameOn('2011-04-29')).toBe('Royal wedding bank holiday');
    expect(nameOn('2012-06-04')).toBe('Spring bank holiday');
    expect(nameOn('2012-06-05')).toBe("Queen's Diamond Jubilee");
    expect(englandAndWalesBankHolidays(1995, 1999).map((h) => h.date)).toEqual(
      expect.arrayContaining(['1995-05-08', '1999-12-31']),
    );
    expect(englandAndWalesBankHolidays(1995, 1995).map((h) => h.date)).not.toContain('1995-05-01');
  });

  it('has 8 bank holidays a year, plus the one-offs', () => {
    const extra: Record<number, number> = { 2002: 1, 2011: 1, 2012: 1, 2022: 2, 2023: 1 };
    for (let year = 2000; year <= 2040; year++) {
      const count = holidays2000to2040.filter((h) => h.date.startsWith(`${year}-`)).length;
      expect(count, String(year)).toBe(8 + (extra[year] ?? 0));
    }
  });

  it('returns only weekdays, sorted and unique', () => {
    const dates = holidays2000to2040.map((h) => h.date);
    expect(dates).toEqual([...new Set(dates)].sort());
    for (const date of dates) expect([1, 2, 3, 4, 5], date).toContain(dayOfWeek(date));
  });

  it('returns only the years asked for', () => {
    const dates = englandAndWalesBankHolidays(2022, 2022).map((h) => h.date);
    expect(dates).toHaveLength(10);
    expect(dates.every((d) => d.startsWith('2022-'))).toBe(true);
    expect(englandAndWalesBankHolidays(2012, 2011)).toEqual([]);
  });
});
