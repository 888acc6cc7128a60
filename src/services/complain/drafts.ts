import { randomUUID } from 'node:crypto';
import { ensureCareProvider, findBodyById } from '../../data/repositories/bodies.ts';
import {
  claimDraft,
  deleteDraftsNotUpdatedSince,
  findCaseById,
  findDraft,
  findWebCaseReceivedAt,
  insertDraft,
  linkDraftToCase,
  mergeDraftAnswers,
  setContactPreference,
  setDraftEmail,
  type DraftCase,
} from '../../data/repositories/complaint-drafts.ts';
import { assessmentDeadline } from '../../domain/deadlines.ts';
import { addCalendarDays, formatLondonDate, londonDate, type IsoDate } from '../../domain/london-time.ts';
import type { Db } from '../../data/repositories/cases.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalid, notFound } from '../errors.ts';
import { prepareContact, recordContactIn } from '../intake.ts';
import { queueNotification } from '../notifications.ts';
import { buildSubmission, caseCategoryFor, readAnswers, type AnswerPatch, type Answers, type Submission } from './answers.ts';

/** Drafts not saved for this long are gone: the resume link stops working and a clean-up job deletes them. */
export const DRAFT_LIFETIME_DAYS = 30;
const DAY_MS = 86_400_000;
/**
 * A claim this old with no case is taken to be from a request that died before recording the
 * case (recording takes milliseconds), and may be taken over. Only earlier versions leave such
 * claims: this one claims and records in one transaction.
 */
export const STALE_CLAIM_MS = 10 * 60_000;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** True when the text could be a draft's id; anything else is never looked up (nor cast to uuid). */
export function isDraftToken(token: string): boolean {
  return UUID_V4.test(token);
}

export interface Draft {
  id: string;
  email: string | null;
  answers: Answers;
  updatedAt: Date;
  /** Last day the resume link works: DRAFT_LIFETIME_DAYS after the last save. */
  expiresOn: IsoDate;
  submittedAt: Date | null;
  caseId: number | null;
}

function cutoff(deps: Pick<ServiceDeps, 'clock'>): Date {
  return new Date(deps.clock.now().getTime() - DRAFT_LIFETIME_DAYS * DAY_MS);
}

function expiresOn(updatedAt: Date): IsoDate {
  return addCalendarDays(londonDate(updatedAt), DRAFT_LIFETIME_DAYS);
}

/** Starts a draft with its first answers; its id is a random (v4) UUID, which is also the resume token. */
export async function createDraft(deps: ServiceDeps, answers: AnswerPatch = {}): Promise<string> {
  const id = randomUUID();
  await insertDraft(deps.db, { id, answers: answers as Record<string, unknown>, at: deps.clock.now() });
  return id;
}

/** The draft, or undefined when there is none with this id or it has expired. */
export async function loadDraft(deps: ServiceDeps, id: string): Promise<Draft | undefined> {
  if (!isDraftToken(id)) return undefined;
  const row = await findDraft(deps.db, id, cutoff(deps));
  if (!row) return undefined;
  return {
    id: row.id, email: row.email, answers: readAnswers(row.answers), updatedAt: row.updatedAt, expiresOn: expiresOn(row.updatedAt),
    submittedAt: row.submittedAt, caseId: row.caseId,
  };
}

/** Saves some answers; returns all the answers, or undefined when the draft is gone or already sent. */
export async function saveAnswers(deps: ServiceDeps, id: string, patch: AnswerPatch): Promise<Answers | undefined> {
  if (!isDraftToken(id)) return undefined;
  const merged = await mergeDraftAnswers(deps.db, id, patch as Record<string, unknown>, deps.clock.now(), cutoff(deps));
  return merged ? readAnswers(merged) : undefined;
}

/**
 * "Save and come back later": records the email address and queues an email with the resume
 * link, both or neither. Returns the last day the link works.
 */
