/**
 * `npm run bench`: the whole system under load, each operation beside the same statements run
 * directly in SQL, on the same database in the same run. See bench/README.md.
 *
 *   npm run bench -- [--cases 1000000] [--duration 10] [--warmup 2] [--connections 50] [--only case,queue]
 *                    [--database-url URL | (DATABASE_URL) | --data-dir DIR] [--fresh] [--no-save] [--note TEXT]
 *
 * With a PostgreSQL URL (--database-url, else DATABASE_URL) the server and the SQL side share
 * the database, and each operation is measured in SQL, then over HTTP, one after the other.
 * Without one, the database is embedded (PGlite in a folder of its own); only one process may
 * open it at a time, so the benchmark generates the history and runs every operation's SQL
 * itself first, closes it, and then starts the server on the same folder for the HTTP side.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/data/db.ts';
import { CASEWORKER_EMAIL, INTAKE_EMAIL, loadFixtures } from './fixtures.ts';
import { DEFAULT_CASES, DEFAULT_SEED, generateHistory, historyMatches, prepareDatabase, resetToGenerated, type GeneratedHistory } from './generate-history.ts';
import { historyFigures } from './history/figures.ts';
import { DEMO_PASSWORD } from './history/reference-data.ts';
import { BenchBrowser, signInComplainant, signInStaff } from './load/browser.ts';
import { httpLoad, settle } from './load/http-load.ts';
import { buildServer, ROOT, startServer, type RunningServer } from './load/server.ts';
import { sqlLoad } from './load/sql-load.ts';
import { describeWaits, sampleWaits } from './load/waits.ts';
import type { LoadResult } from './load/stats.ts';
import { operations, type Fixtures, type Operation, type Sessions } from './operations.ts';
import { runStatement, sessionData, type SqlWorker } from './plain-sql/run-sql.ts';
import { PREPARED_MARK, statementName } from '../src/data/prepared-statements.ts';
import { loadAverage, machineFacts, saveRecord, tableLines, type Machine, type Row, type Target } from './report.ts';

const started = performance.now();
const say = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
const fmt = (n: number) => n.toLocaleString('en-GB');
const exec = promisify(execFile);

interface Options {
  cases: number;
  seed: number;
  duration: number;
  warmup: number;
  connections: number;
  only: string[] | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  fresh: boolean;
  save: boolean;
  note: string | undefined;
  sweep: boolean;
  /** Requests per second for the paced run of the quick pages (50 users each asking every 2 s); 0: none. */
  pacedRate: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: String(DEFAULT_CASES) },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '50' },
      only: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      'no-save': { type: 'boolean', default: false },
      'no-sweep': { type: 'boolean', default: false },
      'paced-rate': { type: 'string', default: '25' },
      note: { type: 'string' },
    },
  });
  const number = (name: string, text: string, min: number) => {
    const n = Number(text.replace(/[_,]/g, ''));
    if (!Number.isFinite(n) || n < min) throw new RangeError(`--${name} must be a number, at least ${min}`);
    return n;
  };
  const cases = Math.trunc(number('cases', values.cases, 1));
  const smoke = cases <= 100_000;
  const databaseUrl = values['database-url'] ?? (process.env.DATABASE_URL || undefined);
  if (databaseUrl) {
    const name = new URL(databaseUrl).pathname.slice(1);
    if (['postgres', 'test', 'template0', 'template1', ''].includes(name)) throw new Error(`Use a database of the benchmark's own (such as redress_bench), not "${name}"`);
  }
  return {
    cases,
    seed: Math.trunc(number('seed', values.seed, 0)),
    duration: number('duration', values.duration ?? (smoke ? '2' : '10'), 0.5),
    warmup: number('warmup', values.warmup ?? (smoke ? '1' : '2'), 0),
    connections: Math.trunc(number('connections', values.connections, 1)),
    only: values.only?.split(',').map((s) => s.trim()),
    databaseUrl,
    dataDir: values['data-dir'] ?? join(os.tmpdir(), `redress-bench-${cases}`),
    fresh: values.fresh,
    save: !values['no-save'],
    note: values.note,
    sweep: !values['no-sweep'],
    pacedRate: number('paced-rate', values['paced-rate'], 0),
  };
}

