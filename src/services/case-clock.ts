import { z } from 'zod';
import { closeClockStop, insertClockStop } from '../data/repositories/clock-and-joint.ts';
import { caseClockStops, openClockStop, updateCase } from '../data/repositories/cases.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import { assessmentDeadline, workingDaysStopped } from '../domain/deadlines.ts';
import { runCaseAction } from './case-action.ts';
import { parseOrThrow } from './validation.ts';
import type { ServiceDeps } from './deps.ts';

export const stopClockSchema = z.object({ reason: z.string().trim().min(1, 'Enter why the clock is being stopped').max(2_000) });

/** Stops the case's clock, e.g. while waiting for the complainant's consent. */
export async function stopClock(deps: ServiceDeps, reference: string, actor: Actor, raw: z.input<typeof stopClockSchema>) {
  const input = parseOrThrow(stopClockSchema, raw);
  return runCaseAction(deps, reference, actor, 'stop-clock', async (context) => {
    await insertClockStop(context.trx, context.caseRow.id, context.now, input.reason);
    await updateCase(context.trx, context.caseRow.id, { clock_stopped_at: context.now, clock_stop_reason_text: input.reason });
    await context.record('clock-stopped', { previousDueOn: context.caseRow.assessment_due_on }, input.reason);
  });
}

/** Restarts the clock; the deadline moves on by the working days it stood still. */
export async function restartClock(deps: ServiceDeps, reference: string, actor: Actor) {
  return runCaseAction(deps, reference, actor, 'restart-clock', async (context) => {
    const stop = await openClockStop(context.trx, context.caseRow.id);
    if (!stop) throw new Error(`Case ${context.caseRow.reference} is marked stopped but has no open clock stop`);
    const calendar = deps.calendar();
    const stoppedDays = workingDaysStopped({ stoppedAt: stop.stopped_at, restartedAt: context.now }, calendar);
    await closeClockStop(context.trx, stop.id, context.now, stoppedDays);
    const stops = (await caseClockStops(context.trx, context.caseRow.id)).map((s) => ({ stoppedAt: s.stopped_at, restartedAt: s.restarted_at }));
    const deadline = assessmentDeadline(context.caseRow.received_at, stops, calendar);
    await updateCase(context.trx, context.caseRow.id, { clock_stopped_at: null, clock_stop_reason_text: null, assessment_due_on: deadline.due });
    await context.record('clock-restarted', { workingDaysStopped: stoppedDays, dueOn: deadline.due });
  });
}
