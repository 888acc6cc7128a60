import { z } from 'zod';
import type { Transaction } from 'kysely';
import type { Database } from '../../data/schema.ts';
import { appendEvent, caseBodies, findCaseByReference, lockCaseByReference } from '../../data/repositories/cases.ts';
import {
  casePeople,
  finalDecisionOf,
  findPublication,
  latestReviewEvent,
  publicationQueueCounts,
  publicationQueuePage,
  queueTabs,
  savePublication,
  updatePublicationState,
  type PublicationRow,
  type QueueTab,
  type ReviewEventKind,
} from '../../data/repositories/published-decisions.ts';
import { findIdentifiers, type CasePerson, type Identifier } from '../../domain/anonymisation.ts';
import type { Actor } from '../../domain/case-lifecycle.ts';
import {
  afterEdit,
  anonymisationProblem,
  availablePublicationActions,
  decidePublication,
  publicationStatus,
  type PublicationAction,
  type PublicationEventKind,
  type PublicationRecord,
  type ReviewStep,
} from '../../domain/publication.ts';
import { normaliseReference } from '../../domain/references.ts';
import { forbidden, illegal, invalid, notFound } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import type { ServiceDeps } from '../deps.ts';

/**
 * The anonymisation review of a final decision, then its approval by a second person, its
 * publication and, if need be, its withdrawal. Each step locks the case row (so two reviewers
 * cannot cross), asks the pure rules in domain/publication.ts, writes, and records the step on
 * the case timeline, in one transaction.
 */

export const MAX_SUMMARY = 1_000;
export const MAX_STATEMENT = 100_000;
export const MAX_REASON = 5_000;

export const statementSchema = z.object({
  summary: z.string().trim().min(1, 'Enter a summary of the decision').max(MAX_SUMMARY, 'The summary must be 1,000 characters or fewer'),
  statement: z.string().trim().min(1, 'Enter the decision statement').max(MAX_STATEMENT, 'The statement must be 100,000 characters or fewer'),
  intent: z.enum(['save', 'submit']),
  confirmNotIdentifying: z.boolean(),
});
export type StatementInput = z.input<typeof statementSchema>;

const reasonSchema = (what: string) =>
  z.object({ reason: z.string().trim().min(1, `Enter why the decision is being ${what}`).max(MAX_REASON, 'The reason must be 5,000 characters or fewer') });

const reviewStepOf: Record<ReviewEventKind, ReviewStep> = {
  'publication-drafted': 'draft',
  'publication-submitted': 'submitted',
  'publication-sent-back': 'sent-back',
};

function recordOf(row: PublicationRow | undefined, review: ReviewEventKind | undefined): PublicationRecord | undefined {
  if (!row) return undefined;
  return {
    draftedBy: row.drafted_by, approvedBy: row.approved_by, approvedAt: row.approved_at, publishedAt: row.published_at, withdrawnAt: row.withdrawn_at,
    review: review ? reviewStepOf[review] : 'draft',
  };
}

/** The people whose details the anonymisation check looks for. */
export async function peopleOfCase(db: ServiceDeps['db'] | Transaction<Database>, caseId: number): Promise<CasePerson[]> {
  const p = await casePeople(db, caseId);
  return [
    { role: 'the complainant', fullName: p.complainant_name, email: p.complainant_email, phone: p.complainant_phone, address: p.complainant_address },
    { role: 'the representative', fullName: p.representative_name, email: p.representative_email, phone: p.representative_phone, address: p.representative_address },
  ];
}

export interface TextCheck {
  summary: Identifier[];
  statement: Identifier[];
  count: number;
}

export function checkText(people: readonly CasePerson[], summary: string, statement: string): TextCheck {
  const inSummary = findIdentifiers(summary, people);
  const inStatement = findIdentifiers(statement, people);
  return { summary: inSummary, statement: inStatement, count: inSummary.length + inStatement.length };
}

/**
 * A first draft from the decision's reasons: the statement is the reasons, the summary their
 * first paragraph (cut at a sentence near 600 characters). Still to be anonymised by a person.
 */
export function prefillFromReasons(reasons: string): { summary: string; statement: string } {
  const statement = reasons.trim();
  const firstParagraph = statement.split(/\n\s*\n/)[0]?.trim() ?? '';
  let summary = firstParagraph;
  if (summary.length > 600) {
    const cut = summary.slice(0, 600);
    const sentenceEnd = cut.lastIndexOf('. ');
    summary = sentenceEnd > 200 ? cut.slice(0, sentenceEnd + 1) : `${cut.replace(/\s+\S*$/, '')}…`;
  }
  return { summary, statement };
}

