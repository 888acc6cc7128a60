import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import { createTestApp, signedInAs, type TestApp } from '../helpers/app.ts';

// A page without a form must not write a session row: crawlers and probes would fill the table.
describe.each(testEngines)('sessions are made only when a page needs one (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(engine); });
  afterAll(async () => { await t.dispose(); });

  const sessionCount = async () => Number((await t.database.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('a page with no form sets no cookie and stores nothing', async () => {
    const before = await sessionCount();
    for (const url of ['/help', '/no-such-page']) {
      const response = await t.app.inject({ url });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(await sessionCount()).toBe(before);
  });

  it('a page with a form still gets its CSRF token and a session', async () => {
    const response = await t.app.inject({ url: '/staff/sign-in' });
    expect(response.body).toMatch(/name="_csrf" value="[^"]{20,}"/);
    expect(String(response.headers['set-cookie'])).toContain('redress.sid=');
  });

  it('reading pages does not write the session again: only a change does', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const rows = () => t.database.db.selectFrom('sessions').select(['sid', 'expires_at', 'data']).orderBy('sid').execute();
    const before = await rows();
    await new Promise((resolve) => setTimeout(resolve, 20)); // so a rewritten expiry would differ
    for (const url of ['/staff', '/staff/my-cases', '/staff/search?q=x']) expect((await browser.get(url)).statusCode).toBe(200);
    expect(await rows()).toEqual(before);
  });
});
