import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type {
  CaseBodiesTable,
  CasesTable,
  ClockStopsTable,
  ContactsTable,
  Database,
  DecisionsTable,
  EnquiriesTable,
  JointWorkingTable,
  PeopleTable,
  RemediesTable,
} from '../schema.ts';

/**
 * Batched multi-row inserts for seeding and imports: one statement per chunk of rows instead of
 * one round trip per row. Every function takes the rows in order and, where ids are needed,
 * returns them in the same order (PostgreSQL, and PGlite with it, returns the rows of a single
 * multi-row `insert ... values ... returning` in the order of the values list).
 *
 * None of them opens a transaction: pass a transaction to make several calls all-or-nothing.
 */
export type Db = Kysely<Database> | Transaction<Database>;

/** Rows per statement: keeps the widest table (cases, 26 columns) far below PostgreSQL's 65,535 bind parameters. */
export const BULK_CHUNK_SIZE = 500;
const MAX_PARAMETERS = 65_535;

export type NewPersonRow = Omit<Insertable<PeopleTable>, 'id' | 'created_at'>;
export type NewContactRow = Omit<Insertable<ContactsTable>, 'id' | 'created_at'>;
export type NewCaseRow = Omit<Insertable<CasesTable>, 'id'>;
export type NewCaseBodyRow = Insertable<CaseBodiesTable>;
export type NewClockStopRow = Omit<Insertable<ClockStopsTable>, 'id'>;
export type NewJointWorkingRow = Insertable<JointWorkingTable>;
export type NewEnquiryRow = Omit<Insertable<EnquiriesTable>, 'id'>;
export type NewDecisionRow = Omit<Insertable<DecisionsTable>, 'id'>;
export type NewRemedyRow = Omit<Insertable<RemediesTable>, 'id'>;
export interface NewCaseEventRow {
  case_id: number;
  occurred_at: Date;
  actor_id: number | null;
  kind: string;
  /** Stored as jsonb; serialised here. */
  facts: Record<string, unknown>;
  detail_text: string | null;
}
export interface ReferenceSequenceRow {
  year: number;
  last_value: number;
}

/** Calls `write` once per chunk, in order, and concatenates what each call returns. */
async function inChunks<T, R>(rows: readonly T[], columns: number, chunkSize: number, write: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const size = Math.max(1, Math.min(Math.trunc(chunkSize), Math.floor(MAX_PARAMETERS / Math.max(1, columns))));
  const results: R[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size);
    const written = await write(chunk);
    results.push(...written);
  }
  return results;
}

function idsInOrder(rows: readonly { id: number }[], expected: number, table: string): number[] {
  if (rows.length !== expected) throw new Error(`Inserted ${rows.length} rows into ${table}, expected ${expected}`);
  return rows.map((row) => row.id);
}

// Every row lists every column (null where unknown) so that one statement never mixes
// explicit values and defaults by accident.

