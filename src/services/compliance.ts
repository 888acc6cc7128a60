import { z } from 'zod';
import { countPendingRemedies } from '../data/repositories/cases.ts';
import { findRemedy, settleRemedy } from '../data/repositories/investigation.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import { londonDate } from '../domain/london-time.ts';
import { invalid, notFound } from './errors.ts';
import { moveTo, runCaseAction } from './case-action.ts';
import { parseOrThrow } from './validation.ts';
import type { ServiceDeps } from './deps.ts';
import { notifyCaseParties } from '../jobs/send-notification.ts';
import { stageInPlainWords } from '../notify/templates.ts';

export const complianceSchema = z
  .object({
    complied: z.enum(['yes', 'no'], { message: 'Select whether the body carried out the remedy' }),
    settledOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a real date'),
    evidence: z.string().trim().min(1, 'Describe the evidence of compliance, or why the body did not comply').max(20_000),
  });

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
    const status = input.complied === 'no' ? 'not-complied' : input.settledOn <= remedy.due_on ? 'complied-on-time' : 'complied-late';
    await settleRemedy(context.trx, remedyId, { status, settledOn: input.settledOn, at: context.now, evidence: input.evidence });
    const to = await verdictFor({ pendingRemediesAfter: await countPendingRemedies(context.trx, context.caseRow.id) });
    await context.record('compliance-recorded', { remedyId, kind: remedy.kind, status, settledOn: input.settledOn, dueOn: remedy.due_on }, input.evidence);
    await moveTo(context, to);
    if (to === 'closed') await notifyCaseParties(context.trx, context.caseRow, 'stage-changed', { stage: stageInPlainWords[to] }, context.now); // notification
    return status;
  });
}
