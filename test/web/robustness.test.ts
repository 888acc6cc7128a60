import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { createTestApp, PASSWORD, testStaff, type TestApp } from '../helpers/app.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { sendEnquiry } from '../../src/services/investigation.ts';
import { stopClock } from '../../src/services/case-clock.ts';
import { startJointWorking } from '../../src/services/joint-working.ts';
import { addCalendarDays } from '../../src/domain/london-time.ts';
import { actor, advanceCase, caseRow, caseUrl, dateFields, RawClient, registerCase, today, type Milestone } from './support.ts';

/**
 * Bad input never becomes a server error: every form route gets garbage, oversized, array-valued,
 * wrongly typed and wrongly encoded fields, and every answer must be below 500 (and arrive).
 */
describe('nothing is ever a server error', () => {
  let t: TestApp;
  let root: RawClient;
  const rootLogin = { email: 'root@test.example', password: PASSWORD };

  interface Route {
    name: string;
    /** Makes what the route acts on (a case at the right stage) and returns its URL. */
    make: () => Promise<string>;
    /** A valid form, as a browser would send it. */
    valid: () => Record<string, string | string[]>;
    /** Free-text fields, which end up in the database as typed. */
    text?: string[];
    /** Fields holding a database id. */
    ids?: string[];
    /** Who sends it: the all-roles user, a signed-out visitor, or a fresh session of its own. */
    client?: 'root' | 'anonymous' | 'fresh';
    /** Only these kinds of bad request (for a route that reads no fields, only the body parsing matters). */
    only?: string[];
  }

  /** A new case at `stage`, optionally prepared further; its URL with `suffix`. */
  const caseFor = (stage: Milestone | undefined, suffix: string, prepare?: (reference: string) => Promise<string | void>) => async () => {
    const reference = await registerCase(t);
    if (stage) await advanceCase(t, reference, stage);
    const extra = prepare ? await prepare(reference) : undefined;
    return caseUrl(reference, extra ? `${suffix}/${extra}` : suffix);
  };
  const firstId = async (table: 'enquiries' | 'remedies', reference: string) =>
    (await t.database.db.selectFrom(table).select('id').where('case_id', '=', (await caseRow(t, reference)).id).orderBy('id').executeTakeFirstOrThrow()).id;

  const routes: Route[] = [
    { name: 'sign in', make: async () => '/staff/sign-in', client: 'anonymous', valid: () => ({ email: testStaff.intake.email, password: 'not the password', returnTo: '/staff' }), text: ['email', 'password', 'returnTo'] },
    {
      name: 'sign out', make: async () => '/staff/sign-out', client: 'fresh', valid: () => ({}),
      only: ['every field given twice', 'invalid percent-encoding and UTF-8', 'JSON with nested objects and arrays', 'no body at all', 'multipart fields where a form was expected', 'a text/plain body', 'malformed JSON'],
    },
    {
      name: 'new contact', make: async () => '/staff/contacts/new', text: ['fullName', 'summary', 'address', 'phone'], ids: ['bodyId'],
      valid: () => ({
        channel: 'phone', 'received-day': '27', 'received-month': '2', 'received-year': '2026', receivedTime: '9am', fullName: 'Rob Ustness', email: 'rob@example.com',
        phone: '01632 960000', address: '1 Street', representativeName: '', representativeEmail: '', bodyId: String(t.bodyIds[0]), summary: 'A summary',
        outcome: 'case-created', category: 'Housing > Homelessness', jurisdiction: 'local-government',
      }),
    },
    { name: 'assessment', make: caseFor(undefined, 'assessment'), valid: () => ({ decision: 'close-after-initial-enquiries', reason: 'late-complaint', explanation: 'Too late' }), text: ['explanation'] },
    { name: 'allocate', make: caseFor('awaiting-allocation', 'allocate'), valid: () => ({ investigatorId: String(t.staffIds.investigator) }), ids: ['investigatorId'] },
    { name: 'note', make: caseFor(undefined, 'note'), valid: () => ({ text: 'A note' }), text: ['text'] },
    { name: 'enquiry', make: caseFor('investigation', 'enquiry'), valid: () => ({ bodyId: String(t.bodyIds[0]), question: 'Why?', ...dateFields(t, 'dueOn', 20) }), text: ['question'], ids: ['bodyId'] },
    { name: 'draft decision', make: caseFor('investigation', 'draft-decision'), valid: () => ({ outcome: 'not-upheld', reasons: 'No fault', ...dateFields(t, 'commentsDueOn', 14) }), text: ['reasons'] },
    {
      name: 'final decision', make: caseFor('draft-decision', 'final-decision'), text: ['reasons', 'remedies[0][description]'],
      valid: () => ({
        outcome: 'upheld-fault-injustice', reasons: 'Fault', 'remedies[0][kind]': 'financial-payment', 'remedies[0][description]': 'Pay', 'remedies[0][amount]': '100',
        [`remedies[0][share][${t.bodyIds[0]}]`]: '100', ...dateFields(t, 'remedies-0-dueOn', 28), 'remedies[1][kind]': '',
      }),
    },
    { name: 'stop the clock', make: caseFor(undefined, 'stop-clock'), valid: () => ({ reason: 'Waiting' }), text: ['reason'] },
    {
      name: 'restart the clock', valid: () => ({}),
      make: caseFor(undefined, 'restart-clock', async (reference) => { await stopClock(t.services, reference, actor(t, 'assessor'), { reason: 'Waiting' }); }),
    },
    { name: 'start joint working', make: caseFor(undefined, 'start-joint'), valid: () => ({ consentToJoint: 'yes', consentToShare: 'yes', ...dateFields(t, 'consentGivenOn', 0) }) },
    {
      name: 'end joint working', valid: () => ({ reason: 'Consent withdrawn' }), text: ['reason'],
      make: caseFor(undefined, 'end-joint', async (reference) => {
        await startJointWorking(t.services, reference, actor(t, 'assessor'), { consentToJoint: 'yes', consentToShare: 'yes', consentGivenOn: today(t) });
      }),
    },
    { name: 'document', make: caseFor(undefined, 'document'), valid: () => ({ document: 'not a file' }) },
    {
      name: 'enquiry response', valid: () => ({ response: 'An answer' }), text: ['response'],
      make: caseFor('investigation', 'enquiries', async (reference) => {
        await sendEnquiry(t.services, reference, actor(t, 'investigator'), { bodyId: t.bodyIds[0] as number, question: 'Q?', dueOn: addCalendarDays(today(t), 20) });
        return `${await firstId('enquiries', reference)}/response`;
      }),
    },
    {
      name: 'compliance', valid: () => ({ complied: 'yes', ...dateFields(t, 'settledOn', 0), evidence: 'Seen' }), text: ['evidence'],
      make: caseFor('compliance', 'remedies', async (reference) => `${await firstId('remedies', reference)}/compliance`),
    },
    { name: 'new staff account', make: async () => '/staff/admin/users', valid: () => ({ email: `fuzz.${++accounts}@test.example`, displayName: 'Fuzz', password: 'long enough password', roles: ['intake'], team: '' }), text: ['displayName'] },
    { name: 'add a bank holiday', make: async () => '/staff/admin/bank-holidays', valid: () => ({ 'date-day': '16', 'date-month': '6', 'date-year': '2027', name: 'Fuzz day' }), text: ['name'] },
    { name: 'remove a bank holiday', make: async () => '/staff/admin/bank-holidays', valid: () => ({ remove: '2027-06-16' }), text: ['remove'] },
  ];
  let accounts = 0;
  const sharedUrls = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp('pglite');
    // One person with every role, so every form gets past the role checks to its validation.
    await createStaffUser(t.services, null, { ...rootLogin, displayName: 'Root User', roles: ['intake', 'assessor', 'investigator', 'team-manager', 'ombudsman', 'admin'] });
    root = await RawClient.signedIn(t.app, rootLogin);
    for (const route of routes) sharedUrls.set(route.name, await route.make());
  });
  afterAll(async () => t?.dispose());

  type Pairs = [string, string][];
  const namesOf = (route: Route) => {
    const names = Object.keys(route.valid());
    return names.length ? names : ['confirm'];
  };
  const isDatePart = (name: string) => /-(day|month|year)$/.test(name);
  const urlencoded = (pairs: Pairs, csrf: string) => [['_csrf', csrf] as [string, string], ...pairs].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const form = (pairs: Pairs) => (csrf: string): Partial<InjectOptions> => ({ payload: urlencoded(pairs, csrf), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const raw = (body: string | Buffer, contentType?: string) => (csrf: string): Partial<InjectOptions> => ({
    payload: body, headers: { ...(contentType ? { 'content-type': contentType } : {}), 'csrf-token': csrf },
  });
  const json = (make: (name: string) => unknown, route: Route) => (csrf: string): Partial<InjectOptions> => ({
    payload: JSON.stringify({ _csrf: csrf, ...Object.fromEntries(namesOf(route).map((n) => [n, make(n)])) }), headers: { 'content-type': 'application/json' },
  });
  const multipart = (pairs: Pairs) => (csrf: string): Partial<InjectOptions> => {
    const boundary = 'fuzz-boundary';
    const body = pairs.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${boundary}--\r\n`;
    return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, query: { _csrf: csrf } };
  };
  const replaced = (route: Route, names: string[] | undefined, value: string): Pairs | undefined => {
    if (!names?.length) return undefined;
    return Object.entries(route.valid()).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one): [string, string] => [k, names.includes(k) ? value : one]));
  };

  /** Each kind of bad request, built for a route; undefined when it does not apply. */
  const kinds: [string, (route: Route) => ((csrf: string) => Partial<InjectOptions>) | undefined, { fresh?: boolean }?][] = [
    ['every field given twice', (r) => form(namesOf(r).flatMap((n): Pairs => [[n, isDatePart(n) ? '1' : 'first'], [n, isDatePart(n) ? '2' : 'second']]))],
    // Longer than any field's limit (the longest is 100,000), while the whole form stays under the 1MB body limit.
    ['every field oversized', (r) => form(namesOf(r).map((n): [string, string] => [n, 'x'.repeat(Math.min(120_000, Math.floor(900_000 / namesOf(r).length)))]))],
    ['NUL and control characters everywhere', (r) => form(namesOf(r).map((n): [string, string] => [n, 'a\u0000b\u0001\u001b[31m']))],
    ['NUL in the free text of an otherwise valid form', (r) => { const pairs = replaced(r, r.text, 'Valid text\u0000with a NUL'); return pairs && form(pairs); }, { fresh: true }],
    ['odd Unicode everywhere', (r) => form(namesOf(r).map((n): [string, string] => [n, '\u202e\ufeff𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u2028 ٣ ½ \ud83d\ude00 \uffff']))],
    ['invalid percent-encoding and UTF-8', (r) => raw(`${namesOf(r).map((n) => `${encodeURIComponent(n)}=%ED%A0%80%FF%%zz%E0%A4`).join('&')}&=&&=x`, 'application/x-www-form-urlencoded')],
    ['an out-of-range id in an otherwise valid form', (r) => { const pairs = replaced(r, r.ids, '99999999999'); return pairs && form(pairs); }, { fresh: true }],
    ['an otherwise valid form dated in year 0000', (r) => { const pairs = replaced(r, Object.keys(r.valid()).filter((n) => n.endsWith('-year')), '0000'); return pairs && form(pairs); }, { fresh: true }],
    ['out-of-range and non-whole numbers', (r) => form(namesOf(r).map((n, i): [string, string] => [n, ['99999999999', 'NaN', '1.5', '-1', 'Infinity', '1e309', '0x1f'][i % 7] as string]))],
    ['prototype and bracketed field names', (r) => form([
      ['__proto__', 'x'], ['constructor', 'x'], ['prototype', 'x'], ['toString', 'x'], ['hasOwnProperty', 'x'], ['remedies[0][share][__proto__]', '1'], ['remedies[0][share][1e999]', '1'],
      ...namesOf(r).flatMap((n): Pairs => [[`${n}[]`, 'x'], [`${n}[a][b]`, 'x']]),
    ])],
    ['JSON with nested objects and arrays', (r) => json((n) => (n.length % 2 ? { nested: ['x'] } : [[1], { a: null }]), r)],
    ['JSON with numbers, booleans and nulls', (r) => json((n) => [12345, true, null, -0.5][n.length % 4], r)],
    ['no body at all', () => raw('')],
    ['multipart fields where a form was expected', (r) => multipart(Object.entries(r.valid()).map(([k, v]): [string, string] => [k, String(v)]))],
    ['a text/plain body', () => raw('just some text', 'text/plain')],
    ['an unsupported content type', () => raw('<xml/>', 'application/xml')],
    ['malformed JSON', () => raw('{"_csrf": ', 'application/json')],
    ['a body over the size limit', (r) => form([[namesOf(r)[0] as string, 'y'.repeat(1_200_000)]])],
  ];

  const matrix = routes.flatMap((route) =>
    kinds.filter(([kind]) => !route.only || route.only.includes(kind)).map(([kind, build, options]) => [route.name, kind, route, build, options?.fresh ?? false] as const));

  async function clientFor(route: Route): Promise<RawClient> {
    if (route.client === 'anonymous') {
      const visitor = new RawClient(t.app);
      await visitor.get('/staff/sign-in');
      return visitor;
    }
    if (route.client === 'fresh') return RawClient.signedIn(t.app, rootLogin);
    return root;
  }

  it.each(matrix)('%s: %s', async (_route, _kind, route, build, fresh) => {
    const request = build(route);
    if (!request) return;
    const client = await clientFor(route);
    const url = fresh ? await route.make() : (sharedUrls.get(route.name) as string);
    const options = request(client.csrf);
    const response = await client.request({ method: 'POST', url, ...options } as InjectOptions & { url: string });
    expect(response.statusCode, response.body.slice(0, 200)).toBeLessThan(500);
  });

  it('a signed-in person can still use the service after all that', async () => {
    expect((await root.get('/staff')).statusCode).toBe(200);
  });

  it.each([
    '/staff/cases/%25', '/staff/cases/%25/note', '/staff/cases/%E0%A4%A', '/staff/cases/%00', '/staff/cases/' + 'a'.repeat(5000), '/staff/cases/26000001/documents/99999999999',
    '/staff/cases/26000001/documents/1e999', '/staff/cases/26000001/enquiries/99999999999/response', '/staff/cases/26000001/remedies/NaN/compliance',
    '/staff/queues/constructor', '/staff/queues/__proto__', '/staff/queues/assessment?after=9999-99-99.1', '/staff/queues/assessment?after[]=1',
    '/staff/my-cases?after=2026-13-01.1', '/staff/team/age/__proto__', '/staff/search?q=' + '%25'.repeat(3000), '/staff/search?q[a]=1', '/staff/search?q=%00',
    '/staff/sign-in?returnTo[]=x', '/staff/sign-in?returnTo=%E0%A4%A', '/staff/contacts/new?x=%FF',
  ])('GET %s is not a server error', async (url) => {
    const response = await root.get(url);
    expect(response.statusCode, response.body.slice(0, 200)).toBeLessThan(500);
  });
});
