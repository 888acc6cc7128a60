import type { Identifier } from './anonymisation.ts';
import type { Role } from './vocabulary.ts';

/**
 * Publishing a decision statement or a report: the four-eyes rule as a pure state machine.
 *
 * - Someone who works cases drafts it; a team manager or the Ombudsman approves it, and never
 *   the person who drafted it (the database refuses that too).
 * - Changing the text after approval clears the approval, and takes a published text off the
 *   public site: the public only ever reads words a second person approved.
 * - Only approved text is published; a published text can be withdrawn, and published again.
 */

export type PublicationStatus = 'not-started' | 'draft' | 'awaiting-approval' | 'sent-back' | 'approved' | 'published' | 'withdrawn';

export const publicationStatusLabels: Record<PublicationStatus, string> = {
  'not-started': 'Awaiting anonymisation review',
  draft: 'Draft',
  'awaiting-approval': 'Awaiting approval',
  'sent-back': 'Sent back for changes',
  approved: 'Approved, not published',
  published: 'Published',
  withdrawn: 'Withdrawn',
};

/** GOV.UK tag colours for each status, so a queue reads at a glance. */
export const publicationStatusColours: Record<PublicationStatus, string> = {
  'not-started': 'grey',
  draft: 'light-blue',
  'awaiting-approval': 'yellow',
  'sent-back': 'orange',
  approved: 'turquoise',
  published: 'green',
  withdrawn: 'red',
};

/** Where the review of the text stands: saved without asking for approval, asked for approval, or sent back. */
export type ReviewStep = 'draft' | 'submitted' | 'sent-back';

export interface PublicationRecord {
  draftedBy: number;
  approvedBy: number | null;
  approvedAt: Date | null;
  publishedAt: Date | null;
  withdrawnAt: Date | null;
  review: ReviewStep;
}

export function publicationStatus(record: PublicationRecord | undefined): PublicationStatus {
  if (!record) return 'not-started';
  if (record.approvedAt && record.publishedAt && record.withdrawnAt) return 'withdrawn';
  if (record.approvedAt && record.publishedAt) return 'published';
  if (record.approvedAt) return 'approved';
  if (record.review === 'sent-back') return 'sent-back';
  if (record.review === 'submitted') return 'awaiting-approval';
  return 'draft';
}

/** Whether the public may read it: approved, published and not withdrawn. */
export function isPubliclyVisible(record: Pick<PublicationRecord, 'approvedAt' | 'publishedAt' | 'withdrawnAt'>): boolean {
  return record.approvedAt !== null && record.publishedAt !== null && record.withdrawnAt === null;
}

export type PublicationAction = 'edit' | 'submit' | 'approve' | 'send-back' | 'publish' | 'withdraw';

export const drafterRoles: readonly Role[] = ['assessor', 'investigator', 'team-manager', 'ombudsman'];
export const approverRoles: readonly Role[] = ['team-manager', 'ombudsman'];

interface Actor {
  id: number;
  roles: readonly Role[];
}

export type PublicationVerdict = { allowed: true } | { allowed: false; reason: 'forbidden' | 'illegal'; message: string };

const allowed: PublicationVerdict = { allowed: true };
const refuse = (reason: 'forbidden' | 'illegal', message: string): PublicationVerdict => ({ allowed: false, reason, message });

/**
 * Whether `actor` may take `action` on a text in `record`'s state (`undefined`: nothing drafted yet).
 * `noun` names the thing in messages: "decision", "report".
 */
