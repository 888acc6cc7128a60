import { sql, type SqlBool } from 'kysely';
import type { Db } from './cases.ts';

/**
 * Link officers: named people at a body who receive our enquiries and confirm compliance. They
 * sign in with an emailed code and see only their own body's cases, so every query here that
 * reads casework takes the officer's body and returns nothing of any other body. Callers pass
 * email addresses already trimmed and lower-cased.
 */

// ---- The officers themselves ----

export interface LinkOfficerFields {
  fullName: string;
  email: string;
  phone: string | null;
}

export async function linkOfficersOfBody(db: Db, bodyId: number) {
  return db
    .selectFrom('link_officers')
    .select(['id', 'body_id', 'full_name', 'email', 'phone', 'active', 'created_at'])
    .where('body_id', '=', bodyId)
    .orderBy('active', 'desc')
    .orderBy('full_name')
    .orderBy('id')
    .execute();
}

export async function findLinkOfficer(db: Db, id: number) {
  return db
    .selectFrom('link_officers as o')
    .innerJoin('bodies as b', 'b.id', 'o.body_id')
    .select(['o.id', 'o.body_id', 'o.full_name', 'o.email', 'o.phone', 'o.active', 'b.code as body_code', 'b.name as body_name'])
    .where('o.id', '=', id)
    .executeTakeFirst();
}
export type LinkOfficerRow = NonNullable<Awaited<ReturnType<typeof findLinkOfficer>>>;

/** The active officer records for an address: one per body the person acts for. */
export async function activeLinkOfficersByEmail(db: Db, email: string) {
  return db
    .selectFrom('link_officers as o')
    .innerJoin('bodies as b', 'b.id', 'o.body_id')
    .select(['o.id', 'o.body_id', 'o.full_name', 'o.email', 'b.code as body_code', 'b.name as body_name'])
    .where(sql<string>`lower(o.email)`, '=', email)
    .where('o.active', '=', true)
    .orderBy('b.name')
    .orderBy('o.id')
    .execute();
}

export async function activeLinkOfficersOfBody(db: Db, bodyId: number) {
  return db
    .selectFrom('link_officers')
    .select(['id', 'full_name', 'email'])
    .where('body_id', '=', bodyId)
    .where('active', '=', true)
    .orderBy('id')
    .execute();
}

