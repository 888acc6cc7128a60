import { z } from 'zod';
import { caseBodies } from '../data/repositories/cases.ts';
import { insertDecision, insertEnquiry, insertRemedy, findEnquiry, recordEnquiryResponse as saveEnquiryResponse } from '../data/repositories/investigation.ts';
import { insertDocument } from '../data/repositories/documents.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import { formatLondonDate, londonDate } from '../domain/london-time.ts';
import { finalDecisionOutcomes, remedyKinds } from '../domain/vocabulary.ts';
import { invalid, notFound } from './errors.ts';
import { moveTo, runCaseAction } from './case-action.ts';
import { parseOrThrow } from './validation.ts';
import type { ServiceDeps } from './deps.ts';
import { notifyLinkOfficersOfEnquiry } from './bodies/enquiry-notifications.ts';
import { notifyCaseParties } from '../jobs/send-notification.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a real date');

export const noteSchema = z.object({ text: z.string().trim().min(1, 'Enter the note').max(20_000, 'Note must be 20,000 characters or fewer') });

export async function addNote(deps: ServiceDeps, reference: string, actor: Actor, raw: z.input<typeof noteSchema>) {
  const input = parseOrThrow(noteSchema, raw);
  return runCaseAction(deps, reference, actor, 'add-note', async (context) => {
    await context.record('note-added', {}, input.text);
  });
}

export const enquirySchema = z.object({
  bodyId: z.number({ message: 'Select the body' }).int().positive('Select the body'),
  question: z.string().trim().min(1, 'Enter what you are asking the body').max(20_000),
  dueOn: isoDate,
});

export async function sendEnquiry(deps: ServiceDeps, reference: string, actor: Actor, raw: z.input<typeof enquirySchema>) {
  const input = parseOrThrow(enquirySchema, raw);
  return runCaseAction(deps, reference, actor, 'send-enquiry', async (context) => {
    const bodies = await caseBodies(context.trx, context.caseRow.id);
    if (!bodies.some((b) => b.id === input.bodyId)) throw invalid({ bodyId: 'Select a body this complaint is about' });
    if (input.dueOn <= londonDate(context.now)) throw invalid({ dueOn: 'The response due date must be in the future' });
    const enquiryId = await insertEnquiry(context.trx, { caseId: context.caseRow.id, bodyId: input.bodyId, sentAt: context.now, dueOn: input.dueOn, question: input.question });
    await context.record('enquiry-sent', { enquiryId, bodyId: input.bodyId, dueOn: input.dueOn }, input.question);
    await notifyLinkOfficersOfEnquiry(context.trx, {
      caseId: context.caseRow.id, reference: context.caseRow.reference, bodyId: input.bodyId,
      bodyName: bodies.find((b) => b.id === input.bodyId)?.name ?? '', dueOn: input.dueOn, at: context.now,
    });
  });
}

export const enquiryResponseSchema = z.object({ response: z.string().trim().min(1, 'Enter the body’s response').max(50_000) });

export async function recordEnquiryResponse(deps: ServiceDeps, reference: string, actor: Actor, enquiryId: number, raw: z.input<typeof enquiryResponseSchema>) {
  const input = parseOrThrow(enquiryResponseSchema, raw);
  return runCaseAction(deps, reference, actor, 'record-enquiry-response', async (context) => {
    const enquiry = await findEnquiry(context.trx, context.caseRow.id, enquiryId);
    if (!enquiry) throw notFound('Enquiry');
    if (enquiry.responded_at) throw invalid({ response: 'A response to this enquiry has already been recorded' });
    await saveEnquiryResponse(context.trx, enquiryId, context.now, input.response);
    const late = londonDate(context.now) > enquiry.due_on;
    await context.record('enquiry-response-recorded', { enquiryId, late }, input.response);
  });
}

export interface UploadedDocument {
  fileName: string;
  contentType: string;
  content: Buffer;
}

export async function addDocument(deps: ServiceDeps, reference: string, actor: Actor, upload: UploadedDocument) {
  if (upload.content.length === 0) throw invalid({ document: 'The selected file is empty' });
  const fileName = upload.fileName.replace(/[\\/]/g, '_').slice(0, 200) || 'document';
  return runCaseAction(deps, reference, actor, 'add-document', async (context) => {
    // Stored before the row is written: a crash leaves at worst an unreferenced file, never a row without its file.
    const stored = await deps.files.put(upload.content);
    const documentId = await insertDocument(context.trx, {
      caseId: context.caseRow.id, fileName, contentType: upload.contentType, size: stored.size, sha256: stored.sha256, key: stored.key, uploadedBy: actor.id, at: context.now,
    });
    await context.record('document-added', { documentId, sha256: stored.sha256, size: stored.size }, fileName);
    return documentId;
  });
}

const outcomeSchema = z.enum(finalDecisionOutcomes as [string, ...string[]], { message: 'Select the outcome' });

export const draftDecisionSchema = z.object({
  outcome: outcomeSchema,
  reasons: z.string().trim().min(1, 'Enter the reasons for the decision').max(100_000),
  commentsDueOn: isoDate,
});

