import type { LetterContent } from '../../domain/annual-letters.ts';
import { planYearName } from '../../domain/annual-letters.ts';
import {
  findCouncilLetter, findPublishedLetterFile, listCouncilLetters, markLetterPublished, markLetterReviewed, markLetterUnpublished,
  type AnnualLetterRow, type CouncilLetter,
} from '../../data/repositories/annual-letters.ts';
import type { ServiceDeps } from '../deps.ts';
import { AppError, illegal, notFound } from '../errors.ts';
import { checkStatement } from './letter-batches.ts';
import { contentOf, generateLetter, snapshotOf, type GenerateOutcome, type LetterOptions, type LetterSnapshot } from './generate-letter.ts';
import { requireLetterRole, type LetterActor } from './letter-access.ts';

/**
 * A letter's life after it is generated: reviewed by someone other than whoever prepared it (wrote
 * its statement or asked for it to be generated), then published, which anyone working on letters
 * may do once it is reviewed; unpublished if need be. A published letter never changes; a letter
 * that changes (new figures, a new statement) must be reviewed again.
 */

export type LetterStatus = 'not-generated' | 'generated' | 'reviewed' | 'published';

export function statusOf(letter: AnnualLetterRow | null): LetterStatus {
  if (!letter?.storage_key) return 'not-generated';
  if (letter.published_at) return 'published';
  if (letter.reviewed_at) return 'reviewed';
  return 'generated';
}

export interface LetterSummary extends CouncilLetter {
  status: LetterStatus;
}

/** Every council's letter for a year, with its status. */
export async function listLetters(deps: ServiceDeps, actor: LetterActor, planYear: number): Promise<LetterSummary[]> {
  requireLetterRole(actor);
  const letters = await listCouncilLetters(deps.db, planYear);
  return letters.map((l) => ({ ...l, status: statusOf(l.letter) }));
}

export interface LetterDetails extends LetterSummary {
  planYear: number;
  planYearName: string;
  snapshot: LetterSnapshot | null;
  content: LetterContent | null;
  /** Why this person may not mark the letter reviewed, when they may not. */
  cannotReviewBecause: string | null;
}

export async function letterDetails(deps: ServiceDeps, actor: LetterActor, code: string, planYear: number): Promise<LetterDetails> {
  requireLetterRole(actor);
  const council = await findCouncilLetter(deps.db, code, planYear);
  if (!council) throw notFound('Council');
  const snapshot = snapshotOf(council.letter);
  const status = statusOf(council.letter);
  return {
    ...council,
    status,
    planYear,
    planYearName: planYearName(planYear),
    snapshot,
    content: snapshot && council.letter?.statement_text !== null && council.letter?.statement_text !== undefined ? contentOf(snapshot, council.letter.statement_text) : null,
    cannotReviewBecause: status !== 'generated' ? null : snapshot?.preparedBy === actor.id ? 'You prepared this version of the letter, so someone else must review it.' : null,
  };
}

async function existingLetter(deps: ServiceDeps, code: string, planYear: number): Promise<AnnualLetterRow> {
  const council = await findCouncilLetter(deps.db, code, planYear);
  if (!council) throw notFound('Council');
  if (!council.letter?.storage_key) throw notFound('Letter');
  return council.letter;
}

/** Writes the Ombudsman's statement for one letter and generates it again, to be reviewed again. */
export async function editLetterStatement(deps: ServiceDeps, actor: LetterActor, code: string, planYear: number, statement: string, options: LetterOptions = {}): Promise<GenerateOutcome> {
  requireLetterRole(actor);
  const text = checkStatement(statement);
  const council = await findCouncilLetter(deps.db, code, planYear);
  if (!council) throw notFound('Council');
  if (council.letter?.published_at) throw illegal('This letter is published. Unpublish it before changing its statement.');
  return generateLetter(deps, { code, planYear, preparedBy: actor.id, statement: text }, options);
}

/** Generates one council's letter now, with today's figures (a published letter is left alone). */
export async function regenerateLetter(deps: ServiceDeps, actor: LetterActor, code: string, planYear: number, options: LetterOptions = {}): Promise<GenerateOutcome> {
  requireLetterRole(actor);
  const council = await findCouncilLetter(deps.db, code, planYear);
  if (!council) throw notFound('Council');
  if (council.letter?.published_at) throw illegal('This letter is published. Unpublish it before generating it again.');
  return generateLetter(deps, { code, planYear, preparedBy: actor.id }, options);
}

/**
 * Marks the letter reviewed, as generated at `version` (the generated_at the reviewer saw, ISO 8601):
 * a letter that changed since must be looked at again first.
 */
export async function reviewLetter(deps: ServiceDeps, actor: LetterActor, code: string, planYear: number, version: string): Promise<void> {
  requireLetterRole(actor);
  const letter = await existingLetter(deps, code, planYear);
  if (letter.published_at) throw illegal('This letter is already published.');
  if (letter.reviewed_at) throw illegal('This letter has already been reviewed.');
  if (snapshotOf(letter)?.preparedBy === actor.id) throw illegal('You prepared this version of the letter, so someone else must review it.');
  if (!letter.generated_at || letter.generated_at.toISOString() !== version) {
    throw new AppError('conflict', 'The letter has been generated again since you opened it. Check the new version before marking it reviewed.');
  }
  if (!(await markLetterReviewed(deps.db, letter.id, letter.generated_at, actor.id, deps.clock.now()))) {
    throw new AppError('conflict', 'The letter changed while you were reviewing it. Check it again.');
  }
}

export async function publishLetter(deps: ServiceDeps, actor: LetterActor, code: string, planYear: number): Promise<void> {
  requireLetterRole(actor);
  const letter = await existingLetter(deps, code, planYear);
  if (letter.published_at) throw illegal('This letter is already published.');
  if (!letter.reviewed_at) throw illegal('A letter can only be published after someone has reviewed it.');
  if (!(await markLetterPublished(deps.db, letter.id, deps.clock.now()))) throw illegal('A letter can only be published after someone has reviewed it.');
}

export async function unpublishLetter(deps: ServiceDeps, actor: LetterActor, code: string, planYear: number): Promise<void> {
  requireLetterRole(actor);
  const letter = await existingLetter(deps, code, planYear);
  if (!(await markLetterUnpublished(deps.db, letter.id))) throw illegal('This letter is not published.');
}

export interface LetterFile {
  content: Buffer;
  sha256: string;
  fileName: string;
}

const fileName = (code: string, planYear: number) => `annual-review-letter-${planYearName(planYear)}-${code}.pdf`;

/** The letter's PDF as it stands, for staff (any status). */
export async function draftLetterFile(deps: ServiceDeps, actor: LetterActor, code: string, planYear: number): Promise<LetterFile> {
  requireLetterRole(actor);
  const letter = await existingLetter(deps, code, planYear);
  return { content: await deps.files.get(letter.storage_key as string), sha256: letter.sha256 ?? '', fileName: fileName(code, planYear) };
}

/** A published letter for anyone: its checksum first (for ETag), the file only when needed. Not found unless published. */
export async function publishedLetter(deps: Pick<ServiceDeps, 'db' | 'files'>, code: string, planYear: number): Promise<{ sha256: string; fileName: string; publishedAt: Date; read: () => Promise<Buffer> }> {
  const file = await findPublishedLetterFile(deps.db, code, planYear);
  if (!file) throw notFound('Letter');
  return { sha256: file.sha256, fileName: fileName(code, planYear), publishedAt: file.publishedAt, read: () => deps.files.get(file.storageKey) };
}
