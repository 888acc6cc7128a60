import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import type { Db } from './cases.ts';
import { addCalendarDays, londonMidnight, type IsoDate } from '../../domain/london-time.ts';
import {
  compliedStatuses,
  figures,
  INCOMPLETE_OR_INVALID,
  investigationOutcomes,
  noRemedies,
  PENDING,
  REMEDIED_BY_BODY,
  serviceImprovementKinds,
  upheldOutcomes,
  type BodyFigures,
  type Quartiles,
  type RemediesByKind,
} from '../../domain/body-statistics.ts';
import type { Period } from '../../domain/service-standards.ts';
import type { CasePerson } from '../../domain/anonymisation.ts';
import { remedyKinds, type RemedyKind } from '../../domain/vocabulary.ts';

/**
 * The body statistics in the database: the definitions of src/domain/body-statistics.ts (read
 * its doc comment) as set-based aggregates, so a year over a million cases never leaves
 * PostgreSQL. Each query groups by body through case_bodies and is a range scan of one index
 * (cases received_at or closed_at, remedies due_on).
 *
 * Conventions, as in ./service-standards.ts:
 * - "London date of x is in [from, to]" is londonMidnight(from) <= x < londonMidnight(to + 1),
 *   both instants computed here, so the indexes are used;
 * - the London date of an instant column is `(x at time zone 'Europe/London')::date`.
 */

const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

