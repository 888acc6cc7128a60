import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/domain/london-time.ts';
import { sendEnquiry } from '../../src/services/investigation.ts';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import {
  actor, addOfficer, BodiesClient, caseInCompliance, caseWithEnquiry, createBodiesTestApp, dateFields, fixture, isBodiesNotFound, registerBodyCase, SERVICE, titleOf, today,
} from './helpers.ts';

const compact = (reference: string) => reference.replace(/\s/g, '');

describe.each(testEngines)('link officers see only their own body’s work (%s)', (engine) => {
  let t: TestApp;
  let ours: BodiesClient;
  let theirs: BodiesClient;
  let theirEnquiry = { reference: '', enquiryId: 0 };
  let theirRemedy = { reference: '', remedyId: 0 };
  let theirDocumentId = 0;
  let ourEnquiry = { reference: '', enquiryId: 0 };

  beforeAll(async () => {
    t = await createBodiesTestApp(engine);
    await addOfficer(t, 0, { email: 'ours@first.test', fullName: 'Olive Ours' });
    await addOfficer(t, 1, { email: 'theirs@second.test', fullName: 'Theo Theirs' });
    ours = await new BodiesClient(t.app).signIn(t, 'ours@first.test');
    theirs = await new BodiesClient(t.app).signIn(t, 'theirs@second.test');

    ourEnquiry = await caseWithEnquiry(t, 0);
    theirEnquiry = await caseWithEnquiry(t, 1, { question: 'THEIR-QUESTION' });
    const remedyCase = await caseInCompliance(t, [1], [{ kind: 'training', description: 'THEIR-REMEDY: train the housing team', dueOn: addCalendarDays(today(t), 28) }]);
    theirRemedy = { reference: remedyCase.reference, remedyId: remedyCase.remedyIds[0] as number };
    await theirs.get(`/bodies/enquiries/${theirEnquiry.enquiryId}`);
    const sent = await theirs.postWithFile(`/bodies/enquiries/${theirEnquiry.enquiryId}`, { response: 'THEIR-ANSWER' }, { name: 'theirs.pdf', content: fixture('letter.pdf') });
    expect(sent.statusCode).toBe(303);
    theirDocumentId = (await t.database.db.selectFrom('documents').select('id').where('uploaded_by_link_officer_id', 'is not', null).orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t?.dispose());

  it('does not list another body’s enquiries or remedies', async () => {
    const home = await ours.get('/bodies');
    expect(home.body).toContain(ourEnquiry.reference);
    for (const text of ['THEIR-QUESTION', 'THEIR-REMEDY', theirEnquiry.reference, theirRemedy.reference]) expect(home.body).not.toContain(text);
    const theirHome = await theirs.get('/bodies');
    expect(theirHome.body).toContain('THEIR-REMEDY');
    expect(theirHome.body).not.toContain(ourEnquiry.reference);
  });

  it('answers “not found” for another body’s enquiry, remedy, case and document, just as for one that does not exist', async () => {
    const urls = [
      `/bodies/enquiries/${theirEnquiry.enquiryId}`,
      `/bodies/remedies/${theirRemedy.remedyId}`,
      `/bodies/cases/${compact(theirEnquiry.reference)}`,
      `/bodies/cases/${compact(theirRemedy.reference)}`,
      `/bodies/cases/${compact(theirEnquiry.reference)}/documents/${theirDocumentId}`,
      // Their document through a case of ours.
      `/bodies/cases/${compact(ourEnquiry.reference)}/documents/${theirDocumentId}`,
      '/bodies/enquiries/999999', '/bodies/remedies/999999', '/bodies/cases/99999999', '/bodies/enquiries/abc', '/bodies/remedies/1e3', '/bodies/cases/not-a-reference',
      '/bodies/enquiries/99999999999999999999',
    ];
    for (const url of urls) {
      const response = await ours.get(url);
      expect({ url, notFound: isBodiesNotFound(response) }).toEqual({ url, notFound: true });
      for (const secret of ['THEIR-QUESTION', 'THEIR-REMEDY', 'THEIR-ANSWER']) expect(response.body).not.toContain(secret);
    }
    // And the owner sees them.
    expect((await theirs.get(`/bodies/enquiries/${theirEnquiry.enquiryId}`)).statusCode).toBe(200);
    expect((await theirs.get(`/bodies/cases/${compact(theirEnquiry.reference)}/documents/${theirDocumentId}`)).statusCode).toBe(200);
  });

  it('cannot answer another body’s enquiry or confirm its remedy; nothing is written', async () => {
    await ours.get('/bodies');
    const answer = await ours.postWithFile(`/bodies/enquiries/${ourEnquiry.enquiryId + 1000}`, { response: 'Not ours' });
    expect(isBodiesNotFound(answer)).toBe(true);
    const remedy = await ours.postWithFile(`/bodies/remedies/${theirRemedy.remedyId}`, { whatWasDone: 'Pretending', ...dateFields(t, 'doneOn', 0) }, { name: 'x.pdf', content: fixture('letter.pdf') });
    expect(isBodiesNotFound(remedy)).toBe(true);
    const row = await t.database.db.selectFrom('remedies').selectAll().where('id', '=', theirRemedy.remedyId).executeTakeFirstOrThrow();
    expect({ status: row.status, by: row.confirmed_by_link_officer_id }).toEqual({ status: 'pending', by: null });
    const otherEnquiry = await caseWithEnquiry(t, 1);
    const refused = await ours.postWithFile(`/bodies/enquiries/${otherEnquiry.enquiryId}`, { response: 'Not ours either' });
    expect(isBodiesNotFound(refused)).toBe(true);
    const enquiry = await t.database.db.selectFrom('enquiries').selectAll().where('id', '=', otherEnquiry.enquiryId).executeTakeFirstOrThrow();
    expect(enquiry.responded_at).toBeNull();
    const documents = await t.database.db.selectFrom('documents').select('id').where('uploaded_by_link_officer_id', 'is not', null).execute();
    expect(documents.map((d) => d.id)).toEqual([theirDocumentId]);
  });

  it('does not show a case we have not yet raised with the body', async () => {
    const reference = await registerBodyCase(t, [0]);
    expect(isBodiesNotFound(await ours.get(`/bodies/cases/${compact(reference)}`))).toBe(true);
  });

  it('on a case about two bodies, shows each only its own enquiries and its share of a payment', async () => {
    const { reference, enquiryId } = await caseWithEnquiry(t, 0, { bodyIndexes: [0, 1], question: 'OUR-QUESTION' });
    await sendEnquiry(t.services, reference, actor(t, 'investigator'), { bodyId: t.bodyIds[1] as number, question: 'SECOND-BODY-QUESTION', dueOn: addCalendarDays(today(t), 20) });
    const ourView = await ours.get(`/bodies/cases/${compact(reference)}`);
    expect(ourView.statusCode).toBe(200);
    expect(ourView.body).toContain(`/bodies/enquiries/${enquiryId}"`);
    const theirView = await theirs.get(`/bodies/cases/${compact(reference)}`);
    expect(theirView.body).not.toContain(`/bodies/enquiries/${enquiryId}"`);
    expect(isBodiesNotFound(await theirs.get(`/bodies/enquiries/${enquiryId}`))).toBe(true);

    const shared = await caseInCompliance(t, [0, 1], [
      { kind: 'financial-payment', description: 'PAYMENT-SHARED', amountPence: 30_000, dueOn: addCalendarDays(today(t), 28), shares: [{ bodyId: t.bodyIds[0] as number, amountPence: 20_000 }, { bodyId: t.bodyIds[1] as number, amountPence: 10_000 }] },
      { kind: 'financial-payment', description: 'PAYMENT-THEIRS-ONLY', amountPence: 5_000, dueOn: addCalendarDays(today(t), 28), shares: [{ bodyId: t.bodyIds[1] as number, amountPence: 5_000 }] },
    ]);
    const [sharedPayment, theirsOnly] = shared.remedyIds as [number, number];
    const ourPayment = await ours.get(`/bodies/remedies/${sharedPayment}`);
    expect(ourPayment.body).toContain('£200.00 of £300.00');
    expect((await theirs.get(`/bodies/remedies/${sharedPayment}`)).body).toContain('£100.00 of £300.00');
    expect(isBodiesNotFound(await ours.get(`/bodies/remedies/${theirsOnly}`))).toBe(true);
    expect((await ours.get('/bodies')).body).not.toContain('PAYMENT-THEIRS-ONLY');
  });

  it('never shows the complainant’s contact details or the words of the complaint', async () => {
    const { reference, remedyIds } = await caseInCompliance(t, [0], undefined, { fullName: 'Pat Private', email: 'pat.private@example.test', phone: '01632 960 123', address: '1 Secret Street, Exampleton' });
    const { reference: enquiryCase, enquiryId } = await caseWithEnquiry(t, 0);
    for (const url of ['/bodies', `/bodies/cases/${compact(reference)}`, `/bodies/remedies/${remedyIds[0]}`, `/bodies/enquiries/${enquiryId}`, `/bodies/cases/${compact(enquiryCase)}`]) {
      const page = await ours.get(url);
      expect(page.statusCode, url).toBe(200);
      for (const secret of ['pat.private@example.test', '01632 960 123', 'Secret Street', 'PRIVATE-COMPLAINT-TEXT']) expect(page.body, `${url} shows ${secret}`).not.toContain(secret);
    }
    // The name, so the body can find its own records, is on the case page.
    expect((await ours.get(`/bodies/cases/${compact(reference)}`)).body).toContain('Pat Private');
  });

  it('refuses forms without the CSRF token', async () => {
    const { enquiryId } = await caseWithEnquiry(t, 0);
    await ours.get(`/bodies/enquiries/${enquiryId}`);
    const answer = await ours.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'No token' }, undefined, { csrf: false });
    expect(answer.statusCode).toBe(403);
    expect(titleOf(answer.body)).toBe(`There is a problem - ${SERVICE}`);
    const { remedyIds } = await caseInCompliance(t, [0]);
    const confirm = await ours.postWithFile(`/bodies/remedies/${remedyIds[0]}`, { whatWasDone: 'No token', ...dateFields(t, 'doneOn', 0) }, undefined, { csrf: false });
    expect(confirm.statusCode).toBe(403);
    const [enquiry, remedy] = await Promise.all([
      t.database.db.selectFrom('enquiries').select('responded_at').where('id', '=', enquiryId).executeTakeFirstOrThrow(),
      t.database.db.selectFrom('remedies').select('status').where('id', '=', remedyIds[0] as number).executeTakeFirstOrThrow(),
    ]);
    expect({ answered: enquiry.responded_at, status: remedy.status }).toEqual({ answered: null, status: 'pending' });
  });

  it('does not let a member of staff’s session in, nor a link officer into staff pages', async () => {
    const staff = await new BodiesClient(t.app).signInAsStaff('manager');
    expect((await staff.get('/bodies')).headers.location).toBe('/bodies/sign-in');
    const staffPage = await ours.get('/staff');
    expect(staffPage.statusCode).toBe(303);
    expect(staffPage.headers.location).toMatch(/^\/staff\/sign-in/);
  });
});
