import type { Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './data/db.ts';
import { migrateToLatest } from './data/migrate.ts';
import { localFileStore } from './files/file-store.ts';
import type { Logger } from './logger.ts';
import { CalendarHolder, recomputeOpenDeadlines, syncBankHolidays } from './services/bank-holidays.ts';
import { systemClock, type Clock } from './services/clock.ts';
import type { ServiceDeps } from './services/deps.ts';

export interface System {
  database: DatabaseHandle;
  services: ServiceDeps;
  holidays: CalendarHolder;
  close(): Promise<void>;
}

/**
 * Opens the database, brings its schema up to date, loads the bank holidays and builds the
 * services' dependencies: everything `serve`, `worker` and the commands share.
 */
export async function startSystem(config: Config, log: Logger, clock: Clock = systemClock): Promise<System> {
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite` });
  const applied = await migrateToLatest(database.db);
  if (applied.length) log.info({ migrations: applied }, 'database migrated');
  const added = await syncBankHolidays(database.db);
  const holidays = new CalendarHolder(database.db);
  await holidays.refresh({ rebuildTable: added > 0 });
  if (added > 0 && !applied.length) {
    // The maintained list gained holidays since the last start: open cases' deadlines follow.
    const changed = await recomputeOpenDeadlines(database.db, holidays.get(), clock, null);
    log.info({ added, changed }, 'bank holidays updated; deadlines recalculated');
  }
  const services: ServiceDeps = { db: database.db, clock, calendar: holidays.get, files: localFileStore(config.filesDir) };
  return { database, services, holidays, close: () => database.close() };
}
