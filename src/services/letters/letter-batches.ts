import type { Logger } from 'pino';
import { planYearName, STATEMENT_MAX_LENGTH } from '../../domain/annual-letters.ts';
import {
  batchFailedCodes, councilsAfter, countCouncils, findLetterBatch, insertLetterBatch, latestLetterBatch, letterChunkQueued, lockLetterBatch, lockLetterYear,
  recordBatchProgress, recordChunkFailures, runningLetterBatch, type LetterBatchRow,
} from '../../data/repositories/annual-letters.ts';
import { planYearOf } from '../../domain/body-statistics.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { availablePlanYears } from '../body-statistics.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalid, notFound } from '../errors.ts';
import { generateLetter, type LetterOptions } from './generate-letter.ts';
import { requireLetterRole, type LetterActor } from './letter-access.ts';

/**
 * A year's letters, generated in one batch by the background worker: one job per chunk of
 * councils (in code order), each job counting its chunk into letter_batches and queueing the
 * next, so progress shows as it goes and no job runs for long. A letter that fails is counted and
 * named, and the batch goes on.
 */

export const GENERATE_LETTERS = 'generate-annual-letters';
export const LETTERS_PER_CHUNK = 10;

export interface ChunkPayload {
  batchId: number;
  chunk: number;
  /** The last council code of the chunks before this one; null for the first. */
  afterCode: string | null;
  /** The statement for letters that have the year's default. */
  statement: string;
  /** Councils whose letters failed in earlier chunks. */
  failedCodes: string[];
}

/**
 * The plan years letters can be written for: those that have ended, from the first with any case
 * (the public statistics offer the same years), newest first.
 */
export async function letterPlanYears(deps: ServiceDeps): Promise<number[]> {
  const current = planYearOf(deps.clock.now());
  return (await availablePlanYears(deps)).filter((year) => year < current);
}

export function checkStatement(statement: string): string {
  const text = statement.trim();
  if (!text) throw invalid({ statement: 'Enter the statement for the letters' });
  if (text.length > STATEMENT_MAX_LENGTH) throw invalid({ statement: `The statement must be ${STATEMENT_MAX_LENGTH.toLocaleString('en-GB')} characters or fewer` });
  return text;
}

/**
 * Starts generating every council's letter for a plan year, with `statement` as the year's default.
 * Only one batch runs for a year at a time: asking again while one runs gives that batch.
 */
export async function requestLetterBatch(deps: ServiceDeps, actor: LetterActor, request: { planYear: number; statement: string }): Promise<{ batchId: number; alreadyRunning: boolean }> {
  requireLetterRole(actor);
  const statement = checkStatement(request.statement);
  if (!(await letterPlanYears(deps)).includes(request.planYear)) throw invalid({ planYear: 'Choose a plan year that has ended' });
  return deps.db.transaction().execute(async (trx) => {
    await lockLetterYear(trx, request.planYear);
    const running = await runningLetterBatch(trx, request.planYear);
    if (running) return { batchId: running.id, alreadyRunning: true };
    const now = deps.clock.now();
    const batchId = await insertLetterBatch(trx, { planYear: request.planYear, requestedBy: actor.id, requestedAt: now, total: await countCouncils(trx) });
    const payload: ChunkPayload = { batchId, chunk: 0, afterCode: null, statement, failedCodes: [] };
    await enqueueJob(trx, GENERATE_LETTERS, { ...payload }, now);
    return { batchId, alreadyRunning: false };
  });
}

export function parseChunkPayload(payload: Record<string, unknown>): ChunkPayload | undefined {
  const { batchId, chunk, afterCode, statement, failedCodes } = payload;
  if (typeof batchId !== 'number' || typeof chunk !== 'number' || typeof statement !== 'string') return undefined;
  if (afterCode !== null && typeof afterCode !== 'string') return undefined;
  return { batchId, chunk, afterCode, statement, failedCodes: Array.isArray(failedCodes) ? failedCodes.filter((c): c is string => typeof c === 'string') : [] };
}