/** Whether another officer of the body already has this address (the table allows one per body). */
export async function bodyHasOfficerWithEmail(db: Db, bodyId: number, email: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('link_officers').select('id').where('body_id', '=', bodyId).where(sql<string>`lower(email)`, '=', email);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

export async function insertLinkOfficer(db: Db, bodyId: number, fields: LinkOfficerFields, at: Date): Promise<number> {
  const row = await db
    .insertInto('link_officers')
    .values({ body_id: bodyId, full_name: fields.fullName, email: fields.email, phone: fields.phone, created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateLinkOfficer(db: Db, id: number, bodyId: number, fields: LinkOfficerFields & { active: boolean }): Promise<boolean> {
  const rows = await db
    .updateTable('link_officers')
    .set({ full_name: fields.fullName, email: fields.email, phone: fields.phone, active: fields.active })
    .where('id', '=', id)
    .where('body_id', '=', bodyId)
    .returning('id')
    .execute();
  return rows.length === 1;
}

/** Bodies with their number of active link officers: those matching a search, or (no search) those that have officers. */
export async function bodiesWithOfficerCounts(db: Db, bodyIds: number[] | 'with-officers') {
  let query = db
    .selectFrom('bodies as b')
    .select(['b.id', 'b.code', 'b.name', 'b.kind', 'b.council_type', 'b.fictional'])
    .select((eb) =>
      eb.selectFrom('link_officers as o').select((o) => o.fn.countAll<number>().as('n')).whereRef('o.body_id', '=', 'b.id').where('o.active', '=', true).as('active_officers'),
    );
  query = bodyIds === 'with-officers'
    ? query.where((eb) => eb.exists(eb.selectFrom('link_officers as o').select('o.id').whereRef('o.body_id', '=', 'b.id')))
    : bodyIds.length === 0 ? query.where(sql<SqlBool>`false`) : query.where('b.id', 'in', bodyIds);
  const rows = await query.orderBy('b.name').orderBy('b.id').limit(200).execute();
  return rows.map((row) => ({ ...row, active_officers: Number(row.active_officers ?? 0) }));
}

// ---- What a body's officers may see ----

/** The body's case by reference, with only what a link officer may see of it (no contact details, no complaint text). */
export async function caseForBody(db: Db, reference: string, bodyId: number) {
  return db
    .selectFrom('cases')
    .leftJoin('people as complainant', 'complainant.id', 'cases.complainant_id')
    .select(['cases.id', 'cases.reference', 'cases.stage', 'cases.category', 'cases.subcategory', 'cases.received_at', 'cases.decided_at', 'cases.closed_at', 'cases.outcome'])
    .select('complainant.full_name as complainant_name')
    .where('cases.reference', '=', reference)
    // Visible when the case is about the body and we have sent the body an enquiry on it or made
    // our final decision: a complaint we have not yet raised with the body stays ours.
    .where((eb) => eb.and([
      eb.exists(eb.selectFrom('case_bodies as cb').select('cb.case_id').whereRef('cb.case_id', '=', 'cases.id').where('cb.body_id', '=', bodyId)),
      eb.or([
        eb.exists(eb.selectFrom('enquiries as q').select('q.id').whereRef('q.case_id', '=', 'cases.id').where('q.body_id', '=', bodyId)),
        eb.exists(eb.selectFrom('decisions as d').select('d.id').whereRef('d.case_id', '=', 'cases.id').where('d.kind', '=', 'final')),
      ]),
    ]))
    .executeTakeFirst();
}
export type BodyCase = NonNullable<Awaited<ReturnType<typeof caseForBody>>>;

function enquiriesOfBody(db: Db, bodyId: number) {
  return db
    .selectFrom('enquiries as q')
    .innerJoin('cases as c', 'c.id', 'q.case_id')
    .leftJoin('link_officers as o', 'o.id', 'q.responded_by_link_officer_id')
    .select(['q.id', 'q.case_id', 'q.sent_at', 'q.due_on', 'q.responded_at', 'q.question_text', 'q.response_text', 'c.reference', 'c.stage', 'o.full_name as responded_by_name'])
    .where('q.body_id', '=', bodyId);
}

/** Enquiries to the body still waiting for its answer on open cases, the soonest due first. */
export async function openEnquiriesForBody(db: Db, bodyId: number) {
  return enquiriesOfBody(db, bodyId).where('q.responded_at', 'is', null).where('c.stage', '!=', 'closed').orderBy('q.due_on').orderBy('q.id').execute();
}

/** One of the body's enquiries; an enquiry to another body is not found. */
export async function enquiryForBody(db: Db, enquiryId: number, bodyId: number) {
  return enquiriesOfBody(db, bodyId).where('q.id', '=', enquiryId).executeTakeFirst();
}

export async function enquiriesOnCaseForBody(db: Db, caseId: number, bodyId: number) {
  return enquiriesOfBody(db, bodyId).where('q.case_id', '=', caseId).orderBy('q.id').execute();
}

/** Records the body's answer, only if no answer has been recorded yet; false when one was. */
export async function saveLinkOfficerResponse(db: Db, enquiryId: number, answer: { at: Date; text: string; linkOfficerId: number }): Promise<boolean> {
  const rows = await db
    .updateTable('enquiries')
    .set({ responded_at: answer.at, response_text: answer.text, responded_by_link_officer_id: answer.linkOfficerId })
    .where('id', '=', enquiryId)
    .where('responded_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length === 1;
}

function remediesOfBody(db: Db, bodyId: number) {
  return db
    .selectFrom('remedies as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .leftJoin('link_officers as o', 'o.id', 'r.confirmed_by_link_officer_id')
    .leftJoin('decisions as d', 'd.id', 'r.decision_id')
    .select([
      'r.id', 'r.case_id', 'r.kind', 'r.description_text', 'r.amount_pence', 'r.due_on', 'r.delayed_due_on', 'r.status', 'r.settled_on', 'r.recorded_at',
      'r.evidence_text', 'r.evidence_document_id', 'c.reference', 'c.stage', 'd.made_at as decided_at', 'o.full_name as confirmed_by_name',
    ])
    .select((eb) =>
      eb.selectFrom('remedy_shares as s').select('s.amount_pence').whereRef('s.remedy_id', '=', 'r.id').where('s.body_id', '=', bodyId).as('share_pence'),
    )
    // The body's when the case is about the body and, for a payment apportioned between bodies, the body has a share of it.
    .where((eb) => eb.and([
      eb.exists(eb.selectFrom('case_bodies as cb').select('cb.case_id').whereRef('cb.case_id', '=', 'r.case_id').where('cb.body_id', '=', bodyId)),
      eb.or([
        eb.not(eb.exists(eb.selectFrom('remedy_shares as s').select('s.remedy_id').whereRef('s.remedy_id', '=', 'r.id'))),
        eb.exists(eb.selectFrom('remedy_shares as s').select('s.remedy_id').whereRef('s.remedy_id', '=', 'r.id').where('s.body_id', '=', bodyId)),
      ]),
    ]));
}

/** The body's remedies still to be done, on cases where we are checking compliance; the soonest due first. */
export async function pendingRemediesForBody(db: Db, bodyId: number) {
  return remediesOfBody(db, bodyId).where('r.status', '=', 'pending').where('c.stage', '=', 'compliance').orderBy('r.due_on').orderBy('r.id').execute();
}

/** The body's remedies settled since `since` (a London date), the latest first. */
export async function settledRemediesForBody(db: Db, bodyId: number, since: string, limit = 20) {
  return remediesOfBody(db, bodyId)
    .where('r.status', '!=', 'pending')
    .where('r.settled_on', '>=', since)
    .orderBy('r.settled_on', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
}

/** One of the body's remedies; another body's remedy is not found. */
export async function remedyForBody(db: Db, remedyId: number, bodyId: number) {
  return remediesOfBody(db, bodyId).where('r.id', '=', remedyId).executeTakeFirst();
}
export type BodyRemedy = NonNullable<Awaited<ReturnType<typeof remedyForBody>>>;

export async function remediesOnCaseForBody(db: Db, caseId: number, bodyId: number) {
  return remediesOfBody(db, bodyId).where('r.case_id', '=', caseId).orderBy('r.id').execute();
}

/** Names the officer who confirmed a settled remedy and the document they gave as evidence. */
export async function markRemedyConfirmedByLinkOfficer(db: Db, remedyId: number, confirmation: { linkOfficerId: number; evidenceDocumentId: number | null }): Promise<void> {
  await db
    .updateTable('remedies')
    .set({ confirmed_by_link_officer_id: confirmation.linkOfficerId, evidence_document_id: confirmation.evidenceDocumentId })
    .where('id', '=', remedyId)
    .execute();
}

// ---- Documents the body's officers sent us ----

export async function insertLinkOfficerDocument(
  db: Db,
  d: { caseId: number; fileName: string; contentType: string; size: number; sha256: string; key: string; linkOfficerId: number; at: Date; scanStatus: 'not-scanned' | 'clean' | 'quarantined' },
): Promise<number> {
  const row = await db
    .insertInto('documents')
    .values({
      case_id: d.caseId, file_name: d.fileName, content_type: d.contentType, size_bytes: d.size, sha256: d.sha256, storage_key: d.key,
      uploaded_by: null, uploaded_by_person_id: null, uploaded_by_link_officer_id: d.linkOfficerId, uploaded_at: d.at, scan_status: d.scanStatus,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function documentsOfBody(db: Db, caseId: number, bodyId: number) {
  return db
    .selectFrom('documents as d')
    .innerJoin('link_officers as o', 'o.id', 'd.uploaded_by_link_officer_id')
    .where('d.case_id', '=', caseId)
    .where('o.body_id', '=', bodyId)
    .where('d.deleted_at', 'is', null);
}

/** What the body's officers sent us on a case, quarantined files included (listed, never offered). */
export async function linkOfficerDocumentsOnCase(db: Db, caseId: number, bodyId: number) {
  return documentsOfBody(db, caseId, bodyId)
    .select(['d.id', 'd.file_name', 'd.size_bytes', 'd.uploaded_at', 'd.scan_status', 'o.full_name as uploaded_by_name'])
    .orderBy('d.id')
    .execute();
}

/** One document the body's officers sent on the case that may be downloaded: not quarantined, not deleted. */
export async function findLinkOfficerDocument(db: Db, caseId: number, documentId: number, bodyId: number) {
  return documentsOfBody(db, caseId, bodyId)
    .select(['d.id', 'd.file_name', 'd.storage_key'])
    .where('d.id', '=', documentId)
    .where('d.scan_status', '!=', 'quarantined')
    .executeTakeFirst();
}
