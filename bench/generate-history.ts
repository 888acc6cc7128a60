/**
 * A deterministic history for benchmarks: N cases (default 1,000,000) received from 2016-04-01 to
 * 2019-06-28 and measured at NOW = 2019-06-30 12:00 London time, each with its complainant (and
 * sometimes a representative), the contact it arrived as, its body, enquiries, documents'
 * metadata, messages, decisions, remedies and a full timeline; as many contacts again dealt with
 * at intake; telephony calls; the staff who did the work and a link officer for every body.
 * Distributions are described in bench/README.md ("The data").
 *
 * How it is loaded: in the database, by `insert ... select` statements over generate_series, in
 * slices of cases, on two connections at once on PostgreSQL (one on PGlite). Nothing crosses the
 * wire but the statements: on this 2-core machine that is 5-10 times quicker than building rows in
 * Node and sending them (even as one array parameter per column), and it is the same SQL on both
 * engines. Every random number is a hash of (seed, stream, row), so the same N and seed give the
 * same rows whatever the order the slices ran in; ids are functions of the case id (see
 * history/statements.ts). The secondary indexes are dropped for the load and rebuilt after it (a
 * load killed part way leaves their definitions in the marker, and the next run rebuilds them);
 * foreign keys are not checked during the load (`session_replication_role = replica`, where the
 * role may set it); then VACUUM ANALYZE.
 *
 * A marker (a JSON comment on the cases table) records what was generated, so a benchmark can
 * reuse the history and `resetToGenerated` can remove whatever a benchmark added since.
 *
 * Run alone: node --import tsx bench/generate-history.ts [--database-url URL | --data-dir DIR] [--cases N] [--seed S]
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../src/data/db.ts';
import { migrateToLatest } from '../src/data/migrate.ts';
import type { Database } from '../src/data/schema.ts';
import { CalendarHolder, syncBankHolidays } from '../src/services/bank-holidays.ts';
import { ensureReferenceData, type BenchPools } from './history/reference-data.ts';
import {
  FACTS_TABLE, WORKING_DAYS_TABLE, caseBodiesSql, caseContactsSql, caseEventsSql, casePeopleSql, casesSql, callsSql, decisionsSql, documentsSql,
  enquiriesSql, factsSql, generatedMaxIds, intakeContactsSql, jointWorkingSql, messagesSql, referenceSequences, remediesSql, shapeOf, type Shape,
} from './history/statements.ts';
import { progressBar, type Progress } from './progress.ts';

export { HISTORY_FROM, HISTORY_TO, NOW } from './history/statements.ts';
export const DEFAULT_CASES = 1_000_000;
export const DEFAULT_SEED = 20180401;
/** Bumped whenever the generated rows change, so a reused history is never stale. */
export const GENERATOR_VERSION = 3;

/** References are "YY NNN NNN": at most 999,999 a year. */
const MAX_CASES = 3_000_000;
/** Cases per statement. */
const SLICE = 25_000;
/** Every table the generator writes (and empties before writing). */
const LOADED = ['cases', 'case_bodies', 'people', 'contacts', 'calls', 'enquiries', 'decisions', 'remedies', 'documents', 'messages', 'joint_working', 'case_events'] as const;
/** Tables that only hold what benchmarks add: emptied with the history and on a reset. */
const ADDED_ONLY = ['sessions', 'sign_in_codes', 'complaint_drafts', 'notifications', 'jobs', 'remedy_reminders', 'remedy_shares', 'clock_stops',
  'published_decisions', 'report_cases', 'statistics_cache'] as const;

export interface GenerateOptions {
  cases?: number;
  seed?: number;
  /** Connections to load on: 2 on PostgreSQL by default; PGlite has one. */
  lanes?: number;
  /** A folder with uk_local_authorities_current.csv, used when the database has no councils yet. */
  referenceDir?: string | undefined;
  /** Progress of the load (default: a bar on stderr). */
  onProgress?: (progress: Progress) => void;
  /** One-line messages (default: stderr). */
  log?: (message: string) => void;
}