/** Creates the benchmark's PostgreSQL database when it does not exist yet. */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (!exists) {
      say(`creating database ${name}`);
      await admin.query(`create database "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await admin.end();
  }
}

/** Reuses the history when it matches (removing what earlier runs added), else generates it. */
async function prepareHistory(handle: DatabaseHandle, opts: Options): Promise<GeneratedHistory | null> {
  await prepareDatabase(handle);
  if (!opts.fresh && (await historyMatches(handle, { cases: opts.cases, seed: opts.seed }))) {
    say(`reusing the ${fmt(opts.cases)} generated cases already there (removing what earlier runs added)`);
    await resetToGenerated(handle);
    await sql`analyze`.execute(handle.db);
    return null;
  }
  say(`generating ${fmt(opts.cases)} cases`);
  return generateHistory(handle, { cases: opts.cases, seed: opts.seed, referenceDir: REFERENCE_DIR });
}

/** Councils' names and boundaries: REDRESS_REFERENCE_DIR, else the copy beside the project (../shared/data) when there is one. */
const REFERENCE_DIR = process.env.REDRESS_REFERENCE_DIR ?? join(ROOT, '..', 'shared', 'data');

/** True when real councils are loaded but their boundaries are not (the map would have nothing to draw). */
async function boundariesMissing(handle: DatabaseHandle): Promise<boolean> {
  const row = (await sql<{ boundaries: number; councils: number }>`
    select (select count(*) from body_boundaries)::int as boundaries,
           (select count(*) from bodies where kind = 'council' and not fictional)::int as councils`.execute(handle.db)).rows[0];
  return (row?.boundaries ?? 0) === 0 && (row?.councils ?? 0) > 0;
}

/** Loads the boundaries with the application's own command (the database must not be open here: PGlite allows one process). */
async function importBoundaries(opts: Options): Promise<void> {
  say('loading council boundaries for the map (redress import boundaries)');
  const env = { ...process.env, REDRESS_REFERENCE_DIR: REFERENCE_DIR, LOG_LEVEL: 'warn', ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATABASE_URL: '', DATA_DIR: opts.dataDir }) };
  await exec(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'import', 'boundaries'], { cwd: ROOT, env }).catch((error: unknown) => {
    say(`the boundaries could not all be loaded (the map draws what it has): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  });
}

async function databaseFacts(handle: DatabaseHandle): Promise<Machine['database']> {
  const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(handle.db)).rows[0]?.v;
  if (handle.engine === 'pglite') return { engine: 'pglite', version };
  const names = ['shared_buffers', 'work_mem', 'max_connections', 'synchronous_commit', 'max_parallel_workers_per_gather', 'jit', 'effective_cache_size'];
  const settings = await sql<{ name: string; setting: string }>`select name, current_setting(name) as setting from pg_settings where name in (${sql.join(names)})`.execute(handle.db);
  return { engine: 'postgres', version, settings: Object.fromEntries(settings.rows.map((s) => [s.name, s.setting])) };
}

// ---------------------------------------------------------------------------------------------
// The SQL side

interface SqlSide {
  workers: SqlWorker[];
  exclusive: boolean;
  close(): Promise<void>;
}

async function openSqlSide(opts: Options, count: number): Promise<SqlSide> {
  let workers: SqlWorker[];
  let close: () => Promise<void>;
  if (opts.databaseUrl) {
    const clients = await Promise.all(Array.from({ length: count }, async () => {
      const client = new pg.Client({ connectionString: opts.databaseUrl });
      await client.connect();
      return client;
    }));
    workers = clients.map((client, k) => Object.assign(Object.create(null) as object, {
      sid: `bench-sql-${k}`,
      // The statements the application prepares (PREPARED_MARK) are prepared here too, as it does.
      query: (text: string, params?: readonly unknown[]) => (text.includes(PREPARED_MARK)
        ? client.query({ name: statementName(text), text, values: params as unknown[] })
        : client.query(text, params as unknown[])),
    }) as SqlWorker);
    close = async () => {
      await Promise.all(clients.map((c) => c.end()));
    };
  } else {
    const pglite = new PGlite({ dataDir: join(opts.dataDir, 'pglite'), parsers: { 20: Number, 1082: (v: string) => v, 1700: Number } });
    workers = Array.from({ length: count }, (_, k) => ({
      sid: `bench-sql-${k}`,
      query: async (text: string, params?: readonly unknown[]) => pglite.query<Record<string, unknown>>(text, params as unknown[]),
    }));
    close = () => pglite.close();
  }
  // Each simulated user's session row, as the server would have after signing in.
  for (const worker of workers) await runStatement(worker, 'session', 'write-session', [worker.sid, sessionData({}), new Date(Date.now() + 8 * 3_600_000)]);
  return { workers, exclusive: !opts.databaseUrl, close };
}

