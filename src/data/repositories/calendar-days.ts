import type { Db } from './cases.ts';

export interface CalendarDayRow {
  day: string;
  working: boolean;
  working_day_number: number;
  next_working_day: string;
  twentieth_working_day: string;
}

/** Replaces the derived calendar in one transaction-sized batch of inserts. */
export async function replaceCalendarDays(db: Db, days: CalendarDayRow[]): Promise<void> {
  await db.deleteFrom('calendar_days').execute();
  for (let i = 0; i < days.length; i += 1000) {
    await db.insertInto('calendar_days').values(days.slice(i, i + 1000)).execute();
  }
}

export async function countCalendarDays(db: Db): Promise<number> {
  const row = await db.selectFrom('calendar_days').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
