/**
 * Benchmark for issue 3: the full plan year's service standards report over a large imported
 * history on PostgreSQL, timed against the same aggregation written as plain SQL and run in psql.
 *
 *   node --import tsx bench/service-standards.ts [--cases 1000000] [--database-url URL] [--reuse] [--keep]
 *
 * 1. Database: by default a throwaway `redress_bench_standards` on postgres://postgres@127.0.0.1:5432,
 *    dropped first and dropped again at the end (--keep keeps it; --reuse keeps it and uses the
 *    history already in it when it was generated with the same --cases and --seed).
 *    --database-url uses that database instead and never drops it.
 * 2. Migrates, loads the bank holidays and builds calendar_days, generates the history
 *    (bench/generate-history.ts) and ANALYZEs.
 * 3. For the plan year 2018-04-01 to 2019-03-31 measured at 2019-06-30 12:00 London time, runs
 *    each of these once to warm up and then --runs times (default 5), round-robin so that a
 *    change in load hits each alike:
 *    - serviceStandardsReport with the application's default pool (10 connections: the five
 *      groups of standards run concurrently);
 *    - serviceStandardsReport on a single connection (the groups one after another);
 *    - bench/plain-sql/service-standards-year.sql in psql with jit off for the session
 *      (PGOPTIONS='-c jit=off'), timed by psql's \timing, and by the wall clock of the psql
 *      process less that of `psql -c 'select 1'` (start-up and connection). This is the
 *      baseline: as one statement the plain SQL is costed far above jit_above_cost, so on a
 *      default server PostgreSQL JIT-compiles it for a few hundred ms, which the report's
 *      smaller queries do not pay at this size; timing it with JIT would flatter the report;
 *    - the plain SQL again with the server's own jit setting, for the record.
 * 4. Checks that the report and the plain SQL give exactly the same numbers, prints a table of
 *    p50 and min times with the ratio to the baseline (ours / plain), and writes the figures
 *    and timings to bench/results/ (--no-save: not). --note adds a remark (say, what else was
 *    running) to the results file.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../src/data/db.ts';
import type { Period } from '../src/domain/service-standards.ts';
import { CalendarHolder } from '../src/services/bank-holidays.ts';
import { fixedClock } from '../src/services/clock.ts';
import { serviceStandardsReport, type ReportDeps, type ReportLine, type ServiceStandardsReport } from '../src/services/service-standards-report.ts';
import { DEFAULT_CASES, DEFAULT_SEED, NOW, existingHistory, generateHistory, historyMatches, prepareDatabase, resetToGenerated } from './generate-history.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PLAIN_SQL = path.join(here, 'plain-sql', 'service-standards-year.sql');
const RESULTS_DIR = path.join(here, 'results');
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Its own database, so it never drops the one `npm run bench` keeps its history in (redress_bench). */
const BENCH_DATABASE = 'redress_bench_standards';
const PERIOD: Period = { from: '2018-04-01', to: '2019-03-31' };
/** See step 3 above: the plain SQL's baseline runs without JIT. */
const JIT_OFF = '-c jit=off';

const run = promisify(execFile);
const fmt = (n: number) => n.toLocaleString('en-GB');
const ms = (n: number) => n.toFixed(1);
const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);
const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2))) as [number, number, number];

