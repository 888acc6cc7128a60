/**
 * Exports a database's history as the CSV files `redress import calls|contacts|cases|remedies`
 * reads (the headers are the importers' own column lists). Each row is formatted in SQL and read
 * in pages by id (keyset), so it works the same on PGlite and PostgreSQL and never holds a table
 * in memory. Reads only.
 *
 * Instants are written in UTC with microseconds ("2018-05-02T08:15:00.123456Z"): the importer
 * keeps milliseconds, so a source instant finer than that would not survive, and the check after
 * the import would show it.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';
import { CALL_COLUMNS, CASE_COLUMNS, CONTACT_COLUMNS } from '../../src/services/imports/history-imports.ts';
import { REMEDY_COLUMNS } from '../../src/services/imports/remedies-import.ts';

export const KINDS = ['calls', 'contacts', 'cases', 'remedies'] as const;
export type Kind = (typeof KINDS)[number];

export interface ExportedFile {
  kind: Kind;
  file: string;
  rows: number;
  seconds: number;
}

/** Rows a page. */
const PAGE = 10_000;

const instant = (column: string) => `coalesce(to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '')`;
const quoted = (expression: string) => `'"' || replace(${expression}, '"', '""') || '"'`;

/** Each file's header and the select producing its lines (`id`, `line`) after a given id; `$LAST` and `$PAGE` are filled in. */
const SOURCES: Record<Kind, { columns: readonly string[]; select: string }> = {
  calls: {
    columns: CALL_COLUMNS,
    select: `select id, ${quoted('call_id')} || ',' || ${instant('presented_at')} || ',' || ${instant('answered_at')} as line
               from calls where id > $LAST order by id limit $PAGE`,
  },
  contacts: {
    // A case's own contact has no external id in the generated history: the file needs one.
    columns: CONTACT_COLUMNS,
    select: `select id, ${quoted(`coalesce(external_id, 'REDRESS-CONTACT-' || id)`)} || ',' || channel || ',' || ${instant('received_at')}
                    || ',' || ${instant('dealt_with_at')} as line
               from contacts where id > $LAST order by id limit $PAGE`,
  },
  cases: {
    // A case is filed under the first of its bodies; an outcome goes with a closure only (see exportGaps).
    columns: CASE_COLUMNS,
    select: `select c.id, ${quoted('c.reference')} || ',' || ${instant('c.received_at')} || ',' || ${quoted('b.code')} || ','
                    || ${quoted(`c.category || case when c.subcategory <> '' then ' > ' || c.subcategory else '' end`)} || ','
                    || case when c.joint then 'yes' else 'no' end || ',' || ${instant('c.assessment_decided_at')} || ','
                    || ${instant('c.allocated_at')} || ',' || ${instant('c.closed_at')} || ','
                    || case when c.closed_at is not null then coalesce(c.outcome, '') else '' end as line
               from cases c
               join lateral (select b.code from case_bodies cb join bodies b on b.id = cb.body_id
                              where cb.case_id = c.id order by cb.body_id limit 1) b on true
              where c.id > $LAST order by c.id limit $PAGE`,
  },
  remedies: {
    columns: REMEDY_COLUMNS,
    select: `select r.id, ${quoted('c.reference')} || ',' || case when r.kind = 'financial-payment' then 'financial' else r.kind end || ','
                    || r.due_on::text || ',' || coalesce(r.settled_on::text, '') || ',' || r.status as line
               from remedies r join cases c on c.id = r.case_id
              where r.id > $LAST order by r.id limit $PAGE`,
  },
};

/** Writes one kind's file into `dir`; `onPage` is told the rows written so far. */
export async function exportCsv(db: Kysely<Database>, kind: Kind, dir: string, onPage?: (rows: number) => void): Promise<ExportedFile> {
  const started = performance.now();
  const { columns, select } = SOURCES[kind];
  const file = path.join(dir, `${kind}.csv`);
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let rows = 0;
  try {
    await write(`${columns.join(',')}\n`);
    for (let last = 0; ;) {
      const page = await sql.raw<{ id: number; line: string }>(select.replace('$LAST', String(last)).replace('$PAGE', String(PAGE))).execute(db);
      if (page.rows.length === 0) break;
      await write(`${page.rows.map((r) => r.line).join('\n')}\n`);
      rows += page.rows.length;
      last = Number(page.rows[page.rows.length - 1]?.id);
      onPage?.(rows);
      if (page.rows.length < PAGE) break;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { kind, file, rows, seconds: (performance.now() - started) / 1000 };
}

/** What the files cannot say about the source, in rows: each is a difference the import will show, or a loss it cannot. */
export interface ExportGaps {
  /** Cases linked to no body: the file needs a body_code, so they are not exported. */
  casesWithoutBody: number;
  /** Cases with a decision's outcome but not closed (stage compliance): the file carries an outcome with a closure only. */
  outcomesOfOpenCases: number;
  /** Closed cases without an outcome: the importer rejects them. */
  closedWithoutOutcome: number;
  /** Instants finer than a millisecond: the importer keeps milliseconds. */
  subMillisecondInstants: number;
}

export async function exportGaps(db: Kysely<Database>): Promise<ExportGaps> {
  const fine = (table: string, columns: string[]) =>
    `(select count(*) from ${table} where ${columns.map((c) => `${c} <> date_trunc('milliseconds', ${c})`).join(' or ')})`;
  const { rows } = await sql.raw<Record<keyof ExportGaps, number>>(`
    select (select count(*) from cases c where not exists (select 1 from case_bodies cb where cb.case_id = c.id))::int as "casesWithoutBody",
           (select count(*) from cases where closed_at is null and outcome is not null)::int as "outcomesOfOpenCases",
           (select count(*) from cases where closed_at is not null and outcome is null)::int as "closedWithoutOutcome",
           (${fine('calls', ['presented_at', 'answered_at'])} + ${fine('contacts', ['received_at', 'dealt_with_at'])}
             + ${fine('cases', ['received_at', 'assessment_decided_at', 'allocated_at', 'closed_at'])})::int as "subMillisecondInstants"`).execute(db);
  const row = rows[0];
  return {
    casesWithoutBody: Number(row?.casesWithoutBody ?? 0),
    outcomesOfOpenCases: Number(row?.outcomesOfOpenCases ?? 0),
    closedWithoutOutcome: Number(row?.closedWithoutOutcome ?? 0),
    subMillisecondInstants: Number(row?.subMillisecondInstants ?? 0),
  };
}
