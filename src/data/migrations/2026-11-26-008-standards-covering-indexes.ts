/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
//
// The year's service standards report (aggregateServiceStandards) read a million cases' heap and
// two million contacts to measure 300,000-600,000 rows a standard, converting each row's instant
// to its London date as it went. These indexes hold what each of its statements reads, so every
// one is an index-only scan:
// - the London date of receipt (cases, written contacts) and of closure (cases), the key the
//   statements join to calendar_days on: worked out once when a row is written, not on every
//   report. The expression must stay exactly `(x at time zone 'Europe/London')::date`, as the
//   queries write it. The key's own column is included because the planner only reads a row
//   from the index when every column the query names is in it;
// - allocated cases by closure, for the cases held in investigation over 52 weeks (closed after
//   the period began, or still open);
// - joint cases, a few per cent of all, for the joint working figures;
// - calls by presentation with the answer time (replacing calls_presented_idx, same key).
// Partial indexes have no statistics of their own, so the London dates get extended statistics:
// without them the planner expects a hundredth of the rows a year has.
//
// Write cost (at 1,000,000 cases): registering a case adds one entry (cases_received_on_idx),
// two if joint; a written contact one; closing a case one (two if it was allocated); allocating
// one. Allocation and closure change indexed columns already, so no update that was HOT stops
// being HOT. Sizes at a million cases: 47, 44, 10 and 2 MB on cases, 71 MB on contacts, and
// 10 MB more for calls.
const statements = [
  `create index cases_received_on_idx on cases (((received_at at time zone 'Europe/London')::date))
     include (received_at, assessment_decided_at, allocated_at)`,
  `create index cases_closed_on_idx on cases (((closed_at at time zone 'Europe/London')::date))
     include (closed_at, received_at, allocated_at) where closed_at is not null`,
  `create statistics cases_closed_on_stats on ((closed_at at time zone 'Europe/London')::date) from cases`,
  `create index contacts_written_received_on_idx on contacts (((received_at at time zone 'Europe/London')::date))
     include (received_at, dealt_with_at) where channel in ('email', 'letter', 'web')`,
  `create statistics contacts_received_on_stats on ((received_at at time zone 'Europe/London')::date) from contacts`,
  `create index cases_allocated_closed_idx on cases (closed_at) include (received_at, allocated_at) where allocated_at is not null`,
  `create index cases_joint_idx on cases (received_at) include (allocated_at, closed_at, outcome) where joint`,
  `create index calls_presented_answered_idx on calls (presented_at) include (answered_at)`,
  `drop index calls_presented_idx`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('create index if not exists calls_presented_idx on calls (presented_at)').execute(db);
  for (const index of [
    'calls_presented_answered_idx', 'cases_joint_idx', 'cases_allocated_closed_idx', 'contacts_written_received_on_idx',
    'cases_closed_on_idx', 'cases_received_on_idx',
  ]) {
    await sql.raw(`drop index if exists ${index}`).execute(db);
  }
  for (const statistics of ['contacts_received_on_stats', 'cases_closed_on_stats']) {
    await sql.raw(`drop statistics if exists ${statistics}`).execute(db);
  }
}
