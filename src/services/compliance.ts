import { z } from 'zod';
import { countPendingRemedies } from '../data/repositories/cases.ts';
import { findRemedy, settleRemedy } from '../data/repositories/investigation.ts';
import { markRemedyConfirmedByLinkOfficer, remedyForBody } from '../data/repositories/link-officers.ts';
import type { Actor, Stage } from '../domain/case-lifecycle.ts';
import { formatLondonDate, londonDate } from '../domain/london-time.ts';
import type { ComplianceStatus } from '../domain/vocabulary.ts';
import { illegal, invalid, notFound } from './errors.ts';
import { moveTo, runCaseAction, type ActionContext, type ActionPlan, type LinkOfficerCaseActor } from './case-action.ts';
import { parseOrThrow } from './validation.ts';
import type { ServiceDeps } from './deps.ts';
import { notifyCaseParties } from '../jobs/send-notification.ts';
import { stageInPlainWords } from '../notify/templates.ts';
import { recordEvidenceDocument, type StoredEvidence } from './bodies/evidence-upload.ts';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export const complianceSchema = z
  .object({
    complied: z.enum(['yes', 'no'], { message: 'Select whether the body carried out the remedy' }),
    settledOn: z.string().regex(isoDate, 'Enter a real date'),
    evidence: z.string().trim().min(1, 'Describe the evidence of compliance, or why the body did not comply').max(20_000),
  });

/** On time or late is worked out from the remedy's due date, never chosen. */
export function complianceStatusFor(complied: boolean, settledOn: string, dueOn: string): Exclude<ComplianceStatus, 'pending'> {
  if (!complied) return 'not-complied';
  return settledOn <= dueOn ? 'complied-on-time' : 'complied-late';
}

type Verdict = (plan?: ActionPlan) => Promise<Stage>;

/**
 * Settles one pending remedy, then does what follows from it: the timeline event, the case's next
 * stage (closed after the last remedy) and, on closing, the message to the complainant's side.
 * The same for a caseworker's record and a link officer's confirmation.
 */
async function settle(
  context: ActionContext,
  verdictFor: Verdict,
  remedy: { id: number; kind: string; due_on: string },
  outcome: { status: Exclude<ComplianceStatus, 'pending'>; settledOn: string; evidence: string; facts?: Record<string, unknown> },
): Promise<Stage> {
  await settleRemedy(context.trx, remedy.id, { status: outcome.status, settledOn: outcome.settledOn, at: context.now, evidence: outcome.evidence });
  const to = await verdictFor({ pendingRemediesAfter: await countPendingRemedies(context.trx, context.caseRow.id) });
  await context.record('compliance-recorded', {
    remedyId: remedy.id, kind: remedy.kind, status: outcome.status, settledOn: outcome.settledOn, dueOn: remedy.due_on, ...outcome.facts,
  }, outcome.evidence);
  await moveTo(context, to);
  if (to === 'closed') await notifyCaseParties(context.trx, context.caseRow, 'stage-changed', { stage: stageInPlainWords[to] }, context.now); // notification
  return to;
}

/**
 * Records whether a remedy was carried out. On time or late is worked out from its due date,
 * not chosen; the case closes when the last remedy is settled.
 */
export async function recordCompliance(deps: ServiceDeps, reference: string, actor: Actor, remedyId: number, raw: z.input<typeof complianceSchema>) {
  const input = parseOrThrow(complianceSchema, raw);
  return runCaseAction(deps, reference, actor, 'record-compliance', async (context, verdictFor) => {
    const remedy = await findRemedy(context.trx, context.caseRow.id, remedyId);
    if (!remedy) throw notFound('Remedy');
    if (remedy.status !== 'pending') throw invalid({ complied: 'Compliance with this remedy has already been recorded' });
    if (input.settledOn > londonDate(context.now)) throw invalid({ settledOn: 'The date must be today or in the past' });
    const status = complianceStatusFor(input.complied === 'yes', input.settledOn, remedy.due_on);
    await settle(context, verdictFor, remedy, { status, settledOn: input.settledOn, evidence: input.evidence });
    return status;
  });
}

// ---- Confirmed by the body's link officer ----

export const confirmationMessages = {
  whatWasDoneMissing: 'Describe what was done to carry out the remedy',
  whatWasDoneTooLong: 'What was done must be 20,000 characters or fewer',
  doneOnMissing: 'Enter the date it was done',
  doneOnFuture: 'The date it was done must be today or in the past',
  doneOnBeforeDecision: (decidedOn: string) => `The date it was done must be on or after the date of our decision, ${formatLondonDate(decidedOn)}`,
  alreadySettled: 'This remedy has already been confirmed or settled. There is nothing more to do.',
} as const;

