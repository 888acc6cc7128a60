import { caseBodies, caseDecisions, caseRemedies } from '../../data/repositories/cases.ts';
import {
  assessmentClosureExplanation, assessmentEndedAt, caseForEmail, caseMessages, casesForEmail, complainantDocuments, markMessagesRead, staffHaveActed, type PortalCase,
} from '../../data/repositories/portal.ts';
import type { Stage } from '../../domain/case-lifecycle.ts';
import { formatLondonDate } from '../../domain/london-time.ts';
import { normaliseReference } from '../../domain/references.ts';
import { closingReasons, outcomes } from '../../domain/vocabulary.ts';
import { notFound } from '../errors.ts';
import type { ServiceDeps } from '../deps.ts';
import { normaliseEmail } from '../email-code.ts';

/**
 * A complaint as the person who made it sees it: where it is in plain words, what happens next
 * and by when, and our decision once made. Internal stages are never shown as they are.
 */
export type PortalStatus = 'received' | 'being-assessed' | 'being-investigated' | 'draft-decision' | 'decision-made' | 'checking-remedy' | 'closed';

export const portalStatusLabels: Record<PortalStatus, string> = {
  received: 'Received',
  'being-assessed': 'Being assessed',
  'being-investigated': 'Being investigated',
  'draft-decision': 'Draft decision',
  'decision-made': 'Decision made',
  'checking-remedy': 'Checking the remedy',
  closed: 'Closed',
};

export interface ProgressStep {
  status: PortalStatus;
  label: string;
  state: 'done' | 'current' | 'upcoming';
  /** When the step was reached or finished, for the steps that are done. */
  on?: Date;
}

interface StatusFacts {
  stage: string;
  hasFinalDecision: boolean;
  /** False while no caseworker has done anything on the case since it was registered. */
  assessmentStarted?: boolean;
}

/** The internal stage in the complainant's words. */
export function portalStatusOf({ stage, hasFinalDecision, assessmentStarted = true }: StatusFacts): PortalStatus {
  switch (stage as Stage) {
    case 'assessment': return assessmentStarted ? 'being-assessed' : 'received';
    case 'awaiting-allocation':
    case 'investigation': return 'being-investigated';
    case 'draft-decision': return 'draft-decision';
    case 'compliance': return 'checking-remedy';
    case 'closed': return hasFinalDecision ? 'decision-made' : 'closed';
    default: return 'received';
  }
}

type CaseDates = Pick<PortalCase, 'stage' | 'received_at' | 'assessment_decided_at' | 'draft_shared_at' | 'decided_at' | 'closed_at'>;

/** The steps a complaint goes through, each done, current or still to come. */
export function progressSteps(c: CaseDates, facts: { hasFinalDecision: boolean; hasRemedies: boolean; assessmentStarted?: boolean }): ProgressStep[] {
  const status = portalStatusOf({ stage: c.stage, hasFinalDecision: facts.hasFinalDecision, assessmentStarted: facts.assessmentStarted });
  const closedAtAssessment = c.stage === 'closed' && !facts.hasFinalDecision;
  const path: { status: PortalStatus; on?: Date | null }[] = closedAtAssessment
    ? [{ status: 'received', on: c.received_at }, { status: 'being-assessed', on: c.assessment_decided_at ?? c.closed_at }, { status: 'closed', on: c.closed_at }]
    : [
        { status: 'received', on: c.received_at },
        { status: 'being-assessed', on: c.assessment_decided_at },
        { status: 'being-investigated', on: c.draft_shared_at },
        { status: 'draft-decision', on: c.decided_at },
        { status: 'decision-made', on: c.decided_at },
        ...(facts.hasRemedies || c.stage === 'compliance' ? [{ status: 'checking-remedy' as const, on: c.stage === 'closed' ? c.closed_at : null }] : []),
        { status: 'closed', on: c.closed_at },
      ];
  const closed = c.stage === 'closed';
  const current = closed ? path.length - 1 : path.findIndex((step) => step.status === status);
  return path.map((step, index) => ({
    status: step.status,
    label: portalStatusLabels[step.status],
    state: closed || index < current ? 'done' : index === current ? 'current' : 'upcoming',
    ...((closed || index < current) && step.on ? { on: step.on } : index === 0 ? { on: c.received_at } : {}),
  }));
}

