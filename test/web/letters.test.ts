import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { letterJobHandlers } from '../../src/jobs/letter-jobs.ts';
import { runDueJobs } from '../../src/jobs/worker.ts';
import { escapeHtml, expectCsrfRefused, expectForbidden, expectFormError, expectNotFound, expectSignInRedirect, errorSummaryOf, RawClient, titleOf } from './support.ts';
import { pdfText, seedPlanYear2017 } from '../services/letters-support.ts';

const OMBUDSMAN = { email: 'olive.ombudsman@test.example', password: 'a long enough test password' };

describe.each(testEngines)('annual letters pages on %s', (engine) => {
  let t: TestApp;
  let ombudsman: RawClient;
  let manager: RawClient;

  beforeAll(async () => {
    t = await createTestApp(engine, new Date('2026-07-15T10:00:00Z'));
    await createStaffUser(t.services, null, { email: OMBUDSMAN.email, displayName: 'Olive Ombudsman', roles: ['ombudsman'], password: OMBUDSMAN.password, team: null });
    await seedPlanYear2017(t.database.db);
    ombudsman = await RawClient.signedIn(t.app, OMBUDSMAN);
    manager = await RawClient.signedIn(t.app, 'manager');
  }, 120_000);
  afterAll(async () => t?.dispose());

  const runJobs = () => runDueJobs({ db: t.database.db, handlers: letterJobHandlers(t.services, { compressPdf: false }), clock: t.clock, log: pino({ level: 'silent' }) });

  it('sends people who are not signed in to sign in, and refuses staff without a letters role', async () => {
    const anonymous = new RawClient(t.app);
    expectSignInRedirect(await anonymous.get('/staff/letters'), '/staff/letters');
    expectSignInRedirect(await anonymous.get('/staff/letters/2017/councils/X99000002'), '/staff/letters/2017/councils/X99000002');
    const investigator = await RawClient.signedIn(t.app, 'investigator');
    for (const url of ['/staff/letters', '/staff/letters/2017', '/staff/letters/2017/councils/X99000002', '/staff/letters/2017/councils/X99000002/letter.pdf', '/staff/letters/2017/batches/1/progress.json']) {
      expectForbidden(await investigator.get(url));
    }
    await investigator.get('/staff');
    expectForbidden(await investigator.postForm('/staff/letters/2017/batches', { statement: 'Mine' }));
    expectForbidden(await investigator.postForm('/staff/letters/2017/councils/X99000002/publish', {}));
    expect(await t.database.db.selectFrom('letter_batches').select('id').execute()).toEqual([]);
  });

  it('asks for a plan year that has ended', async () => {
    const page = await manager.get('/staff/letters');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Which plan year are the letters for?');
    expect(page.body).toContain('value="2025"');
    expect(page.body).not.toContain('value="2026"');
    const wrong = await manager.get('/staff/letters?year=2026');
    expect(wrong.statusCode).toBe(400);
    expect(errorSummaryOf(wrong.body).items).toEqual([{ href: '#year', text: 'Choose a plan year that has ended' }]);
    expect(titleOf(wrong.body)).toMatch(/^Error: /);
    const chosen = await manager.get('/staff/letters?year=2017');
    expect({ status: chosen.statusCode, location: chosen.headers.location }).toEqual({ status: 303, location: '/staff/letters/2017' });
    expectNotFound(await manager.get('/staff/letters/2026'));
    expectNotFound(await manager.get('/staff/letters/17-18'));
    expectNotFound(await manager.get('/staff/letters/2017/councils/NOPE'));
  });

  it('keeps what was typed when the year’s statement is missing or too long', async () => {
    await manager.get('/staff/letters/2017');
    expectFormError(await manager.postForm('/staff/letters/2017/batches', { statement: '  ' }), 'Enter the statement for the letters', { field: 'statement' });
    const long = `A statement <with> "quotes" ${'x'.repeat(3000)}`;
    expectFormError(await manager.postForm('/staff/letters/2017/batches', { statement: long }), 'The statement must be 3,000 characters or fewer', { field: 'statement', kept: [long] });
    expectCsrfRefused(await manager.postForm('/staff/letters/2017/batches', { statement: 'No token' }, { csrf: false }));
  });

  it('generates every council’s letter in a batch with a progress page, then review, publish and public download', async () => {
    const year = await ombudsman.get('/staff/letters/2017');
    expect(year.statusCode).toBe(200);
    expect(year.body).toContain('Annual review letters 2017-18');
    const started = await ombudsman.postForm('/staff/letters/2017/batches', { statement: 'Our statement for 2017-18.' });
    expect(started.statusCode).toBe(303);
    const batchUrl = started.headers.location as string;
    expect(batchUrl).toMatch(/^\/staff\/letters\/2017\/batches\/\d+$/);

    const running = await ombudsman.get(batchUrl);
    expect(running.statusCode).toBe(200);
    expect(running.headers['cache-control']).toBe('no-store');
    expect(running.body).toContain('<noscript><meta http-equiv="refresh" content="5"></noscript>');
    expect(running.body).toMatch(/<progress id="batch-progress"[^>]* max="6" value="0"/);
    expect(running.body).toMatch(/<script type="module" src="\/public\/letters.js" nonce="[^"]+"><\/script>/);
    expect(running.body).toContain('>Refresh</a>');
    const before = await ombudsman.get(`${batchUrl}/progress.json`);
    expect(JSON.parse(before.body)).toEqual({ total: 6, done: 0, failed: 0, percent: 0, finished: false });

    await runJobs();
    expect(JSON.parse((await ombudsman.get(`${batchUrl}/progress.json`)).body)).toEqual({ total: 6, done: 6, failed: 0, percent: 100, finished: true });
    const finished = await ombudsman.get(batchUrl);
    expect(finished.body).not.toContain('http-equiv="refresh"');
    expect(titleOf(finished.body)).toBe('Letters generated for 2017-18 - Redress');
    expect((await ombudsman.get('/staff/letters/2017')).body).toMatch(/Sampleton District Council<\/a>[\s\S]*?govuk-tag--blue">\s*Generated\s*<\/strong>/);

    // The ombudsman asked for the batch, so someone else reviews it.
    const own = await ombudsman.get('/staff/letters/2017/councils/X99000002');
    expect(own.body).toContain('You prepared this version of the letter, so someone else must review it.');
    expect(own.body).toContain('We carried out 3 detailed investigations and upheld 2 of them: an upheld rate of 67%.');
    expect(own.body).toContain('Publish the repairs timetable');
    expect(own.body).not.toContain('Mrs Example');

    const draft = await manager.get('/staff/letters/2017/councils/X99000002/letter.pdf');
    expect({ status: draft.statusCode, type: draft.headers['content-type'] }).toEqual({ status: 200, type: 'application/pdf' });
    expect(pdfText(draft.rawPayload)).toContain('Our statement for 2017-18.');

    // Not published yet: nothing public, and it cannot be published unreviewed.
    expectNotFound(await new RawClient(t.app).get('/councils/X99000002/annual-letter/2017.pdf'));
    const page = await manager.get('/staff/letters/2017/councils/X99000002');
    const early = await manager.postForm('/staff/letters/2017/councils/X99000002/publish', {});
    expect(early.statusCode).toBe(409);
    expect(errorSummaryOf(early.body).items).toEqual([{ href: '#actions', text: 'A letter can only be published after someone has reviewed it.' }]);

    const version = /name="version" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const reviewed = await manager.postForm('/staff/letters/2017/councils/X99000002/review', { version });
    expect(reviewed.headers.location).toBe('/staff/letters/2017/councils/X99000002?done=review');
    expect((await manager.get(reviewed.headers.location as string)).body).toContain('Letter marked as reviewed. It can now be published.');
    await manager.postForm('/staff/letters/2017/councils/X99000002/publish', {});

    const visitor = new RawClient(t.app);
    const pdf = await visitor.get('/councils/X99000002/annual-letter/2017.pdf');
    expect({ status: pdf.statusCode, type: pdf.headers['content-type'], cache: pdf.headers['cache-control'] }).toEqual({ status: 200, type: 'application/pdf', cache: 'public, max-age=300, must-revalidate' });
    expect(pdf.headers['set-cookie']).toBeUndefined();
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf.rawPayload)).toContain('Sampleton District Council');
    const etag = pdf.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await visitor.request({ method: 'GET', url: '/councils/X99000002/annual-letter/2017.pdf', headers: { 'if-none-match': etag } });
    expect({ status: again.statusCode, body: again.body }).toEqual({ status: 304, body: '' });
    expectNotFound(await visitor.get('/councils/X99000006/annual-letter/2017.pdf'));
    expectNotFound(await visitor.get('/councils/X99000002/annual-letter/2016.pdf'));
    expectNotFound(await visitor.get('/councils/X99000002/annual-letter/2017.txt'));

    // A published letter's statement cannot be changed; unpublishing takes it down.
    const locked = await ombudsman.get('/staff/letters/2017/councils/X99000002');
    expect(locked.body).not.toContain('name="statement"');
    const refused = await ombudsman.postForm('/staff/letters/2017/councils/X99000002/statement', { statement: 'Changed' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain(escapeHtml('This letter is published. Unpublish it before changing its statement.'));
    await ombudsman.postForm('/staff/letters/2017/councils/X99000002/unpublish', {});
    expectNotFound(await visitor.get('/councils/X99000002/annual-letter/2017.pdf'));
  });

  it('edits one letter’s statement, keeping what was typed when it is wrong', async () => {
    await ombudsman.get('/staff/letters/2017/councils/X99000006');
    expectFormError(await ombudsman.postForm('/staff/letters/2017/councils/X99000006/statement', { statement: '' }), 'Enter the statement for the letters', { field: 'statement' });
    const long = `Kept <text> ${'y'.repeat(3000)}`;
    expectFormError(await ombudsman.postForm('/staff/letters/2017/councils/X99000006/statement', { statement: long }), 'The statement must be 3,000 characters or fewer', { field: 'statement', kept: [long] });
    const saved = await ombudsman.postForm('/staff/letters/2017/councils/X99000006/statement', { statement: 'Written for Illustration Vale.\r\n\r\nA second paragraph.' });
    expect(saved.headers.location).toBe('/staff/letters/2017/councils/X99000006?done=statement');
    const page = await ombudsman.get(saved.headers.location as string);
    expect(page.body).toContain('Statement saved and the letter generated again.');
    expect(page.body).toContain('Written for this council');
    expect(page.body).toContain('<p class="govuk-body">A second paragraph.</p>');
    expect(page.body).toContain('We did not carry out any detailed investigations of complaints about the council, so there is no upheld rate for the year.');
    // Generating again when nothing has changed leaves the letter as it was, and says so.
    const again = await ombudsman.postForm('/staff/letters/2017/councils/X99000006/generate', {});
    expect(again.headers.location).toBe('/staff/letters/2017/councils/X99000006?done=unchanged');
    expect((await ombudsman.get(again.headers.location as string)).body).toContain('Nothing had changed, so the letter is as it was.');
  });
});
