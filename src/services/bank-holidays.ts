import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../data/schema.ts';
import {
  clockStopsForCases,
  deleteBankHoliday,
  insertBankHolidays,
  listBankHolidays,
  openCasesForDeadlines,
} from '../data/repositories/bank-holidays.ts';
import { appendEvent, updateCase } from '../data/repositories/cases.ts';
import { englandAndWalesBankHolidays } from '../domain/bank-holidays.ts';
import { isValidIsoDate } from '../domain/london-time.ts';
import { assessmentDeadline } from '../domain/deadlines.ts';
import { createWorkingDayCalendar, type WorkingDayCalendar } from '../domain/working-days.ts';
import { calendarTable } from '../domain/calendar-table.ts';
import { countCalendarDays, replaceCalendarDays } from '../data/repositories/calendar-days.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import { forbidden, invalid } from './errors.ts';
import { parseOrThrow } from './validation.ts';
import type { Clock } from './clock.ts';

/** The span of the derived calendar table: history imports and deadlines both fall inside it. */
export const CALENDAR_FROM = '1995-01-01';
export const CALENDAR_TO = '2045-12-31';

/** Holds the working-day calendar built from the database's bank-holiday list. */
export class CalendarHolder {
  private current: WorkingDayCalendar = createWorkingDayCalendar([]);
  constructor(private readonly db: Kysely<Database>) {}
  get = (): WorkingDayCalendar => this.current;
  /** Rebuilds the calendar from the holiday list, and the database's derived calendar table with it. */
  async refresh(options: { rebuildTable?: boolean } = { rebuildTable: true }): Promise<void> {
    const rows = await listBankHolidays(this.db);
    this.current = createWorkingDayCalendar(rows.map((r) => ({ date: r.date, name: r.name })));
    if (options.rebuildTable || (await countCalendarDays(this.db)) === 0) {
      const days = calendarTable(this.current, CALENDAR_FROM, CALENDAR_TO);
      await this.db.transaction().execute((trx) => replaceCalendarDays(trx, days));
    }
  }
}

/** Adds any England-and-Wales bank holidays the maintained source knows and the database lacks. */
export async function syncBankHolidays(db: Kysely<Database>, fromYear = 1995, toYear = 2045): Promise<number> {
  const known = englandAndWalesBankHolidays(fromYear, toYear).map((h) => ({ ...h, source: 'date-holidays' }));
  return insertBankHolidays(db, known);
}

export const bankHolidaySchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a real date'),
  name: z.string().trim().min(1, 'Enter the name of the bank holiday').max(200),
});

function requireAdmin(actor: Actor) {
  if (!actor.roles.includes('admin')) throw forbidden();
}

export async function addBankHoliday(db: Kysely<Database>, holder: CalendarHolder, clock: Clock, actor: Actor, raw: z.input<typeof bankHolidaySchema>) {
  requireAdmin(actor);
  const input = parseOrThrow(bankHolidaySchema, raw);
  const day = new Date(`${input.date}T12:00:00Z`).getUTCDay();
  if (day === 0 || day === 6) throw invalid({ date: 'A bank holiday on a weekend has no effect: enter the weekday it is moved to' });
  const added = await insertBankHolidays(db, [{ ...input, source: 'staff' }]);
  if (added === 0) throw invalid({ date: 'That date is already a bank holiday' });
  await holder.refresh();
  return recomputeOpenDeadlines(db, holder.get(), clock, actor.id);
}

export async function removeBankHoliday(db: Kysely<Database>, holder: CalendarHolder, clock: Clock, actor: Actor, date: string) {
  requireAdmin(actor);
  if (!isValidIsoDate(date) || (await deleteBankHoliday(db, date)) === 0) throw invalid({ date: 'That date is not a bank holiday' });
  await holder.refresh();
  return recomputeOpenDeadlines(db, holder.get(), clock, actor.id);
}

/**
 * Works out every open case's 20-working-day deadline again with the current holiday list, a
 * batch at a time, and records each change in the case's timeline.
 */
export async function recomputeOpenDeadlines(db: Kysely<Database>, calendar: WorkingDayCalendar, clock: Clock, actorId: number | null): Promise<number> {
  let changed = 0;
  let afterId = 0;
  for (;;) {
    const batch = await openCasesForDeadlines(db, afterId, 500);
    if (batch.length === 0) return changed;
    afterId = batch[batch.length - 1]!.id;
    const stops = await clockStopsForCases(db, batch.map((c) => c.id));
    await db.transaction().execute(async (trx) => {
      for (const row of batch) {
        const caseStops = stops.filter((s) => s.case_id === row.id).map((s) => ({ stoppedAt: s.stopped_at, restartedAt: s.restarted_at }));
        const deadline = assessmentDeadline(row.received_at, caseStops, calendar);
        if (deadline.due === null || deadline.due === row.assessment_due_on) continue;
        await updateCase(trx, row.id, { assessment_due_on: deadline.due });
        await appendEvent(trx, { caseId: row.id, kind: 'deadline-recalculated', occurredAt: clock.now(), actorId, facts: { from: row.assessment_due_on, to: deadline.due, because: 'bank holidays changed' } });
        changed += 1;
      }
    });
  }
}
