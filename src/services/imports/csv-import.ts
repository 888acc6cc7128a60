import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError } from 'csv-parse';
import type { z } from 'zod';

/**
 * A generic, streaming CSV importer: the file is read row by row (never held in memory), each
 * row is checked by a zod schema, bad rows are reported with their line number and reason (and
 * never stop the import), and good rows are handed to `write` in batches.
 *
 * All-or-nothing per batch: `write` must commit a batch as one transaction. A crash part way
 * leaves whole batches behind, and because writers upsert by a natural key (call id, contact id,
 * case reference) running the import again writes the rest and leaves the rest unchanged.
 *
 * Line numbers are those a text editor shows: the header is line 1. A quoted field may span
 * lines; a row is numbered by the line it starts on.
 */

/** A good row, with the line it started on. */
export interface CsvRow<T> {
  line: number;
  record: T;
}

export interface RejectedRow {
  line: number;
  reason: string;
}

/** What a batch's write did; rows neither inserted nor updated were already there unchanged. */
export interface BatchOutcome {
  inserted: number;
  updated: number;
  /** Rows the writer refused after all (e.g. the reference belongs to a live case). */
  rejected?: RejectedRow[];
}

export interface CsvProgress {
  /** Data rows read so far (the header is not a row). */
  rows: number;
  /** Rows that passed validation so far. */
  good: number;
  /** Rows rejected so far. */
  bad: number;
  /** Good rows committed to the database so far. */
  written: number;
}

export interface CsvImportSpec<T> {
  /** What the file holds, for messages: "calls". */
  what: string;
  /** The header, exactly: these names (case matters), each once, in any order, no others. */
  columns: readonly string[];
  /** Turns one row, `{ column: text }`, into a record; its issue messages become the rejection reason. */
  schema: z.ZodType<T>;
  /** Writes one batch of good rows in one transaction. */
  write: (batch: readonly CsvRow<T>[]) => Promise<BatchOutcome>;
  /** Good rows a batch: 1,000 unless told. */
  batchSize?: number;
  /** Called after every batch is written and once at the end. */
  onProgress?: (progress: CsvProgress) => void;
  /** Rejections kept in the result (all are counted): 10,000 unless told, so a wholly wrong million-row file stays small. */
  maxRejectedKept?: number;
}

export interface CsvImportResult {
  /** Data rows read. */
  rows: number;
  /** New rows created. */
  imported: number;
  /** Existing rows (same id or reference) changed by this file. */
  updated: number;
  /** Good rows that were already stored exactly so (or repeated an id later in the same batch: the last one wins). */
  unchanged: number;
  /** The first `maxRejectedKept` rejected rows, by line. */
  rejected: RejectedRow[];
  /** Every rejected row, including those not kept. */
  rejectedCount: number;
}

/** The file cannot be imported at all (wrong or missing header); nothing has been written. */
export class CsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

export const DEFAULT_BATCH_SIZE = 1_000;

