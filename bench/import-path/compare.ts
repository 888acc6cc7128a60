/**
 * Checks an imported history against its source: the rows each import carries, counted on both
 * sides, and the plan year's service standards report (the application's own, at the
 * generator's NOW) computed on both sides, which must agree figure for figure.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';
import type { Period } from '../../src/domain/service-standards.ts';
import { CalendarHolder } from '../../src/services/bank-holidays.ts';
import { fixedClock } from '../../src/services/clock.ts';
import { serviceStandardsReport, type ServiceStandardsReport } from '../../src/services/service-standards-report.ts';
import { NOW } from '../history/statements.ts';

export const PLAN_YEAR: Period = { from: '2018-04-01', to: '2019-03-31' };

/** Tables the four imports write (bodies: copied before, or created by the case import for an unknown code). */
export const CARRIED = ['calls', 'contacts', 'cases', 'case_bodies', 'remedies', 'bodies'] as const;
/** Tables the generator writes directly and no import carries. */
export const NOT_CARRIED = ['people', 'enquiries', 'decisions', 'documents', 'messages', 'joint_working', 'case_events'] as const;

export async function countRows(db: Kysely<Database>, tables: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await sql.raw<Record<string, number>>(`select ${tables.map((t) => `(select count(*) from ${t})::bigint as "${t}"`).join(', ')}`).execute(db);
  return Object.fromEntries(tables.map((t) => [t, Number(rows[0]?.[t] ?? 0)]));
}

export async function standardsReport(db: Kysely<Database>): Promise<ServiceStandardsReport> {
  const holder = new CalendarHolder(db);
  await holder.refresh({ rebuildTable: false });
  return serviceStandardsReport({ db, clock: fixedClock(NOW), calendar: () => holder.get() }, PLAN_YEAR);
}

export interface Comparison {
  counts: { table: string; source: number; target: number }[];
  /** One line per figure that differs: "<standard> <field>: source X, target Y". */
  figureDifferences: string[];
  standards: number;
  agrees: boolean;
}

const FIELDS = ['numerator', 'denominator', 'value', 'met', 'rag', 'previous', 'peakOn', 'countOnLastDay', 'lastDay'] as const;

export function reportDifferences(source: ServiceStandardsReport, target: ServiceStandardsReport): string[] {
  const problems: string[] = [];
  const theirs = new Map(target.standards.map((line) => [line.id, line]));
  if (source.standards.length !== target.standards.length) problems.push(`${source.standards.length} standards in the source's report, ${target.standards.length} in the target's`);
  for (const line of source.standards) {
    const other = theirs.get(line.id);
    if (!other) {
      problems.push(`${line.id}: not in the target's report`);
      continue;
    }
    for (const field of FIELDS) {
      const a = JSON.stringify(line[field] ?? null);
      const b = JSON.stringify(other[field] ?? null);
      if (a !== b) problems.push(`${line.id} ${field}: source ${a}, target ${b}`);
    }
  }
  return problems;
}

export async function compareHistories(source: Kysely<Database>, target: Kysely<Database>): Promise<Comparison> {
  const [a, b] = await Promise.all([countRows(source, CARRIED), countRows(target, CARRIED)]);
  const counts = CARRIED.map((table) => ({ table, source: a[table] ?? 0, target: b[table] ?? 0 }));
  const sourceReport = await standardsReport(source);
  const targetReport = await standardsReport(target);
  const figureDifferences = reportDifferences(sourceReport, targetReport);
  return {
    counts,
    figureDifferences,
    standards: sourceReport.standards.length,
    agrees: figureDifferences.length === 0 && counts.every((c) => c.source === c.target),
  };
}