/** Inserts people; returns their ids in order. */
export async function bulkInsertPeople(db: Db, people: readonly NewPersonRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number[]> {
  return inChunks(people, 4, chunkSize, async (chunk) => {
    const rows = chunk.map((p) => ({ full_name: p.full_name, email: p.email ?? null, phone: p.phone ?? null, address: p.address ?? null }));
    return idsInOrder(await db.insertInto('people').values(rows).returning('id').execute(), rows.length, 'people');
  });
}

/** Inserts contacts; returns their ids in order. */
export async function bulkInsertContacts(db: Db, contacts: readonly NewContactRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number[]> {
  return inChunks(contacts, 9, chunkSize, async (chunk) => {
    const rows = chunk.map((c) => ({
      external_id: c.external_id ?? null,
      channel: c.channel,
      received_at: c.received_at,
      dealt_with_at: c.dealt_with_at ?? null,
      outcome: c.outcome ?? null,
      person_id: c.person_id ?? null,
      body_id: c.body_id ?? null,
      summary_text: c.summary_text ?? null,
      recorded_by: c.recorded_by ?? null,
    }));
    return idsInOrder(await db.insertInto('contacts').values(rows).returning('id').execute(), rows.length, 'contacts');
  });
}

/** Inserts cases; returns their ids in order (checked against the unique references). */
export async function bulkInsertCases(db: Db, cases: readonly NewCaseRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number[]> {
  return inChunks(cases, 26, chunkSize, async (chunk) => {
    const rows = chunk.map((c) => ({
      reference: c.reference,
      contact_id: c.contact_id ?? null,
      received_at: c.received_at,
      registered_at: c.registered_at ?? c.received_at,
      complainant_id: c.complainant_id ?? null,
      representative_id: c.representative_id ?? null,
      category: c.category,
      subcategory: c.subcategory,
      jurisdiction: c.jurisdiction,
      stage: c.stage,
      team: c.team ?? 'assessment',
      joint: c.joint ?? false,
      owner_id: c.owner_id ?? null,
      assessment_due_on: c.assessment_due_on ?? null,
      assessment_decided_at: c.assessment_decided_at ?? null,
      allocated_at: c.allocated_at ?? null,
      draft_shared_at: c.draft_shared_at ?? null,
      decided_at: c.decided_at ?? null,
      closed_at: c.closed_at ?? null,
      outcome: c.outcome ?? null,
      closing_reason: c.closing_reason ?? null,
      clock_stopped_at: c.clock_stopped_at ?? null,
      clock_stop_reason_text: c.clock_stop_reason_text ?? null,
      summary_text: c.summary_text ?? null,
      version: c.version ?? 1,
      imported: c.imported ?? false,
    }));
    const written = await db.insertInto('cases').values(rows).returning(['id', 'reference']).execute();
    if (written.length !== rows.length || written.some((w, i) => w.reference !== rows[i]?.reference)) {
      throw new Error('Inserted cases did not come back in the order given');
    }
    return written.map((w) => w.id);
  });
}

/** Links cases to bodies; a pair already linked is left alone. Returns the number of new links. */
export async function bulkInsertCaseBodies(db: Db, links: readonly NewCaseBodyRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number> {
  const written = await inChunks(links, 2, chunkSize, async (chunk) => {
    const rows = chunk.map((l) => ({ case_id: l.case_id, body_id: l.body_id }));
    return db.insertInto('case_bodies').values(rows).onConflict((oc) => oc.doNothing()).returning('case_id').execute();
  });
  return written.length;
}

/** Appends timeline events, in the order given (so a case's events keep their order by id). */
export async function bulkInsertCaseEvents(db: Db, events: readonly NewCaseEventRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number> {
  const written = await inChunks(events, 6, chunkSize, async (chunk) => {
    const rows = chunk.map((e) => ({
      case_id: e.case_id,
      occurred_at: e.occurred_at,
      actor_id: e.actor_id,
      kind: e.kind,
      facts: JSON.stringify(e.facts),
      detail_text: e.detail_text,
    }));
    await db.insertInto('case_events').values(rows).execute();
    return [rows.length];
  });
  return written.reduce((sum, n) => sum + n, 0);
}

/** Inserts enquiries to bodies; returns their ids in order. */
export async function bulkInsertEnquiries(db: Db, enquiries: readonly NewEnquiryRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number[]> {
  return inChunks(enquiries, 8, chunkSize, async (chunk) => {
    const rows = chunk.map((e) => ({
      case_id: e.case_id,
      body_id: e.body_id,
      sent_at: e.sent_at,
      due_on: e.due_on,
      responded_at: e.responded_at ?? null,
      question_text: e.question_text,
      response_text: e.response_text ?? null,
    }));
    return idsInOrder(await db.insertInto('enquiries').values(rows).returning('id').execute(), rows.length, 'enquiries');
  });
}

/** Inserts draft and final decisions; returns their ids in order. */
export async function bulkInsertDecisions(db: Db, decisions: readonly NewDecisionRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number[]> {
  return inChunks(decisions, 7, chunkSize, async (chunk) => {
    const rows = chunk.map((d) => ({
      case_id: d.case_id,
      kind: d.kind,
      outcome: d.outcome,
      made_by: d.made_by ?? null,
      made_at: d.made_at,
      comments_due_on: d.comments_due_on ?? null,
      reasons_text: d.reasons_text,
    }));
    return idsInOrder(await db.insertInto('decisions').values(rows).returning('id').execute(), rows.length, 'decisions');
  });
}

/** Inserts remedies (status defaults to pending); returns their ids in order. */
export async function bulkInsertRemedies(db: Db, remedies: readonly NewRemedyRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number[]> {
  return inChunks(remedies, 10, chunkSize, async (chunk) => {
    const rows = chunk.map((r) => ({
      case_id: r.case_id,
      decision_id: r.decision_id ?? null,
      kind: r.kind,
      amount_pence: r.amount_pence ?? null,
      due_on: r.due_on,
      status: r.status ?? 'pending',
      settled_on: r.settled_on ?? null,
      recorded_at: r.recorded_at ?? null,
      description_text: r.description_text ?? null,
      evidence_text: r.evidence_text ?? null,
    }));
    return idsInOrder(await db.insertInto('remedies').values(rows).returning('id').execute(), rows.length, 'remedies');
  });
}

/** Inserts clock stops (open ones have no restarted_at); returns their ids in order. */
export async function bulkInsertClockStops(db: Db, stops: readonly NewClockStopRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number[]> {
  return inChunks(stops, 5, chunkSize, async (chunk) => {
    const rows = chunk.map((s) => ({
      case_id: s.case_id,
      stopped_at: s.stopped_at,
      restarted_at: s.restarted_at ?? null,
      working_days_stopped: s.working_days_stopped ?? null,
      reason_text: s.reason_text,
    }));
    return idsInOrder(await db.insertInto('clock_stops').values(rows).returning('id').execute(), rows.length, 'clock_stops');
  });
}

/** Records joint working with the health ombudsman, one row per case. Returns the number written. */
export async function bulkInsertJointWorking(db: Db, joint: readonly NewJointWorkingRow[], chunkSize = BULK_CHUNK_SIZE): Promise<number> {
  const written = await inChunks(joint, 6, chunkSize, async (chunk) => {
    const rows = chunk.map((j) => ({
      case_id: j.case_id,
      consent_to_joint_at: j.consent_to_joint_at,
      consent_to_share_at: j.consent_to_share_at,
      started_at: j.started_at,
      ended_at: j.ended_at ?? null,
      end_reason_text: j.end_reason_text ?? null,
    }));
    await db.insertInto('joint_working').values(rows).execute();
    return [rows.length];
  });
  return written.reduce((sum, n) => sum + n, 0);
}

/**
 * Moves each year's reference sequence on to at least `last_value` (never back), creating the
 * year when it is new, so references registered afterwards continue from the highest one used.
 */
export async function raiseReferenceSequences(db: Db, sequences: readonly ReferenceSequenceRow[]): Promise<void> {
  // One statement cannot touch a row twice: keep each year's highest value.
  const byYear = new Map<number, number>();
  for (const { year, last_value } of sequences) byYear.set(year, Math.max(byYear.get(year) ?? 0, last_value));
  const rows = [...byYear].sort(([a], [b]) => a - b).map(([year, last_value]) => ({ year, last_value }));
  await inChunks(rows, 2, BULK_CHUNK_SIZE, async (chunk) => {
    await db
      .insertInto('reference_sequences')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('year').doUpdateSet({ last_value: sql<number>`greatest(reference_sequences.last_value, excluded.last_value)` }),
      )
      .execute();
    return [];
  });
}
