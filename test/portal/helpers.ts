/**
 * Helpers for the complainant portal's tests: an application with the portal's routes, a
 * browser-like client with its own address, signing in with the emailed code, and cases made
 * quickly through the services.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Engine } from '../../src/data/db.ts';
import type { Actor } from '../../src/domain/case-lifecycle.ts';
import { addCalendarDays, londonDate } from '../../src/domain/london-time.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { registerContact } from '../../src/services/intake.ts';
import { issueFinalDecision, shareDraftDecision } from '../../src/services/investigation.ts';
import { configurePortal, type PortalOptions } from '../../src/web/portal/settings.ts';
import { portalRoutes } from '../../src/web/portal/portal-routes.ts';
import { staffMessageRoutes } from '../../src/web/staff/message-routes.ts';
import { createTestApp, PASSWORD, testStaff, type TestApp, type TestStaffName } from '../helpers/app.ts';

export const SESSION_SECRET = 'a-test-session-secret-of-at-least-32-chars';

/**
 * The test application with the portal's and staff messages' routes. They are registered here
 * unless `buildApp` already does; `options` (scanner, upload size, limits) apply either way.
 */
export async function createPortalTestApp(engine: Engine, options: PortalOptions = {}, now?: Date): Promise<TestApp> {
  const t = await createTestApp(engine, now);
  configurePortal(t.services, options);
  const deps = { config: { production: false, sessionSecret: SESSION_SECRET }, services: t.services, holidays: t.holidays, logger: false as const };
  if (!t.app.hasRoute({ method: 'GET', url: '/sign-in' })) await t.app.register(portalRoutes(deps));
  if (!t.app.hasRoute({ method: 'GET', url: '/staff/cases/:reference/messages' })) await t.app.register(staffMessageRoutes(deps));
  return t;
}

export function fixture(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'files', name));
}

/** The EICAR anti-virus test file, built at run time so no file in the repository sets off a scanner. */
export function eicar(): Buffer {
  return Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');
}

let nextAddress = 1;

/** A browser: keeps its cookie, reads the CSRF token from the last page, comes from its own address. */
export class PortalClient {
  cookie = '';
  csrf = '';
  readonly address: string;
  constructor(readonly app: FastifyInstance, address?: string) {
    const n = nextAddress++;
    this.address = address ?? `10.77.${(n >> 8) & 255}.${n & 255}`;
  }

