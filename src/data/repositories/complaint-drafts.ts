import { sql } from 'kysely';
import type { Db } from './cases.ts';

/** A complaint being written online: its answers so far, and whether (and as which case) it was sent. */
export interface DraftRow {
  id: string;
  email: string | null;
  answers: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  caseId: number | null;
}

const draftColumns = ['id', 'email', 'answers', 'created_at', 'updated_at', 'submitted_at', 'case_id'] as const;

function toDraft(row: {
  id: string; email: string | null; answers: Record<string, unknown>; created_at: Date; updated_at: Date; submitted_at: Date | null; case_id: number | null;
}): DraftRow {
  return {
    id: row.id, email: row.email, answers: row.answers ?? {}, createdAt: row.created_at, updatedAt: row.updated_at,
    submittedAt: row.submitted_at, caseId: row.case_id,
  };
}

export async function insertDraft(db: Db, draft: { id: string; answers: Record<string, unknown>; email?: string | null; at: Date }): Promise<void> {
  await db
    .insertInto('complaint_drafts')
    .values({ id: draft.id, email: draft.email ?? null, answers: JSON.stringify(draft.answers), created_at: draft.at, updated_at: draft.at })
    .execute();
}

/** The draft, unless it was last saved before `updatedAfter` (it has expired). */
export async function findDraft(db: Db, id: string, updatedAfter: Date): Promise<DraftRow | undefined> {
  const row = await db.selectFrom('complaint_drafts').select(draftColumns).where('id', '=', id).where('updated_at', '>', updatedAfter).executeTakeFirst();
  return row ? toDraft(row) : undefined;
}

/**
 * Merges answers into a draft not yet sent, in one statement (`jsonb || jsonb`), so two tabs
 * saving different pages never overwrite each other. Returns the merged answers, or undefined
 * when the draft is gone, expired or already sent.
 */
export async function mergeDraftAnswers(db: Db, id: string, patch: Record<string, unknown>, at: Date, updatedAfter: Date): Promise<Record<string, unknown> | undefined> {
  const row = await db
    .updateTable('complaint_drafts')
    .set({ answers: sql<string>`answers || ${JSON.stringify(patch)}::jsonb`, updated_at: at })
    .where('id', '=', id)
    .where('submitted_at', 'is', null)
    .where('updated_at', '>', updatedAfter)
    .returning('answers')
    .executeTakeFirst();
  return row?.answers;
}

export async function setDraftEmail(db: Db, id: string, email: string, at: Date, updatedAfter: Date): Promise<boolean> {
  const row = await db
    .updateTable('complaint_drafts')
    .set({ email, updated_at: at })
    .where('id', '=', id)
    .where('submitted_at', 'is', null)
    .where('updated_at', '>', updatedAfter)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Claims a draft for sending: sets `submitted_at` only if nobody else has (or, to take over a
 * stale claim, only if it still holds the claim we saw). Exactly one concurrent caller wins.
 */
export async function claimDraft(db: Db, id: string, at: Date, staleClaim: Date | null = null): Promise<boolean> {
  let query = db.updateTable('complaint_drafts').set({ submitted_at: at, updated_at: at }).where('id', '=', id).where('case_id', 'is', null);
  query = staleClaim ? query.where('submitted_at', '=', staleClaim) : query.where('submitted_at', 'is', null);
  const row = await query.returning('id').executeTakeFirst();
  return row !== undefined;
}

/** Links the draft to its case; false when another request already did. */
export async function linkDraftToCase(db: Db, id: string, caseId: number): Promise<boolean> {
  const row = await db
    .updateTable('complaint_drafts')
    .set({ case_id: caseId })
    .where('id', '=', id)
    .where('case_id', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export interface DraftCase {
  id: number;
  reference: string;
  receivedAt: Date;
  complainantId: number | null;
  representativeId: number | null;
}

function toDraftCase(row: { id: number; reference: string; received_at: Date; complainant_id: number | null; representative_id: number | null }): DraftCase {
  return { id: row.id, reference: row.reference, receivedAt: row.received_at, complainantId: row.complainant_id, representativeId: row.representative_id };
}

const caseColumns = ['c.id', 'c.reference', 'c.received_at', 'c.complainant_id', 'c.representative_id'] as const;

export async function findCaseById(db: Db, id: number): Promise<DraftCase | undefined> {
  const row = await db.selectFrom('cases as c').select(caseColumns).where('c.id', '=', id).executeTakeFirst();
  return row ? toDraftCase(row) : undefined;
}

/**
 * The case an earlier, interrupted attempt made from this draft, if any: a complaint that arrived
 * through the online form (no officer recorded it) at exactly the instant the draft was claimed,
 * from a complainant of this name. The claim instant is used as the case's time of receipt, so
 * it identifies the attempt.
 */
export async function findWebCaseReceivedAt(db: Db, receivedAt: Date, complainantName: string): Promise<DraftCase | undefined> {
  const row = await db
    .selectFrom('cases as c')
    .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .innerJoin('people as p', 'p.id', 'c.complainant_id')
    .select(caseColumns)
    .where('ct.channel', '=', 'web')
    .where('ct.recorded_by', 'is', null)
    .where('ct.received_at', '=', receivedAt)
    .where('p.full_name', '=', complainantName)
    .orderBy('c.id')
    .executeTakeFirst();
  return row ? toDraftCase(row) : undefined;
}

/** Records how a person wants to hear from us (the intake service sets it for the complainant only). */
export async function setContactPreference(db: Db, personId: number, preference: 'email' | 'sms' | 'post'): Promise<void> {
  await db.updateTable('people').set({ contact_preference: preference }).where('id', '=', personId).execute();
}

/** Deletes drafts last saved before the cutoff, sent or not; returns how many. */
export async function deleteDraftsNotUpdatedSince(db: Db, cutoff: Date): Promise<number> {
  const rows = await db.deleteFrom('complaint_drafts').where('updated_at', '<=', cutoff).returning('id').execute();
  return rows.length;
}
