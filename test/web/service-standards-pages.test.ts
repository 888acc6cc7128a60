import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type TestApp } from '../helpers/app.ts';
import { registerContact } from '../../src/services/intake.ts';
import { decideAssessment } from '../../src/services/assessment.ts';

describe('service standards dashboard', () => {
  let t: TestApp;
  let late = '';
  beforeAll(async () => {
    t = await createTestApp('pglite', new Date('2026-02-02T10:00:00Z'));
    const intake = { id: t.staffIds.intake, roles: ['intake' as const] };
    const assessor = { id: t.staffIds.assessor, roles: ['assessor' as const] };
    const complaint = (receivedAt: string) => ({
      channel: 'email', receivedAt: new Date(receivedAt), complainant: { fullName: 'Pat Example' }, bodyIds: [t.bodyIds[0]!],
      summary: 'x', outcome: 'case-created', category: 'Housing', subcategory: 'Homelessness', jurisdiction: 'local-government',
    });
    const onTime = await registerContact(t.services, intake, complaint('2026-01-05T10:00:00Z'));
    await decideAssessment(t.services, onTime.reference!, assessor, { decision: 'refer-back-for-local-resolution', explanation: 'Go to the council first' });
    late = (await registerContact(t.services, intake, complaint('2026-01-02T10:00:00Z'))).reference!;
  });
  afterAll(async () => t?.dispose());

  it('shows each standard with its figure, target and status for the period', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const page = await browser.get('/staff/service-standards?from=2026-01-01&to=2026-01-31');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('intake.decided-or-allocated-within-20-working-days');
    // One case decided on time, one (received 2 January, due 30 January) not decided by 2 February: 50%.
    expect(page.body).toMatch(/50\.0%/);
    expect(page.body).toContain('<svg');
  });

  it('drills down to the cases behind a figure, missed first, and exports them as CSV', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const page = await browser.get('/staff/service-standards/intake.decided-or-allocated-within-20-working-days?from=2026-01-01&to=2026-01-31');
    expect(page.statusCode).toBe(200);
    const first = page.body.indexOf(late);
    expect(first).toBeGreaterThan(0);
    const missedAt = page.body.search(/>\s*Missed\s*</);
    const metAt = page.body.search(/>\s*Met\s*</);
    expect(missedAt).toBeGreaterThan(0);
    expect(metAt).toBeGreaterThan(missedAt);
    const csv = await browser.get('/staff/service-standards/intake.decided-or-allocated-within-20-working-days?from=2026-01-01&to=2026-01-31&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[1]).toContain(late);
  });

  it('says clearly when the dates are wrong, and never fails', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const page = await browser.get('/staff/service-standards?from=2026-02-30&to=2026-01-31');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Start date must be a real date');
    expect((await browser.get('/staff/service-standards/not-a-standard')).statusCode).toBe(404);
    expect((await browser.get('/staff/service-standards/intake.calls-answered?from=x&to=y')).statusCode).toBe(400);
  });

  it('lists cases at risk in the next 5 working days', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const page = await browser.get('/staff/service-standards/at-risk');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cases at risk');
  });

  it('shows the share of contacts received online month by month beside the other channels', async () => {
    const intake = { id: t.staffIds.intake, roles: ['intake' as const] };
    await registerContact(t.services, intake, {
      channel: 'web', receivedAt: new Date('2026-01-20T10:00:00Z'), complainant: { fullName: 'Web Person' }, bodyIds: [t.bodyIds[0]!],
      summary: 'x', outcome: 'advice-given',
    });
    const browser = await signedInAs(t.app, 'manager');
    const page = await browser.get('/staff/service-standards');
    const january = page.body.slice(page.body.indexOf('1 January 2026 to 31 January 2026', page.body.indexOf('How people contacted us')));
    const row = january.slice(0, january.indexOf('</tr>'));
    // Two emails (the cases) and one online form in January: a third online.
    expect(row).toContain('33.3%');
  });

  it('offers everyone a page on how to get help, with the phone line and adjustments', async () => {
    const page = await t.app.inject({ url: '/help' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('reasonable adjustments');
    expect(page.body).toContain('Closed on bank holidays');
  });

  it('is for signed-in staff only', async () => {
    const response = await t.app.inject({ url: '/staff/service-standards' });
    expect(response.statusCode).toBe(303);
  });
});
