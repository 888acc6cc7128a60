import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import { notScanned, VirusScanError, type VirusScanner } from '../../src/files/virus-scan.ts';
import { addDocument } from '../../src/services/investigation.ts';
import { maxUploadBytes } from '../../src/services/portal/documents.ts';
import { configurePortal } from '../../src/web/portal/settings.ts';
import { actor, complaintUrl, createPortalTestApp, errorSummaryOf, eventsOf, fixture, isPortalNotFound, PortalClient, registerPortalCase, titleOf } from './helpers.ts';

/** Flags files holding a marker, fails on another: the quarantine logic without needing ClamAV. */
const fakeScanner: VirusScanner = {
  name: 'fake',
  async scan(content) {
    if (content.includes('FAKE-VIRUS-MARKER')) return { clean: false, signature: 'Test.Fake-Virus' };
    if (content.includes('SCANNER-IS-DOWN')) throw new VirusScanError('clamd did not answer');
    return { clean: true };
  },
};

const WRONG_TYPE = 'The selected file must be a PDF, a Word, Excel or PowerPoint document, an OpenDocument or rich text file, a picture (JPG, PNG, GIF, WebP, HEIC or TIFF), an email (EML or MSG) or a plain text file';

describe.each(testEngines)('complainant portal: sending documents (%s)', (engine) => {
  let t: TestApp;
  let pat: PortalClient;
  let other: PortalClient;
  let reference = '';
  let othersReference = '';

  beforeAll(async () => {
    t = await createPortalTestApp(engine, { scanner: fakeScanner, maxUploadBytes: 1_048_576 });
    reference = await registerPortalCase(t, { email: 'pat@example.com', fullName: 'Pat Person' });
    othersReference = await registerPortalCase(t, { email: 'other@example.com', fullName: 'Other Person' });
    pat = await new PortalClient(t.app).signIn(t, 'pat@example.com');
    other = await new PortalClient(t.app).signIn(t, 'other@example.com');
    await pat.get(complaintUrl(reference));
    await other.get(complaintUrl(othersReference));
  });
  afterAll(async () => t?.dispose());

  async function documents(ref = reference) {
    return t.database.db
      .selectFrom('documents as d')
      .innerJoin('cases as c', 'c.id', 'd.case_id')
      .selectAll('d')
      .where('c.reference', '=', ref)
      .orderBy('d.id')
      .execute();
  }

  async function upload(name: string, content: Buffer, client = pat, ref = reference) {
    await client.get(complaintUrl(ref));
    return client.upload(complaintUrl(ref, 'documents'), { name, content, type: 'application/pdf' });
  }

  async function expectRefused(name: string, content: Buffer, message: string, status = 400) {
    const before = await documents();
    const response = await upload(name, content);
    expect(response.statusCode, name).toBe(status);
    expect(titleOf(response.body)).toBe(`Error: Complaint ${reference} - Complain to the Ombudsman`);
    expect(errorSummaryOf(response.body)).toEqual([{ href: '#document', text: message }]);
    expect(response.body).toContain('govuk-file-upload');
    expect(await documents()).toEqual(before);
  }

  it.each([
    ['letter.pdf', 'application/pdf'],
    ['photo.jpg', 'image/jpeg'],
    ['photo.png', 'image/png'],
    ['photo.gif', 'image/gif'],
    ['letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['costs.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['letter.doc', 'application/msword'],
    ['costs.xls', 'application/vnd.ms-excel'],
    ['email.msg', 'application/vnd.ms-outlook'],
    ['email.eml', 'message/rfc822'],
    ['notes.txt', 'text/plain'],
  ])('accepts %s, judged by its content (%s)', async (name, mime) => {
    const content = fixture(name);
    const response = await upload(name, content);
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: `${complaintUrl(reference)}#documents` });
    const row = (await documents()).at(-1);
    expect(row).toMatchObject({
      file_name: name, content_type: mime, size_bytes: content.length, sha256: createHash('sha256').update(content).digest('hex'),
      uploaded_by: null, scan_status: 'clean',
    });
    expect(row?.uploaded_by_person_id).not.toBeNull();
    const page = await pat.get(complaintUrl(reference));
    expect(page.body).toContain(`We have received your file ${name}`);
    expect(page.body).toContain(`<a class="govuk-link" href="${complaintUrl(reference, `documents/${row?.id}`)}">${name}</a>`);
    const download = await pat.get(complaintUrl(reference, `documents/${row?.id}`));
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(content)).toBe(true);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toContain(`attachment; filename="${name}"`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
  });

  it('does not trust the name: a PDF called .exe is kept as a PDF with the right extension', async () => {
    const response = await upload('statement.exe', fixture('letter.pdf'));
    expect(response.statusCode).toBe(303);
    expect((await documents()).at(-1)).toMatchObject({ file_name: 'statement.exe.pdf', content_type: 'application/pdf' });
    const named = await upload('C:\\Users\\pat\\..\\phone notes.txt', fixture('notes.txt'));
    expect(named.statusCode).toBe(303);
    expect((await documents()).at(-1)?.file_name).toBe('phone notes.txt');
  });

  it.each([
    ['program.exe', 'letter.pdf'],
    ['archive.zip', 'letter.docx'],
    ['page.html', 'page.txt'],
    ['drawing.svg', 'drawing.png'],
    ['installer.msi', 'installer.doc'],
    ['script.sh', 'notes.txt'],
  ])('refuses %s whatever it is called (%s)', async (file, claimedName) => {
    await expectRefused(claimedName, fixture(file), WRONG_TYPE);
  });

  it('refuses binary content of no known type', async () => {
    await expectRefused('data.pdf', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10]), WRONG_TYPE);
  });

  it('refuses an empty file, and asks for a file when none was chosen', async () => {
    await expectRefused('empty.pdf', Buffer.alloc(0), 'The selected file is empty');
    const before = await documents();
    await pat.get(complaintUrl(reference));
    const none = await pat.upload(complaintUrl(reference, 'documents'), undefined);
    expect(none.statusCode).toBe(400);
    expect(errorSummaryOf(none.body)).toEqual([{ href: '#document', text: 'Select a file' }]);
    const notMultipart = await pat.post(complaintUrl(reference, 'documents'), { document: 'letter.pdf' });
    expect(errorSummaryOf(notMultipart.body)).toEqual([{ href: '#document', text: 'Select a file' }]);
    expect(await documents()).toEqual(before);
  });

  it('refuses a file over the size limit', async () => {
    const big = Buffer.concat([fixture('letter.pdf'), Buffer.alloc(1_048_576, 0x20)]);
    await expectRefused('big.pdf', big, 'The selected file must be smaller than 1MB');
    const exactly = Buffer.concat([Buffer.from('Exactly at the limit. '), Buffer.alloc(1_048_576 - 22, 0x61)]);
    expect((await upload('exact.txt', exactly)).statusCode).toBe(303);
  });

  it('reads the limit from MAX_UPLOAD_MB, 10MB by default', () => {
    expect(maxUploadBytes({})).toBe(10 * 1_048_576);
    expect(maxUploadBytes({ MAX_UPLOAD_MB: '25' })).toBe(25 * 1_048_576);
    expect(maxUploadBytes({ MAX_UPLOAD_MB: 'lots' })).toBe(10 * 1_048_576);
  });

  it('quarantines a file with a virus: kept and shown, never offered, and the person is told', async () => {
    const content = Buffer.from('A letter with FAKE-VIRUS-MARKER in it.\n');
    const response = await upload('infected.txt', content);
    expect(response.statusCode).toBe(400);
    expect(errorSummaryOf(response.body)).toEqual([{ href: '#document', text: 'The file infected.txt contains a virus and has been quarantined' }]);
    const row = (await documents()).at(-1);
    expect(row).toMatchObject({ file_name: 'infected.txt', scan_status: 'quarantined', sha256: createHash('sha256').update(content).digest('hex') });
    expect((await t.services.files.get(row?.storage_key as string)).equals(content)).toBe(true);
    const event = (await eventsOf(t, reference)).at(-1);
    expect(event).toMatchObject({ kind: 'document-added', actor_id: null, detail_text: 'infected.txt' });
    expect(event?.facts).toMatchObject({ documentId: row?.id, scanStatus: 'quarantined', signature: 'Test.Fake-Virus', from: 'complainant' });

    const page = await pat.get(complaintUrl(reference));
    expect(page.body).toContain('infected.txt');
    expect(page.body).toContain('Quarantined');
    expect(page.body).not.toContain(`href="${complaintUrl(reference, `documents/${row?.id}`)}"`);
    expect(isPortalNotFound(await pat.get(complaintUrl(reference, `documents/${row?.id}`)))).toBe(true);
  });

  it('keeps nothing when the scanner cannot answer, and asks the person to try later', async () => {
    await expectRefused('notes.txt', Buffer.from('SCANNER-IS-DOWN today'), 'We could not check the file for viruses. Try again later', 503);
  });

  it('records files as not scanned when no scanner is configured', async () => {
    configurePortal(t.services, { scanner: notScanned });
    try {
      expect((await upload('unscanned.txt', fixture('notes.txt'))).statusCode).toBe(303);
      expect((await documents()).at(-1)).toMatchObject({ file_name: 'unscanned.txt', scan_status: 'not-scanned' });
    } finally {
      configurePortal(t.services, { scanner: fakeScanner });
    }
  });

  it('refuses an upload without its CSRF token', async () => {
    const before = await documents();
    await pat.get(complaintUrl(reference));
    const response = await pat.upload(complaintUrl(reference, 'documents'), { name: 'letter.pdf', content: fixture('letter.pdf') }, { csrf: false });
    expect(response.statusCode).toBe(403);
    expect(await documents()).toEqual(before);
  });

  it('never lets anyone else see or add to a complaint’s documents', async () => {
    const mine = (await documents()).find((d) => d.scan_status === 'clean');
    expect(mine).toBeDefined();
    // Another complainant, with the right reference and id: not found.
    expect(isPortalNotFound(await other.get(complaintUrl(reference, `documents/${mine?.id}`)))).toBe(true);
    // Their own reference with someone else's document id: not found.
    expect(isPortalNotFound(await other.get(complaintUrl(othersReference, `documents/${mine?.id}`)))).toBe(true);
    for (const id of ['999999', 'abc', '1e3', '-1']) expect(isPortalNotFound(await pat.get(complaintUrl(reference, `documents/${id}`))), id).toBe(true);
    // Uploading to someone else's complaint.
    const before = await documents(reference);
    await other.get(complaintUrl(othersReference));
    const response = await other.upload(complaintUrl(reference, 'documents'), { name: 'letter.pdf', content: fixture('letter.pdf') });
    expect(isPortalNotFound(response)).toBe(true);
    expect(await documents(reference)).toEqual(before);
    // Not signed in.
    const stranger = new PortalClient(t.app);
    expect((await stranger.get(complaintUrl(reference, `documents/${mine?.id}`))).headers.location).toBe('/sign-in');
  });

  it('does not offer the complainant documents staff added to the case', async () => {
    const staffDocumentId = await addDocument(t.services, reference, actor(t, 'investigator'), { fileName: 'internal-note.pdf', contentType: 'application/pdf', content: fixture('letter.pdf') });
    const page = await pat.get(complaintUrl(reference));
    expect(page.body).not.toContain('internal-note.pdf');
    expect(isPortalNotFound(await pat.get(complaintUrl(reference, `documents/${staffDocumentId}`)))).toBe(true);
  });
});