export interface NextSteps {
  /** Paragraphs of what happens next, in plain words. */
  text: string[];
  /** The date we expect the next thing to happen by, with what it is. */
  expected?: { label: string; on: string };
}

/** What happens next, and by when, for a complaint in this status. */
export function nextStepsFor(
  status: PortalStatus,
  c: Pick<PortalCase, 'stage' | 'assessment_due_on' | 'clock_stopped_at'>,
  facts: { commentsDueOn?: string | null; bodies: string[]; remedyDueOn?: string | null },
): NextSteps {
  const about = facts.bodies.length ? facts.bodies.join(' and ') : 'the organisation you complained about';
  switch (status) {
    case 'received':
      return {
        text: ['We have received your complaint. We will look at it soon to decide whether we can investigate it.'],
        ...(c.assessment_due_on ? { expected: { label: 'We aim to tell you our decision on whether to investigate by', on: c.assessment_due_on } } : {}),
      };
    case 'being-assessed':
      if (c.clock_stopped_at) {
        return { text: ['We are deciding whether we can investigate your complaint.', 'We are waiting for some information before we can carry on. We will tell you the new date when we have it.'] };
      }
      return {
        text: ['We are deciding whether we can investigate your complaint. We may contact you or ' + about + ' for more information.'],
        ...(c.assessment_due_on ? { expected: { label: 'We aim to tell you our decision on whether to investigate by', on: c.assessment_due_on } } : {}),
      };
    case 'being-investigated':
      return c.stage === 'awaiting-allocation'
        ? { text: ['We have decided to investigate your complaint. We will give it to an investigator, who will contact you.'] }
        : { text: [`An investigator is looking into your complaint. They may ask you or ${about} for more information.`, 'When they have finished, we will send you a draft decision to comment on.'] };
    case 'draft-decision':
      return {
        text: [
          'We have shared our draft decision with you. Read it below.',
          'If you have comments, or new information, send us a message' + (facts.commentsDueOn ? ` by ${formatLondonDate(facts.commentsDueOn)}` : '') + '. We will consider it before we make our final decision.',
        ],
        ...(facts.commentsDueOn ? { expected: { label: 'Send us your comments on the draft decision by', on: facts.commentsDueOn } } : {}),
      };
    case 'checking-remedy':
      return {
        text: ['We have made our final decision.', `We have asked ${about} to put things right. We are checking that they do what we asked.`],
        ...(facts.remedyDueOn ? { expected: { label: 'They should have done what we asked by', on: facts.remedyDueOn } } : {}),
      };
    case 'decision-made':
      return { text: ['We have made our final decision and closed your complaint. Our decision is final.'] };
    case 'closed':
      return { text: ['We have closed your complaint.'] };
  }
}

function requireReference(reference: string): string {
  const canonical = normaliseReference(reference);
  if (!canonical) throw notFound('Case');
  return canonical;
}

/** The signed-in person's case, or not found: someone else's reference looks exactly like one that does not exist. */
export async function findOwnCase(deps: ServiceDeps, email: string, reference: string): Promise<PortalCase> {
  const found = await caseForEmail(deps.db, normaliseEmail(email), requireReference(reference));
  if (!found) throw notFound('Case');
  return found;
}