function bounds(period: Period): { start: RawBuilder<Date>; end: RawBuilder<Date> } {
  return {
    start: sql`${londonMidnight(period.from)}::timestamptz`,
    end: sql`${londonMidnight(addCalendarDays(period.to, 1))}::timestamptz`,
  };
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

interface Counts {
  received: number;
  decisions: number;
  investigations: number;
  upheld: number;
  remedied: number;
  settled: number;
  complied: number;
}

const zero = (): Counts => ({ received: 0, decisions: 0, investigations: 0, upheld: 0, remedied: 0, settled: 0, complied: 0 });

/** Every body's headline figures for the period, keyed by body id (bodies with nothing in the period are absent). */
export async function countBodyFigures(db: Db, period: Period): Promise<Map<number, Counts>> {
  const { start, end } = bounds(period);
  const [received, closed, remedies] = await Promise.all([
    sql<{ body_id: number; n: number }>`
      select cb.body_id, count(*) as n
        from cases c join case_bodies cb on cb.case_id = c.id
       where c.received_at >= ${start} and c.received_at < ${end}
       group by cb.body_id`.execute(db),
    sql<{ body_id: number; decisions: number; investigations: number; upheld: number; remedied: number }>`
      select cb.body_id,
             count(*) as decisions,
             count(*) filter (where c.outcome in (${list(investigationOutcomes)})) as investigations,
             count(*) filter (where c.outcome in (${list(upheldOutcomes)})) as upheld,
             count(*) filter (where c.outcome = ${sql.lit(REMEDIED_BY_BODY)}) as remedied
        from cases c join case_bodies cb on cb.case_id = c.id
       where c.closed_at >= ${start} and c.closed_at < ${end}
       group by cb.body_id`.execute(db),
    sql<{ body_id: number; settled: number; complied: number }>`
      select cb.body_id,
             count(*) as settled,
             count(*) filter (where r.status in (${list(compliedStatuses)})) as complied
        from remedies r join case_bodies cb on cb.case_id = r.case_id
       where r.due_on >= ${period.from}::date and r.due_on <= ${period.to}::date and r.status <> ${sql.lit(PENDING)}
       group by cb.body_id`.execute(db),
  ]);
  const byBody = new Map<number, Counts>();
  const of = (id: number) => {
    let counts = byBody.get(id);
    if (!counts) byBody.set(id, (counts = zero()));
    return counts;
  };
  for (const r of received.rows) of(r.body_id).received = num(r.n);
  for (const r of closed.rows) {
    const c = of(r.body_id);
    c.decisions = num(r.decisions);
    c.investigations = num(r.investigations);
    c.upheld = num(r.upheld);
    c.remedied = num(r.remedied);
  }
  for (const r of remedies.rows) {
    const c = of(r.body_id);
    c.settled = num(r.settled);
    c.complied = num(r.complied);
  }
  return byBody;
}

export interface BodyRef {
  id: number;
  code: string;
}

export async function allBodyRefs(db: Db): Promise<BodyRef[]> {
  return db.selectFrom('bodies').select(['id', 'code']).execute();
}

/** Every body's figures, in the order of `bodies`. */
export function bodyFiguresFrom(bodies: readonly BodyRef[], counts: Map<number, Counts>): BodyFigures[] {
  return bodies.map((b) => figures(b.code, counts.get(b.id) ?? zero()));
}

/** Remedies agreed in decisions made in the period (decided_at, else closed_at), by body id and kind. */
export async function countRemediesByKind(db: Db, period: Period): Promise<Map<number, RemediesByKind>> {
  const { start, end } = bounds(period);
  // Driven from remedies (far fewer rows than cases); coalesce(decided_at, closed_at) has no index.
  const { rows } = await sql<{ body_id: number; kind: string; n: number }>`
    select cb.body_id, r.kind, count(*) as n
      from remedies r
      join cases c on c.id = r.case_id
      join case_bodies cb on cb.case_id = r.case_id
     where coalesce(c.decided_at, c.closed_at) >= ${start} and coalesce(c.decided_at, c.closed_at) < ${end}
       and r.kind in (${list(remedyKinds.values)})
     group by cb.body_id, r.kind`.execute(db);
  const byBody = new Map<number, RemediesByKind>();
  for (const r of rows) {
    const byKind = byBody.get(r.body_id) ?? noRemedies();
    byKind[r.kind as RemedyKind] = num(r.n);
    byBody.set(r.body_id, byKind);
  }
  return byBody;
}

/** Median and quartiles of calendar days from receipt to decision, over the period's decisions (incomplete-or-invalid left out), by body id. */
export async function timeToDecisionQuartiles(db: Db, period: Period): Promise<Map<number, Quartiles>> {
  const { start, end } = bounds(period);
  const { rows } = await sql<{ body_id: number; n: number; q: (number | string)[] }>`
    select cb.body_id, count(*) as n,
           percentile_cont(array[0.25, 0.5, 0.75]::float8[]) within group (order by d.days) as q
      from cases c
      join case_bodies cb on cb.case_id = c.id
      cross join lateral (
        select ((coalesce(c.decided_at, c.closed_at) at time zone 'Europe/London')::date
                - (c.received_at at time zone 'Europe/London')::date) as days
      ) d
     where c.closed_at >= ${start} and c.closed_at < ${end}
       and c.outcome is distinct from ${sql.lit(INCOMPLETE_OR_INVALID)}
     group by cb.body_id`.execute(db);
  const byBody = new Map<number, Quartiles>();
  for (const r of rows) {
    const q = parseFloatArray(r.q);
    byBody.set(r.body_id, { count: num(r.n), lowerQuartile: q[0] ?? 0, median: q[1] ?? 0, upperQuartile: q[2] ?? 0 });
  }
  return byBody;
}

/**
 * Time to decision over all councils of each council type, and over every council ("England"),
 * as timeToDecisionQuartiles does for one body: a case about two councils counts for each.
 */
export async function councilTimeToDecisionQuartiles(db: Db, period: Period): Promise<{ byCouncilType: Map<string, Quartiles>; england: Quartiles | null }> {
  const { start, end } = bounds(period);
  const { rows } = await sql<{ council_type: string | null; everything: number; n: number; q: (number | string)[] }>`
    select b.council_type, grouping(b.council_type) as everything, count(*) as n,
           percentile_cont(array[0.25, 0.5, 0.75]::float8[]) within group (order by d.days) as q
      from cases c
      join case_bodies cb on cb.case_id = c.id
      join bodies b on b.id = cb.body_id
      cross join lateral (
        select ((coalesce(c.decided_at, c.closed_at) at time zone 'Europe/London')::date
                - (c.received_at at time zone 'Europe/London')::date) as days
      ) d
     where c.closed_at >= ${start} and c.closed_at < ${end}
       and c.outcome is distinct from ${sql.lit(INCOMPLETE_OR_INVALID)}
       and b.kind = 'council'
     group by grouping sets ((b.council_type), ())`.execute(db);
  const byCouncilType = new Map<string, Quartiles>();
  let england: Quartiles | null = null;
  for (const r of rows) {
    // The grand total's row is there even over no cases.
    if (num(r.n) === 0) continue;
    const q = parseFloatArray(r.q);
    const quartiles = { count: num(r.n), lowerQuartile: q[0] ?? 0, median: q[1] ?? 0, upperQuartile: q[2] ?? 0 };
    if (Number(r.everything) === 1) england = quartiles;
    else if (r.council_type !== null) byCouncilType.set(r.council_type, quartiles);
  }
  return { byCouncilType, england };
}

/** float8[] arrives as numbers from pg, possibly as the text '{1,2.5,3}' from PGlite. */
function parseFloatArray(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === 'string') return value.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
  return [];
}

