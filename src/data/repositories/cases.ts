import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { CasesTable, Database } from '../schema.ts';
import { prepared } from '../prepared-statements.ts';

export type Db = Kysely<Database> | Transaction<Database>;

/** The next sequence number for a year's references; atomic on both engines. */
export async function nextReferenceSequence(db: Db, year: number): Promise<number> {
  const row = await prepared(db
    .insertInto('reference_sequences')
    .values({ year, last_value: 1 })
    .onConflict((oc) => oc.column('year').doUpdateSet({ last_value: sql`reference_sequences.last_value + 1` }))
    .returning('last_value'))
    .executeTakeFirstOrThrow();
  return row.last_value;
}

/**
 * The next number of a year's references, taken in a short transaction of its own before the
 * registration's. Every registration in a year updates the same row, so taking the number inside
 * the registration held that row's lock until the registration committed and made registrations
 * go one at a time (91% of sessions waited on it at 50 users). A registration that fails after
 * this leaves a gap in the year's numbers, which nothing relies on.
 *
 * The commit need not wait for its WAL flush: a registration that uses the number commits after
 * it, and flushing that commit flushes this one, so no acknowledged case can have a number the
 * database forgot; if the server stops before then, no case has it.
 */
export async function takeReferenceSequence(db: Kysely<Database>, year: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`set local synchronous_commit = off`.execute(trx);
    return nextReferenceSequence(trx, year);
  });
}