export const linkOfficerConfirmationSchema = z.object({
  whatWasDone: z.string().trim().min(1, confirmationMessages.whatWasDoneMissing).max(20_000, confirmationMessages.whatWasDoneTooLong),
  doneOn: z.string().regex(isoDate, confirmationMessages.doneOnMissing),
});
export type LinkOfficerConfirmation = z.input<typeof linkOfficerConfirmationSchema>;

/**
 * What is wrong with the date a link officer says a remedy was done, if anything: it must be a
 * London date no later than today and no earlier than our final decision (a typing slip would
 * otherwise count as done on time).
 */
export function doneOnProblem(doneOn: string, today: string, decidedOn: string | null): string | undefined {
  if (doneOn > today) return confirmationMessages.doneOnFuture;
  if (decidedOn && doneOn < decidedOn) return confirmationMessages.doneOnBeforeDecision(decidedOn);
  return undefined;
}

/**
 * Checks a confirmation before anything is stored, so a file is scanned and kept only with an
 * answer we can take; every problem is reported at once. Returns the parsed input.
 */
export async function checkLinkOfficerConfirmation(deps: ServiceDeps, officer: LinkOfficerCaseActor, remedyId: number, raw: LinkOfficerConfirmation) {
  const remedy = await remedyForBody(deps.db, remedyId, officer.bodyId);
  if (!remedy) throw notFound('Remedy');
  if (remedy.status !== 'pending') throw illegal(confirmationMessages.alreadySettled);
  const parsed = linkOfficerConfirmationSchema.safeParse(raw);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[issue.path.map(String).join('.')] ??= issue.message;
  const today = londonDate(deps.clock.now());
  const decidedOn = remedy.decided_at ? londonDate(remedy.decided_at) : null;
  const dateProblem = parsed.success ? doneOnProblem(parsed.data.doneOn, today, decidedOn) : undefined;
  if (dateProblem) errors.doneOn = dateProblem;
  if (!parsed.success || Object.keys(errors).length) throw invalid(errors);
  return { remedy, input: parsed.data };
}

/**
 * A body's link officer confirms that their body carried out a remedy: what was done, when, and
 * optionally a document as evidence. Settled by the same rules as a caseworker's record (on time
 * or late from the due date; the case closes after the last remedy, and the complainant is told);
 * the remedy names the officer and the evidence document. Another body's remedy is not found.
 */
export async function confirmComplianceByLinkOfficer(
  deps: ServiceDeps,
  officer: LinkOfficerCaseActor,
  remedyId: number,
  raw: LinkOfficerConfirmation,
  evidence?: StoredEvidence,
): Promise<{ status: Exclude<ComplianceStatus, 'pending'>; caseClosed: boolean; reference: string }> {
  const { remedy: found, input } = await checkLinkOfficerConfirmation(deps, officer, remedyId, raw);
  if (evidence?.scanStatus === 'quarantined') throw new Error('A quarantined file cannot be evidence');
  return runCaseAction(deps, found.reference, officer, 'record-compliance', async (context, verdictFor) => {
    // Read again under the case's lock: another officer or a caseworker may have settled it meanwhile.
    const remedy = await remedyForBody(context.trx, remedyId, officer.bodyId);
    if (!remedy || remedy.case_id !== context.caseRow.id) throw notFound('Remedy');
    if (remedy.status !== 'pending') throw illegal(confirmationMessages.alreadySettled);
    const problem = doneOnProblem(input.doneOn, londonDate(context.now), remedy.decided_at ? londonDate(remedy.decided_at) : null);
    if (problem) throw invalid({ doneOn: problem });
    const evidenceDocumentId = evidence ? await recordEvidenceDocument(context, officer.linkOfficerId, evidence) : null;
    const status = complianceStatusFor(true, input.doneOn, remedy.due_on);
    await markRemedyConfirmedByLinkOfficer(context.trx, remedy.id, { linkOfficerId: officer.linkOfficerId, evidenceDocumentId });
    const to = await settle(context, verdictFor, remedy, { status, settledOn: input.doneOn, evidence: input.whatWasDone, facts: { evidenceDocumentId } });
    return { status, caseClosed: to === 'closed', reference: found.reference };
  });
}