export interface PublishedImprovement {
  kind: RemedyKind;
  description: string;
  /** The decision date (London). */
  decidedOn: IsoDate;
  dueOn: IsoDate;
  status: string;
}

/** An agreed service improvement as written, with the case's people whose details must not be published with it. */
export interface AgreedImprovement extends PublishedImprovement {
  people: CasePerson[];
}

/**
 * The service improvements (and procedure reviews and training) each body agreed in decisions
 * made in the period, with their descriptions as caseworkers wrote them and the case's
 * complainant and representative, by body id: these are published once made anonymous (see
 * publishableImprovement). Never a personal remedy (see serviceImprovementKinds).
 */
export async function agreedServiceImprovements(db: Db, period: Period): Promise<Map<number, AgreedImprovement[]>> {
  const { start, end } = bounds(period);
  type Row = { body_id: number; kind: RemedyKind; description_text: string; decided_on: IsoDate; due_on: IsoDate; status: string } & {
    [K in `${'complainant' | 'representative'}_${'name' | 'email' | 'phone' | 'address'}`]: string | null;
  };
  const { rows } = await sql<Row>`
    select cb.body_id, r.kind, r.description_text,
           (coalesce(c.decided_at, c.closed_at) at time zone 'Europe/London')::date as decided_on,
           r.due_on, r.status,
           pc.full_name as complainant_name, pc.email as complainant_email, pc.phone as complainant_phone, pc.address as complainant_address,
           pr.full_name as representative_name, pr.email as representative_email, pr.phone as representative_phone, pr.address as representative_address
      from remedies r
      join cases c on c.id = r.case_id
      join case_bodies cb on cb.case_id = r.case_id
      left join people pc on pc.id = c.complainant_id
      left join people pr on pr.id = c.representative_id
     where r.kind in (${list(serviceImprovementKinds)})
       and coalesce(c.decided_at, c.closed_at) >= ${start} and coalesce(c.decided_at, c.closed_at) < ${end}
       and r.description_text is not null and btrim(r.description_text) <> ''
     order by cb.body_id, decided_on, r.id`.execute(db);
  const personOf = (r: Row, role: 'complainant' | 'representative'): CasePerson | null =>
    (r[`${role}_name`] ?? r[`${role}_email`] ?? r[`${role}_phone`] ?? r[`${role}_address`]) === null
      ? null
      : { role: `the ${role}`, fullName: r[`${role}_name`], email: r[`${role}_email`], phone: r[`${role}_phone`], address: r[`${role}_address`] };
  const byBody = new Map<number, AgreedImprovement[]>();
  for (const r of rows) {
    const improvements = byBody.get(r.body_id) ?? [];
    const people = [personOf(r, 'complainant'), personOf(r, 'representative')].filter((p): p is CasePerson => p !== null);
    improvements.push({ kind: r.kind, description: r.description_text.trim(), decidedOn: r.decided_on, dueOn: r.due_on, status: r.status, people });
    byBody.set(r.body_id, improvements);
  }
  return byBody;
}

