import type { ActionKind } from '../../domain/case-lifecycle.ts';
import { closingReasons, finalDecisionOutcomes, outcomes, remedyKinds } from '../../domain/vocabulary.ts';
import { listInvestigators } from '../../data/repositories/staff-users.ts';
import { decideAssessment } from '../../services/assessment.ts';
import { allocateCase } from '../../services/allocation.ts';
import { addNote, issueFinalDecision, sendEnquiry, shareDraftDecision, type FinalDecisionInput } from '../../services/investigation.ts';
import { restartClock, stopClock } from '../../services/case-clock.ts';
import { endJointWorking, startJointWorking } from '../../services/joint-working.ts';
import { AppError } from '../../services/errors.ts';
import type { ServiceDeps } from '../../services/deps.ts';
import type { SignedInStaff } from '../../services/staff-accounts.ts';
import type { CaseView } from '../../services/case-view.ts';
import { dateInput, field, parseId, penceInput, type FormBody } from '../forms.ts';

/** One action page on a case: its form, and what submitting it does. */
export interface CaseActionPage {
  slug: string;
  action: ActionKind;
  title: string;
  template: string;
  context?(deps: ServiceDeps, view: CaseView): Promise<Record<string, unknown>>;
  submit(deps: ServiceDeps, reference: string, actor: SignedInStaff, body: FormBody): Promise<string>;
}

/**
 * Reads the form's dates, then runs the use case; a date the form could not read is passed on
 * empty, so the use case refuses it too and every other mistake is reported with it.
 */
async function withDates<T>(body: FormBody, dates: Record<string, string>, run: (values: Record<string, string>) => Promise<T>): Promise<T> {
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const [name, label] of Object.entries(dates)) {
    const date = dateInput(body, name, label);
    values[name] = date.value ?? '';
    if (date.error) errors[name] = date.error;
  }
  try {
    return await run(values);
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid') throw new AppError('invalid', error.message, { ...error.fields, ...errors });
    throw error;
  }
}

const REMEDY_SLOTS = 3;

