import { sql } from 'kysely';
import type { Db } from './cases.ts';

export interface QueueFilter {
  stages: string[];
  team?: string;
  ownerId?: number;
}

export interface QueueCursor {
  dueOn: string;
  id: number;
}

/** The columns every case list shows. */
function caseListQuery(db: Db) {
  return db
    .selectFrom('cases as c')
    .leftJoin('people as p', 'p.id', 'c.complainant_id')
    .leftJoin('staff_users as u', 'u.id', 'c.owner_id')
    .select([
      'c.id',
      'c.reference',
      'c.received_at',
      'c.stage',
      'c.team',
      'c.joint',
      'c.category',
      'c.subcategory',
      'c.assessment_due_on',
      'c.clock_stopped_at',
      'c.closed_at',
      'c.outcome',
      'p.full_name as complainant_name',
      'u.display_name as owner_name',
    ])
    .select(
      sql<string>`(select string_agg(b.name, ', ' order by b.name) from case_bodies cb join bodies b on b.id = cb.body_id where cb.case_id = c.id)`.as(
        'body_names',
      ),
    );
}
export type CaseListRow = Awaited<ReturnType<ReturnType<typeof caseListQuery>['execute']>>[number];

/**
 * A work queue ordered by the 20-working-day deadline, then id, read a page at a time with a
 * keyset cursor so it stays as fast on page 500 as on page 1 (index cases_queue_idx).
 */
function queuePageQuery(db: Db, filter: QueueFilter, after: QueueCursor | undefined, limit: number) {
  let query = caseListQuery(db).where('c.stage', 'in', filter.stages);
  if (filter.team) query = query.where('c.team', '=', filter.team);
  if (filter.ownerId !== undefined) query = query.where('c.owner_id', '=', filter.ownerId);
  if (after) {
    // A row comparison, so the index seeks straight to the cursor instead of filtering up to it.
    query = query.where((eb) => eb(eb.refTuple('c.assessment_due_on', 'c.id'), '>', eb.tuple(after.dueOn, after.id)));
  }
  return query.orderBy('c.assessment_due_on').orderBy('c.id').limit(limit);
}

function countQueueQuery(db: Db, filter: QueueFilter) {
  let query = db.selectFrom('cases as queued').select((eb) => eb.fn.countAll<number>().as('n')).where('queued.stage', 'in', filter.stages);
  if (filter.team) query = query.where('queued.team', '=', filter.team);
  if (filter.ownerId !== undefined) query = query.where('queued.owner_id', '=', filter.ownerId);
  return query;
}

