import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../data/schema.ts';
import { ensureBodyByCode } from '../../data/repositories/bodies.ts';
import { raiseReferenceSequences } from '../../data/repositories/bulk-insert.ts';
import { parseCategoryPath } from '../../domain/categories.ts';
import { ASSESSMENT_WORKING_DAYS } from '../../domain/deadlines.ts';
import { londonDate, londonMidnight, addCalendarDays } from '../../domain/london-time.ts';
import { normaliseReference } from '../../domain/references.ts';
import { channels, outcomes, type Channel, type Jurisdiction, type Outcome, type Team } from '../../domain/vocabulary.ts';
import type { Stage } from '../../domain/case-lifecycle.ts';
import type { WorkingDayCalendar } from '../../domain/working-days.ts';
import { CALENDAR_FROM, CALENDAR_TO } from '../bank-holidays.ts';
import { importCsv, type BatchOutcome, type CsvImportResult, type CsvProgress, type CsvRow, type RejectedRow } from './csv-import.ts';

/**
 * Imports of history from the systems Redress replaces: the telephony feed (calls), intake
 * contacts, and cases. Each is idempotent by its natural key (call_id, contact_id, reference):
 * a row already imported is updated in place when the file changed it, and left alone when not,
 * so a corrected file can simply be imported again. Within one file the last row for a key wins.
 *
 * Instants are ISO 8601 with a UTC offset ("2017-05-02T09:15:00+01:00", "…Z"); one without an
 * offset is ambiguous (London wall clock? UTC?) and rejected. An empty field means "none".
 * Instants must fall inside the working-day calendar (1995 to 2045), as the service standards
 * count working days over it.
 *
 * How an imported case is filed (see `deriveCaseState`):
 * - jurisdiction: 'adult-social-care' when the category starts with "Adult care", else 'local-government';
 * - stage: 'closed' with a closed_at; else 'investigation' with an allocated_at; else 'assessment'.
 *   A case with an assessment_decided_at but neither closure nor allocation stays in 'assessment':
 *   in Redress an assessment decision either closes a case or passes it on for investigation,
 *   and which one it was is not in the file, so an assessor looks at it again rather than the
 *   import guessing;
 * - team: 'joint' when joint, else 'investigation' when allocated, else 'assessment';
 * - decided_at = closed_at; registered_at = received_at; imported = true; with a calendar, the
 *   assessment deadline (20 working days after receipt) is filled in as for a new case;
 * - the case is linked to exactly the body of body_code (an unknown code creates a body of kind
 *   'other', named by its code, for an administrator to complete); re-importing with another
 *   code moves the link;
 * - reference sequences move on past the imported references, so cases registered afterwards
 *   never reuse one.
 *
 * A reference held by a case registered in Redress, or by an imported case that has since been
 * worked on in Redress (it has events), is rejected and left as it is: history never overwrites
 * live work.
 */

export type Db = Kysely<Database> | Transaction<Database>;

export const CALL_COLUMNS = ['call_id', 'presented_at', 'answered_at'] as const;
export const CONTACT_COLUMNS = ['contact_id', 'channel', 'received_at', 'dealt_with_at'] as const;
export const CASE_COLUMNS = [
  'reference', 'received_at', 'body_code', 'category', 'joint', 'assessment_decided_at', 'allocated_at', 'closed_at', 'outcome',
] as const;

export interface HistoricCall {
  callId: string;
  presentedAt: Date;
  answeredAt: Date | null;
}

export interface HistoricContact {
  contactId: string;
  channel: Channel;
  receivedAt: Date;
  dealtWithAt: Date | null;
}

export interface HistoricCase {
  /** Canonical "YY NNN NNN". */
  reference: string;
  receivedAt: Date;
  bodyCode: string;
  category: string;
  /** '' when the file gives a single level. */
  subcategory: string;
  joint: boolean;
  assessmentDecidedAt: Date | null;
  allocatedAt: Date | null;
  closedAt: Date | null;
  outcome: Outcome | null;
}

export interface HistoryImportOptions {
  /** Good rows a batch (one transaction each): 1,000 unless told. */
  batchSize?: number;
  onProgress?: (progress: CsvProgress) => void;
}

export interface CaseImportOptions extends HistoryImportOptions {
  /** The working-day calendar; when given, imported cases get their 20-working-day assessment deadline. */
  calendar?: WorkingDayCalendar;
}

