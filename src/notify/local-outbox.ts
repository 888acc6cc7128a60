import type { Kysely } from 'kysely';
import type { Database } from '../data/schema.ts';
import type { Notifier } from './notifier.ts';
import { isNotificationTemplate, placeholdersOf, renderLocally } from './templates.ts';
import { notificationTemplates, type OutgoingNotification } from './notifier.ts';

/** A message without a value for one of its template's placeholders: GOV.UK Notify refuses these too (400). */
export class MissingPersonalisationError extends Error {
  readonly retryable = false;
  constructor(missing: string[]) {
    super(`Missing personalisation: ${missing.join(', ')}`);
    this.name = 'MissingPersonalisationError';
  }
}

/**
 * The development adapter: sends nothing. The message is already stored in `notifications` (with
 * its personalisation); marking it sent is enough for staff to read it at /staff/outbox. Like
 * Notify, it refuses a message whose personalisation lacks one of the template's placeholders.
 */
export function localOutbox(): Notifier {
  return {
    name: 'local-outbox',
    async send(notification: OutgoingNotification) {
      const missing = placeholdersOf(notification.template).filter((key) => !Object.hasOwn(notification.personalisation, key));
      if (missing.length > 0) throw new MissingPersonalisationError(missing);
      return { providerReference: null };
    },
  };
}

export const OUTBOX_PAGE_SIZE = 25;

/**
 * One page of the outbox, newest first, with each message rendered locally. Keyset by id: the next
 * page is the messages with ids below the last one shown.
 */
export async function readOutbox(db: Kysely<Database>, before: number | undefined, pageSize = OUTBOX_PAGE_SIZE) {
  let query = db
    .selectFrom('notifications as n')
    .leftJoin('cases as c', 'c.id', 'n.case_id')
    .select(['n.id', 'n.channel', 'n.recipient', 'n.template', 'n.personalisation', 'n.status', 'n.attempts', 'n.last_error', 'n.created_at', 'n.sent_at', 'n.provider_reference', 'c.reference as case_reference'])
    .orderBy('n.id', 'desc')
    .limit(pageSize + 1);
  if (before !== undefined) query = query.where('n.id', '<', before);
  const rows = await query.execute();
  const page = rows.slice(0, pageSize);
  const messages = page.map((row) => {
    const personalisation = Object.fromEntries(Object.entries(row.personalisation ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
    const rendered = isNotificationTemplate(row.template) ? renderLocally(row.template, personalisation) : { subject: row.template, body: '' };
    return {
      ...row,
      templateTitle: isNotificationTemplate(row.template) ? notificationTemplates[row.template] : row.template,
      subject: rendered.subject,
      paragraphs: rendered.body.split(/\n{2,}/).filter((p) => p.trim() !== ''),
    };
  });
  const last = page.at(-1);
  return { messages, next: rows.length > pageSize && last ? last.id : undefined };
}
