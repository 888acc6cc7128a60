import { createHash } from 'node:crypto';
import { sql, type PostgresPool, type PostgresPoolClient, type RawBuilder } from 'kysely';
import type pg from 'pg';

/**
 * Prepared statements for the busiest queries on PostgreSQL.
 *
 * Planning a page's small queries costs the database more than running them (the queue page's
 * statement: 2.1 ms to plan, 0.6 ms to run; a case page's nine statements ran 1.4 times as often
 * a second prepared as sent afresh, measured with pgbench -M prepared against -M simple). A named
 * prepared statement is parsed once per connection, and after five runs PostgreSQL keeps a
 * generic plan when it costs no more than the custom ones.
 *
 * Only statements that carry PREPARED_MARK are prepared: a generic plan guesses the selectivity
 * of a parameter it cannot see (a date range becomes half a percent of the rows), which suits a
 * primary-key look-up or a keyset page but can ruin a report over a year. So the choice is made
 * query by query, where the query is written (`prepared` below), not for every statement.
 *
 * PGlite runs in-process and has no wire protocol to save; there the mark is just a comment.
 * Behind PgBouncer in transaction mode named statements need PgBouncer 1.21 or later with
 * max_prepared_statements set (docs/operations.md).
 */
export const PREPARED_MARK = '/* prepared */';

/** The mark as a fragment to end a query with: `query.modifyEnd(preparedStatement())`. */
export function preparedStatement(): RawBuilder<unknown> {
  return sql.raw(` ${PREPARED_MARK}`);
}

/** Anything that can end with a raw fragment: Kysely's select, insert, update and delete builders. */
interface EndModifiable<T> {
  modifyEnd(modifier: RawBuilder<unknown>): T;
}

/** Marks a Kysely query to be sent as a named prepared statement on PostgreSQL. */
export function prepared<T extends EndModifiable<T>>(query: T): T {
  return query.modifyEnd(preparedStatement());
}

/** A statement's name on its connection: the same text always gets the same name. */
export function statementName(text: string): string {
  return `r${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/**
 * Each connection keeps what it prepares until it closes, so a connection prepares at most this
 * many statements; past it, marked statements are sent unprepared (nothing fails, they just plan
 * each time). The application's marked statements are a few dozen.
 */
export const MAX_PREPARED_PER_CONNECTION = 200;

interface ConnectionState {
  /** Statements prepared on the connection, by name. */
  prepared: Set<string>;
  /** Statements whose prepared form stopped fitting the tables (below): sent unprepared from then on. */
  refused: Set<string>;
  inTransaction: boolean;
}

const stateOf = new WeakMap<pg.PoolClient, ConnectionState>();

/**
 * A statement prepared with `select *` fixes its columns; when a migration adds one while the
 * server runs, PostgreSQL refuses to run it again ("cached plan must not change result type").
 * The statement is then sent unprepared on that connection; outside a transaction the query is
 * simply sent again, inside one the transaction has failed and the error goes to its caller.
 */
function isStalePlan(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

function preparingClient(client: pg.PoolClient, limit: number): PostgresPoolClient {
  let state = stateOf.get(client);
  if (!state) {
    state = { prepared: new Set(), refused: new Set(), inTransaction: false };
    stateOf.set(client, state);
  }
  const known = state;
  const plain = (text: unknown, parameters?: readonly unknown[]) => (client.query as (a: unknown, b?: unknown) => unknown)(text, parameters);
  const send = async (textOrCursor: string, parameters?: readonly unknown[]) => {
    if (/^\s*(begin|start transaction)\b/i.test(textOrCursor)) known.inTransaction = true;
    else if (/^\s*(commit|rollback|end)\b/i.test(textOrCursor)) known.inTransaction = false;
    if (!textOrCursor.includes(PREPARED_MARK)) return plain(textOrCursor, parameters);
    const name = statementName(textOrCursor);
    if (known.refused.has(name) || (!known.prepared.has(name) && known.prepared.size >= limit)) return plain(textOrCursor, parameters);
    known.prepared.add(name);
    try {
      return await client.query({ name, text: textOrCursor, values: parameters as unknown[] });
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      known.refused.add(name);
      if (known.inTransaction) throw error;
      return plain(textOrCursor, parameters);
    }
  };
  // A cursor (Kysely's stream()) must come back as it is, not in a promise.
  const query = (textOrCursor: unknown, parameters?: readonly unknown[]) =>
    (typeof textOrCursor === 'string' ? send(textOrCursor, parameters) : plain(textOrCursor, parameters));
  return {
    query: query as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  };
}

/** A pool for Kysely's PostgresDialect whose connections prepare the marked statements. */
export function preparingPool(pool: pg.Pool, limit = MAX_PREPARED_PER_CONNECTION): PostgresPool {
  return {
    connect: async () => preparingClient(await pool.connect(), limit),
    end: () => pool.end(),
  };
}
