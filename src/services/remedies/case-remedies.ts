import { caseRemedies, findCaseByReference } from '../../data/repositories/cases.ts';
import { caseRemedyFollowUp } from '../../data/repositories/remedies.ts';
import { availableActions, type Actor, type Stage } from '../../domain/case-lifecycle.ts';
import { londonDate } from '../../domain/london-time.ts';
import { normaliseReference } from '../../domain/references.ts';
import {
  canRecordSatisfaction,
  daysOverdue,
  delayedDueDateRoles,
  isPastDelayedDueDate,
  reminderDue,
  reminderPlan,
  satisfactionRoles,
} from '../../domain/remedies.ts';
import { notFound } from '../errors.ts';
import type { ServiceDeps } from '../deps.ts';

const datesOf = (remedy: { due_on: string; status: string }) => ({ dueOn: remedy.due_on, status: remedy.status });

/**
 * A case's remedies after the decision: for each, its status, the reminders sent and the next one
 * planned, the bodies it concerns and whether they have a link officer, whether it is delayed,
 * and what this person may do (record satisfaction, set a delayed due date).
 */
export async function caseRemedyPage(deps: ServiceDeps, reference: string, actor: Actor) {
  const canonical = normaliseReference(reference);
  const caseRow = canonical ? await findCaseByReference(deps.db, canonical) : undefined;
  if (!caseRow) throw notFound('Case');
  const [remedies, followUp] = await Promise.all([caseRemedies(deps.db, caseRow.id), caseRemedyFollowUp(deps.db, caseRow.id)]);
  const calendar = deps.calendar();
  const today = londonDate(deps.clock.now());
  const manager = actor.roles.includes('team-manager') || actor.roles.includes('ombudsman');
  const mayJudge = satisfactionRoles.some((role) => actor.roles.includes(role)) && (manager || caseRow.owner_id === actor.id);
  const maySetDelayedDueDate = delayedDueDateRoles.some((role) => actor.roles.includes(role));
  const lifecycle = { stage: caseRow.stage as Stage, ownerId: caseRow.owner_id, clockStopped: caseRow.clock_stopped_at !== null, joint: caseRow.joint, pendingRemedies: remedies.filter((r) => r.status === 'pending').length };
  return {
    caseRow,
    today,
    mayRecordCompliance: availableActions(lifecycle, actor).includes('record-compliance'),
    remedies: remedies.map((remedy) => {
      const reminders = followUp.reminders.filter((r) => r.remedy_id === remedy.id);
      const bodies = followUp.bodies.filter((b) => b.remedy_id === remedy.id);
      const sent = reminders.map((r) => ({ kind: r.kind, on: londonDate(r.sent_at) }));
      const pending = remedy.status === 'pending';
      // The next reminder: today's if it has not gone yet (it goes at the next run), else the first planned after today.
      const dueToday = pending && reminderDue(datesOf(remedy), sent, today, calendar);
      const nextPlanned = pending ? reminderPlan(remedy.due_on, today, calendar).find((r) => r.on > today && !sent.some((s) => s.kind === r.kind)) : undefined;
      return {
        ...remedy,
        reminders,
        bodies,
        noLinkOfficer: bodies.every((b) => Number(b.link_officers) === 0),
        nextReminder: dueToday ? { kind: dueToday.kind, on: today } : nextPlanned,
        daysOverdue: daysOverdue(datesOf(remedy), today),
        delayed: remedy.delayed_at !== null,
        pastDelayedDueDate: isPastDelayedDueDate({ ...datesOf(remedy), delayedDueOn: remedy.delayed_due_on }, today),
        mayRecordSatisfaction: mayJudge && canRecordSatisfaction(remedy.status),
        maySetDelayedDueDate: maySetDelayedDueDate && pending && remedy.delayed_at !== null,
      };
    }),
  };
}
export type CaseRemedyPage = Awaited<ReturnType<typeof caseRemedyPage>>;

