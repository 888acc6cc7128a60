import type { Db } from '../data/repositories/cases.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { NotificationTemplate } from '../notify/notifier.ts';

export interface NotificationRequest {
  caseId: number | null;
  personId: number | null;
  /** Where to send it; when absent, the person's email or phone by their stated preference. */
  recipient?: { channel: 'email' | 'sms'; address: string };
  template: NotificationTemplate;
  personalisation: Record<string, string>;
  at: Date;
}

/**
 * Records a notification and queues its sending, in the caller's transaction: a message is never
 * lost, and sending (with retries) never blocks or fails the request that caused it.
 * Returns undefined when the person has no way to be reached by email or text.
 */
export async function queueNotification(db: Db, request: NotificationRequest): Promise<number | undefined> {
  let recipient = request.recipient;
  if (!recipient && request.personId !== null) {
    const person = await db.selectFrom('people').select(['email', 'phone', 'contact_preference']).where('id', '=', request.personId).executeTakeFirst();
    if (person?.contact_preference === 'sms' && person.phone) recipient = { channel: 'sms', address: person.phone };
    else if (person?.email) recipient = { channel: 'email', address: person.email };
  }
  if (!recipient) return undefined;
  const row = await db
    .insertInto('notifications')
    .values({
      case_id: request.caseId,
      person_id: request.personId,
      channel: recipient.channel,
      recipient: recipient.address,
      template: request.template,
      personalisation: JSON.stringify(request.personalisation),
      created_at: request.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueueJob(db, 'send-notification', { notificationId: row.id }, request.at);
  return row.id;
}
