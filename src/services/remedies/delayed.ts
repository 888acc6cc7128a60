import { z } from 'zod';
import { lockCaseByReference } from '../../data/repositories/cases.ts';
import { appendRemedyEvent, claimReminder, findRemedyWithCase, linkOfficersForRemedy, lockRemedy, markRemedyDelayed, remediesToDelay, setDelayedDueOn } from '../../data/repositories/remedies.ts';
import type { Actor } from '../../domain/case-lifecycle.ts';
import { addCalendarDays, formatLondonDate, isValidIsoDate, londonDate, type IsoDate } from '../../domain/london-time.ts';
import { addCalendarMonths, DELAYED_AFTER_MONTHS, defaultDelayedDueOn, delayedDueDateRoles, shouldBecomeDelayed } from '../../domain/remedies.ts';
import { forbidden, illegal, notFound } from '../errors.ts';
import type { ServiceDeps } from '../deps.ts';
import { parseOrThrow } from '../validation.ts';
import { emailLinkOfficers } from './link-officer-messages.ts';

export interface RemedyDelayed {
  remedyId: number;
  reference: string;
  delayedDueOn: IsoDate;
}

/**
 * Marks every remedy still outstanding DELAYED_AFTER_MONTHS after its due date as a delayed
 * remedy, with a due date of its own (`defaultDelayedDueOn`); records it on the case timeline and
 * tells the bodies' link officers (once: the 'delayed' row in remedy_reminders). Safe to run twice.
 * Call it in working hours: the emails are queued to go now.
 */
export async function markDelayedRemedies(deps: Pick<ServiceDeps, 'db' | 'calendar'>, now: Date): Promise<RemedyDelayed[]> {
  const calendar = deps.calendar();
  const today = londonDate(now);
  // A few days' margin for month ends (29 February 2024 is delayed on 28 February 2025); the domain decides.
  const candidates = await remediesToDelay(deps.db, addCalendarDays(addCalendarMonths(today, -DELAYED_AFTER_MONTHS), 3));
  const delayed: RemedyDelayed[] = [];
  for (const candidate of candidates) {
    if (!shouldBecomeDelayed({ dueOn: candidate.due_on, status: 'pending', delayed: false }, today)) continue;
    const result = await deps.db.transaction().execute(async (trx) => {
      const remedy = await lockRemedy(trx, candidate.id);
      if (!remedy || !shouldBecomeDelayed({ dueOn: remedy.due_on, status: remedy.status, delayed: remedy.delayed_at !== null }, today)) return undefined;
      const delayedDueOn = defaultDelayedDueOn(today, calendar);
      await markRemedyDelayed(trx, remedy.id, now, delayedDueOn);
      await appendRemedyEvent(trx, {
        caseId: remedy.case_id, kind: 'remedy-delayed', occurredAt: now, actorId: null,
        facts: { remedyId: remedy.id, kind: remedy.kind, originalDueOn: remedy.due_on, dueOn: delayedDueOn },
      });
      const withCase = await findRemedyWithCase(trx, remedy.id);
      const reference = withCase?.reference ?? '';
      // With no link officer nobody is told; the chasing reminders go once one is added.
      if ((await linkOfficersForRemedy(trx, remedy.id)).length > 0 && (await claimReminder(trx, remedy.id, 'delayed', now))) {
        await emailLinkOfficers(trx, { id: remedy.id, caseId: remedy.case_id, reference, kind: remedy.kind, dueOn: remedy.due_on }, 'remedy-delayed', { delayedDueOn: formatLondonDate(delayedDueOn) }, now);
      }
      return { remedyId: remedy.id, reference, delayedDueOn };
    });
    if (result) delayed.push(result);
  }
  return delayed;
}

/** The form's rules; `today` because the new date must be in the future. */
export function delayedDueDateSchema(today: IsoDate) {
  return z.object({
    dueOn: z.string().refine(isValidIsoDate, 'Enter the new due date as a real date').refine((date) => date > today, 'The new due date must be in the future'),
    reason: z.string().trim().min(1, 'Explain why the due date is changing').max(5_000, 'The reason must be 5,000 characters or fewer'),
  });
}
export type DelayedDueDateInput = z.input<ReturnType<typeof delayedDueDateSchema>>;

/**
 * A manager sets a delayed remedy's own due date (it starts DELAYED_REMEDY_MONTHS_TO_COMPLY after
 * the remedy became delayed). Recorded on the case timeline with the reason.
 */
export async function setDelayedRemedyDueDate(deps: ServiceDeps, remedyId: number, actor: Actor, raw: DelayedDueDateInput): Promise<{ reference: string; dueOn: IsoDate }> {
  if (!delayedDueDateRoles.some((role) => actor.roles.includes(role))) throw forbidden('Only a team manager or the Ombudsman can set a delayed remedy’s due date');
  const found = await findRemedyWithCase(deps.db, remedyId);
  if (!found) throw notFound('Remedy');
  const input = parseOrThrow(delayedDueDateSchema(londonDate(deps.clock.now())), raw);
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const caseRow = await lockCaseByReference(trx, found.reference);
    const remedy = await lockRemedy(trx, remedyId);
    if (!caseRow || !remedy) throw notFound('Remedy');
    if (remedy.status !== 'pending') throw illegal('This remedy has been settled: it no longer has a due date to change');
    if (remedy.delayed_at === null) throw illegal('Only a delayed remedy has a due date of its own');
    await setDelayedDueOn(trx, remedy.id, input.dueOn);
    await appendRemedyEvent(trx, {
      caseId: remedy.case_id, kind: 'remedy-delayed-due-date-set', occurredAt: now, actorId: actor.id,
      facts: { remedyId: remedy.id, kind: remedy.kind, dueOn: input.dueOn, previousDueOn: remedy.delayed_due_on },
      detail: input.reason,
    });
    return { reference: caseRow.reference, dueOn: input.dueOn };
  });
}
