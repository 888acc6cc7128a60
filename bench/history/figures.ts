/**
 * The headline figures of a generated history, measured from its rows (not from the generator's
 * parameters): what the README quotes and what the test checks against the published figures.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';

export interface HistoryFigures {
  cases: number;
  contacts: number;
  /** Contacts dealt with at intake (never a case) / contacts. */
  closedAtIntake: number;
  /** Cases closed (decided) by NOW. */
  decisions: number;
  /** Decisions after a detailed investigation / decisions. */
  investigated: number;
  /** Upheld investigations / investigations decided. */
  upheld: number;
  /** Closed cases closed within 13, 26 and 52 weeks (91, 182 and 364 days) of receipt. */
  within13: number;
  within26: number;
  within52: number;
  /** Decided or allocated within 20 working days of receipt (cases with a milestone). */
  within20WorkingDays: number;
  remedies: Record<string, number>;
  serviceImprovements: number;
  stages: Record<string, number>;
  rows: Record<string, number>;
}

export async function historyFigures(db: Kysely<Database>): Promise<HistoryFigures> {
  const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows[0] as T;
  const c = await one(sql<Record<string, number>>`
    select count(*)::int as cases,
           count(*) filter (where closed_at is not null)::int as decisions,
           count(*) filter (where closed_at is not null and allocated_at is not null)::int as investigated,
           count(*) filter (where closed_at is not null and allocated_at is not null and outcome like 'upheld-%')::int as upheld,
           count(*) filter (where closed_at is not null and closed_at < received_at + interval '91 days')::int as w13,
           count(*) filter (where closed_at is not null and closed_at < received_at + interval '182 days')::int as w26,
           count(*) filter (where closed_at is not null and closed_at < received_at + interval '364 days')::int as w52,
           count(*) filter (where coalesce(assessment_decided_at, allocated_at) is not null)::int as milestones,
           count(*) filter (where (coalesce(assessment_decided_at, allocated_at) at time zone 'Europe/London')::date <= assessment_due_on)::int as w20
      from cases`);
  const k = await one(sql<Record<string, number>>`
    select count(*)::int as contacts, count(*) filter (where outcome is distinct from 'case-created')::int as intake from contacts`);
  const remedies = Object.fromEntries((await sql<{ status: string; n: number }>`select status, count(*)::int as n from remedies group by status`.execute(db)).rows.map((r) => [r.status, r.n]));
  const improvements = await one(sql<{ n: number }>`select count(*)::int as n from remedies where kind = 'service-improvement'`);
  const stages = Object.fromEntries((await sql<{ stage: string; n: number }>`select stage, count(*)::int as n from cases group by stage`.execute(db)).rows.map((r) => [r.stage, r.n]));
  const tables = ['people', 'contacts', 'cases', 'case_bodies', 'calls', 'enquiries', 'decisions', 'remedies', 'documents', 'messages', 'joint_working', 'case_events'];
  const rows: Record<string, number> = {};
  for (const table of tables) rows[table] = (await one(sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`)).n;
  const share = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    cases: c.cases ?? 0,
    contacts: k.contacts ?? 0,
    closedAtIntake: share(k.intake ?? 0, k.contacts ?? 0),
    decisions: c.decisions ?? 0,
    investigated: share(c.investigated ?? 0, c.decisions ?? 0),
    upheld: share(c.upheld ?? 0, c.investigated ?? 0),
    within13: share(c.w13 ?? 0, c.decisions ?? 0),
    within26: share(c.w26 ?? 0, c.decisions ?? 0),
    within52: share(c.w52 ?? 0, c.decisions ?? 0),
    within20WorkingDays: share(c.w20 ?? 0, c.milestones ?? 0),
    remedies,
    serviceImprovements: improvements.n,
    stages,
    rows,
  };
}