export interface GeneratedHistory {
  cases: number;
  seed: number;
  seconds: number;
  /** Rows written, by table. */
  rows: Record<string, number>;
  bodiesSource: BenchPools['bodiesSource'];
}

interface IndexDefinition {
  name: string;
  definition: string;
}

export interface Marker {
  generator: string;
  version: number;
  cases: number;
  seed: number;
  /** false while loading: a load that failed part way is replaced by the next one. */
  complete: boolean;
  /** While loading: the indexes dropped for the load, rebuilt by the next run if this one is killed. */
  droppedIndexes?: IndexDefinition[];
  /** The highest generated id of each table: rows above were added later. */
  maxIds?: Record<string, number>;
}

const MARKER_GENERATOR = 'bench/generate-history.ts';
const fmt = (n: number) => n.toLocaleString('en-GB');
const stderr = (message: string) => process.stderr.write(`${message}\n`);

/** Migrates, adds the bank holidays and builds calendar_days (what `startSystem` does at start-up). */
export async function prepareDatabase(handle: DatabaseHandle): Promise<void> {
  await migrateToLatest(handle.db);
  const added = await syncBankHolidays(handle.db);
  await new CalendarHolder(handle.db).refresh({ rebuildTable: added > 0 });
}

/** The history already in the database, if this generator wrote it, with the number of its cases still there. */
export async function existingHistory(handle: DatabaseHandle): Promise<(Marker & { rows: number }) | null> {
  const marker = await readMarker(handle.db);
  if (!marker) return null;
  const row = await handle.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '<=', marker.cases).executeTakeFirstOrThrow();
  return { ...marker, rows: Number(row.n) };
}

/** True when the database holds exactly the history these options would generate (whatever a benchmark added since). */
export async function historyMatches(handle: DatabaseHandle, options: GenerateOptions = {}): Promise<boolean> {
  const found = await existingHistory(handle);
  const cases = options.cases ?? DEFAULT_CASES;
  return found !== null && found.complete && found.version === GENERATOR_VERSION && found.cases === cases
    && found.seed === (options.seed ?? DEFAULT_SEED) && found.rows === cases;
}

async function readMarker(db: Kysely<Database>): Promise<Marker | null> {
  const { rows } = await sql<{ comment: string | null }>`select obj_description('cases'::regclass, 'pg_class') as comment`.execute(db);
  return parseMarker(rows[0]?.comment ?? null);
}

function parseMarker(comment: string | null): Marker | null {
  if (!comment) return null;
  try {
    const parsed = JSON.parse(comment) as Partial<Marker>;
    if (parsed.generator !== MARKER_GENERATOR || typeof parsed.cases !== 'number' || typeof parsed.seed !== 'number'
      || typeof parsed.version !== 'number' || typeof parsed.complete !== 'boolean') return null;
    return parsed as Marker;
  } catch {
    return null;
  }
}

async function writeMarker(db: Kysely<Database>, marker: Marker): Promise<void> {
  await sql.raw(`comment on table cases is '${JSON.stringify(marker).replace(/'/g, "''")}'`).execute(db);
}

/** Runs `work` with `count` connections held for its whole length (session settings stick to them). */
async function withLanes<T>(db: Kysely<Database>, count: number, work: (lanes: Kysely<Database>[]) => Promise<T>): Promise<T> {
  const acquire = (left: number, held: Kysely<Database>[]): Promise<T> =>
    left === 0 ? work(held) : db.connection().execute((connection) => acquire(left - 1, [...held, connection]));
  return acquire(count, []);
}

