import type { Transaction } from 'kysely';
import { z } from 'zod';
import {
  addCaseBodies,
  appendEvent,
  insertCase,
  insertContact,
  insertPerson,
  takeReferenceSequence,
} from '../data/repositories/cases.ts';
import { assessmentDeadline } from '../domain/deadlines.ts';
import { formatLondonDate, londonDate } from '../domain/london-time.ts';
import { formatReference } from '../domain/references.ts';
import { isCategory } from '../domain/categories.ts';
import { channels, contactOutcomes, jurisdictions } from '../domain/vocabulary.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import { forbidden, invalid } from './errors.ts';
import { parseOrThrow } from './validation.ts';
import { notifyCaseParties } from '../jobs/send-notification.ts';
import type { ServiceDeps } from './deps.ts';
import type { Database } from '../data/schema.ts';

const personSchema = z.object({
  fullName: z.string().trim().min(1, 'Enter the complainant’s full name').max(200, 'Name must be 200 characters or fewer'),
  email: z.string().trim().max(320).email('Enter an email address in the correct format, like name@example.com').nullish(),
  phone: z.string().trim().max(40, 'Phone number must be 40 characters or fewer').nullish(),
  address: z.string().trim().max(500, 'Address must be 500 characters or fewer').nullish(),
});

export const registerContactSchema = z
  .object({
    channel: z.enum(channels.values as [string, ...string[]], { message: 'Select how the contact arrived' }),
    receivedAt: z.date({ message: 'Enter when the contact arrived' }),
    complainant: personSchema,
    representative: personSchema.nullish(),
    bodyIds: z.array(z.number().int().positive().max(2_147_483_647)).min(1, 'Select the council or care provider the complaint is about'),
    summary: z.string().trim().min(1, 'Enter a summary of the contact').max(10_000, 'Summary must be 10,000 characters or fewer'),
    outcome: z.enum(contactOutcomes.values as [string, ...string[]], { message: 'Select what happened to the contact' }),
    category: z.string().optional(),
    subcategory: z.string().optional(),
    jurisdiction: z.string().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.outcome !== 'case-created') return;
    if (!input.category || !input.subcategory || !isCategory(input.category, input.subcategory)) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'Select the category of the complaint' });
    }
    if (!jurisdictions.has(input.jurisdiction)) {
      ctx.addIssue({ code: 'custom', path: ['jurisdiction'], message: 'Select the jurisdiction' });
    }
  });
export type RegisterContactInput = z.input<typeof registerContactSchema>;

// References carry two digits of the year, so one century only; and deadlines need the holiday calendar.
const EARLIEST_RECEIPT = new Date('2000-01-01T00:00:00Z');

const intakeRoles = ['intake', 'assessor', 'team-manager', 'ombudsman'] as const;

/**
 * Registers a contact as it arrived, and either records how it was dealt with (advice,
 * signposting, premature) or registers it as a complaint case with a new reference.
 */
export async function registerContact(deps: ServiceDeps, actor: Actor, raw: RegisterContactInput) {
  if (!actor.roles.some((role) => (intakeRoles as readonly string[]).includes(role))) throw forbidden();
  return recordContact(deps, raw, actor.id);
}

/** What `recordContact` gives to the complainant it records (the online form asks for these). */
export interface ContactExtras {
  adjustments?: string | null;
  contactPreference?: 'email' | 'sms' | 'post';
}

/** The case a contact was registered as, with the people recorded for it. */
export interface RegisteredCase {
  id: number;
  reference: string;
  receivedAt: Date;
  complainantId: number;
  representativeId: number | null;
}

/** A contact checked and ready to record, with its case's reference number already taken. */
export interface PreparedContact {
  input: z.output<typeof registerContactSchema>;
  /** When it was prepared: the contact's "dealt with" and the case's "registered" time. */
  now: Date;
  year: number;
  /** The case's number in `year`; null when the contact is not registered as a case. */
  sequence: number | null;
}

/**
 * Checks a contact and takes its case's reference number, outside any transaction the caller is
 * about to open: the number comes from a short transaction of its own (`takeReferenceSequence`),
 * which must not be held open for the whole registration. A contact that is then not recorded
 * (its transaction fails, or the caller finds it was a duplicate) leaves a gap in the year's
 * numbers, which nothing relies on.
 */
