import { describe, expect, it } from 'vitest';
import { dateInput, penceInput, timeInput } from '../../src/web/forms.ts';

describe('form input parsing', () => {
  const date = (day: string, month: string, year: string) => dateInput({ 'd-day': day, 'd-month': month, 'd-year': year }, 'd', 'the date');

  it('reads GOV.UK date inputs, with month names as the design system advises', () => {
    expect(date('5', '6', '2026')).toEqual({ value: '2026-06-05' });
    expect(date('05', 'June', '2026')).toEqual({ value: '2026-06-05' });
    expect(date('5', 'jun', '2026')).toEqual({ value: '2026-06-05' });
  });

  it('says exactly what is wrong with a date', () => {
    expect(date('', '', '')).toEqual({ error: 'Enter the date' });
    expect(date('5', '', '2026')).toEqual({ error: 'The date must include a month' });
    expect(date('', '', '2026')).toEqual({ error: 'The date must include a day and month' });
    expect(date('30', '2', '2026')).toEqual({ error: 'The date must be a real date' });
    expect(date('5', '13', '2026')).toEqual({ error: 'The date must be a real date' });
    expect(date('5', '6', '26')).toEqual({ error: 'The date must be a real date' });
  });

  it('reads times as people write them', () => {
    expect(timeInput('9am')).toBe('09:00');
    expect(timeInput('12pm')).toBe('12:00');
    expect(timeInput('12am')).toBe('00:00');
    expect(timeInput('2:30pm')).toBe('14:30');
    expect(timeInput('14:15')).toBe('14:15');
    expect(timeInput('0930')).toBe('09:30');
    expect(timeInput('25:00')).toBeUndefined();
    expect(timeInput('13pm')).toBeUndefined();
    expect(timeInput('noon')).toBeUndefined();
  });

  it('reads sums of money into whole pence', () => {
    expect(penceInput('£1,250.50')).toBe(125_050);
    expect(penceInput('300')).toBe(30_000);
    expect(penceInput('0.1')).toBe(10);
    expect(penceInput('12.345')).toBeUndefined();
    expect(penceInput('-5')).toBeUndefined();
    expect(penceInput('ten')).toBeUndefined();
  });
});
