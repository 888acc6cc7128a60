import { sql } from 'kysely';
import type { AnnualLettersTable, Database } from '../schema.ts';
import type { Db } from './cases.ts';
import type { Selectable } from 'kysely';

/** Annual review letters (one per council and plan year) and the batches that generate a year's letters. */

export type AnnualLetterRow = Selectable<AnnualLettersTable>;

/** A council with its letter for a year, if it has one. */
export interface CouncilLetter {
  bodyId: number;
  code: string;
  name: string;
  councilType: string | null;
  letter: AnnualLetterRow | null;
  reviewerName: string | null;
}

function letterColumns() {
  return [
    'l.id', 'l.body_id', 'l.plan_year', 'l.statement_text', 'l.figures', 'l.generated_at', 'l.storage_key', 'l.sha256', 'l.size_bytes',
    'l.reviewed_by', 'l.reviewed_at', 'l.published_at',
  ] as const;
}

function councilLettersQuery(db: Db, planYear: number) {
  return db
    .selectFrom('bodies as b')
    .leftJoin('annual_letters as l', (join) => join.onRef('l.body_id', '=', 'b.id').on('l.plan_year', '=', planYear))
    .leftJoin('staff_users as r', 'r.id', 'l.reviewed_by')
    .select(['b.id as body_id_', 'b.code', 'b.name', 'b.council_type', 'r.display_name as reviewer_name', ...letterColumns()])
    .where('b.kind', '=', 'council');
}

type CouncilLetterQueryRow = Awaited<ReturnType<ReturnType<typeof councilLettersQuery>['executeTakeFirstOrThrow']>>;

function toCouncilLetter(row: CouncilLetterQueryRow): CouncilLetter {
  return {
    bodyId: row.body_id_,
    code: row.code,
    name: row.name,
    councilType: row.council_type,
    reviewerName: row.reviewer_name,
    letter: row.id === null ? null : {
      id: row.id, body_id: row.body_id as number, plan_year: row.plan_year as number, statement_text: row.statement_text, figures: row.figures,
      generated_at: row.generated_at, storage_key: row.storage_key, sha256: row.sha256, size_bytes: row.size_bytes,
      reviewed_by: row.reviewed_by, reviewed_at: row.reviewed_at, published_at: row.published_at,
    },
  };
}

/** Every council with its letter for the year (or none yet), by name. */
export async function listCouncilLetters(db: Db, planYear: number): Promise<CouncilLetter[]> {
  const rows = await councilLettersQuery(db, planYear).orderBy('b.name').orderBy('b.code').execute();
  return rows.map(toCouncilLetter);
}

/** One council, by code, with its letter for the year; undefined when no council has the code. */
export async function findCouncilLetter(db: Db, code: string, planYear: number): Promise<CouncilLetter | undefined> {
  const row = await councilLettersQuery(db, planYear).where('b.code', '=', code).executeTakeFirst();
  return row ? toCouncilLetter(row) : undefined;
}

/** Councils after `afterCode` (by code), at most `limit`: a batch walks the councils in this order. */
export async function councilsAfter(db: Db, afterCode: string | null, limit: number): Promise<{ id: number; code: string }[]> {
  let query = db.selectFrom('bodies').select(['id', 'code']).where('kind', '=', 'council');
  if (afterCode !== null) query = query.where('code', '>', afterCode);
  return query.orderBy('code').limit(limit).execute();
}

