import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './cases.ts';

/**
 * Published decisions: the staff side (the anonymisation review of a final decision, its
 * approval and publication) and the public side (searching and reading what is published).
 */

/** Timeline events that say where the review of the text stands (the table has no column for it). */
export const reviewEventKinds = ['publication-drafted', 'publication-submitted', 'publication-sent-back'] as const;
export type ReviewEventKind = (typeof reviewEventKinds)[number];

export async function findPublication(db: Db, caseId: number) {
  return db
    .selectFrom('published_decisions as pd')
    .leftJoin('staff_users as drafter', 'drafter.id', 'pd.drafted_by')
    .leftJoin('staff_users as approver', 'approver.id', 'pd.approved_by')
    .selectAll('pd')
    .select(['drafter.display_name as drafter_name', 'approver.display_name as approver_name'])
    .where('pd.case_id', '=', caseId)
    .executeTakeFirst();
}
export type PublicationRow = NonNullable<Awaited<ReturnType<typeof findPublication>>>;

/** The latest review step recorded on the case's timeline, if any. */
export async function latestReviewEvent(db: Db, caseId: number): Promise<ReviewEventKind | undefined> {
  const row = await db
    .selectFrom('case_events')
    .select('kind')
    .where('case_id', '=', caseId)
    .where('kind', 'in', reviewEventKinds)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.kind as ReviewEventKind | undefined;
}

/** The case's final decision (the latest, should there be more than one). */
export async function finalDecisionOf(db: Db, caseId: number) {
  return db
    .selectFrom('decisions')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('kind', '=', 'final')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The people whose details must not be published: the complainant and the representative. */
export async function casePeople(db: Db, caseId: number) {
  return db
    .selectFrom('cases as c')
    .leftJoin('people as complainant', 'complainant.id', 'c.complainant_id')
    .leftJoin('people as representative', 'representative.id', 'c.representative_id')
    .select([
      'complainant.full_name as complainant_name',
      'complainant.email as complainant_email',
      'complainant.phone as complainant_phone',
      'complainant.address as complainant_address',
      'representative.full_name as representative_name',
      'representative.email as representative_email',
      'representative.phone as representative_phone',
      'representative.address as representative_address',
    ])
    .where('c.id', '=', caseId)
    .executeTakeFirstOrThrow();
}

export interface PublicationWrite {
  caseId: number;
  decisionId: number;
  summary: string;
  statement: string;
  draftedBy: number;
  draftedAt: Date;
  approvedBy: number | null;
  approvedAt: Date | null;
  publishedAt: Date | null;
  withdrawnAt: Date | null;
}

/** Writes the case's one published-decision row, creating it the first time. */
export async function savePublication(db: Db, write: PublicationWrite): Promise<number> {
  const values = {
    decision_id: write.decisionId,
    summary_text: write.summary,
    statement_text: write.statement,
    drafted_by: write.draftedBy,
    drafted_at: write.draftedAt,
    approved_by: write.approvedBy,
    approved_at: write.approvedAt,
    published_at: write.publishedAt,
    withdrawn_at: write.withdrawnAt,
  };
  const row = await db
    .insertInto('published_decisions')
    .values({ case_id: write.caseId, ...values })
    .onConflict((oc) => oc.column('case_id').doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePublicationState(
  db: Db,
  caseId: number,
  patch: { approved_by?: number | null; approved_at?: Date | null; published_at?: Date | null; withdrawn_at?: Date | null },
): Promise<void> {
  await db.updateTable('published_decisions').set(patch).where('case_id', '=', caseId).execute();
}

// ---------------------------------------------------------------------------------------------
// The staff queue

export const queueTabs = ['review', 'approval', 'publish', 'published', 'withdrawn'] as const;
export type QueueTab = (typeof queueTabs)[number];

/**
 * Final decisions with where their publication stands. A case's status comes from its row in
 * published_decisions and, before approval, from the latest review event on its timeline.
 */
function queueBase(db: Db) {
  return db
    .selectFrom('decisions as d')
    .innerJoin('cases as c', 'c.id', 'd.case_id')
    .leftJoin('published_decisions as pd', 'pd.case_id', 'c.id')
    .where('d.kind', '=', 'final')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('decisions as later').select(sql.lit(1).as('one')).whereRef('later.case_id', '=', 'd.case_id').where('later.kind', '=', 'final').whereRef('later.id', '>', 'd.id'))),
    );
}