async function measureSql(side: SqlSide, operation: Operation, fixtures: Fixtures, opts: Options): Promise<LoadResult | null> {
  const sqlRun = operation.sql;
  if (!sqlRun) return null;
  const workers = side.workers.slice(0, operation.concurrency ?? opts.connections);
  return sqlLoad({ workers, duration: opts.duration, warmup: opts.warmup, exclusive: side.exclusive, run: (worker, n) => sqlRun(worker, n, fixtures) });
}

// ---------------------------------------------------------------------------------------------
// The HTTP side

/** Reads a complainant's sign-in code from the outbox page (the local outbox keeps every email). */
async function codeFromOutbox(caseworker: BenchBrowser, email: string): Promise<string> {
  const page = await caseworker.get('/staff/outbox');
  for (const card of page.text.split('govuk-summary-card"').slice(1)) {
    if (!card.includes(email) || !card.includes('sign-in-code')) continue;
    const code = /\b(\d{6})\b/.exec(card.slice(card.indexOf('Text')))?.[1];
    if (code) return code;
  }
  throw new Error(`No sign-in code for ${email} in the outbox`);
}

/**
 * A session for every simulated user, as each person would have: the demo assessor and intake
 * officer signed in `users` times each, and a complainant per user (up to the fixtures'), each from
 * an address of its own (sign-in attempts are limited per address).
 */
async function signIn(baseUrl: string, fixtures: Fixtures, users: number): Promise<Sessions> {
  const address = (k: number) => `10.77.${Math.floor(k / 250)}.${(k % 250) + 1}`;
  const caseworkers: BenchBrowser[] = [];
  const intakes: BenchBrowser[] = [];
  for (let k = 0; k < users; k++) {
    caseworkers.push(await signInStaff(baseUrl, CASEWORKER_EMAIL, DEMO_PASSWORD, address(k)));
    const intake = await signInStaff(baseUrl, INTAKE_EMAIL, DEMO_PASSWORD, address(users + k));
    await intake.get('/staff/contacts/new');
    intakes.push(intake);
  }
  const reader = caseworkers[0] as BenchBrowser;
  const complainants: BenchBrowser[] = [];
  for (const [k, person] of fixtures.complainants.slice(0, users).entries()) {
    complainants.push(await signInComplainant(baseUrl, person.email, (email) => codeFromOutbox(reader, email), `/complaints/${person.reference.replace(/ /g, '')}`, address(2 * users + k)));
  }
  return { caseworkers, intakes, complainants };
}

/** null when the route answers 404: built by someone else, not there yet. */
async function available(baseUrl: string, operation: Operation, fixtures: Fixtures, sessions: Sessions): Promise<boolean> {
  if (operation.request(0, fixtures, sessions).method !== 'GET') return true;
  const request = operation.request(0, fixtures, sessions);
  const response = await fetch(new URL(request.path, baseUrl), { headers: { 'x-forwarded-proto': 'https', ...request.headers }, redirect: 'manual' });
  await response.arrayBuffer();
  return response.status !== 404;
}

/**
 * Requests every distinct page a public operation will rotate through, once, one at a time: the
 * server computes and caches figures and rendered pages on first request, and the benchmark
 * measures the steady state (a warm-up of a few seconds would not reach every council).
 */
async function warmPublicPages(baseUrl: string, operation: Operation, fixtures: Fixtures): Promise<number> {
  const paths = new Set<string>();
  for (let n = 0; n < Math.max(1, fixtures.councils.length); n++) paths.add(operation.request(n, fixtures, {} as Sessions).path);
  for (const path of paths) {
    const response = await fetch(new URL(path, baseUrl), { headers: { 'x-forwarded-proto': 'https' } });
    await response.arrayBuffer();
  }
  return paths.size;
}

