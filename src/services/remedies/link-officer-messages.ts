import type { Db } from '../../data/repositories/cases.ts';
import { linkOfficersForRemedy } from '../../data/repositories/remedies.ts';
import { formatLondonDate, type IsoDate } from '../../domain/london-time.ts';
import { remedyKinds } from '../../domain/vocabulary.ts';
import type { LinkOfficerMessage } from '../../notify/templates.ts';
import { queueNotification } from '../notifications.ts';

export interface RemedyAbout {
  id: number;
  caseId: number;
  reference: string;
  kind: string;
  dueOn: IsoDate;
}

/**
 * Queues one email about a remedy to each active link officer of the bodies it concerns, in the
 * caller's transaction. The email names the remedy's kind, never its wording (which can be about
 * the complainant): the officer signs in to read it. Returns the notifications' ids; none when
 * no body has a link officer.
 */
export async function emailLinkOfficers(db: Db, remedy: RemedyAbout, message: LinkOfficerMessage, extra: Record<string, string>, at: Date): Promise<number[]> {
  const officers = await linkOfficersForRemedy(db, remedy.id);
  const ids: number[] = [];
  for (const officer of officers) {
    const id = await queueNotification(db, {
      caseId: remedy.caseId,
      personId: null,
      recipient: { channel: 'email', address: officer.email },
      template: message,
      personalisation: {
        name: officer.full_name,
        reference: remedy.reference,
        bodyName: officer.body_name,
        remedy: remedyKinds.label(remedy.kind).toLowerCase(),
        dueOn: formatLondonDate(remedy.dueOn),
        ...extra,
      },
      at,
    });
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
