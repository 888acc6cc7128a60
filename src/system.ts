import { sql } from 'kysely';
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
  /** The read replica (DATABASE_READ_URL) when there is one: `services.readDb` is its handle. */
  readReplica: DatabaseHandle | undefined;
  services: ServiceDeps;
  holidays: CalendarHolder;
  /** Closes every connection; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Opens the database, brings its schema up to date, loads the bank holidays and builds the
 * services' dependencies: everything `serve`, `worker` and the commands share.
 */
export async function startSystem(config: Config, log: Logger, clock: Clock = systemClock): Promise<System> {
  const connectionLost = (which: string) => (error: Error) =>
    log.warn({ database: which, error: error.message }, 'a pooled database connection broke; the next query opens a new one');
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite`,
    poolSize: config.databasePoolSize,
    onConnectionError: connectionLost('primary'),
  });
  // Reports and public statistics may read from a replica, which can lag the primary a little;
  // everything else uses the primary. Its connections are read-only, so a write sent there by
  // mistake fails at once.
  const readReplica = config.databaseReadUrl
    ? openDatabase({ databaseUrl: config.databaseReadUrl, poolSize: config.databasePoolSize, readOnly: true, onConnectionError: connectionLost('read replica') })
    : undefined;
  const close = async () => {
    await Promise.allSettled([readReplica?.close(), database.close()]);
  };
  try {
    const holidays = await prepareDatabase(database, clock, log);
    if (readReplica) log.info('reports and public statistics read from the read replica (DATABASE_READ_URL)');
    const services: ServiceDeps = {
      db: database.db,
      clock,
      calendar: holidays.get,
      files: localFileStore(config.filesDir),
      ...(readReplica ? { readDb: readReplica.db } : {}),
    };
    let closing: Promise<void> | undefined;
    return { database, readReplica, services, holidays, close: () => (closing ??= close()) };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Migrates, loads the maintained bank holidays and returns the working-day calendar. Copies
 * starting together (several `serve` and `worker` processes on a new database) take turns: the
 * migrator locks by itself, and the holiday list and calendar table are filled under an advisory
 * lock, so the second copy finds them done instead of filling them again beside the first.
 */
async function prepareDatabase(database: DatabaseHandle, clock: Clock, log: Logger): Promise<CalendarHolder> {
  const applied = await migrateToLatest(database.db);
  if (applied.length) log.info({ migrations: applied }, 'database migrated');
  await database.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('redress:start-up'))`.execute(connection);
    try {
      const added = await syncBankHolidays(connection);
      const calendar = new CalendarHolder(connection);
      await calendar.refresh({ rebuildTable: added > 0 });
      if (added > 0 && !applied.length) {
        // The maintained list gained holidays since the last start: open cases' deadlines follow.
        const changed = await recomputeOpenDeadlines(connection, calendar.get(), clock, null);
        log.info({ added, changed }, 'bank holidays updated; deadlines recalculated');
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtext('redress:start-up'))`.execute(connection);
    }
  });
  const holidays = new CalendarHolder(database.db);
  await holidays.refresh({ rebuildTable: false });
  return holidays;
}
