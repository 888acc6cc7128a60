import { publicationEventLabels } from './publication.ts';
import { remedyEventLabels } from './remedies.ts';

/**
 * The closed vocabulary of the case timeline. Every change to a case appends one of these;
 * `facts` hold what statistics need, `detail` the personal free text (anonymisable on its own).
 */
export const caseEventLabels = {
  ...remedyEventLabels,
  ...publicationEventLabels,
  'case-registered': 'Complaint registered',
  'assessment-closed': 'Closed after initial enquiries',
  'referred-back': 'Referred back for local resolution',
  'passed-for-investigation': 'Passed for investigation',
  allocated: 'Allocated to an investigator',
  'note-added': 'Note',
  'enquiry-sent': 'Enquiry sent to the body',
  'enquiry-response-recorded': 'Body’s response received',
  'document-added': 'Document added',
  'draft-decision-shared': 'Draft decision shared with the parties',
  'final-decision-issued': 'Final decision issued',
  'compliance-recorded': 'Remedy compliance recorded',
  'case-closed': 'Case closed',
  'clock-stopped': 'Clock stopped',
  'clock-restarted': 'Clock restarted',
  'joint-working-started': 'Joint working with the health ombudsman started',
  'joint-working-ended': 'Joint working with the health ombudsman ended',
  'deadline-recalculated': 'Deadline recalculated',
  'message-received': 'Message from the complainant',
  'message-sent': 'Message sent to the complainant',
} as const;

export type CaseEventKind = keyof typeof caseEventLabels;

export function caseEventLabel(kind: string): string {
  return (caseEventLabels as Record<string, string>)[kind] ?? kind;
}

/**
 * Who did it, as the timeline says it: the member of staff's name, or, for a body's link officer
 * (who is not staff, so named in the event's facts), "Link officer <name> (<body>)".
 */
export function eventActorLabel(event: { actor_name?: string | null; facts?: Record<string, unknown> | null }): string | null {
  const facts = event.facts ?? {};
  if (facts.linkOfficerId !== undefined && facts.linkOfficerId !== null) {
    const name = typeof facts.linkOfficerName === 'string' && facts.linkOfficerName ? facts.linkOfficerName : 'name not recorded';
    const body = typeof facts.linkOfficerBody === 'string' && facts.linkOfficerBody ? ` (${facts.linkOfficerBody})` : '';
    return `Link officer ${name}${body}`;
  }
  return event.actor_name ?? null;
}
