/**
 * The whole path, between two open databases: the source's history out as the importers' CSV
 * files, into the (migrated, empty) target through the application's import code, and the two
 * compared. Used by bench/import-path.ts and its test.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';
import { CalendarHolder } from '../../src/services/bank-holidays.ts';
import { compareHistories, countRows, NOT_CARRIED, type Comparison } from './compare.ts';
import { exportCsv, exportGaps, KINDS, type ExportedFile, type ExportGaps } from './export-csv.ts';
import { importFile, type ImportedFile, type ImportOptions } from './import-files.ts';

export interface ImportPathResult {
  exported: ExportedFile[];
  imported: ImportedFile[];
  /** With `again`: the same files imported a second time (every row should come back unchanged). */
  importedAgain: ImportedFile[];
  gaps: ExportGaps;
  /** Source rows of the tables no import carries. */
  notCarried: Record<string, number>;
  bodiesCopied: number;
  comparison: Comparison;
  /** Export and import, without the comparison. */
  seconds: number;
}

const CHUNK = 1_000;

/**
 * Councils are reference data a deployment loads before any history (`redress import bodies`);
 * the source's are copied so that every body_code in the cases file is known, as it would be.
 */
export async function copyBodies(source: Kysely<Database>, target: Kysely<Database>): Promise<number> {
  const bodies = await source
    .selectFrom('bodies')
    .select(['code', 'name', 'kind', 'council_type', 'region', 'county_code', 'combined_authority', 'population', 'fictional'])
    .orderBy('id')
    .execute();
  for (let start = 0; start < bodies.length; start += CHUNK) {
    await target.insertInto('bodies').values(bodies.slice(start, start + CHUNK)).onConflict((oc) => oc.column('code').doNothing()).execute();
  }
  return bodies.length;
}

export async function runImportPath(
  source: Kysely<Database>,
  target: Kysely<Database>,
  dir: string,
  options: ImportOptions & { log?: (message: string) => void; again?: boolean } = {},
): Promise<ImportPathResult> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const gaps = await exportGaps(source);
  const notCarried = await countRows(source, NOT_CARRIED);
  const bodiesCopied = await copyBodies(source, target);
  const holder = new CalendarHolder(target);
  await holder.refresh({ rebuildTable: false });

  const started = performance.now();
  const exported: ExportedFile[] = [];
  for (const kind of KINDS) {
    const file = await exportCsv(source, kind, dir);
    log(`exported ${file.rows.toLocaleString('en-GB')} ${kind} to ${file.file} in ${file.seconds.toFixed(1)} s`);
    exported.push(file);
  }
  const imported: ImportedFile[] = [];
  // In this order: remedies need their cases.
  for (const file of exported) imported.push(await importFile(target, holder.get(), file.kind, file.file, options));
  const seconds = (performance.now() - started) / 1000;
  // A corrected file is simply imported again: the second run of an unchanged file is that path at its cheapest.
  const importedAgain: ImportedFile[] = [];
  if (options.again) for (const file of exported) importedAgain.push(await importFile(target, holder.get(), file.kind, file.file, options));

  const comparison = await compareHistories(source, target);
  return { exported, imported, importedAgain, gaps, notCarried, bodiesCopied, comparison, seconds };
}