export const caseActionPages: CaseActionPage[] = [
  {
    slug: 'assessment', action: 'pass-for-investigation', title: 'Record the assessment decision', template: 'staff/actions/assessment.njk',
    context: async () => ({ reasons: closingReasons.options() }),
    async submit(deps, reference, actor, body) {
      const decision = field(body, 'decision');
      await decideAssessment(deps, reference, actor, { decision, reason: field(body, 'reason'), explanation: field(body, 'explanation') } as never);
      return decision === 'pass-for-investigation' ? 'Case passed for investigation' : 'Assessment decision recorded and case closed';
    },
  },
  {
    slug: 'allocate', action: 'allocate', title: 'Allocate to an investigator', template: 'staff/actions/allocate.njk',
    context: async (deps) => ({ investigators: await listInvestigators(deps.db) }),
    async submit(deps, reference, actor, body) {
      await allocateCase(deps, reference, actor, parseId(field(body, 'investigatorId')) ?? 0);
      return 'Case allocated';
    },
  },
  {
    slug: 'note', action: 'add-note', title: 'Add a note', template: 'staff/actions/note.njk',
    async submit(deps, reference, actor, body) {
      await addNote(deps, reference, actor, { text: field(body, 'text') });
      return 'Note added';
    },
  },
  {
    slug: 'enquiry', action: 'send-enquiry', title: 'Send an enquiry to the body', template: 'staff/actions/enquiry.njk',
    async submit(deps, reference, actor, body) {
      await withDates(body, { dueOn: 'the date the response is due' }, (d) =>
        sendEnquiry(deps, reference, actor, { bodyId: parseId(field(body, 'bodyId')) ?? 0, question: field(body, 'question'), dueOn: d.dueOn as string }));
      return 'Enquiry recorded';
    },
  },
  {
    slug: 'draft-decision', action: 'share-draft-decision', title: 'Share a draft decision', template: 'staff/actions/draft-decision.njk',
    context: async () => ({ outcomes: finalDecisionOutcomes.map((value) => ({ value, text: outcomes.label(value) })) }),
    async submit(deps, reference, actor, body) {
      await withDates(body, { commentsDueOn: 'the date comments are due' }, (d) =>
        shareDraftDecision(deps, reference, actor, { outcome: field(body, 'outcome'), reasons: field(body, 'reasons'), commentsDueOn: d.commentsDueOn as string }));
      return 'Draft decision shared';
    },
  },
  {
    slug: 'final-decision', action: 'issue-final-decision', title: 'Issue the final decision', template: 'staff/actions/final-decision.njk',
    context: async () => ({ outcomes: finalDecisionOutcomes.map((value) => ({ value, text: outcomes.label(value) })), remedyKinds: remedyKinds.options(), slots: [...Array(REMEDY_SLOTS).keys()] }),
    async submit(deps, reference, actor, body) {
      const { remedies, errors } = readRemedies(body);
      try {
        await issueFinalDecision(deps, reference, actor, { outcome: field(body, 'outcome'), reasons: field(body, 'reasons'), remedies });
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') throw new AppError('invalid', error.message, { ...error.fields, ...errors });
        throw error;
      }
      return 'Final decision issued';
    },
  },
  {
    slug: 'stop-clock', action: 'stop-clock', title: 'Stop the clock', template: 'staff/actions/stop-clock.njk',
    async submit(deps, reference, actor, body) {
      await stopClock(deps, reference, actor, { reason: field(body, 'reason') });
      return 'Clock stopped';
    },
  },
  {
    slug: 'restart-clock', action: 'restart-clock', title: 'Restart the clock', template: 'staff/actions/restart-clock.njk',
    async submit(deps, reference, actor) {
      await restartClock(deps, reference, actor);
      return 'Clock restarted and deadline recalculated';
    },
  },
  {
    slug: 'start-joint', action: 'start-joint-working', title: 'Make this a joint case with the health ombudsman', template: 'staff/actions/start-joint.njk',
    async submit(deps, reference, actor, body) {
      await withDates(body, { consentGivenOn: 'the date consent was given' }, (d) =>
        startJointWorking(deps, reference, actor, {
          consentToJoint: field(body, 'consentToJoint') as 'yes', consentToShare: field(body, 'consentToShare') as 'yes',
          consentGivenOn: d.consentGivenOn as string,
        }));
      return 'Case is now joint with the health ombudsman';
    },
  },
  {
    slug: 'end-joint', action: 'end-joint-working', title: 'End joint working', template: 'staff/actions/end-joint.njk',
    async submit(deps, reference, actor, body) {
      await endJointWorking(deps, reference, actor, { reason: field(body, 'reason') });
      return 'Joint working ended';
    },
  },
];

/**
 * Reads the fixed remedy rows of the final decision form (it works without JavaScript). A value
 * the form cannot read is passed on as one the use case refuses (NaN, ''), so nothing is saved.
 */
function readRemedies(body: FormBody): { remedies: FinalDecisionInput['remedies']; errors: Record<string, string> } {
  const remedies: FinalDecisionInput['remedies'] = [];
  const errors: Record<string, string> = {};
  for (let i = 0; i < REMEDY_SLOTS; i++) {
    const kind = field(body, `remedies[${i}][kind]`);
    if (!kind) continue;
    const amountText = field(body, `remedies[${i}][amount]`);
    const amountPence = amountText ? (penceInput(amountText) ?? Number.NaN) : null;
    if (Number.isNaN(amountPence)) errors[`remedies.${i}.amountPence`] = 'Enter an amount in pounds, like 250 or 250.50';
    const due = dateInput(body, `remedies-${i}-dueOn`, 'the date the remedy is due');
    if (due.error) errors[`remedies.${i}.dueOn`] = due.error;
    const shares: { bodyId: number; amountPence: number }[] = [];
    for (const bodyIdText of Object.keys(body).filter((k) => k.startsWith(`remedies[${i}][share][`))) {
      const bodyId = parseId(/\[share\]\[(\d+)\]/.exec(bodyIdText)?.[1]) ?? 0;
      const share = field(body, bodyIdText);
      if (share) {
        const pence = penceInput(share);
        if (pence === undefined) errors[`remedies.${i}.shares`] = 'Enter each body’s share in pounds';
        shares.push({ bodyId, amountPence: pence ?? Number.NaN });
      }
    }
    remedies.push({ kind, description: field(body, `remedies[${i}][description]`), amountPence: amountPence ?? null, dueOn: due.value ?? '', ...(shares.length ? { shares } : {}) });
  }
  return { remedies, errors };
}

export { REMEDY_SLOTS };
