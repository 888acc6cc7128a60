import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { actor, advanceCase, eventKinds, registerCase } from '../web/support.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { approveReport, getReport, publishReport, saveReport, slugify, withdrawReport, type ReportInput } from '../../src/services/publication/reports.ts';
import { getPublicReport, listPublicReports, textBlocks } from '../../src/services/publication/public-reports.ts';
import { approveDecisionStatement, publishDecision, saveDecisionStatement } from '../../src/services/publication/decision-publishing.ts';
import type { Actor } from '../../src/domain/case-lifecycle.ts';

describe('report text', () => {
  it('makes an address from the title', () => {
    expect(slugify('Council’s failure to house a family: Exampleton')).toBe('councils-failure-to-house-a-family-exampleton');
    expect(slugify('Café crème!!')).toBe('cafe-creme');
    expect(slugify('!!!')).toBe('report');
    expect(slugify('a'.repeat(200)).length).toBeLessThanOrEqual(80);
  });

  it('reads paragraphs and ## headings, nothing else', () => {
    expect(textBlocks('## What happened\r\n\r\nThe council <b>delayed</b>.\nIt apologised.\n\n\n## What we found\n\nFault.')).toEqual([
      { kind: 'heading', text: 'What happened' },
      { kind: 'paragraph', text: 'The council <b>delayed</b>.\nIt apologised.' },
      { kind: 'heading', text: 'What we found' },
      { kind: 'paragraph', text: 'Fault.' },
    ]);
    expect(textBlocks('  \n\n ')).toEqual([]);
  });
});

