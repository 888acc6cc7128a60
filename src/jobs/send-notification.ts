import { sql, type Kysely } from 'kysely';
import type { CaseRow, Database } from '../data/schema.ts';
import type { Db } from '../data/repositories/cases.ts';
import type { Clock } from '../services/clock.ts';
import { queueNotification } from '../services/notifications.ts';
import type { NotificationTemplate, Notifier } from '../notify/notifier.ts';
import { isNotificationTemplate } from '../notify/templates.ts';
import { PermanentJobError, type JobHandler } from './worker.ts';

export const SEND_NOTIFICATION = 'send-notification';

const MAX_ERROR_LENGTH = 2_000;

/** A notifier's error says whether trying again can help (see NotifyRequestError); unknown errors may. */
function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * The 'send-notification' job: hands one stored notification to the notifier and marks it sent
 * (status, sent_at, provider reference). Renders nothing: Notify renders its templates, and the
 * local outbox page renders from the stored personalisation. A message marked sent is never sent
 * again; a failure is recorded on the message and rethrown so the job is tried again, and the
 * message is marked failed when the job gives up.
 */
export function sendNotificationJob(deps: { db: Kysely<Database>; clock: Clock }, notifier: Notifier): JobHandler {
  return async (job, context) => {
    const id = Number(job.payload.notificationId);
    if (!Number.isInteger(id)) throw new PermanentJobError('The job names no notification');
    const row = await deps.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new PermanentJobError(`Notification ${id} does not exist`);
    if (row.status !== 'queued') {
      context.log.info({ notificationId: id, status: row.status }, 'notification already dealt with; not sending it again');
      return;
    }
    const template = row.template;
    if (!isNotificationTemplate(template)) {
      await recordFailure(deps.db, id, `Redress has no message called "${template}"`, true);
      throw new PermanentJobError(`Notification ${id} names an unknown template`);
    }
    await deps.db.updateTable('notifications').set({ attempts: sql`attempts + 1` }).where('id', '=', id).where('status', '=', 'queued').execute();

    let providerReference: string | null;
    try {
      const personalisation = Object.fromEntries(Object.entries(row.personalisation ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
      ({ providerReference } = await notifier.send({ id, channel: row.channel, recipient: row.recipient, template, personalisation }));
    } catch (error) {
      const permanent = isPermanent(error);
      await recordFailure(deps.db, id, errorText(error), permanent || context.lastAttempt);
      throw permanent ? new PermanentJobError(errorText(error), { cause: error }) : error;
    }
    await deps.db
      .updateTable('notifications')
      .set({ status: 'sent', sent_at: deps.clock.now(), provider_reference: providerReference, last_error: null })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
    context.log.info({ notificationId: id, notifier: notifier.name }, 'notification sent');
  };
}

async function recordFailure(db: Db, id: number, message: string, final: boolean): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ last_error: message, ...(final ? { status: 'failed' as const } : {}) })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

/**
 * Queues one message about a case for its complainant and, when there is one, their
 * representative, each addressed by name and given the case reference. Call it inside the case
 * action's transaction. People with no email address or mobile number are skipped. Returns the
 * notifications' ids.
 */
export async function notifyCaseParties(
  db: Db,
  caseRow: Pick<CaseRow, 'id' | 'reference' | 'complainant_id' | 'representative_id'>,
  template: NotificationTemplate,
  personalisation: Record<string, string>,
  at: Date,
): Promise<number[]> {
  const personIds = [caseRow.complainant_id, caseRow.representative_id].filter((p): p is number => p !== null);
  if (personIds.length === 0) return [];
  const people = await db.selectFrom('people').select(['id', 'full_name']).where('id', 'in', personIds).execute();
  const ids: number[] = [];
  for (const personId of personIds) {
    const name = people.find((p) => p.id === personId)?.full_name ?? '';
    const id = await queueNotification(db, { caseId: caseRow.id, personId, template, personalisation: { name, reference: caseRow.reference, ...personalisation }, at });
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