export async function saveForLater(deps: ServiceDeps, id: string, email: string, resumeUrl: (token: string) => string): Promise<{ expiresOn: IsoDate } | undefined> {
  if (!isDraftToken(id)) return undefined;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    if (!(await setDraftEmail(trx, id, email, now, cutoff(deps)))) return undefined;
    await queueNotification(trx, {
      caseId: null,
      personId: null,
      recipient: { channel: 'email', address: email },
      template: 'draft-saved',
      personalisation: { resumeUrl: resumeUrl(id) },
      at: now,
    });
    return { expiresOn: expiresOn(now) };
  });
}

export interface SentComplaint {
  reference: string;
  receivedAt: Date;
  /** The 20-working-day date: when we will have contacted them. */
  respondBy: IsoDate;
}

export type SubmitOutcome = { status: 'sent'; complaint: SentComplaint } | { status: 'in-progress' };

function respondByOf(deps: ServiceDeps, receivedAt: Date): IsoDate {
  return assessmentDeadline(receivedAt, [], deps.calendar()).due as IsoDate;
}

function sent(deps: ServiceDeps, found: DraftCase): SubmitOutcome {
  return { status: 'sent', complaint: { reference: found.reference, receivedAt: found.receivedAt, respondBy: respondByOf(deps, found.receivedAt) } };
}

/** The complaint a sent draft became; undefined while it is not (yet) a case. */
export async function sentComplaint(deps: ServiceDeps, draft: Draft): Promise<SentComplaint | undefined> {
  if (draft.caseId === null) return undefined;
  const found = await findCaseById(deps.db, draft.caseId);
  return found ? { reference: found.reference, receivedAt: found.receivedAt, respondBy: respondByOf(deps, found.receivedAt) } : undefined;
}

/**
 * Sends a draft as a complaint: exactly one case per draft, however often it is submitted
 * (double click, back button, two tabs, a retry after a crash).
 *
 * One transaction claims the draft (a conditional update: `submitted_at` set only where it is
 * null, so one request wins), records the contact and case received at the claim instant, links
 * the case to the draft and queues the acknowledgement. A request that dies part-way leaves
 * nothing, and the complaint can simply be sent again. A request that loses the race sees no
 * change, then finds the winner's case (on PostgreSQL its claim waits for the winner to commit).
 *
 * The reference number is taken before that transaction (see `prepareContact`), and only once
 * the draft is seen not to be sent yet; a request that then loses a race leaves its number
 * unused, a gap in the year's numbers.
 *
 * Drafts claimed without a case can still exist, left by earlier versions that claimed and
 * recorded in separate transactions (and by one still running during a rolling upgrade): the
 * next submission adopts the case such an attempt made, found by its receipt instant, or, once
 * the claim is STALE_CLAIM_MS old with no case, sends the draft again.
 */
export async function submitDraft(deps: ServiceDeps, id: string): Promise<SubmitOutcome> {
  const draft = await loadDraft(deps, id);
  if (!draft) throw notFound('Complaint');
  if (draft.caseId !== null) return settled(deps, draft);
  const submission = buildSubmission(draft.answers);
  if (draft.submittedAt === null) return send(deps, draft, submission, null);
  return resume(deps, draft, submission);
}

async function settled(deps: ServiceDeps, draft: Draft): Promise<SubmitOutcome> {
  const complaint = await sentComplaint(deps, draft);
  return complaint ? { status: 'sent', complaint } : { status: 'in-progress' };
}

/** A claim without a case (see `submitDraft`): the case a dead attempt left, or (if stale) a retry. */
async function resume(deps: ServiceDeps, draft: Draft, submission: Submission): Promise<SubmitOutcome> {
  if (draft.caseId !== null) return settled(deps, draft);
  const claimedAt = draft.submittedAt;
  if (claimedAt === null) return submitDraft(deps, draft.id);
  const orphan = await findWebCaseReceivedAt(deps.db, claimedAt, submission.complainant.fullName);
  if (orphan) return finish(deps, draft.id, orphan, submission);
  if (deps.clock.now().getTime() - claimedAt.getTime() < STALE_CLAIM_MS) return { status: 'in-progress' };
  return send(deps, draft, submission, claimedAt);
}