interface Options {
  cases: number;
  seed: number;
  runs: number;
  databaseUrl: string | undefined;
  keep: boolean;
  reuse: boolean;
  save: boolean;
  note: string | undefined;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: String(DEFAULT_CASES) },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      runs: { type: 'string', default: '5' },
      'database-url': { type: 'string' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      'no-save': { type: 'boolean', default: false },
      note: { type: 'string' },
    },
  });
  const whole = (name: string, text: string, min: number) => {
    const n = Number(text.replace(/[_,]/g, ''));
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name} must be a whole number, at least ${min}`);
    return n;
  };
  return {
    cases: whole('cases', values.cases, 1),
    seed: whole('seed', values.seed, 0),
    runs: whole('runs', values.runs, 1),
    databaseUrl: values['database-url'],
    keep: values.keep,
    reuse: values.reuse,
    save: !values['no-save'],
    note: values.note,
  };
}

async function admin(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function benchUrl(): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// The two ways of computing the report

interface Timed<T> {
  ms: number;
  result: T;
}

async function timeReport(deps: ReportDeps): Promise<Timed<ServiceStandardsReport>> {
  const t = performance.now();
  const result = await serviceStandardsReport(deps, PERIOD);
  return { ms: performance.now() - t, result };
}

interface PlainRow {
  id: string;
  numerator: number | null;
  denominator: number | null;
  previousNumerator: number | null;
  previousDenominator: number | null;
  peakOn: string | null;
  countOnLastDay: number | null;
  lastDay: string | null;
}

interface PsqlRun {
  /** The sum of psql's \timing lines: the statement as the client sees it, without start-up. */
  timingMs: number;
  /** Start to exit of the psql process. */
  wallMs: number;
  rows: PlainRow[];
}

function psql(databaseUrl: string, args: readonly string[], pgOptions?: string): Promise<{ stdout: string; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const env = pgOptions === undefined ? process.env : { ...process.env, PGOPTIONS: pgOptions };
    const t = performance.now();
    const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args, databaseUrl], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`Could not run psql (is it installed and on PATH?): ${error.message}`)));
    child.on('close', (code) => {
      const wallMs = performance.now() - t;
      if (code === 0) resolve({ stdout, wallMs });
      else reject(new Error(`psql exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** Runs the plain SQL in psql; `pgOptions` (PGOPTIONS) sets server options for the session, as `-c jit=off`. */
async function timePlain(databaseUrl: string, pgOptions?: string): Promise<PsqlRun> {
  const { stdout, wallMs } = await psql(databaseUrl, [
    '-v', `from=${PERIOD.from}`, '-v', `to=${PERIOD.to}`, '-v', `now=${NOW.toISOString()}`,
    '-c', '\\timing on', '-f', PLAIN_SQL,
  ], pgOptions);
  let timingMs = 0;
  const rows: PlainRow[] = [];
  const number = (text: string | undefined) => (text === undefined || text === '' ? null : Number(text));
  const text = (value: string | undefined) => (value === undefined || value === '' ? null : value);
  for (const line of stdout.split('\n')) {
    const timing = /^Time: ([\d.]+) ms/.exec(line);
    if (timing) timingMs += Number(timing[1]);
    else if (line.includes('|')) {
      const [id = '', numerator, denominator, previousNumerator, previousDenominator, peakOn, countOnLastDay, lastDay] = line.split('|');
      rows.push({
        id,
        numerator: number(numerator),
        denominator: number(denominator),
        previousNumerator: number(previousNumerator),
        previousDenominator: number(previousDenominator),
        peakOn: text(peakOn),
        countOnLastDay: number(countOnLastDay),
        lastDay: text(lastDay),
      });
    }
  }
  if (rows.length === 0 || timingMs === 0) throw new Error(`Unexpected output from psql:\n${stdout}`);
  return { timingMs, wallMs, rows };
}

async function timeSelectOne(databaseUrl: string): Promise<number> {
  return (await psql(databaseUrl, ['-c', 'select 1'])).wallMs;
}

/** Every difference between the report's figures and the plain SQL's; none when they agree exactly. */
function differences(report: ServiceStandardsReport, plain: readonly PlainRow[]): string[] {
  const problems: string[] = [];
  const byId = new Map(plain.map((row) => [row.id, row]));
  if (byId.size !== report.standards.length) problems.push(`${report.standards.length} standards in the report, ${byId.size} from plain SQL`);
  for (const line of report.standards) {
    const row = byId.get(line.id);
    if (!row) {
      problems.push(`${line.id}: missing from the plain SQL`);
      continue;
    }
    const ours = {
      numerator: line.numerator,
      denominator: line.denominator,
      previousNumerator: line.previous?.numerator ?? null,
      previousDenominator: line.previous?.denominator ?? null,
      peakOn: line.peakOn ?? null,
      countOnLastDay: line.countOnLastDay ?? null,
      lastDay: line.lastDay ?? null,
    };
    for (const [key, value] of Object.entries(ours)) {
      const theirs = row[key as keyof typeof ours];
      if (value !== theirs) problems.push(`${line.id} ${key}: report ${String(value)}, plain SQL ${String(theirs)}`);
    }
  }
  return problems;
}

