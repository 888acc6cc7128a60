import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError } from 'csv-parse';
import { isValidIsoDate, londonDate } from '../../domain/london-time.ts';
import { upsertBodies, type Db, type NewBody, type UpsertCounts } from '../../data/repositories/bodies.ts';

export const BODIES_FILE_NAME = 'uk_local_authorities_current.csv';
export const BODIES_PUBLISHER_URL =
  'https://raw.githubusercontent.com/mysociety/uk_local_authority_names_and_codes/main/data/packages/uk_la_past_current/uk_local_authorities_current.csv';
/** CC BY 4.0 asks for this credit wherever the names and codes are shown. */
export const BODIES_ATTRIBUTION = 'Local authority names and codes: mySociety, licensed under CC BY 4.0';

export interface SkippedRow {
  line: number;
  reason: string;
  /** True when the row could not be read; false when it was read and is simply outside jurisdiction. */
  malformed: boolean;
}
/** A kept row with a value that had to be left blank. */
export interface RowWarning {
  line: number;
  reason: string;
}
export interface ParsedBodies {
  bodies: NewBody[];
  skipped: SkippedRow[];
  warnings: RowWarning[];
}

/** Any failure to obtain a usable list; nothing has been written when it is thrown. */
export class BodiesSourceError extends Error {
  constructor(
    message: string,
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BodiesSourceError';
  }
}

const COUNCIL_TYPES: Record<string, string> = {
  CTY: 'county',
  NMD: 'district',
  UA: 'unitary', // includes the Council of the Isles of Scilly
  MD: 'metropolitan',
  LBO: 'london-borough',
  // The City of London Corporation runs London-borough services and shares their E09 code series.
  CC: 'london-borough',
};
const NOT_COUNCILS: Record<string, string> = {
  COMB: 'combined authority, not a council',
  SRA: 'strategic authority (Greater London Authority), not a council',
};
const REQUIRED_COLUMNS = [
  'local-authority-code', 'official-name', 'nice-name', 'gss-code', 'start-date', 'end-date', 'replaced-by',
  'nation', 'region', 'local-authority-type', 'county-la', 'combined-authority', 'pop-2020',
] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];
type Row = Record<Column, string> & { line: number };

/** Reads the mySociety list (a path or a stream) and keeps the current English councils. */
export async function parseBodiesCsv(
  input: string | NodeJS.ReadableStream,
  options: { today?: string } = {},
): Promise<ParsedBodies> {
  const today = options.today ?? londonDate(new Date());
  const skipped: SkippedRow[] = [];
  const warnings: RowWarning[] = [];
  const rows = await readRows(input, skipped);

  const byLaCode = new Map(rows.map((row) => [row['local-authority-code'], row]));
  const kept = new Map<string, { row: Row; body: NewBody }>();
  const firstLineOfCode = new Map<string, number>();
  for (const row of rows) {
    const outcome = toCouncil(row, today);
    if ('reason' in outcome) {
      skipped.push({ line: row.line, ...outcome });
      continue;
    }
    const laCode = row['local-authority-code'];
    const seenOn = firstLineOfCode.get(outcome.code) ?? kept.get(laCode)?.row.line;
    if (seenOn !== undefined) {
      skipped.push({ line: row.line, reason: `gss-code ${outcome.code} or local-authority-code ${laCode} repeats line ${seenOn}`, malformed: true });
      continue;
    }
    firstLineOfCode.set(outcome.code, row.line);
    const ca = row['combined-authority'];
    outcome.combined_authority = ca ? (byLaCode.get(ca)?.['official-name'] || ca) : null;
    outcome.population = population(row, warnings);
    kept.set(laCode, { row, body: outcome });
  }

  // A county resolves only to a council that was itself kept, so every county_code names an imported body.
  for (const { row, body } of kept.values()) {
    const countyLa = row['county-la'];
    if (!countyLa) continue;
    const county = kept.get(countyLa)?.body;
    if (county?.council_type === 'county') body.county_code = county.code;
    else warnings.push({ line: row.line, reason: `county-la ${countyLa} is not a current English county; county left blank` });
  }
  return { bodies: [...kept.values()].map((k) => k.body), skipped: skipped.sort((a, b) => a.line - b.line), warnings };
}

