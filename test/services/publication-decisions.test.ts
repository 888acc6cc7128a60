import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { actor, advanceCase, eventKinds, registerCase } from '../web/support.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import {
  approveDecisionStatement,
  getDecisionPublication,
  prefillFromReasons,
  publicationQueue,
  publishDecision,
  saveDecisionStatement,
  sendBackDecisionStatement,
  withdrawDecision,
} from '../../src/services/publication/decision-publishing.ts';
import { getPublishedDecision, searchDecisions, type DecisionFilter } from '../../src/services/publication/decision-search.ts';
import type { Actor } from '../../src/domain/case-lifecycle.ts';

const noFilter: DecisionFilter = { words: '', body: '', category: '', outcome: '', page: 1 };
const clean = { summary: 'The council delayed a homelessness decision.', statement: 'Mrs X complained that the council took too long. We found fault and the council agreed to apologise.' };

describe.each(testEngines)('publishing a decision on %s', (engine) => {
  let t: TestApp;
  let ombudsman: Actor;

  /** A case with a final decision whose complainant has full contact details. */
  async function decidedCase(fullName = 'Priya Ramanathan') {
    const reference = await registerCase(t, { fullName, representative: 'Tom Okafor' });
    await advanceCase(t, reference, 'compliance');
    await t.database.db
      .updateTable('people')
      .set({ email: 'priya.r@example.com', phone: '07700 900456', address: '7 Linden Grove, Exampleton, EX4 5GH' })
      .where('full_name', '=', fullName)
      .execute();
    return reference;
  }

  const investigator = () => actor(t, 'investigator');
  const manager = () => actor(t, 'manager');

  beforeAll(async () => {
    t = await createTestApp(engine);
    const id = await createStaffUser(t.services, null, { email: 'olu.ombudsman@test.example', displayName: 'Olu Ombudsman', roles: ['ombudsman'], password: PASSWORD });
    ombudsman = { id, roles: ['ombudsman'] };
  });
  afterAll(async () => t?.dispose());

  it('prefills the draft from the decision’s reasons and warns about the complainant’s details in it', async () => {
    const reference = await registerCase(t, { fullName: 'Dana Whitlock' });
    await advanceCase(t, reference, 'draft-decision');
    const { issueFinalDecision } = await import('../../src/services/investigation.ts');
    await issueFinalDecision(t.services, reference, investigator(), {
      outcome: 'not-upheld', reasons: 'Ms Whitlock complained about noise.\n\nWe found no fault by the council.', remedies: [],
    });
    const view = await getDecisionPublication(t.services, reference, investigator());
    expect(view.status).toBe('not-started');
    expect(view.text).toEqual({ summary: 'Ms Whitlock complained about noise.', statement: 'Ms Whitlock complained about noise.\n\nWe found no fault by the council.' });
    expect(view.check?.count).toBe(2);
    expect(view.check?.summary[0]).toMatchObject({ kind: 'name', text: 'Whitlock', reason: 'Part of the complainant’s name' });
    expect(view.actions).toEqual(['edit']);
  });

  it('cuts a long first paragraph at a sentence for the summary', () => {
    const sentence = 'The council did not assess the needs of the person it was caring for in time. ';
    const { summary } = prefillFromReasons(sentence.repeat(20));
    expect(summary.length).toBeLessThanOrEqual(600);
    expect(summary.endsWith('in time.')).toBe(true);
  });

  it('refuses to submit a statement with personal details unless confirmed not identifying, and saves nothing', async () => {
    const reference = await decidedCase('Priya Ramanathan');
    const withDetails = { summary: 'Ms Ramanathan complained.', statement: 'She lives at 7 Linden Grove (EX4 5GH) and gave 07700 900456.' };
    await expect(saveDecisionStatement(t.services, reference, investigator(), { ...withDetails, intent: 'submit', confirmNotIdentifying: false })).rejects.toMatchObject({
      code: 'invalid',
      fields: { confirmNotIdentifying: 'The check found 4 personal details that may identify someone: remove them, or confirm they do not identify anyone' },
    });
    expect((await getDecisionPublication(t.services, reference, investigator())).row).toBeUndefined();
    // A draft may hold them while it is worked on.
    await saveDecisionStatement(t.services, reference, investigator(), { ...withDetails, intent: 'save', confirmNotIdentifying: false });
    expect((await getDecisionPublication(t.services, reference, investigator())).status).toBe('draft');
    // Confirmed: it goes for approval, and the confirmation is on the timeline.
    await saveDecisionStatement(t.services, reference, investigator(), { ...withDetails, intent: 'submit', confirmNotIdentifying: true });
    const events = await t.database.db.selectFrom('case_events').select(['kind', 'facts']).where('kind', '=', 'publication-submitted').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(events.facts).toMatchObject({ identifiersFound: 4, confirmedNotIdentifying: true });
  });

  it('goes from draft to approval by a second person to publication, every step on the timeline', async () => {
    const reference = await decidedCase('Aled Pryce');
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'save', confirmNotIdentifying: false });
    await expect(approveDecisionStatement(t.services, reference, manager())).rejects.toMatchObject({ code: 'illegal', message: 'This decision has not been submitted for approval' });
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'submit', confirmNotIdentifying: false });
    expect((await getDecisionPublication(t.services, reference, manager())).actions).toEqual(['edit', 'approve', 'send-back']);
    await expect(publishDecision(t.services, reference, manager())).rejects.toMatchObject({ code: 'illegal', message: 'A decision cannot be published until a second person has approved it' });
    await approveDecisionStatement(t.services, reference, manager());
    const id = await publishDecision(t.services, reference, manager());
    const published = await getPublishedDecision(t.services, id);
    expect(published.decision).toMatchObject({ summary_text: clean.summary, statement_text: clean.statement, reference, outcome: 'upheld-fault-injustice' });
    expect(JSON.stringify(published)).not.toContain('Aled');
    expect((await eventKinds(t, reference)).filter((k) => k.startsWith('publication-'))).toEqual([
      'publication-drafted', 'publication-submitted', 'publication-approved', 'publication-published',
    ]);
  });

  it('never lets the drafter approve their own statement, even a manager', async () => {
    const reference = await decidedCase('Bea Lindqvist');
    await saveDecisionStatement(t.services, reference, manager(), { ...clean, intent: 'submit', confirmNotIdentifying: false });
    await expect(approveDecisionStatement(t.services, reference, manager())).rejects.toMatchObject({ code: 'forbidden', message: 'You drafted this decision, so a second person must approve it' });
    await expect(approveDecisionStatement(t.services, reference, investigator())).rejects.toMatchObject({ code: 'forbidden' });
    await approveDecisionStatement(t.services, reference, ombudsman);
    const row = await t.database.db.selectFrom('published_decisions as pd').innerJoin('cases as c', 'c.id', 'pd.case_id').select(['pd.drafted_by', 'pd.approved_by']).where('c.reference', '=', reference).executeTakeFirstOrThrow();
    expect(row).toEqual({ drafted_by: t.staffIds.manager, approved_by: ombudsman.id });
  });

  it('clears the approval and takes the decision off the public site when its words change', async () => {
    const reference = await decidedCase('Cara Doyle');
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'submit', confirmNotIdentifying: false });
    await approveDecisionStatement(t.services, reference, manager());
    const id = await publishDecision(t.services, reference, manager());
    await getPublishedDecision(t.services, id);
    // The approver edits it: now they are the drafter, and the decision is no longer public.
    await saveDecisionStatement(t.services, reference, manager(), { ...clean, statement: `${clean.statement} Corrected.`, intent: 'submit', confirmNotIdentifying: false });
    await expect(getPublishedDecision(t.services, id)).rejects.toMatchObject({ code: 'not-found' });
    const view = await getDecisionPublication(t.services, reference, manager());
    expect({ status: view.status, approvedBy: view.row?.approved_by, publishedAt: view.row?.published_at, draftedBy: view.row?.drafted_by }).toEqual({
      status: 'awaiting-approval', approvedBy: null, publishedAt: null, draftedBy: t.staffIds.manager,
    });
    await expect(approveDecisionStatement(t.services, reference, manager())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(publishDecision(t.services, reference, manager())).rejects.toMatchObject({ code: 'illegal' });
    const submitted = await t.database.db.selectFrom('case_events').select('facts').where('kind', '=', 'publication-submitted').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(submitted.facts).toMatchObject({ approvalCleared: true, takenOffPublicSite: true });
  });

  it('keeps the approval when the same words are saved again', async () => {
    const reference = await decidedCase('Dev Anand');
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'submit', confirmNotIdentifying: false });
    await approveDecisionStatement(t.services, reference, manager());
    const result = await saveDecisionStatement(t.services, reference, manager(), { ...clean, intent: 'save', confirmNotIdentifying: false });
    expect(result).toEqual({ status: 'approved', changed: false });
  });

  it('sends back with a reason, then the drafter changes and resubmits', async () => {
    const reference = await decidedCase('Efe Bello');
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'submit', confirmNotIdentifying: false });
    await expect(sendBackDecisionStatement(t.services, reference, manager(), { reason: '  ' })).rejects.toMatchObject({ code: 'invalid', fields: { reason: 'Enter why the decision is being sent back' } });
    await sendBackDecisionStatement(t.services, reference, manager(), { reason: 'Remove the street name in paragraph 3.' });
    const view = await getDecisionPublication(t.services, reference, investigator());
    expect(view.status).toBe('sent-back');
    expect(view.history[0]).toMatchObject({ kind: 'publication-sent-back', reason: 'Remove the street name in paragraph 3.', actor_name: 'Meg Manager' });
    expect(view.actions).toEqual(['edit', 'submit']);
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, statement: 'Changed.', intent: 'submit', confirmNotIdentifying: false });
    expect((await getDecisionPublication(t.services, reference, manager())).status).toBe('awaiting-approval');
  });

  it('withdraws a published decision with a reason and can publish it again', async () => {
    const reference = await decidedCase('Fern Ashby');
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'submit', confirmNotIdentifying: false });
    await approveDecisionStatement(t.services, reference, manager());
    const id = await publishDecision(t.services, reference, manager());
    await expect(withdrawDecision(t.services, reference, investigator(), { reason: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
    await withdrawDecision(t.services, reference, manager(), { reason: 'The complainant recognised herself.' });
    await expect(getPublishedDecision(t.services, id)).rejects.toMatchObject({ code: 'not-found' });
    expect((await getDecisionPublication(t.services, reference, manager())).status).toBe('withdrawn');
    await publishDecision(t.services, reference, ombudsman);
    await getPublishedDecision(t.services, id);
  });

  it('refuses to publish a case without a final decision, and an unknown case', async () => {
    const reference = await registerCase(t);
    await expect(saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'save', confirmNotIdentifying: false })).rejects.toMatchObject({ code: 'illegal' });
    await expect(getDecisionPublication(t.services, '99 999 999', investigator())).rejects.toMatchObject({ code: 'not-found' });
    await expect(publishDecision(t.services, 'nonsense', manager())).rejects.toMatchObject({ code: 'not-found' });
  });

  it('lets two approvers race and records one approval', async () => {
    const reference = await decidedCase('Gil Moreno');
    await saveDecisionStatement(t.services, reference, investigator(), { ...clean, intent: 'submit', confirmNotIdentifying: false });
    const results = await Promise.allSettled([approveDecisionStatement(t.services, reference, manager()), approveDecisionStatement(t.services, reference, ombudsman)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await eventKinds(t, reference)).filter((k) => k === 'publication-approved')).toHaveLength(1);
  });

  it('lists decisions in the staff queue by where they stand', async () => {
    const queue = await publicationQueue(t.services, 'approval', 1);
    expect(queue.rows.every((r) => r.status === 'awaiting-approval')).toBe(true);
    expect(queue.counts.approval).toBe(queue.rows.length);
    const all = await Promise.all((['review', 'approval', 'publish', 'published', 'withdrawn'] as const).map((tab) => publicationQueue(t.services, tab, 1)));
    const decided = await t.database.db.selectFrom('decisions').select((eb) => eb.fn.count<number>('case_id').distinct().as('n')).where('kind', '=', 'final').executeTakeFirstOrThrow();
    // Every case with a final decision is in exactly one tab.
    expect(all.reduce((sum, q) => sum + q.rows.length, 0)).toBe(Number(decided.n));
    expect(all[3]?.rows.every((r) => r.status === 'published')).toBe(true);
    // A page past the end shows the last page.
    expect((await publicationQueue(t.services, 'review', 999)).page).toBe(1);
  });

  it('finds published decisions by words, and none that are not public', async () => {
    const result = await searchDecisions(t.services, { ...noFilter, words: 'apologise' });
    expect(result.total).toBeGreaterThan(0);
    expect(result.results[0]?.extractParts.some((p) => p.match && /apologis/i.test(p.text))).toBe(true);
    const ids = new Set((await searchDecisions(t.services, noFilter)).results.map((r) => r.id));
    const hidden = await t.database.db.selectFrom('published_decisions').select('id').where((eb) => eb.or([eb('published_at', 'is', null), eb('withdrawn_at', 'is not', null)])).execute();
    for (const row of hidden) expect(ids.has(row.id)).toBe(false);
  });

  describe('the database itself holds the four-eyes rule', () => {
    async function someDecision() {
      const reference = await decidedCase(`Hana Sato ${Math.random().toString(36).slice(2, 6)}`);
      const c = await t.database.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
      const d = await t.database.db.selectFrom('decisions').select('id').where('case_id', '=', c.id).where('kind', '=', 'final').executeTakeFirstOrThrow();
      return { caseId: c.id, decisionId: d.id };
    }

    it('refuses a row approved by its drafter', async () => {
      const { caseId, decisionId } = await someDecision();
      const drafter = t.staffIds.manager;
      await expect(
        sql`insert into published_decisions (case_id, decision_id, summary_text, statement_text, drafted_by, drafted_at, approved_by, approved_at)
            values (${caseId}, ${decisionId}, 's', 't', ${drafter}, now(), ${drafter}, now())`.execute(t.database.db),
      ).rejects.toThrow(/check constraint/);
    });

    it('refuses a row published without approval, on insert and on update', async () => {
      const { caseId, decisionId } = await someDecision();
      await expect(
        sql`insert into published_decisions (case_id, decision_id, summary_text, statement_text, drafted_by, drafted_at, published_at)
            values (${caseId}, ${decisionId}, 's', 't', ${t.staffIds.investigator}, now(), now())`.execute(t.database.db),
      ).rejects.toThrow(/check constraint/);
      await sql`insert into published_decisions (case_id, decision_id, summary_text, statement_text, drafted_by, drafted_at)
                values (${caseId}, ${decisionId}, 's', 't', ${t.staffIds.investigator}, now())`.execute(t.database.db);
      await expect(sql`update published_decisions set published_at = now() where case_id = ${caseId}`.execute(t.database.db)).rejects.toThrow(/check constraint/);
      await expect(sql`update published_decisions set approved_by = drafted_by, approved_at = now() where case_id = ${caseId}`.execute(t.database.db)).rejects.toThrow(/check constraint/);
      // Clearing the approval of a published row is refused too: it must be unpublished with it.
      await sql`update published_decisions set approved_by = ${t.staffIds.manager}, approved_at = now(), published_at = now() where case_id = ${caseId}`.execute(t.database.db);
      await expect(sql`update published_decisions set approved_by = null, approved_at = null where case_id = ${caseId}`.execute(t.database.db)).rejects.toThrow(/check constraint/);
    });
  });
});