function sameFigures(a: ServiceStandardsReport, b: ServiceStandardsReport): boolean {
  const strip = (r: ServiceStandardsReport) => JSON.stringify(r.standards);
  return strip(a) === strip(b);
}

// ---------------------------------------------------------------------------------------------
// Statistics and the table

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Row {
  operation: string;
  runs: number[];
  p50: number;
  min: number;
}

function row(operation: string, runs: number[]): Row {
  return { operation, runs, p50: median(runs), min: Math.min(...runs) };
}

function table(rows: readonly Row[], baseline: Row): string {
  const header = ['operation', 'p50 ms', 'min ms', 'ratio p50', 'ratio min'];
  const body = rows.map((r) => [r.operation, ms(r.p50), ms(r.min), (r.p50 / baseline.p50).toFixed(2), (r.min / baseline.min).toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function figureLine(line: ReportLine): string {
  const value = line.value === null ? '-'
    : line.measure === 'share' ? `${(line.value * 100).toFixed(1)}%`
      : line.measure === 'count' || line.measure === 'peak-count' ? String(line.value) : line.value.toFixed(2);
  const counts = line.denominator === null ? `${line.numerator ?? '-'}` : `${fmt(line.numerator ?? 0)} / ${fmt(line.denominator)}`;
  return `${line.id.padEnd(52)} ${value.padStart(8)}  ${counts.padEnd(22)} ${line.rag}`;
}

// ---------------------------------------------------------------------------------------------

async function machine(db: DatabaseHandle['db']) {
  const settings = await sql<{ name: string; setting: string }>`
    select name, current_setting(name) as setting from pg_settings
     where name in ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit', 'effective_cache_size')`.execute(db);
  const version = await sql<{ version: string }>`select version()`.execute(db);
  let commit = 'unknown';
  try {
    commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: here })).stdout.trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: version.rows[0]?.version ?? 'unknown',
    postgresSettings: Object.fromEntries(settings.rows.map((s) => [s.name, s.setting])),
    commit,
  };
}