async function readRows(input: string | NodeJS.ReadableStream, skipped: SkippedRow[]): Promise<Row[]> {
  const rows: Row[] = [];
  let header: string[] | undefined;
  let lastLine = 0;
  const parser = parse({
    bom: true,
    // A stray quote inside a field is kept as text; strict quoting would swallow every later row.
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: string[], context) => {
      // context.lines is where a record ends; a quoted field can span lines.
      const line = context.lines - record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
      lastLine = context.lines;
      return { record, line };
    },
  });
  parser.on('skip', (error: CsvError) => {
    const line = lastLine + 1;
    const reason = error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? `a quoted field starting on line ${line} is never closed, so lines ${line} to ${error.lines} could not be read`
      : error.message;
    if (!skipped.some((s) => s.line === line && s.reason === reason)) skipped.push({ line, reason, malformed: true });
  });
  const source = typeof input === 'string' ? createReadStream(input) : input;
  await pipeline(source, parser, async (records: AsyncIterable<{ record: string[]; line: number }>) => {
    for await (const { record, line } of records) {
      if (!header) {
        header = checkHeader(record);
        continue;
      }
      if (record.length !== header.length) {
        skipped.push({ line, reason: `has ${record.length} fields, the header has ${header.length}`, malformed: true });
        continue;
      }
      const row = { line } as Row;
      for (const column of REQUIRED_COLUMNS) row[column] = (record[header.indexOf(column)] ?? '').trim();
      rows.push(row);
    }
  });
  if (!header) throw new Error('The local authority list is empty');
  return rows;
}

function checkHeader(record: string[]): string[] {
  const header = record.map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new Error(`This is not the mySociety local authority list: no column ${missing.join(', ')}`);
  }
  return header;
}

type Outcome = NewBody | Omit<SkippedRow, 'line'>;

function toCouncil(row: Row, today: string): Outcome {
  const nation = row.nation;
  if (nation !== 'England') return { reason: `outside England (${nation || 'no nation given'})`, malformed: false };
  for (const column of ['start-date', 'end-date'] as const) {
    if (row[column] && !isValidIsoDate(row[column])) return { reason: `${column} "${row[column]}" is not a date`, malformed: true };
  }
  const ended = row['end-date'];
  if (ended && ended <= today) {
    const replacement = row['replaced-by'] ? `, replaced by ${row['replaced-by']}` : '';
    return { reason: `ended on ${ended}${replacement}`, malformed: false };
  }
  if (row['start-date'] > today) return { reason: `starts on ${row['start-date']}`, malformed: false };
  const type = row['local-authority-type'];
  const notCouncil = NOT_COUNCILS[type];
  if (notCouncil) return { reason: notCouncil, malformed: false };
  const councilType = COUNCIL_TYPES[type];
  if (!councilType) return { reason: `unknown local-authority-type "${type}"`, malformed: true };
  const code = row['gss-code'];
  if (!/^E\d{8}$/.test(code)) return { reason: `gss-code "${code}" is not an English GSS code`, malformed: true };
  // The official name is what appears on letters and websites ("Birmingham City Council").
  const name = row['official-name'] || row['nice-name'];
  if (!name) return { reason: 'has no name', malformed: true };
  return { code, name, kind: 'council', council_type: councilType, region: row.region || null, county_code: null, fictional: false };
}

function population(row: Row, warnings: RowWarning[]): number | null {
  const text = row['pop-2020'];
  if (!text) return null;
  const value = Number(text);
  if (Number.isFinite(value) && value >= 0 && value <= 2_147_483_647) return Math.round(value);
  warnings.push({ line: row.line, reason: `pop-2020 "${text}" is not a population; left blank` });
  return null;
}