async function measureHttp(server: RunningServer, operation: Operation, fixtures: Fixtures, sessions: Sessions, opts: Options, connections?: number, duration?: number, overallRate?: number): Promise<LoadResult> {
  await settle(server.url);
  return httpLoad({
    baseUrl: server.url, connections: connections ?? operation.concurrency ?? opts.connections, duration: duration ?? opts.duration, warmup: opts.warmup,
    expect: operation.expect, next: (n, user) => operation.request(n, fixtures, sessions, user), overallRate,
  });
}

// ---------------------------------------------------------------------------------------------
// Targets (issue 7), judged on 1,000,000 cases on PostgreSQL; shown for any run

const FAST = new Set(['queue', 'case', 'search-reference', 'search-name']);

function targetOf(key: string, ours: LoadResult | null, sqlSide: LoadResult | null, rows: Map<string, Row>, registerMax: number | null): Target | undefined {
  const half = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : a >= b / 2);
  const both = (...checks: (boolean | null)[]) => (checks.some((c) => c === false) ? false : checks.some((c) => c === null) ? null : true);
  if (!ours) return undefined;
  if (FAST.has(key)) return { text: 'p95 < 50 ms; ≥ ½ SQL', met: both(ours.p95 < 50, half(ours.rps, sqlSide?.rps)) };
  if (key === 'register') return { text: '> 300/s', met: (registerMax ?? ours.rps) > 300 };
  if (key === 'standards') return { text: 'p95 < 1 s', met: ours.p95 < 1000 };
  if (key === 'council') return { text: '≥ ½ JSON', met: half(ours.rps, rows.get('council-json')?.ours?.rps) };
  if (sqlSide) return { text: '≥ ½ SQL', met: half(ours.rps, sqlSide.rps) };
  return undefined;
}

// ---------------------------------------------------------------------------------------------