export function decidePublication(record: PublicationRecord | undefined, action: PublicationAction, actor: Actor, noun = 'decision'): PublicationVerdict {
  const status = publicationStatus(record);
  const may = (roles: readonly Role[]) => roles.some((role) => actor.roles.includes(role));
  const drafter = record?.draftedBy === actor.id;
  switch (action) {
    case 'edit':
      return may(drafterRoles) ? allowed : refuse('forbidden', `Only caseworkers and managers can draft a ${noun} for publication`);
    case 'submit':
      if (!may(drafterRoles)) return refuse('forbidden', `Only caseworkers and managers can submit a ${noun} for approval`);
      if (status === 'not-started') return refuse('illegal', `Draft the ${noun} before submitting it for approval`);
      if (status === 'awaiting-approval') return refuse('illegal', `This ${noun} is already awaiting approval`);
      if (status !== 'draft' && status !== 'sent-back') return refuse('illegal', `This ${noun} has already been approved`);
      return allowed;
    case 'approve':
      if (!may(approverRoles)) return refuse('forbidden', `Only a team manager or the Ombudsman can approve a ${noun} for publication`);
      if (status === 'approved' || status === 'published' || status === 'withdrawn') return refuse('illegal', `This ${noun} has already been approved`);
      if (status !== 'awaiting-approval') return refuse('illegal', `This ${noun} has not been submitted for approval`);
      if (drafter) return refuse('forbidden', `You drafted this ${noun}, so a second person must approve it`);
      return allowed;
    case 'send-back':
      if (!may(approverRoles)) return refuse('forbidden', `Only a team manager or the Ombudsman can send a ${noun} back`);
      if (status !== 'awaiting-approval' && status !== 'approved') return refuse('illegal', `Only a ${noun} awaiting approval or approved and not yet published can be sent back`);
      if (drafter) return refuse('illegal', `You drafted this ${noun}: change it yourself instead of sending it back`);
      return allowed;
    case 'publish':
      if (!may(approverRoles)) return refuse('forbidden', `Only a team manager or the Ombudsman can publish a ${noun}`);
      if (status === 'published') return refuse('illegal', `This ${noun} is already published`);
      if (status !== 'approved' && status !== 'withdrawn') return refuse('illegal', `A ${noun} cannot be published until a second person has approved it`);
      return allowed;
    case 'withdraw':
      if (!may(approverRoles)) return refuse('forbidden', `Only a team manager or the Ombudsman can withdraw a ${noun}`);
      if (status !== 'published') return refuse('illegal', `Only a published ${noun} can be withdrawn`);
      return allowed;
  }
}

export function availablePublicationActions(record: PublicationRecord | undefined, actor: Actor): PublicationAction[] {
  const actions: PublicationAction[] = ['edit', 'submit', 'approve', 'send-back', 'publish', 'withdraw'];
  return actions.filter((action) => decidePublication(record, action, actor).allowed);
}

/**
 * The record after `editorId` changes the text. A change clears the approval and takes the text
 * off the public site (it was approved as it was, not as it is now); the editor becomes the
 * drafter, so they cannot approve their own change. Saving the same words changes nothing.
 */
export function afterEdit(record: PublicationRecord | undefined, editorId: number, textChanged: boolean, review: ReviewStep): PublicationRecord {
  if (record && !textChanged) {
    // The same words: an approval stands; only a draft can move on to "submitted".
    return publicationStatus(record) === 'draft' || publicationStatus(record) === 'sent-back' ? { ...record, review } : record;
  }
  return { draftedBy: editorId, approvedBy: null, approvedAt: null, publishedAt: null, withdrawnAt: null, review };
}

/**
 * A statement with personal details still in it may go for approval only when the drafter has
 * confirmed that what was found does not identify anyone.
 */
export function anonymisationProblem(identifiers: readonly Identifier[], confirmedNotIdentifying: boolean): string | undefined {
  if (identifiers.length === 0 || confirmedNotIdentifying) return undefined;
  const count = identifiers.length === 1 ? 'a personal detail' : `${identifiers.length} personal details`;
  return `The check found ${count} that may identify someone: remove them, or confirm they do not identify anyone`;
}

/**
 * Timeline labels for the publication steps, recorded on the case. (The case timeline's own
 * vocabulary lives in case-events.ts; these are merged into it there.)
 */
export const publicationEventLabels = {
  'publication-drafted': 'Decision statement drafted for publication',
  'publication-submitted': 'Decision statement submitted for approval',
  'publication-sent-back': 'Decision statement sent back for changes',
  'publication-approved': 'Decision statement approved for publication',
  'publication-published': 'Decision published',
  'publication-withdrawn': 'Published decision withdrawn',
  'report-published': 'Included in a published report',
  'report-withdrawn': 'A report including this case was withdrawn',
} as const;
export type PublicationEventKind = keyof typeof publicationEventLabels;