// ---------------------------------------------------------------------------------------------
// Field validation, shared with the telephony API (values arrive as unknown JSON there)

const EARLIEST = londonMidnight(CALENDAR_FROM).getTime();
const LATEST = londonMidnight(addCalendarDays(CALENDAR_TO, 1)).getTime();
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const EXAMPLE = '2017-05-02T09:15:00+01:00';
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Parses an ISO 8601 instant that carries a UTC offset; a string (the reason) when it cannot. */
export function parseInstant(text: string): Date | string {
  const match = INSTANT.exec(text);
  if (!match) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return 'has a date but no time and UTC offset';
    return `is not an ISO 8601 date and time with a UTC offset, like ${EXAMPLE}`;
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  if (!zulu && !sign) return `has no UTC offset: add Z (UTC) or the offset, like ${EXAMPLE}`;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return 'is not a real date';
  if (hour > 23 || minute > 59 || second > 59) return 'is not a real time';
  let offset = 0;
  if (sign) {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes ?? 0);
    if (oh > 18 || om > 59) return 'has an impossible UTC offset';
    offset = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  if (year < 1000) return `is outside ${CALENDAR_FROM} to ${CALENDAR_TO}`;
  const instant = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
  if (instant < EARLIEST || instant >= LATEST) return `is outside ${CALENDAR_FROM} to ${CALENDAR_TO}, the dates Redress counts working days over`;
  return new Date(instant);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const show = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);

/** Text that must be present: trimmed, without control characters, at most `max` characters. */
function requiredText(column: string, max: number) {
  return z.unknown().optional().transform((value, ctx): string => {
    if (value === undefined) return fail(ctx, `${column} is missing`);
    if (value === null) return fail(ctx, `${column} is empty`);
    if (typeof value !== 'string') return fail(ctx, `${column} must be a string, not ${describe(value)}`);
    const text = value.trim();
    if (!text) return fail(ctx, `${column} is empty`);
    if (CONTROL.test(text)) return fail(ctx, `${column} contains a control character`);
    if (text.length > max) return fail(ctx, `${column} is longer than ${max} characters`);
    return text;
  });
}