  private remember(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string }[]) if (c.name === 'redress.sid') this.cookie = `redress.sid=${c.value}`;
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  private headers(extra: Record<string, string> = {}) {
    return { 'x-forwarded-for': this.address, ...(this.cookie ? { cookie: this.cookie } : {}), ...extra };
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: this.headers() }));
  }

  async post(url: string, form: Record<string, string>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) body.append(k, v);
    return this.remember(
      await this.app.inject({ method: 'POST', url, payload: body.toString(), headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }) }),
    );
  }

  /** A file upload as the case page's form sends it: multipart, CSRF token in the query. */
  async upload(url: string, file: { name: string; content: Buffer; type?: string } | undefined, options: { csrf?: boolean } = {}) {
    const boundary = '----portal-test-boundary';
    const parts: Buffer[] = [];
    if (file) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`),
        file.content,
        Buffer.from('\r\n'),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const query = options.csrf === false ? '' : `?_csrf=${encodeURIComponent(this.csrf)}`;
    return this.remember(
      await this.app.inject({
        method: 'POST', url: `${url}${query}`, payload: Buffer.concat(parts),
        headers: this.headers({ 'content-type': `multipart/form-data; boundary=${boundary}` }),
      }),
    );
  }

  /** Asks for a code for `email`; returns the response to the email form. */
  async requestCode(email: string) {
    await this.get('/sign-in');
    return this.post('/sign-in', { email });
  }

  /** Signs in all the way, reading the code from the notifications table. */
  async signIn(t: TestApp, email: string) {
    const asked = await this.requestCode(email);
    if (asked.statusCode !== 303) throw new Error(`asking for a code for ${email} failed: ${asked.statusCode}`);
    await this.get('/sign-in/check-email');
    const code = await latestCode(t, email);
    if (!code) throw new Error(`no code was sent to ${email}`);
    const response = await this.post('/sign-in/check-email', { code });
    if (response.statusCode !== 303) throw new Error(`signing in as ${email} failed: ${response.statusCode} ${response.body.slice(0, 200)}`);
    return this;
  }

  /** Signs in as a member of staff with their password. */
  async signInAsStaff(who: TestStaffName) {
    await this.get('/staff/sign-in');
    const response = await this.post('/staff/sign-in', { email: testStaff[who].email, password: PASSWORD, returnTo: '/staff' });
    if (response.statusCode !== 303) throw new Error(`staff sign-in as ${who} failed: ${response.statusCode}`);
    await this.get('/staff');
    return this;
  }
}

/** The code in the newest sign-in email to `email`, if any. */
export async function latestCode(t: TestApp, email: string): Promise<string | undefined> {
  const row = await t.database.db
    .selectFrom('notifications')
    .select('personalisation')
    .where('template', '=', 'sign-in-code')
    .where('recipient', '=', email.toLowerCase())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? String((row.personalisation as Record<string, unknown>).code) : undefined;
}

export async function notificationsTo(t: TestApp, template: string) {
  return t.database.db.selectFrom('notifications').selectAll().where('template', '=', template).orderBy('id').execute();
}

export function actor(t: TestApp, who: TestStaffName): Actor {
  return { id: t.staffIds[who], roles: [...testStaff[who].roles] as Role[] };
}

let people = 0;

/** Registers a complaint through the intake service; returns its reference, e.g. '26 000 001'. */
export async function registerPortalCase(
  t: TestApp,
  who: { email?: string | null; fullName?: string; representative?: { fullName: string; email?: string | null } | null; summary?: string; bodyIndex?: number },
): Promise<string> {
  const result = await registerContact(t.services, actor(t, 'intake'), {
    channel: 'email',
    receivedAt: new Date(t.clock.now().getTime() - 3_600_000),
    complainant: { fullName: who.fullName ?? `Portal Person ${++people}`, email: who.email ?? null },
    representative: who.representative ?? null,
    bodyIds: [t.bodyIds[who.bodyIndex ?? 0] as number],
    summary: who.summary ?? 'The council did not reply to my letters about my housing application.',
    outcome: 'case-created',
    category: 'Housing',
    subcategory: 'Homelessness',
    jurisdiction: 'local-government',
  });
  if (!result.reference) throw new Error('no reference');
  return result.reference;
}

export function today(t: TestApp): string {
  return londonDate(t.clock.now());
}

export type Milestone = 'closed-at-assessment' | 'awaiting-allocation' | 'investigation' | 'draft-decision' | 'compliance' | 'closed-after-decision';

/** Moves a case on through the services to `to`. */
export async function advance(t: TestApp, reference: string, to: Milestone) {
  if (to === 'closed-at-assessment') {
    await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'refer-back-for-local-resolution', explanation: 'Please complain to the council first; they have not had the chance to put things right.' });
    return;
  }
  await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'pass-for-investigation' });
  if (to === 'awaiting-allocation') return;
  await allocateCase(t.services, reference, actor(t, 'manager'), t.staffIds.investigator);
  if (to === 'investigation') return;
  await shareDraftDecision(t.services, reference, actor(t, 'investigator'), {
    outcome: 'upheld-fault-injustice', reasons: 'Draft: the council was at fault in the way it handled the application.', commentsDueOn: addCalendarDays(today(t), 14),
  });
  if (to === 'draft-decision') return;
  await issueFinalDecision(t.services, reference, actor(t, 'investigator'), {
    outcome: to === 'compliance' ? 'upheld-fault-injustice' : 'not-upheld',
    reasons: to === 'compliance' ? 'Final: the council was at fault and should apologise.' : 'Final: the council was not at fault.',
    remedies: to === 'compliance' ? [{ kind: 'apology', description: 'Apologise in writing', dueOn: addCalendarDays(today(t), 28) }] : [],
  });
}

/** '26 000 001' -> '/complaints/26000001' (+ '/suffix'). */
export function complaintUrl(reference: string, suffix = ''): string {
  return `/complaints/${reference.replace(/\s/g, '')}${suffix ? `/${suffix}` : ''}`;
}

export function staffMessagesUrl(reference: string): string {
  return `/staff/cases/${reference.replace(/\s/g, '')}/messages`;
}

export function titleOf(body: string): string {
  return /<title[^>]*>([\s\S]*?)<\/title>/.exec(body)?.[1]?.trim() ?? '';
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The texts and links in the GOV.UK error summary. */
export function errorSummaryOf(body: string): { href: string; text: string }[] {
  const start = body.indexOf('class="govuk-error-summary"');
  if (start < 0) return [];
  const end = body.indexOf('</ul>', start);
  return [...body.slice(start, end).matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1] as string, text: (m[2] as string).trim() }));
}

/** The portal's "Page not found" (404), the same for someone else's case as for no case. */
export function isPortalNotFound(response: LightMyRequestResponse): boolean {
  return response.statusCode === 404 && titleOf(response.body) === 'Page not found - Complain to the Ombudsman';
}

export async function eventsOf(t: TestApp, reference: string) {
  return t.database.db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['e.kind', 'e.actor_id', 'e.facts', 'e.detail_text'])
    .where('c.reference', '=', reference)
    .orderBy('e.id')
    .execute();
}
