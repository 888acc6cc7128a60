import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import {
  advanceCase,
  expectConflict,
  expectCsrfRefused,
  expectForbidden,
  expectFormError,
  expectNotFound,
  expectSignInRedirect,
  RawClient,
  registerCase,
  titleOf,
} from './support.ts';

const clean = { summary: 'The council delayed a housing decision.', statement: 'Mrs X complained about delay. We found fault; the council apologised.' };

describe.each(testEngines)('publishing decisions through the staff pages on %s', (engine) => {
  let t: TestApp;
  let investigator: RawClient;
  let manager: RawClient;
  let ombudsman: RawClient;
  const url = (reference: string, suffix = '') => `/staff/cases/${reference.replace(/\s/g, '')}/publication${suffix ? `/${suffix}` : ''}`;

  async function decidedCase(fullName: string) {
    const reference = await registerCase(t, { fullName });
    await advanceCase(t, reference, 'compliance');
    return reference;
  }

  async function publicationRow(reference: string) {
    return t.database.db.selectFrom('published_decisions as pd').innerJoin('cases as c', 'c.id', 'pd.case_id').selectAll('pd').where('c.reference', '=', reference).executeTakeFirst();
  }

  /** The investigator drafts and submits a clean statement through the form. */
  async function submitted(reference: string, by: RawClient = investigator) {
    await by.get(url(reference, 'statement'));
    const response = await by.postForm(url(reference, 'statement'), { ...clean, intent: 'submit' });
    expect(response.statusCode).toBe(303);
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await createStaffUser(t.services, null, { email: 'olu.ombudsman@test.example', displayName: 'Olu Ombudsman', roles: ['ombudsman'], password: PASSWORD });
    investigator = await RawClient.signedIn(t.app, 'investigator');
    manager = await RawClient.signedIn(t.app, 'manager');
    ombudsman = await RawClient.signedIn(t.app, { email: 'olu.ombudsman@test.example', password: PASSWORD });
  });
  afterAll(async () => t?.dispose());

  it('lists a decided case as awaiting anonymisation review, linked to its publication page', async () => {
    const reference = await decidedCase('Rhiannon Tudor');
    const response = await investigator.get('/staff/publication');
    expect(response.statusCode).toBe(200);
    expect(titleOf(response.body)).toBe('Publishing decisions: Awaiting anonymisation review - Redress');
    expect(response.body).toContain(`href="${url(reference)}">${reference}</a>`);
    expect(response.body).toContain('Awaiting anonymisation review (1)');
    // Bad tabs and pages fall back to the first tab and page.
    expect((await investigator.get('/staff/publication?status=nonsense&page=-4')).statusCode).toBe(200);
    expect((await investigator.get('/staff/publication?status=review&page=99999999999999')).statusCode).toBe(200);
  });

  it('prefills the statement from the decision and marks the complainant’s name', async () => {
    const reference = await registerCase(t, { fullName: 'Siân Pritchard' });
    await advanceCase(t, reference, 'draft-decision');
    const { issueFinalDecision } = await import('../../src/services/investigation.ts');
    await issueFinalDecision(t.services, reference, { id: t.staffIds.investigator, roles: ['investigator'] }, {
      outcome: 'not-upheld', reasons: 'Ms Pritchard said the council lost her form.', remedies: [],
    });
    const page = await investigator.get(url(reference, 'statement'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ms Pritchard said the council lost her form.</textarea>');
    expect(page.body).toContain('The check found 2 things that may identify someone.');
    expect(page.body).toContain('<mark title="Part of the complainant’s name">Pritchard');
  });

  it('refuses to submit while personal details remain unless confirmed, keeping what was typed', async () => {
    const reference = await decidedCase('Idris Evans');
    await investigator.get(url(reference, 'statement'));
    const typed = { summary: 'Mr Evans complained.', statement: 'Mr Evans of 3 Mill Lane rang 01632 960 321.' };
    const refused = await investigator.postForm(url(reference, 'statement'), { ...typed, intent: 'submit' });
    expectFormError(refused, 'The check found 4 personal details that may identify someone: remove them, or confirm they do not identify anyone', {
      field: 'confirmNotIdentifying', kept: [typed.statement],
    });
    expect(await publicationRow(reference)).toBeUndefined();
    // Replacing them with placeholders fills the form again, saving nothing.
    const redacted = await investigator.postForm(url(reference, 'statement'), { ...typed, intent: 'redact' });
    expect(redacted.statusCode).toBe(200);
    expect(redacted.body).toContain('Mr X of [address removed] rang [phone number removed].</textarea>');
    expect(await publicationRow(reference)).toBeUndefined();
    // Confirmed as not identifying, it goes.
    const confirmed = await investigator.postForm(url(reference, 'statement'), { ...typed, intent: 'submit', confirmNotIdentifying: 'yes' });
    expect(confirmed.statusCode).toBe(303);
    expect((await publicationRow(reference))?.drafted_by).toBe(t.staffIds.investigator);
  });

  it('shows an empty summary and statement as errors next to their fields', async () => {
    const reference = await decidedCase('Jo Marsh');
    await investigator.get(url(reference, 'statement'));
    const response = await investigator.postForm(url(reference, 'statement'), { summary: '', statement: 'Kept text', intent: 'save' });
    expectFormError(response, 'Enter a summary of the decision', { field: 'summary', kept: ['Kept text'] });
  });

  it('refuses the drafter approving their own statement, with a clear message', async () => {
    const reference = await decidedCase('Kofi Mensah');
    await submitted(reference, manager);
    await manager.get(url(reference));
    expect((await manager.get(url(reference))).body).toContain('You drafted this statement, so a second person');
    const response = await manager.postForm(url(reference, 'approve'), {});
    expectForbidden(response, 'You drafted this decision, so a second person must approve it');
    expect((await publicationRow(reference))?.approved_at).toBeNull();
    // An investigator may not approve at all.
    await investigator.get(url(reference));
    expectForbidden(await investigator.postForm(url(reference, 'approve'), {}));
  });

  it('refuses to publish an unapproved decision', async () => {
    const reference = await decidedCase('Lena Fischer');
    await submitted(reference);
    await manager.get(url(reference));
    expectConflict(await manager.postForm(url(reference, 'publish'), {}), 'A decision cannot be published until a second person has approved it');
    expect((await publicationRow(reference))?.published_at).toBeNull();
  });

  it('approves and publishes, and editing after approval needs approval again', async () => {
    const reference = await decidedCase('Mateo Cruz');
    await submitted(reference);
    const page = await manager.get(url(reference));
    expect(page.body).toContain('Approve for publication');
    expect((await manager.postForm(url(reference, 'approve'), {})).statusCode).toBe(303);
    await manager.get(url(reference));
    expect((await manager.postForm(url(reference, 'publish'), {})).statusCode).toBe(303);
    const published = await manager.get(url(reference));
    expect(published.body).toContain('Decision published');
    expect((await publicationRow(reference))?.published_at).not.toBeNull();

    // The ombudsman corrects a word: the approval and publication go.
    const form = await ombudsman.get(url(reference, 'statement'));
    expect(form.body).toContain('Changing it clears the approval and takes it off the public site');
    expect((await ombudsman.postForm(url(reference, 'statement'), { ...clean, statement: `${clean.statement} Corrected.`, intent: 'submit' })).statusCode).toBe(303);
    const row = await publicationRow(reference);
    expect({ approved: row?.approved_at, published: row?.published_at, drafter: row?.drafted_by }).toEqual({ approved: null, published: null, drafter: expect.any(Number) });
    await ombudsman.get(url(reference));
    expectConflict(await ombudsman.postForm(url(reference, 'publish'), {}), 'A decision cannot be published until a second person has approved it');
    expectForbidden(await ombudsman.postForm(url(reference, 'approve'), {}), 'You drafted this decision, so a second person must approve it');
    // The manager, who did not make this change, approves it again.
    await manager.get(url(reference));
    expect((await manager.postForm(url(reference, 'approve'), {})).statusCode).toBe(303);
  });

  it('sends back with a reason, shown as an error when missing', async () => {
    const reference = await decidedCase('Nia Brooks');
    await submitted(reference);
    await manager.get(url(reference, 'send-back'));
    expectFormError(await manager.postForm(url(reference, 'send-back'), { reason: '' }), 'Enter why the decision is being sent back', { field: 'reason' });
    expect((await manager.postForm(url(reference, 'send-back'), { reason: 'Too much detail about the family.' })).statusCode).toBe(303);
    const page = await investigator.get(url(reference));
    expect(page.body).toContain('Sent back for changes');
    expect(page.body).toContain('Too much detail about the family.');
  });

  it('withdraws a published decision with a reason', async () => {
    const reference = await decidedCase('Omar Haddad');
    await submitted(reference);
    await manager.get(url(reference));
    await manager.postForm(url(reference, 'approve'), {});
    await manager.postForm(url(reference, 'publish'), {});
    await manager.get(url(reference, 'withdraw'));
    expect((await manager.postForm(url(reference, 'withdraw'), { reason: 'A neighbour recognised the family.' })).statusCode).toBe(303);
    expect((await publicationRow(reference))?.withdrawn_at).not.toBeNull();
    expect((await manager.get('/staff/publication?status=withdrawn')).body).toContain(reference);
  });

  it('keeps people out who may not act, and checks the form came from us', async () => {
    const reference = await decidedCase('Pia Larsen');
    expectSignInRedirect(await new RawClient(t.app).get(url(reference)), url(reference));
    const intake = await RawClient.signedIn(t.app, 'intake');
    expectForbidden(await intake.get(url(reference, 'statement')));
    expectForbidden(await investigator.get(url(reference, 'withdraw')));
    expectCsrfRefused(await manager.postForm(url(reference, 'approve'), {}, { csrf: false }));
    expectNotFound(await manager.get(url('99 999 999')));
    expectNotFound(await manager.get('/staff/cases/not-a-reference/publication'));
  });

  it('says there is nothing to publish before the final decision', async () => {
    const reference = await registerCase(t);
    const page = await investigator.get(url(reference));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This case has no final decision yet');
    expect((await investigator.get(url(reference, 'statement'))).statusCode).toBe(409);
  });
});
