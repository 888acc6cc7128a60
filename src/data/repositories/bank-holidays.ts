import type { Db } from './cases.ts';

export async function listBankHolidays(db: Db) {
  return db.selectFrom('bank_holidays').select(['date', 'name', 'source']).orderBy('date').execute();
}

export async function insertBankHolidays(db: Db, holidays: { date: string; name: string; source: string }[]): Promise<number> {
  if (holidays.length === 0) return 0;
  const rows = await db.insertInto('bank_holidays').values(holidays).onConflict((oc) => oc.column('date').doNothing()).returning('date').execute();
  return rows.length;
}

export async function deleteBankHoliday(db: Db, date: string): Promise<number> {
  const rows = await db.deleteFrom('bank_holidays').where('date', '=', date).returning('date').execute();
  return rows.length;
}

/** Open cases with their clock stops, a batch at a time, for recomputing deadlines. */
export async function openCasesForDeadlines(db: Db, afterId: number, limit: number) {
  return db
    .selectFrom('cases as c')
    .select(['c.id', 'c.received_at', 'c.assessment_due_on', 'c.clock_stopped_at'])
    .where('c.closed_at', 'is', null)
    .where('c.id', '>', afterId)
    .orderBy('c.id')
    .limit(limit)
    .execute();
}

export async function clockStopsForCases(db: Db, caseIds: number[]) {
  if (caseIds.length === 0) return [];
  return db.selectFrom('clock_stops').select(['case_id', 'stopped_at', 'restarted_at']).where('case_id', 'in', caseIds).execute();
}
