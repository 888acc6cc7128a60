import type { Actor } from '../domain/case-lifecycle.ts';
import { findStaffUserById } from '../data/repositories/staff-users.ts';
import { invalid } from './errors.ts';
import { moveTo, runCaseAction } from './case-action.ts';
import type { ServiceDeps } from './deps.ts';
import { notifyCaseParties } from '../jobs/send-notification.ts';
import { stageInPlainWords } from '../notify/templates.ts';

/** A team manager allocates (or reallocates) a case to a named investigator. */
export async function allocateCase(deps: ServiceDeps, reference: string, actor: Actor, investigatorId: number) {
  return runCaseAction(deps, reference, actor, 'allocate', async (context, verdictFor) => {
    const investigator = Number.isInteger(investigatorId) ? await findStaffUserById(context.trx, investigatorId) : undefined;
    if (!investigator || !investigator.active || !investigator.roles.includes('investigator')) {
      throw invalid({ investigatorId: 'Select an investigator' });
    }
    const to = await verdictFor();
    const first = context.caseRow.allocated_at === null;
    await moveTo(context, to, { owner_id: investigator.id, ...(first ? { allocated_at: context.now } : {}) });
    await context.record('allocated', { investigatorId: investigator.id, investigatorName: investigator.display_name, reallocation: !first });
    if (first) await notifyCaseParties(context.trx, context.caseRow, 'stage-changed', { stage: stageInPlainWords[to] }, context.now); // notification
  });
}