/** Runs the items on the lanes, each lane taking the next item when it is free. */
async function onLanes<T>(lanes: readonly Kysely<Database>[], items: readonly T[], work: (lane: Kysely<Database>, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(lanes.map(async (lane) => {
    for (let i = next++; i < items.length; i = next++) await work(lane, items[i] as T);
  }));
}

const run = (db: Kysely<Database>, text: string) => sql.raw(text).execute(db);

/**
 * Writes the history into a migrated database with calendar_days filled (see prepareDatabase).
 * The database must hold no cases, calls or contacts, or only ones this generator wrote (they
 * are replaced). Bodies and staff are kept and reused.
 */
export async function generateHistory(handle: DatabaseHandle, options: GenerateOptions = {}): Promise<GeneratedHistory> {
  const n = options.cases ?? DEFAULT_CASES;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_CASES) throw new RangeError(`--cases must be a whole number from 1 to ${fmt(MAX_CASES)}`);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 40) throw new RangeError('--seed must be a whole number from 0 to 2^40');
  const say = options.log ?? stderr;
  const progress = options.onProgress ?? progressBar('generating');
  const started = performance.now();
  const db = handle.db;

  const pools = await ensureReferenceData(db, { cases: n, referenceDir: options.referenceDir, log: say });
  const shape = shapeOf(n, seed, pools);
  const lanes = handle.engine === 'pglite' ? 1 : Math.max(1, options.lanes ?? 2);

  return withLanes(db, lanes, async (held) => {
    const [main] = held as [Kysely<Database>];
    for (const lane of held) {
      // Benchmark data: losing the last commits in a crash costs a rerun, nothing more.
      await run(lane, `set synchronous_commit = off`);
      await run(lane, `set maintenance_work_mem = '256MB'`);
      await run(lane, `set work_mem = '64MB'`);
      // Each statement is big and runs once: compiling it costs more than it saves.
      await run(lane, `set jit = off`).catch(() => undefined);
      await run(lane, `set session_replication_role = replica`).catch(() => say('foreign keys stay checked during the load (the role may not set session_replication_role)'));
    }
    const previous = await clearPrevious(main, say);
    await run(main, 'analyze calendar_days');
    await run(main, 'drop table if exists bench_facts');
    await run(main, FACTS_TABLE);
    for (const statement of WORKING_DAYS_TABLE) await run(main, statement);

    const present = await secondaryIndexes(main);
    const missing = (previous?.droppedIndexes ?? []).filter((d) => !present.some((p) => p.name === d.name));
    const indexes = [...present, ...missing];
    const maxIds = generatedMaxIds(shape);
    await writeMarker(main, { generator: MARKER_GENERATOR, version: GENERATOR_VERSION, cases: n, seed, complete: false, droppedIndexes: indexes, maxIds });
    say(`dropping ${present.length} secondary indexes for the load${missing.length ? ` (and rebuilding ${missing.length} an interrupted load left out)` : ''}`);
    for (const index of present) await run(main, `drop index ${index.name}`);

    const rows: Record<string, number> = {};
    try {
      await load(held, shape, rows, progress);
    } catch (error) {
      // Leave the schema as the migrations made it, even when the load failed.
      for (const index of indexes) await run(main, index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')).catch(() => undefined);
      throw error;
    }
    await restoreSequences(main, shape);

    const rebuilt = { done: 0 };
    await onLanes(held, indexes, async (lane, index) => {
      await run(lane, index.definition);
      progress({ phase: 'indexes', done: ++rebuilt.done, total: indexes.length, detail: index.name });
    });
    await run(main, 'drop table bench_facts');
    await run(main, 'drop table bench_working_days');
    await writeMarker(main, { generator: MARKER_GENERATOR, version: GENERATOR_VERSION, cases: n, seed, complete: true, maxIds });

    const tables = [...LOADED, 'bodies', 'staff_users', 'link_officers', 'calendar_days', 'reference_sequences'];
    const vacuumed = { done: 0 };
    await onLanes(held, tables, async (lane, table) => {
      await run(lane, `vacuum analyze ${table}`);
      progress({ phase: 'vacuum', done: ++vacuumed.done, total: tables.length, detail: table });
    });
    const seconds = (performance.now() - started) / 1000;
    say(`generated ${fmt(n)} cases (${fmt(Object.values(rows).reduce((a, b) => a + b, 0))} rows) in ${seconds.toFixed(1)} s`);
    return { cases: n, seed, seconds, rows, bodiesSource: pools.bodiesSource };
  });
}