async function caseOf(deps: ServiceDeps, reference: string) {
  const canonical = normaliseReference(reference);
  const caseRow = canonical ? await findCaseByReference(deps.db, canonical) : undefined;
  if (!caseRow) throw notFound('Case');
  return caseRow;
}

/** Everything the case's publication page shows, with the actions this person may take. */
export async function getDecisionPublication(deps: ServiceDeps, reference: string, actor: Actor) {
  const caseRow = await caseOf(deps, reference);
  const decision = await finalDecisionOf(deps.db, caseRow.id);
  const [row, review, bodies, people, history] = await Promise.all([
    findPublication(deps.db, caseRow.id),
    latestReviewEvent(deps.db, caseRow.id),
    caseBodies(deps.db, caseRow.id),
    peopleOfCase(deps.db, caseRow.id),
    publicationHistory(deps, caseRow.id),
  ]);
  const record = recordOf(row, review);
  const text = row ? { summary: row.summary_text, statement: row.statement_text } : decision ? prefillFromReasons(decision.reasons_text) : undefined;
  return {
    caseRow,
    decision,
    bodies,
    row,
    record,
    status: publicationStatus(record),
    actions: decision ? availablePublicationActions(record, actor) : ([] as PublicationAction[]),
    /** The text as saved, or the first draft from the decision's reasons. */
    text,
    check: text ? checkText(people, text.summary, text.statement) : undefined,
    people,
    history,
    draftedByYou: row?.drafted_by === actor.id,
  };
}
export type DecisionPublicationView = Awaited<ReturnType<typeof getDecisionPublication>>;

const publicationKinds: PublicationEventKind[] = ['publication-drafted', 'publication-submitted', 'publication-sent-back', 'publication-approved', 'publication-published', 'publication-withdrawn'];

async function publicationHistory(deps: ServiceDeps, caseId: number) {
  return deps.db
    .selectFrom('case_events as e')
    .leftJoin('staff_users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.kind', 'e.occurred_at', 'e.facts', 'u.display_name as actor_name'])
    .select((eb) => eb.case().when('e.kind', 'in', ['publication-sent-back', 'publication-withdrawn']).then(eb.ref('e.detail_text')).else(null).end().as('reason'))
    .where('e.case_id', '=', caseId)
    .where('e.kind', 'in', publicationKinds)
    .orderBy('e.id', 'desc')
    .execute();
}

interface Locked {
  trx: Transaction<Database>;
  caseId: number;
  decisionId: number;
  row: PublicationRow | undefined;
  record: PublicationRecord | undefined;
  now: Date;
  record_event(kind: PublicationEventKind, facts?: Record<string, unknown>, detail?: string | null): Promise<void>;
}

/** Locks the case, reads where its publication stands, and refuses anything the rules refuse. */
async function withPublication<T>(deps: ServiceDeps, reference: string, actor: Actor, action: PublicationAction, work: (locked: Locked) => Promise<T>): Promise<T> {
  const canonical = normaliseReference(reference);
  if (!canonical) throw notFound('Case');
  return deps.db.transaction().execute(async (trx) => {
    const caseRow = await lockCaseByReference(trx, canonical);
    if (!caseRow) throw notFound('Case');
    const decision = await finalDecisionOf(trx, caseRow.id);
    if (!decision) throw illegal('This case has no final decision, so there is nothing to publish');
    const row = await findPublication(trx, caseRow.id);
    const record = recordOf(row, await latestReviewEvent(trx, caseRow.id));
    const verdict = decidePublication(record, action, actor);
    if (!verdict.allowed) throw verdict.reason === 'forbidden' ? forbidden(verdict.message) : illegal(verdict.message);
    const now = deps.clock.now();
    const record_event = (kind: PublicationEventKind, facts: Record<string, unknown> = {}, detail: string | null = null) =>
      appendEvent(trx, { caseId: caseRow.id, kind, occurredAt: now, actorId: actor.id, facts: { publishedDecisionId: row?.id ?? null, ...facts }, detail });
    return work({ trx, caseId: caseRow.id, decisionId: decision.id, row, record, now, record_event });
  });
}

/**
 * Saves the statement as a draft, or saves it and submits it for approval. Changing the words of
 * an approved or published statement clears the approval and takes it off the public site.
 * Submitting needs the anonymisation check clear, or the drafter's confirmation that what it
 * found identifies nobody.
 */
