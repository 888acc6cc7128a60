import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.ts';
import { preparingPool } from './prepared-statements.ts';

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
  /**
   * PostgreSQL: every transaction is read-only (a read replica's connections), so a write sent
   * there by mistake fails at once, in development too, instead of only on the real replica.
   */
  readOnly?: boolean;
  /** PostgreSQL: how long to wait for a new connection before the query fails (default 5 s). */
  connectTimeoutMs?: number;
  /** Told when an idle pooled connection breaks (the server restarted, the network dropped). */
  onConnectionError?: (error: Error) => void;
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

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // Without a limit, a request waits for ever when the database host is unreachable;
      // with one it fails, and the visitor sees "service unavailable" instead of a spinner.
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // A connection that breaks while idle in the pool (the database restarted) emits 'error' on
    // the pool; unhandled, that would crash the process. The pool drops it and the next query
    // opens a new one, so the server recovers by itself when the database is back.
    pool.on('error', (error) => options.onConnectionError?.(error));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir;
  // PGlite is PostgreSQL inside this process: a second process opening the same folder would
  // write over the first one's files and corrupt them, so one process at a time holds it.
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lock = dataDir ? lockDataDir(dataDir) : undefined;
  const parsers = { [INT8]: parseBigInt, [DATE]: keepDate, [NUMERIC]: (value: string) => Number(value) };
  // PGlite ignores its options when the data folder argument is undefined, so pass one object.
  const pglite = new PGlite({ dataDir, parsers });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    engine: 'pglite',
    async close() {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * True when the error says the database cannot be reached (refused, dropped, timed out, shutting
 * down, starting up, out of connections) rather than that the query was wrong: what should be
 * answered with "service unavailable, try again" instead of "there is a problem".
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // Node's socket errors, when connecting or on a live connection.
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(code)) return true;
    // A Unix socket that is not there: the server is stopped.
    if (code === 'ENOENT' && typeof message === 'string' && message.includes('.s.PGSQL.')) return true;
    // PostgreSQL: class 08 (connection exception), shutting down (57P01-57P03), too many connections.
    if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  }
  if (typeof message === 'string') {
    // pg's own wording when a connection ends or cannot be had in time.
    if (/^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/i.test(message)) return true;
  }
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

/** Whether a trivial query succeeds within `timeoutMs`: for /health and readiness checks. */
export async function databaseIsUp(db: Kysely<Database>, timeoutMs = 3_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The embedded database's folder is open in another process that is still running. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (a running \`redress start\` or \`serve\`?). ` +
        'Only one process may open it at a time: stop that one first, or use PostgreSQL (DATABASE_URL) to run several.',
    );
    this.name = 'DataDirInUseError';
  }
}

/** Lock files this process holds: our own process id in a lock file is otherwise a previous life's (a container restarted). */
const heldLocks = new Set<string>();

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `dataDir` for this process with a lock file beside it (`<dataDir>.lock`, holding our
 * process id), so that it is not inside the folder a backup copies. A lock left by a process that
 * has died (killed, crashed) is taken over: PGlite recovers from its write-ahead log on opening.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  const path = `${dataDir.replace(/[\\/]+$/, '')}.lock`;
  if (heldLocks.has(path)) throw new DataDirInUseError(dataDir, process.pid);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(path, 'utf8').trim());
      } catch {
        // Removed meanwhile: try again.
      }
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processIsRunning(holder)) throw new DataDirInUseError(dataDir, holder);
      try {
        unlinkSync(path);
      } catch {
        // Removed meanwhile.
      }
    }
  }
  heldLocks.add(path);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      heldLocks.delete(path);
      try {
        if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}