interface Task {
  table: string;
  sql: string;
}

/** Facts first, then every table drawn from them, then the timeline drawn from those. */
async function load(lanes: Kysely<Database>[], shape: Shape, rows: Record<string, number>, progress: (p: Progress) => void): Promise<void> {
  const n = shape.cases;
  const slices = (total: number, table: string, build: (lo: number, hi: number) => string, base = 0): Task[] => {
    const tasks: Task[] = [];
    for (let lo = 0; lo < total; lo += SLICE) tasks.push({ table, sql: build(base + lo, base + Math.min(total, lo + SLICE) - 1) });
    return tasks;
  };
  const phases: { name: string; tasks: Task[] }[] = [
    { name: 'facts', tasks: slices(n, 'bench_facts', (lo, hi) => factsSql(shape, lo, hi)) },
    {
      name: 'tables',
      tasks: [
        ...slices(n, 'people', (lo, hi) => casePeopleSql(lo, hi, shape), 1),
        ...slices(n, 'contacts', (lo, hi) => caseContactsSql(lo, hi), 1),
        ...slices(n, 'cases', (lo, hi) => casesSql(lo, hi, shape), 1),
        ...slices(n, 'case_bodies', (lo, hi) => caseBodiesSql(lo, hi), 1),
        ...slices(shape.intakeContacts, 'people', (lo, hi) => intakeContactsSql(lo, hi, shape, 'people')),
        ...slices(shape.intakeContacts, 'contacts', (lo, hi) => intakeContactsSql(lo, hi, shape, 'contacts')),
        ...slices(shape.calls, 'calls', (lo, hi) => callsSql(lo, hi, shape)),
        ...slices(n, 'joint_working', (lo, hi) => jointWorkingSql(lo, hi), 1),
        ...slices(n, 'enquiries', (lo, hi) => enquiriesSql(lo, hi, shape), 1),
        ...slices(n, 'decisions', (lo, hi) => decisionsSql(lo, hi), 1),
        ...slices(n, 'remedies', (lo, hi) => remediesSql(lo, hi, shape), 1),
        ...slices(n, 'documents', (lo, hi) => documentsSql(lo, hi, shape), 1),
        ...slices(n, 'messages', (lo, hi) => messagesSql(lo, hi, shape), 1),
      ],
    },
    { name: 'timeline', tasks: slices(n, 'case_events', (lo, hi) => caseEventsSql(lo, hi, shape), 1) },
  ];
  for (const phase of phases) {
    let done = 0;
    await onLanes(lanes, phase.tasks, async (lane, task) => {
      const result = await sql.raw(task.sql).execute(lane);
      rows[task.table] = (rows[task.table] ?? 0) + Number(result.numAffectedRows ?? 0n);
      progress({ phase: phase.name, done: ++done, total: phase.tasks.length, detail: `${task.table} ${fmt(rows[task.table] ?? 0)} rows` });
    });
    if (phase.name === 'facts') await run(lanes[0] as Kysely<Database>, 'analyze bench_facts');
  }
  delete rows.bench_facts;
}

/** Empties the tables of a previous generated history; returns the marker the previous load left, if any. */
async function clearPrevious(db: Kysely<Database>, say: (message: string) => void): Promise<Marker | null> {
  const { rows } = await sql<{ cases: number; calls: number; contacts: number }>`
    select (select count(*) from (select 1 from cases limit 1) c)::int as cases, (select count(*) from (select 1 from calls limit 1) c)::int as calls,
           (select count(*) from (select 1 from contacts limit 1) c)::int as contacts`.execute(db);
  const marker = await readMarker(db);
  const row = rows[0];
  if (!row || (Number(row.cases) === 0 && Number(row.calls) === 0 && Number(row.contacts) === 0)) return marker;
  if (!marker) throw new Error('The database already holds cases, calls or contacts this generator did not write: use an empty database');
  say('removing the previously generated history');
  await run(db, `truncate ${[...LOADED, ...ADDED_ONLY].join(', ')} restart identity cascade`);
  return marker;
}