/** Every complaint the signed-in person made or is representing someone in, newest first. */
export async function listComplaints(deps: ServiceDeps, email: string) {
  const rows = await casesForEmail(deps.db, normaliseEmail(email));
  return Promise.all(
    rows.map(async (row) => {
      const [decisions, bodies, assessmentStarted] = await Promise.all([
        caseDecisions(deps.db, row.id), caseBodies(deps.db, row.id), row.stage === 'assessment' ? staffHaveActed(deps.db, row.id) : true,
      ]);
      const hasFinalDecision = decisions.some((d) => d.kind === 'final');
      const status = portalStatusOf({ stage: row.stage, hasFinalDecision, assessmentStarted });
      const latestDraft = decisions.filter((d) => d.kind === 'draft').at(-1);
      const next = nextStepsFor(status, row, { commentsDueOn: latestDraft?.comments_due_on, bodies: bodies.map((b) => b.name) });
      return { ...row, unread_messages: Number(row.unread_messages ?? 0), status, statusLabel: portalStatusLabels[status], bodies: bodies.map((b) => b.name), next };
    }),
  );
}
export type ComplaintSummary = Awaited<ReturnType<typeof listComplaints>>[number];

/**
 * One complaint in full for its complainant or representative: progress, what happens next,
 * the decision, documents and messages. Viewing it marks our messages as read.
 */
export async function getComplaint(deps: ServiceDeps, email: string, reference: string, options: { markRead?: boolean } = {}) {
  const c = await findOwnCase(deps, email, reference);
  if (options.markRead !== false) await markMessagesRead(deps.db, c.id, 'person', deps.clock.now());
  const [decisions, bodies, remedies, documents, messages, assessedAt, assessmentStarted] = await Promise.all([
    caseDecisions(deps.db, c.id), caseBodies(deps.db, c.id), caseRemedies(deps.db, c.id), complainantDocuments(deps.db, c.id), caseMessages(deps.db, c.id),
    c.assessment_decided_at ? c.assessment_decided_at : assessmentEndedAt(deps.db, c.id),
    c.stage === 'assessment' ? staffHaveActed(deps.db, c.id) : true,
  ]);
  const finalDecision = decisions.filter((d) => d.kind === 'final').at(-1);
  const draft = decisions.filter((d) => d.kind === 'draft').at(-1);
  const status = portalStatusOf({ stage: c.stage, hasFinalDecision: finalDecision !== undefined, assessmentStarted });
  const pendingRemedies = remedies.filter((r) => r.status === 'pending');
  const remedyDueOn = pendingRemedies.map((r) => r.due_on).sort().at(-1) ?? null;
  const bodyNames = bodies.map((b) => b.name);
  const closedAtAssessment = c.stage === 'closed' && !finalDecision;
  return {
    c,
    status,
    statusLabel: portalStatusLabels[status],
    steps: progressSteps({ ...c, assessment_decided_at: assessedAt }, { hasFinalDecision: finalDecision !== undefined, hasRemedies: remedies.length > 0, assessmentStarted }),
    next: nextStepsFor(status, c, { commentsDueOn: draft?.comments_due_on, bodies: bodyNames, remedyDueOn }),
    bodies: bodyNames,
    decision: finalDecision
      ? { kind: 'final' as const, outcome: outcomes.label(finalDecision.outcome), statement: finalDecision.reasons_text, madeAt: finalDecision.made_at }
      : status === 'draft-decision' && draft
        ? { kind: 'draft' as const, outcome: outcomes.label(draft.outcome), statement: draft.reasons_text, madeAt: draft.made_at, commentsDueOn: draft.comments_due_on }
        : closedAtAssessment
          ? {
              kind: 'closed' as const,
              outcome: c.outcome ? outcomes.label(c.outcome) + (c.closing_reason ? `: ${closingReasons.label(c.closing_reason).toLowerCase()}` : '') : 'Closed',
              statement: await assessmentClosureExplanation(deps.db, c.id),
              madeAt: c.closed_at,
            }
          : undefined,
    remedies: status === 'checking-remedy' || status === 'decision-made' ? remedies : [],
    documents,
    messages: messages.map((m) => ({
      ...m,
      fromUs: m.from_staff_id !== null,
      sender: m.from_staff_id !== null ? (m.staff_name ?? 'Caseworker') : m.from_person_id === c.person_id ? 'You' : (m.person_name ?? 'You'),
    })),
  };
}
export type ComplaintView = Awaited<ReturnType<typeof getComplaint>>;