/** Six invented councils, one or more of each type, for demonstrations without reference data. */
export function fictionalDemoBodies(): NewBody[] {
  const council = (code: string, name: string, council_type: string, region: string, population: number, extra: Partial<NewBody> = {}): NewBody => ({
    code, name, kind: 'council', council_type, region, population, county_code: null, combined_authority: null, fictional: true, ...extra,
  });
  return [
    council('X99000001', 'Exampleshire County Council', 'county', 'East Midlands', 612_000),
    council('X99000002', 'Sampleton District Council', 'district', 'East Midlands', 98_500, { county_code: 'X99000001' }),
    council('X99000003', 'Borough of Mockford Council', 'unitary', 'South West', 187_300),
    council('X99000004', 'Testbury Metropolitan Borough Council', 'metropolitan', 'North West', 276_900, {
      combined_authority: 'Demoshire Combined Authority (fictional)',
    }),
    council('X99000005', 'London Borough of Placeholder', 'london-borough', 'London', 301_200, {
      combined_authority: 'Greater London Authority',
    }),
    council('X99000006', 'Illustration Vale District Council', 'district', 'East Midlands', 74_100, { county_code: 'X99000001' }),
  ];
}

export interface ImportLog {
  info(facts: object, message: string): void;
  warn(facts: object, message: string): void;
}

export interface ImportBodiesOptions {
  db: Db;
  /** An explicit CSV file; otherwise the reference folder's copy; otherwise the publisher's. */
  file?: string | undefined;
  referenceDir?: string | undefined;
  fetchImpl?: typeof fetch;
  log: ImportLog;
  today?: string;
}

export interface ImportBodiesResult extends UpsertCounts {
  source: string;
  councils: number;
  skipped: SkippedRow[];
  warnings: RowWarning[];
}

/** Loads the councils in jurisdiction into `bodies`. Throws BodiesSourceError when no usable list can be had. */
export async function importBodies(options: ImportBodiesOptions): Promise<ImportBodiesResult> {
  const { db, log } = options;
  const source = chooseSource(options);
  log.info({ source }, 'Importing bodies in jurisdiction');
  let parsed: ParsedBodies;
  try {
    const input = source === BODIES_PUBLISHER_URL ? Readable.from([await download(options.fetchImpl ?? fetch)]) : source;
    parsed = await parseBodiesCsv(input, { today: options.today });
  } catch (error) {
    if (error instanceof BodiesSourceError) throw error;
    throw new BodiesSourceError(`Could not read the local authority list from ${source}: ${messageOf(error)}`, source, { cause: error });
  }
  if (parsed.bodies.length === 0) throw new BodiesSourceError(`The local authority list from ${source} has no current English councils`, source);

  const malformed = parsed.skipped.filter((s) => s.malformed);
  if (malformed.length > 0) log.warn({ source, rows: malformed }, 'Skipped unreadable rows in the local authority list');
  if (parsed.warnings.length > 0) log.warn({ source, rows: parsed.warnings }, 'Left some values blank in the local authority list');

  const counts = db.isTransaction
    ? await upsertBodies(db, parsed.bodies)
    : await db.transaction().execute((trx) => upsertBodies(trx, parsed.bodies));
  const byType = countBy(parsed.bodies, (b) => b.council_type ?? 'none');
  log.info({ source, councils: parsed.bodies.length, byType, outOfScope: parsed.skipped.length - malformed.length, ...counts }, 'Imported bodies in jurisdiction');
  return { source, councils: parsed.bodies.length, skipped: parsed.skipped, warnings: parsed.warnings, ...counts };
}

function chooseSource(options: ImportBodiesOptions): string {
  if (options.file) return options.file;
  if (options.referenceDir) {
    const local = join(options.referenceDir, BODIES_FILE_NAME);
    if (existsSync(local)) return local;
  }
  return BODIES_PUBLISHER_URL;
}

async function download(fetchImpl: typeof fetch): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(BODIES_PUBLISHER_URL, { signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new BodiesSourceError(`Could not download the local authority list: ${messageOf(error)}`, BODIES_PUBLISHER_URL, { cause: error });
  }
  if (!response.ok) {
    throw new BodiesSourceError(
      `Could not download the local authority list: HTTP ${response.status} ${response.statusText}`.trim(),
      BODIES_PUBLISHER_URL,
    );
  }
  return response.text();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
