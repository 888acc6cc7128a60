import type { Transaction } from 'kysely';
import type { Database, CaseRow } from '../data/schema.ts';
import { appendEvent, countPendingRemedies, lockCaseByReference, updateCase, type NewEvent } from '../data/repositories/cases.ts';
import { decide, isLinkOfficer, type ActionKind, type Actor, type CaseState, type LinkOfficerActor, type Stage } from '../domain/case-lifecycle.ts';
import type { CaseEventKind } from '../domain/case-events.ts';
import { normaliseReference } from '../domain/references.ts';
import { forbidden, illegal, notFound } from './errors.ts';
import type { ServiceDeps } from './deps.ts';

/** A link officer as the timeline names them: case_events.actor_id is for staff, so they are named in the facts. */
export interface LinkOfficerCaseActor extends LinkOfficerActor {
  name: string;
  bodyName: string;
}

/** Whoever acts on a case: a member of staff, or a body's link officer. */
export type CaseActor = Actor | LinkOfficerCaseActor;

/** The facts that name a link officer on every timeline event they cause (see eventActorLabel). */
export function linkOfficerFacts(actor: LinkOfficerCaseActor): Record<string, unknown> {
  return { linkOfficerId: actor.linkOfficerId, linkOfficerName: actor.name, linkOfficerBody: actor.bodyName };
}

export interface ActionContext {
  trx: Transaction<Database>;
  caseRow: CaseRow;
  now: Date;
  actor: CaseActor;
  /** Appends a timeline event for this case, by this actor, now. */
  record(kind: CaseEventKind, facts?: Record<string, unknown>, detail?: string | null): Promise<void>;
}

export interface ActionPlan {
  /** Remedies that will still await compliance once the action is done (for the lifecycle). */
  pendingRemediesAfter?: number;
}

/**
 * Runs one action on one case, in the order every use case follows: lock the case, check the
 * actor's right and the lifecycle, do the work, move the stage, write the timeline; all in one
 * transaction, so a refused or failed action leaves the case exactly as it was.
 */
export async function runCaseAction<T>(
  deps: ServiceDeps,
  reference: string,
  actor: CaseActor,
  action: ActionKind,
  work: (context: ActionContext, verdictFor: (plan?: ActionPlan) => Promise<Stage>) => Promise<T>,
): Promise<T> {
  const canonical = normaliseReference(reference);
  if (!canonical) throw notFound('Case');
  return deps.db.transaction().execute(async (trx) => {
    const caseRow = await lockCaseByReference(trx, canonical);
    if (!caseRow) throw notFound('Case');
    const now = deps.clock.now();
    const record = (kind: CaseEventKind, facts?: Record<string, unknown>, detail?: string | null) => {
      const by: Pick<NewEvent, 'actorId' | 'facts'> = isLinkOfficer(actor) ? { actorId: null, facts: { ...facts, ...linkOfficerFacts(actor) } } : { actorId: actor.id, facts };
      return appendEvent(trx, { caseId: caseRow.id, kind, occurredAt: now, detail, ...by });
    };
    const state = await stateOf(trx, caseRow);
    // Check before any work so a refused action writes nothing; work may re-check with its plan.
    assertAllowed(state, action, actor);
    const verdictFor = async (plan: ActionPlan = {}) => {
      const planned = { ...state, pendingRemedies: plan.pendingRemediesAfter ?? state.pendingRemedies };
      return assertAllowed(planned, action, actor);
    };
    return work({ trx, caseRow, now, actor, record }, verdictFor);
  });
}

function assertAllowed(state: CaseState, action: ActionKind, actor: CaseActor): Stage {
  const verdict = decide(state, action, actor);
  if (!verdict.allowed) throw verdict.reason === 'forbidden' ? forbidden(verdict.message) : illegal(verdict.message);
  return verdict.to;
}

async function stateOf(trx: Transaction<Database>, caseRow: CaseRow): Promise<CaseState> {
  return {
    stage: caseRow.stage as Stage,
    ownerId: caseRow.owner_id,
    clockStopped: caseRow.clock_stopped_at !== null,
    joint: caseRow.joint,
    pendingRemedies: await countPendingRemedies(trx, caseRow.id),
  };
}

/** Moves a case to a stage, recording the move and closing the case when it reaches 'closed'. */
export async function moveTo(context: ActionContext, to: Stage, extra: Parameters<typeof updateCase>[2] = {}): Promise<void> {
  const from = context.caseRow.stage;
  const closing = to === 'closed' && from !== 'closed';
  await updateCase(context.trx, context.caseRow.id, { ...extra, stage: to, ...(closing ? { closed_at: context.now } : {}) });
  if (closing) await context.record('case-closed', { from, outcome: extra.outcome ?? context.caseRow.outcome });
}