const reviewStep = sql<ReviewEventKind | null>`(select e.kind from case_events e where e.case_id = c.id and e.kind in (${sql.join(reviewEventKinds.map((k) => sql.lit(k)))}) order by e.id desc limit 1)`;

function tabCondition(tab: QueueTab): Expression<SqlBool> {
  switch (tab) {
    // CASE, so the timeline is read only for drafts that are not yet approved.
    case 'review':
      return sql<SqlBool>`(case when pd.id is null then true when pd.approved_at is not null then false else coalesce(${reviewStep}, 'publication-drafted') <> 'publication-submitted' end)`;
    case 'approval':
      return sql<SqlBool>`(case when pd.id is null or pd.approved_at is not null then false else ${reviewStep} is not distinct from 'publication-submitted' end)`;
    case 'publish':
      return sql<SqlBool>`(pd.approved_at is not null and pd.published_at is null)`;
    case 'published':
      return sql<SqlBool>`(pd.published_at is not null and pd.withdrawn_at is null)`;
    case 'withdrawn':
      return sql<SqlBool>`(pd.withdrawn_at is not null)`;
  }
}

/**
 * One page of a queue tab: work waiting oldest decision first, so the longest-waiting are dealt
 * with first; published and withdrawn ones newest first.
 */
export async function publicationQueuePage(db: Db, tab: QueueTab, offset: number, limit: number) {
  const newestFirst = tab === 'published' || tab === 'withdrawn';
  return queueBase(db)
    .leftJoin('staff_users as drafter', 'drafter.id', 'pd.drafted_by')
    .select([
      'c.id as case_id', 'c.reference', 'c.category', 'c.subcategory', 'd.outcome', 'd.made_at',
      'pd.id as publication_id', 'pd.drafted_by', 'pd.drafted_at', 'pd.approved_by', 'pd.approved_at', 'pd.published_at', 'pd.withdrawn_at',
      'drafter.display_name as drafter_name',
    ])
    .select(reviewStep.as('review_event'))
    .select(sql<string>`(select string_agg(b.name, ', ' order by b.name) from case_bodies cb join bodies b on b.id = cb.body_id where cb.case_id = c.id)`.as('body_names'))
    .where(tabCondition(tab))
    .orderBy(newestFirst ? sql`coalesce(pd.withdrawn_at, pd.published_at)` : sql`d.made_at`, newestFirst ? 'desc' : 'asc')
    .orderBy('d.id', newestFirst ? 'desc' : 'asc')
    .offset(offset)
    .limit(limit)
    .execute();
}
export type PublicationQueueRow = Awaited<ReturnType<typeof publicationQueuePage>>[number];

/** How many cases each tab holds, in one pass. */
export async function publicationQueueCounts(db: Db): Promise<Record<QueueTab, number>> {
  const row = await queueBase(db)
    .select(queueTabs.map((tab) => sql<number>`count(*) filter (where ${tabCondition(tab)})`.as(tab)))
    .executeTakeFirstOrThrow();
  return Object.fromEntries(queueTabs.map((tab) => [tab, Number((row as Record<string, unknown>)[tab] ?? 0)])) as Record<QueueTab, number>;
}

// ---------------------------------------------------------------------------------------------
// The public side: only what is approved, published and not withdrawn.

export interface DecisionSearch {
  /** Words as typed, read by websearch_to_tsquery ("quoted phrases", or, -not). */
  words?: string;
  bodyId?: number;
  category?: string;
  subcategory?: string;
  outcome?: string;
  /** The decision made on or after this instant / before this instant. */
  decidedFrom?: Date;
  decidedBefore?: Date;
}