export async function shareDraftDecision(deps: ServiceDeps, reference: string, actor: Actor, raw: z.input<typeof draftDecisionSchema>) {
  const input = parseOrThrow(draftDecisionSchema, raw);
  return runCaseAction(deps, reference, actor, 'share-draft-decision', async (context, verdictFor) => {
    if (input.commentsDueOn <= londonDate(context.now)) throw invalid({ commentsDueOn: 'The date for comments must be in the future' });
    const to = await verdictFor();
    const decisionId = await insertDecision(context.trx, { caseId: context.caseRow.id, kind: 'draft', outcome: input.outcome, madeBy: actor.id, at: context.now, commentsDueOn: input.commentsDueOn, reasons: input.reasons });
    await moveTo(context, to, { draft_shared_at: context.now });
    await context.record('draft-decision-shared', { decisionId, outcome: input.outcome, commentsDueOn: input.commentsDueOn }, input.reasons);
    await notifyCaseParties(context.trx, context.caseRow, 'draft-decision-ready', { commentsDueOn: formatLondonDate(input.commentsDueOn) }, context.now); // notification
  });
}

const remedySchema = z
  .object({
    kind: z.enum(remedyKinds.values as [string, ...string[]], { message: 'Select the kind of remedy' }),
    description: z.string().trim().min(1, 'Describe the remedy').max(5_000),
    amountPence: z.number().int().positive('Enter an amount greater than £0').max(100_000_000, 'Enter an amount of £1,000,000 or less').nullish(),
    dueOn: isoDate,
    shares: z.array(z.object({ bodyId: z.number().int().positive(), amountPence: z.number().int().min(0) })).optional(),
  })
  .superRefine((remedy, ctx) => {
    if (remedy.kind === 'financial-payment' && !remedy.amountPence) {
      ctx.addIssue({ code: 'custom', path: ['amountPence'], message: 'Enter the amount of the payment' });
    }
    if (remedy.kind !== 'financial-payment' && remedy.amountPence) {
      ctx.addIssue({ code: 'custom', path: ['amountPence'], message: 'Only a financial payment has an amount' });
    }
    if (remedy.shares?.length && remedy.shares.reduce((sum, s) => sum + s.amountPence, 0) !== remedy.amountPence) {
      ctx.addIssue({ code: 'custom', path: ['shares'], message: 'The bodies’ shares must add up to the amount of the payment' });
    }
  });

export const finalDecisionSchema = z
  .object({
    outcome: outcomeSchema,
    reasons: z.string().trim().min(1, 'Enter the reasons for the decision').max(100_000),
    remedies: z.array(remedySchema).max(20),
  })
  .superRefine((decision, ctx) => {
    if (decision.outcome === 'upheld-fault-injustice' && decision.remedies.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['remedies'], message: 'Recommend at least one remedy for fault causing injustice' });
    }
    if (decision.outcome === 'not-upheld' && decision.remedies.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['remedies'], message: 'A complaint that is not upheld has no remedies' });
    }
  });
export type FinalDecisionInput = z.input<typeof finalDecisionSchema>;

/** The final decision with its remedies; the case moves to compliance, or closes if nothing is owed. */
export async function issueFinalDecision(deps: ServiceDeps, reference: string, actor: Actor, raw: FinalDecisionInput) {
  const input = parseOrThrow(finalDecisionSchema, raw);
  return runCaseAction(deps, reference, actor, 'issue-final-decision', async (context, verdictFor) => {
    const today = londonDate(context.now);
    const bodies = await caseBodies(context.trx, context.caseRow.id);
    input.remedies.forEach((remedy, index) => {
      if (remedy.dueOn <= today) throw invalid({ [`remedies.${index}.dueOn`]: 'A remedy’s due date must be in the future' });
      for (const share of remedy.shares ?? []) {
        if (!bodies.some((b) => b.id === share.bodyId)) throw invalid({ [`remedies.${index}.shares`]: 'Apportion a payment only between bodies on this case' });
      }
    });
    const to = await verdictFor({ pendingRemediesAfter: input.remedies.length });
    const decisionId = await insertDecision(context.trx, { caseId: context.caseRow.id, kind: 'final', outcome: input.outcome, madeBy: actor.id, at: context.now, commentsDueOn: null, reasons: input.reasons });
    const remedyIds: number[] = [];
    for (const remedy of input.remedies) {
      remedyIds.push(await insertRemedy(context.trx, { caseId: context.caseRow.id, decisionId, ...remedy, amountPence: remedy.amountPence ?? null }));
    }
    await context.record('final-decision-issued', {
      decisionId, outcome: input.outcome,
      remedies: input.remedies.map((r, i) => ({ id: remedyIds[i], kind: r.kind, amountPence: r.amountPence ?? null, dueOn: r.dueOn })),
    }, input.reasons);
    await moveTo(context, to, { outcome: input.outcome, decided_at: context.now });
    await notifyCaseParties(context.trx, context.caseRow, 'decision-made', {}, context.now); // notification
    return { decisionId, remedyIds };
  });
}
