import { sql, type SqlBool } from 'kysely';
import type { Db } from './cases.ts';

/**
 * The complainant portal's queries. A complainant is known only by an email address: every case
 * whose complainant or representative has that address (ignoring case) is theirs, and no other.
 * Callers pass the address already trimmed and lower-cased.
 */

// ---- Sign-in codes ----

export async function insertSignInCode(db: Db, code: { email: string; hash: string; at: Date; expiresAt: Date }): Promise<number> {
  const row = await db
    .insertInto('sign_in_codes')
    .values({ email: code.email, code_hash: code.hash, created_at: code.at, expires_at: code.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks every live code for the address as replaced: only the newest one works. */
export async function supersedeSignInCodes(db: Db, email: string, at: Date): Promise<void> {
  await db
    .updateTable('sign_in_codes')
    .set({ superseded_at: at })
    .where(sql<SqlBool>`lower(email) = ${email}`)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute();
}

export async function countSignInCodesSince(db: Db, email: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('sign_in_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<SqlBool>`lower(email) = ${email}`)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function latestSignInCode(db: Db, email: string) {
  return db
    .selectFrom('sign_in_codes')
    .selectAll()
    .where(sql<SqlBool>`lower(email) = ${email}`)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Codes replaced by a newer one recently: to tell someone they typed the code from an older email. */
export async function recentSupersededCodeHashes(db: Db, email: string, since: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('sign_in_codes')
    .select('code_hash')
    .where(sql<SqlBool>`lower(email) = ${email}`)
    .where('superseded_at', 'is not', null)
    .where('created_at', '>', since)
    .execute();
  return rows.map((r) => r.code_hash);
}

/**
 * Counts one attempt at a code, atomically, and only while attempts remain and the code is
 * unused: concurrent guesses can never exceed the limit. Returns the new count, or undefined.
 */
export async function recordSignInAttempt(db: Db, id: number, maxAttempts: number): Promise<number | undefined> {
  const row = await db
    .updateTable('sign_in_codes')
    .set({ attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .where('attempts', '<', maxAttempts)
    .where('used_at', 'is', null)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts;
}

/** Uses a code up; false when it was already used (a second request with the same code). */
export async function markSignInCodeUsed(db: Db, id: number, at: Date): Promise<boolean> {
  const row = await db.updateTable('sign_in_codes').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}

// ---- The complainant's cases ----

function portalCases(db: Db, email: string) {
  return db
    .selectFrom('cases as c')
    .leftJoin('people as complainant', 'complainant.id', 'c.complainant_id')
    .leftJoin('people as representative', 'representative.id', 'c.representative_id')
    .select([
      'c.id', 'c.reference', 'c.stage', 'c.received_at', 'c.registered_at', 'c.assessment_due_on', 'c.assessment_decided_at', 'c.clock_stopped_at', 'c.draft_shared_at',
      'c.decided_at', 'c.closed_at', 'c.outcome', 'c.closing_reason', 'c.summary_text', 'c.category', 'c.subcategory',
      'c.complainant_id', 'c.representative_id',
      'complainant.full_name as complainant_name',
      'representative.full_name as representative_name',
    ])
    .select(sql<'complainant' | 'representative'>`case when lower(complainant.email) = ${email} then 'complainant' else 'representative' end`.as('role'))
    .select(sql<number>`case when lower(complainant.email) = ${email} then c.complainant_id else c.representative_id end`.as('person_id'))
    // People with the address first (people_email_idx), then their cases: no scan of every case.
    .where((eb) => {
      const withAddress = () => eb.selectFrom('people as p').select('p.id').where(sql<string>`lower(p.email)`, '=', email);
      return eb.or([eb('c.complainant_id', 'in', withAddress()), eb('c.representative_id', 'in', withAddress())]);
    });
}

export async function casesForEmail(db: Db, email: string) {
  return portalCases(db, email)
    .select((eb) =>
      eb
        .selectFrom('messages as m')
        .select((m) => m.fn.countAll<number>().as('n'))
        .whereRef('m.case_id', '=', 'c.id')
        .where('m.from_staff_id', 'is not', null)
        .where('m.read_at', 'is', null)
        .as('unread_messages'),
    )
    .orderBy('c.received_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
}

export async function caseForEmail(db: Db, email: string, reference: string) {
  return portalCases(db, email).where('c.reference', '=', reference).executeTakeFirst();
}
export type PortalCase = NonNullable<Awaited<ReturnType<typeof caseForEmail>>>;

export async function emailHasCase(db: Db, email: string): Promise<boolean> {
  const row = await portalCases(db, email).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The explanation given when a case was closed at assessment (it lives on the timeline). */
export async function assessmentClosureExplanation(db: Db, caseId: number): Promise<string | null> {
  const row = await db
    .selectFrom('case_events')
    .select('detail_text')
    .where('case_id', '=', caseId)
    .where('kind', 'in', ['assessment-closed', 'referred-back'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.detail_text ?? null;
}

/** When the assessment ended (passed for investigation, or closed), from the timeline: the case row records only closures. */
export async function assessmentEndedAt(db: Db, caseId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('case_events')
    .select('occurred_at')
    .where('case_id', '=', caseId)
    .where('kind', 'in', ['passed-for-investigation', 'assessment-closed', 'referred-back'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.occurred_at ?? null;
}

/** Whether any caseworker has acted on the case since it was registered (a note, an enquiry, a decision...). */
export async function staffHaveActed(db: Db, caseId: number): Promise<boolean> {
  const row = await db
    .selectFrom('case_events')
    .select('id')
    .where('case_id', '=', caseId)
    .where('actor_id', 'is not', null)
    .where('kind', 'not in', ['case-registered', 'deadline-recalculated'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// ---- Messages ----

export async function insertMessage(db: Db, message: { caseId: number; fromPersonId?: number | null; fromStaffId?: number | null; at: Date; text: string }): Promise<number> {
  const row = await db
    .insertInto('messages')
    .values({ case_id: message.caseId, from_person_id: message.fromPersonId ?? null, from_staff_id: message.fromStaffId ?? null, sent_at: message.at, body_text: message.text })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function caseMessages(db: Db, caseId: number) {
  return db
    .selectFrom('messages as m')
    .leftJoin('people as p', 'p.id', 'm.from_person_id')
    .leftJoin('staff_users as u', 'u.id', 'm.from_staff_id')
    .select(['m.id', 'm.sent_at', 'm.read_at', 'm.body_text', 'm.from_person_id', 'm.from_staff_id', 'p.full_name as person_name', 'u.display_name as staff_name'])
    .where('m.case_id', '=', caseId)
    .orderBy('m.id')
    .execute();
}

/** Marks as read what the other side sent: `reader` 'person' reads staff messages, 'staff' reads the complainant's. */
export async function markMessagesRead(db: Db, caseId: number, reader: 'person' | 'staff', at: Date): Promise<number> {
  const rows = await db
    .updateTable('messages')
    .set({ read_at: at })
    .where('case_id', '=', caseId)
    .where(reader === 'person' ? 'from_staff_id' : 'from_person_id', 'is not', null)
    .where('read_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/** Messages from the complainant's side that no one on the staff side has read yet. */
export async function unreadMessagesForStaff(db: Db, caseId: number): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('case_id', '=', caseId)
    .where('from_person_id', 'is not', null)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- Documents ----

export async function insertPortalDocument(
  db: Db,
  d: { caseId: number; fileName: string; contentType: string; size: number; sha256: string; key: string; personId: number; at: Date; scanStatus: 'not-scanned' | 'clean' | 'quarantined' },
): Promise<number> {
  const row = await db
    .insertInto('documents')
    .values({
      case_id: d.caseId, file_name: d.fileName, content_type: d.contentType, size_bytes: d.size, sha256: d.sha256, storage_key: d.key,
      uploaded_by: null, uploaded_by_person_id: d.personId, uploaded_at: d.at, scan_status: d.scanStatus,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** What the complainant's side sent us on a case, quarantined files included (shown, never offered). */
export async function complainantDocuments(db: Db, caseId: number) {
  return db
    .selectFrom('documents as d')
    .leftJoin('people as p', 'p.id', 'd.uploaded_by_person_id')
    .select(['d.id', 'd.file_name', 'd.content_type', 'd.size_bytes', 'd.uploaded_at', 'd.scan_status', 'p.full_name as uploaded_by_name'])
    .where('d.case_id', '=', caseId)
    .where('d.uploaded_by_person_id', 'is not', null)
    .where('d.deleted_at', 'is', null)
    .orderBy('d.id')
    .execute();
}

/** One of the complainant's side's documents on this case that may be downloaded: not quarantined, not deleted. */
export async function findComplainantDocument(db: Db, caseId: number, documentId: number) {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', documentId)
    .where('uploaded_by_person_id', 'is not', null)
    .where('scan_status', '!=', 'quarantined')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}
