import { sql, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { IsoDate } from '../../domain/london-time.ts';
import type { RemedyEventKind, Satisfaction } from '../../domain/remedies.ts';
import { appendEvent, type Db } from './cases.ts';

/**
 * Remedies after the decision: the overdue and due-soon lists, reminders to link officers,
 * delayed remedies, satisfaction, the public watch-list and what the retention job must keep.
 *
 * A remedy concerns the bodies it is apportioned to (remedy_shares) or, when it is not
 * apportioned, every body the case is about; a remedy about two bodies is listed under each.
 */

/** Remedies with their case and each body they concern. */
function remediesByBody(db: Db) {
  return db
    .selectFrom('remedies as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .innerJoin('case_bodies as cb', 'cb.case_id', 'r.case_id')
    .innerJoin('bodies as b', 'b.id', 'cb.body_id')
    .where((eb) => {
      const shares = () => eb.selectFrom('remedy_shares as s').select('s.remedy_id').whereRef('s.remedy_id', '=', 'r.id');
      return eb.or([eb.not(eb.exists(shares())), eb.exists(shares().whereRef('s.body_id', '=', 'cb.body_id'))]);
    });
}

// ---------------------------------------------------------------------------------------------
// The staff lists

export type RemedyListView = 'overdue' | 'delayed' | 'due-soon' | 'no-link-officer';

export interface RemedyListFilter {
  view: RemedyListView;
  today: IsoDate;
  /** The last due date counted as "due soon". */
  dueSoonUntil: IsoDate;
  bodyId?: number | undefined;
  /** The case owner; 'none' for cases with no owner. */
  ownerId?: number | 'none' | undefined;
}

/** The body's active link officers, counted: with none, nobody is reminded. */
const activeOfficerCount = sql<number>`(select count(*)::int from link_officers lo where lo.body_id = b.id and lo.active)`;

function filtered(db: Db, filter: RemedyListFilter) {
  let query = remediesByBody(db).leftJoin('staff_users as owner', 'owner.id', 'c.owner_id').where('r.status', '=', 'pending');
  if (filter.view === 'overdue') query = query.where('r.due_on', '<', filter.today);
  if (filter.view === 'delayed') query = query.where('r.delayed_at', 'is not', null);
  if (filter.view === 'due-soon') query = query.where('r.due_on', '>=', filter.today).where('r.due_on', '<=', filter.dueSoonUntil);
  if (filter.view === 'no-link-officer') {
    query = query
      .where('r.due_on', '<=', filter.dueSoonUntil)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('link_officers as lo').select('lo.id').whereRef('lo.body_id', '=', 'b.id').where('lo.active', '=', true))));
  }
  if (filter.bodyId !== undefined) query = query.where('b.id', '=', filter.bodyId);
  if (filter.ownerId === 'none') query = query.where('c.owner_id', 'is', null);
  else if (filter.ownerId !== undefined) query = query.where('c.owner_id', '=', filter.ownerId);
  return query;
}

