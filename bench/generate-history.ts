/**
 * A deterministic history for benchmarks: N imported cases (default 1,000,000) with
 * proportional telephony calls (1.2 per case) and intake contacts (1.1 per case, about 90%
 * written), received from 2016-04-01 to 2019-06-28 (a little over three plan years), as the
 * history imports would leave them (`imported = true`, one body per case, reference sequences
 * moved on), measured at NOW = 2019-06-30 12:00 London time.
 *
 * Distributions (approximate; the exact figures come out of the service standards report):
 * - receipts spread evenly over the days; 70% of those falling on a weekend or bank holiday move
 *   to the next working day; 85% arrive in office hours;
 * - decided or allocated within 20 working days: 80% (21-50 working days: 17%; later: 3%);
 * - calendar days from receipt to closure: under 13 weeks ~79%, under 26 ~91%, under 52 ~99%;
 *   closures on working days, never before the decision or allocation;
 * - investigated (allocated): 6% of quick cases rising to 80% of those over 52 weeks (~15% in all);
 * - joint with the Health Service Ombudsman: 3%; never closed ("stuck"): 0.2%; anything whose
 *   decision or closure would come after NOW is still open;
 * - calls on working days with a midday peak; 97.5% answered, waits exponential with a mean of
 *   19 s (about 96% within 60 s);
 * - contacts: email 52%, web 30%, letter 10%, phone 5%, in person 3%; 97.5% of written contacts
 *   dealt with inside 22 hours, 2% inside 22-94 hours, 0.5% later, 0.1% never.
 *
 * How it is loaded: `insert ... select from generate_series` in slices of 50,000 rows on two
 * connections at once, with the secondary indexes dropped during the load and rebuilt after it
 * (the same definitions, read from the catalogue), then VACUUM ANALYZE. Every random number is
 * a hash of (seed, stream, row number) (`hashint8extended`), not `random()` after `setseed`:
 * a row's values never depend on which connection wrote it or in which order the slices ran,
 * so the same N and seed always give the same rows, ids included (body ids: in a fresh database).
 *
 * Run alone: node --import tsx bench/generate-history.ts --database-url URL [--cases N] [--seed S]
 * (migrates the database and loads the bank holidays and calendar first).
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { migrateToLatest } from '../src/data/migrate.ts';
import { openDatabase } from '../src/data/db.ts';
import { calendarDaysBetween, londonDateTime, type IsoDate } from '../src/domain/london-time.ts';
import { CalendarHolder, syncBankHolidays } from '../src/services/bank-holidays.ts';

export const HISTORY_FROM: IsoDate = '2016-04-01';
export const HISTORY_TO: IsoDate = '2019-06-28';
/** The moment the history is "as at": later decisions, closures and replies have not happened. */
export const NOW = londonDateTime('2019-06-30', '12:00');
export const DEFAULT_CASES = 1_000_000;
export const DEFAULT_SEED = 20180401;
/** Bumped whenever the generated rows change, so `--reuse` never measures stale data. */
export const GENERATOR_VERSION = 1;

const CALLS_PER_CASE = 1.2;
const CONTACTS_PER_CASE = 1.1;
const BODIES = 300;
const SLICE = 50_000;
const CONNECTIONS = 2;
/** References are "YY NNN NNN": at most 999,999 a year. */
const MAX_CASES = 3_000_000;
const TABLES = ['cases', 'case_bodies', 'calls', 'contacts'] as const;

export interface GenerateOptions {
  cases?: number;
  seed?: number;
  onProgress?: (message: string) => void;
}

export interface GeneratedHistory {
  cases: number;
  calls: number;
  contacts: number;
  seed: number;
  seconds: number;
}

interface Marker {
  generator: string;
  version: number;
  cases: number;
  seed: number;
  /** false while loading: a load that failed part way is replaced by the next one. */
  complete: boolean;
  /** While loading: the indexes dropped for the load, so that a load killed part way has them rebuilt by the next. */
  droppedIndexes?: IndexDefinition[];
}

interface IndexDefinition {
  name: string;
  definition: string;
}

const MARKER_GENERATOR = 'bench/generate-history.ts';

