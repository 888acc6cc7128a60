import { activeLinkOfficersOfBody } from '../../data/repositories/link-officers.ts';
import type { Db } from '../../data/repositories/cases.ts';
import { formatLondonDate } from '../../domain/london-time.ts';
import type { LinkOfficerMessage } from '../../notify/templates.ts';
import { queueNotification } from '../notifications.ts';

const ENQUIRY_SENT: LinkOfficerMessage = 'enquiry-sent-to-body';

/**
 * Tells every active link officer of a body that we have sent it an enquiry, so nobody has to
 * watch the service for new work. Call it inside the transaction that records the enquiry, so the
 * messages are queued exactly when the enquiry exists. The email says only the case reference, the
 * body and the due date: the question itself is read after signing in. Returns the messages' ids
 * (none when the body has no active link officer yet).
 */
export async function notifyLinkOfficersOfEnquiry(
  db: Db,
  enquiry: { caseId: number; reference: string; bodyId: number; bodyName: string; dueOn: string; at: Date },
): Promise<number[]> {
  const officers = await activeLinkOfficersOfBody(db, enquiry.bodyId);
  const ids: number[] = [];
  for (const officer of officers) {
    const id = await queueNotification(db, {
      caseId: enquiry.caseId,
      personId: null,
      recipient: { channel: 'email', address: officer.email },
      template: ENQUIRY_SENT,
      personalisation: { reference: enquiry.reference, bodyName: enquiry.bodyName, dueOn: formatLondonDate(enquiry.dueOn) },
      at: enquiry.at,
    });
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