/** Imports a CSV file (a path or a readable stream) row by row; see the module comment. */
export async function importCsv<T>(input: string | NodeJS.ReadableStream, spec: CsvImportSpec<T>): Promise<CsvImportResult> {
  const batchSize = Math.max(1, Math.trunc(spec.batchSize ?? DEFAULT_BATCH_SIZE));
  const maxKept = Math.max(0, Math.trunc(spec.maxRejectedKept ?? 10_000));
  const rejected: RejectedRow[] = [];
  let rejectedCount = 0;
  const reject = (row: RejectedRow) => {
    rejectedCount++;
    if (rejected.length < maxKept) rejected.push(row);
  };
  const totals = { rows: 0, good: 0, written: 0, inserted: 0, updated: 0, writerRejected: 0 };
  const progress = () => spec.onProgress?.({ rows: totals.rows, good: totals.good - totals.writerRejected, bad: rejectedCount, written: totals.written });

  let headerSeen = false;
  let lastLine = 1;
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      headerSeen = true;
      return checkHeader(header, spec);
    },
    relax_column_count: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: Record<string, string>, context) => {
      // context.lines is the line a record ends on; a quoted field can span lines.
      let newlines = 0;
      for (const value of Object.values(record)) newlines += countNewlines(value);
      lastLine = context.lines;
      return { record, line: context.lines - newlines };
    },
  });
  parser.on('skip', (error: CsvError) => {
    totals.rows++;
    reject({ line: skippedLine(error, lastLine), reason: csvErrorReason(error, lastLine) });
    lastLine = typeof error.lines === 'number' ? error.lines : lastLine;
  });

  // One batch is written while the next is read and checked: reading (JavaScript) overlaps the
  // database's work, batches still commit one at a time and in order, and at most two batches
  // are ever held in memory.
  let batch: CsvRow<T>[] = [];
  let writing: Promise<void> = Promise.resolve();
  const writeBatch = async (rows: CsvRow<T>[]) => {
    const outcome = await spec.write(rows);
    const refused = outcome.rejected ?? [];
    for (const row of refused) reject(row);
    totals.writerRejected += refused.length;
    totals.inserted += outcome.inserted;
    totals.updated += outcome.updated;
    totals.written += rows.length - refused.length;
    progress();
  };
  const flush = async () => {
    await writing;
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    writing = writeBatch(rows);
    // Marked as handled here; the failure itself surfaces at the next flush.
    writing.catch(() => undefined);
  };

  const source = typeof input === 'string' ? createReadStream(input) : input;
  try {
    await pipeline(source, parser, async (records: AsyncIterable<{ record: Record<string, string>; line: number }>) => {
      for await (const { record, line } of records) {
        totals.rows++;
        const parsed = spec.schema.safeParse(record);
        if (!parsed.success) {
          reject({ line, reason: reasonOf(parsed.error) });
          continue;
        }
        totals.good++;
        batch.push({ line, record: parsed.data });
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      await writing;
    });
  } finally {
    // Never leave a write running behind a failed read: it finishes (or fails) before this returns.
    await writing.catch(() => undefined);
  }
  if (!headerSeen) throw new CsvFormatError(`The ${spec.what} file is empty: its first line must be the header ${spec.columns.join(',')}`);
  progress();
  rejected.sort((a, b) => a.line - b.line);
  const good = totals.good - totals.writerRejected;
  return {
    rows: totals.rows,
    imported: totals.inserted,
    updated: totals.updated,
    unchanged: good - totals.inserted - totals.updated,
    rejected,
    rejectedCount,
  };
}

function checkHeader(header: string[], spec: { what: string; columns: readonly string[] }): string[] {
  const names = header.map((name) => name.trim());
  const expected = new Set(spec.columns);
  const missing = spec.columns.filter((column) => !names.includes(column));
  const unexpected = names.filter((name) => !expected.has(name));
  const repeated = names.filter((name, i) => expected.has(name) && names.indexOf(name) !== i);
  if (missing.length === 0 && unexpected.length === 0 && repeated.length === 0) return names;
  const problems = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    unexpected.length ? `not expected ${unexpected.map((n) => (n === '' ? '(a blank name)' : n)).join(', ')}` : '',
    repeated.length ? `repeated ${[...new Set(repeated)].join(', ')}` : '',
  ].filter(Boolean);
  throw new CsvFormatError(
    `This is not a ${spec.what} file: its first line must be the header ${spec.columns.join(',')} ` +
      `but it is ${names.join(',')} (${problems.join('; ')}). Nothing was imported.`,
  );
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function skippedLine(error: CsvError, lastLine: number): number {
  if (error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const fields = Array.isArray(error.record) ? (error.record as unknown[]) : [];
    const newlines = fields.reduce<number>((n, field) => n + (typeof field === 'string' ? countNewlines(field) : 0), 0);
    return (typeof error.lines === 'number' ? error.lines : lastLine + 1) - newlines;
  }
  return lastLine + 1;
}

function csvErrorReason(error: CsvError, lastLine: number): string {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const fields = Array.isArray(error.record) ? error.record.length : undefined;
      const columns = /columns length is (\d+)/.exec(error.message)?.[1];
      return fields !== undefined && columns ? `has ${fields} fields; the header has ${columns}` : error.message;
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field starting on line ${lastLine + 1} is never closed, so lines ${lastLine + 1} to ${error.lines} could not be read`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by more text: put the whole field in quotes and double any quote inside it ("")';
    default:
      return error.message;
  }
}

function reasonOf(error: z.ZodError): string {
  return [...new Set(error.issues.map((issue) => issue.message))].join('; ');
}