export async function saveDecisionStatement(deps: ServiceDeps, reference: string, actor: Actor, raw: StatementInput) {
  const input = parseOrThrow(statementSchema, raw);
  return withPublication(deps, reference, actor, 'edit', async ({ trx, caseId, decisionId, row, record, now, record_event }) => {
    const changed = !row || row.summary_text !== input.summary || row.statement_text !== input.statement;
    const review: ReviewStep = input.intent === 'submit' ? 'submitted' : 'draft';
    const check = checkText(await peopleOfCase(trx, caseId), input.summary, input.statement);
    if (input.intent === 'submit') {
      const verdict = decidePublication(afterEdit(record, actor.id, changed, 'draft'), 'submit', actor);
      if (!verdict.allowed) throw illegal(verdict.message);
      const problem = anonymisationProblem([...check.summary, ...check.statement], input.confirmNotIdentifying);
      if (problem) throw invalid({ confirmNotIdentifying: problem });
    } else if (!changed) {
      return { status: publicationStatus(record), changed: false };
    }
    const next = afterEdit(record, actor.id, changed, review);
    const id = await savePublication(trx, {
      caseId, decisionId, summary: input.summary, statement: input.statement,
      draftedBy: next.draftedBy, draftedAt: changed ? now : (row?.drafted_at ?? now),
      approvedBy: next.approvedBy, approvedAt: next.approvedAt, publishedAt: next.publishedAt, withdrawnAt: next.withdrawnAt,
    });
    const facts = {
      publishedDecisionId: id,
      identifiersFound: check.count,
      ...(input.intent === 'submit' && check.count > 0 ? { confirmedNotIdentifying: true } : {}),
      ...(record?.approvedAt && changed ? { approvalCleared: true } : {}),
      ...(record?.publishedAt && !record.withdrawnAt && changed ? { takenOffPublicSite: true } : {}),
    };
    // The version sent for approval is kept on the timeline, so what was approved can be shown later.
    if (input.intent === 'submit') await record_event('publication-submitted', facts, `${input.summary}\n\n${input.statement}`);
    else await record_event('publication-drafted', facts);
    return { status: publicationStatus(next), changed };
  });
}

/** A second person approves the statement as it stands. */
export async function approveDecisionStatement(deps: ServiceDeps, reference: string, actor: Actor) {
  return withPublication(deps, reference, actor, 'approve', async ({ trx, caseId, now, record_event }) => {
    await updatePublicationState(trx, caseId, { approved_by: actor.id, approved_at: now });
    await record_event('publication-approved');
  });
}

/** The approver sends the statement back to be changed, saying why; any approval is cleared. */
export async function sendBackDecisionStatement(deps: ServiceDeps, reference: string, actor: Actor, raw: { reason: string }) {
  const input = parseOrThrow(reasonSchema('sent back'), raw);
  return withPublication(deps, reference, actor, 'send-back', async ({ trx, caseId, record_event }) => {
    await updatePublicationState(trx, caseId, { approved_by: null, approved_at: null });
    await record_event('publication-sent-back', {}, input.reason);
  });
}

/** Publishes an approved statement (or publishes a withdrawn one again). */
export async function publishDecision(deps: ServiceDeps, reference: string, actor: Actor) {
  return withPublication(deps, reference, actor, 'publish', async ({ trx, caseId, row, now, record_event }) => {
    await updatePublicationState(trx, caseId, { published_at: now, withdrawn_at: null });
    await record_event('publication-published', { republished: row?.withdrawn_at !== null });
    return row?.id as number;
  });
}

/** Takes a published decision off the public site, saying why. */
export async function withdrawDecision(deps: ServiceDeps, reference: string, actor: Actor, raw: { reason: string }) {
  const input = parseOrThrow(reasonSchema('withdrawn'), raw);
  return withPublication(deps, reference, actor, 'withdraw', async ({ trx, caseId, now, record_event }) => {
    await updatePublicationState(trx, caseId, { withdrawn_at: now });
    await record_event('publication-withdrawn', {}, input.reason);
  });
}

export const QUEUE_PAGE_SIZE = 50;

export function isQueueTab(value: unknown): value is QueueTab {
  return typeof value === 'string' && (queueTabs as readonly string[]).includes(value);
}

/** A tab of the staff queue: decisions awaiting review, approval or publication, published, withdrawn. */
export async function publicationQueue(deps: ServiceDeps, tab: QueueTab, page: number) {
  const counts = await publicationQueueCounts(deps.db);
  const pageCount = Math.max(1, Math.ceil(counts[tab] / QUEUE_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = await publicationQueuePage(deps.db, tab, (current - 1) * QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE);
  return {
    tab,
    counts,
    page: current,
    pageCount,
    rows: rows.map((r) => {
      const record: PublicationRecord | undefined = r.publication_id === null
        ? undefined
        : {
            draftedBy: r.drafted_by as number, approvedBy: r.approved_by, approvedAt: r.approved_at, publishedAt: r.published_at, withdrawnAt: r.withdrawn_at,
            review: r.review_event ? reviewStepOf[r.review_event] : 'draft',
          };
      return { ...r, status: publicationStatus(record) };
    }),
  };
}
