/**
 * Imports the exported files with the application's own import code, as `redress import <kind>
 * FILE` runs it (src/cli-imports.ts): the same import functions, batch size, progress reporter on
 * stderr and summary line; for cases the working-day calendar and, afterwards, the forgotten
 * public statistics. The command's table of kinds is not exported, so its four entries are
 * repeated here; see the report for the one-line change that would let this call it.
 */
import type { Kysely } from 'kysely';
import { progressReporter, summary } from '../../src/cli-imports.ts';
import type { Database } from '../../src/data/schema.ts';
import type { WorkingDayCalendar } from '../../src/domain/working-days.ts';
import { DEFAULT_BATCH_SIZE, type CsvImportResult, type CsvProgress } from '../../src/services/imports/csv-import.ts';
import { importCallsCsv, importCasesCsv, importContactsCsv } from '../../src/services/imports/history-imports.ts';
import { importRemediesCsv } from '../../src/services/imports/remedies-import.ts';
import { forgetPublicStatistics } from '../../src/services/public-statistics/year-statistics.ts';
import type { Kind } from './export-csv.ts';

type Run = (db: Kysely<Database>, calendar: WorkingDayCalendar, file: string, options: { batchSize: number; onProgress: (p: CsvProgress) => void }) => Promise<CsvImportResult>;

const runs: Record<Kind, Run> = {
  calls: (db, _calendar, file, options) => importCallsCsv(db, file, options),
  contacts: (db, _calendar, file, options) => importContactsCsv(db, file, options),
  cases: async (db, calendar, file, options) => {
    const result = await importCasesCsv(db, file, { ...options, calendar });
    if (result.imported + result.updated > 0) await forgetPublicStatistics({ db });
    return result;
  },
  remedies: (db, _calendar, file, options) => importRemediesCsv(db, file, options),
};

export interface ImportedFile {
  kind: Kind;
  result: CsvImportResult;
  seconds: number;
}

export interface ImportOptions {
  batchSize?: number;
  /** Where progress and the command's summary go: stderr unless told. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Imports one file into the target as the command would. */
export async function importFile(db: Kysely<Database>, calendar: WorkingDayCalendar, kind: Kind, file: string, options: ImportOptions = {}): Promise<ImportedFile> {
  const stream = options.stream ?? process.stderr;
  const progress = progressReporter(kind, stream);
  let result: CsvImportResult;
  try {
    result = await runs[kind](db, calendar, file, { batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE, onProgress: progress.update });
  } catch (error) {
    progress.stop();
    throw error;
  }
  const seconds = progress.stop();
  stream.write(summary(kind, file, result, seconds));
  return { kind, result, seconds };
}
