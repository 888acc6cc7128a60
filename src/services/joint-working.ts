import { z } from 'zod';
import { endJointWorking as saveEnd, startJointWorking as saveStart } from '../data/repositories/clock-and-joint.ts';
import { updateCase } from '../data/repositories/cases.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import { invalid } from './errors.ts';
import { runCaseAction } from './case-action.ts';
import { parseOrThrow } from './validation.ts';
import type { ServiceDeps } from './deps.ts';

export const startJointSchema = z.object({
  consentToJoint: z.literal('yes', { message: 'Confirm the complainant consented to joint consideration' }),
  consentToShare: z.literal('yes', { message: 'Confirm the complainant consented to sharing information with the health ombudsman' }),
  consentGivenOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date consent was given'),
});

/** Marks a case joint with the health ombudsman: it moves to the joint working team's queue. */
export async function startJointWorking(deps: ServiceDeps, reference: string, actor: Actor, raw: z.input<typeof startJointSchema>) {
  const input = parseOrThrow(startJointSchema, raw);
  return runCaseAction(deps, reference, actor, 'start-joint-working', async (context) => {
    const consentAt = new Date(`${input.consentGivenOn}T12:00:00Z`);
    if (consentAt.getTime() > context.now.getTime() + 86_400_000) throw invalid({ consentGivenOn: 'The date consent was given must be today or in the past' });
    await saveStart(context.trx, context.caseRow.id, { consentToJointAt: consentAt, consentToShareAt: consentAt, at: context.now });
    await updateCase(context.trx, context.caseRow.id, { joint: true, team: 'joint' });
    await context.record('joint-working-started', { consentGivenOn: input.consentGivenOn, previousTeam: context.caseRow.team });
  });
}

export const endJointSchema = z.object({ reason: z.string().trim().min(1, 'Enter why joint working is ending').max(2_000) });

export async function endJointWorking(deps: ServiceDeps, reference: string, actor: Actor, raw: z.input<typeof endJointSchema>) {
  const input = parseOrThrow(endJointSchema, raw);
  return runCaseAction(deps, reference, actor, 'end-joint-working', async (context) => {
    await saveEnd(context.trx, context.caseRow.id, context.now, input.reason);
    const team = context.caseRow.stage === 'assessment' ? 'assessment' : 'investigation';
    await updateCase(context.trx, context.caseRow.id, { joint: false, team });
    await context.record('joint-working-ended', { team }, input.reason);
  });
}