/** One page of a staff list, most overdue (or soonest due) first. */
export async function remedyListRows(db: Db, filter: RemedyListFilter, page: { limit: number; offset: number }) {
  return filtered(db, filter)
    .select((eb) => [
      'r.id as remedy_id', 'r.kind', 'r.amount_pence', 'r.due_on', 'r.delayed_at', 'r.delayed_due_on',
      'c.id as case_id', 'c.reference', 'c.stage', 'c.owner_id', 'owner.display_name as owner_name',
      'b.id as body_id', 'b.code as body_code', 'b.name as body_name',
      activeOfficerCount.as('link_officers'),
      eb.selectFrom('remedy_reminders as rr').select(sql<Date | null>`max(rr.sent_at)`.as('t')).whereRef('rr.remedy_id', '=', 'r.id').as('last_reminder_at'),
    ])
    .orderBy('r.due_on')
    .orderBy('c.reference')
    .orderBy('r.id')
    .orderBy('b.name')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
export type RemedyListRow = Awaited<ReturnType<typeof remedyListRows>>[number];

/** How many rows each view holds (with the body and caseworker filters applied). */
export async function remedyListCounts(db: Db, filter: Omit<RemedyListFilter, 'view'>): Promise<Record<RemedyListView, number>> {
  const views: RemedyListView[] = ['overdue', 'delayed', 'due-soon', 'no-link-officer'];
  const counts = await Promise.all(
    views.map((view) => filtered(db, { ...filter, view }).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()),
  );
  return Object.fromEntries(views.map((view, i) => [view, Number(counts[i]?.n ?? 0)])) as Record<RemedyListView, number>;
}

/** A view's rows counted by body and by caseworker, for the filters (the other filter applied). */
export async function remedyListGroups(db: Db, filter: RemedyListFilter) {
  const [bodies, owners] = await Promise.all([
    filtered(db, { ...filter, bodyId: undefined })
      .select(['b.id', 'b.name', sql<number>`count(*)::int`.as('n')])
      .groupBy(['b.id', 'b.name'])
      .orderBy('b.name')
      .execute(),
    filtered(db, { ...filter, ownerId: undefined })
      .select(['c.owner_id as id', 'owner.display_name as name', sql<number>`count(*)::int`.as('n')])
      .groupBy(['c.owner_id', 'owner.display_name'])
      .orderBy('owner.display_name')
      .execute(),
  ]);
  return { bodies, owners };
}

// ---------------------------------------------------------------------------------------------
// Reminders

/** Outstanding remedies due on or before `dueOnOrBefore` (the reminder job's candidates), with their case. */
export async function outstandingRemediesDueBy(db: Db, dueOnOrBefore: IsoDate) {
  return db
    .selectFrom('remedies as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .select(['r.id', 'r.case_id', 'r.kind', 'r.due_on', 'r.status', 'c.reference'])
    .where('r.status', '=', 'pending')
    .where('r.due_on', '<=', dueOnOrBefore)
    .orderBy('r.due_on')
    .orderBy('r.id')
    .execute();
}

/** The reminders already sent for these remedies. */
export async function remindersSent(db: Db, remedyIds: readonly number[]) {
  if (remedyIds.length === 0) return [];
  return db.selectFrom('remedy_reminders').select(['remedy_id', 'kind', 'sent_at']).where('remedy_id', 'in', [...remedyIds]).orderBy('sent_at').execute();
}

/** Reads and locks a remedy for the rest of the transaction, so two workers act on it once. */
export async function lockRemedy(trx: Transaction<Database>, remedyId: number) {
  return trx.selectFrom('remedies').selectAll().where('id', '=', remedyId).forUpdate().executeTakeFirst();
}

/** Records that a reminder of this kind went; false when one already had (the primary key says so). */
export async function claimReminder(db: Db, remedyId: number, kind: string, at: Date): Promise<boolean> {
  const rows = await db
    .insertInto('remedy_reminders')
    .values({ remedy_id: remedyId, kind, sent_at: at })
    .onConflict((oc) => oc.columns(['remedy_id', 'kind']).doNothing())
    .returning('remedy_id')
    .execute();
  return rows.length > 0;
}

/** The active link officers of every body a remedy concerns. */
export async function linkOfficersForRemedy(db: Db, remedyId: number) {
  return remediesByBody(db)
    .innerJoin('link_officers as lo', 'lo.body_id', 'b.id')
    .select(['lo.id', 'lo.full_name', 'lo.email', 'b.id as body_id', 'b.name as body_name'])
    .where('r.id', '=', remedyId)
    .where('lo.active', '=', true)
    .orderBy('b.name')
    .orderBy('lo.id')
    .execute();
}

/** The names of the bodies a remedy concerns. */
export async function bodiesOfRemedy(db: Db, remedyId: number) {
  return remediesByBody(db).select(['b.id', 'b.code', 'b.name']).where('r.id', '=', remedyId).orderBy('b.name').execute();
}

// ---------------------------------------------------------------------------------------------
// Delayed remedies

/** Outstanding remedies not yet delayed whose due date is on or before `dueOnOrBefore`. */
export async function remediesToDelay(db: Db, dueOnOrBefore: IsoDate) {
  return db
    .selectFrom('remedies')
    .select(['id', 'case_id', 'kind', 'due_on'])
    .where('status', '=', 'pending')
    .where('delayed_at', 'is', null)
    .where('due_on', '<=', dueOnOrBefore)
    .orderBy('due_on')
    .orderBy('id')
    .execute();
}

export async function markRemedyDelayed(db: Db, remedyId: number, at: Date, delayedDueOn: IsoDate): Promise<void> {
  await db.updateTable('remedies').set({ delayed_at: at, delayed_due_on: delayedDueOn }).where('id', '=', remedyId).execute();
}

export async function setDelayedDueOn(db: Db, remedyId: number, dueOn: IsoDate): Promise<void> {
  await db.updateTable('remedies').set({ delayed_due_on: dueOn }).where('id', '=', remedyId).execute();
}

/** A remedy with its case's reference, for pages about one remedy. */
export async function findRemedyWithCase(db: Db, remedyId: number) {
  return db
    .selectFrom('remedies as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .selectAll('r')
    .select(['c.reference', 'c.owner_id', 'c.stage'])
    .where('r.id', '=', remedyId)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// Satisfaction and the timeline

export async function setSatisfaction(db: Db, remedyId: number, satisfaction: Satisfaction, at: Date): Promise<void> {
  await db.updateTable('remedies').set({ satisfaction, satisfaction_recorded_at: at }).where('id', '=', remedyId).execute();
}

/** Adds a remedy event to the case timeline: facts are plain data, `detail` personal free text. */
export async function appendRemedyEvent(
  db: Db,
  event: { caseId: number; kind: RemedyEventKind; occurredAt: Date; actorId: number | null; facts: Record<string, unknown>; detail?: string | null },
): Promise<void> {
  await appendEvent(db, event);
}

/** For a case's remedy page: each remedy's reminders, and each body it concerns with its active link officers. */
export async function caseRemedyFollowUp(db: Db, caseId: number) {
  const [reminders, bodies] = await Promise.all([
    db
      .selectFrom('remedy_reminders as rr')
      .innerJoin('remedies as r', 'r.id', 'rr.remedy_id')
      .select(['rr.remedy_id', 'rr.kind', 'rr.sent_at'])
      .where('r.case_id', '=', caseId)
      .orderBy('rr.sent_at')
      .execute(),
    remediesByBody(db)
      .select(['r.id as remedy_id', 'b.id as body_id', 'b.name as body_name', activeOfficerCount.as('link_officers')])
      .where('r.case_id', '=', caseId)
      .orderBy('b.name')
      .execute(),
  ]);
  return { reminders, bodies };
}

// ---------------------------------------------------------------------------------------------
// Retention

/** The ids of cases with a remedy still unsettled, as a subquery (for `where id not in (...)`). */
export function caseIdsWithUnsettledRemedies(db: Db): SelectQueryBuilder<Database, 'remedies', { case_id: number }> {
  return db.selectFrom('remedies').select('case_id').where('status', '=', 'pending');
}

/** The cases whose documents must be kept because a remedy is unsettled (see documentsMustBeKept). */
export async function casesWithDocumentsHeld(db: Db): Promise<number[]> {
  const rows = await caseIdsWithUnsettledRemedies(db).distinct().orderBy('case_id').execute();
  return rows.map((r) => r.case_id);
}

// ---------------------------------------------------------------------------------------------
// The public watch-list

export interface WatchListQuery {
  dueFrom: IsoDate;
  dueBefore: IsoDate;
  bodyId?: number;
  limit?: number;
}

/**
 * Outstanding remedies that fell due in the window, most recently due first. Only facts: the
 * case reference, names and a remedy's wording are not read here (a service improvement's
 * wording is, and only theirs, since it is published).
 */
export async function watchListRows(db: Db, query: WatchListQuery) {
  let rows = remediesByBody(db)
    // The case's people, whose details must be taken out of a published improvement's wording.
    .leftJoin('people as pc', 'pc.id', 'c.complainant_id')
    .leftJoin('people as pr', 'pr.id', 'c.representative_id')
    .select([
      'r.id', 'r.kind', 'r.due_on', 'r.delayed_at', 'r.delayed_due_on',
      sql<string | null>`case when r.kind = 'service-improvement' then r.description_text end`.as('improvement_text'),
      'b.code as body_code', 'b.name as body_name',
      'pc.full_name as complainant_name', 'pc.email as complainant_email', 'pc.phone as complainant_phone', 'pc.address as complainant_address',
      'pr.full_name as representative_name', 'pr.email as representative_email', 'pr.phone as representative_phone', 'pr.address as representative_address',
    ])
    .where('r.status', '=', 'pending')
    .where('r.due_on', '>=', query.dueFrom)
    .where('r.due_on', '<', query.dueBefore);
  if (query.bodyId !== undefined) rows = rows.where('b.id', '=', query.bodyId);
  return rows.orderBy('r.due_on', 'desc').orderBy('r.id', 'desc').orderBy('b.name').limit(query.limit ?? 10_000).execute();
}
export type WatchListRow = Awaited<ReturnType<typeof watchListRows>>[number];

/** Outstanding remedies in the window counted by body (bodies with none left out), for the all-bodies page. */
export async function watchListCountsByBody(db: Db, query: Omit<WatchListQuery, 'bodyId' | 'limit'>) {
  return remediesByBody(db)
    .select(['b.code', 'b.name', sql<number>`count(*)::int`.as('overdue'), sql<number>`count(r.delayed_at)::int`.as('delayed')])
    .where('r.status', '=', 'pending')
    .where('r.due_on', '>=', query.dueFrom)
    .where('r.due_on', '<', query.dueBefore)
    .groupBy(['b.code', 'b.name'])
    .orderBy('b.name')
    .execute();
}
