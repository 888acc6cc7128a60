/**
 * Cases with remedies due on chosen dates, for the remedy follow-up tests: the decision is made
 * through the services with the clock set back to `decidedOn`, as it would have been.
 */
import type { TestApp, TestStaffName } from '../helpers/app.ts';
import { actor, registerCase } from '../web/support.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { issueFinalDecision, shareDraftDecision } from '../../src/services/investigation.ts';
import { recordCompliance } from '../../src/services/compliance.ts';
import { addCalendarDays, londonDateTime } from '../../src/domain/london-time.ts';

export interface RemedyToRecommend {
  kind: string;
  dueOn: string;
  description?: string;
  amountPence?: number;
  shares?: { bodyId: number; amountPence: number }[];
}

export interface DecidedCase {
  reference: string;
  caseId: number;
  remedyIds: number[];
}

/** A case about `bodyIds`, decided (upheld) on `decidedOn` by `investigator`, with these remedies. */
export async function decidedCase(
  t: TestApp,
  options: { decidedOn: string; remedies: RemedyToRecommend[]; bodyIds?: number[]; investigator?: TestStaffName; complainant?: string },
): Promise<DecidedCase> {
  const restore = t.clock.now();
  const investigator = options.investigator ?? 'investigator';
  try {
    t.clock.set(londonDateTime(addCalendarDays(options.decidedOn, -20), '10:00'));
    const reference = await registerCase(t, { bodyIds: options.bodyIds ?? [t.bodyIds[0] as number], ...(options.complainant ? { fullName: options.complainant } : {}) });
    await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'pass-for-investigation' });
    await allocateCase(t.services, reference, actor(t, 'manager'), t.staffIds[investigator]);
    await shareDraftDecision(t.services, reference, actor(t, investigator), { outcome: 'upheld-fault-injustice', reasons: 'Draft', commentsDueOn: addCalendarDays(options.decidedOn, -5) });
    t.clock.set(londonDateTime(options.decidedOn, '11:00'));
    const { remedyIds } = await issueFinalDecision(t.services, reference, actor(t, investigator), {
      outcome: 'upheld-fault-injustice',
      reasons: 'Final',
      remedies: options.remedies.map((r) => ({ kind: r.kind, description: r.description ?? `Provide the ${r.kind}`, dueOn: r.dueOn, ...(r.amountPence ? { amountPence: r.amountPence } : {}), ...(r.shares ? { shares: r.shares } : {}) })),
    });
    const row = await t.database.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
    return { reference, caseId: row.id, remedyIds };
  } finally {
    t.clock.set(restore);
  }
}

/** Records that the body carried out (or did not carry out) a remedy, on `settledOn`, with the clock then. */
export async function settle(t: TestApp, reference: string, remedyId: number, settledOn: string, complied: 'yes' | 'no' = 'yes', who: TestStaffName = 'investigator') {
  const restore = t.clock.now();
  try {
    t.clock.set(londonDateTime(settledOn, '15:00'));
    return await recordCompliance(t.services, reference, actor(t, who), remedyId, { complied, settledOn, evidence: 'Copy of the letter of apology' });
  } finally {
    t.clock.set(restore);
  }
}

let officers = 0;
/** A link officer at a body (active unless said otherwise); returns their email address. */
export async function addLinkOfficer(t: TestApp, bodyId: number, options: { active?: boolean; name?: string } = {}): Promise<string> {
  const n = ++officers;
  const email = `officer${n}@council${bodyId}.example`;
  await t.database.db.insertInto('link_officers').values({ body_id: bodyId, email, full_name: options.name ?? `Officer ${n}`, active: options.active ?? true }).execute();
  return email;
}

/** The case-timeline events of a kind on a case, oldest first. */
export async function eventsOf(t: TestApp, caseId: number, kind: string) {
  return t.database.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('kind', '=', kind).orderBy('id').execute();
}
