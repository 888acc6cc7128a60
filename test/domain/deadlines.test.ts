import { describe, expect, it } from 'vitest';
import { assessmentDeadline, weekMarks, workingDaysStopped } from '../../src/domain/deadlines.ts';
import { createWorkingDayCalendar, defaultCalendar } from '../../src/domain/working-days.ts';

const calendar = defaultCalendar();

describe('case deadlines', () => {
  it('counts 20 working days from the London date of receipt, over Christmas 2017', () => {
    // Friday 22 December 2017; Christmas Day, Boxing Day and New Year's Day skipped: Wednesday 24 January 2018.
    const deadline = assessmentDeadline(new Date('2017-12-22T15:00:00Z'), [], calendar);
    expect(deadline.due).toBe('2018-01-24');
    expect(deadline.explanation).toContain('Christmas Day');
  });

  it('uses the London date: 23:30 UTC on 31 March 2018 is already 1 April in London', () => {
    const late = assessmentDeadline(new Date('2018-03-31T23:30:00Z'), [], calendar);
    const sunday = assessmentDeadline(new Date('2018-04-01T10:00:00+01:00'), [], calendar);
    expect(late.due).toBe(sunday.due);
    // Easter Monday 2 April 2018 is skipped: 1st working day Tuesday 3 April, 20th is Monday 30 April.
    expect(late.due).toBe('2018-04-30');
  });

  it('has no deadline while the clock is stopped, and adds the working days it stood still', () => {
    const receivedAt = new Date('2026-03-02T10:00:00Z');
    const plain = assessmentDeadline(receivedAt, [], calendar);
    expect(plain.due).toBe('2026-03-30');
    const stopped = assessmentDeadline(receivedAt, [{ stoppedAt: new Date('2026-03-04T10:00:00Z'), restartedAt: null }], calendar);
    expect(stopped.due).toBeNull();
    expect(stopped.explanation).toContain('4 March 2026');
    // Stopped Wednesday 4 to Wednesday 11 March: 5 working days.
    const stop = { stoppedAt: new Date('2026-03-04T10:00:00Z'), restartedAt: new Date('2026-03-11T09:00:00Z') };
    expect(workingDaysStopped(stop, calendar)).toBe(5);
    const restarted = assessmentDeadline(receivedAt, [stop], calendar);
    // 25 working days: 30 March is the 20th; 31 March, 1 and 2 April, then Good Friday 3 and Easter Monday 6 April skipped, 7 and 8 April.
    expect(restarted.due).toBe('2026-04-08');
    expect(restarted.explanation).toContain('5 working days added because the clock was stopped');
  });

  it('follows the bank-holiday list it is given', () => {
    const receivedAt = new Date('2026-03-02T10:00:00Z');
    const withExtra = createWorkingDayCalendar([{ date: '2026-03-10', name: 'A one-off holiday' }]);
    const without = createWorkingDayCalendar([]);
    expect(assessmentDeadline(receivedAt, [], without).due).toBe('2026-03-30');
    expect(assessmentDeadline(receivedAt, [], withExtra).due).toBe('2026-03-31');
  });

  it('puts the 13, 26 and 52-week marks at 91, 182 and 364 days less one', () => {
    const marks = weekMarks(new Date('2017-04-03T09:00:00+01:00'));
    expect(marks.map((m) => m.due)).toEqual(['2017-07-02', '2017-10-01', '2018-04-01']);
  });
});
