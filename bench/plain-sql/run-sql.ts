/**
 * Runs the plain SQL of an operation: the statements kept in bench/plain-sql/<operation>.sql,
 * with the parameters the server would bind for the same request, one after another on one
 * connection. Statement files hold named statements:
 *
 *   -- name: find-case
 *   select ... where c.reference = $1;
 *
 * A statement marked `-- extra` is not sent by the server for this request (it stands in for
 * something the server does another way) and is left out of the capture comparison.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addCalendarDays, calendarDaysBetween, londonDate, londonMidnight } from '../../src/domain/london-time.ts';
import { formatReference } from '../../src/domain/references.ts';
import { lastMonths } from '../../src/services/service-standards-report.ts';
import type { Fixtures } from '../operations.ts';

export interface Queryable {
  query(text: string, params?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** One simulated user's connection, with the session row it reads and writes back on every request. */
export interface SqlWorker extends Queryable {
  sid: string;
}

export interface NamedStatement {
  name: string;
  sql: string;
  extra: boolean;
}

const cache = new Map<string, Promise<Map<string, NamedStatement>>>();

function parse(text: string): Map<string, NamedStatement> {
  const statements = new Map<string, NamedStatement>();
  let current: NamedStatement | undefined;
  for (const line of text.split('\n')) {
    const named = /^--\s*name:\s*([\w-]+)(\s+extra)?\s*$/.exec(line);
    if (named?.[1]) {
      current = { name: named[1], sql: '', extra: Boolean(named[2]) };
      statements.set(current.name, current);
    } else if (current && !/^\s*--/.test(line)) {
      current.sql += `${line}\n`;
    }
  }
  for (const statement of statements.values()) statement.sql = statement.sql.trim().replace(/;$/, '');
  return statements;
}

async function load(key: string): Promise<Map<string, NamedStatement>> {
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = readFile(join(import.meta.dirname, `${key}.sql`), 'utf8').then(parse);
    cache.set(key, loaded);
  }
  return loaded;
}

export async function statementsOf(key: string): Promise<NamedStatement[]> {
  return [...(await load(key)).values()];
}

/** Runs the named statement of an operation's file. */
export async function runStatement(db: Queryable, key: string, name: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
  const statement = (await load(key)).get(name);
  if (!statement) throw new Error(`bench/plain-sql/${key}.sql has no statement named ${name}`);
  return (await db.query(statement.sql, params)).rows;
}


// ---------------------------------------------------------------------------------------------
// Each operation's statements, in the order the server sends them (parallel reads one after another)

const EIGHT_HOURS = 8 * 3_600_000;
/** A session as @fastify/session stores it, about the size of the real ones. */
export function sessionData(extra: Record<string, unknown>): string {
  const expires = new Date(Date.now() + EIGHT_HOURS).toISOString();
  return JSON.stringify({
    cookie: { expires, originalMaxAge: EIGHT_HOURS, originalExpires: expires, sameSite: 'lax', secure: true, path: '/', httpOnly: true, domain: null },
    _csrf: 'bench-csrf-secret-0000000', ...extra,
  });
}

/** Whom each worker's session row names, so the session read joins the caseworker as the server's does. */
const signedInAs = new WeakMap<SqlWorker, number | undefined>();

/** The session, with the signed-in caseworker it names read in the same statement. */
async function startRequest(db: SqlWorker, staffId?: number): Promise<void> {
  if (staffId !== undefined && signedInAs.get(db) !== staffId) {
    // Once per worker (in the warm-up): the row as signing in leaves it.
    await runStatement(db, 'session', 'write-session', [db.sid, sessionData({ staffId }), new Date(Date.now() + EIGHT_HOURS)]);
    signedInAs.set(db, staffId);
  }
  await runStatement(db, 'session', 'read-session', [db.sid, new Date()]);
}

/** The session written back: only when the request changed it (a flash message, signing in), as the server does. */
async function endRequest(db: SqlWorker, extra: Record<string, unknown>): Promise<void> {
  signedInAs.set(db, typeof extra.staffId === 'number' ? extra.staffId : undefined);
  await runStatement(db, 'session', 'write-session', [db.sid, sessionData(extra), new Date(Date.now() + EIGHT_HOURS)]);
}

