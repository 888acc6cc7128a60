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
}