/** Whether the words leave anything to search for once stop words are dropped ("the", "and"). */
export async function wordsAreSearchable(db: Db, words: string): Promise<boolean> {
  const result = await sql<{ nodes: number }>`select numnode(websearch_to_tsquery('english', ${words}))::int as nodes`.execute(db);
  return Number(result.rows[0]?.nodes ?? 0) > 0;
}

/**
 * The published decisions a search matches, on published_decisions alone: the case's and the
 * decision's columns are tested in EXISTS subqueries, so a search without them never joins
 * (counting every published decision is then a scan of the partial index alone).
 *
 * `approved_at is not null` is not tested: the table's CHECK makes every published row an
 * approved one, and leaving it out lets the partial index answer on its own.
 */
function publicMatches(db: Db, search: DecisionSearch) {
  let query = db
    .selectFrom('published_decisions as pd')
    // Matches the partial index published_decisions_public_idx.
    .where('pd.published_at', 'is not', null)
    .where('pd.withdrawn_at', 'is', null);
  if (search.words) query = query.where(sql<SqlBool>`pd.search @@ websearch_to_tsquery('english', ${search.words})`);
  if (search.bodyId !== undefined) {
    const bodyId = search.bodyId;
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom('case_bodies as cb').select(sql.lit(1).as('one')).whereRef('cb.case_id', '=', 'pd.case_id').where('cb.body_id', '=', bodyId)),
    );
  }
  if (search.category || search.subcategory) {
    query = query.where(({ exists, selectFrom }) => {
      let cases = selectFrom('cases as c').select(sql.lit(1).as('one')).whereRef('c.id', '=', 'pd.case_id');
      if (search.category) cases = cases.where('c.category', '=', search.category);
      if (search.subcategory) cases = cases.where('c.subcategory', '=', search.subcategory);
      return exists(cases);
    });
  }
  if (search.outcome || search.decidedFrom || search.decidedBefore) {
    query = query.where(({ exists, selectFrom }) => {
      // The case too (always the same): lets the planner go from decisions to published_decisions by its case_id index.
      let decisions = selectFrom('decisions as d').select(sql.lit(1).as('one')).whereRef('d.id', '=', 'pd.decision_id').whereRef('d.case_id', '=', 'pd.case_id');
      if (search.outcome) decisions = decisions.where('d.outcome', '=', search.outcome);
      if (search.decidedFrom) decisions = decisions.where('d.made_at', '>=', search.decidedFrom);
      if (search.decidedBefore) decisions = decisions.where('d.made_at', '<', search.decidedBefore);
      return exists(decisions);
    });
  }
  return query;
}

/** The count of a search, as a query (so its plan can be checked: see the publication scale test). */
export function countPublishedDecisionsQuery(db: Db, search: DecisionSearch) {
  return publicMatches(db, search).select((eb) => eb.fn.countAll<number>().as('n'));
}

export async function countPublishedDecisions(db: Db, search: DecisionSearch): Promise<number> {
  const row = await countPublishedDecisionsQuery(db, search).executeTakeFirstOrThrow();
  return Number(row.n);
}

// Marks around matched words in a headline: control characters no statement contains.
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/**
 * A page of results: the most relevant first when searching by words (ts_rank_cd, then the
 * newest), otherwise the most recently published first (the partial index's order). The page's
 * ids are found first, sorting only narrow rows; then the page's twenty rows are read in full,
 * each with its summary and, for word searches, a short extract with the matched words marked.
 */
