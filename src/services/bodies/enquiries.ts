import { z } from 'zod';
import { enquiryForBody, saveLinkOfficerResponse } from '../../data/repositories/link-officers.ts';
import { londonDate } from '../../domain/london-time.ts';
import { runCaseAction } from '../case-action.ts';
import type { ServiceDeps } from '../deps.ts';
import { illegal, notFound } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import { recordEvidenceDocument, type StoredEvidence } from './evidence-upload.ts';
import type { SignedInLinkOfficer } from './sign-in.ts';
import { dueState } from './work.ts';

/**
 * A body answers our enquiry: its link officer writes the response and may attach a document.
 * The answer is recorded as a caseworker's record of a response would be (the same timeline
 * event, on time or late from the due date), naming the officer. Another body's enquiry is not found.
 */
export const enquiryAnswerMessages = {
  responseMissing: 'Enter your response to our enquiry',
  responseTooLong: 'Your response must be 50,000 characters or fewer',
  alreadyAnswered: 'This enquiry has already been answered. There is nothing more to do.',
} as const;

export const enquiryAnswerSchema = z.object({
  response: z.string().trim().min(1, enquiryAnswerMessages.responseMissing).max(50_000, enquiryAnswerMessages.responseTooLong),
});
export type EnquiryAnswer = z.input<typeof enquiryAnswerSchema>;

/** One of the body's enquiries, with where its due date stands while it waits for an answer. */
export async function getBodyEnquiry(deps: ServiceDeps, officer: SignedInLinkOfficer, enquiryId: number) {
  const enquiry = await enquiryForBody(deps.db, enquiryId, officer.bodyId);
  if (!enquiry) throw notFound('Enquiry');
  return { enquiry, due: enquiry.responded_at ? undefined : dueState(enquiry.due_on, londonDate(deps.clock.now())) };
}

/**
 * Checks an answer before anything is stored, so a file is scanned and kept only with an answer
 * we can take. Returns the parsed answer and the enquiry.
 */
export async function checkEnquiryAnswer(deps: ServiceDeps, officer: SignedInLinkOfficer, enquiryId: number, raw: EnquiryAnswer) {
  const enquiry = await enquiryForBody(deps.db, enquiryId, officer.bodyId);
  if (!enquiry) throw notFound('Enquiry');
  if (enquiry.responded_at) throw illegal(enquiryAnswerMessages.alreadyAnswered);
  if (enquiry.stage === 'closed') throw illegal('This case is closed. If you still need to tell us something, contact the investigator.');
  return { enquiry, input: parseOrThrow(enquiryAnswerSchema, raw) };
}

export async function answerEnquiry(deps: ServiceDeps, officer: SignedInLinkOfficer, enquiryId: number, raw: EnquiryAnswer, evidence?: StoredEvidence) {
  const { enquiry: found, input } = await checkEnquiryAnswer(deps, officer, enquiryId, raw);
  if (evidence?.scanStatus === 'quarantined') throw new Error('A quarantined file cannot go with an answer');
  return runCaseAction(deps, found.reference, officer, 'record-enquiry-response', async (context) => {
    const enquiry = await enquiryForBody(context.trx, enquiryId, officer.bodyId);
    if (!enquiry || enquiry.case_id !== context.caseRow.id) throw notFound('Enquiry');
    const documentId = evidence ? await recordEvidenceDocument(context, officer.linkOfficerId, evidence) : null;
    // Only the first answer counts: another officer, or a caseworker recording a letter, may have been first.
    if (!(await saveLinkOfficerResponse(context.trx, enquiryId, { at: context.now, text: input.response, linkOfficerId: officer.linkOfficerId }))) {
      throw illegal(enquiryAnswerMessages.alreadyAnswered);
    }
    const late = londonDate(context.now) > enquiry.due_on;
    await context.record('enquiry-response-recorded', { enquiryId, late, ...(documentId ? { documentId } : {}) }, input.response);
    return { reference: found.reference, late };
  });
}

/**
 * Records a file that the virus scan quarantined, sent with an answer or a confirmation that was
 * therefore not taken: kept, listed for staff, never offered for download.
 */
export async function recordQuarantinedUpload(deps: ServiceDeps, officer: SignedInLinkOfficer, reference: string, action: 'record-enquiry-response' | 'record-compliance', evidence: StoredEvidence) {
  return runCaseAction(deps, reference, officer, action, async (context) => recordEvidenceDocument(context, officer.linkOfficerId, evidence));
}