describe.each(testEngines)('publishing reports on %s', (engine) => {
  let t: TestApp;
  let ombudsman: Actor;
  let coveredReference = '';
  const investigator = () => actor(t, 'investigator');
  const manager = () => actor(t, 'manager');
  const input = (overrides: Partial<ReportInput> = {}): ReportInput => ({
    kind: 'public-interest', title: 'Family left in bed and breakfast', summary: 'The council left a family in unsuitable accommodation.',
    body: '## What happened\n\nMrs X and her children lived in one room for six months.', bodyId: t.bodyIds[0] as number, cases: coveredReference,
    confirmNotIdentifying: false, ...overrides,
  });

  beforeAll(async () => {
    t = await createTestApp(engine);
    const id = await createStaffUser(t.services, null, { email: 'olu.ombudsman@test.example', displayName: 'Olu Ombudsman', roles: ['ombudsman'], password: PASSWORD });
    ombudsman = { id, roles: ['ombudsman'] };
    coveredReference = await registerCase(t, { fullName: 'Greta Holm' });
    await advanceCase(t, coveredReference, 'compliance');
  });
  afterAll(async () => t?.dispose());

  it('drafts, approves by a second person and publishes, noting it on the covered case', async () => {
    const { id } = await saveReport(t.services, investigator(), undefined, input());
    const view = await getReport(t.services, id, manager());
    expect({ status: view.status, actions: view.actions, cases: view.cases.map((c) => c.reference) }).toEqual({ status: 'awaiting-approval', actions: ['edit', 'approve'], cases: [coveredReference] });
    await expect(publishReport(t.services, id, manager())).rejects.toMatchObject({ code: 'illegal', message: 'A report cannot be published until a second person has approved it' });
    await approveReport(t.services, id, manager());
    const slug = await publishReport(t.services, id, manager());
    expect(slug).toBe('family-left-in-bed-and-breakfast-2026');
    const page = await getPublicReport(t.services, slug);
    expect(page.cases).toEqual([expect.objectContaining({ reference: coveredReference, category: 'Housing', outcome: 'upheld-fault-injustice', decisionId: null })]);
    expect(JSON.stringify(page)).not.toContain('Greta');
    expect(await eventKinds(t, coveredReference)).toContain('report-published');
  });

  it('links a covered case to its published decision', async () => {
    await saveDecisionStatement(t.services, coveredReference, investigator(), { summary: 'S.', statement: 'Statement.', intent: 'submit', confirmNotIdentifying: false });
    await approveDecisionStatement(t.services, coveredReference, manager());
    const decisionId = await publishDecision(t.services, coveredReference, manager());
    const page = await getPublicReport(t.services, 'family-left-in-bed-and-breakfast-2026');
    expect(page.cases[0]?.decisionId).toBe(decisionId);
  });

  it('never lets the drafter approve, even a manager', async () => {
    const { id } = await saveReport(t.services, manager(), undefined, input({ title: 'Manager’s own report' }));
    await expect(approveReport(t.services, id, manager())).rejects.toMatchObject({ code: 'forbidden', message: 'You drafted this report, so a second person must approve it' });
    await expect(approveReport(t.services, id, investigator())).rejects.toMatchObject({ code: 'forbidden' });
    await approveReport(t.services, id, ombudsman);
  });

  it('clears the approval and unpublishes when changed after approval; keeps its address', async () => {
    const { id } = await saveReport(t.services, investigator(), undefined, input({ title: 'Focus on parking', kind: 'focus', bodyId: null, cases: '' }));
    await approveReport(t.services, id, manager());
    const slug = await publishReport(t.services, id, manager());
    await saveReport(t.services, ombudsman, id, input({ title: 'Focus on parking, corrected', kind: 'focus', bodyId: null, cases: '' }));
    const view = await getReport(t.services, id, ombudsman);
    expect({ status: view.status, approved: view.report.approved_at, published: view.report.published_at, slug: view.report.slug, drafter: view.report.drafted_by }).toEqual({
      status: 'awaiting-approval', approved: null, published: null, slug, drafter: ombudsman.id,
    });
    await expect(getPublicReport(t.services, slug)).rejects.toMatchObject({ code: 'not-found' });
    await expect(approveReport(t.services, id, ombudsman)).rejects.toMatchObject({ code: 'forbidden' });
    // Saving the same words changes nothing.
    await approveReport(t.services, id, manager());
    expect(await saveReport(t.services, manager(), id, input({ title: 'Focus on parking, corrected', kind: 'focus', bodyId: null, cases: '' }))).toEqual({ id, changed: false });
  });

  it('withdraws a published report and can publish it again', async () => {
    const { id } = await saveReport(t.services, investigator(), undefined, input({ title: 'Withdrawn one', cases: '' }));
    await approveReport(t.services, id, manager());
    const slug = await publishReport(t.services, id, manager());
    await expect(withdrawReport(t.services, id, investigator())).rejects.toMatchObject({ code: 'forbidden' });
    await withdrawReport(t.services, id, manager());
    await expect(getPublicReport(t.services, slug)).rejects.toMatchObject({ code: 'not-found' });
    await publishReport(t.services, id, manager());
    await getPublicReport(t.services, slug);
  });

  it('checks the covered cases’ people in the text, and needs a confirmation to keep them', async () => {
    const body = 'Ms Holm complained about the council.';
    await expect(saveReport(t.services, investigator(), undefined, input({ body, title: 'With a name' }))).rejects.toMatchObject({
      code: 'invalid', fields: { confirmNotIdentifying: expect.stringContaining('The check found a personal detail') },
    });
    await saveReport(t.services, investigator(), undefined, input({ body, title: 'With a name', confirmNotIdentifying: true }));
  });

  it('refuses unknown or unreadable case references and bodies, saying which', async () => {
    await expect(saveReport(t.services, investigator(), undefined, input({ cases: `${coveredReference}\n99 999 999` }))).rejects.toMatchObject({ fields: { cases: 'No case has the reference 99 999 999' } });
    await expect(saveReport(t.services, investigator(), undefined, input({ cases: 'abc, 17-004' }))).rejects.toMatchObject({ fields: { cases: 'Enter case references like 17 004 213 (not “abc”, “17-004”)' } });
    await expect(saveReport(t.services, investigator(), undefined, input({ bodyId: 2_000_000 }))).rejects.toMatchObject({ fields: { bodyId: expect.any(String) } });
    await expect(saveReport(t.services, investigator(), undefined, input({ title: '' }))).rejects.toMatchObject({ fields: { title: 'Enter the report’s title' } });
    await expect(saveReport(t.services, actor(t, 'intake'), undefined, input())).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('gives each report its own address', async () => {
    const first = await saveReport(t.services, investigator(), undefined, input({ title: 'Same title', cases: '' }));
    const second = await saveReport(t.services, investigator(), undefined, input({ title: 'Same title', cases: '' }));
    const slugs = await Promise.all([first.id, second.id].map(async (id) => (await getReport(t.services, id, manager())).report.slug));
    expect(slugs).toEqual(['same-title-2026', 'same-title-2026-2']);
  });

  it('lists only published reports, by kind', async () => {
    const all = await listPublicReports(t.services, undefined, 1);
    expect(all.reports.every((r) => r.published_at !== null)).toBe(true);
    expect(all.reports.map((r) => r.title).sort()).toEqual(['Family left in bed and breakfast', 'Withdrawn one']);
    expect((await listPublicReports(t.services, 'focus', 1)).total).toBe(0);
  });

  it('holds the four-eyes rule in the database too', async () => {
    const drafter = t.staffIds.manager;
    await expect(sql`insert into reports (kind, slug, title, summary_text, body_text, drafted_by, drafted_at, approved_by, approved_at)
      values ('focus', 'sql-own-approval', 't', 's', 'b', ${drafter}, now(), ${drafter}, now())`.execute(t.database.db)).rejects.toThrow(/check constraint/);
    await expect(sql`insert into reports (kind, slug, title, summary_text, body_text, drafted_by, drafted_at, published_at)
      values ('focus', 'sql-unapproved', 't', 's', 'b', ${drafter}, now(), now())`.execute(t.database.db)).rejects.toThrow(/check constraint/);
    await expect(sql`insert into reports (kind, slug, title, summary_text, body_text, drafted_by, drafted_at)
      values ('other', 'sql-kind', 't', 's', 'b', ${drafter}, now())`.execute(t.database.db)).rejects.toThrow(/check constraint/);
  });
});
