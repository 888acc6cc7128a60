/**
 * Helpers shared by the web tests: making cases quickly through the services, snapshotting a case
 * to prove an action changed nothing, reading GOV.UK pages, and a raw client for odd requests.
 */
import { expect } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { PASSWORD, testStaff, type TestApp, type TestStaffName } from '../helpers/app.ts';
import { escapeHtml, titleOf } from '../helpers/pages.ts';
import { actor, registerTestCase, today } from '../helpers/staff-actions.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { issueFinalDecision, shareDraftDecision } from '../../src/services/investigation.ts';
import { addCalendarDays } from '../../src/domain/london-time.ts';

export { escapeHtml, titleOf } from '../helpers/pages.ts';
export { actor, today } from '../helpers/staff-actions.ts';

/** '26 000 001' -> '/staff/cases/26000001' (+ '/suffix'). */
export function caseUrl(reference: string, suffix = ''): string {
  return `/staff/cases/${reference.replace(/\s/g, '')}${suffix ? `/${suffix}` : ''}`;
}

/** A date `days` from today as the three fields of a GOV.UK date input called `name`. */
export function dateFields(t: TestApp, name: string, days: number): Record<string, string> {
  const [year, month, day] = addCalendarDays(today(t), days).split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year as string };
}

let complainants = 0;
export interface NewCase {
  receivedAt?: Date;
  fullName?: string;
  representative?: string;
  bodyIds?: number[];
  summary?: string;
}

/** Registers a complaint through the intake service (fast: no HTTP); returns its reference, e.g. '26 000 001'. */
export async function registerCase(t: TestApp, options: NewCase = {}): Promise<string> {
  return registerTestCase(t, {
    receivedAt: options.receivedAt,
    complainant: { fullName: options.fullName ?? `Test Complainant ${String(++complainants).padStart(3, '0')}`, email: null },
    representative: options.representative ? { fullName: options.representative } : null,
    bodyIds: options.bodyIds ?? [t.bodyIds[0] as number],
    summary: options.summary ?? 'The council did not reply to my letters.',
  });
}

export type Milestone = 'awaiting-allocation' | 'investigation' | 'draft-decision' | 'compliance' | 'closed';

/**
 * Moves a case on through the services: passed for investigation, allocated, draft shared, final
 * decision with one remedy (compliance). 'closed' refers it back for local resolution.
 */
export async function advanceCase(t: TestApp, reference: string, to: Milestone, investigator: TestStaffName = 'investigator') {
  if (to === 'closed') {
    await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'refer-back-for-local-resolution', explanation: 'Complain to the council first' });
    return { remedyIds: [] as number[] };
  }
  await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'pass-for-investigation' });
  if (to === 'awaiting-allocation') return { remedyIds: [] as number[] };
  await allocateCase(t.services, reference, actor(t, 'manager'), t.staffIds[investigator]);
  if (to === 'investigation') return { remedyIds: [] as number[] };
  await shareDraftDecision(t.services, reference, actor(t, investigator), {
    outcome: 'upheld-fault-injustice', reasons: 'Draft: the council was at fault.', commentsDueOn: addCalendarDays(today(t), 14),
  });
  if (to === 'draft-decision') return { remedyIds: [] as number[] };
  const { remedyIds } = await issueFinalDecision(t.services, reference, actor(t, investigator), {
    outcome: 'upheld-fault-injustice', reasons: 'Final: the council was at fault.',
    remedies: [{ kind: 'apology', description: 'Apologise in writing', dueOn: addCalendarDays(today(t), 28) }],
  });
  return { remedyIds };
}

const caseTables: [string, string][] = [
  ['case_events', 'id'], ['case_bodies', 'body_id'], ['decisions', 'id'], ['remedies', 'id'], ['enquiries', 'id'],
  ['documents', 'id'], ['clock_stops', 'id'], ['joint_working', 'case_id'],
];

/** The case row and every row hanging off it, in one query: equal snapshots mean nothing about the case changed. */
export async function caseSnapshot(t: TestApp, reference: string) {
  const related = caseTables.map(([table, order]) =>
    sql`(select coalesce(json_agg(x order by x.${sql.ref(order)}), '[]'::json) from ${sql.table(table)} x where x.case_id = c.id) as ${sql.ref(table)}`);
  const result = await sql<Record<string, unknown[]> & { row: Record<string, unknown> }>`select row_to_json(c) as row, ${sql.join(related)} from cases c where c.reference = ${reference}`.execute(t.database.db);
  const snapshot = result.rows[0];
  if (!snapshot) throw new Error(`no case ${reference}`);
  return { ...snapshot, eventCount: (snapshot.case_events ?? []).length };
}

export async function eventKinds(t: TestApp, reference: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select('e.kind')
    .where('c.reference', '=', reference)
    .orderBy('e.id')
    .execute();
  return rows.map((r) => r.kind);
}

export async function caseRow(t: TestApp, reference: string) {
  return t.database.db.selectFrom('cases').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

export async function countRows(t: TestApp, table: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.database.db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Every table the web layer can write to, counted: equal tallies mean a request wrote nothing. */
export async function tally(t: TestApp): Promise<Record<string, number>> {
  const tables = ['cases', 'contacts', 'people', 'case_events', 'decisions', 'remedies', 'enquiries', 'documents', 'clock_stops', 'joint_working', 'staff_users', 'bank_holidays'];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await countRows(t, table);
  return counts;
}

/** The links in the GOV.UK error summary, as [href, text] pairs. */
export function errorSummaryOf(body: string): { present: boolean; title: string; items: { href: string; text: string }[] } {
  const start = body.indexOf('class="govuk-error-summary"');
  if (start < 0) return { present: false, title: '', items: [] };
  const end = body.indexOf('</ul>', start);
  const html = body.slice(start, end < 0 ? undefined : end);
  const title = /govuk-error-summary__title[^>]*>\s*([\s\S]*?)\s*</.exec(html)?.[1] ?? '';
  const items = [...html.matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1] as string, text: (m[2] as string).trim() }));
  return { present: true, title, items };
}