export async function insertPerson(
  db: Db,
  person: { fullName: string; email?: string | null; phone?: string | null; address?: string | null; adjustments?: string | null; contactPreference?: 'email' | 'sms' | 'post' },
): Promise<number> {
  const row = await prepared(db
    .insertInto('people')
    .values({
      full_name: person.fullName, email: person.email ?? null, phone: person.phone ?? null, address: person.address ?? null,
      adjustments_text: person.adjustments ?? null, contact_preference: person.contactPreference ?? 'email',
    })
    .returning('id'))
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertContact(
  db: Db,
  contact: {
    channel: string;
    receivedAt: Date;
    dealtWithAt: Date | null;
    outcome: string | null;
    personId: number | null;
    bodyId: number | null;
    summary: string | null;
    recordedBy: number | null;
  },
): Promise<number> {
  const row = await prepared(db
    .insertInto('contacts')
    .values({
      channel: contact.channel,
      received_at: contact.receivedAt,
      dealt_with_at: contact.dealtWithAt,
      outcome: contact.outcome,
      person_id: contact.personId,
      body_id: contact.bodyId,
      summary_text: contact.summary,
      recorded_by: contact.recordedBy,
    })
    .returning('id'))
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertCase(db: Db, values: Insertable<CasesTable>): Promise<number> {
  const row = await prepared(db.insertInto('cases').values(values).returning('id')).executeTakeFirstOrThrow();
  return row.id;
}

export async function addCaseBodies(db: Db, caseId: number, bodyIds: number[]): Promise<void> {
  if (bodyIds.length === 0) return;
  await db
    .insertInto('case_bodies')
    .values(bodyIds.map((bodyId) => ({ case_id: caseId, body_id: bodyId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface NewEvent {
  caseId: number;
  kind: string;
  occurredAt: Date;
  actorId: number | null;
  facts?: Record<string, unknown>;
  detail?: string | null;
}

export async function appendEvent(db: Db, event: NewEvent): Promise<void> {
  await prepared(db
    .insertInto('case_events')
    .values({
      case_id: event.caseId,
      kind: event.kind,
      occurred_at: event.occurredAt,
      actor_id: event.actorId,
      facts: JSON.stringify(event.facts ?? {}),
      detail_text: event.detail ?? null,
    }))
    .execute();
}

/** Reads and locks a case for the rest of the transaction, so concurrent actions queue up. */
export async function lockCaseByReference(trx: Transaction<Database>, reference: string) {
  return trx.selectFrom('cases').selectAll().where('reference', '=', reference).forUpdate().executeTakeFirst();
}

export async function updateCase(db: Db, id: number, patch: Updateable<CasesTable>): Promise<void> {
  await db
    .updateTable('cases')
    .set({ ...patch, version: sql`version + 1` })
    .where('id', '=', id)
    .execute();
}

export async function findCaseByReference(db: Db, reference: string) {
  return prepared(db
    .selectFrom('cases as c')
    .leftJoin('people as complainant', 'complainant.id', 'c.complainant_id')
    .leftJoin('people as representative', 'representative.id', 'c.representative_id')
    .leftJoin('staff_users as owner', 'owner.id', 'c.owner_id')
    .leftJoin('contacts as contact', 'contact.id', 'c.contact_id')
    .selectAll('c')
    .select([
      'complainant.full_name as complainant_name',
      'complainant.email as complainant_email',
      'complainant.phone as complainant_phone',
      'complainant.address as complainant_address',
      'representative.full_name as representative_name',
      'representative.email as representative_email',
      'owner.display_name as owner_name',
      'contact.channel as contact_channel',
    ])
    .where('c.reference', '=', reference))
    .executeTakeFirst();
}
export type CaseDetail = NonNullable<Awaited<ReturnType<typeof findCaseByReference>>>;

export async function caseBodies(db: Db, caseId: number) {
  return prepared(db
    .selectFrom('case_bodies as cb')
    .innerJoin('bodies as b', 'b.id', 'cb.body_id')
    .select(['b.id', 'b.code', 'b.name', 'b.kind', 'b.council_type', 'b.fictional'])
    .where('cb.case_id', '=', caseId)
    .orderBy('b.name'))
    .execute();
}

export async function caseEvents(db: Db, caseId: number) {
  return prepared(db
    .selectFrom('case_events as e')
    .leftJoin('staff_users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.kind', 'e.occurred_at', 'e.facts', 'e.detail_text', 'u.display_name as actor_name'])
    .where('e.case_id', '=', caseId)
    .orderBy('e.id', 'desc'))
    .execute();
}

export async function caseDecisions(db: Db, caseId: number) {
  return prepared(db.selectFrom('decisions').selectAll().where('case_id', '=', caseId).orderBy('id')).execute();
}

export async function caseRemedies(db: Db, caseId: number) {
  return prepared(db
    .selectFrom('remedies as r')
    .selectAll('r')
    .select((eb) =>
      eb
        .selectFrom('remedy_shares as s')
        .innerJoin('bodies as b', 'b.id', 's.body_id')
        .select(sql<string>`string_agg(b.name || ': ' || s.amount_pence::text, '; ' order by b.name)`.as('shares'))
        .whereRef('s.remedy_id', '=', 'r.id')
        .as('shares'),
    )
    .where('r.case_id', '=', caseId)
    .orderBy('r.id'))
    .execute();
}

export async function countPendingRemedies(db: Db, caseId: number): Promise<number> {
  const row = await db
    .selectFrom('remedies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('case_id', '=', caseId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function caseEnquiries(db: Db, caseId: number) {
  return prepared(db
    .selectFrom('enquiries as q')
    .innerJoin('bodies as b', 'b.id', 'q.body_id')
    .selectAll('q')
    .select('b.name as body_name')
    .where('q.case_id', '=', caseId)
    .orderBy('q.id'))
    .execute();
}

export async function caseDocuments(db: Db, caseId: number) {
  return prepared(db
    .selectFrom('documents as d')
    .leftJoin('staff_users as u', 'u.id', 'd.uploaded_by')
    .leftJoin('people as p', 'p.id', 'd.uploaded_by_person_id')
    .leftJoin('link_officers as lo', 'lo.id', 'd.uploaded_by_link_officer_id')
    .select(['d.id', 'd.file_name', 'd.content_type', 'd.size_bytes', 'd.sha256', 'd.uploaded_at', 'd.scan_status', 'u.display_name as uploaded_by_name', 'p.full_name as uploaded_by_person_name', 'lo.full_name as uploaded_by_link_officer_name'])
    .where('d.case_id', '=', caseId)
    .where('d.deleted_at', 'is', null)
    .orderBy('d.id'))
    .execute();
}

export async function findDocument(db: Db, caseId: number, documentId: number) {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', documentId)
    .where('deleted_at', 'is', null)
    // A file quarantined by the virus scan is kept as evidence but never handed out.
    .where('scan_status', '!=', 'quarantined')
    .executeTakeFirst();
}

export async function caseClockStops(db: Db, caseId: number) {
  return prepared(db.selectFrom('clock_stops').selectAll().where('case_id', '=', caseId).orderBy('id')).execute();
}

export async function openClockStop(db: Db, caseId: number) {
  return db
    .selectFrom('clock_stops')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('restarted_at', 'is', null)
    .executeTakeFirst();
}

export async function jointWorking(db: Db, caseId: number) {
  return prepared(db.selectFrom('joint_working').selectAll().where('case_id', '=', caseId)).executeTakeFirst();
}