/** An instant: required, or optional where an empty string, null or an absent field means none. */
function instant(column: string, required: true): z.ZodType<Date>;
function instant(column: string, required: false): z.ZodType<Date | null>;
function instant(column: string, required: boolean): z.ZodType<Date | null> {
  return z.unknown().optional().transform((value, ctx): Date | null => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      return required ? fail(ctx, `${column} is empty`) : null;
    }
    if (typeof value !== 'string') return fail(ctx, `${column} must be a string like ${EXAMPLE}, not ${describe(value)}`);
    const text = value.trim();
    const parsed = parseInstant(text);
    return typeof parsed === 'string' ? fail(ctx, `${column} ${show(text)} ${parsed}`) : parsed;
  });
}

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function rowObject<S extends z.core.$ZodLooseShape>(shape: S, columns: readonly string[]) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}: the fields are ${columns.join(', ')}`
        : `must be an object with the fields ${columns.join(', ')}`,
  });
}

const before = (a: Date | null, b: Date | null) => a !== null && b !== null && a.getTime() < b.getTime();

export const callSchema: z.ZodType<HistoricCall> = rowObject(
  { call_id: requiredText('call_id', 100), presented_at: instant('presented_at', true), answered_at: instant('answered_at', false) },
  CALL_COLUMNS,
)
  .check((ctx) => {
    const row = ctx.value;
    if (before(row.answered_at, row.presented_at)) ctx.issues.push({ code: 'custom', input: row, message: 'answered_at is before presented_at' });
  })
  .transform((row) => ({ callId: row.call_id, presentedAt: row.presented_at, answeredAt: row.answered_at }));

const channelField = z.unknown().optional().transform((value, ctx): Channel => {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (channels.has(text)) return text;
  if (text === undefined || text === null || text === '') return fail(ctx, `channel is empty: it must be one of ${channels.values.join(', ')}`);
  return fail(ctx, `channel ${typeof text === 'string' ? show(text) : describe(text)} is not one of ${channels.values.join(', ')}`);
});

export const contactSchema: z.ZodType<HistoricContact> = rowObject(
  {
    contact_id: requiredText('contact_id', 100),
    channel: channelField,
    received_at: instant('received_at', true),
    dealt_with_at: instant('dealt_with_at', false),
  },
  CONTACT_COLUMNS,
)
  .check((ctx) => {
    const row = ctx.value;
    if (before(row.dealt_with_at, row.received_at)) ctx.issues.push({ code: 'custom', input: row, message: 'dealt_with_at is before received_at' });
  })
  .transform((row) => ({ contactId: row.contact_id, channel: row.channel, receivedAt: row.received_at, dealtWithAt: row.dealt_with_at }));

const referenceField = requiredText('reference', 20).transform((text, ctx): string => {
  return normaliseReference(text) ?? fail(ctx, `reference ${show(text)} is not a case reference like 17 004 213`);
});

const categoryField = requiredText('category', 200).transform((text, ctx): { category: string; subcategory: string } => {
  if (!text.includes('>')) return { category: text.replace(/\s+/g, ' '), subcategory: '' };
  const parsed = parseCategoryPath(text);
  if (!parsed) return fail(ctx, `category ${show(text)} must be one level ("Housing") or two ("Housing > Homelessness")`);
  return { category: parsed.category.replace(/\s+/g, ' '), subcategory: parsed.subcategory.replace(/\s+/g, ' ') };
});

const jointField = z.unknown().optional().transform((value, ctx): boolean => {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (text === 'yes') return true;
  if (text === 'no') return false;
  if (text === undefined || text === null || text === '') return fail(ctx, 'joint is empty: it must be yes or no');
  return fail(ctx, `joint ${typeof text === 'string' ? show(text) : describe(text)} must be yes or no`);
});

const outcomeField = z.unknown().optional().transform((value, ctx): Outcome | null => {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (text === undefined || text === null || text === '') return null;
  if (outcomes.has(text)) return text;
  return fail(ctx, `outcome ${typeof text === 'string' ? show(text) : describe(text)} is not one of ${outcomes.values.join(', ')}`);
});

export const caseSchema: z.ZodType<HistoricCase> = rowObject(
  {
    reference: referenceField,
    received_at: instant('received_at', true),
    body_code: requiredText('body_code', 100),
    category: categoryField,
    joint: jointField,
    assessment_decided_at: instant('assessment_decided_at', false),
    allocated_at: instant('allocated_at', false),
    closed_at: instant('closed_at', false),
    outcome: outcomeField,
  },
  CASE_COLUMNS,
)
  .check((ctx) => {
    const row = ctx.value;
    const problems: string[] = [];
    for (const column of ['assessment_decided_at', 'allocated_at', 'closed_at'] as const) {
      if (before(row[column], row.received_at)) problems.push(`${column} is before received_at`);
    }
    if (before(row.closed_at, row.allocated_at)) problems.push('closed_at is before allocated_at');
    if (before(row.closed_at, row.assessment_decided_at)) problems.push('closed_at is before assessment_decided_at');
    if (row.outcome !== null && row.closed_at === null) problems.push('outcome is given but closed_at is empty: only a closed case has an outcome');
    if (row.outcome === null && row.closed_at !== null) problems.push('closed_at is given but outcome is empty: a closed case needs its outcome');
    for (const message of problems) ctx.issues.push({ code: 'custom', input: row, message });
  })
  .transform((row) => ({
    reference: row.reference,
    receivedAt: row.received_at,
    bodyCode: row.body_code,
    category: row.category.category,
    subcategory: row.category.subcategory,
    joint: row.joint,
    assessmentDecidedAt: row.assessment_decided_at,
    allocatedAt: row.allocated_at,
    closedAt: row.closed_at,
    outcome: row.outcome,
  }));

/** Where an imported case is filed; see the module comment. */
export function deriveCaseState(c: Pick<HistoricCase, 'category' | 'joint' | 'allocatedAt' | 'closedAt'>): { jurisdiction: Jurisdiction; stage: Stage; team: Team } {
  const jurisdiction: Jurisdiction = c.category.toLowerCase().startsWith('adult care') ? 'adult-social-care' : 'local-government';
  const stage: Stage = c.closedAt !== null ? 'closed' : c.allocatedAt !== null ? 'investigation' : 'assessment';
  const team: Team = c.joint ? 'joint' : c.allocatedAt !== null ? 'investigation' : 'assessment';
  return { jurisdiction, stage, team };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Rows a statement: at most 16 columns, so far below PostgreSQL's 65,535 bind parameters. */
const CHUNK = 1_000;

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : (db as Kysely<Database>).transaction().execute(work);
}

/** The last of several records with the same key, in the order of first appearance. */
function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return byKey.size === items.length ? [...items] : [...byKey.values()];
}

// A row version written by this statement's insert has no xmax; one rewritten by ON CONFLICT has the locker's.
const wasInserted = sql<boolean>`xmax::text = '0'`.as('inserted');

/** Inserts calls and updates changed ones, by call_id (the last of repeated ids wins). Does not open a transaction. */
export async function upsertCalls(db: Db, calls: readonly HistoricCall[]): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0 };
  const unique = lastByKey(calls, (c) => c.callId);
  for (let start = 0; start < unique.length; start += CHUNK) {
    const rows = unique.slice(start, start + CHUNK).map((c) => ({ call_id: c.callId, presented_at: c.presentedAt, answered_at: c.answeredAt }));
    const written = await db
      .insertInto('calls')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('call_id')
          .doUpdateSet((eb) => ({ presented_at: eb.ref('excluded.presented_at'), answered_at: eb.ref('excluded.answered_at') }))
          .where(sql<boolean>`(calls.presented_at, calls.answered_at) is distinct from (excluded.presented_at, excluded.answered_at)`),
      )
      .returning(wasInserted)
      .execute();
    tally(counts, written);
  }
  return counts;
}

/** Inserts contacts and updates changed ones, by contact_id (stored as external_id). Does not open a transaction. */
export async function upsertContacts(db: Db, contacts: readonly HistoricContact[]): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0 };
  const unique = lastByKey(contacts, (c) => c.contactId);
  for (let start = 0; start < unique.length; start += CHUNK) {
    const rows = unique.slice(start, start + CHUNK).map((c) => ({
      external_id: c.contactId, channel: c.channel, received_at: c.receivedAt, dealt_with_at: c.dealtWithAt,
    }));
    const written = await db
      .insertInto('contacts')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('external_id')
          .doUpdateSet((eb) => ({
            channel: eb.ref('excluded.channel'),
            received_at: eb.ref('excluded.received_at'),
            dealt_with_at: eb.ref('excluded.dealt_with_at'),
          }))
          .where(sql<boolean>`(contacts.channel, contacts.received_at, contacts.dealt_with_at)
            is distinct from (excluded.channel, excluded.received_at, excluded.dealt_with_at)`),
      )
      .returning(wasInserted)
      .execute();
    tally(counts, written);
  }
  return counts;
}

function tally(counts: UpsertCounts, written: readonly { inserted: boolean }[]): void {
  for (const row of written) {
    if (row.inserted) counts.inserted++;
    else counts.updated++;
  }
}

/** Body ids by code, filled as codes are met; unknown codes become bodies of kind 'other'. */
export class BodyCodeCache {
  private readonly ids = new Map<string, number>();
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Resolves every code, creating unknown bodies outside any batch's transaction: a batch that
   * later fails leaves at most a body without cases, and the cache never holds an id that was
   * rolled back.
   */
  async resolve(codes: Iterable<string>): Promise<Map<string, number>> {
    const missing = [...new Set(codes)].filter((code) => !this.ids.has(code));
    for (let start = 0; start < missing.length; start += CHUNK) {
      const chunk = missing.slice(start, start + CHUNK);
      const found = await this.db.selectFrom('bodies').select(['id', 'code']).where('code', 'in', chunk).execute();
      for (const body of found) this.ids.set(body.code, body.id);
    }
    for (const code of missing) {
      if (!this.ids.has(code)) this.ids.set(code, (await ensureBodyByCode(this.db, code)).id);
    }
    return this.ids;
  }
}

/** Century-free two-digit year of a reference, as the full year nearest the year of receipt. */
function referenceYear(reference: string, receivedAt: Date): number {
  const received = Number(londonDate(receivedAt).slice(0, 4));
  const yy = Number(reference.slice(0, 2));
  const candidate = received - (((received % 100) - yy + 100) % 100);
  return received - candidate > 50 ? candidate + 100 : candidate;
}

/** Writes one batch of historic cases in one transaction; see the module comment. */
export async function writeCaseBatch(
  db: Kysely<Database>,
  bodies: BodyCodeCache,
  batch: readonly CsvRow<HistoricCase>[],
  calendar?: WorkingDayCalendar,
): Promise<BatchOutcome> {
  const rows = lastByKey(batch, (row) => row.record.reference);
  const bodyIds = await bodies.resolve(rows.map((row) => row.record.bodyCode));
  return db.transaction().execute(async (trx) => {
    const rejected: RejectedRow[] = [];
    const held = new Map<string, string>();
    const references = rows.map((row) => row.record.reference);
    for (let start = 0; start < references.length; start += CHUNK) {
      const existing = await trx
        .selectFrom('cases as c')
        .select(['c.reference', 'c.imported'])
        .where('c.reference', 'in', references.slice(start, start + CHUNK))
        .where((eb) =>
          eb.or([
            eb('c.imported', '=', false),
            eb.exists(eb.selectFrom('case_events as e').select('e.id').whereRef('e.case_id', '=', 'c.id').where('e.kind', '<>', 'deadline-recalculated')),
          ]),
        )
        .execute();
      for (const c of existing) {
        held.set(c.reference, c.imported
          ? `case ${c.reference} has been worked on in Redress since it was imported, so the import leaves it as it is`
          : `case ${c.reference} was registered in Redress, not imported, so the import leaves it as it is`);
      }
    }
    const accepted: CsvRow<HistoricCase>[] = [];
    for (const row of rows) {
      const reason = held.get(row.record.reference);
      if (reason) rejected.push({ line: row.line, reason });
      else accepted.push(row);
    }

    const inserted = new Set<string>();
    const updated = new Set<string>();
    const idOf = new Map<string, number>();
    for (let start = 0; start < accepted.length; start += CHUNK) {
      const values = accepted.slice(start, start + CHUNK).map(({ record: c }) => {
        const { jurisdiction, stage, team } = deriveCaseState(c);
        return {
          reference: c.reference,
          received_at: c.receivedAt,
          registered_at: c.receivedAt,
          category: c.category,
          subcategory: c.subcategory,
          jurisdiction,
          stage,
          team,
          joint: c.joint,
          assessment_due_on: calendar ? assessmentDueOn(calendar, c.receivedAt) : null,
          assessment_decided_at: c.assessmentDecidedAt,
          allocated_at: c.allocatedAt,
          decided_at: c.closedAt,
          closed_at: c.closedAt,
          outcome: c.outcome,
          imported: true,
        };
      });
      const written = await trx
        .insertInto('cases')
        .values(values)
        .onConflict((oc) =>
          oc
            .column('reference')
            .doUpdateSet((eb) => ({
              received_at: eb.ref('excluded.received_at'),
              registered_at: eb.ref('excluded.registered_at'),
              category: eb.ref('excluded.category'),
              subcategory: eb.ref('excluded.subcategory'),
              jurisdiction: eb.ref('excluded.jurisdiction'),
              stage: eb.ref('excluded.stage'),
              team: eb.ref('excluded.team'),
              joint: eb.ref('excluded.joint'),
              assessment_due_on: sql<string | null>`coalesce(excluded.assessment_due_on, cases.assessment_due_on)`,
              assessment_decided_at: eb.ref('excluded.assessment_decided_at'),
              allocated_at: eb.ref('excluded.allocated_at'),
              decided_at: eb.ref('excluded.decided_at'),
              closed_at: eb.ref('excluded.closed_at'),
              outcome: eb.ref('excluded.outcome'),
              version: sql<number>`cases.version + 1`,
            }))
            .where('cases.imported', '=', true)
            .where(sql<boolean>`(cases.received_at, cases.registered_at, cases.category, cases.subcategory, cases.jurisdiction,
              cases.stage, cases.team, cases.joint, cases.assessment_due_on, cases.assessment_decided_at,
              cases.allocated_at, cases.decided_at, cases.closed_at, cases.outcome)
              is distinct from (excluded.received_at, excluded.registered_at, excluded.category, excluded.subcategory, excluded.jurisdiction,
              excluded.stage, excluded.team, excluded.joint, coalesce(excluded.assessment_due_on, cases.assessment_due_on), excluded.assessment_decided_at,
              excluded.allocated_at, excluded.decided_at, excluded.closed_at, excluded.outcome)`),
        )
        .returning(['id', 'reference', wasInserted])
        .execute();
      for (const w of written) {
        idOf.set(w.reference, w.id);
        (w.inserted ? inserted : updated).add(w.reference);
      }
    }

    // Unchanged cases were not returned: their ids are still needed for the body links.
    const unreturned = accepted.map((row) => row.record.reference).filter((reference) => !idOf.has(reference));
    for (let start = 0; start < unreturned.length; start += CHUNK) {
      const found = await trx.selectFrom('cases').select(['id', 'reference']).where('reference', 'in', unreturned.slice(start, start + CHUNK)).execute();
      for (const c of found) idOf.set(c.reference, c.id);
    }

    const links = accepted.map(({ record: c }) => ({ reference: c.reference, case_id: idOf.get(c.reference) ?? 0, body_id: bodyIds.get(c.bodyCode) ?? 0 }));
    for (let start = 0; start < links.length; start += CHUNK) {
      const chunk = links.slice(start, start + CHUNK);
      const referenceOf = new Map(chunk.map((l) => [l.case_id, l.reference]));
      // A case is linked to exactly the body the file names: a corrected body_code moves the link.
      // A case this batch created has no links yet.
      const known = chunk.filter((l) => !inserted.has(l.reference));
      const moved = known.length === 0 ? [] : (await sql<{ case_id: number }>`
        delete from case_bodies cb
        using (values ${sql.join(known.map((l) => sql`(${l.case_id}::integer, ${l.body_id}::integer)`))}) as wanted (case_id, body_id)
        where cb.case_id = wanted.case_id and cb.body_id <> wanted.body_id
          -- Said again as an array the planner can see: without it, on a table not yet analysed
          -- after a bulk load, each batch scanned the whole of case_bodies (35.7 ms -> 1.4 ms a batch at 200,000 cases).
          and cb.case_id = any(${known.map((l) => l.case_id)}::integer[])
        returning cb.case_id`.execute(trx)).rows;
      const added = await trx
        .insertInto('case_bodies')
        .values(chunk.map((l) => ({ case_id: l.case_id, body_id: l.body_id })))
        .onConflict((oc) => oc.doNothing())
        .returning('case_id')
        .execute();
      for (const { case_id } of [...moved, ...added]) {
        const reference = referenceOf.get(case_id);
        if (reference !== undefined && !inserted.has(reference)) updated.add(reference);
      }
    }

    await raiseReferenceSequences(
      trx,
      accepted.map(({ record: c }) => ({ year: referenceYear(c.reference, c.receivedAt), last_value: Number(c.reference.slice(3).replace(' ', '')) })),
    );
    // Repeats of a reference within the batch were superseded by the last: they count as unchanged.
    return { inserted: inserted.size, updated: updated.size, rejected };
  });
}

function assessmentDueOn(calendar: WorkingDayCalendar, receivedAt: Date): string | null {
  try {
    return calendar.addWorkingDays(londonDate(receivedAt), ASSESSMENT_WORKING_DAYS);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The three imports

/** Imports the telephony history: call_id,presented_at,answered_at. */
export async function importCallsCsv(db: Kysely<Database>, input: string | NodeJS.ReadableStream, options: HistoryImportOptions = {}): Promise<CsvImportResult> {
  return importCsv(input, {
    what: 'calls',
    columns: CALL_COLUMNS,
    schema: callSchema,
    batchSize: options.batchSize,
    onProgress: options.onProgress,
    write: (batch) => inTransaction(db, (trx) => upsertCalls(trx, batch.map((row) => row.record))),
  });
}

/** Imports intake contacts: contact_id,channel,received_at,dealt_with_at. */
export async function importContactsCsv(db: Kysely<Database>, input: string | NodeJS.ReadableStream, options: HistoryImportOptions = {}): Promise<CsvImportResult> {
  return importCsv(input, {
    what: 'contacts',
    columns: CONTACT_COLUMNS,
    schema: contactSchema,
    batchSize: options.batchSize,
    onProgress: options.onProgress,
    write: (batch) => inTransaction(db, (trx) => upsertContacts(trx, batch.map((row) => row.record))),
  });
}

/** Imports cases: reference,received_at,body_code,category,joint,assessment_decided_at,allocated_at,closed_at,outcome. */
export async function importCasesCsv(db: Kysely<Database>, input: string | NodeJS.ReadableStream, options: CaseImportOptions = {}): Promise<CsvImportResult> {
  const bodies = new BodyCodeCache(db);
  return importCsv(input, {
    what: 'cases',
    columns: CASE_COLUMNS,
    schema: caseSchema,
    batchSize: options.batchSize,
    onProgress: options.onProgress,
    write: (batch) => writeCaseBatch(db, bodies, batch, options.calendar),
  });
}