/** The first plan year's start with any case (by receipt or closure), or null on an empty database. */
export async function earliestActivity(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('cases')
    .select((eb) => [eb.fn.min('received_at').as('first')])
    .executeTakeFirst();
  return (row?.first as Date | null | undefined) ?? null;
}

// ---------------------------------------------------------------------------------------------
// The cache of computed figures

export interface CachedEntry<T> {
  key: string;
  computedAt: Date;
  payload: T;
}

export async function readCacheStamps(db: Db, keys: readonly string[]): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('statistics_cache').select(['key', 'computed_at']).where('key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.key, r.computed_at]));
}

export async function readCache<T>(db: Db, keys: readonly string[]): Promise<Map<string, CachedEntry<T>>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('statistics_cache').selectAll().where('key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.key, { key: r.key, computedAt: r.computed_at, payload: parseJson(r.payload) as T }]));
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

const CACHE_CHUNK = 500;

/** Deletes the keys under `prefix`, then writes the entries (insert or replace), in one transaction: readers see the old set or the new. */
export async function replaceCacheEntries(db: Db, prefix: string, entries: readonly { key: string; payload: unknown }[], computedAt: Date): Promise<void> {
  const work = async (trx: Db) => {
    await trx.deleteFrom('statistics_cache').where('key', 'like', `${escapeLike(prefix)}%`).execute();
    for (let i = 0; i < entries.length; i += CACHE_CHUNK) {
      await trx
        .insertInto('statistics_cache')
        .values(entries.slice(i, i + CACHE_CHUNK).map((e) => ({ key: e.key, computed_at: computedAt, payload: JSON.stringify(e.payload) })))
        .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ computed_at: eb.ref('excluded.computed_at'), payload: eb.ref('excluded.payload') })))
        .execute();
    }
  };
  if (db.isTransaction) await work(db);
  else await (db as Kysely<Database>).transaction().execute(work);
}

/** Deletes every cached entry whose key starts with `prefix`; returns how many. */
export async function deleteCacheEntries(db: Db, prefix: string): Promise<number> {
  const result = await db.deleteFrom('statistics_cache').where('key', 'like', `${escapeLike(prefix)}%`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A body by its code, for the public pages. */
export async function findBodyByCode(db: Db, code: string) {
  return db
    .selectFrom('bodies')
    .select(['id', 'code', 'name', 'kind', 'council_type', 'region', 'population', 'fictional'])
    .where('code', '=', code)
    .executeTakeFirst();
}

export interface BodyListing {
  id: number;
  code: string;
  name: string;
  kind: string;
  council_type: string | null;
  region: string | null;
  population: number | null;
}

/** Every council (kind 'council'), by name. */
export async function listCouncils(db: Db): Promise<BodyListing[]> {
  return db
    .selectFrom('bodies')
    .select(['id', 'code', 'name', 'kind', 'council_type', 'region', 'population'])
    .where('kind', '=', 'council')
    .orderBy('name')
    .orderBy('code')
    .execute();
}

/** Every body with what a comparison needs. */
export async function listBodiesForComparison(db: Db): Promise<(BodyListing & { code: string })[]> {
  return db.selectFrom('bodies').select(['id', 'code', 'name', 'kind', 'council_type', 'region', 'population']).execute();
}

/** The published annual letter for a body and plan year, if there is one. */
export async function publishedLetterExists(db: Db, bodyId: number, planYear: number): Promise<boolean> {
  const row = await db
    .selectFrom('annual_letters')
    .select('id')
    .where('body_id', '=', bodyId)
    .where('plan_year', '=', planYear)
    .where('published_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}
