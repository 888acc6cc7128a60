import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type Browser, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { registerCase } from './support.ts';

const signedInLine = (body: string) => /Signed in as <strong>([^<]*)<\/strong> \(([^)]*)\)/.exec(body)?.slice(1, 3);
const queueCount = (body: string) => /<p class="govuk-body">([\d,]+) cases?, soonest 20-working-day deadline first\.<\/p>/.exec(body)?.[1];

/**
 * The signed-in caseworker is read with the session, in the same statement, on every request:
 * a change to their account shows on their very next page. The queue's count comes with its page.
 */
describe.each(testEngines)('the signed-in account and the queue count on %s', (engine) => {
  let t: TestApp;
  let assessor: Browser;

  beforeAll(async () => {
    t = await createTestApp(engine);
    assessor = await signedInAs(t.app, 'assessor');
  });
  afterAll(async () => t?.dispose());

  it('shows a renamed account and its new roles on the next request, and takes a role away as soon as it is removed', async () => {
    expect(signedInLine((await assessor.get('/staff')).body)).toEqual(['Adam Assessor', 'Assessor']);
    expect((await assessor.get('/staff/team')).statusCode).toBe(403);
    const id = t.staffIds.assessor;
    await t.database.db.updateTable('staff_users').set({ display_name: 'Adam Assessor-Jones', roles: ['assessor', 'team-manager'] }).where('id', '=', id).execute();
    try {
      const home = await assessor.get('/staff');
      expect(signedInLine(home.body)?.[0]).toBe('Adam Assessor-Jones');
      expect((await assessor.get('/staff/team')).statusCode).toBe(200);
      await t.database.db.updateTable('staff_users').set({ roles: ['assessor'] }).where('id', '=', id).execute();
      expect((await assessor.get('/staff/team')).statusCode).toBe(403);
    } finally {
      await t.database.db.updateTable('staff_users').set({ display_name: 'Adam Assessor', roles: ['assessor'] }).where('id', '=', id).execute();
    }
  });

  it('counts the whole queue on every page, a page past the last case included', async () => {
    for (let i = 0; i < 3; i++) await registerCase(t);
    const inQueue = await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('stage', '=', 'assessment').where('team', '=', 'assessment').executeTakeFirstOrThrow();
    const expected = Number(inQueue.n);
    expect(expected).toBeGreaterThanOrEqual(3);
    const first = await assessor.get('/staff/queues/assessment');
    expect(queueCount(first.body)).toBe(String(expected));
    const pastTheEnd = await assessor.get('/staff/queues/assessment?after=9999-12-31.1');
    expect(pastTheEnd.statusCode).toBe(200);
    expect(queueCount(pastTheEnd.body)).toBe(String(expected));
    expect(pastTheEnd.body).toContain('No cases.');
  });
});