/**
 * Claims the draft (or takes over `staleClaim`) and records its case, in one transaction. When
 * another request claimed it first, nothing is written and that request's outcome is returned.
 */
async function send(deps: ServiceDeps, draft: Draft, submission: Submission, staleClaim: Date | null): Promise<SubmitOutcome> {
  const at = deps.clock.now();
  const body = 'id' in submission.body ? await findBodyById(deps.db, submission.body.id) : await ensureCareProvider(deps.db, submission.body.careProviderName);
  if (!body || (body.kind !== 'council' && body.kind !== 'care-provider')) {
    throw invalid({ bodyId: 'Select the council or care provider your complaint is about' });
  }
  const prepared = await prepareContact(deps, {
    channel: 'web',
    receivedAt: at,
    complainant: submission.complainant,
    representative: submission.representative,
    bodyIds: [body.id],
    summary: submission.summary,
    outcome: 'case-created',
    ...caseCategoryFor(body.kind),
  });
  const recorded = await deps.db.transaction().execute(async (trx) => {
    if (!(await claimDraft(trx, draft.id, at, staleClaim))) return undefined;
    const { case: found } = await recordContactIn(
      trx,
      deps,
      prepared,
      null,
      // These go to the complainant; a representative's preference is set in acknowledge().
      { adjustments: submission.adjustments, ...(submission.representative ? {} : { contactPreference: submission.filler.contactPreference }) },
    );
    if (!found) throw new Error(`The online complaint from draft ${draft.id} was recorded without a case`);
    await acknowledge(trx, deps, draft.id, found, submission);
    return found;
  });
  if (recorded) return sent(deps, recorded);
  const now = await loadDraft(deps, draft.id);
  if (!now) throw notFound('Complaint');
  return now.caseId !== null ? settled(deps, now) : resume(deps, now, submission);
}

/** Links an earlier attempt's case to the draft and acknowledges it, once, whoever gets here first. */
async function finish(deps: ServiceDeps, draftId: string, found: DraftCase, submission: Submission): Promise<SubmitOutcome> {
  await deps.db.transaction().execute((trx) => acknowledge(trx, deps, draftId, found, submission));
  return sent(deps, found);
}

/** Links the case to the draft and queues the acknowledgement, unless the draft already has its case. */
async function acknowledge(trx: Db, deps: ServiceDeps, draftId: string, found: DraftCase, submission: Submission): Promise<void> {
  if (!(await linkDraftToCase(trx, draftId, found.id))) return;
  const fillerId = submission.representative ? found.representativeId : found.complainantId;
  if (submission.representative && fillerId !== null) await setContactPreference(trx, fillerId, submission.filler.contactPreference);
  const { filler } = submission;
  const recipient = filler.contactPreference === 'sms' && filler.phone
    ? { channel: 'sms' as const, address: filler.phone }
    : filler.email ? { channel: 'email' as const, address: filler.email } : undefined;
  await queueNotification(trx, {
    caseId: found.id,
    personId: fillerId,
    ...(recipient ? { recipient } : {}),
    template: 'case-received',
    personalisation: { reference: found.reference, name: filler.fullName, respondBy: formatLondonDate(respondByOf(deps, found.receivedAt)) },
    at: deps.clock.now(),
  });
}

/** Deletes drafts not saved for DRAFT_LIFETIME_DAYS (for a daily job); returns how many. */
export async function purgeExpiredDrafts(deps: ServiceDeps): Promise<number> {
  return deleteDraftsNotUpdatedSince(deps.db, cutoff(deps));
}
