import { sql } from 'kysely';
import type { ReportsTable } from '../schema.ts';
import type { Db } from './cases.ts';

/** Public interest reports and focus reports, and the cases each covers. */

export type ReportKind = ReportsTable['kind'];

export interface ReportWrite {
  kind: ReportKind;
  title: string;
  summary: string;
  body: string;
  bodyId: number | null;
  draftedBy: number;
  draftedAt: Date;
  approvedBy: number | null;
  approvedAt: Date | null;
  publishedAt: Date | null;
}

function columns(write: ReportWrite) {
  return {
    kind: write.kind,
    title: write.title,
    summary_text: write.summary,
    body_text: write.body,
    body_id: write.bodyId,
    drafted_by: write.draftedBy,
    drafted_at: write.draftedAt,
    approved_by: write.approvedBy,
    approved_at: write.approvedAt,
    published_at: write.publishedAt,
  };
}

export async function insertReport(db: Db, slug: string, write: ReportWrite): Promise<number> {
  const row = await db.insertInto('reports').values({ slug, ...columns(write) }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateReport(db: Db, id: number, write: ReportWrite): Promise<void> {
  await db.updateTable('reports').set(columns(write)).where('id', '=', id).execute();
}

export async function updateReportState(db: Db, id: number, patch: { approved_by?: number | null; approved_at?: Date | null; published_at?: Date | null }): Promise<void> {
  await db.updateTable('reports').set(patch).where('id', '=', id).execute();
}

/** Reads and locks a report for the rest of the transaction, so two reviewers cannot cross. */
export async function lockReport(db: Db, id: number) {
  return db.selectFrom('reports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findReport(db: Db, id: number) {
  return db
    .selectFrom('reports as r')
    .leftJoin('bodies as b', 'b.id', 'r.body_id')
    .leftJoin('staff_users as drafter', 'drafter.id', 'r.drafted_by')
    .leftJoin('staff_users as approver', 'approver.id', 'r.approved_by')
    .selectAll('r')
    .select(['b.name as body_name', 'b.code as body_code', 'drafter.display_name as drafter_name', 'approver.display_name as approver_name'])
    .where('r.id', '=', id)
    .executeTakeFirst();
}
export type ReportRow = NonNullable<Awaited<ReturnType<typeof findReport>>>;

/** Every report for staff, newest first, with where each stands. */
export async function listReports(db: Db) {
  return db
    .selectFrom('reports as r')
    .leftJoin('bodies as b', 'b.id', 'r.body_id')
    .leftJoin('staff_users as drafter', 'drafter.id', 'r.drafted_by')
    .select(['r.id', 'r.kind', 'r.slug', 'r.title', 'r.drafted_by', 'r.drafted_at', 'r.approved_by', 'r.approved_at', 'r.published_at', 'b.name as body_name', 'drafter.display_name as drafter_name'])
    .orderBy('r.drafted_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}

export async function setReportCases(db: Db, reportId: number, caseIds: readonly number[]): Promise<void> {
  await db.deleteFrom('report_cases').where('report_id', '=', reportId).execute();
  if (caseIds.length === 0) return;
  await db.insertInto('report_cases').values(caseIds.map((caseId) => ({ report_id: reportId, case_id: caseId }))).execute();
}

/** The cases a report covers, as staff see them (reference first). */
export async function reportCaseReferences(db: Db, reportId: number): Promise<{ id: number; reference: string }[]> {
  return db
    .selectFrom('report_cases as rc')
    .innerJoin('cases as c', 'c.id', 'rc.case_id')
    .select(['c.id', 'c.reference'])
    .where('rc.report_id', '=', reportId)
    .orderBy('c.reference')
    .execute();
}

export async function casesByReferences(db: Db, references: readonly string[]) {
  if (references.length === 0) return [];
  return db.selectFrom('cases').select(['id', 'reference']).where('reference', 'in', references).execute();
}

/**
 * The cases a published report covers, with only what the public may see: the reference, the
 * bodies, the category and the outcome. No names, no free text.
 */
export async function reportCasesForPublic(db: Db, reportId: number) {
  return db
    .selectFrom('report_cases as rc')
    .innerJoin('cases as c', 'c.id', 'rc.case_id')
    .select(['c.id', 'c.reference', 'c.category', 'c.subcategory', 'c.outcome', 'c.decided_at'])
    .select(sql<string>`(select string_agg(b.name, ', ' order by b.name) from case_bodies cb join bodies b on b.id = cb.body_id where cb.case_id = c.id)`.as('body_names'))
    .where('rc.report_id', '=', reportId)
    .orderBy('c.reference')
    .execute();
}

const publicReport = (db: Db) =>
  db
    .selectFrom('reports as r')
    .leftJoin('bodies as b', 'b.id', 'r.body_id')
    .where('r.published_at', 'is not', null)
    .where('r.approved_at', 'is not', null);

/** Published reports, newest first, optionally of one kind. */
export async function listPublishedReports(db: Db, kind: ReportKind | undefined, offset: number, limit: number) {
  let query = publicReport(db).select(['r.id', 'r.kind', 'r.slug', 'r.title', 'r.summary_text', 'r.published_at', 'b.name as body_name', 'b.code as body_code']);
  if (kind) query = query.where('r.kind', '=', kind);
  return query.orderBy('r.published_at', 'desc').orderBy('r.id', 'desc').offset(offset).limit(limit).execute();
}

export async function countPublishedReports(db: Db, kind: ReportKind | undefined): Promise<number> {
  let query = publicReport(db).select((eb) => eb.fn.countAll<number>().as('n'));
  if (kind) query = query.where('r.kind', '=', kind);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findPublishedReportBySlug(db: Db, slug: string) {
  return publicReport(db)
    .select(['r.id', 'r.kind', 'r.slug', 'r.title', 'r.summary_text', 'r.body_text', 'r.published_at', 'b.name as body_name', 'b.code as body_code'])
    .where('r.slug', '=', slug)
    .executeTakeFirst();
}
