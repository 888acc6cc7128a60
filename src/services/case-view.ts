import {
  caseBodies,
  caseClockStops,
  caseDecisions,
  caseDocuments,
  caseEnquiries,
  caseEvents,
  caseRemedies,
  findCaseByReference,
  findDocument,
  jointWorking,
} from '../data/repositories/cases.ts';
import { unreadMessagesForStaff } from '../data/repositories/portal.ts';
import { availableActions, type Actor, type Stage } from '../domain/case-lifecycle.ts';
import { eventActorLabel } from '../domain/case-events.ts';
import { assessmentDeadline, weekMarks, type ExplainedDeadline } from '../domain/deadlines.ts';
import { formatLondonDate, londonDate } from '../domain/london-time.ts';
import { normaliseReference } from '../domain/references.ts';
import { notFound } from './errors.ts';
import type { ServiceDeps } from './deps.ts';

/** Everything the case page shows, with every deadline explained and the actions this person may take. */
export async function getCase(deps: ServiceDeps, reference: string, actor: Actor) {
  return (await readCase(deps, reference, actor, false)).view;
}

/** The case page itself: the case, and how many of the complainant's messages nobody has read, read together. */
export async function getCasePage(deps: ServiceDeps, reference: string, actor: Actor) {
  const { view, unreadMessages } = await readCase(deps, reference, actor, true);
  return { view, unreadMessages: unreadMessages ?? 0 };
}

async function readCase(deps: ServiceDeps, reference: string, actor: Actor, withUnreadMessages: boolean) {
  const canonical = normaliseReference(reference);
  const caseRow = canonical ? await findCaseByReference(deps.db, canonical) : undefined;
  if (!caseRow) throw notFound('Case');
  const id = caseRow.id;
  const [bodies, events, decisions, remedies, enquiries, documents, stops, joint, unreadMessages] = await Promise.all([
    caseBodies(deps.db, id),
    caseEvents(deps.db, id),
    caseDecisions(deps.db, id),
    caseRemedies(deps.db, id),
    caseEnquiries(deps.db, id),
    caseDocuments(deps.db, id),
    caseClockStops(deps.db, id),
    jointWorking(deps.db, id),
    withUnreadMessages ? unreadMessagesForStaff(deps.db, id) : undefined,
  ]);
  const calendar = deps.calendar();
  const today = londonDate(deps.clock.now());
  const deadlines: (ExplainedDeadline & { met?: boolean; overdue?: boolean })[] = [];
  const assessment = assessmentDeadline(caseRow.received_at, stops.map((s) => ({ stoppedAt: s.stopped_at, restartedAt: s.restarted_at })), calendar);
  const milestone = [caseRow.assessment_decided_at, caseRow.allocated_at].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0];
  deadlines.push({
    ...assessment,
    ...(milestone && assessment.due ? { met: londonDate(milestone) <= assessment.due } : {}),
    overdue: !milestone && assessment.due !== null && today > assessment.due,
  });
  for (const mark of weekMarks(caseRow.received_at)) {
    const closedOn = caseRow.closed_at ? londonDate(caseRow.closed_at) : undefined;
    deadlines.push({ ...mark, ...(closedOn ? { met: closedOn <= (mark.due as string) } : {}), overdue: !closedOn && today > (mark.due as string) });
  }
  for (const enquiry of enquiries) {
    deadlines.push({
      label: `Response from ${enquiry.body_name}`,
      due: enquiry.due_on,
      explanation: `Enquiry sent on ${formatLondonDate(enquiry.sent_at)}; ${calendar.workingDaysBetween(londonDate(enquiry.sent_at), enquiry.due_on)} working days allowed.`,
      ...(enquiry.responded_at ? { met: londonDate(enquiry.responded_at) <= enquiry.due_on } : {}),
      overdue: !enquiry.responded_at && today > enquiry.due_on,
    });
  }
  const latestDraft = decisions.filter((d) => d.kind === 'draft').at(-1);
  if (latestDraft?.comments_due_on) {
    deadlines.push({
      label: 'Comments on the draft decision',
      due: latestDraft.comments_due_on,
      explanation: `Draft shared on ${formatLondonDate(latestDraft.made_at)}; ${calendar.workingDaysBetween(londonDate(latestDraft.made_at), latestDraft.comments_due_on)} working days allowed for comments.`,
    });
  }
  const state = {
    stage: caseRow.stage as Stage,
    ownerId: caseRow.owner_id,
    clockStopped: caseRow.clock_stopped_at !== null,
    joint: caseRow.joint,
    pendingRemedies: remedies.filter((r) => r.status === 'pending').length,
  };
  const view = {
    caseRow,
    bodies,
    // The timeline's byline: staff by name, a body's link officer as "Link officer <name> (<body>)".
    events: events.map((event) => ({ ...event, actor_name: eventActorLabel(event) })),
    decisions,
    remedies,
    enquiries,
    documents,
    stops,
    joint,
    deadlines,
    actions: availableActions(state, actor),
  };
  return { view, unreadMessages };
}
export type CaseView = Awaited<ReturnType<typeof getCase>>;

export async function getDocument(deps: ServiceDeps, reference: string, documentId: number) {
  const canonical = normaliseReference(reference);
  const caseRow = canonical ? await findCaseByReference(deps.db, canonical) : undefined;
  if (!caseRow) throw notFound('Document');
  const document = await findDocument(deps.db, caseRow.id, documentId);
  if (!document) throw notFound('Document');
  return { document, content: await deps.files.get(document.storage_key) };
}
