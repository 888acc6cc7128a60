import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type Browser, type TestApp } from '../helpers/app.ts';
import {
  advanceCase, caseRow, caseSnapshot, caseUrl, escapeHtml, eventKinds, expectConflict, expectCsrfRefused, expectForbidden, expectFormError,
  expectNotFound, registerCase, tally, titleOf, within,
} from './support.ts';

/** Adding documents to a case (multipart upload) and downloading them again. */
describe('case documents', () => {
  let t: TestApp;
  let investigator: Browser;
  let reference = '';

  beforeAll(async () => {
    t = await createTestApp('pglite');
    investigator = await signedInAs(t.app, 'investigator');
    reference = await registerCase(t);
  });
  afterAll(async () => t?.dispose());

  async function upload(browser: Browser, ref: string, name: string, content: Buffer, type = 'application/pdf') {
    return browser.postMultipart(caseUrl(ref, 'document'), { name, type, content });
  }

  async function documentsOf(ref: string) {
    const row = await caseRow(t, ref);
    return t.database.db.selectFrom('documents').selectAll().where('case_id', '=', row.id).orderBy('id').execute();
  }

  it('shows the upload form', async () => {
    const page = await investigator.get(caseUrl(reference, 'document'));
    expect(page.statusCode).toBe(200);
    expect(titleOf(page.body)).toBe('Add a document - Redress');
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toMatch(/<form method="post" action="\?_csrf=[^"]+"/);
    expect(page.body).toContain('type="file"');
  });

  it('asks for a file when none was chosen', async () => {
    const before = await caseSnapshot(t, reference);
    const response = await investigator.postMultipart(caseUrl(reference, 'document'), undefined);
    expectFormError(response, 'Select a file', { field: 'document' });
    expect(titleOf(response.body)).toBe('Error: Add a document - Redress');
    expect(await caseSnapshot(t, reference)).toEqual(before);
  });

  it('asks for a file when the form was not sent as a file upload', async () => {
    const before = await caseSnapshot(t, reference);
    const response = await investigator.post(caseUrl(reference, 'document'), { document: 'not a file' });
    expectFormError(response, 'Select a file', { field: 'document' });
    expect(await caseSnapshot(t, reference)).toEqual(before);
  });

  it('refuses an empty file', async () => {
    const before = await caseSnapshot(t, reference);
    const response = await upload(investigator, reference, 'empty.txt', Buffer.alloc(0), 'text/plain');
    expectFormError(response, 'The selected file is empty', { field: 'document' });
    expect(await caseSnapshot(t, reference)).toEqual(before);
  });

  it('adds a real upload to the case, and it downloads with identical bytes as an attachment', async () => {
    const content = randomBytes(1_500_000);
    const response = await upload(investigator, reference, 'Council reply 2026-03.pdf', content);
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: caseUrl(reference) });

    const [document] = await documentsOf(reference);
    expect(document).toBeDefined();
    expect(document?.file_name).toBe('Council reply 2026-03.pdf');
    expect(document?.size_bytes).toBe(content.length);
    expect(document?.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(await eventKinds(t, reference)).toEqual(['case-registered', 'document-added']);

    const page = await investigator.get(caseUrl(reference));
    expect(page.body).toContain('Document added');
    const link = caseUrl(reference, `documents/${document?.id}`);
    expect(page.body).toContain(`<a class="govuk-link" href="${link}">Council reply 2026-03.pdf</a>`);
    expect(page.body).toContain('by Ina Investigator');

    // Anyone signed in can download it.
    const intake = await signedInAs(t.app, 'intake');
    const download = await intake.get(link);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toBe("attachment; filename=\"Council reply 2026-03.pdf\"; filename*=UTF-8''Council%20reply%202026-03.pdf");
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.rawPayload, content)).toBe(0);
  });

  it('keeps a file name with non-English characters, and still downloads it', async () => {
    const ref = await registerCase(t);
    const content = Buffer.from('Résumé of the council’s reply\n', 'utf8');
    const name = 'Council’s reply – Zoë.txt';
    expect((await upload(investigator, ref, name, content, 'text/plain')).statusCode).toBe(303);
    const [document] = await documentsOf(ref);
    expect(document?.file_name).toBe(name);
    expect((await investigator.get(caseUrl(ref))).body).toContain(escapeHtml(name));
    const download = await within(2, investigator.get(caseUrl(ref, `documents/${document?.id}`)), 'downloading a document with a non-ASCII name');
    expect(download.statusCode).toBe(200);
    expect(String(download.headers['content-disposition'])).toMatch(/^attachment;/);
    expect(Buffer.compare(download.rawPayload, content)).toBe(0);
  });

  it('drops any folder path from the file name', async () => {
    const ref = await registerCase(t);
    expect((await upload(investigator, ref, '../../etc/passwd', Buffer.from('x'), 'text/plain')).statusCode).toBe(303);
    const [document] = await documentsOf(ref);
    expect(document?.file_name).not.toMatch(/[\\/]/);
  });

  it('refuses a file over 20MB, writing nothing', async () => {
    const ref = await registerCase(t);
    const before = await tally(t);
    const response = await upload(investigator, ref, 'huge.bin', Buffer.alloc(20 * 1_048_576 + 1, 7), 'application/octet-stream');
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('The selected file must be smaller than 20MB');
    expect(await tally(t)).toEqual(before);
  });

  it('finds no document through another case, a made-up id or an unknown case', async () => {
    const other = await registerCase(t);
    expect((await upload(investigator, other, 'other.txt', Buffer.from('other case'), 'text/plain')).statusCode).toBe(303);
    const [otherDocument] = await documentsOf(other);
    expect((await investigator.get(caseUrl(other, `documents/${otherDocument?.id}`))).statusCode).toBe(200);
    const seen = [];
    for (const url of [
      caseUrl(reference, `documents/${otherDocument?.id}`), caseUrl(reference, 'documents/abc'), caseUrl(reference, 'documents/-1'),
      caseUrl(reference, 'documents/99999999999'), `/staff/cases/26999999/documents/${otherDocument?.id}`, `/staff/cases/nonsense/documents/${otherDocument?.id}`,
    ]) {
      seen.push({ url, status: (await investigator.get(url)).statusCode });
    }
    expect(seen).toEqual(seen.map(({ url }) => ({ url, status: 404 })));
    expectNotFound(await investigator.get(caseUrl(reference, `documents/${otherDocument?.id}`)));
  });

  it('cannot be added by someone who does not work on cases', async () => {
    const admin = await signedInAs(t.app, 'admin');
    const before = await tally(t);
    expectForbidden(await upload(admin, reference, 'admin.txt', Buffer.from('x'), 'text/plain'));
    expect(await tally(t)).toEqual(before);
  });

  it('cannot be added to a closed case', async () => {
    const ref = await registerCase(t);
    await advanceCase(t, ref, 'closed');
    const before = await caseSnapshot(t, ref);
    expectConflict(await upload(investigator, ref, 'late.txt', Buffer.from('x'), 'text/plain'), 'Documents cannot be added to a closed case');
    expect(await caseSnapshot(t, ref)).toEqual(before);
  });

  it('refuses an upload without the CSRF token, writing nothing', async () => {
    const before = await tally(t);
    const token = investigator.csrf;
    investigator.csrf = '';
    try {
      expectCsrfRefused(await upload(investigator, reference, 'forged.txt', Buffer.from('x'), 'text/plain'));
      investigator.csrf = 'forged-token';
      expectCsrfRefused(await upload(investigator, reference, 'forged.txt', Buffer.from('x'), 'text/plain'));
    } finally {
      investigator.csrf = token;
    }
    expect(await tally(t)).toEqual(before);
  });
});
