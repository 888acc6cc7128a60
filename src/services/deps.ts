import type { Kysely } from 'kysely';
import type { Database } from '../data/schema.ts';
import type { WorkingDayCalendar } from '../domain/working-days.ts';
import type { Clock } from './clock.ts';
import type { FileStore } from '../files/file-store.ts';

/** What every use case may need, passed in so tests control time, files and the database. */
export interface ServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** The current working-day calendar; changes when the bank-holiday list does. */
  calendar: () => WorkingDayCalendar;
  files: FileStore;
  /**
   * Where reports and public statistics read from: a PostgreSQL read replica when
   * DATABASE_READ_URL is set; otherwise absent, and they read from `db`.
   */
  readDb?: Kysely<Database>;
}

/** The database to read reports and public statistics from (the replica when there is one). */
export function readerOf(deps: Pick<ServiceDeps, 'db' | 'readDb'>): Kysely<Database> {
  return deps.readDb ?? deps.db;
}
