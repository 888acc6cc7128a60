import { z } from 'zod';
import { closingReasons } from '../domain/vocabulary.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import { moveTo, runCaseAction } from './case-action.ts';
import { parseOrThrow } from './validation.ts';
import type { ServiceDeps } from './deps.ts';
import { notifyCaseParties } from '../jobs/send-notification.ts';
import { stageInPlainWords } from '../notify/templates.ts';

export const assessmentDecisionSchema = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('close-after-initial-enquiries'),
    reason: z.enum(closingReasons.values as [string, ...string[]], { message: 'Select the reason for closing the case' }),
    explanation: z.string().trim().min(1, 'Explain the decision to the complainant').max(10_000),
  }),
  z.object({
    decision: z.literal('refer-back-for-local-resolution'),
    explanation: z.string().trim().min(1, 'Explain the decision to the complainant').max(10_000),
  }),
  z.object({
    decision: z.literal('pass-for-investigation'),
    explanation: z.string().trim().max(10_000).optional(),
  }),
], { error: () => ({ message: 'Select a decision' }) });
export type AssessmentDecision = z.input<typeof assessmentDecisionSchema>;

/** The assessor's decision: close, refer back, or pass for investigation. */
export async function decideAssessment(deps: ServiceDeps, reference: string, actor: Actor, raw: AssessmentDecision) {
  const input = parseOrThrow(assessmentDecisionSchema, raw);
  return runCaseAction(deps, reference, actor, input.decision, async (context, verdictFor) => {
    const to = await verdictFor();
    if (input.decision === 'pass-for-investigation') {
      await moveTo(context, to, { team: context.caseRow.joint ? 'joint' : 'investigation' });
      await context.record('passed-for-investigation', { from: 'assessment' }, input.explanation || null);
      await notifyCaseParties(context.trx, context.caseRow, 'stage-changed', { stage: stageInPlainWords[to] }, context.now); // notification
      return;
    }
    const outcome = input.decision === 'close-after-initial-enquiries' ? 'closed-after-initial-enquiries' : 'referred-back-for-local-resolution';
    const reason = input.decision === 'close-after-initial-enquiries' ? input.reason : null;
    await context.record(input.decision === 'close-after-initial-enquiries' ? 'assessment-closed' : 'referred-back', { outcome, reason }, input.explanation);
    await moveTo(context, to, { outcome, closing_reason: reason, assessment_decided_at: context.now, decided_at: context.now });
    await notifyCaseParties(context.trx, context.caseRow, 'stage-changed', { stage: stageInPlainWords[to] }, context.now); // notification
  });
}
