/**
 * What each benchmarked request sends to the database, captured from the application itself:
 * builds the app in this process over an embedded database with a small generated history, with
 * every query logged, makes each operation's request twice and prints the statements of the second
 * (text and parameters; the first warms the caches, as the benchmark's warm-up does). The plain SQL in bench/plain-sql/ was copied from this output; `--check` compares
 * the two and exits 1 when the application has started sending something else.
 *
 *   node --import tsx bench/capture-sql.ts [--cases 300] [--only case,queue] [--check]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from '../src/data/schema.ts';
import { localFileStore } from '../src/files/file-store.ts';
import { CalendarHolder } from '../src/services/bank-holidays.ts';
import { systemClock } from '../src/services/clock.ts';
import { buildApp } from '../src/web/app.ts';
import { CASEWORKER_EMAIL, INTAKE_EMAIL, latestSignInCode, loadFixtures } from './fixtures.ts';
import { generateHistory, prepareDatabase } from './generate-history.ts';
import { DEMO_PASSWORD } from './history/reference-data.ts';
import { signInComplainant, signInStaff, VIA_PROXY } from './load/browser.ts';
import { operations, type Fixtures, type HttpRequest, type Sessions } from './operations.ts';
import { statementsOf, type NamedStatement } from './plain-sql/run-sql.ts';

export interface Captured {
  sql: string;
  parameters: readonly unknown[];
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim().toLowerCase();

export interface InProcessBench {
  baseUrl: string;
  fixtures: Fixtures;
  sessions: Sessions;
  db: Kysely<Database>;
  /** Statements sent while `capture` runs. */
  capture<T>(work: () => Promise<T>): Promise<{ result: T; statements: Captured[] }>;
}

/**
 * The application in this process over an embedded database (in a temporary folder) holding a
 * small generated history, listening on loopback, with every query it sends logged, and the
 * benchmark's sessions signed in: for capturing statements and for the smoke test.
 */
export async function withInProcessBench<T>(cases: number, work: (bench: InProcessBench) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'redress-capture-'));
  try {
    const captured: Captured[] = [];
    let capturing = false;
    // One database in memory for generating and serving, so it is opened once.
    const pglite = new PGlite({ parsers: { 20: Number, 1082: (v: string) => v, 1700: Number } });
    const db = new Kysely<Database>({
      dialect: new PGliteDialect(pglite),
      log: (event) => {
        if (capturing && event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters });
      },
    });
    const handle = { db, engine: 'pglite' as const, close: () => db.destroy() };
    await prepareDatabase(handle);
    await generateHistory(handle, { cases, referenceDir: process.env.REDRESS_REFERENCE_DIR, onProgress: () => undefined, log: () => undefined });
    const fixtures = await loadFixtures(db, cases, 2);
    const holidays = new CalendarHolder(db);
    await holidays.refresh();
    const app = await buildApp({
      config: { production: true, sessionSecret: 'a-capture-session-secret-of-at-least-32-chars' },
      services: { db, clock: systemClock, calendar: holidays.get, files: localFileStore(join(dir, 'files')) },
      holidays,
      logger: false,
    });
    try {
      const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
      const own = fixtures.complainants.slice(0, 1);
      const sessions: Sessions = {
        caseworkers: [await signInStaff(baseUrl, CASEWORKER_EMAIL, DEMO_PASSWORD)],
        intakes: [await signInStaff(baseUrl, INTAKE_EMAIL, DEMO_PASSWORD)],
        complainants: [],
      };
      for (const person of own) {
        sessions.complainants.push(await signInComplainant(baseUrl, person.email, (email) => latestSignInCode(db, email), `/complaints/${person.reference.replace(/ /g, '')}`));
      }
      await sessions.intakes[0]?.get('/staff/contacts/new');
      return await work({
        baseUrl, fixtures: { ...fixtures, complainants: own }, sessions, db,
        async capture(run) {
          captured.length = 0;
          capturing = true;
          try {
            const result = await run();
            return { result, statements: [...captured] };
          } finally {
            capturing = false;
          }
        },
      });
    } finally {
      await app.close();
      await db.destroy();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sends the n-th request of an operation; returns the status. */
export async function send(baseUrl: string, request: HttpRequest): Promise<number> {
  const response = await fetch(new URL(request.path, baseUrl), { method: request.method, headers: { ...VIA_PROXY, ...request.headers }, body: request.body, redirect: 'manual' });
  await response.arrayBuffer();
  return response.status;
}

/** Statements the server sent for one request of each operation (none for a route not there yet). */
export async function captureStatements(cases: number, only?: string[]): Promise<Map<string, { status: number; statements: Captured[] }>> {
  return withInProcessBench(cases, async (bench) => {
    const found = new Map<string, { status: number; statements: Captured[] }>();
    for (const operation of operations) {
      if (only && !only.includes(operation.key)) continue;
      // Once to warm caches (the public figures are computed once a year and kept), then captured.
      await send(bench.baseUrl, operation.request(0, bench.fixtures, bench.sessions));
      const { result: status, statements } = await bench.capture(() => send(bench.baseUrl, operation.request(1, bench.fixtures, bench.sessions)));
      found.set(operation.key, { status, statements });
    }
    return found;
  });
}

/** Differences between what the server sent and the plain SQL kept for the operation. */
export function compareWithPlainSql(key: string, statements: readonly Captured[], plain: readonly NamedStatement[]): string[] {
  const sent = statements.map((s) => normalise(s.sql));
  const kept = plain.filter((p) => !p.extra).map((p) => normalise(p.sql));
  const problems: string[] = [];
  for (const text of new Set(sent)) if (!kept.includes(text)) problems.push(`${key}: the server sends a statement not in plain-sql/${key}.sql:\n    ${text}`);
  for (const text of new Set(kept)) if (!sent.includes(text)) problems.push(`${key}: plain-sql/${key}.sql has a statement the server no longer sends:\n    ${text}`);
  return problems;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '300' }, only: { type: 'string' }, check: { type: 'boolean', default: false } } });
  const found = await captureStatements(Number(values.cases), values.only?.split(','));
  const problems: string[] = [];
  for (const [key, { status, statements }] of found) {
    if (values.check) {
      const plain = await statementsOf(key).catch(() => null);
      if (plain === null) continue;
      // Statements a request sends only when it comes with a session are kept once, in session.sql.
      const session = (await statementsOf('session')).filter((s) => statements.some((c) => normalise(c.sql) === normalise(s.sql)));
      problems.push(...compareWithPlainSql(key, statements, [...session, ...plain]));
      continue;
    }
    console.log(`\n==== ${key}: HTTP ${status}, ${statements.length} statements`);
    for (const s of statements) console.log(`-- parameters: ${JSON.stringify(s.parameters)}\n${s.sql};`);
  }
  if (values.check) {
    console.log(problems.length ? problems.join('\n') : 'The plain SQL matches what the server sends.');
    if (problems.length) process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