async function inTransaction(db: SqlWorker, key: string, work: () => Promise<void>, names = { begin: 'begin', commit: 'commit' }): Promise<void> {
  await runStatement(db, key, names.begin);
  try {
    await work();
    await runStatement(db, key, names.commit);
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
}

const idOf = (rows: Record<string, unknown>[], what: string): number => {
  const id = rows[0]?.id ?? rows[0]?.last_value;
  if (id === undefined || id === null) throw new Error(`No ${what} came back`);
  return Number(id);
};

/** The same searches the server makes for what a caseworker typed (services/queues.ts search). */
const prefix = (text: string) => `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const midnight = (date: string) => londonMidnight(date).toISOString();

/** Plan years (April to March, named by their first year) from this one back to the history's first, newest first. */
function planYearsBack(first: number): number[] {
  const today = londonDate(new Date());
  const current = Number(today.slice(0, 4)) - (today.slice(5, 7) < '04' ? 1 : 0);
  return Array.from({ length: Math.max(0, current - first + 1) }, (_, k) => current - k);
}
/** The public statistics cache's keys, as services/body-statistics.ts names them. */
const yearKey = (year: number) => `body-statistics:v1:year:${year}`;
const bodyKey = (year: number, code: string) => `body-statistics:v1:body:${year}:${code}`;
/** The history starts in April 2016 (bench/generate-history.ts). */
const FIRST_PLAN_YEAR = 2016;

async function councilFigures(db: SqlWorker, key: 'council' | 'council-json', f: Fixtures, council: { id: number; code: string }) {
  const years = planYearsBack(FIRST_PLAN_YEAR);
  const found = await runStatement(db, key, 'find-body', [council.code]);
  if (!found.length) throw new Error(`No body ${council.code}`);
  await runStatement(db, key, 'first-case');
  await runStatement(db, key, 'years-computed', years.map(yearKey));
  await runStatement(db, key, 'body-figures', years.map((y) => bodyKey(y, council.code)));
  await runStatement(db, key, 'years-computed', years.map(yearKey));
  await runStatement(db, key, 'annual-letter', [council.id, f.year]);
  await runStatement(db, key, 'year-figures', years.map(yearKey));
}

export const plainSql = {
  async queue(db: SqlWorker, f: Fixtures) {
    await startRequest(db, f.caseworkerId);
    await runStatement(db, 'queue', 'queue-page', ['assessment', 'assessment', 'assessment', 'assessment', 26]);
  },

  async casePage(db: SqlWorker, f: Fixtures, reference: string) {
    await startRequest(db, f.caseworkerId);
    const id = idOf(await runStatement(db, 'case', 'find-case', [reference]), 'case');
    for (const name of ['case-bodies', 'case-events', 'case-decisions', 'case-remedies', 'case-enquiries', 'case-documents', 'case-clock-stops', 'joint-working', 'unread-messages']) {
      await runStatement(db, 'case', name, [id]);
    }
  },

  async searchByReference(db: SqlWorker, f: Fixtures, reference: string) {
    await startRequest(db, f.caseworkerId);
    await runStatement(db, 'search-reference', 'search-by-reference', [reference, 50]);
  },

  async searchByName(db: SqlWorker, f: Fixtures, name: string) {
    await startRequest(db, f.caseworkerId);
    const like = prefix(name);
    await runStatement(db, 'search-name', 'search-by-name', [like, like, like, 50]);
  },

  async registerComplaint(db: SqlWorker, f: Fixtures, n: number) {
    await startRequest(db, f.intakeId);
    const now = new Date();
    const today = londonDate(now);
    const received = londonMidnight(today);
    const bodyId = f.councils[n % f.councils.length]?.id ?? 1;
    const summary = 'Complains that the council did not reply to letters about a housing repair.';
    await runStatement(db, 'register', 'known-bodies', [bodyId]);
    const year = Number(today.slice(0, 4));
    let sequence = 0;
    await inTransaction(db, 'register', async () => {
      await runStatement(db, 'register', 'asynchronous-commit');
      sequence = idOf(await runStatement(db, 'register', 'next-reference', [year, 1]), 'reference');
    }, { begin: 'begin-number', commit: 'commit-number' });
    await inTransaction(db, 'register', async () => {
      const personId = idOf(await runStatement(db, 'register', 'insert-person', [`Bench SQL Complainant ${n}`, `bench.sql.${n}@example.com`, '07700 900123', null, null, 'email']), 'person');
      const contactId = idOf(await runStatement(db, 'register', 'insert-contact', ['phone', received, now, 'case-created', personId, bodyId, summary, f.intakeId]), 'contact');
      const reference = formatReference(year, sequence);
      const caseId = idOf(await runStatement(db, 'register', 'insert-case', [
        reference, contactId, received, now, personId, null, 'Housing', 'Allocations', 'local-government', 'assessment', 'assessment', addCalendarDays(today, 28), summary,
      ]), 'case');
      await runStatement(db, 'register', 'insert-case-bodies', [caseId, bodyId]);
      await runStatement(db, 'register', 'insert-event', [caseId, 'case-registered', now, f.intakeId,
        JSON.stringify({ channel: 'phone', receivedAt: received.toISOString(), category: 'Housing', subcategory: 'Allocations', jurisdiction: 'local-government', bodyIds: [bodyId] }), summary]);
      await runStatement(db, 'register', 'people-names', [personId]);
      await runStatement(db, 'register', 'person-contact', [personId]);
      const notificationId = idOf(await runStatement(db, 'register', 'insert-notification', [caseId, personId, 'email', `bench.sql.${n}@example.com`, 'case-received',
        JSON.stringify({ name: `Bench SQL Complainant ${n}`, reference, respondBy: addCalendarDays(today, 28) }), now]), 'notification');
      await runStatement(db, 'register', 'insert-job', ['send-notification', JSON.stringify({ notificationId }), now, now, 5]);
    });
  },

  async portalMessage(db: SqlWorker, own: Fixtures['complainants'][number], n: number) {
    await startRequest(db);
    const found = await runStatement(db, 'message', 'own-case', [own.email, own.email, own.email, own.email, own.reference]);
    const caseId = idOf(found, 'case of the complainant');
    const now = new Date();
    const text = `Message ${n}: I have found more letters from the council about this.`;
    await runStatement(db, 'message', 'insert-message-and-event', [caseId, own.personId, now, text, caseId, now, own.personId, 'complainant', text]);
    await endRequest(db, { portalEmail: own.email, portalSeenAt: now.getTime(), portalFlash: 'Your message has been sent' });
  },

  /** The council's page for the year: its figures, the year's for comparison, its annual letter. */
  async council(db: SqlWorker, f: Fixtures, council: { id: number; code: string }) {
    await councilFigures(db, 'council', f, council);
  },

  /** The same data as JSON (the route checks the year is published first). */
  async councilJson(db: SqlWorker, f: Fixtures, council: { id: number; code: string }) {
    await runStatement(db, 'council-json', 'first-case');
    await councilFigures(db, 'council-json', f, council);
  },

  async map(db: SqlWorker, f: Fixtures) {
    await runStatement(db, 'map', 'first-case');
    await runStatement(db, 'map', 'boundaries-summary');
    await runStatement(db, 'map', 'councils', ['council']);
    await runStatement(db, 'map', 'years-computed', [yearKey(f.year)]);
  },

  async openDataCsv(db: SqlWorker, f: Fixtures) {
    await runStatement(db, 'open-data-csv', 'first-case');
    await runStatement(db, 'open-data-csv', 'years-computed', [yearKey(f.year)]);
  },

  /** The plan year's report (fixtures.year), then the page's 12-month trend and channel mix as of today. */
  async standards(db: SqlWorker, f: Fixtures) {
    await startRequest(db, f.caseworkerId);
    const from = `${f.year}-04-01`;
    const to = `${f.year + 1}-03-31`;
    const days = calendarDaysBetween(from, to) + 1;
    const previousFrom = addCalendarDays(from, -days);
    const [S, S1, E, P] = [midnight(from), midnight(addCalendarDays(from, 1)), midnight(addCalendarDays(to, 1)), midnight(previousFrom)];
    const now = new Date();
    const today = londonDate(now);
    await runStatement(db, 'standards', 'standards-configuration');
    await runStatement(db, 'standards', 'calls', [S, E]);
    await runStatement(db, 'standards', 'written-contacts', [now, from, to, from, to]);
    await runStatement(db, 'standards', 'twenty-working-days', [today, from, to, from, to]);
    await runStatement(db, 'standards', 'closures', [from, to, from, to]);
    await runStatement(db, 'standards', 'peak-and-joint', [E, S, S1, E, S, from, days, from, days, days, P, E, P, E,
      S, E, S, E, P, S, P, S, S, E, S, E, P, S, P, S]);
    await runStatement(db, 'standards', 'standards-configuration');
    const months = lastMonths(today, 12);
    for (const month of months) await runStatement(db, 'standards', 'twenty-working-days', [today, month.from, month.to, month.from, month.to]);
    const first = months[0];
    const last = months.at(-1);
    if (first && last) await runStatement(db, 'standards', 'contacts-by-month', [midnight(first.from), midnight(addCalendarDays(last.to, 1))]);
  },
};