async function main(): Promise<void> {
  const opts = options();
  const loadAtStart = loadAverage();
  log(`${os.cpus().length} cores, load average ${loadAtStart.join(' ')}; ${fmt(opts.cases)} cases, seed ${opts.seed}`);

  const own = opts.databaseUrl === undefined;
  const databaseUrl = opts.databaseUrl ?? benchUrl();
  if (own) {
    await admin(async (client) => {
      const exists = (await client.query(`select 1 from pg_database where datname = $1`, [BENCH_DATABASE])).rowCount === 1;
      if (exists && !opts.reuse) {
        log(`dropping database ${BENCH_DATABASE}`);
        await client.query(`drop database ${BENCH_DATABASE} with (force)`);
      }
      if (!exists || !opts.reuse) {
        log(`creating database ${BENCH_DATABASE}`);
        await client.query(`create database ${BENCH_DATABASE}`);
      }
    });
  }

  let deps10: DatabaseHandle | undefined;
  let deps1: DatabaseHandle | undefined;
  try {
    log('migrating; loading bank holidays and the calendar table');
    let generated: Awaited<ReturnType<typeof generateHistory>> | null = null;
    const loader = openDatabase({ databaseUrl, poolSize: 3 });
    try {
      await prepareDatabase(loader);
      if (opts.reuse && (await historyMatches(loader, { cases: opts.cases, seed: opts.seed }))) {
        log(`reusing the ${fmt(opts.cases)} cases already generated; analyze`);
        await resetToGenerated(loader);
        await run('psql', ['-X', '-q', '-c', 'analyze', databaseUrl]);
      } else {
        const found = await existingHistory(loader);
        if (opts.reuse && found) log(`the database holds ${fmt(found.rows)} generated cases (seed ${found.seed}): generating again`);
        log(`generating the history (${fmt(opts.cases)} cases)`);
        generated = await generateHistory(loader, { cases: opts.cases, seed: opts.seed, referenceDir: process.env.REDRESS_REFERENCE_DIR });
        log(`generated in ${generated.seconds.toFixed(1)}s (analyzed)`);
      }
    } finally {
      await loader.close();
    }

    deps10 = openDatabase({ databaseUrl });
    deps1 = openDatabase({ databaseUrl, poolSize: 1 });
    const holder = new CalendarHolder(deps10.db);
    await holder.refresh({ rebuildTable: false });
    const clock = fixedClock(NOW);
    const pooled: ReportDeps = { db: deps10.db, clock, calendar: holder.get };
    const single: ReportDeps = { db: deps1.db, clock, calendar: holder.get };

    const counts = (await sql<{ cases: number; calls: number; contacts: number }>`
      select (select count(*) from cases) as cases, (select count(*) from calls) as calls, (select count(*) from contacts) as contacts`.execute(deps10.db)).rows[0];
    const info = await machine(deps10.db);
    log(`rows: ${fmt(counts?.cases ?? 0)} cases, ${fmt(counts?.calls ?? 0)} calls, ${fmt(counts?.contacts ?? 0)} contacts`);
    log(`period ${PERIOD.from} to ${PERIOD.to}, now ${NOW.toISOString()}`);

    const serverJit = info.postgresSettings.jit ?? 'on';
    log(`warming up: report (pool of 10), report (1 connection), plain SQL in psql (jit off, and jit ${serverJit} as the server has it), psql select 1`);
    const warm = await timeReport(pooled);
    log(`  report (pool of 10): ${ms(warm.ms)} ms`);
    const warmSingle = await timeReport(single);
    log(`  report (1 connection): ${ms(warmSingle.ms)} ms`);
    const warmPlain = await timePlain(databaseUrl, JIT_OFF);
    log(`  plain SQL, jit off: ${ms(warmPlain.timingMs)} ms by \\timing, ${ms(warmPlain.wallMs)} ms wall clock`);
    const warmDefault = await timePlain(databaseUrl);
    log(`  plain SQL, jit ${serverJit}: ${ms(warmDefault.timingMs)} ms by \\timing`);
    await timeSelectOne(databaseUrl);

    const loadBeforeTiming = loadAverage();
    log(`timing ${opts.runs} rounds (load average ${loadBeforeTiming.join(' ')})`);
    const times = {
      pooled: [] as number[], single: [] as number[], plain: [] as number[], plainWall: [] as number[], plainDefault: [] as number[], selectOne: [] as number[],
    };
    let lastReport = warm.result;
    let lastSingle = warmSingle.result;
    let lastPlain = warmPlain.rows;
    let lastDefault = warmDefault.rows;
    for (let i = 1; i <= opts.runs; i++) {
      const a = await timeReport(pooled);
      const b = await timeReport(single);
      const c = await timePlain(databaseUrl, JIT_OFF);
      const d = await timePlain(databaseUrl);
      const e = await timeSelectOne(databaseUrl);
      times.pooled.push(a.ms);
      times.single.push(b.ms);
      times.plain.push(c.timingMs);
      times.plainWall.push(c.wallMs);
      times.plainDefault.push(d.timingMs);
      times.selectOne.push(e);
      [lastReport, lastSingle, lastPlain, lastDefault] = [a.result, b.result, c.rows, d.rows];
      log(`  round ${i}/${opts.runs}: report ${ms(a.ms)} ms (pool of 10), ${ms(b.ms)} ms (1 connection); `
        + `plain SQL jit off ${ms(c.timingMs)} ms (\\timing), ${ms(c.wallMs)} ms wall; jit ${serverJit} ${ms(d.timingMs)} ms (\\timing); select 1 ${ms(e)} ms wall`);
    }
    const loadAfterTiming = loadAverage();

    const problems = differences(lastReport, lastPlain);
    if (JSON.stringify(lastDefault) !== JSON.stringify(lastPlain)) problems.push(`the plain SQL gave other figures with jit ${serverJit}`);
    if (!sameFigures(lastReport, lastSingle)) problems.push('the report on 1 connection differs from the report on the pool');
    if (!sameFigures(lastReport, warm.result)) problems.push('the report changed between runs');

    const baselineWall = median(times.selectOne);
    const plain = row('plain SQL in psql, jit off (\\timing)', times.plain);
    const rows = [
      row('serviceStandardsReport, pool of 10', times.pooled),
      row('serviceStandardsReport, 1 connection', times.single),
      plain,
      row('plain SQL in psql, jit off (wall - select 1)', times.plainWall.map((w) => w - baselineWall)),
      row(`plain SQL in psql, jit ${serverJit} (server default; \\timing)`, times.plainDefault),
    ];
    console.log('');
    console.log('Figures (plan year 2018-19 as at 2019-06-30):');
    for (const line of lastReport.standards) console.log(`  ${figureLine(line)}`);
    console.log('');
    console.log(problems.length === 0
      ? 'Check: the report and the plain SQL agree exactly on every numerator, denominator, previous period and peak.'
      : `Check FAILED:\n  ${problems.join('\n  ')}`);
    console.log('');
    console.log(`${fmt(counts?.cases ?? 0)} cases; ${opts.runs} run${opts.runs === 1 ? '' : 's'} after 1 warm-up; ratio = row / plain SQL with jit off (\\timing); `
      + `load average ${loadBeforeTiming.join(' ')} before, ${loadAfterTiming.join(' ')} after`);
    console.log(table(rows, plain));
    const [ours, , , wall, withJit] = rows as [Row, Row, Row, Row, Row];
    console.log('');
    console.log(`ours (pool of 10) / plain SQL, by p50: ${(ours.p50 / plain.p50).toFixed(2)} (jit off, psql \\timing); `
      + `${(ours.p50 / wall.p50).toFixed(2)} (jit off, psql wall clock less select 1, median ${ms(baselineWall)} ms); `
      + `${(ours.p50 / withJit.p50).toFixed(2)} (jit ${serverJit}, psql \\timing)`);

    if (opts.save) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const date = new Date().toISOString();
      const file = path.join(RESULTS_DIR, `service-standards-${opts.cases}-${date.slice(0, 16).replace(/[:T]/g, '')}.json`);
      writeFileSync(file, `${JSON.stringify({
        date,
        note: opts.note ?? null,
        machine: info,
        load: { atStart: loadAtStart, beforeTiming: loadBeforeTiming, afterTiming: loadAfterTiming },
        dataset: { requestedCases: opts.cases, seed: opts.seed, ...counts, generatedSeconds: generated === null ? null : round(generated.seconds), reused: generated === null },
        period: PERIOD,
        now: NOW.toISOString(),
        runs: opts.runs,
        agree: problems.length === 0,
        problems,
        baseline: plain.operation,
        timings: rows.map((r) => ({ operation: r.operation, p50Ms: round(r.p50), minMs: round(r.min), ratioP50: round(r.p50 / plain.p50, 3), runsMs: r.runs.map((x) => round(x)) })),
        selectOneWallMs: times.selectOne.map((x) => round(x)),
        figures: lastReport.standards.map((s) => ({
          id: s.id, numerator: s.numerator, denominator: s.denominator, value: s.value, target: s.target, met: s.met, rag: s.rag,
          ...(s.previous ? { previous: { numerator: s.previous.numerator, denominator: s.previous.denominator, value: s.previous.value } } : {}),
          ...(s.measure === 'peak-count' ? { peakOn: s.peakOn, countOnLastDay: s.countOnLastDay } : {}),
        })),
      }, null, 2)}\n`);
      log(`results written to ${path.relative(process.cwd(), file)}`);
    }
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await deps10?.close();
    await deps1?.close();
    if (own && !opts.keep && !opts.reuse) {
      log(`dropping database ${BENCH_DATABASE} (--keep keeps it)`);
      await admin((client) => client.query(`drop database if exists ${BENCH_DATABASE} with (force)`));
    }
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
