import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { registerContact, type RegisterContactInput } from '../../src/services/intake.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { restartClock, stopClock } from '../../src/services/case-clock.ts';
import { issueFinalDecision, shareDraftDecision } from '../../src/services/investigation.ts';
import { startJointWorking } from '../../src/services/joint-working.ts';
import { recordCompliance } from '../../src/services/compliance.ts';
import { AppError } from '../../src/services/errors.ts';

describe.each(testEngines)('casework services on %s', (engine) => {
  let t: TestApp;
  const intake = () => ({ id: t.staffIds.intake, roles: ['intake' as const] });
  const assessor = () => ({ id: t.staffIds.assessor, roles: ['assessor' as const] });
  const manager = () => ({ id: t.staffIds.manager, roles: ['team-manager' as const] });
  const investigator = () => ({ id: t.staffIds.investigator, roles: ['investigator' as const] });
  const complaint = (receivedAt: Date, bodyIds = [t.bodyIds[0]!]): RegisterContactInput => ({
    channel: 'email', receivedAt, complainant: { fullName: 'Sam Example', email: 'sam@example.com' }, bodyIds,
    summary: 'My complaint', outcome: 'case-created', category: 'Housing', subcategory: 'Homelessness', jurisdiction: 'local-government',
  });

  beforeAll(async () => {
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'));
  });
  afterAll(async () => t?.dispose());

  it('gives concurrent registrations unique, consecutive references for the year of receipt', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => registerContact(t.services, intake(), complaint(new Date('2025-12-31T23:30:00Z')))));
    const references = results.map((r) => r.reference).sort();
    expect(new Set(references).size).toBe(12);
    expect(references[0]).toBe('25 000 001');
    expect(references[11]).toBe('25 000 012');
  });

  it('records a contact dealt with at intake without creating a case', async () => {
    const before = await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const result = await registerContact(t.services, intake(), { ...complaint(new Date('2026-03-02T09:00:00Z')), outcome: 'premature' });
    expect(result.reference).toBeNull();
    const after = await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const contact = await t.database.db.selectFrom('contacts').selectAll().where('id', '=', result.contactId).executeTakeFirstOrThrow();
    expect(contact.outcome).toBe('premature');
    expect(contact.dealt_with_at).toEqual(t.clock.now());
  });

  it('refuses a contact received in the future', async () => {
    await expect(registerContact(t.services, intake(), complaint(new Date('2026-03-09T09:00:00Z')))).rejects.toMatchObject({ code: 'invalid', fields: { receivedAt: expect.any(String) } });
  });

  it('leaves a case exactly as it was when an action is refused', async () => {
    const { reference } = await registerContact(t.services, intake(), complaint(new Date('2026-03-02T09:00:00Z')));
    const snapshot = async () => {
      const row = await t.database.db.selectFrom('cases').selectAll().where('reference', '=', reference!).executeTakeFirstOrThrow();
      const events = await t.database.db.selectFrom('case_events').select('id').where('case_id', '=', row.id).execute();
      const remedies = await t.database.db.selectFrom('remedies').select('id').where('case_id', '=', row.id).execute();
      return { row, events: events.length, remedies: remedies.length };
    };
    const before = await snapshot();
    await expect(allocateCase(t.services, reference!, manager(), t.staffIds.investigator)).rejects.toMatchObject({ code: 'illegal' });
    await expect(issueFinalDecision(t.services, reference!, manager(), { outcome: 'upheld-fault-injustice', reasons: 'x', remedies: [{ kind: 'apology', description: 'Say sorry', dueOn: '2026-04-01' }] })).rejects.toBeInstanceOf(AppError);
    await expect(decideAssessment(t.services, reference!, investigator(), { decision: 'pass-for-investigation' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await snapshot()).toEqual(before);
  });

  it('stops and restarts the clock, moving the deadline by the working days stopped', async () => {
    const { reference } = await registerContact(t.services, intake(), complaint(new Date('2026-03-02T09:00:00Z')));
    const dueOn = async () => (await t.database.db.selectFrom('cases').select('assessment_due_on').where('reference', '=', reference!).executeTakeFirstOrThrow()).assessment_due_on;
    expect(await dueOn()).toBe('2026-03-30');
    await stopClock(t.services, reference!, assessor(), { reason: 'Waiting for consent' });
    await expect(stopClock(t.services, reference!, assessor(), { reason: 'Again' })).rejects.toMatchObject({ code: 'illegal' });
    t.clock.set(new Date('2026-03-09T10:00:00Z'));
    await restartClock(t.services, reference!, assessor());
    expect(await dueOn()).toBe('2026-04-08'); // 5 working days later, over Easter
    t.clock.set(new Date('2026-03-02T10:00:00Z'));
  });

  it('apportions a joint case’s payment between the bodies and closes when compliance is settled', async () => {
    const { reference } = await registerContact(t.services, intake(), complaint(new Date('2026-03-02T09:00:00Z'), [t.bodyIds[0]!, t.bodyIds[1]!]));
    await startJointWorking(t.services, reference!, assessor(), { consentToJoint: 'yes', consentToShare: 'yes', consentGivenOn: '2026-03-02' });
    await decideAssessment(t.services, reference!, assessor(), { decision: 'pass-for-investigation' });
    const row = await t.database.db.selectFrom('cases').select(['team', 'joint']).where('reference', '=', reference!).executeTakeFirstOrThrow();
    expect(row).toEqual({ team: 'joint', joint: true });
    await allocateCase(t.services, reference!, manager(), t.staffIds.investigator);
    await shareDraftDecision(t.services, reference!, investigator(), { outcome: 'upheld-fault-injustice', reasons: 'Fault', commentsDueOn: '2026-03-16' });
    const badShares = { outcome: 'upheld-fault-injustice', reasons: 'Fault', remedies: [{ kind: 'financial-payment', description: 'Pay', amountPence: 50_000, dueOn: '2026-04-01', shares: [{ bodyId: t.bodyIds[0]!, amountPence: 10_000 }, { bodyId: t.bodyIds[1]!, amountPence: 10_000 }] }] };
    await expect(issueFinalDecision(t.services, reference!, investigator(), badShares)).rejects.toMatchObject({ code: 'invalid' });
    const { remedyIds } = await issueFinalDecision(t.services, reference!, investigator(), {
      ...badShares, remedies: [{ ...badShares.remedies[0]!, shares: [{ bodyId: t.bodyIds[0]!, amountPence: 30_000 }, { bodyId: t.bodyIds[1]!, amountPence: 20_000 }] }],
    });
    const shares = await t.database.db.selectFrom('remedy_shares').select(['body_id', 'amount_pence']).where('remedy_id', '=', remedyIds[0]!).orderBy('body_id').execute();
    expect(shares.map((s) => s.amount_pence)).toEqual([30_000, 20_000]);
    const status = await recordCompliance(t.services, reference!, investigator(), remedyIds[0]!, { complied: 'yes', settledOn: '2026-03-02', evidence: 'Paid' });
    expect(status).toBe('complied-on-time');
    const closed = await t.database.db.selectFrom('cases').select(['stage', 'closed_at']).where('reference', '=', reference!).executeTakeFirstOrThrow();
    expect(closed.stage).toBe('closed');
  });
});
