import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../data/schema.ts';
import { isValidIsoDate, londonDate, type IsoDate } from '../../domain/london-time.ts';
import { normaliseReference } from '../../domain/references.ts';
import { complianceStatuses, type ComplianceStatus, type RemedyKind } from '../../domain/vocabulary.ts';
import { CALENDAR_FROM, CALENDAR_TO } from '../bank-holidays.ts';
import { forgetPublicStatistics } from '../public-statistics/year-statistics.ts';
import { importCsv, type BatchOutcome, type CsvImportResult, type CsvRow, type RejectedRow } from './csv-import.ts';
import { parseInstant, type HistoryImportOptions } from './history-imports.ts';

/**
 * Imports the remedies of historic cases: case_reference,kind,due_date,completed_at,status.
 *
 * - case_reference: a case already imported (`npx redress import cases`); a case registered in
 *   Redress keeps its remedies in Redress and is refused.
 * - kind: apology, financial (our financial-payment), service-improvement, procedure-review,
 *   training or other.
 * - due_date: YYYY-MM-DD, the date we recommended (compliance is counted from it).
 * - completed_at: when the body carried it out, or when it was recorded as not carried out: a
 *   date (YYYY-MM-DD) or an ISO 8601 instant with a UTC offset, kept as its London date; empty
 *   for a pending remedy.
 * - status: pending, complied-on-time, complied-late or not-complied, and it must agree with the
 *   dates, as Redress works it out for live casework: on time means completed on or before the
 *   due date, late means after it.
 *
 * Idempotent: a remedy is keyed by (case, kind, due date) in `remedies.import_key`, so running a
 * file again updates what changed and leaves the rest; within a file the last row for a key
 * wins. A remedy settled in Redress since it was imported is refused and left as it is. After
 * an import that changed anything, the cached public statistics are forgotten.
 */

export const REMEDY_COLUMNS = ['case_reference', 'kind', 'due_date', 'completed_at', 'status'] as const;

/** The file's kinds and ours: the file says "financial" for a financial payment. */
const FILE_KINDS: Record<string, RemedyKind> = {
  apology: 'apology',
  financial: 'financial-payment',
  'financial-payment': 'financial-payment',
  'service-improvement': 'service-improvement',
  'procedure-review': 'procedure-review',
  training: 'training',
  other: 'other',
};
const FILE_KIND_NAMES = ['apology', 'financial', 'service-improvement', 'procedure-review', 'training', 'other'];

export interface HistoricRemedy {
  /** Canonical "YY NNN NNN". */
  reference: string;
  kind: RemedyKind;
  dueOn: IsoDate;
  /** London date; null when pending (and possibly when not complied). */
  completedOn: IsoDate | null;
  status: ComplianceStatus;
}

const show = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

function checkDateRange(date: IsoDate): string | null {
  return date < CALENDAR_FROM || date > CALENDAR_TO ? `is outside ${CALENDAR_FROM} to ${CALENDAR_TO}` : null;
}

const referenceField = z.unknown().transform((value, ctx): string => {
  const t = text(value);
  if (!t) return fail(ctx, 'case_reference is empty');
  return normaliseReference(t) ?? fail(ctx, `case_reference ${show(t)} is not a case reference like 17 004 213`);
});

const kindField = z.unknown().transform((value, ctx): RemedyKind => {
  const t = text(value).toLowerCase();
  if (!t) return fail(ctx, `kind is empty: it must be one of ${FILE_KIND_NAMES.join(', ')}`);
  return FILE_KINDS[t] ?? fail(ctx, `kind ${show(t)} is not one of ${FILE_KIND_NAMES.join(', ')}`);
});

const dueDateField = z.unknown().transform((value, ctx): IsoDate => {
  const t = text(value);
  if (!t) return fail(ctx, 'due_date is empty');
  if (!isValidIsoDate(t)) return fail(ctx, `due_date ${show(t)} is not a real date like 2017-06-30`);
  const range = checkDateRange(t);
  return range ? fail(ctx, `due_date ${t} ${range}`) : t;
});

const completedField = z.unknown().transform((value, ctx): IsoDate | null => {
  const t = text(value);
  if (!t) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    if (!isValidIsoDate(t)) return fail(ctx, `completed_at ${show(t)} is not a real date`);
    const range = checkDateRange(t);
    return range ? fail(ctx, `completed_at ${t} ${range}`) : t;
  }
  const instant = parseInstant(t);
  if (typeof instant === 'string') return fail(ctx, `completed_at ${show(t)} must be a date like 2017-06-30 or ${instant.replace(/^is /, 'a date and time: it ')}`);
  return londonDate(instant);
});

const statusField = z.unknown().transform((value, ctx): ComplianceStatus => {
  const t = text(value).toLowerCase();
  if (!t) return fail(ctx, `status is empty: it must be one of ${complianceStatuses.values.join(', ')}`);
  return complianceStatuses.has(t) ? t : fail(ctx, `status ${show(t)} is not one of ${complianceStatuses.values.join(', ')}`);
});

