import { appendRemedyEvent, claimReminder, linkOfficersForRemedy, lockRemedy, outstandingRemediesDueBy, remindersSent } from '../../data/repositories/remedies.ts';
import { addCalendarDays, londonDate } from '../../domain/london-time.ts';
import { daysOverdue, reminderDue, type ReminderKind, type SentReminder } from '../../domain/remedies.ts';
import type { LinkOfficerMessage } from '../../notify/templates.ts';
import type { ServiceDeps } from '../deps.ts';
import { emailLinkOfficers } from './link-officer-messages.ts';

/** Five working days never span more than this many calendar days (Christmas and New Year included). */
const DUE_SOON_LOOKAHEAD_DAYS = 21;

function messageFor(kind: ReminderKind): LinkOfficerMessage {
  if (kind === 'due-soon') return 'remedy-due-soon';
  return kind === 'overdue' ? 'remedy-overdue' : 'remedy-still-overdue';
}

export interface ReminderSent {
  remedyId: number;
  reference: string;
  kind: ReminderKind;
  recipients: number;
}

/**
 * Sends today's reminders about outstanding remedies to the link officers of the bodies they
 * concern (the schedule is `reminderDue` in domain/remedies.ts). Each kind goes once per remedy:
 * the remedy is locked and the reminder recorded in `remedy_reminders` in the same transaction as
 * the emails are queued, so two runs at once still send one. A remedy whose bodies have no active
 * link officer is not reminded (and nothing is recorded, so the reminder goes once one is added);
 * staff see it on the overdue list. Call it in working hours: the emails are queued to go now.
 */
export async function sendRemedyReminders(deps: Pick<ServiceDeps, 'db' | 'calendar'>, now: Date): Promise<ReminderSent[]> {
  const calendar = deps.calendar();
  const today = londonDate(now);
  const candidates = await outstandingRemediesDueBy(deps.db, addCalendarDays(today, DUE_SOON_LOOKAHEAD_DAYS));
  const sentByRemedy = new Map<number, SentReminder[]>();
  for (const row of await remindersSent(deps.db, candidates.map((c) => c.id))) {
    const list = sentByRemedy.get(row.remedy_id) ?? [];
    list.push({ kind: row.kind, on: londonDate(row.sent_at) });
    sentByRemedy.set(row.remedy_id, list);
  }

  const sent: ReminderSent[] = [];
  for (const candidate of candidates) {
    const due = reminderDue({ dueOn: candidate.due_on, status: candidate.status }, sentByRemedy.get(candidate.id) ?? [], today, calendar);
    if (!due) continue;
    if ((await linkOfficersForRemedy(deps.db, candidate.id)).length === 0) continue;
    const result = await deps.db.transaction().execute(async (trx) => {
      const remedy = await lockRemedy(trx, candidate.id);
      if (remedy?.status !== 'pending') return undefined; // settled since the list was read
      if (!(await claimReminder(trx, remedy.id, due.kind, now))) return undefined;
      const about = { id: remedy.id, caseId: remedy.case_id, reference: candidate.reference, kind: remedy.kind, dueOn: remedy.due_on };
      const extra: Record<string, string> = due.kind.startsWith('chase-') ? { daysOverdue: String(daysOverdue({ dueOn: remedy.due_on, status: remedy.status }, today)) } : {};
      const ids = await emailLinkOfficers(trx, about, messageFor(due.kind), extra, now);
      await appendRemedyEvent(trx, {
        caseId: remedy.case_id, kind: 'remedy-reminder-sent', occurredAt: now, actorId: null,
        facts: { remedyId: remedy.id, kind: remedy.kind, reminder: due.kind, dueOn: remedy.due_on, recipients: ids.length },
      });
      return { remedyId: remedy.id, reference: candidate.reference, kind: due.kind, recipients: ids.length };
    });
    if (result) sent.push(result);
  }
  return sent;
}