export async function countQueue(db: Db, filter: QueueFilter): Promise<number> {
  const row = await countQueueQuery(db, filter).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A page of a queue and how many cases the whole queue holds, in one statement (the count is the
 * same index-only scan either way; a second round trip cost the server as much again). A page
 * past the end has no row to carry the count, so it is counted on its own.
 */
export async function queuePageWithTotal(db: Db, filter: QueueFilter, after: QueueCursor | undefined, limit: number): Promise<{ rows: CaseListRow[]; total: number }> {
  const withTotal = await queuePageQuery(db, filter, after, limit).select(countQueueQuery(db, filter).as('queue_total')).execute();
  if (withTotal.length === 0) return { rows: [], total: await countQueue(db, filter) };
  const total = Number(withTotal[0]?.queue_total);
  return { rows: withTotal.map(({ queue_total: _total, ...row }) => row), total };
}

/** Open cases per investigator, by stage. */
export async function caseloads(db: Db) {
  return db
    .selectFrom('staff_users as u')
    .leftJoin('cases as c', (join) => join.onRef('c.owner_id', '=', 'u.id').on('c.closed_at', 'is', null))
    .select([
      'u.id',
      'u.display_name',
      'u.team',
      sql<number>`count(c.id) filter (where c.stage = 'investigation')`.as('investigation'),
      sql<number>`count(c.id) filter (where c.stage = 'draft-decision')`.as('draft_decision'),
      sql<number>`count(c.id) filter (where c.stage = 'compliance')`.as('compliance'),
      sql<number>`count(c.id)`.as('total'),
      sql<Date | null>`min(c.received_at)`.as('oldest_received_at'),
    ])
    .where(sql<boolean>`'investigator' = any(u.roles)`)
    .where('u.active', '=', true)
    .groupBy(['u.id', 'u.display_name', 'u.team'])
    .orderBy('u.display_name')
    .execute();
}

/**
 * Open cases by age in calendar days from the London date of receipt: under 13 weeks (< 91 days),
 * 13-26, 26-52, and over 52 weeks. `today` is a London date.
 */
export async function openCasesByAge(db: Db, today: string, team?: string) {
  const receivedOn = sql`(c.received_at at time zone 'Europe/London')::date`;
  const age = sql`(${today}::date - ${receivedOn})`;
  let query = db
    .selectFrom('cases as c')
    .select([
      sql<number>`count(*) filter (where ${age} < 91)`.as('under13'),
      sql<number>`count(*) filter (where ${age} >= 91 and ${age} < 182)`.as('from13to26'),
      sql<number>`count(*) filter (where ${age} >= 182 and ${age} < 364)`.as('from26to52'),
      sql<number>`count(*) filter (where ${age} >= 364)`.as('over52'),
      sql<number>`count(*)`.as('total'),
    ])
    .where('c.closed_at', 'is', null);
  if (team) query = query.where('c.team', '=', team);
  return query.executeTakeFirstOrThrow();
}

/** Open cases received on or before a London date, oldest first: the drill-down behind an age band. */
export async function openCasesReceivedBetween(db: Db, fromDate: string | undefined, toDate: string | undefined, limit: number) {
  let query = caseListQuery(db).where('c.closed_at', 'is', null);
  if (fromDate) query = query.where(sql<boolean>`(c.received_at at time zone 'Europe/London')::date >= ${fromDate}::date`);
  if (toDate) query = query.where(sql<boolean>`(c.received_at at time zone 'Europe/London')::date <= ${toDate}::date`);
  return query.orderBy('c.received_at').orderBy('c.id').limit(limit).execute();
}

/** Search by reference, complainant or representative name, or body name. */
export async function searchCases(db: Db, criteria: { reference?: string; text?: string }, limit: number) {
  let query = caseListQuery(db);
  if (criteria.reference) {
    query = query.where('c.reference', '=', criteria.reference);
  } else if (criteria.text) {
    // The person's text is matched literally: % and _ are not wildcards here.
    const prefix = `${criteria.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const people = db.selectFrom('people').select('id').where(sql<boolean>`lower(full_name) like ${prefix} escape '\\'`);
    // One index-driven lookup per way a case can match, unioned, then joined by primary key: an OR
    // across the three made PostgreSQL scan every case (seconds at a million cases). The people
    // are an array, not an IN (subquery): the planner then probes the cases' index once per person
    // instead of merging the subquery with the whole of cases_representative_idx (207 ms -> 10 ms).
    const matching = db
      .selectFrom('cases as byComplainant').select('byComplainant.id').where(sql<boolean>`${sql.ref('byComplainant.complainant_id')} = any (array(${people}))`)
      .union(db.selectFrom('cases as byRepresentative').select('byRepresentative.id').where(sql<boolean>`${sql.ref('byRepresentative.representative_id')} = any (array(${people}))`))
      .union(
        db.selectFrom('case_bodies as cb').innerJoin('bodies as b', 'b.id', 'cb.body_id').select('cb.case_id as id').where(sql<boolean>`lower(b.name) like ${prefix} escape '\\'`),
      );
    query = query.where('c.id', 'in', matching);
  }
  return query.orderBy('c.received_at', 'desc').orderBy('c.id', 'desc').limit(limit).execute();
}