async function pgbenchTps(databaseUrl: string, opts: Options): Promise<{ tps: number; command: string } | null> {
  const candidates = ['pgbench', ...['17', '16', '15', '14'].map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`)];
  let binary: string | undefined;
  for (const candidate of candidates) {
    if (await exec(candidate, ['--version']).then(() => true, () => false)) {
      binary = candidate;
      break;
    }
  }
  if (!binary) return null;
  const url = new URL(databaseUrl);
  url.pathname = `${url.pathname}_pgbench`;
  await ensureDatabase(url.toString());
  say('pgbench: initialising (scale 10), then read-write (TPC-B-like) with the same connections');
  await exec(binary, ['-i', '-q', '-s', '10', '--no-vacuum', url.toString()]).catch(async () => exec(binary, ['-i', '-q', '-s', '10', url.toString()]));
  const args = ['-n', '-c', String(opts.connections), '-j', String(Math.min(opts.connections, os.cpus().length)), '-T', String(Math.max(3, Math.round(opts.duration))), url.toString()];
  const { stdout } = await exec(binary, args);
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  return Number.isFinite(tps) ? { tps, command: `pgbench ${args.slice(0, -1).join(' ')}` } : null;
}

async function main(): Promise<void> {
  const opts = options();
  const loadStart = loadAverage();
  const facts = machineFacts(ROOT);
  say(`${facts.cpus} cores, load average ${loadStart.join(' ')}; ${fmt(opts.cases)} cases on ${opts.databaseUrl ? 'PostgreSQL' : `PGlite in ${opts.dataDir}`}`);
  const selected = operations.filter((o) => !opts.only || opts.only.includes(o.key));
  mkdirSync(opts.dataDir, { recursive: true });
  const logFile = join(opts.dataDir, 'server.log');

  if (opts.databaseUrl) await ensureDatabase(opts.databaseUrl);
  const handle = openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.databaseUrl ? undefined : join(opts.dataDir, 'pglite'), poolSize: 4 });
  let generated: GeneratedHistory | null;
  let fixtures: Fixtures;
  let figures: unknown;
  let database: Machine['database'];
  let needsBoundaries: boolean;
  try {
    generated = await prepareHistory(handle, opts);
    fixtures = await loadFixtures(handle.db, opts.cases, opts.connections);
    figures = await historyFigures(handle.db);
    database = await databaseFacts(handle);
    needsBoundaries = await boundariesMissing(handle);
  } finally {
    await handle.close();
  }
  if (needsBoundaries) await importBoundaries(opts);
  const build = await buildServer(say);
  say(`server: ${build.note}`);

  const rows = new Map<string, Row>();
  const serverEnv: Record<string, string> = opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATA_DIR: opts.dataDir };
  const needed = Math.max(...selected.map((o) => o.concurrency ?? opts.connections));
  let sqlResults = new Map<string, LoadResult | null>();
  let loadBeforeMeasuring = loadAverage();
  let registerSweep: { connections: number; rps: number; p95: number; errors: number }[] = [];
  let server: RunningServer | undefined;
  try {
    if (!opts.databaseUrl) {
      // Embedded: the server first, briefly, to compute and cache the public figures as the HTTP
      // side's warm-up would; then the SQL side alone with the database; then the server again.
      say('warming the public figures (the server computes and caches them on first request)');
      const warming = await startServer({ mode: build.mode, env: serverEnv, logFile });
      try {
        for (const operation of selected.filter((o) => o.public)) {
          if (await available(warming.url, operation, fixtures, {} as Sessions)) await warmPublicPages(warming.url, operation, fixtures);
        }
      } finally {
        await warming.stop();
      }
      const side = await openSqlSide(opts, needed);
      loadBeforeMeasuring = loadAverage();
      try {
        for (const operation of selected) {
          say(`SQL: ${operation.label}`);
          sqlResults.set(operation.key, await measureSql(side, operation, fixtures, opts));
        }
      } finally {
        await side.close();
      }
    }
    say(`starting the server (${build.mode}, NODE_ENV=production, 127.0.0.1)`);
    server = await startServer({ mode: build.mode, env: serverEnv, logFile });
    say(`signing in ${needed} caseworkers, ${needed} intake officers and ${Math.min(needed, fixtures.complainants.length)} complainants`);
    const sessions = await signIn(server.url, fixtures, needed);
    const side = opts.databaseUrl ? await openSqlSide(opts, needed) : undefined;
    if (opts.databaseUrl) loadBeforeMeasuring = loadAverage();
    try {
      for (const operation of selected) {
        if (!(await available(server.url, operation, fixtures, sessions))) {
          say(`${operation.label}: not available yet (404)`);
          rows.set(operation.key, { key: operation.key, label: operation.label, ours: null, sql: null, note: 'route answers 404' });
          continue;
        }
        if (operation.public) say(`${operation.label}: ${await warmPublicPages(server.url, operation, fixtures)} pages requested once to warm the server's caches`);
        if (side) {
          say(`SQL: ${operation.label}`);
          sqlResults.set(operation.key, await measureSql(side, operation, fixtures, opts));
        }
        say(`HTTP: ${operation.label}`);
        const sampler = opts.databaseUrl ? await sampleWaits(opts.databaseUrl) : undefined;
        const ours = await measureHttp(server, operation, fixtures, sessions, opts);
        const waits = sampler ? describeWaits(await sampler.stop()) : undefined;
        let paced: LoadResult | undefined;
        if (FAST.has(operation.key) && opts.pacedRate > 0) {
          say(`HTTP: ${operation.label}, paced at ${opts.pacedRate} requests/s`);
          paced = await measureHttp(server, operation, fixtures, sessions, opts, opts.connections, undefined, opts.pacedRate);
        }
        rows.set(operation.key, { key: operation.key, label: operation.label, ours, sql: sqlResults.get(operation.key) ?? null, waits, paced });
      }
      const register = selected.find((o) => o.key === 'register');
      if (register && opts.sweep && rows.get('register')?.ours) {
        for (const connections of [10, 25, 100]) {
          say(`HTTP: registering complaints with ${connections} connections`);
          const result = await measureHttp(server, register, fixtures, sessions, opts, connections, Math.max(2, opts.duration / 2));
          registerSweep.push({ connections, rps: result.rps, p95: result.p95, errors: result.errors + Object.values(result.unexpected).reduce((a, b) => a + b, 0) });
        }
        const at50 = rows.get('register')?.ours;
        if (at50) registerSweep.push({ connections: at50.concurrency, rps: at50.rps, p95: at50.p95, errors: at50.errors });
        registerSweep = registerSweep.sort((a, b) => a.connections - b.connections);
      }
    } finally {
      await side?.close();
    }
  } finally {
    await server?.stop();
  }

  const pgbench = opts.databaseUrl && selected.some((o) => o.key === 'register') ? await pgbenchTps(opts.databaseUrl, opts).catch((error: unknown) => {
    say(`pgbench failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }) : null;
  const loadEnd = loadAverage();

  const registerMax = registerSweep.length ? Math.max(...registerSweep.filter((s) => s.errors === 0).map((s) => s.rps)) : null;
  const ordered = selected.flatMap((o) => {
    const row = rows.get(o.key);
    return row ? [row] : [];
  });
  for (const row of ordered) row.target = targetOf(row.key, row.ours, row.sql, rows, registerMax);
  const council = rows.get('council')?.ours;
  const councilJson = rows.get('council-json')?.ours;
  const extra: string[] = [];
  if (council && councilJson) extra.push(`Council page HTML / JSON throughput: ${(council.rps / councilJson.rps).toFixed(2)} (${Math.round(council.rps)} / ${Math.round(councilJson.rps)} req/s)`);
  if (registerSweep.length) extra.push(`Registering complaints, req/s by connections: ${registerSweep.map((s) => `${s.connections}: ${Math.round(s.rps)}/s (p95 ${Math.round(s.p95)} ms${s.errors ? `, ${s.errors} failed` : ''})`).join('; ')}; highest without failures ${Math.round(registerMax ?? 0)}/s`);
  if (pgbench) extra.push(`pgbench read-write on the same server: ${Math.round(pgbench.tps)} transactions/s (${pgbench.command})`);
  else if (opts.databaseUrl) extra.push('pgbench: not run (not found, or failed)');
  const pacedRows = ordered.filter((r) => r.paced);
  if (pacedRows.length) {
    extra.push(`Paced at ${opts.pacedRate} requests/s (${opts.connections} users each asking every ${(opts.connections / opts.pacedRate).toFixed(0)} s), p50 / p95: `
      + pacedRows.map((r) => `${r.label} ${Math.round(r.paced?.p50 ?? 0)} / ${Math.round(r.paced?.p95 ?? 0)} ms${(r.paced?.p95 ?? Infinity) < 50 ? ' (p95 < 50 ms: met)' : ''}`).join('; '));
  }
  const waitRows = ordered.filter((r) => r.waits);
  if (waitRows.length) extra.push(`Database sessions during the HTTP runs (share of samples of active sessions): ${waitRows.map((r) => `${r.label}: ${r.waits}`).join('; ')}`);
  extra.push(`Server: ${build.note}; SQL side: ${opts.databaseUrl ? 'node-postgres, one connection per simulated user' : 'PGlite in this process, one run at a time'}`);

  const lines = tableLines(ordered);
  console.log('');
  console.log(`${fmt(opts.cases)} cases on ${database.engine}${database.version ? ` ${database.version}` : ''}; ${opts.connections} users unless shown; ${opts.warmup} s warm-up, ${opts.duration} s measured; load average ${loadBeforeMeasuring.join(' / ')} before measuring, ${loadEnd.join(' / ')} at the end`);
  console.log(lines.join('\n'));
  console.log('');
  for (const line of extra) console.log(line);

  if (opts.save) {
    const paths = saveRecord(join(ROOT, 'bench', 'results'), {
      date: new Date().toISOString(), cases: opts.cases, seed: opts.seed, durationSeconds: opts.duration, warmupSeconds: opts.warmup, connections: opts.connections,
      machine: { ...facts, loadAverage: { start: loadStart, beforeMeasuring: loadBeforeMeasuring, end: loadEnd }, database, server: build.note },
      generation: { reused: generated === null, seconds: generated?.seconds ?? null, rows: generated?.rows },
      figures, rows: ordered, extra: { registerSweep, pgbench, htmlJsonRatio: council && councilJson ? council.rps / councilJson.rps : null }, note: opts.note,
    }, extra);
    say(`saved ${paths.map((p) => p.slice(ROOT.length + 1)).join(' and ')}`);
  }
  sqlResults = new Map();
  say('done');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
