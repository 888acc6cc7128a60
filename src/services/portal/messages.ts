import { z } from 'zod';
import { appendEvent, findCaseByReference, lockCaseByReference } from '../../data/repositories/cases.ts';
import { caseMessages, insertMessage, markMessagesRead } from '../../data/repositories/portal.ts';
import { insertComplainantMessageWithEvent } from '../../data/repositories/message-with-event.ts';
import type { Actor } from '../../domain/case-lifecycle.ts';
import { normaliseReference } from '../../domain/references.ts';
import type { Role } from '../../domain/vocabulary.ts';
import { queueNotification } from '../notifications.ts';
import { forbidden, notFound } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import type { ServiceDeps } from '../deps.ts';
import { findOwnCase } from './complaints.ts';

/**
 * One thread of messages per case between the complainant's side and the caseworkers. Every
 * message is also written to the case timeline, so the case record holds the whole conversation.
 */
export const MAX_COMPLAINANT_MESSAGE = 5_000;
export const MAX_STAFF_MESSAGE = 20_000;

export const complainantMessageSchema = z.object({
  message: z.string().trim().min(1, 'Enter your message').max(MAX_COMPLAINANT_MESSAGE, 'Your message must be 5,000 characters or fewer'),
});

export const staffMessageSchema = z.object({
  message: z.string().trim().min(1, 'Enter your reply').max(MAX_STAFF_MESSAGE, 'Your reply must be 20,000 characters or fewer'),
});

/** The complainant (or their representative) writes to us from the portal. */
export async function sendComplainantMessage(deps: ServiceDeps, email: string, reference: string, raw: { message: string }): Promise<number> {
  const own = await findOwnCase(deps, email, reference);
  const input = parseOrThrow(complainantMessageSchema, raw);
  return insertComplainantMessageWithEvent(deps.db, { caseId: own.id, fromPersonId: own.person_id, from: own.role, at: deps.clock.now(), text: input.message });
}

/** Staff who may write to complainants: everyone who works cases (not administrators alone). */
const caseworkerRoles: readonly Role[] = ['intake', 'assessor', 'investigator', 'team-manager', 'ombudsman'];

export function mayReply(actor: Actor): boolean {
  return actor.roles.some((role) => caseworkerRoles.includes(role));
}

async function caseByReference(deps: ServiceDeps, reference: string) {
  const canonical = normaliseReference(reference);
  const found = canonical ? await findCaseByReference(deps.db, canonical) : undefined;
  if (!found) throw notFound('Case');
  return found;
}

/** The thread as staff see it; opening it marks the complainant's messages as read. */
export async function staffThread(deps: ServiceDeps, reference: string, actor: Actor, options: { markRead?: boolean } = {}) {
  const c = await caseByReference(deps, reference);
  const messages = await caseMessages(deps.db, c.id);
  if (options.markRead !== false) await markMessagesRead(deps.db, c.id, 'staff', deps.clock.now());
  return {
    c,
    messages: messages.map((m) => ({
      ...m,
      fromUs: m.from_staff_id !== null,
      sender: m.from_staff_id !== null ? (m.from_staff_id === actor.id ? 'You' : (m.staff_name ?? 'Staff')) : (m.person_name ?? 'Complainant'),
      unread: m.from_person_id !== null && m.read_at === null,
    })),
    mayReply: mayReply(actor),
  };
}

/** A caseworker replies: the message, the timeline, and a 'new-message' email or text to the complainant (and representative). */
export async function replyAsStaff(deps: ServiceDeps, reference: string, actor: Actor, raw: { message: string }): Promise<number> {
  if (!mayReply(actor)) throw forbidden('Only caseworkers can send messages to complainants');
  const input = parseOrThrow(staffMessageSchema, raw);
  const canonical = normaliseReference(reference);
  if (!canonical) throw notFound('Case');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const c = await lockCaseByReference(trx, canonical);
    if (!c) throw notFound('Case');
    const messageId = await insertMessage(trx, { caseId: c.id, fromStaffId: actor.id, at: now, text: input.message });
    await appendEvent(trx, { caseId: c.id, kind: 'message-sent', occurredAt: now, actorId: actor.id, facts: { messageId }, detail: input.message });
    for (const personId of [c.complainant_id, c.representative_id]) {
      if (personId === null) continue;
      await queueNotification(trx, { caseId: c.id, personId, template: 'new-message', personalisation: { reference: c.reference }, at: now });
    }
    return messageId;
  });
}