/**
 * A re-rendered form: 400, "Error: " title, a GOV.UK error summary "There is a problem" listing
 * `message` (linked to `field` when given), and each of `kept` shown again (HTML-escaped).
 */
export function expectFormError(response: LightMyRequestResponse, message: string, options: { field?: string; kept?: string[] } = {}) {
  const summary = errorSummaryOf(response.body);
  expect({ status: response.statusCode, title: titleOf(response.body).slice(0, 7), summary: summary.title }).toEqual({ status: 400, title: 'Error: ', summary: 'There is a problem' });
  const texts = summary.items.map((i) => i.text);
  expect(texts).toContain(escapeHtml(message));
  if (options.field) {
    // The message links to its field (or the field's first input, like a date's day), and that element is on the page.
    const link = summary.items.find((i) => i.text === escapeHtml(message))?.href ?? '';
    expect(link === `#${options.field}` || link.startsWith(`#${options.field}-`), `${link} links to ${options.field}`).toBe(true);
    expect(response.body, `the page has an element with id ${link}`).toContain(`id="${link.slice(1)}"`);
  }
  // The message is shown next to its field too, not only in the summary.
  expect(response.body.split(escapeHtml(message)).length - 1).toBeGreaterThanOrEqual(2);
  for (const value of options.kept ?? []) expect(response.body).toContain(escapeHtml(value));
}

/** The GOV.UK 'You do not have permission' page. */
export function expectForbidden(response: LightMyRequestResponse, message?: string) {
  expect({ status: response.statusCode, title: titleOf(response.body) }).toEqual({ status: 403, title: 'You do not have permission - Redress' });
  if (message) expect(response.body).toContain(escapeHtml(message));
}

/** A form sent without (or with a wrong) CSRF token. */
export function expectCsrfRefused(response: LightMyRequestResponse) {
  expect({ status: response.statusCode, title: titleOf(response.body) }).toEqual({ status: 403, title: 'There is a problem - Redress' });
  expect(response.body).toContain('Your form expired or was sent from elsewhere');
}

export function expectNotFound(response: LightMyRequestResponse) {
  expect({ status: response.statusCode, title: titleOf(response.body) }).toEqual({ status: 404, title: 'Page not found - Redress' });
  expect(response.body).toContain('govuk-heading-l">Page not found</h1>');
}

export function expectConflict(response: LightMyRequestResponse, message: string) {
  expect({ status: response.statusCode, title: titleOf(response.body) }).toEqual({ status: 409, title: 'There is a problem - Redress' });
  expect(response.body).toContain(escapeHtml(message));
}

/** Sent to the sign-in page (any redirect status): for tests whose point is being signed out. */
export function expectSentToSignIn(response: LightMyRequestResponse, returnTo: string) {
  expect({ redirect: response.statusCode >= 300 && response.statusCode < 400, location: response.headers.location }).toEqual({
    redirect: true,
    location: `/staff/sign-in?returnTo=${encodeURIComponent(returnTo)}`,
  });
}

/** The sign-in redirect a signed-out visitor gets: 303 See Other, remembering where they were going. */
export function expectSignInRedirect(response: LightMyRequestResponse, returnTo: string) {
  expect({ status: response.statusCode, location: response.headers.location }).toEqual({
    status: 303,
    location: `/staff/sign-in?returnTo=${encodeURIComponent(returnTo)}`,
  });
}

/** Fails instead of hanging when a request never completes. */
export async function within<T>(seconds: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no response within ${seconds}s`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let nextAddress = 1;

/**
 * A client for requests the Browser helper cannot make (JSON, no body, custom headers). Each has
 * its own client address (X-Forwarded-For; the app trusts the proxy), so sign-in rate limits
 * apply per client as they would to different people.
 */
export class RawClient {
  cookie = '';
  csrf = '';
  readonly address: string;
  constructor(readonly app: FastifyInstance) {
    const n = nextAddress++;
    this.address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }

  async request(options: InjectOptions & { url: string }): Promise<LightMyRequestResponse> {
    const headers = { 'x-forwarded-for': this.address, ...(this.cookie ? { cookie: this.cookie } : {}), ...(options.headers ?? {}) };
    const response = await within(10, this.app.inject({ ...options, headers }), `${options.method ?? 'GET'} ${options.url}`);
    for (const c of response.cookies as { name: string; value: string }[]) if (c.name === 'redress.sid') this.cookie = `redress.sid=${c.value}`;
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }

  postForm(url: string, form: Record<string, string | string[]>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
    return this.request({ method: 'POST', url, payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async signIn(who: TestStaffName | { email: string; password: string }) {
    const credentials = typeof who === 'string' ? { email: testStaff[who].email, password: PASSWORD } : who;
    await this.get('/staff/sign-in');
    const response = await this.postForm('/staff/sign-in', { ...credentials, returnTo: '/staff' });
    if (response.statusCode !== 303) throw new Error(`sign-in failed: ${response.statusCode}`);
    await this.get('/staff');
    return this;
  }

  static async signedIn(app: FastifyInstance, who: TestStaffName | { email: string; password: string }) {
    return new RawClient(app).signIn(who);
  }
}