/** Indexes that back no constraint on the loaded tables (primary keys, unique and foreign keys stay). */
async function secondaryIndexes(db: Kysely<Database>): Promise<IndexDefinition[]> {
  const { rows } = await sql<IndexDefinition>`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
      from pg_index i
     where i.indrelid = any (array[${sql.raw(LOADED.map((t) => `'${t}'::regclass`).join(', '))}])
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
     order by pg_relation_size(i.indrelid) desc, name`.execute(db);
  return rows;
}

/** Moves every sequence to the table's highest generated id, and the references on to the history's last. */
async function restoreSequences(db: Kysely<Database>, shape: Shape): Promise<void> {
  for (const [table, max] of Object.entries(generatedMaxIds(shape))) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), ${max})`.execute(db);
  }
  await run(db, 'delete from reference_sequences');
  const sequences = referenceSequences(shape.cases);
  if (sequences.length) await db.insertInto('reference_sequences').values(sequences).execute();
}

/**
 * Removes everything added since the history was generated (rows above the generated ids, and
 * sessions, codes, notifications, jobs...) and moves the sequences back, so a benchmark starts from
 * the same database every time. Throws when the database holds no finished generated history.
 */
export async function resetToGenerated(handle: DatabaseHandle): Promise<void> {
  const marker = await readMarker(handle.db);
  if (!marker?.complete || !marker.maxIds) throw new Error('The database holds no finished generated history to reset to');
  const maxIds = marker.maxIds;
  const cases = marker.cases;
  await handle.db.transaction().execute(async (trx) => {
    // Children go before parents below, so the foreign key checks can be skipped: without that,
    // every person removed costs a scan of each table that refers to people by an unindexed column.
    const superuser = (await sql<{ yes: boolean }>`select rolsuper as yes from pg_roles where rolname = current_user`.execute(trx)).rows[0]?.yes;
    if (superuser) await run(trx, 'set local session_replication_role = replica');
    await run(trx, `truncate ${ADDED_ONLY.join(', ')} cascade`);
    // Children before parents, so no foreign key is ever left pointing at nothing.
    for (const table of ['case_events', 'messages', 'remedies', 'decisions', 'enquiries', 'documents', 'calls']) {
      await sql`delete from ${sql.table(table)} where id > ${maxIds[table] ?? Number.MAX_SAFE_INTEGER}`.execute(trx);
    }
    await sql`delete from joint_working where case_id > ${cases}`.execute(trx);
    await sql`delete from case_bodies where case_id > ${cases}`.execute(trx);
    await sql`delete from cases where id > ${cases}`.execute(trx);
    await sql`delete from contacts where id > ${maxIds.contacts ?? Number.MAX_SAFE_INTEGER}`.execute(trx);
    await sql`delete from people where id > ${maxIds.people ?? Number.MAX_SAFE_INTEGER}`.execute(trx);
    const shape = { cases, seed: marker.seed, calls: maxIds.calls ?? 0, intakeContacts: (maxIds.contacts ?? cases) - cases } as Shape;
    await restoreSequences(trx, shape);
  });
}

// ---------------------------------------------------------------------------------------------
// Run alone

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      cases: { type: 'string', default: String(DEFAULT_CASES) },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      'reference-dir': { type: 'string', default: process.env.REDRESS_REFERENCE_DIR },
    },
  });
  const databaseUrl = values['database-url'];
  const dataDir = values['data-dir'];
  if (!databaseUrl && !dataDir) throw new Error('Give --database-url postgres://... or --data-dir DIR (PGlite)');
  const handle = openDatabase({ databaseUrl, dataDir, poolSize: 3 });
  try {
    await prepareDatabase(handle);
    await generateHistory(handle, { cases: Number(values.cases.replace(/[_,]/g, '')), seed: Number(values.seed), referenceDir: values['reference-dir'] });
  } finally {
    await handle.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
