import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { createPortalTestApp, PortalClient, registerPortalCase } from './helpers.ts';

describe('complainant portal: signing out after a while without activity', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createPortalTestApp('pglite');
    await registerPortalCase(t, { email: 'idle@example.com', fullName: 'Idle Person' });
  });
  afterAll(async () => t?.dispose());

  it('says so on every signed-in page, keeps the session while it is used, and ends it after 30 idle minutes', async () => {
    const person = await new PortalClient(t.app).signIn(t, 'idle@example.com');
    const page = await person.get('/complaints');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('we sign you out after 30 minutes without activity');
    expect(page.body).toContain('data-module="app-timeout-warning"');

    t.clock.advance(25 * 60_000);
    expect((await person.get('/complaints')).statusCode).toBe(200);
    t.clock.advance(25 * 60_000);
    expect((await person.get('/complaints')).statusCode).toBe(200);

    t.clock.advance(31 * 60_000);
    const timedOut = await person.get('/complaints');
    expect(timedOut.statusCode).toBe(303);
    expect(timedOut.headers.location).toBe('/sign-in?timedOut=1');
    const signIn = await person.get('/sign-in?timedOut=1');
    expect(signIn.body).toContain('You were signed out because you had not done anything for a while');
    expect((await person.get('/complaints')).statusCode).toBe(303);
  });
});