/**
 * Generates one chunk's letters and counts them. Safe to run twice (the worker delivers at least
 * once): letters are regenerated to the same result, and the count is added only if the next chunk
 * is not yet queued (or, for the last, the batch not yet finished), checked under the batch's lock.
 */
export async function runLetterChunk(deps: ServiceDeps, jobId: number, payload: ChunkPayload, log: Logger, options: LetterOptions = {}): Promise<void> {
  const batch = await findLetterBatch(deps.db, payload.batchId);
  if (!batch || batch.finished_at) return;
  const councils = await councilsAfter(deps.db, payload.afterCode, LETTERS_PER_CHUNK + 1);
  const chunk = councils.slice(0, LETTERS_PER_CHUNK);
  const more = councils.length > LETTERS_PER_CHUNK;
  let done = 0;
  const failed: string[] = [];
  for (const council of chunk) {
    try {
      await generateLetter(deps, { code: council.code, planYear: batch.plan_year, preparedBy: batch.requested_by, defaultStatement: payload.statement }, options);
      done += 1;
    } catch (error) {
      failed.push(council.code);
      log.error({ code: council.code, planYear: batch.plan_year, error: error instanceof Error ? error.message : String(error) }, 'annual letter could not be generated');
    }
  }
  const failedCodes = [...payload.failedCodes, ...failed];
  await deps.db.transaction().execute(async (trx) => {
    const locked = await lockLetterBatch(trx, payload.batchId);
    if (!locked || locked.finished_at) return;
    if (await letterChunkQueued(trx, GENERATE_LETTERS, payload.batchId, payload.chunk + 1)) return;
    const now = deps.clock.now();
    await recordBatchProgress(trx, payload.batchId, { done, failed: failed.length }, more ? null : now);
    await recordChunkFailures(trx, jobId, failedCodes);
    if (more) {
      const next: ChunkPayload = { ...payload, chunk: payload.chunk + 1, afterCode: chunk[chunk.length - 1]?.code ?? null, failedCodes };
      await enqueueJob(trx, GENERATE_LETTERS, { ...next }, now);
    }
  });
}

export interface BatchProgress {
  id: number;
  planYear: number;
  planYearName: string;
  total: number;
  done: number;
  failed: number;
  /** Whole per cent of the letters dealt with (done or failed). */
  percent: number;
  finished: boolean;
  requestedAt: Date;
  finishedAt: Date | null;
  failedCodes: string[];
}

export function progressOf(batch: LetterBatchRow, failedCodes: string[]): BatchProgress {
  const handled = Math.min(batch.done + batch.failed, batch.total);
  return {
    id: batch.id,
    planYear: batch.plan_year,
    planYearName: planYearName(batch.plan_year),
    total: batch.total,
    done: batch.done,
    failed: batch.failed,
    percent: batch.finished_at ? 100 : batch.total === 0 ? 0 : Math.floor((100 * handled) / batch.total),
    finished: batch.finished_at !== null,
    requestedAt: batch.requested_at,
    finishedAt: batch.finished_at,
    failedCodes,
  };
}

/** How far a batch has got. */
export async function letterBatchProgress(deps: ServiceDeps, actor: LetterActor, batchId: number): Promise<BatchProgress> {
  requireLetterRole(actor);
  const batch = await findLetterBatch(deps.db, batchId);
  if (!batch) throw notFound('Batch');
  return progressOf(batch, batch.failed > 0 ? await batchFailedCodes(deps.db, GENERATE_LETTERS, batchId) : []);
}

/** The year's most recent batch, if there has been one. */
export async function latestLetterBatchProgress(deps: ServiceDeps, actor: LetterActor, planYear: number): Promise<BatchProgress | null> {
  requireLetterRole(actor);
  const batch = await latestLetterBatch(deps.db, planYear);
  if (!batch) return null;
  return progressOf(batch, batch.failed > 0 ? await batchFailedCodes(deps.db, GENERATE_LETTERS, batch.id) : []);
}