export async function prepareContact(deps: ServiceDeps, raw: RegisterContactInput): Promise<PreparedContact> {
  const input = parseOrThrow(registerContactSchema, raw);
  const now = deps.clock.now();
  if (input.receivedAt.getTime() > now.getTime() + 60_000) {
    throw invalid({ receivedAt: 'The date the contact arrived must be today or in the past' });
  }
  if (input.receivedAt < EARLIEST_RECEIPT) {
    throw invalid({ receivedAt: 'The date the contact arrived must be on or after 1 January 2000' });
  }
  // Checked before a reference number is taken, so a wrong body uses none (the foreign key still
  // refuses a body deleted in between).
  const known = await deps.db.selectFrom('bodies').select('id').where('id', 'in', input.bodyIds).execute();
  if (known.length !== new Set(input.bodyIds).size) throw invalid({ bodyIds: 'Select the council or care provider the complaint is about' });
  const year = Number(londonDate(input.receivedAt).slice(0, 4));
  const sequence = input.outcome === 'case-created' ? await takeReferenceSequence(deps.db, year) : null;
  return { input, now, year, sequence };
}

/**
 * Records a prepared contact and, when it is a complaint, registers its case, inside the caller's
 * transaction, so that the caller's own change (the online form's claim on its draft) commits
 * with it or not at all.
 */
export async function recordContactIn(
  trx: Transaction<Database>, deps: Pick<ServiceDeps, 'calendar'>, prepared: PreparedContact, recordedBy: number | null, extra: ContactExtras = {},
): Promise<{ contactId: number; reference: string | null; case: RegisteredCase | null }> {
  const { input, now, year, sequence } = prepared;
  const complainantId = await insertPerson(trx, { ...input.complainant, adjustments: extra.adjustments ?? null, contactPreference: extra.contactPreference ?? 'email' });
  const representativeId = input.representative ? await insertPerson(trx, input.representative) : null;
  const contactId = await insertContact(trx, {
    channel: input.channel,
    receivedAt: input.receivedAt,
    dealtWithAt: now,
    outcome: input.outcome,
    personId: complainantId,
    bodyId: input.bodyIds[0] ?? null,
    summary: input.summary,
    recordedBy,
  });
  if (sequence === null) return { contactId, reference: null, case: null };

  const reference = formatReference(year, sequence);
  const due = assessmentDeadline(input.receivedAt, [], deps.calendar());
  const caseId = await insertCase(trx, {
    reference,
    contact_id: contactId,
    received_at: input.receivedAt,
    registered_at: now,
    complainant_id: complainantId,
    representative_id: representativeId,
    category: input.category as string,
    subcategory: input.subcategory as string,
    jurisdiction: input.jurisdiction as string,
    stage: 'assessment',
    team: 'assessment',
    assessment_due_on: due.due,
    summary_text: input.summary,
  });
  await addCaseBodies(trx, caseId, input.bodyIds);
  await appendEvent(trx, {
    caseId,
    kind: 'case-registered',
    occurredAt: now,
    actorId: recordedBy,
    facts: { channel: input.channel, receivedAt: input.receivedAt.toISOString(), category: input.category, subcategory: input.subcategory, jurisdiction: input.jurisdiction, bodyIds: input.bodyIds },
    detail: input.summary,
  });
  // Notification: the complainant (and representative) hear the complaint is registered, if they gave an email address or
  // mobile number. Complaints made online (recordedBy null) are acknowledged to whoever filled in the form (complain/drafts.ts).
  if (recordedBy !== null) await notifyCaseParties(trx, { id: caseId, reference, complainant_id: complainantId, representative_id: representativeId }, 'case-received', { respondBy: due.due ? formatLondonDate(due.due) : '' }, now);
  return {
    contactId,
    reference,
    case: { id: caseId, reference, receivedAt: input.receivedAt, complainantId, representativeId },
  };
}

/**
 * Records a contact and, when it is a complaint, registers its case: the path shared by staff
 * intake (`recordedBy` the officer) and the online complaint form (`recordedBy` null).
 */
export async function recordContact(deps: ServiceDeps, raw: RegisterContactInput, recordedBy: number | null, extra: ContactExtras = {}) {
  const prepared = await prepareContact(deps, raw);
  return deps.db.transaction().execute((trx) => recordContactIn(trx, deps, prepared, recordedBy, extra));
}
