import type { Role } from './vocabulary.ts';

/**
 * The case lifecycle as a pure state machine: every stage, every action, who may take it and
 * what it needs. Services ask `decide()` before writing anything, so an illegal action is a
 * clear error and never a half-written case.
 */
export const stages = ['assessment', 'awaiting-allocation', 'investigation', 'draft-decision', 'compliance', 'closed'] as const;
export type Stage = (typeof stages)[number];

export const stageLabels: Record<Stage, string> = {
  assessment: 'Assessment',
  'awaiting-allocation': 'Awaiting allocation',
  investigation: 'Investigation',
  'draft-decision': 'Draft decision shared',
  compliance: 'Checking remedies',
  closed: 'Closed',
};

export const openStages: readonly Stage[] = stages.filter((s) => s !== 'closed');

export type ActionKind =
  | 'close-after-initial-enquiries'
  | 'refer-back-for-local-resolution'
  | 'pass-for-investigation'
  | 'allocate'
  | 'share-draft-decision'
  | 'issue-final-decision'
  | 'record-compliance'
  | 'stop-clock'
  | 'restart-clock'
  | 'start-joint-working'
  | 'end-joint-working'
  | 'add-note'
  | 'send-enquiry'
  | 'record-enquiry-response'
  | 'add-document';

export interface CaseState {
  stage: Stage;
  ownerId: number | null;
  clockStopped: boolean;
  joint: boolean;
  /** Remedies still awaiting a compliance outcome. */
  pendingRemedies: number;
}

/** A member of staff, acting with their roles. */
export interface Actor {
  id: number;
  roles: readonly Role[];
}

/**
 * A body's link officer: not a member of staff. They may take only the actions whose rule says
 * so, and only on their own body's cases (the service checks the body, since that needs the data).
 */
export interface LinkOfficerActor {
  kind: 'link-officer';
  linkOfficerId: number;
  bodyId: number;
}

export function isLinkOfficer(actor: Actor | LinkOfficerActor): actor is LinkOfficerActor {
  return (actor as Partial<LinkOfficerActor>).kind === 'link-officer';
}

export type Verdict =
  | { allowed: true; to: Stage }
  | { allowed: false; reason: 'forbidden' | 'illegal'; message: string };

interface Rule {
  from: readonly Stage[];
  roles: readonly Role[];
  /** Investigators may take this only on cases allocated to them; managers and the ombudsman on any. */
  ownerOnlyForInvestigators?: boolean;
  /** A body's link officer may take this too, on their own body's case (answering us, confirming a remedy). */
  linkOfficers?: true;
  to: (state: CaseState) => Stage;
  guard?: (state: CaseState) => string | undefined;
  /** Said when the stage is wrong, in words a caseworker understands. */
  wrongStage: string;
}

const managers: readonly Role[] = ['team-manager', 'ombudsman'];
const assessors: readonly Role[] = ['assessor', ...managers];
const caseworkers: readonly Role[] = ['intake', 'assessor', 'investigator', ...managers];
const deciders: readonly Role[] = ['investigator', ...managers];
const anyOpen = openStages;
const stay = (state: CaseState) => state.stage;
const clockRunning = (state: CaseState) => (state.clockStopped ? 'Restart the clock first: it was stopped' : undefined);

