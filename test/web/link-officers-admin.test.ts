import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { escapeHtml, expectCsrfRefused, expectForbidden, expectFormError, expectNotFound, expectSignInRedirect, RawClient, titleOf } from './support.ts';

describe.each(testEngines)('staff pages for bodies’ link officers (%s)', (engine) => {
  let t: TestApp;
  let admin: RawClient;
  let manager: RawClient;
  let first = { id: 0, code: '', name: '' };
  let second = { id: 0, code: '', name: '' };

  beforeAll(async () => {
    t = await createTestApp(engine);
    const bodies = await t.database.db.selectFrom('bodies').select(['id', 'code', 'name']).orderBy('id').execute();
    first = bodies[0] as typeof first;
    second = bodies[1] as typeof second;
    admin = await RawClient.signedIn(t.app, 'admin');
    manager = await RawClient.signedIn(t.app, 'manager');
  });
  afterAll(async () => t?.dispose());

  const officersUrl = (code: string) => `/staff/bodies/${code}/link-officers`;
  const officers = (bodyId: number) => t.database.db.selectFrom('link_officers').selectAll().where('body_id', '=', bodyId).orderBy('id').execute();

  it('is for administrators and team managers only; others are refused and the signed-out sent to sign in', async () => {
    for (const who of ['intake', 'investigator', 'assessor'] as const) {
      const client = await RawClient.signedIn(t.app, who);
      expectForbidden(await client.get('/staff/bodies'));
      expectForbidden(await client.get(officersUrl(first.code)));
      await client.get('/staff');
      expectForbidden(await client.postForm(officersUrl(first.code), { fullName: 'Sneaky', email: 'sneaky@example.test' }));
    }
    expect(await officers(first.id)).toEqual([]);
    expectSignInRedirect(await new RawClient(t.app).get('/staff/bodies'), '/staff/bodies');
    expect((await manager.get('/staff/bodies')).statusCode).toBe(200);
  });

  it('finds a body by name or code, and lists those with link officers when nothing is typed', async () => {
    const empty = await admin.get('/staff/bodies');
    expect(titleOf(empty.body)).toBe('Link officers - Redress');
    expect(empty.body).toContain('No organisation has a link officer yet');
    const byName = await admin.get(`/staff/bodies?q=${encodeURIComponent(first.name.slice(0, 8))}`);
    expect(byName.body).toContain(`href="${officersUrl(first.code)}">${escapeHtml(first.name)}</a>`);
    const byCode = await admin.get(`/staff/bodies?q=${first.code.toLowerCase()}`);
    expect(byCode.body).toContain(escapeHtml(first.name));
    const none = await admin.get('/staff/bodies?q=zzzz-no-such-body');
    expect(none.body).toContain('No council or care provider matches');
  });

  it('adds a link officer, and shows the form again with every problem and what was typed', async () => {
    const page = await manager.get(officersUrl(first.code));
    expect(titleOf(page.body)).toBe(`Link officers for ${escapeHtml(first.name)} - Redress`);
    expect(page.body).toContain('This organisation has no link officer');

    const empty = await manager.postForm(officersUrl(first.code), { fullName: '', email: '', phone: '' });
    expectFormError(empty, 'Enter the link officer’s full name', { field: 'fullName' });
    expectFormError(empty, 'Enter the link officer’s email address', { field: 'email' });
    const bad = await manager.postForm(officersUrl(first.code), { fullName: 'Kim <Keeper>', email: 'not-an-email', phone: 'call me' });
    expectFormError(bad, 'Enter an email address in the correct format, like name@example.com', { field: 'email', kept: ['Kim <Keeper>', 'not-an-email', 'call me'] });
    expectFormError(bad, 'Enter a telephone number, like 01632 960 001 or +44 808 157 0192', { field: 'phone' });
    expect(await officers(first.id)).toEqual([]);

    const added = await manager.postForm(officersUrl(first.code), { fullName: 'Kim Keeper', email: ' Kim.Keeper@First.Test ', phone: '01632 960 001' });
    expect({ status: added.statusCode, location: added.headers.location }).toEqual({ status: 303, location: `${officersUrl(first.code)}?added=1` });
    const list = await manager.get(`${officersUrl(first.code)}?added=1`);
    expect(list.body).toContain('Link officer added');
    expect(list.body).toContain('kim.keeper@first.test');
    expect(list.body).toContain('Can sign in');
    const [kim] = await officers(first.id);
    expect({ name: kim?.full_name, email: kim?.email, phone: kim?.phone, active: kim?.active }).toEqual({ name: 'Kim Keeper', email: 'kim.keeper@first.test', phone: '01632 960 001', active: true });

    // One address once per body; the same person may act for another body too.
    const twice = await manager.postForm(officersUrl(first.code), { fullName: 'Kim Again', email: 'KIM.KEEPER@first.test', phone: '' });
    expectFormError(twice, 'This body already has a link officer with this email address', { field: 'email' });
    const elsewhere = await manager.postForm(officersUrl(second.code), { fullName: 'Kim Keeper', email: 'kim.keeper@first.test', phone: '' });
    expect(elsewhere.statusCode).toBe(303);
    expect((await admin.get('/staff/bodies')).body).toContain(escapeHtml(second.name));
  });

  it('changes an officer’s details and deactivates them; another body’s officer is not found through this body', async () => {
    await admin.get(officersUrl(first.code));
    await admin.postForm(officersUrl(first.code), { fullName: 'Lou Leaving', email: 'lou@first.test', phone: '' });
    const lou = (await officers(first.id)).find((o) => o.email === 'lou@first.test');
    if (!lou) throw new Error('Lou was not added');
    const edit = await admin.get(`${officersUrl(first.code)}/${lou.id}`);
    expect(titleOf(edit.body)).toBe('Change link officer - Redress');
    expect(edit.body).toContain('value="lou@first.test"');

    const wrong = await admin.postForm(`${officersUrl(first.code)}/${lou.id}`, { fullName: 'Lou Leaving', email: 'lou@first.test', phone: '', active: '' });
    expectFormError(wrong, 'Select whether this person can sign in', { field: 'active' });
    const taken = await admin.postForm(`${officersUrl(first.code)}/${lou.id}`, { fullName: 'Lou Leaving', email: 'kim.keeper@first.test', phone: '', active: 'yes' });
    expectFormError(taken, 'This body already has a link officer with this email address', { field: 'email', kept: ['kim.keeper@first.test'] });

    const saved = await admin.postForm(`${officersUrl(first.code)}/${lou.id}`, { fullName: 'Lou Left', email: 'lou@first.test', phone: '+44 808 157 0192', active: 'no' });
    expect({ status: saved.statusCode, location: saved.headers.location }).toEqual({ status: 303, location: `${officersUrl(first.code)}?saved=1` });
    const row = (await officers(first.id)).find((o) => o.id === lou.id);
    expect({ name: row?.full_name, phone: row?.phone, active: row?.active }).toEqual({ name: 'Lou Left', phone: '+44 808 157 0192', active: false });
    expect((await admin.get(officersUrl(first.code))).body).toContain('Deactivated');

    const kimElsewhere = (await officers(second.id))[0];
    expectNotFound(await admin.get(`${officersUrl(first.code)}/${kimElsewhere?.id}`));
    await admin.get(officersUrl(first.code));
    expectNotFound(await admin.postForm(`${officersUrl(first.code)}/${kimElsewhere?.id}`, { fullName: 'Hijack', email: 'x@y.test', phone: '', active: 'no' }));
    expect((await officers(second.id))[0]?.full_name).toBe('Kim Keeper');
    expectNotFound(await admin.get(officersUrl('NO-SUCH-BODY')));
    expectNotFound(await admin.get(`${officersUrl(first.code)}/not-a-number`));
  });

  it('needs the CSRF token', async () => {
    await admin.get(officersUrl(first.code));
    const before = (await officers(first.id)).length;
    expectCsrfRefused(await admin.postForm(officersUrl(first.code), { fullName: 'No Token', email: 'no.token@first.test' }, { csrf: false }));
    expect((await officers(first.id)).length).toBe(before);
  });
});