export const remedySchema: z.ZodType<HistoricRemedy> = z
  .strictObject({
    case_reference: referenceField,
    kind: kindField,
    due_date: dueDateField,
    completed_at: completedField,
    status: statusField,
  })
  .check((ctx) => {
    const row = ctx.value;
    const problem = (message: string) => ctx.issues.push({ code: 'custom', input: row, message });
    if (row.status === 'pending' && row.completed_at !== null) problem('completed_at is given but status is pending: a pending remedy has not been completed');
    if ((row.status === 'complied-on-time' || row.status === 'complied-late') && row.completed_at === null) problem(`status is ${row.status} but completed_at is empty`);
    if (row.status === 'complied-on-time' && row.completed_at !== null && row.completed_at > row.due_date) {
      problem(`status is complied-on-time but completed_at ${row.completed_at} is after due_date ${row.due_date}: that is complied-late`);
    }
    if (row.status === 'complied-late' && row.completed_at !== null && row.completed_at <= row.due_date) {
      problem(`status is complied-late but completed_at ${row.completed_at} is not after due_date ${row.due_date}: that is complied-on-time`);
    }
  })
  .transform((row) => ({ reference: row.case_reference, kind: row.kind, dueOn: row.due_date, completedOn: row.completed_at, status: row.status }));

/** (case, kind, due date): one remedy of the history. */
export const remedyImportKey = (r: Pick<HistoricRemedy, 'reference' | 'kind' | 'dueOn'>) => `${r.reference}|${r.kind}|${r.dueOn}`;

const CHUNK = 1_000;
// A row version written by this statement's insert has no xmax; one rewritten by ON CONFLICT has the locker's.
const wasInserted = sql<boolean>`xmax::text = '0'`.as('inserted');

/** Writes one batch of remedies in one transaction; see the module comment. */
export async function writeRemedyBatch(db: Kysely<Database>, batch: readonly CsvRow<HistoricRemedy>[]): Promise<BatchOutcome> {
  const byKey = new Map<string, CsvRow<HistoricRemedy>>();
  for (const row of batch) byKey.set(remedyImportKey(row.record), row);
  const rows = [...byKey.values()];
  return db.transaction().execute(async (trx) => {
    const rejected: RejectedRow[] = [];
    const cases = new Map<string, { id: number; imported: boolean }>();
    const references = [...new Set(rows.map((r) => r.record.reference))];
    for (let i = 0; i < references.length; i += CHUNK) {
      const found = await trx.selectFrom('cases').select(['id', 'reference', 'imported']).where('reference', 'in', references.slice(i, i + CHUNK)).execute();
      for (const c of found) cases.set(c.reference, { id: c.id, imported: c.imported });
    }
    const keys = rows.map((r) => remedyImportKey(r.record));
    const settledInRedress = new Set<string>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const found = await trx.selectFrom('remedies').select('import_key').where('import_key', 'in', keys.slice(i, i + CHUNK)).where('recorded_at', 'is not', null).execute();
      for (const r of found) if (r.import_key) settledInRedress.add(r.import_key);
    }
    const accepted: { row: CsvRow<HistoricRemedy>; caseId: number }[] = [];
    for (const row of rows) {
      const c = cases.get(row.record.reference);
      if (!c) rejected.push({ line: row.line, reason: `there is no case ${row.record.reference}: import the cases first` });
      else if (!c.imported) rejected.push({ line: row.line, reason: `case ${row.record.reference} was registered in Redress, so its remedies are recorded there, not imported` });
      else if (settledInRedress.has(remedyImportKey(row.record))) rejected.push({ line: row.line, reason: `this remedy of case ${row.record.reference} has been settled in Redress since it was imported, so the import leaves it as it is` });
      else accepted.push({ row, caseId: c.id });
    }
    let inserted = 0;
    let updated = 0;
    for (let i = 0; i < accepted.length; i += CHUNK) {
      const values = accepted.slice(i, i + CHUNK).map(({ row: { record: r }, caseId }) => ({
        case_id: caseId,
        kind: r.kind,
        due_on: r.dueOn,
        status: r.status,
        settled_on: r.completedOn,
        import_key: remedyImportKey(r),
      }));
      const written = await trx
        .insertInto('remedies')
        .values(values)
        .onConflict((oc) =>
          oc
            .column('import_key')
            .doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), settled_on: eb.ref('excluded.settled_on'), case_id: eb.ref('excluded.case_id') }))
            .where('remedies.recorded_at', 'is', null)
            .where(sql<boolean>`(remedies.status, remedies.settled_on, remedies.case_id) is distinct from (excluded.status, excluded.settled_on, excluded.case_id)`),
        )
        .returning(wasInserted)
        .execute();
      for (const w of written) {
        if (w.inserted) inserted++;
        else updated++;
      }
    }
    return { inserted, updated, rejected };
  });
}

/** Imports remedies: case_reference,kind,due_date,completed_at,status. */
export async function importRemediesCsv(db: Kysely<Database>, input: string | NodeJS.ReadableStream, options: HistoryImportOptions = {}): Promise<CsvImportResult> {
  const result = await importCsv(input, {
    what: 'remedies',
    columns: REMEDY_COLUMNS,
    schema: remedySchema,
    batchSize: options.batchSize,
    onProgress: options.onProgress,
    write: (batch) => writeRemedyBatch(db, batch),
  });
  if (result.imported + result.updated > 0) await forgetPublicStatistics({ db });
  return result;
}
