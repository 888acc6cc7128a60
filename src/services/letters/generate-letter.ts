import { DEFAULT_STATEMENT, letterContent, type LetterContent, type LetterFigures } from '../../domain/annual-letters.ts';
import { londonDate, londonMidnight, type IsoDate } from '../../domain/london-time.ts';
import { findCouncilLetter, latestDefaultStatement, ombudsmanNames, saveGeneratedLetter, type AnnualLetterRow } from '../../data/repositories/annual-letters.ts';
import type { ServiceDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { publishedLetterFigures, type LetterFiguresSource } from './letter-figures.ts';
import { renderLetterPdf, type LetterLayoutOptions } from './letter-pdf.ts';

/** The letterhead's name, and the signatory's organisation. */
export const LETTER_ORGANISATION = 'Local Government and Social Care Ombudsman';

/** What the letters services can be given instead of their defaults (tests pass their own). */
export interface LetterOptions {
  figuresFor?: LetterFiguresSource;
  render?: (content: LetterContent, layout: LetterLayoutOptions) => Promise<Buffer>;
  organisation?: string;
  /** False in tests, so the PDF's text can be read from its bytes. */
  compressPdf?: boolean;
}

/**
 * What annual_letters.figures holds: the figures the letter was written from and how it was
 * written, so the letter can be shown and judged again without the data that has changed since.
 */
export interface LetterSnapshot {
  letter: LetterFigures;
  /** True while the statement is the year's default, which a new batch may replace. */
  statementIsDefault: boolean;
  signatoryName: string | null;
  /** The date the letter bears. */
  letterDate: IsoDate;
  /** Who wrote this version's statement or asked for it to be generated: someone else must review it. */
  preparedBy: number | null;
}

export function snapshotOf(row: Pick<AnnualLetterRow, 'figures'> | null): LetterSnapshot | null {
  const value = row?.figures as Partial<LetterSnapshot> | null | undefined;
  if (!value || typeof value !== 'object' || !value.letter || typeof value.letterDate !== 'string') return null;
  return {
    letter: value.letter,
    statementIsDefault: value.statementIsDefault === true,
    signatoryName: typeof value.signatoryName === 'string' ? value.signatoryName : null,
    letterDate: value.letterDate,
    preparedBy: typeof value.preparedBy === 'number' ? value.preparedBy : null,
  };
}

/** The words of a stored letter, as its PDF has them. */
export function contentOf(snapshot: LetterSnapshot, statement: string, organisation = LETTER_ORGANISATION): LetterContent {
  return letterContent(snapshot.letter, { statement, date: snapshot.letterDate, signatoryName: snapshot.signatoryName, organisation });
}

/** JSON with keys in a fixed order: jsonb gives keys back in its own order, and figures are compared by value. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The statement a year's letters have unless the Ombudsman wrote one for a letter: the last given to the year's batch, or the standard one. */
export async function yearDefaultStatement(deps: Pick<ServiceDeps, 'db'>, planYear: number): Promise<string> {
  return (await latestDefaultStatement(deps.db, planYear)) ?? DEFAULT_STATEMENT;
}

export type GenerateOutcome = 'generated' | 'unchanged' | 'published';

export interface GenerateRequest {
  code: string;
  planYear: number;
  /** Who asks: recorded as the letter's preparer (who may not review it). */
  preparedBy: number | null;
  /**
   * A statement for this letter alone (the Ombudsman's edit). Otherwise the letter keeps a statement
   * written for it, and a letter with the default (or none yet) takes `defaultStatement`.
   */
  statement?: string;
  defaultStatement?: string;
}

/**
 * Generates (or regenerates) one council's letter for a plan year: its figures now, its statement,
 * the PDF stored with its checksum. A published letter is never touched. A letter whose figures,
 * statement and signatory are what they were is left as it is (date, file and review kept).
 */
export async function generateLetter(deps: ServiceDeps, request: GenerateRequest, options: LetterOptions = {}): Promise<GenerateOutcome> {
  // Twice at most: a statement saved by someone else while this one rendered wins, and is rendered in turn.
  for (let attempt = 0; ; attempt++) {
    const current = await findCouncilLetter(deps.db, request.code, request.planYear);
    if (!current) throw notFound('Council');
    const row = current.letter;
    if (row?.published_at) return 'published';
    const previous = snapshotOf(row);

    const ownStatement = row?.statement_text !== null && row?.statement_text !== undefined && previous && !previous.statementIsDefault ? row.statement_text : undefined;
    const statement = request.statement ?? ownStatement ?? request.defaultStatement ?? (row?.statement_text || (await yearDefaultStatement(deps, request.planYear)));
    const statementIsDefault = request.statement === undefined && ownStatement === undefined;

    const letter = await (options.figuresFor ?? publishedLetterFigures)(deps, request.code, request.planYear);
    const signatoryName = (await ombudsmanNames(deps.db))[0] ?? null;
    if (row && previous && row.storage_key && row.statement_text === statement && previous.signatoryName === signatoryName && canonical(previous.letter) === canonical(letter)) {
      return 'unchanged';
    }

    const now = deps.clock.now();
    const letterDate = londonDate(now);
    const snapshot: LetterSnapshot = { letter, statementIsDefault, signatoryName, letterDate, preparedBy: request.preparedBy };
    const organisation = options.organisation ?? LETTER_ORGANISATION;
    const pdf = await (options.render ?? renderLetterPdf)(contentOf(snapshot, statement, organisation), {
      organisation,
      createdAt: londonMidnight(letterDate),
      compress: options.compressPdf ?? true,
    });
    const file = await deps.files.put(pdf);
    const saved = await saveGeneratedLetter(
      deps.db,
      { bodyId: current.bodyId, planYear: request.planYear, statement, figures: snapshot as unknown as Record<string, unknown>, generatedAt: now, file },
      row?.statement_text ?? null,
    );
    if (saved) return 'generated';
    if (attempt >= 1) throw new Error(`The letter for ${request.code} ${request.planYear} kept changing while it was generated`);
  }
}