export async function countCouncils(db: Db): Promise<number> {
  const row = await db.selectFrom('bodies').select(sql<number>`count(*)::int`.as('n')).where('kind', '=', 'council').executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface GeneratedLetter {
  bodyId: number;
  planYear: number;
  statement: string;
  figures: Record<string, unknown>;
  generatedAt: Date;
  file: { key: string; sha256: string; size: number };
}

/**
 * Writes a newly generated letter, unless it has been published meanwhile (a published letter never
 * changes) or its statement changed since the generator read it (the newer statement wins; the caller
 * reads again and generates again). The review is cleared: it was of the letter as it was.
 * Returns false when nothing was written.
 */
export async function saveGeneratedLetter(db: Db, letter: GeneratedLetter, statementRead: string | null): Promise<boolean> {
  const values = {
    statement_text: letter.statement,
    figures: JSON.stringify(letter.figures),
    generated_at: letter.generatedAt,
    storage_key: letter.file.key,
    sha256: letter.file.sha256,
    size_bytes: letter.file.size,
    reviewed_by: null,
    reviewed_at: null,
  };
  const written = await db
    .insertInto('annual_letters')
    .values({ body_id: letter.bodyId, plan_year: letter.planYear, ...values })
    .onConflict((oc) =>
      oc
        .columns(['body_id', 'plan_year'])
        .doUpdateSet(values)
        .where('annual_letters.published_at', 'is', null)
        .where(sql<boolean>`annual_letters.statement_text is not distinct from ${statementRead}`),
    )
    .returning('id')
    .execute();
  return written.length > 0;
}

/** Records the review of a letter as generated at `generatedAt` (a letter regenerated since is not the one reviewed). */
export async function markLetterReviewed(db: Db, letterId: number, generatedAt: Date, reviewerId: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('annual_letters')
    .set({ reviewed_by: reviewerId, reviewed_at: at })
    .where('id', '=', letterId)
    .where('generated_at', '=', generatedAt)
    .where('reviewed_at', 'is', null)
    .where('published_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Publishes a reviewed letter; false when it was not reviewed (or already published) by the time this ran. */
export async function markLetterPublished(db: Db, letterId: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('annual_letters')
    .set({ published_at: at })
    .where('id', '=', letterId)
    .where('reviewed_at', 'is not', null)
    .where('published_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markLetterUnpublished(db: Db, letterId: number): Promise<boolean> {
  const result = await db.updateTable('annual_letters').set({ published_at: null }).where('id', '=', letterId).where('published_at', 'is not', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The stored file of a council's published letter for a year, for the public download. */
export async function findPublishedLetterFile(db: Db, code: string, planYear: number): Promise<{ storageKey: string; sha256: string; sizeBytes: number | null; publishedAt: Date; name: string } | undefined> {
  const row = await db
    .selectFrom('annual_letters as l')
    .innerJoin('bodies as b', 'b.id', 'l.body_id')
    .select(['l.storage_key', 'l.sha256', 'l.size_bytes', 'l.published_at', 'b.name'])
    .where('b.code', '=', code)
    .where('l.plan_year', '=', planYear)
    .where('l.published_at', 'is not', null)
    .where('l.storage_key', 'is not', null)
    .executeTakeFirst();
  if (!row?.storage_key || !row.sha256 || !row.published_at) return undefined;
  return { storageKey: row.storage_key, sha256: row.sha256, sizeBytes: row.size_bytes, publishedAt: row.published_at, name: row.name };
}

/** Who would sign a letter: the active staff with the Ombudsman role, the longest-standing first. */
export async function ombudsmanNames(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('staff_users')
    .select('display_name')
    .where('active', '=', true)
    .where(sql<boolean>`'ombudsman' = any(roles)`)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.display_name);
}

// ---------------------------------------------------------------------------------------------
// Batches

export type LetterBatchRow = Selectable<Database['letter_batches']>;

export async function insertLetterBatch(db: Db, batch: { planYear: number; requestedBy: number; requestedAt: Date; total: number }): Promise<number> {
  const row = await db
    .insertInto('letter_batches')
    .values({ plan_year: batch.planYear, requested_by: batch.requestedBy, requested_at: batch.requestedAt, total: batch.total })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findLetterBatch(db: Db, id: number): Promise<LetterBatchRow | undefined> {
  return db.selectFrom('letter_batches').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The year's batch still running, if any: one at a time per year. Locks it when `forUpdate`. */
export async function runningLetterBatch(db: Db, planYear: number): Promise<LetterBatchRow | undefined> {
  return db.selectFrom('letter_batches').selectAll().where('plan_year', '=', planYear).where('finished_at', 'is', null).orderBy('id', 'desc').executeTakeFirst();
}

export async function latestLetterBatch(db: Db, planYear: number): Promise<LetterBatchRow | undefined> {
  return db.selectFrom('letter_batches').selectAll().where('plan_year', '=', planYear).orderBy('id', 'desc').executeTakeFirst();
}

/** Adds a chunk's outcome to a batch's counts, finishing it at `finishedAt` when given. */
export async function recordBatchProgress(db: Db, batchId: number, chunk: { done: number; failed: number }, finishedAt: Date | null): Promise<void> {
  await db
    .updateTable('letter_batches')
    .set((eb) => ({
      done: eb('done', '+', chunk.done),
      failed: eb('failed', '+', chunk.failed),
      ...(finishedAt ? { finished_at: finishedAt } : {}),
    }))
    .where('id', '=', batchId)
    .where('finished_at', 'is', null)
    .execute();
}

/** Serialises work on one batch (its chunks, across workers) within the caller's transaction. */
export async function lockLetterBatch(db: Db, batchId: number): Promise<LetterBatchRow | undefined> {
  return db.selectFrom('letter_batches').selectAll().where('id', '=', batchId).forUpdate().executeTakeFirst();
}

/** The statement most recently given to a year's letters as their default, if any letter still has it. */
export async function latestDefaultStatement(db: Db, planYear: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('annual_letters')
    .select('statement_text')
    .where('plan_year', '=', planYear)
    .where('statement_text', 'is not', null)
    .where(sql<boolean>`(figures->>'statementIsDefault') = 'true'`)
    .orderBy('generated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.statement_text ?? undefined;
}

/** True when the job for a batch's chunk is already queued: that chunk's predecessor has been counted. */
export async function letterChunkQueued(db: Db, kind: string, batchId: number, chunk: number): Promise<boolean> {
  const row = await db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', kind)
    .where(sql<boolean>`(payload->>'batchId')::int = ${batchId} and (payload->>'chunk')::int = ${chunk}`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Serialises requests for a year's batch (within the caller's transaction), so two clicks start one batch. */
export async function lockLetterYear(db: Db, planYear: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`redress-letters:${planYear}`}))`.execute(db);
}

/** Replaces a queued job's list of the codes whose letters failed (kept with the batch's chunk jobs). */
export async function recordChunkFailures(db: Db, jobId: number, failedCodes: readonly string[]): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ payload: sql`jsonb_set(payload, '{failedCodes}', ${JSON.stringify(failedCodes)}::jsonb)` })
    .where('id', '=', jobId)
    .execute();
}

/** The codes whose letters failed in a batch so far, as its latest counted chunk recorded them. */
export async function batchFailedCodes(db: Db, kind: string, batchId: number): Promise<string[]> {
  const row = await db
    .selectFrom('jobs')
    .select(sql<unknown>`payload->'failedCodes'`.as('codes'))
    .where('kind', '=', kind)
    .where(sql<boolean>`(payload->>'batchId')::int = ${batchId}`)
    .where(sql<boolean>`payload ? 'failedCodes'`)
    .orderBy(sql`(payload->>'chunk')::int`, 'desc')
    .limit(1)
    .executeTakeFirst();
  return Array.isArray(row?.codes) ? row.codes.filter((c): c is string => typeof c === 'string') : [];
}
