import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { advanceCase, expectConflict, expectCsrfRefused, expectForbidden, expectFormError, expectNotFound, RawClient, registerCase, titleOf } from './support.ts';

describe.each(testEngines)('reports through the staff and public pages on %s', (engine) => {
  let t: TestApp;
  let investigator: RawClient;
  let manager: RawClient;
  let ombudsman: RawClient;
  let visitor: RawClient;
  let reference = '';
  const form = (overrides: Record<string, string> = {}) => ({
    kind: 'public-interest', title: 'Carers left without support', summary: 'The council did not assess carers’ needs.',
    body: '## What happened\n\nThe council did not assess Mrs X’s needs as a carer for two years.\n\n## What we found\n\nFault causing injustice.',
    bodyId: String(t.bodyIds[0]), cases: reference, intent: 'save', ...overrides,
  });
  const reportIdFrom = (location: string | undefined) => Number(/\/staff\/publication\/reports\/(\d+)$/.exec(location ?? '')?.[1]);

  beforeAll(async () => {
    t = await createTestApp(engine);
    await createStaffUser(t.services, null, { email: 'olu.ombudsman@test.example', displayName: 'Olu Ombudsman', roles: ['ombudsman'], password: PASSWORD });
    investigator = await RawClient.signedIn(t.app, 'investigator');
    manager = await RawClient.signedIn(t.app, 'manager');
    ombudsman = await RawClient.signedIn(t.app, { email: 'olu.ombudsman@test.example', password: PASSWORD });
    visitor = new RawClient(t.app);
    reference = await registerCase(t, { fullName: 'Hedda Lund' });
    await advanceCase(t, reference, 'compliance');
  });
  afterAll(async () => t?.dispose());

  async function drafted(by: RawClient, overrides: Record<string, string> = {}) {
    await by.get('/staff/publication/reports/new');
    const response = await by.postForm('/staff/publication/reports/new', form(overrides));
    expect(response.statusCode).toBe(303);
    return reportIdFrom(response.headers.location as string);
  }

  it('drafts, approves and publishes; the public page shows the covered cases without names', async () => {
    const id = await drafted(investigator);
    const page = await manager.get(`/staff/publication/reports/${id}`);
    expect(page.body).toContain('Awaiting approval');
    expect((await manager.postForm(`/staff/publication/reports/${id}/approve`, {})).statusCode).toBe(303);
    await manager.get(`/staff/publication/reports/${id}`);
    expect((await manager.postForm(`/staff/publication/reports/${id}/publish`, {})).statusCode).toBe(303);

    const list = await visitor.get('/reports');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/reports/carers-left-without-support-2026"');
    const report = await visitor.get('/reports/carers-left-without-support-2026');
    expect(report.statusCode).toBe(200);
    expect(titleOf(report.body)).toBe('Carers left without support - Ombudsman decisions and statistics');
    expect(report.body).toContain('<h2 class="govuk-heading-m">What we found</h2>');
    expect(report.body).toContain(`<td class="govuk-table__cell app-nowrap">${reference}</td>`);
    expect(report.body).toContain('Upheld: fault and injustice');
    expect(report.body).toContain('Not published');
    expect(report.body).not.toContain('Hedda');
    expect(report.headers['cache-control']).toMatch(/^public/);
    const cached = await visitor.request({ method: 'GET', url: '/reports/carers-left-without-support-2026', headers: { 'if-none-match': report.headers.etag as string } });
    expect(cached.statusCode).toBe(304);
    expect((await visitor.get('/reports?kind=public-interest')).body).toContain('1 report</h2>');
    expect((await visitor.get('/reports?kind=focus')).body).toContain('0 reports</h2>');
  });

  it('refuses the drafter approving their own report, and publishing before approval', async () => {
    const id = await drafted(manager, { title: 'Manager drafted this', cases: '' });
    await manager.get(`/staff/publication/reports/${id}`);
    expectForbidden(await manager.postForm(`/staff/publication/reports/${id}/approve`, {}), 'You drafted this report, so a second person must approve it');
    expectConflict(await manager.postForm(`/staff/publication/reports/${id}/publish`, {}), 'A report cannot be published until a second person has approved it');
    expectForbidden(await investigator.postForm(`/staff/publication/reports/${id}/approve`, {}));
    expectCsrfRefused(await ombudsman.postForm(`/staff/publication/reports/${id}/approve`, {}, { csrf: false }));
    const hidden = await visitor.get('/reports/manager-drafted-this-2026');
    expect({ status: hidden.statusCode, title: titleOf(hidden.body) }).toEqual({ status: 404, title: 'Report not found - Ombudsman decisions and statistics' });
  });

  it('needs approval again after a change, and the public page goes', async () => {
    const id = await drafted(investigator, { title: 'Focus on school transport', kind: 'focus', cases: '', bodyId: '' });
    await manager.get(`/staff/publication/reports/${id}`);
    await manager.postForm(`/staff/publication/reports/${id}/approve`, {});
    await manager.postForm(`/staff/publication/reports/${id}/publish`, {});
    expect((await visitor.get('/reports/focus-on-school-transport-2026')).statusCode).toBe(200);
    const edit = await ombudsman.get(`/staff/publication/reports/${id}/edit`);
    expect(edit.body).toContain('Changing it clears the approval and takes it off the public site');
    expect((await ombudsman.postForm(`/staff/publication/reports/${id}/edit`, form({ title: 'Focus on school transport', kind: 'focus', cases: '', bodyId: '', summary: 'Changed.' }))).statusCode).toBe(303);
    expect((await visitor.get('/reports/focus-on-school-transport-2026')).statusCode).toBe(404);
    await ombudsman.get(`/staff/publication/reports/${id}`);
    expectConflict(await ombudsman.postForm(`/staff/publication/reports/${id}/publish`, {}), 'A report cannot be published until a second person has approved it');
  });

  it('shows form errors with what was typed', async () => {
    await investigator.get('/staff/publication/reports/new');
    const missing = await investigator.postForm('/staff/publication/reports/new', form({ title: '', kind: '' }));
    expectFormError(missing, 'Enter the report’s title', { field: 'title', kept: ['The council did not assess carers’ needs.'] });
    expectFormError(missing, 'Select the kind of report', { field: 'kind' });
    const unknown = await investigator.postForm('/staff/publication/reports/new', form({ cases: '99 999 999' }));
    expectFormError(unknown, 'No case has the reference 99 999 999', { field: 'cases', kept: ['99 999 999'] });
    const named = await investigator.postForm('/staff/publication/reports/new', form({ body: 'Ms Lund cared for her father.' }));
    expectFormError(named, 'The check found a personal detail that may identify someone: remove them, or confirm they do not identify anyone', { field: 'confirmNotIdentifying' });
    expect(named.body).toContain('<strong>Lund</strong>');
  });

  it('keeps people out who may not act, and answers 404 for unknown reports', async () => {
    const intake = await RawClient.signedIn(t.app, 'intake');
    expectForbidden(await intake.get('/staff/publication/reports/new'));
    expect((await intake.get('/staff/publication/reports')).statusCode).toBe(200);
    expectNotFound(await manager.get('/staff/publication/reports/999999'));
    expectNotFound(await manager.get('/staff/publication/reports/abc'));
    for (const url of ['/reports/nope', `/reports/${'x'.repeat(300)}`, '/reports?kind=nonsense&page=zz']) {
      expect((await visitor.get(url)).statusCode, url).toBeLessThan(500);
    }
  });
});
