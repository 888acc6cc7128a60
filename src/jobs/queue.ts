import type { Db } from '../data/repositories/cases.ts';

/** Adds a job to the database queue, inside the caller's transaction so it exists only if the work committed. */
export async function enqueueJob(db: Db, kind: string, payload: Record<string, unknown>, runAt: Date, maxAttempts = 5): Promise<number> {
  const row = await db
    .insertInto('jobs')
    .values({ kind, payload: JSON.stringify(payload), run_at: runAt, created_at: runAt, max_attempts: maxAttempts })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Deletes jobs that finished (done or failed for good) before `before`; returns how many. */
export async function deleteFinishedJobsBefore(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where((eb) => eb.or([eb('done_at', '<', before), eb('failed_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
