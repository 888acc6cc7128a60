import {
  caseForBody, enquiriesOnCaseForBody, findLinkOfficerDocument, linkOfficerDocumentsOnCase, openEnquiriesForBody, pendingRemediesForBody, remediesOnCaseForBody,
  remedyForBody, settledRemediesForBody,
} from '../../data/repositories/link-officers.ts';
import { addCalendarDays, londonDate } from '../../domain/london-time.ts';
import { normaliseReference } from '../../domain/references.ts';
import type { ServiceDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import type { SignedInLinkOfficer } from './sign-in.ts';

/** How long settled remedies stay on the home page's "recently settled" list. */
export const RECENTLY_SETTLED_DAYS = 90;

/** Where a date stands against today (London): for the tags beside every due date. */
export type DueState = 'overdue' | 'due-today' | 'not-yet-due';

export function dueState(dueOn: string, today: string): DueState {
  return today > dueOn ? 'overdue' : today === dueOn ? 'due-today' : 'not-yet-due';
}

/**
 * What the body has to do for us, for its link officer's home page: our enquiries waiting for its
 * answer and the remedies waiting for its confirmation, the soonest due first, and what it settled
 * recently. Only the officer's own body's work, and nothing about the complainant but the case reference.
 */
export async function bodyWorkList(deps: ServiceDeps, officer: SignedInLinkOfficer) {
  const today = londonDate(deps.clock.now());
  const [enquiries, remedies, settled] = await Promise.all([
    openEnquiriesForBody(deps.db, officer.bodyId),
    pendingRemediesForBody(deps.db, officer.bodyId),
    settledRemediesForBody(deps.db, officer.bodyId, addCalendarDays(today, -RECENTLY_SETTLED_DAYS)),
  ]);
  return {
    today,
    enquiries: enquiries.map((e) => ({ ...e, due: dueState(e.due_on, today) })),
    remedies: remedies.map((r) => ({ ...r, due: dueState(r.due_on, today) })),
    settled,
    recentlySettledDays: RECENTLY_SETTLED_DAYS,
  };
}

function caseReferenceOrNotFound(reference: string): string {
  const canonical = normaliseReference(reference);
  if (!canonical) throw notFound('Case');
  return canonical;
}

/**
 * One of the body's cases, as its link officer may see it: the reference, the complainant's name
 * (so the body can find its own records), where the case is, and our enquiries to the body, the
 * body's remedies and the documents its officers sent. Not the complaint, not contact details, not
 * other bodies' part. A case we have not raised with the body is not found.
 */
export async function getBodyCase(deps: ServiceDeps, officer: SignedInLinkOfficer, reference: string) {
  const c = await caseForBody(deps.db, caseReferenceOrNotFound(reference), officer.bodyId);
  if (!c) throw notFound('Case');
  const today = londonDate(deps.clock.now());
  const [enquiries, remedies, documents] = await Promise.all([
    enquiriesOnCaseForBody(deps.db, c.id, officer.bodyId),
    remediesOnCaseForBody(deps.db, c.id, officer.bodyId),
    linkOfficerDocumentsOnCase(deps.db, c.id, officer.bodyId),
  ]);
  return {
    c,
    enquiries: enquiries.map((e) => ({ ...e, due: e.responded_at ? undefined : dueState(e.due_on, today) })),
    remedies: remedies.map((r) => ({ ...r, due: r.status === 'pending' ? dueState(r.due_on, today) : undefined })),
    documents,
  };
}

/** One of the body's remedies, with where its due date stands. */
export async function getBodyRemedy(deps: ServiceDeps, officer: SignedInLinkOfficer, remedyId: number) {
  const remedy = await remedyForBody(deps.db, remedyId, officer.bodyId);
  if (!remedy) throw notFound('Remedy');
  const today = londonDate(deps.clock.now());
  return { remedy, today, due: remedy.status === 'pending' ? dueState(remedy.due_on, today) : undefined };
}

/** A document the body's own officers sent on one of its cases; anything else (another body's, quarantined) is not found. */
export async function getBodyDocument(deps: ServiceDeps, officer: SignedInLinkOfficer, reference: string, documentId: number) {
  const c = await caseForBody(deps.db, caseReferenceOrNotFound(reference), officer.bodyId);
  const document = c ? await findLinkOfficerDocument(deps.db, c.id, documentId, officer.bodyId) : undefined;
  if (!document) throw notFound('Document');
  return { document, content: await deps.files.get(document.storage_key) };
}
