import type { Db } from './cases.ts';

export async function insertEnquiry(db: Db, e: { caseId: number; bodyId: number; sentAt: Date; dueOn: string; question: string }): Promise<number> {
  const row = await db
    .insertInto('enquiries')
    .values({ case_id: e.caseId, body_id: e.bodyId, sent_at: e.sentAt, due_on: e.dueOn, question_text: e.question })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findEnquiry(db: Db, caseId: number, enquiryId: number) {
  return db.selectFrom('enquiries').selectAll().where('case_id', '=', caseId).where('id', '=', enquiryId).executeTakeFirst();
}

export async function recordEnquiryResponse(db: Db, enquiryId: number, at: Date, response: string): Promise<void> {
  await db.updateTable('enquiries').set({ responded_at: at, response_text: response }).where('id', '=', enquiryId).execute();
}

export async function insertDecision(
  db: Db,
  d: { caseId: number; kind: 'draft' | 'final'; outcome: string; madeBy: number; at: Date; commentsDueOn: string | null; reasons: string },
): Promise<number> {
  const row = await db
    .insertInto('decisions')
    .values({ case_id: d.caseId, kind: d.kind, outcome: d.outcome, made_by: d.madeBy, made_at: d.at, comments_due_on: d.commentsDueOn, reasons_text: d.reasons })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertRemedy(
  db: Db,
  r: { caseId: number; decisionId: number; kind: string; description: string; amountPence: number | null; dueOn: string; shares?: { bodyId: number; amountPence: number }[] | undefined },
): Promise<number> {
  const row = await db
    .insertInto('remedies')
    .values({ case_id: r.caseId, decision_id: r.decisionId, kind: r.kind, description_text: r.description, amount_pence: r.amountPence, due_on: r.dueOn })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (r.shares?.length) {
    await db
      .insertInto('remedy_shares')
      .values(r.shares.map((s) => ({ remedy_id: row.id, body_id: s.bodyId, amount_pence: s.amountPence })))
      .execute();
  }
  return row.id;
}

export async function findRemedy(db: Db, caseId: number, remedyId: number) {
  return db.selectFrom('remedies').selectAll().where('case_id', '=', caseId).where('id', '=', remedyId).executeTakeFirst();
}

export async function settleRemedy(db: Db, remedyId: number, s: { status: string; settledOn: string; at: Date; evidence: string }): Promise<void> {
  await db
    .updateTable('remedies')
    .set({ status: s.status, settled_on: s.settledOn, recorded_at: s.at, evidence_text: s.evidence })
    .where('id', '=', remedyId)
    .execute();
}
