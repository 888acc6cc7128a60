import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/domain/london-time.ts';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import {
  addOfficer, BodiesClient, bodyName, caseEvents, caseInCompliance, caseWithEnquiry, createBodiesTestApp, dateFields, errorSummaryOf, escapeHtml, fixture,
  notificationsTo, SERVICE, titleOf, today,
} from './helpers.ts';

const WRONG_TYPE = 'The selected file must be a PDF, a Word, Excel or PowerPoint document, an OpenDocument or rich text file, a picture (JPG, PNG, GIF, WebP, HEIC or TIFF), an email (EML or MSG) or a plain text file';

describe.each(testEngines)('a link officer’s work (%s)', (engine) => {
  let t: TestApp;
  let lee: BodiesClient;
  let leeId = 0;
  let councilName = '';
  const leeEmail = 'lee.officer@exampleshire.test';

  beforeAll(async () => {
    t = await createBodiesTestApp(engine);
    leeId = await addOfficer(t, 0, { email: leeEmail, fullName: 'Lee Officer' });
    councilName = await bodyName(t, 0);
    lee = await new BodiesClient(t.app).signIn(t, leeEmail);
  });
  afterAll(async () => t?.dispose());

  const signedInLee = () => new BodiesClient(t.app).signIn(t, leeEmail);

  async function enquiryRow(id: number) {
    return t.database.db.selectFrom('enquiries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }
  async function remedyRow(id: number) {
    return t.database.db.selectFrom('remedies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }
  async function caseStage(reference: string) {
    return (await t.database.db.selectFrom('cases').select(['stage', 'closed_at']).where('reference', '=', reference).executeTakeFirstOrThrow());
  }

  describe('the home page', () => {
    it('lists our open enquiries to the body and its remedies to confirm, soonest due first, with due dates and overdue tags', async () => {
      const later = await caseWithEnquiry(t, 0, { question: 'LATER-QUESTION: please send the housing file.', dueInDays: 30 });
      const sooner = await caseWithEnquiry(t, 0, { question: 'SOONER-QUESTION: when did you reply?', dueInDays: 5 });
      const { reference: remedyCase } = await caseInCompliance(t, [0]);
      // Time passes: the sooner enquiry is now 2 days overdue.
      t.clock.set(new Date(t.clock.now().getTime() + 7 * 86_400_000));
      try {
        // Signed in afresh: a week without activity would have signed anyone out.
        const page = await (await signedInLee()).get('/bodies');
        expect(page.statusCode).toBe(200);
        expect(titleOf(page.body)).toBe(`Your work - ${SERVICE}`);
        expect(page.body).toContain(`link officer for <strong>${escapeHtml(councilName)}</strong>`);
        const enquiries = page.body.slice(page.body.indexOf('id="enquiries"'), page.body.indexOf('id="remedies"'));
        expect(enquiries.indexOf('SOONER-QUESTION')).toBeGreaterThan(0);
        expect(enquiries.indexOf('SOONER-QUESTION')).toBeLessThan(enquiries.indexOf('LATER-QUESTION'));
        expect(enquiries).toContain(`href="/bodies/enquiries/${sooner.enquiryId}">${sooner.reference}`);
        const soonerRow = enquiries.slice(enquiries.indexOf('SOONER-QUESTION'), enquiries.indexOf('LATER-QUESTION'));
        expect(soonerRow).toContain('Overdue');
        const laterRow = enquiries.slice(enquiries.indexOf('LATER-QUESTION'));
        expect(laterRow).toContain('Not yet due');
        expect(laterRow).not.toContain('Overdue');
        expect(later.reference).not.toBe(sooner.reference);
        const remedies = page.body.slice(page.body.indexOf('id="remedies"'), page.body.indexOf('id="settled"'));
        expect(remedies).toContain(remedyCase);
        expect(remedies).toContain('Apologise in writing to the complainant');
        // The complaint's own words are never on the officer's pages.
        expect(page.body).not.toContain('PRIVATE-COMPLAINT-TEXT');
      } finally {
        t.clock.set(new Date(t.clock.now().getTime() - 7 * 86_400_000));
      }
    });
  });

  describe('answering an enquiry', () => {
    it('takes a response with a document; the staff timeline names the link officer and the body', async () => {
      const { reference, enquiryId } = await caseWithEnquiry(t, 0, { question: 'Please send us the letters you sent.' });
      const page = await lee.get(`/bodies/enquiries/${enquiryId}`);
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe(`Respond to our enquiry - ${SERVICE}`);
      expect(page.body).toContain('Please send us the letters you sent.');
      expect(page.body).toContain('enctype="multipart/form-data"');

      const sent = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'Our letters are attached.' }, { name: 'letters.pdf', content: fixture('letter.pdf'), type: 'application/pdf' });
      expect({ status: sent.statusCode, location: sent.headers.location }).toEqual({ status: 303, location: '/bodies' });
      const home = await lee.get('/bodies');
      expect(home.body).toContain(`Thank you. We have your response to our enquiry about case ${reference}.`);
      expect(home.body).not.toContain(`/bodies/enquiries/${enquiryId}"`);

      const row = await enquiryRow(enquiryId);
      expect({ text: row.response_text, by: row.responded_by_link_officer_id, at: row.responded_at?.getTime() }).toEqual({ text: 'Our letters are attached.', by: leeId, at: t.clock.now().getTime() });
      const documents = await t.database.db.selectFrom('documents as d').innerJoin('cases as c', 'c.id', 'd.case_id').selectAll('d').where('c.reference', '=', reference).execute();
      expect(documents).toHaveLength(1);
      expect({ name: documents[0]?.file_name, by: documents[0]?.uploaded_by_link_officer_id, staff: documents[0]?.uploaded_by, scan: documents[0]?.scan_status }).toEqual({ name: 'letters.pdf', by: leeId, staff: null, scan: 'clean' });

      const events = (await caseEvents(t, reference)).slice(-2);
      expect(events.map((e) => e.kind)).toEqual(['document-added', 'enquiry-response-recorded']);
      for (const event of events) {
        expect(event.actor_id).toBeNull();
        expect(event.facts).toMatchObject({ linkOfficerId: leeId, linkOfficerName: 'Lee Officer', linkOfficerBody: councilName });
      }
      expect(events[1]?.facts).toMatchObject({ enquiryId, late: false, documentId: documents[0]?.id });

      const staff = await new BodiesClient(t.app).signInAsStaff('investigator');
      const casePage = await staff.get(`/staff/cases/${reference.replace(/\s/g, '')}`);
      expect(casePage.body).toContain(`by Link officer Lee Officer (${escapeHtml(councilName)})`);
      expect(casePage.body).toContain('Our letters are attached.');

      // The answered enquiry now shows the answer, and takes no second one.
      const again = await lee.get(`/bodies/enquiries/${enquiryId}`);
      expect(titleOf(again.body)).toBe(`Our enquiry - ${SERVICE}`);
      expect(again.body).toContain('by Lee Officer');
      expect(again.body).not.toContain('name="response"');
      const second = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'A second answer' });
      expect(second.statusCode).toBe(409);
      expect(second.body).toContain('This enquiry has already been answered');
      expect((await enquiryRow(enquiryId)).response_text).toBe('Our letters are attached.');
    });

    it('counts an answer after the due date as late', async () => {
      const { reference, enquiryId } = await caseWithEnquiry(t, 0, { dueInDays: 3 });
      t.clock.set(new Date(t.clock.now().getTime() + 5 * 86_400_000));
      try {
        const later = await signedInLee();
        await later.get(`/bodies/enquiries/${enquiryId}`);
        const sent = await later.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'Sorry this is late.' });
        expect(sent.statusCode).toBe(303);
        expect((await caseEvents(t, reference)).at(-1)?.facts).toMatchObject({ enquiryId, late: true });
      } finally {
        t.clock.set(new Date(t.clock.now().getTime() - 5 * 86_400_000));
      }
    });

    it('shows the form again with every problem and what was typed; nothing is kept', async () => {
      const { reference, enquiryId } = await caseWithEnquiry(t, 0);
      await lee.get(`/bodies/enquiries/${enquiryId}`);
      const empty = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: '   ' }, { name: 'run.exe', content: fixture('program.exe') });
      expect(empty.statusCode).toBe(400);
      expect(titleOf(empty.body)).toBe(`Error: Respond to our enquiry - ${SERVICE}`);
      expect(errorSummaryOf(empty.body)).toEqual([
        { href: '#response', text: 'Enter your response to our enquiry' },
        { href: '#document', text: escapeHtml(WRONG_TYPE) },
      ]);
      const wrongType = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'Kept <words> & all' }, { name: 'page.html', content: fixture('page.html') });
      expect(errorSummaryOf(wrongType.body)).toEqual([{ href: '#document', text: escapeHtml(WRONG_TYPE) }]);
      expect(wrongType.body).toContain('Kept &lt;words&gt; &amp; all</textarea>');
      const emptyFile = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'Words' }, { name: 'empty.pdf', content: Buffer.alloc(0) });
      expect(errorSummaryOf(emptyFile.body)).toEqual([{ href: '#document', text: 'The selected file is empty' }]);
      const tooBig = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'Words' }, { name: 'big.txt', content: Buffer.alloc(1_048_577, 'a') });
      expect(errorSummaryOf(tooBig.body)).toEqual([{ href: '#document', text: 'The selected file must be smaller than 1MB' }]);
      expect((await enquiryRow(enquiryId)).responded_at).toBeNull();
      const documents = await t.database.db.selectFrom('documents as d').innerJoin('cases as c', 'c.id', 'd.case_id').select('d.id').where('c.reference', '=', reference).execute();
      expect(documents).toEqual([]);
    });

    it('keeps a file with a virus as quarantined, takes no answer with it, and never offers it for download', async () => {
      const { reference, enquiryId } = await caseWithEnquiry(t, 0);
      await lee.get(`/bodies/enquiries/${enquiryId}`);
      const infected = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'With a bad file' }, { name: 'notes.txt', content: Buffer.from('hello FAKE-VIRUS-MARKER') });
      expect(infected.statusCode).toBe(400);
      expect(errorSummaryOf(infected.body)).toEqual([{ href: '#document', text: 'The file notes.txt contains a virus and has been quarantined' }]);
      expect(infected.body).toContain('With a bad file</textarea>');
      expect((await enquiryRow(enquiryId)).responded_at).toBeNull();
      const [document] = await t.database.db.selectFrom('documents as d').innerJoin('cases as c', 'c.id', 'd.case_id').selectAll('d').where('c.reference', '=', reference).execute();
      expect({ scan: document?.scan_status, by: document?.uploaded_by_link_officer_id }).toEqual({ scan: 'quarantined', by: leeId });
      const casePage = await lee.get(`/bodies/cases/${reference.replace(/\s/g, '')}`);
      expect(casePage.body).toContain('Quarantined');
      expect(casePage.body).not.toContain(`/documents/${document?.id}"`);
      const download = await lee.get(`/bodies/cases/${reference.replace(/\s/g, '')}/documents/${document?.id}`);
      expect(download.statusCode).toBe(404);

      const down = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'Scanner down' }, { name: 'notes.txt', content: Buffer.from('SCANNER-IS-DOWN') });
      expect(down.statusCode).toBe(503);
      expect(errorSummaryOf(down.body)).toEqual([{ href: '#document', text: 'We could not check the file for viruses. Try again later' }]);

      // Sent again without the file, the answer is taken.
      const clean = await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'Without the file' });
      expect(clean.statusCode).toBe(303);
      expect((await enquiryRow(enquiryId)).response_text).toBe('Without the file');
    });

    it('lets the officer download the documents their body sent', async () => {
      const { reference, enquiryId } = await caseWithEnquiry(t, 0);
      await lee.get(`/bodies/enquiries/${enquiryId}`);
      await lee.postWithFile(`/bodies/enquiries/${enquiryId}`, { response: 'See attached' }, { name: 'notes.txt', content: fixture('notes.txt') });
      const [document] = await t.database.db.selectFrom('documents as d').innerJoin('cases as c', 'c.id', 'd.case_id').selectAll('d').where('c.reference', '=', reference).execute();
      const casePage = await lee.get(`/bodies/cases/${reference.replace(/\s/g, '')}`);
      expect(casePage.body).toContain(`href="/bodies/cases/${reference.replace(/\s/g, '')}/documents/${document?.id}">notes.txt</a>`);
      const download = await lee.get(`/bodies/cases/${reference.replace(/\s/g, '')}/documents/${document?.id}`);
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe('application/octet-stream');
      expect(download.headers['cache-control']).toBe('private, no-store');
      expect(download.rawPayload.equals(fixture('notes.txt'))).toBe(true);
    });
  });

  describe('confirming a remedy', () => {
    it('settles it on time with evidence; the last remedy closes the case and the complainant is told', async () => {
      const { reference, remedyIds } = await caseInCompliance(t, [0], undefined, { fullName: 'Casey Complainant', email: 'casey@example.test' });
      const [remedyId] = remedyIds as [number];
      const page = await lee.get(`/bodies/remedies/${remedyId}`);
      expect(page.statusCode).toBe(200);
      expect(titleOf(page.body)).toBe(`Confirm a remedy has been done - ${SERVICE}`);
      expect(page.body).toContain('Apologise in writing to the complainant');
      // Nothing of the complainant's contact details.
      expect(page.body).not.toContain('casey@example.test');

      const sent = await lee.postWithFile(`/bodies/remedies/${remedyId}`, { whatWasDone: 'Apology letter sent by first-class post.', ...dateFields(t, 'doneOn', 0) }, { name: 'apology.pdf', content: fixture('letter.pdf'), type: 'application/pdf' });
      expect({ status: sent.statusCode, location: sent.headers.location }).toEqual({ status: 303, location: '/bodies' });
      const home = await lee.get('/bodies');
      expect(home.body).toContain(`Thank you. We have recorded that the remedy was done. Case ${reference} is now closed.`);
      const settled = home.body.slice(home.body.indexOf('id="settled"'));
      expect(settled).toContain(reference);
      expect(settled).toContain('Complied on time');

      const remedy = await remedyRow(remedyId);
      const [document] = await t.database.db.selectFrom('documents as d').innerJoin('cases as c', 'c.id', 'd.case_id').selectAll('d').where('c.reference', '=', reference).execute();
      expect({
        status: remedy.status, settledOn: remedy.settled_on, evidence: remedy.evidence_text, by: remedy.confirmed_by_link_officer_id, document: remedy.evidence_document_id,
      }).toEqual({ status: 'complied-on-time', settledOn: today(t), evidence: 'Apology letter sent by first-class post.', by: leeId, document: document?.id });
      expect((await caseStage(reference)).stage).toBe('closed');
      const events = await caseEvents(t, reference);
      expect(events.slice(-3).map((e) => e.kind)).toEqual(['document-added', 'compliance-recorded', 'case-closed']);
      expect(events.at(-2)?.facts).toMatchObject({ remedyId, status: 'complied-on-time', linkOfficerId: leeId, evidenceDocumentId: document?.id });
      const told = await notificationsTo(t, 'casey@example.test', 'stage-changed');
      expect(told.at(-1)?.personalisation).toMatchObject({ reference, stage: 'closed' });

      const remedyPage = await lee.get(`/bodies/remedies/${remedyId}`);
      expect(remedyPage.body).toContain('Link officer Lee Officer');
      expect(remedyPage.body).not.toContain('name="whatWasDone"');
    });

    it('works out late from the due date, and keeps the case open while another remedy is pending', async () => {
      const { reference, remedyIds } = await caseInCompliance(t, [0], [
        { kind: 'apology', description: 'Apologise', dueOn: addCalendarDays(today(t), 10) },
        { kind: 'financial-payment', description: 'Pay £250 for the distress', amountPence: 25_000, dueOn: addCalendarDays(today(t), 10) },
      ]);
      t.clock.set(new Date(t.clock.now().getTime() + 14 * 86_400_000));
      try {
        const [apology, payment] = remedyIds as [number, number];
        const later = await signedInLee();
        await later.get(`/bodies/remedies/${payment}`);
        const sent = await later.postWithFile(`/bodies/remedies/${payment}`, { whatWasDone: 'Paid by bank transfer.', ...dateFields(t, 'doneOn', -1) });
        expect(sent.statusCode).toBe(303);
        expect((await remedyRow(payment)).status).toBe('complied-late');
        expect((await remedyRow(payment)).evidence_document_id).toBeNull();
        expect((await caseStage(reference)).stage).toBe('compliance');
        const home = await later.get('/bodies');
        expect(home.body).toContain(`Thank you. We have recorded that the remedy was done on case ${reference}.`);
        expect(home.body).toContain(`/bodies/remedies/${apology}"`);
      } finally {
        t.clock.set(new Date(t.clock.now().getTime() - 14 * 86_400_000));
      }
    });

    it('refuses a date in the future, before our decision, or not a date, keeping what was typed', async () => {
      const { remedyIds } = await caseInCompliance(t, [0]);
      const [remedyId] = remedyIds as [number];
      await lee.get(`/bodies/remedies/${remedyId}`);
      const future = await lee.postWithFile(`/bodies/remedies/${remedyId}`, { whatWasDone: 'Typed <this>', ...dateFields(t, 'doneOn', 1) });
      expect(future.statusCode).toBe(400);
      expect(titleOf(future.body)).toBe(`Error: Confirm a remedy has been done - ${SERVICE}`);
      expect(errorSummaryOf(future.body)).toEqual([{ href: '#doneOn-day', text: 'The date it was done must be today or in the past' }]);
      expect(future.body).toContain('Typed &lt;this&gt;</textarea>');
      const before = await lee.postWithFile(`/bodies/remedies/${remedyId}`, { whatWasDone: 'Done', ...dateFields(t, 'doneOn', -400) });
      expect(errorSummaryOf(before.body)[0]?.text).toMatch(/^The date it was done must be on or after the date of our decision, \d{1,2} \w+ \d{4}$/);
      const notADate = await lee.postWithFile(`/bodies/remedies/${remedyId}`, { whatWasDone: '', 'doneOn-day': '31', 'doneOn-month': '2', 'doneOn-year': '2026' });
      expect(errorSummaryOf(notADate.body)).toEqual([
        { href: '#whatWasDone', text: 'Describe what was done to carry out the remedy' },
        { href: '#doneOn-day', text: 'The date it was done must be a real date' },
      ]);
      expect(notADate.body).toContain('value="31"');
      expect((await remedyRow(remedyId)).status).toBe('pending');
    });
  });
});