export function searchPublishedDecisionsQuery(db: Db, search: DecisionSearch, offset: number, limit: number) {
  const tsquery = search.words ? sql`websearch_to_tsquery('english', ${search.words})` : undefined;
  const rank = tsquery ? sql<number>`ts_rank_cd(pd.search, ${tsquery})` : sql<number>`0`;
  const page = publicMatches(db, search)
    .select(['pd.id', 'pd.published_at', rank.as('rank')])
    .orderBy('rank', 'desc')
    .orderBy('pd.published_at', 'desc')
    .orderBy('pd.id', 'desc')
    .offset(offset)
    .limit(limit);
  const headlineOptions = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;
  return db
    .selectFrom(page.as('page'))
    .innerJoin('published_decisions as pd', 'pd.id', 'page.id')
    .innerJoin('decisions as d', 'd.id', 'pd.decision_id')
    .innerJoin('cases as c', 'c.id', 'pd.case_id')
    .select(['pd.id', 'pd.summary_text', 'pd.published_at', 'd.made_at', 'd.outcome', 'c.reference', 'c.category', 'c.subcategory'])
    .select(sql<string>`(select string_agg(b.name, ', ' order by b.name) from case_bodies cb join bodies b on b.id = cb.body_id where cb.case_id = c.id)`.as('body_names'))
    .select((tsquery ? sql<string | null>`ts_headline('english', pd.statement_text, ${tsquery}, ${headlineOptions})` : sql<string | null>`null`).as('extract'))
    .orderBy('page.rank', 'desc')
    .orderBy('page.published_at', 'desc')
    .orderBy('page.id', 'desc');
}

export async function searchPublishedDecisions(db: Db, search: DecisionSearch, offset: number, limit: number) {
  return searchPublishedDecisionsQuery(db, search, offset, limit).execute();
}
export type PublishedDecisionResult = Awaited<ReturnType<typeof searchPublishedDecisions>>[number];

/** Published and not withdrawn, with its case and decision: what the public may read. */
function publicBase(db: Db) {
  return db
    .selectFrom('published_decisions as pd')
    .innerJoin('decisions as d', 'd.id', 'pd.decision_id')
    .innerJoin('cases as c', 'c.id', 'pd.case_id')
    .where('pd.published_at', 'is not', null)
    .where('pd.withdrawn_at', 'is', null)
    .where('pd.approved_at', 'is not', null);
}

/** One published decision, or undefined if it is not (or no longer) public. */
export async function findPublishedDecision(db: Db, id: number) {
  return publicBase(db)
    .select([
      'pd.id', 'pd.summary_text', 'pd.statement_text', 'pd.published_at', 'd.made_at', 'd.outcome', 'c.id as case_id', 'c.reference', 'c.category', 'c.subcategory', 'c.jurisdiction',
    ])
    .where('pd.id', '=', id)
    .executeTakeFirst();
}

export async function bodiesOfCase(db: Db, caseId: number) {
  return db
    .selectFrom('case_bodies as cb')
    .innerJoin('bodies as b', 'b.id', 'cb.body_id')
    .select(['b.id', 'b.code', 'b.name'])
    .where('cb.case_id', '=', caseId)
    .orderBy('b.name')
    .execute();
}

/** The bodies the public can filter by: those with at least one published decision. */
export async function bodiesWithPublishedDecisions(db: Db) {
  return db
    .selectFrom('bodies as b')
    .select(['b.id', 'b.code', 'b.name'])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('case_bodies as cb')
          .innerJoin('published_decisions as pd', 'pd.case_id', 'cb.case_id')
          .select(sql.lit(1).as('one'))
          .whereRef('cb.body_id', '=', 'b.id')
          .where('pd.published_at', 'is not', null)
          .where('pd.withdrawn_at', 'is', null),
      ),
    )
    .orderBy('b.name')
    .execute();
}

export async function findBodyByCode(db: Db, code: string) {
  return db.selectFrom('bodies').select(['id', 'code', 'name']).where('code', '=', code).executeTakeFirst();
}

/** The public decision of each of these cases, where there is one. */
export async function publicDecisionIdsOfCases(db: Db, caseIds: readonly number[]): Promise<Map<number, number>> {
  if (caseIds.length === 0) return new Map();
  const rows = await publicBase(db).select(['pd.id', 'pd.case_id']).where('pd.case_id', 'in', caseIds).execute();
  return new Map(rows.map((r) => [r.case_id, r.id]));
}