/** Migrates, adds the bank holidays and builds calendar_days (what `startSystem` does at start-up). */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  const handle = openDatabase({ databaseUrl, poolSize: 2 });
  try {
    await migrateToLatest(handle.db);
    const added = await syncBankHolidays(handle.db);
    await new CalendarHolder(handle.db).refresh({ rebuildTable: added > 0 });
  } finally {
    await handle.close();
  }
}

/** The history already in the database, if this generator wrote it. */
export async function existingHistory(databaseUrl: string): Promise<(Marker & { rows: number }) | null> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ comment: string | null; n: string }>(
      `select obj_description('cases'::regclass, 'pg_class') as comment, (select count(*) from cases) as n`,
    );
    const row = rows[0];
    const marker = parseMarker(row?.comment ?? null);
    return marker ? { ...marker, rows: Number(row?.n) } : null;
  });
}

/** True when the database holds exactly the history these options would generate. */
export async function historyMatches(databaseUrl: string, options: GenerateOptions = {}): Promise<boolean> {
  const found = await existingHistory(databaseUrl);
  const cases = options.cases ?? DEFAULT_CASES;
  return found !== null && found.complete && found.version === GENERATOR_VERSION && found.cases === cases
    && found.seed === (options.seed ?? DEFAULT_SEED) && found.rows === cases;
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

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const fmt = (n: number) => n.toLocaleString('en-GB');

/**
 * Writes the history into a migrated database with calendar_days filled (see prepareDatabase).
 * The database must hold no cases, calls or contacts, or only ones this generator wrote (they
 * are replaced). Returns the row counts.
 */
export async function generateHistory(databaseUrl: string, options: GenerateOptions = {}): Promise<GeneratedHistory> {
  const n = options.cases ?? DEFAULT_CASES;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_CASES) throw new RangeError(`--cases must be a whole number from 1 to ${fmt(MAX_CASES)}`);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 40) throw new RangeError('--seed must be a whole number from 0 to 2^40');
  const progress = options.onProgress ?? (() => undefined);
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const say = (message: string) => progress(`[${elapsed()}] ${message}`);

  const calls = Math.round(n * CALLS_PER_CASE);
  const contacts = Math.round(n * CONTACTS_PER_CASE);
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    // Benchmark data: losing the last commits in a crash costs a rerun, nothing more.
    await client.query(`set synchronous_commit = off`);
    await client.query(`set maintenance_work_mem = '256MB'`);
    return client;
  }));
  const [main] = clients as [pg.Client, ...pg.Client[]];
  try {
    const previous = await clearPrevious(main, say);
    const bodyIds = await insertBodies(main);
    // Freshly built: without statistics the planner joins the calendar by nested loops.
    await main.query('analyze calendar_days');

    const present = await secondaryIndexes(main);
    const missing = (previous?.droppedIndexes ?? []).filter((d) => !present.some((p) => p.name === d.name));
    const indexes = [...present, ...missing];
    const marker = (complete: boolean): string => {
      const m: Marker = { generator: MARKER_GENERATOR, version: GENERATOR_VERSION, cases: n, seed, complete, ...(complete ? {} : { droppedIndexes: indexes }) };
      return `'${JSON.stringify(m).replace(/'/g, "''")}'`;
    };
    await main.query(`comment on table cases is ${marker(false)}`);
    say(`dropping ${present.length} secondary indexes for the load${missing.length ? ` (and rebuilding ${missing.length} an interrupted load left out)` : ''}`);
    for (const index of present) await main.query(`drop index ${index.name}`);
    try {
      type Table = 'cases' | 'calls' | 'contacts' | 'case_bodies';
      type Task = { table: Table; sql: string; rows: number };
      const slices = (total: number, table: Table, build: (lo: number, hi: number) => string): Task[] => {
        const tasks: Task[] = [];
        for (let lo = 0; lo < total; lo += SLICE) {
          const hi = Math.min(total, lo + SLICE) - 1;
          tasks.push({ table, sql: build(lo, hi), rows: hi - lo + 1 });
        }
        return tasks;
      };
      const totals: Record<Table, number> = { cases: n, calls, contacts, case_bodies: n };
      const done: Record<Table, number> = { cases: 0, calls: 0, contacts: 0, case_bodies: 0 };
      const whole = n + calls + contacts + n;
      const run = (client: pg.Client, task: Task) => client.query(task.sql).then(() => {
        done[task.table] += task.rows;
        const all = done.cases + done.calls + done.contacts + done.case_bodies;
        say(`${task.table} ${fmt(done[task.table])}/${fmt(totals[task.table])}; all rows ${Math.floor((100 * all) / whole)}%`);
      });
      say(`loading ${fmt(n)} cases, ${fmt(calls)} calls and ${fmt(contacts)} contacts on ${CONNECTIONS} connections`);
      await runOnClients(clients, [
        ...slices(n, 'cases', (lo, hi) => casesSql(lo, hi, n, seed)),
        ...slices(calls, 'calls', (lo, hi) => callsSql(lo, hi, calls, seed)),
        ...slices(contacts, 'contacts', (lo, hi) => contactsSql(lo, hi, contacts, seed)),
      ], run);
      // Once every case is in: a link's foreign key check is far quicker on committed cases.
      await runOnClients(clients, slices(n, 'case_bodies', (lo, hi) => caseBodiesSql(lo, hi, seed, bodyIds)), run);
    } catch (error) {
      // Leave the schema as the migrations made it, even when the load failed.
      for (const index of indexes) await main.query(index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')).catch(() => undefined);
      throw error;
    }
    await main.query(`select setval(pg_get_serial_sequence('cases', 'id'), $1)`, [n]);
    await main.query(`select setval(pg_get_serial_sequence('calls', 'id'), $1)`, [calls]);
    await main.query(`select setval(pg_get_serial_sequence('contacts', 'id'), $1)`, [contacts]);
    await raiseReferenceSequences(main, n);

    say(`rebuilding ${indexes.length} indexes`);
    await runOnClients(clients, indexes, async (client, index) => {
      const t = performance.now();
      await client.query(index.definition);
      say(`  ${index.name} (${((performance.now() - t) / 1000).toFixed(1)}s)`);
    });

    await main.query(`comment on table cases is ${marker(true)}`);
    say('vacuum analyze');
    await runOnClients(clients, [...TABLES, 'bodies', 'calendar_days'], (client, table) => client.query(`vacuum analyze ${table}`).then(() => undefined));
    say(`done: ${fmt(n)} cases, ${fmt(calls)} calls, ${fmt(contacts)} contacts`);
    return { cases: n, calls, contacts, seed, seconds: (performance.now() - started) / 1000 };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** Runs the items on the clients, each client taking the next item when it is free. */
async function runOnClients<T>(clients: readonly pg.Client[], items: readonly T[], work: (client: pg.Client, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(clients.map(async (client) => {
    for (let i = next++; i < items.length; i = next++) await work(client, items[i] as T);
  }));
}

/** Empties the tables of a previous generated history; returns the marker the previous load left, if any. */
async function clearPrevious(client: pg.Client, say: (message: string) => void): Promise<Marker | null> {
  const { rows } = await client.query<{ comment: string | null; cases: string; calls: string; contacts: string }>(
    `select obj_description('cases'::regclass, 'pg_class') as comment,
            (select count(*) from cases) as cases, (select count(*) from calls) as calls, (select count(*) from contacts) as contacts`,
  );
  const row = rows[0];
  const marker = parseMarker(row?.comment ?? null);
  if (!row || (Number(row.cases) === 0 && Number(row.calls) === 0 && Number(row.contacts) === 0)) return marker;
  if (!marker) {
    throw new Error('The database already holds cases, calls or contacts this generator did not write: use an empty database');
  }
  say('removing the previously generated history');
  await client.query(`truncate case_bodies, cases, calls, contacts restart identity cascade`);
  return marker;
}

/** The bench's bodies (made once, kept when the history is generated again): their ids in code order. */
async function insertBodies(client: pg.Client): Promise<number[]> {
  await client.query(
    `insert into bodies (code, name, kind, council_type, fictional)
     select 'BENCH-' || lpad(b::text, 3, '0'), 'Bench Council ' || lpad(b::text, 3, '0'), 'council', 'district', true
       from generate_series(1, ${BODIES}) b
     order by b
     on conflict (code) do nothing`,
  );
  const { rows } = await client.query<{ id: number }>(`select id from bodies where code ~ '^BENCH-[0-9]{3}$' order by code`);
  if (rows.length !== BODIES) throw new Error(`Expected ${BODIES} bench bodies, found ${rows.length}`);
  return rows.map((r) => r.id);
}

/** Indexes that back no constraint (primary keys, unique and foreign keys stay). */
async function secondaryIndexes(client: pg.Client): Promise<IndexDefinition[]> {
  const { rows } = await client.query<IndexDefinition>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i
      where i.indrelid = any (array[${TABLES.map((t) => `'${t}'::regclass`).join(', ')}])
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
      order by pg_relation_size(i.indrelid) desc, name`,
  );
  return rows;
}

/** The first row index of each calendar year's references: row i is numbered i - first + 1 in its year. */
function firstIndexByYear(total: number): { firstYear: number; firsts: number[] } {
  const days = calendarDaysBetween(HISTORY_FROM, HISTORY_TO) + 1;
  const firstYear = Number(HISTORY_FROM.slice(0, 4));
  const lastYear = Number(HISTORY_TO.slice(0, 4));
  const firsts: number[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    const offset = calendarDaysBetween(HISTORY_FROM, `${year}-01-01`);
    // Row i's nominal day is floor(i * days / total); the first row on or after `offset` is ceil(offset * total / days).
    firsts.push(Math.max(0, Math.ceil((offset * total) / days)));
  }
  return { firstYear, firsts };
}

async function raiseReferenceSequences(client: pg.Client, total: number): Promise<void> {
  const { firstYear, firsts } = firstIndexByYear(total);
  const values = firsts.map((first, k) => {
    const nextFirst = firsts[k + 1] ?? total;
    return `(${firstYear + k}, ${nextFirst - first})`;
  });
  await client.query(`insert into reference_sequences (year, last_value) values ${values.join(', ')}
    on conflict (year) do update set last_value = greatest(reference_sequences.last_value, excluded.last_value)`);
}

/** A uniform number in [0, 1) for row `g.i` and the given stream: a hash, the same wherever and whenever it is computed. */
function uniform(seed: number, stream: number): string {
  return `((hashint8extended(g.i, ${seed * 1000 + stream}) & 2147483647)::float8 / 2147483648.0)`;
}

/** The London instant of a date plus a whole number of seconds (or milliseconds) on the wall clock. */
function londonAt(day: string, amount: string, unit: 'second' | 'millisecond' = 'second'): string {
  return `((${day}) + interval '1 ${unit}' * (${amount}))::timestamp at time zone 'Europe/London'`;
}

const days = () => calendarDaysBetween(HISTORY_FROM, HISTORY_TO) + 1;
const nowLiteral = () => `'${NOW.toISOString()}'::timestamptz`;

const CATEGORIES = [
  'Adult care services', 'Benefits and tax', "Children's services", 'Corporate and other services', 'Education',
  'Environmental services', 'Highways and transport', 'Housing', 'Planning and development',
];
const ASSESSMENT_OUTCOMES = [
  'closed-after-initial-enquiries', 'closed-after-initial-enquiries', 'closed-after-initial-enquiries',
  'referred-back-for-local-resolution', 'referred-back-for-local-resolution', 'incomplete-or-invalid', 'advice-given',
];
const INVESTIGATION_OUTCOMES = ['upheld-fault-injustice', 'upheld-fault-injustice', 'upheld-fault-no-injustice', 'upheld-remedied-by-body', 'not-upheld', 'not-upheld'];
const CONTACT_OUTCOMES = ['advice-given', 'advice-given', 'signposted', 'premature', 'premature', 'case-created', 'case-created'];

/** `(array[...])[1 + floor(u * length)]`: one of the values, each as likely. */
function pick(values: readonly string[], u: string): string {
  return `(array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}])[1 + floor(${u} * ${values.length})::int]`;
}

function casesSql(lo: number, hi: number, total: number, seed: number): string {
  const u = (k: number) => uniform(seed, k);
  const { firstYear, firsts } = firstIndexByYear(total);
  return `
with generated as (
  select g.i, r.nominal_day, rd.day as received_day, rd.twentieth_working_day,
         a.received_at, m.milestone_at, z.closed_raw, m.investigated, r.joint, r.stuck, r.category, r.u_outcome
    from generate_series(${lo}::bigint, ${hi}::bigint) g(i)
    cross join lateral (select date '${HISTORY_FROM}' + (g.i * ${days()} / ${total})::int as nominal_day,
                               ${u(1)} as u1, ${u(2)} as u2, ${u(3)} as u3, ${u(4)} as u4, ${u(5)} as u5, ${u(6)} as u6,
                               ${u(7)} as u7, ${u(8)} as u8, ${u(9)} as u9, ${u(10)} as u10,
                               ${u(11)} < 0.03 as joint, ${u(12)} < 0.002 as stuck,
                               ${pick(CATEGORIES, u(13))} as category, ${u(14)} as u_outcome) r
    join calendar_days nd on nd.day = r.nominal_day
    join calendar_days rd on rd.day = case when not nd.working and r.u1 < 0.7 then nd.next_working_day else nd.day end
    cross join lateral (select
        ${londonAt('rd.day', 'case when r.u2 < 0.85 then 28800 + floor(r.u3 * 36000) else floor(r.u3 * 86400) end')} as received_at,
        rd.working_day_number + case when r.u4 < 0.80 then 1 + floor(sqrt(r.u5) * 20)::int
                                     when r.u4 < 0.97 then 21 + floor(r.u5 * 30)::int
                                     else 51 + floor(r.u5 * 100)::int end as milestone_number,
        (case when r.u7 < 0.79 then floor(r.u8 * 91)
              when r.u7 < 0.91 then 91 + floor(r.u8 * 91)
              when r.u7 < 0.99 then 182 + floor(r.u8 * 182)
              else 364 + floor(r.u8 * 300) end)::int as duration) a
    join calendar_days md on md.working and md.working_day_number = a.milestone_number
    join calendar_days cd on cd.day = rd.day + a.duration
    cross join lateral (select
        ${londonAt('md.day', '32400 + floor(r.u6 * 28800)')} as milestone_at,
        greatest(case when cd.working then cd.day else cd.next_working_day end, md.day) as closure_day,
        r.u10 < case when a.duration < 91 then 0.06 when a.duration < 182 then 0.35 when a.duration < 364 then 0.6 else 0.8 end as investigated) m
    cross join lateral (select case when m.closure_day = md.day then m.milestone_at + interval '1 second' * floor(r.u9 * 7200)
                                    else ${londonAt('m.closure_day', '36000 + floor(r.u9 * 25200)')} end as closed_raw) z
),
visible as (
  select *,
         case when not investigated and milestone_at <= ${nowLiteral()} then milestone_at end as assessment_decided_at,
         case when investigated and milestone_at <= ${nowLiteral()} then milestone_at end as allocated_at,
         case when not stuck and closed_raw <= ${nowLiteral()} then closed_raw end as closed_at
    from generated
    cross join lateral (select i - (array[${firsts.join(', ')}])[extract(year from nominal_day)::int - ${firstYear} + 1] + 1 as seq) g_seq
)
insert into cases (id, reference, received_at, registered_at, category, subcategory, jurisdiction, stage, team, joint,
                     assessment_due_on, assessment_decided_at, allocated_at, decided_at, closed_at, outcome, imported)
  select i + 1,
         to_char(extract(year from nominal_day)::int % 100, 'FM00') || ' ' || to_char(seq / 1000, 'FM000') || ' ' || to_char(seq % 1000, 'FM000'),
         received_at, received_at, category, '',
         case when category = 'Adult care services' then 'adult-social-care' else 'local-government' end,
         case when closed_at is not null then 'closed' when allocated_at is not null then 'investigation' else 'assessment' end,
         case when joint then 'joint' when allocated_at is not null then 'investigation' else 'assessment' end,
         joint, twentieth_working_day, assessment_decided_at, allocated_at, closed_at, closed_at,
         case when closed_at is null then null
              when investigated then ${pick(INVESTIGATION_OUTCOMES, 'u_outcome')}
              else ${pick(ASSESSMENT_OUTCOMES, 'u_outcome')} end,
         true
    from visible`;
}

/** Each case linked to one body: a few large councils, many small ones. */
function caseBodiesSql(lo: number, hi: number, seed: number, bodyIds: readonly number[]): string {
  return `
insert into case_bodies (case_id, body_id)
select g.i + 1, (array[${bodyIds.join(', ')}])[1 + floor(power(${uniform(seed, 15)}, 2) * ${bodyIds.length})::int]
  from generate_series(${lo}::bigint, ${hi}::bigint) g(i)`;
}

function callsSql(lo: number, hi: number, total: number, seed: number): string {
  const u = (k: number) => uniform(seed, 100 + k);
  return `
insert into calls (id, call_id, presented_at, answered_at)
select g.i + 1, 'CALL-' || lpad((g.i + 1)::text, 9, '0'), p.presented_at,
       case when ${u(3)} < 0.975 then p.presented_at + interval '1 millisecond' * floor(-ln(1 - ${u(4)}) * 19000) end
  from generate_series(${lo}::bigint, ${hi}::bigint) g(i)
  join calendar_days nd on nd.day = date '${HISTORY_FROM}' + (g.i * ${days()} / ${total})::int
  cross join lateral (select ${londonAt('case when nd.working then nd.day else nd.next_working_day end',
    `floor((30600 + (${u(1)} + ${u(2)}) / 2 * 32400) * 1000)`, 'millisecond')} as presented_at) p`;
}

function contactsSql(lo: number, hi: number, total: number, seed: number): string {
  const u = (k: number) => uniform(seed, 200 + k);
  return `
insert into contacts (id, external_id, channel, received_at, dealt_with_at, outcome)
select i + 1, 'CONTACT-' || lpad((i + 1)::text, 9, '0'), channel, received_at,
       case when dealt_raw <= ${nowLiteral()} and not never then dealt_raw end,
       case when dealt_raw <= ${nowLiteral()} and not never then ${pick(CONTACT_OUTCOMES, 'u_outcome')} end
  from (
    select g.i, c.channel, r.received_at, r.never, r.u_outcome,
           case when c.channel in ('phone', 'in-person') then r.received_at + interval '1 second' * floor(r.u5 * 900)
                when r.u4 < 0.975 then r.received_at + interval '1 second' * floor(r.u5 * 79200)
                when r.u4 < 0.995 then r.received_at + interval '1 second' * (79200 + floor(r.u5 * 259200))
                else r.received_at + interval '1 second' * (345600 + floor(r.u5 * 864000)) end as dealt_raw
      from generate_series(${lo}::bigint, ${hi}::bigint) g(i)
      cross join lateral (select case when ${u(1)} < 0.52 then 'email' when ${u(1)} < 0.82 then 'web'
                                      when ${u(1)} < 0.92 then 'letter' when ${u(1)} < 0.97 then 'phone' else 'in-person' end as channel) c
      join calendar_days nd on nd.day = date '${HISTORY_FROM}' + (g.i * ${days()} / ${total})::int
      cross join lateral (select
          ${londonAt(`case when c.channel in ('email', 'web') or nd.working then nd.day else nd.next_working_day end`,
            `case when c.channel = 'letter' then 32400 + floor(${u(3)} * 7200)
                  when c.channel in ('phone', 'in-person') then 32400 + floor(${u(3)} * 28800)
                  when ${u(2)} < 0.7 then 28800 + floor(${u(3)} * 43200)
                  else floor(${u(3)} * 86400) end`)} as received_at,
          ${u(4)} as u4, ${u(5)} as u5, ${u(6)} < 0.001 as never, ${u(7)} as u_outcome) r
  ) x`;
}

// ---------------------------------------------------------------------------------------------
// Run alone

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      cases: { type: 'string', default: String(DEFAULT_CASES) },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
    },
  });
  const databaseUrl = values['database-url'];
  if (!databaseUrl) throw new Error('Give --database-url postgres://... (a migrated or empty database)');
  const options: GenerateOptions = { cases: Number(values.cases), seed: Number(values.seed), onProgress: (m) => console.log(m) };
  await prepareDatabase(databaseUrl);
  await generateHistory(databaseUrl, options);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