export const rules: Record<ActionKind, Rule> = {
  'close-after-initial-enquiries': {
    from: ['assessment'], roles: assessors, to: () => 'closed',
    wrongStage: 'Only cases in assessment can be closed after initial enquiries',
  },
  'refer-back-for-local-resolution': {
    from: ['assessment'], roles: assessors, to: () => 'closed',
    wrongStage: 'Only cases in assessment can be referred back for local resolution',
  },
  'pass-for-investigation': {
    from: ['assessment'], roles: assessors, to: () => 'awaiting-allocation',
    wrongStage: 'Only cases in assessment can be passed for investigation',
  },
  allocate: {
    from: ['awaiting-allocation', 'investigation', 'draft-decision'], roles: managers, to: (s) => (s.stage === 'awaiting-allocation' ? 'investigation' : s.stage),
    wrongStage: 'Only cases passed for investigation can be allocated',
  },
  'share-draft-decision': {
    from: ['investigation', 'draft-decision'], roles: deciders, ownerOnlyForInvestigators: true, to: () => 'draft-decision', guard: clockRunning,
    wrongStage: 'A draft decision can be shared only on a case under investigation',
  },
  'issue-final-decision': {
    from: ['draft-decision'], roles: deciders, ownerOnlyForInvestigators: true,
    to: (s) => (s.pendingRemedies > 0 ? 'compliance' : 'closed'), guard: clockRunning,
    wrongStage: 'Share a draft decision with the parties before the final decision',
  },
  'record-compliance': {
    from: ['compliance'], roles: deciders, ownerOnlyForInvestigators: true, linkOfficers: true,
    to: (s) => (s.pendingRemedies > 0 ? 'compliance' : 'closed'),
    wrongStage: 'Compliance can be recorded only after the final decision',
  },
  'stop-clock': {
    from: ['assessment', 'awaiting-allocation', 'investigation', 'draft-decision'], roles: [...assessors, 'investigator'], ownerOnlyForInvestigators: true,
    to: stay, guard: (s) => (s.clockStopped ? 'The clock is already stopped' : undefined),
    wrongStage: 'The clock can be stopped only before the final decision',
  },
  'restart-clock': {
    from: ['assessment', 'awaiting-allocation', 'investigation', 'draft-decision'], roles: [...assessors, 'investigator'], ownerOnlyForInvestigators: true,
    to: stay, guard: (s) => (s.clockStopped ? undefined : 'The clock is running: there is nothing to restart'),
    wrongStage: 'The clock can be restarted only before the final decision',
  },
  'start-joint-working': {
    from: ['assessment', 'awaiting-allocation', 'investigation', 'draft-decision'], roles: [...assessors, 'investigator'], ownerOnlyForInvestigators: true,
    to: stay, guard: (s) => (s.joint ? 'This case is already joint with the health ombudsman' : undefined),
    wrongStage: 'Joint working can start only before the final decision',
  },
  'end-joint-working': {
    from: anyOpen, roles: [...assessors, 'investigator'], ownerOnlyForInvestigators: true,
    to: stay, guard: (s) => (s.joint ? undefined : 'This case is not joint with the health ombudsman'),
    wrongStage: 'Joint working can end only on an open case',
  },
  'add-note': { from: anyOpen, roles: caseworkers, to: stay, wrongStage: 'Notes cannot be added to a closed case' },
  'send-enquiry': {
    from: ['assessment', 'awaiting-allocation', 'investigation', 'draft-decision'], roles: [...assessors, 'investigator'], ownerOnlyForInvestigators: true, to: stay,
    wrongStage: 'Enquiries can be sent only before the final decision',
  },
  'record-enquiry-response': { from: anyOpen, roles: caseworkers, linkOfficers: true, to: stay, wrongStage: 'The case is closed' },
  'add-document': { from: anyOpen, roles: caseworkers, to: stay, wrongStage: 'Documents cannot be added to a closed case' },
};

/** Whether `actor` may take `action` on a case in `state`, and the stage it leads to. */
export function decide(state: CaseState, action: ActionKind, actor: Actor | LinkOfficerActor): Verdict {
  const rule = rules[action];
  if (isLinkOfficer(actor)) {
    if (!rule.linkOfficers) return { allowed: false, reason: 'forbidden', message: 'You do not have permission to do this' };
  } else {
    if (!rule.roles.some((role) => actor.roles.includes(role))) {
      return { allowed: false, reason: 'forbidden', message: 'You do not have permission to do this' };
    }
    const isManager = managers.some((role) => actor.roles.includes(role)) || actor.roles.includes('assessor');
    if (rule.ownerOnlyForInvestigators && !isManager && state.ownerId !== actor.id) {
      return { allowed: false, reason: 'forbidden', message: 'Only the investigator the case is allocated to can do this' };
    }
  }
  if (!rule.from.includes(state.stage)) {
    return { allowed: false, reason: 'illegal', message: rule.wrongStage };
  }
  const problem = rule.guard?.(state);
  if (problem) return { allowed: false, reason: 'illegal', message: problem };
  return { allowed: true, to: rule.to(state) };
}

/** The actions an actor could take now: drives which forms the case page shows. */
export function availableActions(state: CaseState, actor: Actor | LinkOfficerActor): ActionKind[] {
  return (Object.keys(rules) as ActionKind[]).filter((action) => decide(state, action, actor).allowed);
}
