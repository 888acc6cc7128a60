import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';

/** A complaint from first contact to closure, through the web pages, as each role would do it. */
describe.each(testEngines)('casework journey on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'));
  });
  afterAll(async () => t?.dispose());

  let reference = '';
  const caseUrl = () => `/staff/cases/${reference.replace(/ /g, '')}`;

  it('intake registers a phone call as a complaint and gets a reference in the ombudsman’s style', async () => {
    const intake = await signedInAs(t.app, 'intake');
    const form = await intake.get('/staff/contacts/new');
    expect(form.statusCode).toBe(200);
    const response = await intake.post('/staff/contacts/new', {
      channel: 'phone', 'received-day': '27', 'received-month': '2', 'received-year': '2026', receivedTime: '4pm',
      fullName: 'Jane Complainant', email: 'jane@example.com', phone: '', address: '',
      bodyId: String(t.bodyIds[0]), summary: 'The council did not assess my mother’s care needs.',
      outcome: 'case-created', category: 'Adult care services > Assessment and care plan', jurisdiction: 'adult-social-care',
    });
    expect(response.statusCode).toBe(303);
    const match = /\/staff\/cases\/(\d{8})\?registered=1/.exec(response.headers.location as string);
    expect(match).not.toBeNull();
    reference = `${match![1]!.slice(0, 2)} ${match![1]!.slice(2, 5)} ${match![1]!.slice(5)}`;
    expect(reference).toMatch(/^26 \d{3} \d{3}$/);
    const page = await intake.get(caseUrl());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Jane Complainant');
    expect(page.body).toContain('Complaint registered');
    // Received Friday 27 February 2026: 20 working days later is Friday 27 March 2026.
    expect(page.body).toContain('27 March 2026');
  });

  it('the assessor sees it in the queue and passes it for investigation', async () => {
    const assessor = await signedInAs(t.app, 'assessor');
    const queue = await assessor.get('/staff/queues/assessment');
    expect(queue.body).toContain(reference);
    const empty = await assessor.post(`${caseUrl()}/assessment`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('Select a decision');
    const done = await assessor.post(`${caseUrl()}/assessment`, { decision: 'pass-for-investigation', explanation: 'Needs investigation' });
    expect(done.statusCode).toBe(303);
    expect((await assessor.get('/staff/queues/allocation')).body).toContain(reference);
  });

  it('an investigator cannot allocate; the manager allocates to a named investigator', async () => {
    const investigator = await signedInAs(t.app, 'investigator');
    await investigator.get(`${caseUrl()}/allocate`);
    const refused = await investigator.post(`${caseUrl()}/allocate`, { investigatorId: String(t.staffIds.investigator) });
    expect(refused.statusCode).toBe(403);
    const manager = await signedInAs(t.app, 'manager');
    await manager.get(`${caseUrl()}/allocate`);
    const allocated = await manager.post(`${caseUrl()}/allocate`, { investigatorId: String(t.staffIds.investigator) });
    expect(allocated.statusCode).toBe(303);
    const page = await manager.get(caseUrl());
    expect(page.body).toContain('Ina Investigator');
  });

  it('the investigator shares a draft, then issues the final decision with a remedy', async () => {
    const investigator = await signedInAs(t.app, 'investigator');
    await investigator.get(`${caseUrl()}/draft-decision`);
    const draft = await investigator.post(`${caseUrl()}/draft-decision`, {
      outcome: 'upheld-fault-injustice', reasons: 'The council was at fault.', 'commentsDueOn-day': '16', 'commentsDueOn-month': '3', 'commentsDueOn-year': '2026',
    });
    expect(draft.statusCode).toBe(303);
    await investigator.get(`${caseUrl()}/final-decision`);
    const noRemedy = await investigator.post(`${caseUrl()}/final-decision`, { outcome: 'upheld-fault-injustice', reasons: 'Fault causing injustice.' });
    expect(noRemedy.statusCode).toBe(400);
    expect(noRemedy.body).toContain('Recommend at least one remedy');
    expect(noRemedy.body).toContain('Fault causing injustice.');
    const final = await investigator.post(`${caseUrl()}/final-decision`, {
      outcome: 'upheld-fault-injustice', reasons: 'Fault causing injustice.',
      'remedies[0][kind]': 'financial-payment', 'remedies[0][description]': 'Pay £300 for distress', 'remedies[0][amount]': '300',
      'remedies-0-dueOn-day': '1', 'remedies-0-dueOn-month': '4', 'remedies-0-dueOn-year': '2026',
    });
    expect(final.statusCode).toBe(303);
    const page = await investigator.get(caseUrl());
    expect(page.body).toContain('Checking remedies');
    expect(page.body).toContain('£300.00');
  });

  it('compliance is recorded and the case closes', async () => {
    const investigator = await signedInAs(t.app, 'investigator');
    const remedy = await t.database.db.selectFrom('remedies').select('id').executeTakeFirstOrThrow();
    await investigator.get(`${caseUrl()}/remedies/${remedy.id}/compliance`);
    const done = await investigator.post(`${caseUrl()}/remedies/${remedy.id}/compliance`, {
      complied: 'yes', 'settledOn-day': '2', 'settledOn-month': '3', 'settledOn-year': '2026', evidence: 'Payment confirmation received',
    });
    expect(done.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
    expect(row.stage).toBe('closed');
    expect(row.outcome).toBe('upheld-fault-injustice');
    expect(row.closed_at).not.toBeNull();
    const events = await t.database.db.selectFrom('case_events').select('kind').where('case_id', '=', row.id).orderBy('id').execute();
    expect(events.map((e) => e.kind)).toEqual([
      'case-registered', 'passed-for-investigation', 'allocated', 'draft-decision-shared', 'final-decision-issued', 'compliance-recorded', 'case-closed',
    ]);
  });
});
