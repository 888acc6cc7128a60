import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string. When absent, PGlite stores the database in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number;
}

// Both engines must hand the application the same JavaScript types: bigint counts as numbers,
// calendar dates as 'YYYY-MM-DD' strings (never a Date shifted by the process's time zone).
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
const parseBigInt = (value: string) => Number(value);
const keepDate = (value: string) => value;

pg.types.setTypeParser(INT8, parseBigInt);
pg.types.setTypeParser(DATE, keepDate);
pg.types.setTypeParser(NUMERIC, (value: string) => Number(value));

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // A dropped connection (database restarted) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const parsers = { [INT8]: parseBigInt, [DATE]: keepDate, [NUMERIC]: (value: string) => Number(value) };
  // PGlite ignores its options when the data folder argument is undefined, so pass one object.
  const pglite = new PGlite({ dataDir, parsers });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, engine: 'pglite', close: () => db.destroy() };
}

export async function databaseIsUp(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
