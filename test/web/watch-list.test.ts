import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { titleOf } from './support.ts';
import { decidedCase, settle, type DecidedCase } from '../services/remedies-fixtures.ts';
import { markDelayedRemedies } from '../../src/services/remedies/delayed.ts';

describe.each(testEngines)('the public watch-list of overdue remedies on %s', (engine) => {
  let t: TestApp;
  let bodies: { id: number; code: string; name: string }[];
  let personal: DecidedCase;
  let old: DecidedCase;
  let settled: DecidedCase;
  const secrets = ['Mrs Private Person', 'Pay Mrs Private Person £450', 'Apologise to Mrs Private Person'];

  beforeAll(async () => {
    // Monday 2 March 2026.
    t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z'), { publicUrl: 'https://ombudsman.example/' });
    bodies = await t.database.db.selectFrom('bodies').select(['id', 'code', 'name']).orderBy('id').execute();
    const [b0, b1] = bodies as [typeof bodies[0], typeof bodies[0]];
    personal = await decidedCase(t, { decidedOn: '2026-01-20', bodyIds: [b0.id], complainant: 'Mrs Private Person', remedies: [
      { kind: 'apology', dueOn: '2026-02-20', description: 'Apologise to Mrs Private Person' },
      { kind: 'financial-payment', dueOn: '2026-02-27', amountPence: 45_000, description: 'Pay Mrs Private Person £450' },
      { kind: 'service-improvement', dueOn: '2026-02-25', description: 'Check every homelessness decision letter gives the right to review' },
      { kind: 'training', dueOn: '2026-04-30', description: 'Train the team' }, // not due yet
    ] });
    old = await decidedCase(t, { decidedOn: '2024-11-01', bodyIds: [b0.id], remedies: [{ kind: 'procedure-review', dueOn: '2024-12-01' }] });
    await decidedCase(t, { decidedOn: '2023-12-01', bodyIds: [b0.id], remedies: [{ kind: 'other', dueOn: '2024-01-10' }] }); // older than 24 months
    settled = await decidedCase(t, { decidedOn: '2026-01-10', bodyIds: [b1.id], remedies: [{ kind: 'apology', dueOn: '2026-02-10' }] });
    await settle(t, settled.reference, settled.remedyIds[0] as number, '2026-02-12');
    await markDelayedRemedies(t.services, t.clock.now());
  });
  afterAll(async () => t?.dispose());

  const bodyUrl = () => `/councils/${bodies[0]?.code}/watch-list`;

  it('lists a body’s overdue remedies: kind, due date, days overdue, delayed, the service improvement; nothing personal', async () => {
    const page = await t.app.inject({ method: 'GET', url: bodyUrl() });
    const [b0] = bodies as [typeof bodies[0]];
    expect({ status: page.statusCode, title: titleOf(page.body) }).toEqual({ status: 200, title: `Overdue remedies: ${b0.name} - Ombudsman decisions and statistics` });
    const rows = [...page.body.matchAll(/<tr class="govuk-table__row" id="remedy-[^"]+">([\s\S]*?)<\/tr>/g)].map((m) => (m[1] as string).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    expect(rows).toEqual([
      'Financial payment 27 February 2026 3 Overdue',
      'Service improvement Check every homelessness decision letter gives the right to review 25 February 2026 5 Overdue',
      'Apology 20 February 2026 10 Overdue',
      'Procedure review 1 December 2024 456 Delayed New due date 2 June 2026',
    ]);
    for (const secret of [...secrets, personal.reference, old.reference, 'Train the team', '£450']) expect(page.body).not.toContain(secret);
    expect(page.body).toContain(`href="/councils/${b0.code}/watch-list.atom"`);
    expect((await t.app.inject({ method: 'GET', url: `/councils/${b0.code.toLowerCase()}/watch-list` })).statusCode).toBe(200);
  });

  it('says so when a body has none, and 404s for a body that does not exist', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/councils/${bodies[1]?.code}/watch-list` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('has no overdue remedies');
    for (const url of ['/councils/E99999999/watch-list', '/councils/E99999999/watch-list.atom', '/councils/%00/watch-list']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });

  it('is cacheable: Cache-Control, an ETag, 304 when unchanged, and no session', async () => {
    for (const url of [bodyUrl(), `${bodyUrl()}.atom`, '/watch-list', '/watch-list.atom']) {
      const first = await t.app.inject({ method: 'GET', url });
      expect(first.statusCode).toBe(200);
      expect(first.headers['cache-control']).toBe('public, max-age=300');
      expect(first.headers['set-cookie']).toBeUndefined();
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect({ status: again.statusCode, body: again.body }).toEqual({ status: 304, body: '' });
    }
  });

  it('changes its ETag when the list changes, and back when the remedy is settled', async () => {
    const before = await t.app.inject({ method: 'GET', url: bodyUrl() });
    const probe = await decidedCase(t, { decidedOn: '2026-01-05', bodyIds: [bodies[0]?.id as number], remedies: [{ kind: 'apology', dueOn: '2026-02-05' }] });
    const listed = await t.app.inject({ method: 'GET', url: bodyUrl(), headers: { 'if-none-match': before.headers.etag as string } });
    expect(listed.statusCode).toBe(200);
    await settle(t, probe.reference, probe.remedyIds[0] as number, '2026-02-28');
    const after = await t.app.inject({ method: 'GET', url: bodyUrl() });
    expect(after.headers.etag).toBe(before.headers.etag);
  });

  it('publishes an Atom feed per body for scrutiny committees, with links to the public address', async () => {
    const [b0] = bodies as [typeof bodies[0]];
    const feed = await t.app.inject({ method: 'GET', url: `${bodyUrl()}.atom` });
    expect(feed.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(feed.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(feed.body).toContain(`<title>Overdue remedies: ${b0.name}</title>`);
    expect(feed.body).toContain(`<link rel="self" href="https://ombudsman.example/councils/${b0.code}/watch-list.atom"/>`);
    const titles = [...feed.body.matchAll(/<entry>[\s\S]*?<title[^>]*><!\[CDATA\[(.*?)\]\]><\/title>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'Financial payment, due 27 February 2026, 3 days overdue',
      'Service improvement, due 25 February 2026, 5 days overdue',
      'Apology, due 20 February 2026, 10 days overdue',
      'Procedure review, due 1 December 2024, 456 days overdue (delayed remedy)',
    ]);
    expect(feed.body).toContain('The service improvement: Check every homelessness decision letter gives the right to review');
    expect(feed.body).toContain(`<link href="https://ombudsman.example/councils/${b0.code}/watch-list#remedy-`);
    for (const secret of [...secrets, personal.reference]) expect(feed.body).not.toContain(secret);
  });

  it('lists and feeds every body’s overdue remedies together', async () => {
    const [b0] = bodies as [typeof bodies[0]];
    const page = await t.app.inject({ method: 'GET', url: '/watch-list' });
    expect({ status: page.statusCode, title: titleOf(page.body) }).toEqual({ status: 200, title: 'Overdue remedies - Ombudsman decisions and statistics' });
    expect(page.body).toContain('4 overdue remedies at 1 body');
    expect(page.body).toContain(`<a class="govuk-link" href="/councils/${b0.code}/watch-list">${b0.name}</a>`);
    for (const secret of [...secrets, personal.reference]) expect(page.body).not.toContain(secret);
    const feed = await t.app.inject({ method: 'GET', url: '/watch-list.atom' });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain(`<![CDATA[${b0.name}: Financial payment, due 27 February 2026, 3 days overdue]]>`);
  });

  it('is the same page for a signed-in caseworker, and never shows them more', async () => {
    const browser = await signedInAs(t.app, 'manager');
    const page = await browser.get(bodyUrl());
    expect(page.statusCode).toBe(200);
    for (const secret of [...secrets, personal.reference]) expect(page.body).not.toContain(secret);
  });
});
