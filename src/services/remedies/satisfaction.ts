import { z } from 'zod';
import { findCaseByReference, lockCaseByReference } from '../../data/repositories/cases.ts';
import { appendRemedyEvent, lockRemedy, setSatisfaction } from '../../data/repositories/remedies.ts';
import type { Actor } from '../../domain/case-lifecycle.ts';
import { normaliseReference } from '../../domain/references.ts';
import { canRecordSatisfaction, satisfactionOutcomes, satisfactionRoles, type Satisfaction } from '../../domain/remedies.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import type { ServiceDeps } from '../deps.ts';
import { parseOrThrow } from '../validation.ts';

export const satisfactionSchema = z.object({
  satisfaction: z.enum(Object.keys(satisfactionOutcomes) as [Satisfaction, ...Satisfaction[]], { message: 'Select whether the evidence of compliance satisfied us' }),
  note: z.string().trim().max(5_000, 'The note must be 5,000 characters or fewer').optional(),
});

/**
 * Who may judge a case's evidence: managers and the Ombudsman on any case, an investigator on the
 * cases they own (as with recording compliance). Checked before anything is read or validated.
 */
export async function assertMayRecordSatisfaction(deps: Pick<ServiceDeps, 'db'>, reference: string, actor: Actor): Promise<void> {
  if (!satisfactionRoles.some((role) => actor.roles.includes(role))) throw forbidden('Only investigators and managers can record whether the evidence satisfied us');
  const canonical = normaliseReference(reference);
  const caseRow = canonical ? await findCaseByReference(deps.db, canonical) : undefined;
  if (!caseRow) throw notFound('Case');
  const manager = actor.roles.includes('team-manager') || actor.roles.includes('ombudsman');
  if (!manager && caseRow.owner_id !== actor.id) throw forbidden('Only the case’s investigator or a manager can record whether the evidence satisfied us');
}

/**
 * Records whether the evidence that a remedy was carried out satisfied us. Allowed once the
 * body's compliance is recorded as done (on time or late), also after the case has closed; a
 * later judgement replaces an earlier one, and the timeline keeps both.
 */
export async function recordSatisfaction(deps: ServiceDeps, reference: string, actor: Actor, remedyId: number, raw: z.input<typeof satisfactionSchema>): Promise<Satisfaction> {
  await assertMayRecordSatisfaction(deps, reference, actor);
  const input = parseOrThrow(satisfactionSchema, raw);
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const caseRow = await lockCaseByReference(trx, normaliseReference(reference) as string);
    const remedy = await lockRemedy(trx, remedyId);
    if (!caseRow || !remedy || remedy.case_id !== caseRow.id) throw notFound('Remedy');
    if (!canRecordSatisfaction(remedy.status)) throw invalid({ satisfaction: 'Record that the body carried out the remedy before judging its evidence' });
    await setSatisfaction(trx, remedy.id, input.satisfaction, now);
    await appendRemedyEvent(trx, {
      caseId: caseRow.id, kind: 'remedy-satisfaction-recorded', occurredAt: now, actorId: actor.id,
      facts: { remedyId: remedy.id, kind: remedy.kind, satisfaction: input.satisfaction, previous: remedy.satisfaction },
      detail: input.note ? input.note : null,
    });
    return input.satisfaction;
  });
}
